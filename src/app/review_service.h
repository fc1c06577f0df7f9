// The marketplace operators' review of visibility changes: the queue of change sets waiting in
// APPLYING, and the decisions. A decision is recorded durably first and then applied through
// the same processor the worker uses, so a crash between the two is finished by the worker,
// and a set is applied exactly once whoever gets there first. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "app/change_set_processor.h"
#include "app/ports.h"

namespace amiplace {

struct PendingReview {
  std::string change_set_id;
  std::string entity_id;
  std::string seller_account_id;
  std::string target_visibility;
  TimePoint submitted_at;
};

class ReviewService {
 public:
  ReviewService(Store& store, ChangeSetProcessor& processor) : store_(store), processor_(processor) {}

  Result<std::vector<PendingReview>> List(const Caller& caller);
  // Returns the change set's resulting status (SUCCEEDED, or FAILED if it no longer applies).
  Result<ChangeSetStatus> Approve(const Caller& caller, std::string_view change_set_id);
  // Returns FAILED; the reason (1..1000 characters) goes to the change's ErrorDetailList.
  Result<ChangeSetStatus> Reject(const Caller& caller, std::string_view change_set_id,
                                 std::string_view reason);

 private:
  Result<ChangeSetStatus> Decide(const Caller& caller, std::string_view id, ReviewState decision,
                                 std::string_view reason);
  Store& store_;
  ChangeSetProcessor& processor_;
};

}  // namespace amiplace
