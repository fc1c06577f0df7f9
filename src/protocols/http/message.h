// The HTTP request and response as the protocol layer sees them, independent of the server.
// Plain values; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amiplace::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;
  std::string target;  // raw: path + "?" + query, percent-encoded as received
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;
  std::string local_address;  // the address the request arrived on (IMDS uses it)
  unsigned short local_port = 0;

  // First header with this name (case-insensitive), or "".
  std::string_view HeaderValue(std::string_view name) const;
  std::string_view Path() const;
  std::string_view Query() const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  Response& Set(std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
    return *this;
  }
};

Response JsonResponse(int status, std::string body);
Response TextResponse(int status, std::string body);

}  // namespace amiplace::http
