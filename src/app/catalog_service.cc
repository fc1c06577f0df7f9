#include "app/catalog_service.h"

#include "app/page_token.h"

#include "core/crypto.h"
#include "core/ids.h"
#include "domain/catalog/visibility.h"
#include "domain/changeset/engine.h"

namespace amiplace {

CatalogService::CatalogService(Store& store, const Clock& clock, const ChangeTypeRegistry& registry,
                               Options options)
    : store_(store), clock_(clock), registry_(registry), options_(options) {}

Result<std::string> CatalogService::ServerKey() {
  std::lock_guard lock(key_mu_);
  if (server_key_.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(server_key_, store_.GetServerKey());
  }
  return server_key_;
}

Result<ChangeSetRef> CatalogService::StartChangeSet(const Caller& caller, StartChangeSetRequest req) {
  if (caller.account.type != AccountType::kSeller) {
    return AccessDeniedError(fmt::format(
        "Account {} is a {} account; only seller accounts can start change sets",
        caller.account.account_id, AccountTypeName(caller.account.type)));
  }
  AMIPLACE_ASSIGN_OR_RETURN(ChangeSetPlan plan, PlanChangeSet(req.changes, registry_));

  // Existing entities: they must exist, be the caller's, and match any revision given.
  for (size_t i = 0; i < req.changes.size(); ++i) {
    const Change& c = req.changes[i];
    if (c.entity_identifier.empty() || ReferencedChangeName(c.entity_identifier)) continue;
    auto parsed = ParseIdentifier(c.entity_identifier);
    AMIPLACE_ASSIGN_OR_RETURN(auto entity, store_.GetEntity(parsed->id));
    if (!entity || entity->owner_account_id != caller.account.account_id) {
      return NotFoundError(fmt::format("ChangeSet[{}].Entity.Identifier: entity {} was not found",
                                       i, parsed->id));
    }
    if (entity->type != c.entity_type) {
      return ValidationError(fmt::format(
          "ChangeSet[{}].Entity.Type: entity {} is of type {}, not {}", i, parsed->id,
          entity->type, c.entity_type));
    }
    if (parsed->revision && *parsed->revision != entity->revision) {
      return ValidationError(fmt::format(
          "ChangeSet[{}].Entity.Identifier: revision {} of entity {} is not the latest; the "
          "latest revision is {} ({})",
          i, *parsed->revision, parsed->id, entity->revision, entity->Identifier()));
    }
  }
  for (const auto& id : plan.referenced_entity_ids) {
    AMIPLACE_ASSIGN_OR_RETURN(auto entity, store_.GetEntity(id));
    if (!entity || entity->owner_account_id != caller.account.account_id) {
      return NotFoundError(fmt::format("ProductId: entity {} was not found", id));
    }
  }

  const TimePoint now = clock_.Now();
  ChangeSet cs;
  cs.id = ids::NewChangeSetId();
  cs.owner_account_id = caller.account.account_id;
  cs.name = req.change_set_name.empty() ? fmt::format("Submitted by {}", caller.account.account_id)
                                        : req.change_set_name;
  cs.intent = req.intent;
  cs.status = ChangeSetStatus::kPreparing;
  cs.start_time = now;
  cs.ready_at = now + options_.processing_delay;
  cs.client_token = req.client_request_token;
  cs.request_hash = req.request_hash;
  cs.changes = std::move(req.changes);
  cs.entity_ids = plan.existing_entity_ids;
  for (const auto& t : req.tags) cs.tags.push_back({{"Key", t.key}, {"Value", t.value}});

  AMIPLACE_ASSIGN_OR_RETURN(
      InsertConflict conflict,
      store_.InsertChangeSet(cs, plan.existing_entity_ids, options_.max_open_change_sets));
  switch (conflict.kind) {
    case InsertConflict::Kind::kNone:
      break;
    case InsertConflict::Kind::kTokenReused:
      if (conflict.request_hash == cs.request_hash) {
        return ChangeSetRef{conflict.change_set_id,
                            ChangeSetArn(caller.account.account_id, conflict.change_set_id)};
      }
      return ValidationError(fmt::format(
          "ClientRequestToken: the token '{}' was already used for change set {} with a different "
          "request; use a new token for a new request",
          cs.client_token, conflict.change_set_id));
    case InsertConflict::Kind::kLocked:
      return Status(ErrorCode::kResourceInUse,
                    fmt::format("The entity {} is in use by the change set {}, which is still "
                                "open; wait until it ends or cancel it",
                                conflict.entity_id, conflict.change_set_id));
    case InsertConflict::Kind::kQuotaExceeded:
      return Status(ErrorCode::kQuotaExceeded,
                    fmt::format("The account already has the maximum of {} open change sets",
                                options_.max_open_change_sets));
  }
  if (!cs.tags.empty()) {
    AMIPLACE_RETURN_IF_ERROR(
        store_.PutTags(ChangeSetArn(cs.owner_account_id, cs.id), req.tags, 200));
  }
  if (on_submitted_) on_submitted_();
  return ChangeSetRef{cs.id, ChangeSetArn(cs.owner_account_id, cs.id)};
}

Result<ChangeSet> CatalogService::DescribeChangeSet(const Caller& caller, std::string_view id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto cs, store_.GetChangeSet(id));
  if (!cs || (cs->owner_account_id != caller.account.account_id &&
              caller.account.type != AccountType::kOperator)) {
    return NotFoundError(fmt::format("changeSetId: change set {} was not found", id));
  }
  return std::move(*cs);
}

Result<ChangeSetRef> CatalogService::CancelChangeSet(const Caller& caller, std::string_view id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto cs, store_.GetChangeSet(id));
  if (!cs || cs->owner_account_id != caller.account.account_id) {
    return NotFoundError(fmt::format("changeSetId: change set {} was not found", id));
  }
  AMIPLACE_ASSIGN_OR_RETURN(bool cancelled, store_.CancelChangeSet(id, clock_.Now()));
  if (!cancelled) {
    AMIPLACE_ASSIGN_OR_RETURN(auto now_cs, store_.GetChangeSet(id));
    return Status(ErrorCode::kResourceInUse,
                  fmt::format("Change set {} is {}; only a change set that is PREPARING (or "
                              "waiting for review) can be cancelled",
                              id, now_cs ? ChangeSetStatusName(now_cs->status) : "gone"));
  }
  return ChangeSetRef{std::string(id), ChangeSetArn(cs->owner_account_id, id)};
}

namespace {

// Inclusive at the one-second resolution the API shows times in, so that a time a response
// carried ("2026-11-26T06:12:51Z") works as either bound.
bool InRange(const DateRange& r, std::optional<TimePoint> t) {
  if (!r.after && !r.before) return true;
  if (!t) return false;
  auto secs = std::chrono::floor<std::chrono::seconds>(*t);
  if (r.after && secs < std::chrono::floor<std::chrono::seconds>(*r.after)) return false;
  if (r.before && secs > std::chrono::floor<std::chrono::seconds>(*r.before)) return false;
  return true;
}

bool AnyOf(const std::vector<std::string>& values, std::string_view v) {
  return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string TimeKey(std::optional<TimePoint> t) {
  return t ? fmt::format("{:020d}", ToEpochMillis(*t)) : std::string();
}

// Sorts by (key, id) and cuts one page after `after`.
template <typename T>
Page<T> Paginate(std::vector<std::pair<PagePosition, T>> rows, bool descending, int max_results,
                 const std::optional<PagePosition>& after,
                 const std::function<std::string(const PagePosition&)>& make_token) {
  auto less = [](const PagePosition& a, const PagePosition& b) {
    return std::tie(a.sort_key, a.id) < std::tie(b.sort_key, b.id);
  };
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return descending ? less(b.first, a.first) : less(a.first, b.first);
  });
  Page<T> page;
  size_t i = 0;
  if (after) {
    while (i < rows.size() &&
           (descending ? !less(rows[i].first, *after) : !less(*after, rows[i].first))) {
      ++i;
    }
  }
  for (; i < rows.size() && static_cast<int>(page.items.size()) < max_results; ++i) {
    page.items.push_back(std::move(rows[i].second));
  }
  if (i < rows.size() && !page.items.empty()) page.next_token = make_token(rows[i - 1].first);
  return page;
}

}  // namespace

Result<Page<ChangeSet>> CatalogService::ListChangeSets(const Caller& caller,
                                                       const ListChangeSetsRequest& req) {
  AMIPLACE_ASSIGN_OR_RETURN(std::string key, ServerKey());
  std::string fingerprint = fmt::format(
      "cs|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", caller.account.account_id, fmt::join(req.names, ","),
      fmt::join(req.statuses, ","), fmt::join(req.entity_ids, ","),
      TimeKey(req.start_time.after), TimeKey(req.start_time.before), TimeKey(req.end_time.after),
      TimeKey(req.end_time.before), req.sort_by, req.descending);
  std::optional<PagePosition> after;
  if (!req.next_token.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(PagePosition pos, ReadPageToken(key, fingerprint, req.next_token));
    after = pos;
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto all, store_.ListChangeSets(caller.account.account_id));
  std::vector<std::pair<PagePosition, ChangeSet>> rows;
  for (auto& cs : all) {
    if (!AnyOf(req.names, cs.name) || !AnyOf(req.statuses, ChangeSetStatusName(cs.status))) continue;
    if (!req.entity_ids.empty()) {
      bool hit = false;
      for (const auto& e : cs.entity_ids) hit = hit || AnyOf(req.entity_ids, e);
      if (!hit) continue;
    }
    if (!InRange(req.start_time, cs.start_time) || !InRange(req.end_time, cs.end_time)) continue;
    std::string sort_key =
        req.sort_by == "EndTime" ? TimeKey(cs.end_time) : TimeKey(cs.start_time);
    rows.emplace_back(PagePosition{sort_key, cs.id}, std::move(cs));
  }
  return Paginate<ChangeSet>(std::move(rows), req.descending, req.max_results, after,
                             [&](const PagePosition& p) { return MakePageToken(key, fingerprint, p); });
}

Result<Entity> CatalogService::DescribeEntity(const Caller& caller, std::string_view id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto entity, store_.GetEntity(id));
  if (entity && entity->owner_account_id == caller.account.account_id) return std::move(*entity);
  if (entity) {
    AMIPLACE_ASSIGN_OR_RETURN(std::string policy, store_.GetResourcePolicy(id));
    if (CanView(caller.account, *entity, policy)) return std::move(*entity);
  }
  return NotFoundError(fmt::format("entityId: entity {} was not found", id));
}

Result<Page<Entity>> CatalogService::ListEntities(const Caller& caller,
                                                  const ListEntitiesRequest& req) {
  AMIPLACE_ASSIGN_OR_RETURN(std::string key, ServerKey());
  std::string fingerprint = fmt::format("ent|{}|{}|{}|{}|{}|{}", caller.account.account_id,
                                        req.entity_type, req.shared, req.sort_by, req.descending,
                                        req.filters.size());
  for (const auto& f : req.filters) {
    fingerprint += fmt::format("|{}:{}:{}:{}:{}", static_cast<int>(f.field), fmt::join(f.values, ","),
                               f.wildcard, TimeKey(f.range.after), TimeKey(f.range.before));
  }
  std::optional<PagePosition> after;
  if (!req.next_token.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(PagePosition pos, ReadPageToken(key, fingerprint, req.next_token));
    after = pos;
  }
  std::optional<std::string_view> owner;
  if (!req.shared) owner = caller.account.account_id;
  AMIPLACE_ASSIGN_OR_RETURN(auto all, store_.ListEntities(req.entity_type, owner));

  std::vector<std::pair<PagePosition, Entity>> rows;
  for (auto& e : all) {
    if (req.shared) {
      if (e.owner_account_id == caller.account.account_id) continue;
      AMIPLACE_ASSIGN_OR_RETURN(std::string policy, store_.GetResourcePolicy(e.id));
      if (!CanView(caller.account, e, policy)) continue;
    }
    EntityIndex idx = IndexOf(e);
    bool keep = true;
    for (const auto& f : req.filters) {
      switch (f.field) {
        case EntityFilter::Field::kEntityId: keep = AnyOf(f.values, e.id); break;
        case EntityFilter::Field::kName:
          keep = AnyOf(f.values, idx.name) &&
                 (f.wildcard.empty() || Lower(idx.name).find(Lower(f.wildcard)) != std::string::npos);
          break;
        case EntityFilter::Field::kVisibility: keep = AnyOf(f.values, idx.visibility); break;
        case EntityFilter::Field::kState: keep = AnyOf(f.values, idx.state); break;
        case EntityFilter::Field::kProductId: keep = AnyOf(f.values, idx.product_id); break;
        case EntityFilter::Field::kLastModified: keep = InRange(f.range, e.last_modified); break;
      }
      if (!keep) break;
    }
    if (!keep) continue;
    std::string sort_key;
    if (req.sort_by == "EntityId") sort_key = "";
    else if (req.sort_by == "ProductTitle" || req.sort_by == "Name") sort_key = idx.name;
    else if (req.sort_by == "Visibility") sort_key = idx.visibility;
    else if (req.sort_by == "State") sort_key = idx.state;
    else if (req.sort_by == "ProductId") sort_key = idx.product_id;
    else sort_key = TimeKey(e.last_modified);
    rows.emplace_back(PagePosition{sort_key, e.id}, std::move(e));
  }
  return Paginate<Entity>(std::move(rows), req.descending, req.max_results, after,
                          [&](const PagePosition& p) { return MakePageToken(key, fingerprint, p); });
}

Result<CatalogService::OwnedResource> CatalogService::ResolveOwnedArn(const Caller& caller,
                                                                      std::string_view arn) {
  // arn:aws:aws-marketplace:us-east-1:<account>:AWSMarketplace/<Type>/<id>
  auto not_found = [&] {
    return NotFoundError(fmt::format("ResourceArn: resource {} was not found", arn));
  };
  constexpr std::string_view kPrefix = "arn:aws:aws-marketplace:";
  if (!arn.starts_with(kPrefix)) return not_found();
  std::string_view rest = arn.substr(kPrefix.size());
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return not_found();
  rest = rest.substr(colon + 1);
  colon = rest.find(':');
  if (colon == std::string_view::npos) return not_found();
  std::string_view account = rest.substr(0, colon);
  std::string_view resource = rest.substr(colon + 1);
  if (account != caller.account.account_id) return not_found();
  constexpr std::string_view kCs = "AWSMarketplace/ChangeSet/";
  if (resource.starts_with(kCs)) {
    std::string_view id = resource.substr(kCs.size());
    AMIPLACE_ASSIGN_OR_RETURN(auto cs, store_.GetChangeSet(id));
    if (!cs || cs->owner_account_id != caller.account.account_id || ChangeSetArn(account, id) != arn)
      return not_found();
    return OwnedResource{false, std::string(id)};
  }
  auto slash = resource.rfind('/');
  if (slash == std::string_view::npos) return not_found();
  std::string_view id = resource.substr(slash + 1);
  AMIPLACE_ASSIGN_OR_RETURN(auto entity, store_.GetEntity(id));
  if (!entity || entity->owner_account_id != caller.account.account_id || EntityArn(*entity) != arn)
    return not_found();
  return OwnedResource{true, std::string(id)};
}

Result<std::vector<ResourceTag>> CatalogService::ListTags(const Caller& caller, std::string_view arn) {
  AMIPLACE_RETURN_IF_ERROR(ResolveOwnedArn(caller, arn).status());
  return store_.ListTags(arn);
}

Status CatalogService::TagResource(const Caller& caller, std::string_view arn,
                                   const std::vector<ResourceTag>& tags) {
  AMIPLACE_RETURN_IF_ERROR(ResolveOwnedArn(caller, arn).status());
  return store_.PutTags(arn, tags, 200);
}

Status CatalogService::UntagResource(const Caller& caller, std::string_view arn,
                                     const std::vector<std::string>& keys) {
  AMIPLACE_RETURN_IF_ERROR(ResolveOwnedArn(caller, arn).status());
  return store_.DeleteTags(arn, keys);
}

Result<std::string> CatalogService::GetResourcePolicy(const Caller& caller, std::string_view arn) {
  AMIPLACE_ASSIGN_OR_RETURN(OwnedResource r, ResolveOwnedArn(caller, arn));
  if (!r.is_entity) return ValidationError("ResourceArn: resource policies apply to entities only");
  AMIPLACE_ASSIGN_OR_RETURN(std::string policy, store_.GetResourcePolicy(r.id));
  if (policy.empty()) return NotFoundError(fmt::format("ResourceArn: {} has no resource policy", arn));
  return policy;
}

Status CatalogService::PutResourcePolicy(const Caller& caller, std::string_view arn,
                                         std::string_view policy) {
  AMIPLACE_ASSIGN_OR_RETURN(OwnedResource r, ResolveOwnedArn(caller, arn));
  if (!r.is_entity) return ValidationError("ResourceArn: resource policies apply to entities only");
  boost::system::error_code ec;
  auto doc = boost::json::parse(policy, ec);
  if (ec || !doc.is_object()) return ValidationError("Policy: must be a JSON policy document");
  const auto* st = doc.get_object().if_contains("Statement");
  if (st == nullptr || !(st->is_array() || st->is_object())) {
    return ValidationError("Policy: must have a Statement");
  }
  return store_.PutResourcePolicy(r.id, policy);
}

Status CatalogService::DeleteResourcePolicy(const Caller& caller, std::string_view arn) {
  AMIPLACE_ASSIGN_OR_RETURN(OwnedResource r, ResolveOwnedArn(caller, arn));
  if (!r.is_entity) return ValidationError("ResourceArn: resource policies apply to entities only");
  return store_.PutResourcePolicy(r.id, "");
}

}  // namespace amiplace
