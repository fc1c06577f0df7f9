// `amiplace plf blank|export|upload` (CONTRACT §4): clients of GET /amiplace/v1/plf/blank,
// GET /amiplace/v1/plf/export and POST /amiplace/v1/plf (docs/PLF.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

namespace amiplace::cli {

// Adds the `plf` command and its subcommands to `app`; the one chosen is stored in `chosen`.
void RegisterPlfCommands(CLI::App& app, std::shared_ptr<std::function<int()>> chosen);

}  // namespace amiplace::cli
