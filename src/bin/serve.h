// `amiplace serve`: wires the store, services, worker and HTTP server together and runs until
// SIGINT or SIGTERM. Composition only; no logic of its own beyond start-up and shutdown.
#pragma once

#include <chrono>
#include <string>

namespace amiplace {

struct ServeOptions {
  std::string data_dir = "./amiplace-data";
  std::string listen = "127.0.0.1:8080";
  int imds_port = 8169;
  std::string review = "manual";
  bool simulated_clock = false;
  std::chrono::milliseconds processing_delay{0};
  std::string request_quotas = "aws";  // "aws": AWS's per-account request rates; "off"
};

// Returns the process exit code.
int RunServe(const ServeOptions& options);

// Parses "0s", "250ms", "2m", "1h", "1.5s" or a plain number of seconds.
bool ParseDuration(const std::string& text, std::chrono::milliseconds* out);

}  // namespace amiplace
