// Change sets: the queued change requests of the Catalog API. A ChangeSet holds its changes (as
// submitted), its lifecycle state and, once processed, each change's outcome. The state machine
// is AWS's: PREPARING → APPLYING → SUCCEEDED | FAILED, and PREPARING → CANCELLED; terminal
// states never change. Value types; thread-compatible.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace amiplace {

enum class ChangeSetStatus { kPreparing, kApplying, kSucceeded, kCancelled, kFailed };
enum class Intent { kApply, kValidate };
enum class FailureCode { kNone, kClientError, kServerFault };
// The marketplace operators' review of a change that needs one (UpdateVisibility). A set whose
// review is kPending waits in APPLYING with its entities locked.
enum class ReviewState { kNone, kPending, kApproved, kRejected };

std::string_view ChangeSetStatusName(ChangeSetStatus s);
std::optional<ChangeSetStatus> ParseChangeSetStatus(std::string_view name);
std::string_view IntentName(Intent i);
std::optional<Intent> ParseIntent(std::string_view name);
std::string_view FailureCodeName(FailureCode f);  // "" for kNone
std::string_view ReviewStateName(ReviewState r);  // "" for kNone, else PENDING|APPROVED|REJECTED
ReviewState ParseReviewState(std::string_view name);

bool IsTerminal(ChangeSetStatus s);
// Whether the lifecycle allows moving from `from` to `to`.
bool CanTransition(ChangeSetStatus from, ChangeSetStatus to);

struct ErrorDetail {
  std::string code;  // ^[a-zA-Z_]+$, e.g. MISSING_DATA
  std::string message;
};

struct Change {
  std::string change_type;
  std::string entity_type;        // "AmiProduct@1.0"
  std::string entity_identifier;  // as submitted: "", "prod-x", "prod-x@3", "$Name.Entity.Identifier"
  boost::json::value details;     // the parsed document
  bool details_was_string = false;
  std::string change_name;
  boost::json::array entity_tags;
  // Outcome, filled by processing.
  std::string resolved_entity_id;
  std::vector<ErrorDetail> errors;
};

struct ChangeSet {
  std::string id;
  std::string owner_account_id;
  std::string name;
  Intent intent = Intent::kApply;
  ChangeSetStatus status = ChangeSetStatus::kPreparing;
  FailureCode failure_code = FailureCode::kNone;
  std::string failure_description;
  TimePoint start_time;
  std::optional<TimePoint> end_time;
  TimePoint ready_at;  // not processed before this instant (--processing-delay)
  std::string client_token;
  std::string request_hash;
  std::vector<Change> changes;
  std::vector<std::string> entity_ids;  // entities touched (IDs of created entities added on apply)
  boost::json::array tags;              // ChangeSetTags as submitted
  ReviewState review = ReviewState::kNone;
  std::string review_reason;  // the operator's reason for a rejection
};

std::string ChangeSetArn(std::string_view owner_account_id, std::string_view change_set_id);

// Serialization of the changes and their outcomes for the store (not a wire format).
boost::json::array ChangesToJson(const std::vector<Change>& changes);
Result<std::vector<Change>> ChangesFromJson(const boost::json::value& v);

// "$CreateProductChange.Entity.Identifier" → "CreateProductChange"; otherwise nullopt.
std::optional<std::string> ReferencedChangeName(std::string_view value);

}  // namespace amiplace
