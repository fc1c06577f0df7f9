#include "app/account_service.h"

#include "core/ids.h"

namespace amiplace {

namespace {
NewAccount MakeAccount(AccountType type, std::string name, TimePoint now) {
  NewAccount n;
  n.account.account_id = ids::NewAccountId();
  n.account.name = std::move(name);
  n.account.type = type;
  n.account.created_at = now;
  n.credential.account_id = n.account.account_id;
  n.credential.access_key_id = ids::NewAccessKeyId();
  n.credential.secret_access_key = ids::NewSecretAccessKey();
  return n;
}
}  // namespace

Result<std::optional<NewAccount>> AccountService::Bootstrap(TimePoint now) {
  AMIPLACE_ASSIGN_OR_RETURN(bool any, store_.HasAnyAccount());
  if (any) return std::optional<NewAccount>();
  NewAccount op = MakeAccount(AccountType::kOperator, "Marketplace operator", now);
  AMIPLACE_RETURN_IF_ERROR(store_.CreateAccount(op.account, op.credential));
  return std::optional<NewAccount>(op);
}

Result<NewAccount> AccountService::CreateAccount(const Caller& caller, std::string_view type,
                                                 std::string_view name, TimePoint now) {
  if (caller.account.type != AccountType::kOperator) {
    return AccessDeniedError("Only the marketplace operator can create accounts");
  }
  auto t = ParseAccountType(type);
  if (!t || *t == AccountType::kOperator) {
    return ValidationError(fmt::format("Type: '{}' is not a valid account type; use SELLER or BUYER", type));
  }
  if (name.empty() || name.size() > 100) {
    return ValidationError("Name: must be 1 to 100 characters");
  }
  for (unsigned char c : name) {
    if (c < 0x20) return ValidationError("Name: must not contain control characters");
  }
  NewAccount n = MakeAccount(*t, std::string(name), now);
  AMIPLACE_RETURN_IF_ERROR(store_.CreateAccount(n.account, n.credential));
  return n;
}

Result<std::vector<Account>> AccountService::ListAccounts(const Caller& caller) {
  if (caller.account.type != AccountType::kOperator) {
    return AccessDeniedError("Only the marketplace operator can list accounts");
  }
  return store_.ListAccounts();
}

Result<std::optional<AccountService::Resolved>> AccountService::Resolve(
    std::string_view access_key_id) {
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(std::string(access_key_id));
    if (it != cache_.end()) return std::optional<Resolved>(it->second);
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto cred, store_.FindCredential(access_key_id));
  if (!cred) return std::optional<Resolved>();
  AMIPLACE_ASSIGN_OR_RETURN(auto account, store_.GetAccount(cred->account_id));
  if (!account) return std::optional<Resolved>();
  Resolved r{*account, cred->secret_access_key};
  std::unique_lock lock(mu_);
  if (cache_.size() > 100000) cache_.clear();
  cache_.emplace(std::string(access_key_id), r);
  return std::optional<Resolved>(r);
}

}  // namespace amiplace
