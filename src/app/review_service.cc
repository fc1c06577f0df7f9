#include "app/review_service.h"

namespace amiplace {

namespace {
Status OperatorOnly(const Caller& caller) {
  if (caller.account.type != AccountType::kOperator) {
    return AccessDeniedError("Only the marketplace operator can review change sets");
  }
  return Status::Ok();
}
}  // namespace

Result<std::vector<PendingReview>> ReviewService::List(const Caller& caller) {
  AMIPLACE_RETURN_IF_ERROR(OperatorOnly(caller));
  AMIPLACE_ASSIGN_OR_RETURN(auto sets, store_.ListPendingReviews());
  std::vector<PendingReview> out;
  for (const ChangeSet& cs : sets) {
    PendingReview r;
    r.change_set_id = cs.id;
    r.seller_account_id = cs.owner_account_id;
    r.submitted_at = cs.start_time;
    if (!cs.entity_ids.empty()) r.entity_id = cs.entity_ids.front();
    for (const Change& c : cs.changes) {
      if (c.details.is_object()) {
        if (const auto* t = c.details.get_object().if_contains("TargetVisibility"); t && t->is_string()) {
          r.target_visibility = std::string(t->get_string());
        }
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<ChangeSetStatus> ReviewService::Decide(const Caller& caller, std::string_view id,
                                              ReviewState decision, std::string_view reason) {
  AMIPLACE_RETURN_IF_ERROR(OperatorOnly(caller));
  AMIPLACE_ASSIGN_OR_RETURN(bool decided, store_.DecideReview(id, decision, reason));
  if (!decided) {
    AMIPLACE_ASSIGN_OR_RETURN(auto cs, store_.GetChangeSet(id));
    if (!cs) return NotFoundError(fmt::format("ChangeSetId: change set {} was not found", id));
    return Status(ErrorCode::kResourceInUse,
                  fmt::format("ChangeSetId: change set {} is not waiting for review (it is {})", id,
                              ChangeSetStatusName(cs->status)));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto cs, store_.GetChangeSet(id));
  if (!cs) return InternalError(fmt::format("change set {} vanished after its review", id));
  if (cs->status == ChangeSetStatus::kApplying) {
    FinishedChangeSet finished = processor_.Process(std::move(*cs));
    AMIPLACE_RETURN_IF_ERROR(store_.FinishChangeSets({finished}));
    AMIPLACE_ASSIGN_OR_RETURN(cs, store_.GetChangeSet(id));  // the worker may have been first
  }
  return cs->status;
}

Result<ChangeSetStatus> ReviewService::Approve(const Caller& caller, std::string_view id) {
  return Decide(caller, id, ReviewState::kApproved, "");
}

Result<ChangeSetStatus> ReviewService::Reject(const Caller& caller, std::string_view id,
                                              std::string_view reason) {
  if (reason.empty() || reason.size() > 1000) {
    return ValidationError("Reason: give the seller a reason of 1 to 1000 characters");
  }
  return Decide(caller, id, ReviewState::kRejected, reason);
}

}  // namespace amiplace
