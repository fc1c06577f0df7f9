#include "protocols/catalog/catalog_api.h"

#include "core/crypto.h"
#include "core/json_util.h"
#include "protocols/http/query.h"

namespace amiplace::protocols {

namespace bj = boost::json;

namespace {

std::string Str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Status CheckCatalog(const bj::object& in, std::string_view field = "Catalog") {
  if (Str(in, "Catalog") != kCatalogName) {
    return ValidationError(fmt::format("{}: '{}' is not a catalog; the only catalog is {}", field,
                                       Str(in, "Catalog"), kCatalogName));
  }
  return Status::Ok();
}

Result<DateRange> ParseRange(const bj::value* v, std::string_view field) {
  DateRange r;
  if (v == nullptr || !v->is_object()) return r;
  const auto& o = v->get_object();
  for (auto [key, slot] : {std::pair{"AfterValue", &r.after}, std::pair{"BeforeValue", &r.before}}) {
    if (const auto* t = o.if_contains(key)) {
      auto tp = ParseIso8601(t->is_string() ? std::string_view(t->get_string()) : "");
      if (!tp) {
        return ValidationError(fmt::format("{}.{}: must be a date like 2024-01-31T00:00:00Z", field, key));
      }
      *slot = *tp;
    }
  }
  return r;
}

std::vector<std::string> Strings(const bj::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array()) {
    for (const auto& s : v->get_array())
      if (s.is_string()) out.emplace_back(s.get_string());
  }
  return out;
}

bj::array TagsJson(const std::vector<ResourceTag>& tags) {
  bj::array a;
  for (const auto& t : tags) a.push_back({{"Key", t.key}, {"Value", t.value}});
  return a;
}

std::vector<ResourceTag> TagsFrom(const bj::value* v) {
  std::vector<ResourceTag> out;
  if (v && v->is_array()) {
    for (const auto& t : v->get_array()) {
      const auto& o = t.get_object();
      out.push_back({Str(o, "Key"), Str(o, "Value")});
    }
  }
  return out;
}

}  // namespace

bj::object DescribeEntityJson(const Entity& e) {
  return bj::object{{"EntityType", e.type},
                    {"EntityIdentifier", e.Identifier()},
                    {"EntityArn", EntityArn(e)},
                    {"LastModifiedDate", FormatIso8601(e.last_modified)},
                    {"Details", bj::serialize(e.details)},
                    {"DetailsDocument", e.details}};
}

bj::object EntitySummaryJson(const Entity& e) {
  EntityIndex idx = IndexOf(e);
  bj::object o{{"Name", idx.name},
               {"EntityType", EntityTypeWithoutVersion(e.type)},
               {"EntityId", e.id},
               {"EntityArn", EntityArn(e)},
               {"LastModifiedDate", FormatIso8601(e.last_modified)}};
  if (e.type == kAmiProductType) {
    o["Visibility"] = idx.visibility;
    o["AmiProductSummary"] = {{"ProductTitle", idx.name}, {"Visibility", idx.visibility}};
  } else if (e.type == kOfferType) {
    bj::object s{{"Name", idx.name}, {"ProductId", idx.product_id}, {"State", idx.state},
                 {"Targeting", bj::array{"None"}}};
    o["OfferSummary"] = std::move(s);
  }
  return o;
}

bj::object ChangeSetSummaryJson(const ChangeSet& cs) {
  bj::array ids;
  for (const auto& id : cs.entity_ids) ids.emplace_back(id);
  bj::object o{{"ChangeSetId", cs.id},
               {"ChangeSetArn", ChangeSetArn(cs.owner_account_id, cs.id)},
               {"ChangeSetName", cs.name},
               {"StartTime", FormatIso8601(cs.start_time)},
               {"Status", ChangeSetStatusName(cs.status)},
               {"EntityIdList", std::move(ids)}};
  if (cs.end_time) o["EndTime"] = FormatIso8601(*cs.end_time);
  if (cs.failure_code != FailureCode::kNone) o["FailureCode"] = FailureCodeName(cs.failure_code);
  return o;
}

bj::object ChangeSetJson(const ChangeSet& cs) {
  bj::array changes;
  for (const Change& c : cs.changes) {
    std::string identifier = c.entity_identifier;
    if (!c.resolved_entity_id.empty() &&
        (identifier.empty() || ReferencedChangeName(identifier))) {
      identifier = c.resolved_entity_id;
    }
    bj::object entity{{"Type", c.entity_type}};
    if (!identifier.empty()) entity["Identifier"] = identifier;
    bj::array errors;
    for (const auto& e : c.errors) errors.push_back({{"ErrorCode", e.code}, {"ErrorMessage", e.message}});
    bj::object s{{"ChangeType", c.change_type},
                 {"Entity", std::move(entity)},
                 {"Details", bj::serialize(c.details)},
                 {"DetailsDocument", c.details},
                 {"ErrorDetailList", std::move(errors)}};
    if (!c.change_name.empty()) s["ChangeName"] = c.change_name;
    changes.push_back(std::move(s));
  }
  bj::object o{{"ChangeSetId", cs.id},
               {"ChangeSetArn", ChangeSetArn(cs.owner_account_id, cs.id)},
               {"ChangeSetName", cs.name},
               {"Intent", IntentName(cs.intent)},
               {"StartTime", FormatIso8601(cs.start_time)},
               {"Status", ChangeSetStatusName(cs.status)},
               {"ChangeSet", std::move(changes)}};
  if (cs.end_time) o["EndTime"] = FormatIso8601(*cs.end_time);
  if (cs.failure_code != FailureCode::kNone) o["FailureCode"] = FailureCodeName(cs.failure_code);
  if (!cs.failure_description.empty()) o["FailureDescription"] = cs.failure_description;
  return o;
}

const model::ServiceModel::Operation* CatalogApi::Match(const http::Request& req) const {
  return model_.MatchRestOperation(req.method, req.Path());
}

bool CatalogApi::IsWrite(std::string_view op) {
  return op == "StartChangeSet" || op == "CancelChangeSet" || op == "TagResource" ||
         op == "UntagResource" || op == "PutResourcePolicy" || op == "DeleteResourcePolicy";
}

Result<bj::object> CatalogApi::Handle(const model::ServiceModel::Operation& op,
                                      const http::Request& req, const Caller& caller) {
  std::optional<bj::value> body;
  if (!req.body.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(body, json::Parse(req.body));
  }
  auto query = http::ParseQuery(req.Query());
  AMIPLACE_ASSIGN_OR_RETURN(
      bj::object in,
      model_.BindRestInput(
          op, query,
          [&](std::string_view name) -> std::optional<std::string> {
            auto v = req.HeaderValue(name);
            if (v.empty()) return std::nullopt;
            return std::string(v);
          },
          body ? &*body : nullptr));
  AMIPLACE_RETURN_IF_ERROR(model_.ValidateInput(op, in));

  const std::string& name = op.name;
  if (name == "StartChangeSet") return StartChangeSet(in, caller);
  if (name == "DescribeChangeSet") return DescribeChangeSet(in, caller);
  if (name == "CancelChangeSet") return CancelChangeSet(in, caller);
  if (name == "ListChangeSets") return ListChangeSets(in, caller);
  if (name == "DescribeEntity") return DescribeEntity(in, caller);
  if (name == "BatchDescribeEntities") return BatchDescribeEntities(in, caller);
  if (name == "ListEntities") return ListEntities(in, caller);
  if (name == "TagResource") return TagResource(in, caller);
  if (name == "UntagResource") return UntagResource(in, caller);
  if (name == "ListTagsForResource") return ListTagsForResource(in, caller);
  if (name == "PutResourcePolicy") return PutResourcePolicy(in, caller);
  if (name == "GetResourcePolicy") return GetResourcePolicy(in, caller);
  if (name == "DeleteResourcePolicy") return DeleteResourcePolicy(in, caller);
  return Status(ErrorCode::kUnknownOperation, fmt::format("Operation {} is not supported", name));
}

Result<bj::object> CatalogApi::StartChangeSet(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(CheckCatalog(in));
  StartChangeSetRequest req;
  const auto& list = in.at("ChangeSet").get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& c = list[i].get_object();
    Change change;
    change.change_type = Str(c, "ChangeType");
    const auto& entity = c.at("Entity").get_object();
    change.entity_type = Str(entity, "Type");
    change.entity_identifier = Str(entity, "Identifier");
    change.change_name = Str(c, "ChangeName");
    const bj::value* details = c.if_contains("Details");
    const bj::value* document = c.if_contains("DetailsDocument");
    if (details && document) {
      return ValidationError(fmt::format(
          "ChangeSet[{}]: set Details or DetailsDocument, not both", i));
    }
    if (details) {
      auto parsed = json::Parse(details->get_string(), fmt::format("ChangeSet[{}].Details", i));
      if (!parsed.ok()) return ValidationError(parsed.status().message());
      change.details = std::move(parsed).value();
      change.details_was_string = true;
    } else if (document) {
      change.details = *document;
    } else {
      return ValidationError(fmt::format(
          "ChangeSet[{}]: Details or DetailsDocument is required (use {{}} for none)", i));
    }
    if (const auto* tags = c.if_contains("EntityTags")) change.entity_tags = tags->get_array();
    req.changes.push_back(std::move(change));
  }
  req.change_set_name = Str(in, "ChangeSetName");
  req.client_request_token = Str(in, "ClientRequestToken");
  req.tags = TagsFrom(in.if_contains("ChangeSetTags"));
  if (in.contains("Intent")) req.intent = ParseIntent(Str(in, "Intent")).value_or(Intent::kApply);
  bj::object hashed = in;
  hashed.erase("ClientRequestToken");
  req.request_hash = crypto::Sha256Hex(json::Canonical(hashed));
  AMIPLACE_ASSIGN_OR_RETURN(ChangeSetRef ref, service_.StartChangeSet(caller, std::move(req)));
  return bj::object{{"ChangeSetId", ref.id}, {"ChangeSetArn", ref.arn}};
}

Result<bj::object> CatalogApi::DescribeChangeSet(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(CheckCatalog(in, "catalog"));
  AMIPLACE_ASSIGN_OR_RETURN(ChangeSet cs, service_.DescribeChangeSet(caller, Str(in, "ChangeSetId")));
  return ChangeSetJson(cs);
}

Result<bj::object> CatalogApi::CancelChangeSet(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(CheckCatalog(in, "catalog"));
  AMIPLACE_ASSIGN_OR_RETURN(ChangeSetRef ref, service_.CancelChangeSet(caller, Str(in, "ChangeSetId")));
  return bj::object{{"ChangeSetId", ref.id}, {"ChangeSetArn", ref.arn}};
}

Result<bj::object> CatalogApi::ListChangeSets(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(CheckCatalog(in));
  ListChangeSetsRequest req;
  if (const auto* filters = in.if_contains("FilterList")) {
    const auto& list = filters->get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& f = list[i].get_object();
      std::string name = Str(f, "Name");
      auto values = Strings(f.if_contains("ValueList"));
      std::string field = fmt::format("FilterList[{}]", i);
      auto one_time = [&](std::optional<TimePoint>& slot) -> Status {
        if (values.size() != 1) {
          return ValidationError(fmt::format("{}.ValueList: {} takes exactly one date", field, name));
        }
        auto t = ParseIso8601(values[0]);
        if (!t) {
          return ValidationError(fmt::format("{}.ValueList: '{}' is not a date like "
                                             "2024-01-31T00:00:00Z", field, values[0]));
        }
        slot = t;
        return Status::Ok();
      };
      if (name == "ChangeSetName") {
        req.names.insert(req.names.end(), values.begin(), values.end());
      } else if (name == "Status") {
        for (const auto& v : values) {
          if (!ParseChangeSetStatus(v)) {
            return ValidationError(fmt::format(
                "{}.ValueList: '{}' is not a status; use PREPARING, APPLYING, SUCCEEDED, "
                "CANCELLED or FAILED", field, v));
          }
        }
        req.statuses.insert(req.statuses.end(), values.begin(), values.end());
      } else if (name == "EntityId") {
        req.entity_ids.insert(req.entity_ids.end(), values.begin(), values.end());
      } else if (name == "BeforeStartTime") {
        AMIPLACE_RETURN_IF_ERROR(one_time(req.start_time.before));
      } else if (name == "AfterStartTime") {
        AMIPLACE_RETURN_IF_ERROR(one_time(req.start_time.after));
      } else if (name == "BeforeEndTime") {
        AMIPLACE_RETURN_IF_ERROR(one_time(req.end_time.before));
      } else if (name == "AfterEndTime") {
        AMIPLACE_RETURN_IF_ERROR(one_time(req.end_time.after));
      } else {
        return ValidationError(fmt::format(
            "{}.Name: '{}' is not a ListChangeSets filter; use ChangeSetName, Status, EntityId, "
            "BeforeStartTime, AfterStartTime, BeforeEndTime or AfterEndTime", field, name));
      }
    }
  }
  if (const auto* sort = in.if_contains("Sort")) {
    const auto& s = sort->get_object();
    if (s.contains("SortBy")) {
      req.sort_by = Str(s, "SortBy");
      if (req.sort_by != "StartTime" && req.sort_by != "EndTime") {
        return ValidationError(fmt::format(
            "Sort.SortBy: '{}' is not supported; use StartTime or EndTime", req.sort_by));
      }
    }
    req.descending = Str(s, "SortOrder") != "ASCENDING";
  } else {
    req.descending = true;
  }
  if (const auto* m = in.if_contains("MaxResults")) req.max_results = static_cast<int>(m->to_number<int64_t>());
  req.next_token = Str(in, "NextToken");
  AMIPLACE_ASSIGN_OR_RETURN(auto page, service_.ListChangeSets(caller, req));
  bj::array items;
  for (const auto& cs : page.items) items.push_back(ChangeSetSummaryJson(cs));
  bj::object out{{"ChangeSetSummaryList", std::move(items)}};
  if (!page.next_token.empty()) out["NextToken"] = page.next_token;
  return out;
}

Result<bj::object> CatalogApi::DescribeEntity(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(CheckCatalog(in, "catalog"));
  AMIPLACE_ASSIGN_OR_RETURN(Entity e, service_.DescribeEntity(caller, Str(in, "EntityId")));
  return DescribeEntityJson(e);
}

Result<bj::object> CatalogApi::BatchDescribeEntities(const Json& in, const Caller& caller) {
  bj::object details, errors;
  const auto& list = in.at("EntityRequestList").get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& r = list[i].get_object();
    AMIPLACE_RETURN_IF_ERROR(CheckCatalog(r, fmt::format("EntityRequestList[{}].Catalog", i)));
    std::string id = Str(r, "EntityId");
    auto e = service_.DescribeEntity(caller, id);
    if (e.ok()) {
      bj::object d = DescribeEntityJson(*e);
      d.erase("Details");
      details[id] = std::move(d);
    } else if (e.status().code() == ErrorCode::kNotFound) {
      errors[id] = {{"ErrorCode", "ResourceNotFound"},
                    {"ErrorMessage", fmt::format("Entity {} was not found", id)}};
    } else {
      return e.status();
    }
  }
  return bj::object{{"EntityDetails", std::move(details)}, {"Errors", std::move(errors)}};
}

namespace {

Status AddValueFilter(const bj::object& filters, std::string_view key, EntityFilter::Field field,
                      std::vector<EntityFilter>& out, std::string_view path) {
  const auto* f = filters.if_contains(key);
  if (f == nullptr) return Status::Ok();
  const auto& o = f->get_object();
  EntityFilter ef{field, Strings(o.if_contains("ValueList")), Str(o, "WildCardValue"), {}};
  if (!ef.values.empty() && !ef.wildcard.empty()) {
    return ValidationError(fmt::format("{}.{}: set ValueList or WildCardValue, not both", path, key));
  }
  if (const auto* dr = o.if_contains("DateRange")) {
    AMIPLACE_ASSIGN_OR_RETURN(ef.range, ParseRange(dr, fmt::format("{}.{}.DateRange", path, key)));
  }
  out.push_back(std::move(ef));
  return Status::Ok();
}

}  // namespace

Result<bj::object> CatalogApi::ListEntities(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(CheckCatalog(in));
  ListEntitiesRequest req;
  std::string type_name = Str(in, "EntityType");
  auto type = EntityTypeFromName(type_name);
  static constexpr std::string_view kOtherTypes[] = {
      "ContainerProduct", "DataProduct", "SaaSProduct", "ProcurementPolicy", "Experience",
      "Audience", "BrandingSettings", "OfferSet", "Seller", "ResaleAuthorization", "Solution",
      "MachineLearningProduct"};
  bool other = std::find(std::begin(kOtherTypes), std::end(kOtherTypes), type_name) != std::end(kOtherTypes);
  if (!type && !other) {
    return ValidationError(fmt::format(
        "EntityType: '{}' is not an entity type; use AmiProduct or Offer (without a version)",
        type_name));
  }
  req.entity_type = type ? *type : type_name;
  req.shared = Str(in, "OwnershipType") == "SHARED";

  if (const auto* filters = in.if_contains("FilterList")) {
    const auto& list = filters->get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& f = list[i].get_object();
      if (Str(f, "Name") != "EntityId") {
        return ValidationError(fmt::format(
            "FilterList[{}].Name: '{}' is not supported by ListEntities; use EntityId, or "
            "EntityTypeFilters for other fields", i, Str(f, "Name")));
      }
      req.filters.push_back({EntityFilter::Field::kEntityId, Strings(f.if_contains("ValueList")), "", {}});
    }
  }
  if (const auto* tf = in.if_contains("EntityTypeFilters")) {
    const auto& o = tf->get_object();
    if (o.size() != 1) {
      return ValidationError("EntityTypeFilters: set exactly one member");
    }
    std::string_view which = o.begin()->key();
    const auto& filters = o.begin()->value().get_object();
    std::string path = fmt::format("EntityTypeFilters.{}", which);
    if (which == "AmiProductFilters" && type_name == "AmiProduct") {
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "EntityId", EntityFilter::Field::kEntityId, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "ProductTitle", EntityFilter::Field::kName, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "Visibility", EntityFilter::Field::kVisibility, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "LastModifiedDate", EntityFilter::Field::kLastModified, req.filters, path));
    } else if (which == "OfferFilters" && type_name == "Offer") {
      for (const auto& kv : filters) {
        std::string_view k = kv.key();
        if (k != "EntityId" && k != "Name" && k != "ProductId" && k != "State" && k != "LastModifiedDate") {
          return ValidationError(fmt::format(
              "{}.{}: this filter is not supported by amiplace; use EntityId, Name, ProductId, State "
              "or LastModifiedDate", path, k));
        }
      }
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "EntityId", EntityFilter::Field::kEntityId, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "Name", EntityFilter::Field::kName, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "ProductId", EntityFilter::Field::kProductId, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "State", EntityFilter::Field::kState, req.filters, path));
      AMIPLACE_RETURN_IF_ERROR(AddValueFilter(filters, "LastModifiedDate", EntityFilter::Field::kLastModified, req.filters, path));
    } else {
      return ValidationError(fmt::format(
          "EntityTypeFilters.{}: does not apply to EntityType {}", which, type_name));
    }
  }
  if (in.contains("Sort") && in.contains("EntityTypeSort")) {
    return ValidationError("Sort: set Sort or EntityTypeSort, not both");
  }
  if (const auto* sort = in.if_contains("Sort")) {
    const auto& s = sort->get_object();
    if (s.contains("SortBy")) req.sort_by = Str(s, "SortBy");
    if (req.sort_by != "LastModifiedDate" && req.sort_by != "EntityId") {
      return ValidationError(fmt::format(
          "Sort.SortBy: '{}' is not supported; use LastModifiedDate or EntityId, or EntityTypeSort",
          req.sort_by));
    }
    req.descending = Str(s, "SortOrder") != "ASCENDING";
  }
  if (const auto* ts = in.if_contains("EntityTypeSort")) {
    const auto& o = ts->get_object();
    if (o.size() != 1) return ValidationError("EntityTypeSort: set exactly one member");
    std::string_view which = o.begin()->key();
    const auto& s = o.begin()->value().get_object();
    bool ami = which == "AmiProductSort" && type_name == "AmiProduct";
    bool offer = which == "OfferSort" && type_name == "Offer";
    if (!ami && !offer) {
      return ValidationError(fmt::format("EntityTypeSort.{}: does not apply to EntityType {}", which, type_name));
    }
    if (s.contains("SortBy")) req.sort_by = Str(s, "SortBy");
    static constexpr std::string_view kOfferSorts[] = {"EntityId", "Name", "ProductId", "State",
                                                       "LastModifiedDate"};
    if (offer && std::find(std::begin(kOfferSorts), std::end(kOfferSorts), req.sort_by) == std::end(kOfferSorts)) {
      return ValidationError(fmt::format(
          "EntityTypeSort.OfferSort.SortBy: '{}' is not supported by amiplace; use EntityId, Name, "
          "ProductId, State or LastModifiedDate", req.sort_by));
    }
    req.descending = Str(s, "SortOrder") != "ASCENDING";
  }
  if (const auto* m = in.if_contains("MaxResults")) req.max_results = static_cast<int>(m->to_number<int64_t>());
  req.next_token = Str(in, "NextToken");

  bj::array items;
  std::string next;
  if (type) {
    AMIPLACE_ASSIGN_OR_RETURN(auto page, service_.ListEntities(caller, req));
    for (const auto& e : page.items) items.push_back(EntitySummaryJson(e));
    next = page.next_token;
  }
  bj::object out{{"EntitySummaryList", std::move(items)}};
  if (!next.empty()) out["NextToken"] = next;
  return out;
}

Result<bj::object> CatalogApi::TagResource(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(service_.TagResource(caller, Str(in, "ResourceArn"), TagsFrom(in.if_contains("Tags"))));
  return bj::object{};
}

Result<bj::object> CatalogApi::UntagResource(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(service_.UntagResource(caller, Str(in, "ResourceArn"), Strings(in.if_contains("TagKeys"))));
  return bj::object{};
}

Result<bj::object> CatalogApi::ListTagsForResource(const Json& in, const Caller& caller) {
  std::string arn = Str(in, "ResourceArn");
  AMIPLACE_ASSIGN_OR_RETURN(auto tags, service_.ListTags(caller, arn));
  return bj::object{{"ResourceArn", arn}, {"Tags", TagsJson(tags)}};
}

Result<bj::object> CatalogApi::PutResourcePolicy(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(service_.PutResourcePolicy(caller, Str(in, "ResourceArn"), Str(in, "Policy")));
  return bj::object{};
}

Result<bj::object> CatalogApi::GetResourcePolicy(const Json& in, const Caller& caller) {
  AMIPLACE_ASSIGN_OR_RETURN(std::string policy, service_.GetResourcePolicy(caller, Str(in, "ResourceArn")));
  return bj::object{{"Policy", policy}};
}

Result<bj::object> CatalogApi::DeleteResourcePolicy(const Json& in, const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(service_.DeleteResourcePolicy(caller, Str(in, "ResourceArn")));
  return bj::object{};
}

}  // namespace amiplace::protocols
