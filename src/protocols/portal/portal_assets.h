// The portal's files (web/ of the source tree, CONTRACT §4a), embedded into the binary at build
// time by cmake/embed_tree.cmake, which also writes the definitions below. A file is found by
// its path relative to web/ ("index.html", "js/app.js"); the pinned vendor files from
// web/node_modules are "vendor/uPlot.iife.min.js" and "vendor/uPlot.min.css". Lookups match a
// key exactly, so no request path can reach anything else. Constant data; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace amiplace::portal_assets {

// The file's bytes, or nullopt when no file has exactly this key.
std::optional<std::string_view> Find(std::string_view path);

// Every key, in byte order.
std::vector<std::string_view> Paths();

}  // namespace amiplace::portal_assets
