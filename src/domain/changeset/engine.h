// The change-set engine's pure logic, free of storage and threads:
//   PlanChangeSet   – the synchronous checks StartChangeSet makes before accepting a set
//                     (known change types, identifiers, references, details shapes, no change
//                     type twice on one entity), and the order the changes will apply in;
//   ProcessChangeSet – applies a set all or nothing to a working copy of its entities and
//                     reports each change's outcome.
// The caller (app/ChangeSetProcessor) loads entities and persists the outcome atomically.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/changeset/change_set.h"
#include "domain/changeset/change_type.h"

namespace amiplace {

struct ChangeSetPlan {
  std::vector<size_t> order;                // indexes into ChangeSet::changes
  std::vector<std::string> existing_entity_ids;  // entities to lock, deduplicated, in order
  std::vector<std::string> referenced_entity_ids;  // other entities that must exist and be owned
};

Result<ChangeSetPlan> PlanChangeSet(const std::vector<Change>& changes,
                                    const ChangeTypeRegistry& registry);

struct ProcessOutcome {
  // kSucceeded or kFailed; kApplying when the set now waits for the operators' review.
  ChangeSetStatus status = ChangeSetStatus::kSucceeded;
  FailureCode failure_code = FailureCode::kNone;
  std::string failure_description;
  std::vector<Entity> changed_entities;  // new revisions to persist (empty for VALIDATE / failure)
  std::vector<Image> new_images;         // marketplace copies to persist, likewise
};

using EntityLoader = std::function<std::optional<Entity>(std::string_view id)>;

// Where the engine reads entities from.
struct EntitySource {
  EntitySource(EntityLoader loader) : load(std::move(loader)) {}  // NOLINT: implicit by design
  EntityLoader load;
  // The stored offers of a product.
  std::function<std::vector<Entity>(std::string_view product_id)> offers_of =
      [](std::string_view) { return std::vector<Entity>(); };
  std::function<std::optional<Image>(std::string_view region, std::string_view image_id)> image =
      [](std::string_view, std::string_view) { return std::optional<Image>(); };
  std::function<std::vector<Image>(std::string_view region, std::string_view product_code)>
      images_with_code = [](std::string_view, std::string_view) { return std::vector<Image>(); };
};

struct ProcessOptions {
  bool auto_approve_reviews = false;  // serve --review auto
};

// Applies `cs` (whose changes' outcome fields, entity IDs and review state it fills) for
// `owner` at `now`. A set with a change that needs review applies only once cs.review is
// kApproved (or at once with auto approval); until then the outcome is kApplying and cs.review
// kPending. A kRejected set fails with AUDIT_ERROR and the operator's reason. Handler exceptions
// are the caller's to turn into SERVER_FAULT.
ProcessOutcome ProcessChangeSet(ChangeSet& cs, const ChangeTypeRegistry& registry,
                                const Account& owner, TimePoint now, const EntitySource& source,
                                const ProcessOptions& options = {});

}  // namespace amiplace
