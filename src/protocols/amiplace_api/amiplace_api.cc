#include "protocols/amiplace_api/amiplace_api.h"

#include "core/json_util.h"
#include "protocols/http/query.h"

namespace amiplace::protocols {

namespace bj = boost::json;

Result<bj::object> AmiplaceApi::Handle(const http::Request& req, const Caller& caller) {
  std::string_view path = req.Path();
  if (path == "/amiplace/v1/accounts") {
    if (req.method == "POST") {
      AMIPLACE_ASSIGN_OR_RETURN(bj::value body, json::Parse(req.body.empty() ? "{}" : req.body));
      if (!body.is_object()) return ValidationError("The request body must be a JSON object");
      const auto& o = body.get_object();
      for (const auto& kv : o) {
        if (kv.key() != "Type" && kv.key() != "Name") {
          return ValidationError(fmt::format("{}: unknown field; allowed fields: Type, Name",
                                             std::string_view(kv.key())));
        }
      }
      auto type = json::GetString(o, "Type");
      auto name = json::GetString(o, "Name");
      if (!type) return ValidationError("Type: is required and must be a string (SELLER or BUYER)");
      if (!name) return ValidationError("Name: is required and must be a string");
      AMIPLACE_ASSIGN_OR_RETURN(NewAccount n, accounts_.CreateAccount(caller, *type, *name, clock_.Now()));
      return bj::object{{"AccountId", n.account.account_id},
                        {"AccessKeyId", n.credential.access_key_id},
                        {"SecretAccessKey", n.credential.secret_access_key},
                        {"Type", AccountTypeName(n.account.type)},
                        {"Name", n.account.name}};
    }
    if (req.method == "GET") {
      AMIPLACE_ASSIGN_OR_RETURN(auto accounts, accounts_.ListAccounts(caller));
      bj::array list;
      for (const auto& a : accounts) {
        list.push_back({{"AccountId", a.account_id},
                        {"Type", AccountTypeName(a.type)},
                        {"Name", a.name},
                        {"CreatedAt", FormatIso8601(a.created_at)}});
      }
      return bj::object{{"Accounts", std::move(list)}};
    }
  }
  if (path == "/amiplace/v1/products" || path.starts_with("/amiplace/v1/products/")) {
    return HandleProducts(req, caller);
  }
  if (path == "/amiplace/v1/subscriptions" || path.starts_with("/amiplace/v1/subscriptions/")) {
    return HandleSubscriptions(req, caller);
  }
  if (path == "/amiplace/v1/reviews" || path.starts_with("/amiplace/v1/reviews/")) {
    return HandleReviews(req, caller);
  }
  if (path == "/amiplace/v1/bill" && req.method == "GET" && billing_ != nullptr) {
    return HandleBill(req, caller);
  }
  if ((path.starts_with("/amiplace/v1/reports/") || path == "/amiplace/v1/feeds" ||
       path.starts_with("/amiplace/v1/feeds/")) &&
      req.method == "GET" && reports_ != nullptr) {
    return HandleReports(req, caller);
  }
  if (path == "/amiplace/v1/images" && req.method == "GET" && images_ != nullptr) {
    return HandleImages(caller);
  }
  if (path == "/amiplace/v1/instances" && req.method == "GET" && instances_ != nullptr) {
    return HandleInstances(caller);
  }
  if (path == "/amiplace/v1/dashboard" && req.method == "GET" && dashboard_ != nullptr) {
    return HandleDashboard(req, caller);
  }
  // POST /amiplace/v1/clock/advance  {"Hours": N}  →  {"Now": ISO-8601}
  if (path == "/amiplace/v1/clock/advance" && req.method == "POST" && clock_service_ != nullptr) {
    AMIPLACE_ASSIGN_OR_RETURN(bj::value body, json::Parse(req.body.empty() ? "{}" : req.body));
    if (!body.is_object()) return ValidationError("The request body must be a JSON object");
    const auto* hours = body.get_object().if_contains("Hours");
    if (hours == nullptr || !(hours->is_int64() || hours->is_uint64())) {
      return ValidationError("Hours: is required and must be a whole number of hours (0 or more)");
    }
    if (hours->is_uint64() && hours->get_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      return ValidationError("Hours: is too large");
    }
    AMIPLACE_ASSIGN_OR_RETURN(TimePoint now,
                              clock_service_->Advance(caller, hours->to_number<int64_t>()));
    return bj::object{{"Now", FormatIso8601(now)}};
  }
  if (path == "/amiplace/v1/whoami" && req.method == "GET") {
    return bj::object{{"AccountId", caller.account.account_id},
                      {"Type", AccountTypeName(caller.account.type)},
                      {"Name", caller.account.name}};
  }
  return Status(ErrorCode::kUnknownOperation,
                fmt::format("{} {} is not an amiplace API operation", req.method, path));
}

namespace {

bj::array StringArray(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

bj::object SubscriptionJson(const Subscription& s) {
  bj::object o{{"SubscriptionId", s.id},
               {"ProductId", s.product_id},
               {"Status", SubscriptionStatusName(s.status)},
               {"CreatedAt", FormatIso8601(s.created_at)}};
  if (s.cancelled_at) o["CancelledAt"] = FormatIso8601(*s.cancelled_at);
  return o;
}

std::string DescriptionString(const Entity& e, std::string_view key) {
  const auto* d = e.details.if_contains("Description");
  if (!d || !d->is_object()) return "";
  const auto* v = d->get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

Result<std::string> ProductIdFromBody(const http::Request& req) {
  AMIPLACE_ASSIGN_OR_RETURN(bj::value body, json::Parse(req.body.empty() ? "{}" : req.body));
  if (!body.is_object()) return ValidationError("The request body must be a JSON object");
  auto id = json::GetString(body.get_object(), "ProductId");
  if (!id || id->empty()) return ValidationError("ProductId: is required and must be a string");
  return *id;
}

}  // namespace

// GET /amiplace/v1/products?query=TEXT
// GET /amiplace/v1/products/{ProductId}
Result<bj::object> AmiplaceApi::HandleProducts(const http::Request& req, const Caller& caller) {
  std::string_view path = req.Path();
  if (req.method != "GET") {
    return Status(ErrorCode::kUnknownOperation, fmt::format("{} {} is not an amiplace API operation", req.method, path));
  }
  if (path == "/amiplace/v1/products") {
    AMIPLACE_ASSIGN_OR_RETURN(auto products, buyers_.Search(caller, http::QueryValue(req.Query(), "query")));
    bj::array list;
    for (const auto& p : products) {
      list.push_back({{"ProductId", p.id},
                      {"ProductTitle", DescriptionString(p, "ProductTitle")},
                      {"ShortDescription", DescriptionString(p, "ShortDescription")},
                      {"Visibility", DescriptionString(p, "Visibility")}});
    }
    return bj::object{{"Products", std::move(list)}};
  }
  std::string id = http::PercentDecode(path.substr(std::string_view("/amiplace/v1/products/").size()));
  AMIPLACE_ASSIGN_OR_RETURN(ProductView view, buyers_.DescribeProduct(caller, id));
  bj::array versions;
  for (const auto& v : view.versions) {
    bj::object images;
    for (const auto& [region, ami] : v.images) images[region] = ami;
    versions.push_back({{"VersionId", v.version_id},
                        {"VersionTitle", v.version_title},
                        {"Status", v.status},
                        {"Images", std::move(images)}});
  }
  bj::array pricing;
  for (const auto& p : view.prices) {
    pricing.push_back({{"DimensionKey", p.dimension_key},
                       {"Name", p.name},
                       {"Unit", p.unit},
                       {"Price", p.price},
                       {"Currency", "USD"}});
  }
  return bj::object{{"ProductId", view.product.id},
                    {"ProductCode", DescriptionString(view.product, "ProductCode")},
                    {"ProductTitle", DescriptionString(view.product, "ProductTitle")},
                    {"ShortDescription", DescriptionString(view.product, "ShortDescription")},
                    {"Visibility", DescriptionString(view.product, "Visibility")},
                    {"Regions", StringArray(view.regions)},
                    {"InstanceTypes", StringArray(view.instance_types)},
                    {"Versions", std::move(versions)},
                    {"PricingModel", view.pricing_model},
                    {"FreeTrialDays", view.free_trial_days ? bj::value(*view.free_trial_days) : bj::value(nullptr)},
                    {"Pricing", std::move(pricing)}};
}

// GET  /amiplace/v1/subscriptions
// POST /amiplace/v1/subscriptions         {"ProductId"}
// POST /amiplace/v1/subscriptions/cancel  {"ProductId"}
Result<bj::object> AmiplaceApi::HandleSubscriptions(const http::Request& req, const Caller& caller) {
  std::string_view path = req.Path();
  if (path == "/amiplace/v1/subscriptions" && req.method == "GET") {
    AMIPLACE_ASSIGN_OR_RETURN(auto subs, buyers_.ListSubscriptions(caller));
    bj::array list;
    for (const auto& s : subs) list.push_back(SubscriptionJson(s));
    return bj::object{{"Subscriptions", std::move(list)}};
  }
  if (path == "/amiplace/v1/subscriptions" && req.method == "POST") {
    AMIPLACE_ASSIGN_OR_RETURN(std::string id, ProductIdFromBody(req));
    AMIPLACE_ASSIGN_OR_RETURN(Subscription s, buyers_.Subscribe(caller, id));
    return SubscriptionJson(s);
  }
  if (path == "/amiplace/v1/subscriptions/cancel" && req.method == "POST") {
    AMIPLACE_ASSIGN_OR_RETURN(std::string id, ProductIdFromBody(req));
    AMIPLACE_ASSIGN_OR_RETURN(Subscription s, buyers_.CancelSubscription(caller, id));
    return SubscriptionJson(s);
  }
  return Status(ErrorCode::kUnknownOperation,
                fmt::format("{} {} is not an amiplace API operation", req.method, path));
}

// GET /amiplace/v1/bill[?month=YYYY-MM]: the caller's bill (CONTRACT §4 get-bill).
Result<bj::object> AmiplaceApi::HandleBill(const http::Request& req, const Caller& caller) {
  std::optional<std::string_view> month;
  std::string text = http::QueryValue(req.Query(), "month");
  if (!text.empty()) month = text;
  AMIPLACE_ASSIGN_OR_RETURN(Bill bill, billing_->BillFor(caller, month));
  return BillToJson(bill);
}

// GET /amiplace/v1/reports/{type}[?date=YYYY-MM-DD|month=YYYY-MM][&format=json|csv]
// GET /amiplace/v1/feeds                 → {"Feeds":[names]}
// GET /amiplace/v1/feeds/{name}          → {"Name","Columns","Csv"}
// CSV travels inside the JSON envelope ("Csv": the RFC 4180 text) since every amiplace API answer
// is JSON; the CLI prints it raw (docs/REPORTS.md).
Result<bj::object> AmiplaceApi::HandleReports(const http::Request& req, const Caller& caller) {
  std::string_view path = req.Path();
  if (path == "/amiplace/v1/feeds") {
    bj::array names;
    for (const auto& n : ReportService::FeedNames()) names.emplace_back(n);
    return bj::object{{"Feeds", std::move(names)}};
  }
  constexpr std::string_view kFeeds = "/amiplace/v1/feeds/";
  if (path.starts_with(kFeeds)) {
    std::string name = http::PercentDecode(path.substr(kFeeds.size()));
    AMIPLACE_ASSIGN_OR_RETURN(ReportTable t, reports_->GetFeed(caller, name));
    if (!name.ends_with(".csv")) name += ".csv";
    bj::array columns;
    for (const auto& c : t.columns) columns.emplace_back(c);
    return bj::object{{"Name", name}, {"Columns", std::move(columns)}, {"Csv", ToCsv(t)}};
  }
  std::string type =
      http::PercentDecode(path.substr(std::string_view("/amiplace/v1/reports/").size()));
  std::string query(req.Query());
  std::string date = http::QueryValue(query, "date"), month = http::QueryValue(query, "month");
  std::string format = http::QueryValue(query, "format");
  if (!format.empty() && format != "json" && format != "csv") {
    return ValidationError(fmt::format("format: '{}' is not json or csv", format));
  }
  std::optional<std::string_view> d, m;
  if (!date.empty()) d = date;
  if (!month.empty()) m = month;
  AMIPLACE_ASSIGN_OR_RETURN(Report r, reports_->GetReport(caller, type, d, m));
  if (format == "csv") {
    return bj::object{{"Type", r.type}, {"Period", r.period}, {"Format", "csv"},
                      {"Csv", ToCsv(r.table)}};
  }
  return ReportToJson(r);
}

// GET  /amiplace/v1/reviews
// POST /amiplace/v1/reviews/{ChangeSetId}/approve
// POST /amiplace/v1/reviews/{ChangeSetId}/reject   {"Reason": "..."}
Result<bj::object> AmiplaceApi::HandleReviews(const http::Request& req, const Caller& caller) {
  std::string_view path = req.Path();
  if (path == "/amiplace/v1/reviews" && req.method == "GET") {
    AMIPLACE_ASSIGN_OR_RETURN(auto reviews, reviews_.List(caller));
    bj::array list;
    for (const auto& r : reviews) {
      list.push_back({{"ChangeSetId", r.change_set_id},
                      {"EntityId", r.entity_id},
                      {"SellerAccountId", r.seller_account_id},
                      {"TargetVisibility", r.target_visibility},
                      {"SubmittedAt", FormatIso8601(r.submitted_at)}});
    }
    return bj::object{{"Reviews", std::move(list)}};
  }
  constexpr std::string_view kPrefix = "/amiplace/v1/reviews/";
  std::string_view rest = path.substr(std::min(path.size(), kPrefix.size()));
  auto slash = rest.find('/');
  if (req.method == "POST" && slash != std::string_view::npos) {
    std::string id(rest.substr(0, slash));
    std::string_view action = rest.substr(slash + 1);
    Result<ChangeSetStatus> status = Status(ErrorCode::kUnknownOperation, "");
    if (action == "approve") {
      status = reviews_.Approve(caller, id);
    } else if (action == "reject") {
      AMIPLACE_ASSIGN_OR_RETURN(bj::value body, json::Parse(req.body.empty() ? "{}" : req.body));
      if (!body.is_object()) return ValidationError("The request body must be a JSON object");
      auto reason = json::GetString(body.get_object(), "Reason");
      if (!reason) return ValidationError("Reason: is required and must be a string");
      status = reviews_.Reject(caller, id, *reason);
    }
    if (status.ok() || status.status().code() != ErrorCode::kUnknownOperation) {
      if (!status.ok()) return status.status();
      return bj::object{{"ChangeSetId", id}, {"Status", ChangeSetStatusName(*status)}};
    }
  }
  return Status(ErrorCode::kUnknownOperation,
                fmt::format("{} {} is not an amiplace API operation", req.method, path));
}

namespace {

bj::array ProductCodesJson(const std::vector<ImageProductCode>& codes) {
  bj::array a;
  for (const auto& c : codes) a.emplace_back(c.product_code_id);
  return a;
}

}  // namespace

// GET /amiplace/v1/images → {"Images":[{"ImageId","Name","Region","State","ProductCodes",
// "CreationDate"}]}: the caller's own images in every region.
Result<bj::object> AmiplaceApi::HandleImages(const Caller& caller) {
  AMIPLACE_ASSIGN_OR_RETURN(auto images, images_->ListOwnImages(caller));
  bj::array list;
  for (const auto& i : images) {
    list.push_back({{"ImageId", i.image_id},
                    {"Name", i.name},
                    {"Region", i.region},
                    {"State", i.state},
                    {"ProductCodes", ProductCodesJson(i.product_codes)},
                    {"CreationDate", FormatIso8601(i.creation_date)}});
  }
  return bj::object{{"Images", std::move(list)}};
}

// GET /amiplace/v1/instances → {"Instances":[{"InstanceId","ImageId","Region","InstanceType",
// "State","ProductCodes","LaunchTime"}]}: the caller's own instances in every region.
Result<bj::object> AmiplaceApi::HandleInstances(const Caller& caller) {
  AMIPLACE_ASSIGN_OR_RETURN(auto instances, instances_->ListOwnInstances(caller));
  bj::array list;
  for (const auto& i : instances) {
    list.push_back({{"InstanceId", i.instance_id},
                    {"ImageId", i.image_id},
                    {"Region", i.region},
                    {"InstanceType", i.instance_type},
                    {"State", InstanceStateName(i.state)},
                    {"ProductCodes", ProductCodesJson(i.product_codes)},
                    {"LaunchTime", FormatIso8601(i.launch_time)}});
  }
  return bj::object{{"Instances", std::move(list)}};
}

// GET /amiplace/v1/dashboard[?from=YYYY-MM-DD&to=YYYY-MM-DD][&productId=ID] (sellers):
// {"From","To","Currency","Products":[{"ProductId","ProductTitle"}],"Days":[{"Date","ProductId",
// "Subscribers","RunningInstances","InstanceHours","MeteredUnits","Revenue"}],"Totals":{...}}.
Result<bj::object> AmiplaceApi::HandleDashboard(const http::Request& req, const Caller& caller) {
  // An empty parameter is an absent one (its default).
  auto query = http::ParseQuery(req.Query());
  auto param = [&](std::string_view key) -> std::optional<std::string_view> {
    auto it = query.find(std::string(key));
    if (it == query.end() || it->second.empty()) return std::nullopt;
    return std::string_view(it->second);
  };
  AMIPLACE_ASSIGN_OR_RETURN(
      Dashboard d, dashboard_->Get(caller, param("from"), param("to"), param("productId")));
  bj::array products;
  for (const auto& p : d.products) {
    products.push_back({{"ProductId", p.product_id}, {"ProductTitle", p.product_title}});
  }
  bj::array days;
  for (const auto& day : d.days) {
    days.push_back({{"Date", day.date},
                    {"ProductId", day.product_id},
                    {"Subscribers", day.subscribers},
                    {"RunningInstances", day.running_instances},
                    {"InstanceHours", day.instance_hours.ToString()},
                    {"MeteredUnits", day.metered_units.ToString()},
                    {"Revenue", day.revenue.ToFixed(2)}});
  }
  return bj::object{{"From", d.from},
                    {"To", d.to},
                    {"Currency", kBillCurrency},
                    {"Products", std::move(products)},
                    {"Days", std::move(days)},
                    {"Totals", bj::object{{"Revenue", d.revenue.ToFixed(2)},
                                          {"InstanceHours", d.instance_hours.ToString()},
                                          {"MeteredUnits", d.metered_units.ToString()}}}};
}

}  // namespace amiplace::protocols
