// A small signed HTTP client for the command line and the benchmarks: sends one JSON request,
// signed with SigV4 as the AWS CLI does, to a running amiplace server, and returns the parsed
// JSON answer or the server's error (code from x-amzn-ErrorType, message from the body).
// One Client holds one keep-alive connection; not thread-safe (use one per thread).
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "core/status.h"
#include "protocols/sigv4/sigv4.h"

namespace amiplace::cli {

struct ClientConfig {
  std::string endpoint = "http://127.0.0.1:8080";
  std::string region = "us-east-1";
  sigv4::Credentials credentials;
};

// The error a server answered with.
struct RemoteError {
  int http_status = 0;
  std::string code;
  std::string message;
};

class Client {
 public:
  explicit Client(ClientConfig config);
  ~Client();

  // `path` may carry a query. `body` empty for none.
  Result<boost::json::value> Call(std::string_view method, std::string_view path,
                                  std::string_view body, std::string_view service,
                                  RemoteError* error = nullptr);

  // The raw round trip (for benchmarks): returns the HTTP status.
  Result<int> Send(std::string_view method, std::string_view path, std::string_view body,
                   std::string_view service, std::string* response_body);
  // The x-amzn-ErrorType of the last answer ("" when it had none).
  const std::string& last_error_type() const { return last_error_type_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string last_error_type_;
};

// Reads endpoint, region and credentials the way CONTRACT §4 says: flags first, then
// AMIPLACE_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
ClientConfig ConfigFromEnvironment(const std::string& endpoint_flag, const std::string& region_flag);

}  // namespace amiplace::cli
