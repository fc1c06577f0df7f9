// Product Load Forms over amiplace's JSON API (SigV4 service "amiplace", or a portal session):
//   GET  /amiplace/v1/plf/blank?productType=ami   → the .xlsx (attachment)
//   GET  /amiplace/v1/plf/export?productId=ID     → the .xlsx (attachment)
//   POST /amiplace/v1/plf   body: the .xlsx bytes → {"ChangeSetId","Changes":[{"ChangeType","EntityId"}]}
// A form with mistakes answers 422 ValidationException whose body also lists every mistake:
// {"Message", "Errors":[{"Cell":"Product!D2","Column":"ProductTitle","Message":…}]}; a file that
// is not a readable workbook answers 400/413 with the reason. Thin: the use cases are
// plf::PlfService's. Thread-safe.
#pragma once

#include "plf/plf_service.h"
#include "protocols/http/message.h"

namespace amiplace::protocols {

class PlfApi {
 public:
  explicit PlfApi(plf::PlfService& forms) : forms_(forms) {}

  static bool Matches(std::string_view path) {
    return path == "/amiplace/v1/plf" || path.starts_with("/amiplace/v1/plf/");
  }
  http::Response Handle(const http::Request& req, const Caller& caller, std::string_view request_id);

 private:
  plf::PlfService& forms_;
};

}  // namespace amiplace::protocols
