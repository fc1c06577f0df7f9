// Processes claimed change sets: loads the owner and the entities, runs the domain engine, and
// turns handler faults into SERVER_FAULT. Persisting the outcome is the caller's (the worker
// writes a batch of outcomes in one transaction). Thread-safe.
#pragma once

#include "app/ports.h"
#include "core/clock.h"
#include "domain/changeset/change_type.h"

namespace amiplace {

class ChangeSetProcessor {
 public:
  ChangeSetProcessor(Store& store, const Clock& clock, const ChangeTypeRegistry& registry,
                     bool auto_approve_reviews = false)
      : store_(store), clock_(clock), registry_(registry), auto_approve_(auto_approve_reviews) {}

  // Computes the outcome of `cs` (which must be APPLYING): its final state, or APPLYING with
  // review PENDING when it now waits for the operators.
  FinishedChangeSet Process(ChangeSet cs);

 private:
  Store& store_;
  const Clock& clock_;
  const ChangeTypeRegistry& registry_;
  const bool auto_approve_;
};

}  // namespace amiplace
