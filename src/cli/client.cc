#include "cli/client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url.hpp>

#include <cstdlib>

namespace amiplace::cli {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

struct Client::Impl {
  ClientConfig config;
  std::string host, port, host_header, base_path;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

Client::Client(ClientConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  auto url = boost::urls::parse_uri(impl_->config.endpoint);
  if (url) {
    impl_->host = url->host();
    impl_->port = url->has_port() ? std::string(url->port()) : "80";
    impl_->host_header = url->has_port() ? impl_->host + ":" + impl_->port : impl_->host;
    impl_->base_path = std::string(url->encoded_path());
    if (impl_->base_path == "/") impl_->base_path.clear();
  }
}

Client::~Client() = default;

Result<int> Client::Send(std::string_view method, std::string_view path, std::string_view body,
                         std::string_view service, std::string* response_body) {
  if (impl_->host.empty()) {
    return ValidationError(fmt::format("--endpoint-url: '{}' is not an http:// URL", impl_->config.endpoint));
  }
  sigv4::OutgoingRequest out;
  out.method = std::string(method);
  std::string full = impl_->base_path + std::string(path);
  auto q = full.find('?');
  out.path = q == std::string::npos ? full : full.substr(0, q);
  out.query = q == std::string::npos ? "" : full.substr(q + 1);
  out.headers.push_back({"Host", impl_->host_header});
  if (!body.empty()) out.headers.push_back({"Content-Type", "application/json"});
  out.body = std::string(body);
  sigv4::Sign(out, impl_->config.credentials, impl_->config.region, service,
              std::chrono::system_clock::now());

  bhttp::request<bhttp::string_body> req;
  req.method_string(out.method);
  req.target(out.query.empty() ? out.path : out.path + "?" + out.query);
  req.version(11);
  for (const auto& h : out.headers) req.set(h.name, h.value);
  req.set(bhttp::field::user_agent, "amiplace-cli");
  req.body() = out.body;
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    beast::error_code ec;
    if (!impl_->stream) {
      tcp::resolver resolver(impl_->ioc);
      auto results = resolver.resolve(impl_->host, impl_->port, ec);
      if (ec) return Status(ErrorCode::kInternal, fmt::format("cannot resolve {}: {}", impl_->host, ec.message()));
      impl_->stream.emplace(impl_->ioc);
      impl_->stream->connect(results, ec);
      if (ec) {
        impl_->stream.reset();
        return Status(ErrorCode::kInternal, fmt::format("cannot connect to {}: {}", impl_->config.endpoint, ec.message()));
      }
      impl_->stream->socket().set_option(tcp::no_delay(true));
    }
    bhttp::write(*impl_->stream, req, ec);
    bhttp::response<bhttp::string_body> res;
    if (!ec) bhttp::read(*impl_->stream, impl_->buffer, res, ec);
    if (ec) {
      impl_->stream.reset();
      impl_->buffer.clear();
      if (attempt == 0) continue;  // a kept-alive connection the server closed: retry once
      return Status(ErrorCode::kInternal, fmt::format("request to {} failed: {}", impl_->config.endpoint, ec.message()));
    }
    if (!res.keep_alive()) impl_->stream.reset();
    if (response_body) *response_body = std::move(res.body());
    last_error_type_ = std::string(res["x-amzn-ErrorType"]);
    return static_cast<int>(res.result_int());
  }
  return InternalError("unreachable");
}

Result<boost::json::value> Client::Call(std::string_view method, std::string_view path,
                                        std::string_view body, std::string_view service,
                                        RemoteError* error) {
  std::string response;
  AMIPLACE_ASSIGN_OR_RETURN(int status, Send(method, path, body, service, &response));
  boost::system::error_code ec;
  boost::json::value v = response.empty() ? boost::json::value(boost::json::object()) : boost::json::parse(response, ec);
  if (status >= 200 && status < 300) {
    if (ec) return InternalError(fmt::format("the server answered with invalid JSON: {}", response));
    return v;
  }
  RemoteError e;
  e.http_status = status;
  e.code = last_error_type_;
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    for (const char* key : {"Message", "message"}) {
      if (const auto* m = o.if_contains(key); m && m->is_string()) e.message = m->as_string();
    }
    if (e.code.empty()) {
      if (const auto* t = o.if_contains("__type"); t && t->is_string()) e.code = t->as_string();
    }
  } else {
    e.message = response;
  }
  if (e.code.empty()) e.code = fmt::format("HTTP{}", status);
  if (error) *error = e;
  return Status(ErrorCode::kValidation, fmt::format("{}: {}", e.code, e.message));
}

ClientConfig ConfigFromEnvironment(const std::string& endpoint_flag, const std::string& region_flag) {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  ClientConfig c;
  c.endpoint = !endpoint_flag.empty() ? endpoint_flag : env("AMIPLACE_ENDPOINT_URL");
  if (c.endpoint.empty()) c.endpoint = "http://127.0.0.1:8080";
  c.region = !region_flag.empty() ? region_flag : env("AWS_REGION");
  if (c.region.empty()) c.region = env("AWS_DEFAULT_REGION");
  if (c.region.empty()) c.region = "us-east-1";
  c.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
  c.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  c.credentials.session_token = env("AWS_SESSION_TOKEN");
  return c;
}

}  // namespace amiplace::cli
