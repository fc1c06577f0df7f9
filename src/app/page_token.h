// Opaque pagination tokens. A token names the position after the last item of a page (the
// sort key and ID, so pages stay stable while entities change) and the query it belongs to;
// it is sealed with the server's key, so clients can neither read nor forge it, and carries a
// random nonce, so no two tokens are ever equal. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace {

struct PagePosition {
  std::string sort_key;
  std::string id;
};

std::string MakePageToken(std::string_view server_key, std::string_view query_fingerprint,
                          const PagePosition& pos);
// kValidation naming NextToken when the token is malformed, forged, or from another query.
Result<PagePosition> ReadPageToken(std::string_view server_key, std::string_view query_fingerprint,
                                   std::string_view token);

}  // namespace amiplace
