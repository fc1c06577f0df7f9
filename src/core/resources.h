// Files embedded into the binary at build time (cmake/embed.cmake): SQL migrations and the AWS
// service models. Immutable; thread-safe.
#pragma once

#include <string_view>

namespace amiplace::resources {

// The content of the embedded file with this base name, or an empty view.
std::string_view Find(std::string_view name);

}  // namespace amiplace::resources
