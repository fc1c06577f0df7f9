#include "cli/plf_commands.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_common.h"

namespace amiplace::cli {

namespace {

namespace bj = boost::json;

struct Options {
  std::string endpoint, region;
  std::string product_type = "ami", product_id, out, file;
};



// Prints a server's error answer ("Code: message") from its JSON body.
void PrintError(int status, const std::string& body, std::string code) {
  if (auto colon = code.find(':'); colon != std::string::npos) code = code.substr(0, colon);
  if (code.empty()) code = "RequestFailed";
  std::string message = body;
  boost::system::error_code ec;
  bj::value v = bj::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.get_object();
    for (const char* k : {"__type", "code", "Code"}) {
      if (const auto* c = o.if_contains(k); c && c->is_string()) code = std::string(c->get_string());
    }
    for (const char* k : {"Message", "message"}) {
      if (const auto* m = o.if_contains(k); m && m->is_string()) message = std::string(m->get_string());
    }
    if (auto hash = code.find('#'); hash != std::string::npos) code = code.substr(hash + 1);
    if (auto colon = code.find(':'); colon != std::string::npos) code = code.substr(0, colon);
  }
  if (code == "RequestFailed" && status >= 400) code = "HTTP" + std::to_string(status);
  std::cerr << code << ": " << message << "\n";
}

// Downloads a form from `path` into `out`; prints {"File": absolute path}.
int Download(const Options& o, const std::string& path) {
  auto client = ClientFor(o.endpoint, o.region);
  if (!client) return 1;
  std::string body;
  auto status = client->Send("GET", path, "", "amiplace", &body);
  if (!status.ok()) {
    std::cerr << "RequestFailed: " << status.status().message() << "\n";
    return 1;
  }
  if (*status != 200) {
    PrintError(*status, body, client->last_error_type());
    return 1;
  }
  std::filesystem::path file = std::filesystem::absolute(o.out);
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f.write(body.data(), static_cast<std::streamsize>(body.size()));
  f.close();
  if (!f) {
    std::cerr << "WriteFailed: cannot write " << file.string() << "\n";
    return 1;
  }
  std::cout << bj::serialize(bj::object{{"File", file.string()}}) << "\n";
  return 0;
}

int Upload(const Options& o) {
  std::ifstream f(o.file, std::ios::binary);
  if (!f) {
    std::cerr << "ReadFailed: cannot open " << o.file << "\n";
    return 1;
  }
  std::ostringstream bytes;
  bytes << f.rdbuf();
  auto client = ClientFor(o.endpoint, o.region);
  if (!client) return 1;
  std::string body;
  auto status = client->Send("POST", "/amiplace/v1/plf", bytes.str(), "amiplace", &body);
  if (!status.ok()) {
    std::cerr << "RequestFailed: " << status.status().message() << "\n";
    return 1;
  }
  if (*status == 200) {
    std::cout << body << "\n";
    return 0;
  }
  // A form with mistakes: every mistake on stderr as "Sheet!Cell: message", one a line.
  boost::system::error_code ec;
  bj::value v = bj::parse(body, ec);
  const bj::value* errors = !ec && v.is_object() ? v.get_object().if_contains("Errors") : nullptr;
  if (errors == nullptr || !errors->is_array()) {
    PrintError(*status, body, client->last_error_type());
    return 1;
  }
  for (const auto& e : errors->get_array()) {
    auto text = [&](std::string_view key) -> std::string_view {
      const bj::value* v = e.is_object() ? e.get_object().if_contains(key) : nullptr;
      return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
    };
    std::cerr << text("Cell") << ": " << text("Message") << "\n";
  }
  return 1;
}


}  // namespace

void RegisterPlfCommands(CLI::App& app, std::shared_ptr<std::function<int()>> chosen) {
  CLI::App* plf = app.add_subcommand("plf", "Product Load Forms (spreadsheets) for sellers");
  plf->require_subcommand(1);
  auto o = std::make_shared<Options>();

  CLI::App* blank = plf->add_subcommand("blank", "Write a blank form");
  AddEndpointFlags(blank, o->endpoint, o->region);
  blank->add_option("--product-type", o->product_type, "The product type (ami)")->required();
  blank->add_option("--out", o->out, "The .xlsx file to write")->required();
  blank->callback([o, chosen] {
    *chosen = [o] {
      return Download(*o, "/amiplace/v1/plf/blank?productType=" + UrlEncode(o->product_type));
    };
  });

  CLI::App* exp = plf->add_subcommand("export", "Write one of your products as a filled form");
  AddEndpointFlags(exp, o->endpoint, o->region);
  exp->add_option("--product-id", o->product_id, "The product (prod-…)")->required();
  exp->add_option("--out", o->out, "The .xlsx file to write")->required();
  exp->callback([o, chosen] {
    *chosen = [o] {
      return Download(*o, "/amiplace/v1/plf/export?productId=" + UrlEncode(o->product_id));
    };
  });

  CLI::App* upload = plf->add_subcommand(
      "upload", "Submit the changes that make the product match a form (nothing if it has mistakes)");
  AddEndpointFlags(upload, o->endpoint, o->region);
  upload->add_option("--file", o->file, "The .xlsx file")->required();
  upload->callback([o, chosen] { *chosen = [o] { return Upload(*o); }; });
}

}  // namespace amiplace::cli
