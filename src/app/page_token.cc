#include "app/page_token.h"

#include <boost/json.hpp>

#include "core/crypto.h"

namespace amiplace {

std::string MakePageToken(std::string_view server_key, std::string_view query_fingerprint,
                          const PagePosition& pos) {
  boost::json::object o{{"q", crypto::Sha256Hex(query_fingerprint).substr(0, 16)},
                        {"k", pos.sort_key},
                        {"i", pos.id},
                        {"n", crypto::Hex(crypto::RandomBytes(4))}};
  return crypto::Base64Url(crypto::Seal(server_key, boost::json::serialize(o)));
}

Result<PagePosition> ReadPageToken(std::string_view server_key, std::string_view query_fingerprint,
                                   std::string_view token) {
  auto bad = [] {
    return ValidationError("NextToken: the token is not valid; pass the NextToken of the previous "
                           "response to the same request");
  };
  auto raw = crypto::Base64UrlDecode(token);
  if (!raw) return bad();
  auto plain = crypto::Open(server_key, *raw);
  if (!plain) return bad();
  boost::system::error_code ec;
  auto v = boost::json::parse(*plain, ec);
  if (ec || !v.is_object()) return bad();
  const auto& o = v.get_object();
  const auto* q = o.if_contains("q");
  const auto* k = o.if_contains("k");
  const auto* i = o.if_contains("i");
  if (!q || !k || !i || !q->is_string() || !k->is_string() || !i->is_string()) return bad();
  if (q->get_string() != crypto::Sha256Hex(query_fingerprint).substr(0, 16)) {
    return ValidationError("NextToken: the token belongs to a request with other filters or sort");
  }
  return PagePosition{std::string(k->get_string()), std::string(i->get_string())};
}

}  // namespace amiplace
