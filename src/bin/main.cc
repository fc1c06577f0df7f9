// The amiplace binary: `amiplace serve` runs the marketplace; every other command is a client
// of a running server (CONTRACT §4). Exit codes: 0 success, 1 error, 2 usage error.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "bin/serve.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("amiplace"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  CLI::App app("amiplace: a self-hostable marketplace for machine-image products", "amiplace");
  app.require_subcommand(1);

  amiplace::ServeOptions serve;
  std::string delay = "0s";
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the marketplace server");
  serve_cmd->add_option("--data", serve.data_dir, "Store directory")->capture_default_str();
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0 picks one)")->capture_default_str();
  serve_cmd->add_option("--imds-port", serve.imds_port, "Port of the instance metadata service")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--review", serve.review, "Visibility reviews: manual or auto")
      ->capture_default_str()->check(CLI::IsMember({"manual", "auto"}));
  serve_cmd->add_option("--request-quotas", serve.request_quotas,
                        "Per-account request rates: aws (AWS's quotas, 429 ThrottlingException) or off")
      ->capture_default_str()->check(CLI::IsMember({"aws", "off"}));
  serve_cmd->add_flag("--simulated-clock", serve.simulated_clock, "Run on a clock that admin advance-clock moves");
  serve_cmd->add_option("--processing-delay", delay, "Hold each change set in PREPARING this long (e.g. 2s, 500ms)")
      ->capture_default_str()->check([](const std::string& v) {
        std::chrono::milliseconds ms;
        return amiplace::ParseDuration(v, &ms) ? std::string() : "not a duration like 0s, 250ms, 2m";
      });

  auto run_client = amiplace::cli::RegisterClientCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  if (serve_cmd->parsed()) {
    amiplace::ParseDuration(delay, &serve.processing_delay);
    return amiplace::RunServe(serve);
  }
  int code = run_client();
  return code < 0 ? 2 : code;
}
