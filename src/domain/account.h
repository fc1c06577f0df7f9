// Accounts of the marketplace: 12-digit IDs in three roles. OPERATOR is marketplace staff,
// SELLER lists products, BUYER subscribes. Value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace amiplace {

enum class AccountType { kOperator, kSeller, kBuyer };

std::string_view AccountTypeName(AccountType type);  // "OPERATOR" | "SELLER" | "BUYER"
std::optional<AccountType> ParseAccountType(std::string_view name);

struct Account {
  std::string account_id;
  std::string name;
  AccountType type = AccountType::kBuyer;
  TimePoint created_at;
};

// A caller as authenticated by a protocol: the account, and (later) the instance whose
// temporary credentials signed the request.
struct Caller {
  Account account;
  std::string access_key_id;
  std::string region = "us-east-1";
  // Set when the request was signed with an instance's temporary credentials (from its metadata
  // service): the instance, whose owner is `account`.
  std::string instance_id;
};

}  // namespace amiplace
