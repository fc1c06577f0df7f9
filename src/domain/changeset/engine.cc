#include "domain/changeset/engine.h"

#include <map>
#include <set>

namespace amiplace {
namespace {

std::string Field(size_t i, std::string_view rest) {
  return fmt::format("ChangeSet[{}].{}", i, rest);
}

// Replaces every string "$Name.Entity.Identifier" inside `v` using `resolve`.
void SubstituteReferences(boost::json::value& v,
                          const std::function<std::optional<std::string>(const std::string&)>& resolve) {
  if (v.is_string()) {
    if (auto name = ReferencedChangeName(v.get_string())) {
      if (auto id = resolve(*name)) v = *id;
    }
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) SubstituteReferences(e, resolve);
  } else if (v.is_object()) {
    for (auto& kv : v.get_object()) SubstituteReferences(kv.value(), resolve);
  }
}

void CollectReferences(const boost::json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    if (auto name = ReferencedChangeName(v.get_string())) out.push_back(*name);
  } else if (v.is_array()) {
    for (const auto& e : v.get_array()) CollectReferences(e, out);
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) CollectReferences(kv.value(), out);
  }
}

}  // namespace

Result<ChangeSetPlan> PlanChangeSet(const std::vector<Change>& changes,
                                    const ChangeTypeRegistry& registry) {
  ChangeSetPlan plan;
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    if (!c.change_name.empty()) {
      if (!by_name.emplace(c.change_name, i).second) {
        return ValidationError(fmt::format(
            "{}: ChangeName '{}' is used by more than one change in the change set",
            Field(i, "ChangeName"), c.change_name));
      }
    }
  }

  std::vector<std::vector<size_t>> deps(changes.size());
  std::set<std::pair<std::string, std::string>> entity_change_types;
  std::set<std::string> seen_existing, seen_referenced;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    if (!registry.KnowsEntityType(c.entity_type)) {
      return ValidationError(fmt::format(
          "{}: entity type '{}' is not supported; use AmiProduct@1.0 or Offer@1.0",
          Field(i, "Entity.Type"), c.entity_type));
    }
    const ChangeTypeHandler* h = registry.Find(c.entity_type, c.change_type);
    if (h == nullptr) {
      auto known = registry.ChangeTypesFor(c.entity_type);
      return ValidationError(fmt::format(
          "{}: change type '{}' is not supported for entity type {}; supported change types: {}",
          Field(i, "ChangeType"), c.change_type, c.entity_type, fmt::join(known, ", ")));
    }
    if (h->creates_entity()) {
      if (!c.entity_identifier.empty()) {
        return ValidationError(fmt::format("{}: {} creates a new entity and takes no Identifier",
                                           Field(i, "Entity.Identifier"), c.change_type));
      }
    } else if (c.entity_identifier.empty()) {
      return ValidationError(fmt::format("{}: {} needs the Identifier of the entity to change",
                                         Field(i, "Entity.Identifier"), c.change_type));
    }
    if (h->requires_own_change_set() && changes.size() > 1) {
      return ValidationError(fmt::format(
          "{}: {} must be the only change in its change set; submit the other {} change(s) "
          "separately",
          Field(i, "ChangeType"), c.change_type, changes.size() - 1));
    }
    AMIPLACE_RETURN_IF_ERROR(h->Validate(c.details, Field(i, "DetailsDocument")));

    // Entity identifier: an existing entity, or a reference to an entity created in this set.
    std::string entity_key;
    if (!c.entity_identifier.empty()) {
      if (auto ref = ReferencedChangeName(c.entity_identifier)) {
        auto it = by_name.find(*ref);
        if (it == by_name.end() || it->second == i) {
          return ValidationError(fmt::format(
              "{}: '{}' refers to no other change named '{}' in this change set",
              Field(i, "Entity.Identifier"), c.entity_identifier, *ref));
        }
        const Change& target = changes[it->second];
        const ChangeTypeHandler* th = registry.Find(target.entity_type, target.change_type);
        if (!th->creates_entity() || target.entity_type != c.entity_type) {
          return ValidationError(fmt::format(
              "{}: '{}' must name a change that creates an entity of type {}",
              Field(i, "Entity.Identifier"), c.entity_identifier, c.entity_type));
        }
        deps[i].push_back(it->second);
        entity_key = "$" + *ref;
      } else {
        auto parsed = ParseIdentifier(c.entity_identifier);
        if (!parsed) {
          return ValidationError(fmt::format("{}: '{}' is not an entity ID or ID@revision",
                                             Field(i, "Entity.Identifier"), c.entity_identifier));
        }
        entity_key = parsed->id;
        if (seen_existing.insert(parsed->id).second) plan.existing_entity_ids.push_back(parsed->id);
      }
      if (!entity_change_types.emplace(entity_key, c.change_type).second) {
        return ValidationError(fmt::format(
            "{}: the change set applies {} to entity {} more than once; one change set may apply "
            "a change type to an entity only once",
            Field(i, "ChangeType"), c.change_type, c.entity_identifier));
      }
    }
    // References inside the details.
    std::vector<std::string> refs;
    CollectReferences(c.details, refs);
    for (const auto& ref : refs) {
      auto it = by_name.find(ref);
      if (it == by_name.end() || it->second == i) {
        return ValidationError(fmt::format(
            "{}: '${}.Entity.Identifier' refers to no other change named '{}' in this change set",
            Field(i, "DetailsDocument"), ref, ref));
      }
      const Change& target = changes[it->second];
      if (!registry.Find(target.entity_type, target.change_type)->creates_entity()) {
        return ValidationError(fmt::format(
            "{}: '${}.Entity.Identifier' must name a change that creates an entity",
            Field(i, "DetailsDocument"), ref));
      }
      deps[i].push_back(it->second);
    }
    for (auto& id : h->ReferencedEntityIds(c.details)) {
      if (seen_referenced.insert(id).second) plan.referenced_entity_ids.push_back(id);
    }
  }

  // Stable topological order: each change after those it refers to.
  std::vector<int> state(changes.size(), 0);  // 0 new, 1 visiting, 2 done
  std::function<Status(size_t)> visit = [&](size_t i) -> Status {
    if (state[i] == 2) return Status::Ok();
    if (state[i] == 1) {
      return ValidationError(fmt::format("{}: the change set's references form a cycle",
                                         Field(i, "ChangeName")));
    }
    state[i] = 1;
    for (size_t d : deps[i]) AMIPLACE_RETURN_IF_ERROR(visit(d));
    state[i] = 2;
    plan.order.push_back(i);
    return Status::Ok();
  };
  for (size_t i = 0; i < changes.size(); ++i) AMIPLACE_RETURN_IF_ERROR(visit(i));
  return plan;
}

namespace {

class WorkingSet final : public ApplyContext {
 public:
  WorkingSet(const Account& owner, TimePoint now, const EntitySource& source)
      : owner_(owner), now_(now), source_(source) {}

  const Account& owner() const override { return owner_; }
  TimePoint now() const override { return now_; }

  Entity* FindEntity(std::string_view id) override {
    auto it = entities_.find(std::string(id));
    if (it != entities_.end()) return &it->second;
    auto loaded = source_.load(id);
    if (!loaded) return nullptr;
    return &entities_.emplace(std::string(id), std::move(*loaded)).first->second;
  }

  Entity& AddEntity(Entity entity) override {
    std::string id = entity.id;
    created_.insert(id);
    return entities_.insert_or_assign(id, std::move(entity)).first->second;
  }

  std::vector<Entity*> OffersOf(std::string_view product_id) override {
    for (Entity& stored : source_.offers_of(product_id)) {
      if (!entities_.count(stored.id)) {
        std::string id = stored.id;
        entities_.emplace(std::move(id), std::move(stored));
      }
    }
    std::vector<Entity*> out;
    for (auto& [id, e] : entities_) {
      if (e.type == kOfferType && IndexOf(e).product_id == product_id) out.push_back(&e);
    }
    return out;
  }

  void Defer(std::function<std::vector<ErrorDetail>()> check) override {
    deferred_.emplace_back(current_change_, std::move(check));
  }

  std::optional<Image> FindImage(std::string_view region, std::string_view image_id) override {
    for (const Image& img : images_) {
      if (img.region == region && img.image_id == image_id) return img;
    }
    return source_.image(region, image_id);
  }

  std::vector<Image> ImagesWithProductCode(std::string_view region,
                                           std::string_view product_code) override {
    std::vector<Image> out = source_.images_with_code(region, product_code);
    for (const Image& img : images_) {
      if (img.region != region) continue;
      bool has = std::any_of(img.product_codes.begin(), img.product_codes.end(),
                             [&](const auto& c) { return c.product_code_id == product_code; });
      if (!has) continue;
      auto same = std::find_if(out.begin(), out.end(), [&](const Image& o) { return o.image_id == img.image_id; });
      if (same != out.end()) *same = img; else out.push_back(img);
    }
    return out;
  }

  void AddImage(Image image) override {
    for (Image& existing : images_) {
      if (existing.image_id == image.image_id) {
        existing = std::move(image);
        return;
      }
    }
    images_.push_back(std::move(image));
  }
  std::vector<Image> TakeImages() { return std::move(images_); }

  void SetCurrentChange(size_t i) { current_change_ = i; }
  std::vector<std::pair<size_t, std::function<std::vector<ErrorDetail>()>>>& deferred() {
    return deferred_;
  }

  void MarkModified(const std::string& id) { modified_.insert(id); }

  std::vector<Entity> TakeChanged() {
    std::vector<Entity> out;
    for (auto& [id, e] : entities_) {
      if (created_.count(id)) {
        e.revision = 1;
        e.created_at = now_;
        e.last_modified = now_;
        out.push_back(std::move(e));
      } else if (modified_.count(id)) {
        e.revision += 1;
        e.last_modified = now_;
        out.push_back(std::move(e));
      }
    }
    return out;
  }

 private:
  const Account& owner_;
  TimePoint now_;
  const EntitySource& source_;
  std::map<std::string, Entity, std::less<>> entities_;
  std::set<std::string> created_, modified_;
  size_t current_change_ = 0;
  std::vector<Image> images_;
  std::vector<std::pair<size_t, std::function<std::vector<ErrorDetail>()>>> deferred_;
};

}  // namespace

ProcessOutcome ProcessChangeSet(ChangeSet& cs, const ChangeTypeRegistry& registry,
                                const Account& owner, TimePoint now, const EntitySource& source,
                                const ProcessOptions& options) {
  ProcessOutcome outcome;
  auto plan = PlanChangeSet(cs.changes, registry);
  if (!plan.ok()) {
    outcome.status = ChangeSetStatus::kFailed;
    outcome.failure_code = FailureCode::kClientError;
    outcome.failure_description = plan.status().message();
    return outcome;
  }
  WorkingSet ws(owner, now, source);
  std::map<std::string, std::string> created_by_name;  // ChangeName → new entity ID
  bool any_error = false;

  for (size_t i : plan->order) {
    Change& c = cs.changes[i];
    c.errors.clear();
    const ChangeTypeHandler* h = registry.Find(c.entity_type, c.change_type);
    boost::json::value details = c.details;
    bool blocked = false;
    SubstituteReferences(details, [&](const std::string& name) -> std::optional<std::string> {
      auto it = created_by_name.find(name);
      if (it == created_by_name.end()) {
        blocked = true;
        return std::nullopt;
      }
      return it->second;
    });

    Entity* target = nullptr;
    if (!h->creates_entity()) {
      std::string id;
      if (auto ref = ReferencedChangeName(c.entity_identifier)) {
        auto it = created_by_name.find(*ref);
        if (it == created_by_name.end()) {
          blocked = true;
        } else {
          id = it->second;
        }
      } else {
        id = ParseIdentifier(c.entity_identifier)->id;
      }
      if (!blocked) {
        target = ws.FindEntity(id);
        if (target == nullptr || target->type != c.entity_type ||
            target->owner_account_id != owner.account_id) {
          c.errors.push_back({"ENTITY_NOT_FOUND",
                              fmt::format("Entity {} of type {} was not found", id, c.entity_type)});
          any_error = true;
          continue;
        }
        c.resolved_entity_id = id;
      }
    }
    if (blocked) {
      c.errors.push_back({"DEPENDENCY_FAILED",
                          "This change depends on another change in the change set that failed"});
      any_error = true;
      continue;
    }

    std::string created_id;
    ws.SetCurrentChange(i);
    std::vector<ErrorDetail> errors = h->Apply(ws, target, details, &created_id);
    if (!errors.empty()) {
      c.errors = std::move(errors);
      any_error = true;
      continue;
    }
    if (h->creates_entity()) {
      c.resolved_entity_id = created_id;
      if (!c.change_name.empty()) created_by_name[c.change_name] = created_id;
    } else {
      ws.MarkModified(target->id);
    }
  }

  // Rules about the set's end state.
  for (auto& [index, check] : ws.deferred()) {
    std::vector<ErrorDetail> errors = check();
    if (errors.empty()) continue;
    any_error = true;
    auto& list = cs.changes[index].errors;
    list.insert(list.end(), errors.begin(), errors.end());
  }

  // Changes that need the operators' review hold the whole set until they approve.
  bool needs_review = false;
  for (const Change& c : cs.changes) {
    needs_review = needs_review || registry.Find(c.entity_type, c.change_type)->requires_review();
  }
  if (!any_error && needs_review && cs.intent == Intent::kApply) {
    if (cs.review == ReviewState::kNone && options.auto_approve_reviews) {
      cs.review = ReviewState::kApproved;
    }
    if (cs.review == ReviewState::kNone || cs.review == ReviewState::kPending) {
      cs.review = ReviewState::kPending;
      for (Change& c : cs.changes) {
        if (registry.Find(c.entity_type, c.change_type)->creates_entity()) c.resolved_entity_id.clear();
      }
      outcome.status = ChangeSetStatus::kApplying;
      return outcome;
    }
    if (cs.review == ReviewState::kRejected) {
      any_error = true;
      for (Change& c : cs.changes) {
        if (!registry.Find(c.entity_type, c.change_type)->requires_review()) continue;
        c.errors.push_back({"AUDIT_ERROR",
                            fmt::format("The marketplace operators rejected the request: {}",
                                        cs.review_reason.empty() ? "no reason given"
                                                                 : cs.review_reason)});
      }
    }
  }

  // Entity IDs touched by the set: the existing ones, plus those created when it applied.
  cs.entity_ids = plan->existing_entity_ids;
  const bool keep_created = !any_error && cs.intent == Intent::kApply;
  for (Change& c : cs.changes) {
    if (!registry.Find(c.entity_type, c.change_type)->creates_entity()) continue;
    if (keep_created) {
      cs.entity_ids.push_back(c.resolved_entity_id);
    } else {
      c.resolved_entity_id.clear();  // nothing was created: report no ID that never existed
    }
  }
  if (any_error) {
    outcome.status = ChangeSetStatus::kFailed;
    outcome.failure_code = FailureCode::kClientError;
    outcome.failure_description =
        "Change set preparation has failed. For details see 'ErrorDetailList'.";
    return outcome;
  }
  if (cs.intent == Intent::kValidate) return outcome;
  outcome.changed_entities = ws.TakeChanged();
  outcome.new_images = ws.TakeImages();
  return outcome;
}

}  // namespace amiplace
