// Account use cases: bootstrapping the operator, creating seller and buyer accounts, and
// resolving access keys for request authentication (cached in memory; credentials never change
// once issued). Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "app/ports.h"

namespace amiplace {

struct NewAccount {
  Account account;
  Credential credential;
};

class AccountService {
 public:
  explicit AccountService(AccountStore& store) : store_(store) {}

  // Creates the operator account if the store has none; returns it (with its secret) when
  // created now.
  Result<std::optional<NewAccount>> Bootstrap(TimePoint now);

  // Operators only. `type` is SELLER or BUYER; `name` 1..100 characters.
  Result<NewAccount> CreateAccount(const Caller& caller, std::string_view type,
                                   std::string_view name, TimePoint now);
  Result<std::vector<Account>> ListAccounts(const Caller& caller);

  struct Resolved {
    Account account;
    std::string secret_access_key;
  };
  Result<std::optional<Resolved>> Resolve(std::string_view access_key_id);

  // The account as stored now (not cached): the portal reads it on every request of a session.
  Result<std::optional<Account>> GetAccount(std::string_view account_id) {
    return store_.GetAccount(account_id);
  }

 private:
  AccountStore& store_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Resolved> cache_;
};

}  // namespace amiplace
