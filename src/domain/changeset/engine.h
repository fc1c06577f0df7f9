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
  ChangeSetStatus status = ChangeSetStatus::kSucceeded;  // kSucceeded or kFailed
  FailureCode failure_code = FailureCode::kNone;
  std::string failure_description;
  std::vector<Entity> changed_entities;  // new revisions to persist (empty for VALIDATE / failure)
};

using EntityLoader = std::function<std::optional<Entity>(std::string_view id)>;

// Applies `cs` (whose changes' outcome fields it fills) for `owner` at `now`. Handler
// exceptions are the caller's to turn into SERVER_FAULT.
ProcessOutcome ProcessChangeSet(ChangeSet& cs, const ChangeTypeRegistry& registry,
                                const Account& owner, TimePoint now, const EntityLoader& load);

}  // namespace amiplace
