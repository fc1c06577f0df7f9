// `amiplace seller report` and `amiplace seller export-feeds` (CONTRACT §4, docs/REPORTS.md):
// clients of GET /amiplace/v1/reports/{type} and GET /amiplace/v1/feeds/{name}.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

namespace amiplace::cli {

// Adds the `seller report` and `seller export-feeds` subcommands to `seller`; the one chosen is
// stored in `chosen`.
void RegisterSellerReportCommands(CLI::App* seller, std::shared_ptr<std::function<int()>> chosen);

}  // namespace amiplace::cli
