// amiplace's own JSON API under /amiplace/v1/ (SigV4, service name "amiplace"): accounts now;
// reviews, subscriptions, bills, reports and forms as later issues add them. Thread-safe.
#pragma once

#include <boost/json.hpp>

#include "app/account_service.h"
#include "core/clock.h"
#include "protocols/http/message.h"

namespace amiplace::protocols {

class AmiplaceApi {
 public:
  AmiplaceApi(AccountService& accounts, const Clock& clock) : accounts_(accounts), clock_(clock) {}

  static bool Matches(std::string_view path) { return path.starts_with("/amiplace/v1/"); }
  // Returns the response body, or the error (rest-json shape).
  Result<boost::json::object> Handle(const http::Request& req, const Caller& caller);

 private:
  AccountService& accounts_;
  const Clock& clock_;
};

}  // namespace amiplace::protocols
