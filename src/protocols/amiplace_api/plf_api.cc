#include "protocols/amiplace_api/plf_api.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "protocols/errors.h"
#include "protocols/http/query.h"

namespace amiplace::protocols {

namespace bj = boost::json;

namespace {

constexpr std::string_view kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

http::Response Workbook(std::string bytes, std::string_view filename, std::string_view request_id) {
  http::Response r;
  r.status = 200;
  r.body = std::move(bytes);
  r.Set("Content-Type", std::string(kXlsxType));
  r.Set("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
  r.Set("Cache-Control", "no-store");
  r.Set("x-amzn-RequestId", std::string(request_id));
  return r;
}

}  // namespace

http::Response PlfApi::Handle(const http::Request& req, const Caller& caller,
                              std::string_view request_id) {
  auto fail = [&](const Status& s) { return ErrorResponse(s, WireProtocol::kRestJson, request_id); };
  std::string_view path = req.Path();
  std::string query(req.Query());
  if (path == "/amiplace/v1/plf/blank" && req.method == "GET") {
    std::string type = http::QueryValue(query, "productType");
    if (type.empty()) type = "ami";
    auto bytes = forms_.Blank(caller, type);
    if (!bytes.ok()) return fail(bytes.status());
    return Workbook(std::move(*bytes), fmt::format("amiplace-plf-{}.xlsx", type), request_id);
  }
  if (path == "/amiplace/v1/plf/export" && req.method == "GET") {
    std::string id = http::QueryValue(query, "productId");
    if (id.empty()) return fail(ValidationError("productId: is required"));
    auto bytes = forms_.Export(caller, id);
    if (!bytes.ok()) return fail(bytes.status());
    return Workbook(std::move(*bytes), fmt::format("{}.xlsx", id), request_id);
  }
  if (path == "/amiplace/v1/plf" && req.method == "POST") {
    if (req.body.empty()) {
      return fail(ValidationError("the request body must be the .xlsx file of a Product Load Form"));
    }
    auto result = forms_.Upload(caller, req.body);
    if (!result.ok()) return fail(result.status());
    if (!result->errors.empty()) {
      http::Response r = fail(ValidationError(fmt::format(
          "The form has {} mistake{}; nothing was submitted. First: {}: {}", result->errors.size(),
          result->errors.size() == 1 ? "" : "s", result->errors[0].cell,
          result->errors[0].message)));
      bj::value body = bj::parse(r.body);
      bj::array errors;
      for (const auto& e : result->errors) {
        errors.push_back({{"Cell", e.cell}, {"Column", e.column}, {"Message", e.message}});
      }
      body.as_object()["Errors"] = std::move(errors);
      r.body = bj::serialize(body);
      return r;
    }
    bj::array changes;
    for (const auto& c : result->changes) {
      changes.push_back({{"ChangeType", c.change_type}, {"EntityId", c.entity_id}});
    }
    bj::object out{{"ChangeSetId", result->change_set_id ? bj::value(*result->change_set_id)
                                                         : bj::value(nullptr)},
                   {"Changes", std::move(changes)}};
    http::Response r = http::JsonResponse(200, bj::serialize(out));
    r.Set("x-amzn-RequestId", std::string(request_id));
    return r;
  }
  return fail(Status(ErrorCode::kUnknownOperation,
                     fmt::format("{} {} is not an amiplace API operation", req.method, path)));
}

}  // namespace amiplace::protocols
