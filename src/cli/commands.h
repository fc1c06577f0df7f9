// The client commands of the `amiplace` binary (CONTRACT §4): each talks to a running server
// with SigV4-signed requests, prints JSON on stdout and exits 0, or prints "CODE: message" on
// stderr and exits 1. Registering them on a CLI11 app keeps main() a composition root.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace amiplace::cli {

// Adds `admin ...` (and later `buyer`, `seller`, `plf`) subcommands to `app`. The returned
// function runs whichever was chosen and returns the exit code (or -1 if none was).
std::function<int()> RegisterClientCommands(CLI::App& app);

}  // namespace amiplace::cli
