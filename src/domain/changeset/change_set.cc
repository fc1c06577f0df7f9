#include "domain/changeset/change_set.h"

namespace amiplace {

std::string_view ChangeSetStatusName(ChangeSetStatus s) {
  switch (s) {
    case ChangeSetStatus::kPreparing: return "PREPARING";
    case ChangeSetStatus::kApplying: return "APPLYING";
    case ChangeSetStatus::kSucceeded: return "SUCCEEDED";
    case ChangeSetStatus::kCancelled: return "CANCELLED";
    case ChangeSetStatus::kFailed: return "FAILED";
  }
  return "FAILED";
}

std::optional<ChangeSetStatus> ParseChangeSetStatus(std::string_view name) {
  for (auto s : {ChangeSetStatus::kPreparing, ChangeSetStatus::kApplying,
                 ChangeSetStatus::kSucceeded, ChangeSetStatus::kCancelled,
                 ChangeSetStatus::kFailed}) {
    if (ChangeSetStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view IntentName(Intent i) { return i == Intent::kValidate ? "VALIDATE" : "APPLY"; }

std::optional<Intent> ParseIntent(std::string_view name) {
  if (name == "APPLY") return Intent::kApply;
  if (name == "VALIDATE") return Intent::kValidate;
  return std::nullopt;
}

std::string_view FailureCodeName(FailureCode f) {
  switch (f) {
    case FailureCode::kNone: return "";
    case FailureCode::kClientError: return "CLIENT_ERROR";
    case FailureCode::kServerFault: return "SERVER_FAULT";
  }
  return "";
}

std::string_view ReviewStateName(ReviewState r) {
  switch (r) {
    case ReviewState::kNone: return "";
    case ReviewState::kPending: return "PENDING";
    case ReviewState::kApproved: return "APPROVED";
    case ReviewState::kRejected: return "REJECTED";
  }
  return "";
}

ReviewState ParseReviewState(std::string_view name) {
  if (name == "PENDING") return ReviewState::kPending;
  if (name == "APPROVED") return ReviewState::kApproved;
  if (name == "REJECTED") return ReviewState::kRejected;
  return ReviewState::kNone;
}

bool IsTerminal(ChangeSetStatus s) {
  return s == ChangeSetStatus::kSucceeded || s == ChangeSetStatus::kFailed ||
         s == ChangeSetStatus::kCancelled;
}

bool CanTransition(ChangeSetStatus from, ChangeSetStatus to) {
  switch (from) {
    case ChangeSetStatus::kPreparing:
      return to == ChangeSetStatus::kApplying || to == ChangeSetStatus::kCancelled ||
             to == ChangeSetStatus::kFailed;
    case ChangeSetStatus::kApplying:
      return to == ChangeSetStatus::kSucceeded || to == ChangeSetStatus::kFailed;
    default:
      return false;
  }
}

std::string ChangeSetArn(std::string_view owner_account_id, std::string_view change_set_id) {
  return fmt::format("arn:aws:aws-marketplace:us-east-1:{}:AWSMarketplace/ChangeSet/{}",
                     owner_account_id, change_set_id);
}

boost::json::array ChangesToJson(const std::vector<Change>& changes) {
  boost::json::array out;
  for (const Change& c : changes) {
    boost::json::object o;
    o["ChangeType"] = c.change_type;
    o["EntityType"] = c.entity_type;
    o["EntityIdentifier"] = c.entity_identifier;
    o["Details"] = c.details;
    o["DetailsWasString"] = c.details_was_string;
    o["ChangeName"] = c.change_name;
    o["EntityTags"] = c.entity_tags;
    o["ResolvedEntityId"] = c.resolved_entity_id;
    boost::json::array errs;
    for (const auto& e : c.errors) errs.push_back({{"ErrorCode", e.code}, {"ErrorMessage", e.message}});
    o["Errors"] = std::move(errs);
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<Change>> ChangesFromJson(const boost::json::value& v) {
  std::vector<Change> out;
  try {
    for (const auto& item : v.as_array()) {
      const auto& o = item.as_object();
      Change c;
      c.change_type = o.at("ChangeType").as_string();
      c.entity_type = o.at("EntityType").as_string();
      c.entity_identifier = o.at("EntityIdentifier").as_string();
      c.details = o.at("Details");
      c.details_was_string = o.at("DetailsWasString").as_bool();
      c.change_name = o.at("ChangeName").as_string();
      c.entity_tags = o.at("EntityTags").as_array();
      c.resolved_entity_id = o.at("ResolvedEntityId").as_string();
      for (const auto& e : o.at("Errors").as_array()) {
        c.errors.push_back({std::string(e.at("ErrorCode").as_string()),
                            std::string(e.at("ErrorMessage").as_string())});
      }
      out.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    return InternalError(std::string("corrupt stored change set: ") + e.what());
  }
  return out;
}

std::optional<std::string> ReferencedChangeName(std::string_view value) {
  constexpr std::string_view kSuffix = ".Entity.Identifier";
  if (value.size() <= 1 + kSuffix.size() || value[0] != '$' || !value.ends_with(kSuffix)) {
    return std::nullopt;
  }
  return std::string(value.substr(1, value.size() - 1 - kSuffix.size()));
}

}  // namespace amiplace
