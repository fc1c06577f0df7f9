#include "cli/seller_commands.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/cli_common.h"

namespace amiplace::cli {

namespace {

struct Options {
  std::string endpoint, region;
  std::string type, date, month, format = "json";
  std::string out;
};



// GET `path`; the JSON object answered, or nullopt after printing the error.
std::optional<boost::json::object> Get(Client& client, std::string_view path) {
  RemoteError err;
  auto result = client.Call("GET", path, "", "amiplace", &err);
  if (!result.ok()) {
    if (!err.code.empty()) {
      std::cerr << err.code << ": " << err.message << "\n";
    } else {
      std::cerr << "RequestFailed: " << result.status().message() << "\n";
    }
    return std::nullopt;
  }
  if (!result->is_object()) {
    std::cerr << "RequestFailed: the server answered something other than a JSON object\n";
    return std::nullopt;
  }
  return result->get_object();
}


int Report(const Options& o) {
  auto client = ClientFor(o.endpoint, o.region);
  if (!client) return 1;
  std::string path = "/amiplace/v1/reports/" + o.type + "?format=" + o.format;
  if (!o.date.empty()) path += "&date=" + UrlEncode(o.date);
  if (!o.month.empty()) path += "&month=" + UrlEncode(o.month);
  auto r = Get(*client, path);
  if (!r) return 1;
  if (o.format == "csv") {
    const auto* csv = r->if_contains("Csv");
    std::cout << (csv && csv->is_string() ? std::string_view(csv->get_string()) : "");
  } else {
    std::cout << boost::json::serialize(*r) << "\n";
  }
  return 0;
}

int ExportFeeds(const Options& o) {
  auto client = ClientFor(o.endpoint, o.region);
  if (!client) return 1;
  auto list = Get(*client, "/amiplace/v1/feeds");
  if (!list) return 1;
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) {
    std::cerr << "WriteFailed: cannot create " << o.out << ": " << ec.message() << "\n";
    return 1;
  }
  std::filesystem::path dir = std::filesystem::absolute(o.out, ec);
  boost::json::array files;
  const auto* names = list->if_contains("Feeds");
  if (names == nullptr || !names->is_array()) {
    std::cerr << "RequestFailed: the server listed no feeds\n";
    return 1;
  }
  for (const auto& n : names->get_array()) {
    if (!n.is_string()) continue;
    std::string name(n.get_string());
    auto feed = Get(*client, "/amiplace/v1/feeds/" + name);
    if (!feed) return 1;
    const auto* csv = feed->if_contains("Csv");
    std::filesystem::path file = (dir / name).lexically_normal();
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    if (csv && csv->is_string()) f << std::string_view(csv->get_string());
    f.close();
    if (!f) {
      std::cerr << "WriteFailed: cannot write " << file.string() << "\n";
      return 1;
    }
    files.emplace_back(file.string());
  }
  std::cout << boost::json::serialize(boost::json::object{{"Files", std::move(files)}}) << "\n";
  return 0;
}

}  // namespace

void RegisterSellerReportCommands(CLI::App* seller, std::shared_ptr<std::function<int()>> chosen) {
  auto o = std::make_shared<Options>();
  CLI::App* report = seller->add_subcommand("report", "A seller report (docs/REPORTS.md)");
  report->add_option("--type", o->type, "daily-business, billed-revenue or subscribers")
      ->required()
      ->check(CLI::IsMember({"daily-business", "billed-revenue", "subscribers"}));
  auto* date = report->add_option("--date", o->date, "YYYY-MM-DD (daily-business; default today)");
  auto* month = report->add_option("--month", o->month, "YYYY-MM (billed-revenue; default this month)");
  date->excludes(month);
  report->add_option("--format", o->format, "json (default) or csv")
      ->check(CLI::IsMember({"json", "csv"}));
  AddEndpointFlags(report, o->endpoint, o->region);
  report->callback([=] { *chosen = [=] { return Report(*o); }; });

  CLI::App* feeds = seller->add_subcommand("export-feeds", "Write the CSV data feeds to a directory");
  feeds->add_option("--out", o->out, "The directory (created when missing)")->required();
  AddEndpointFlags(feeds, o->endpoint, o->region);
  feeds->callback([=] { *chosen = [=] { return ExportFeeds(*o); }; });
}

}  // namespace amiplace::cli
