#include "domain/account.h"

namespace amiplace {

std::string_view AccountTypeName(AccountType type) {
  switch (type) {
    case AccountType::kOperator: return "OPERATOR";
    case AccountType::kSeller: return "SELLER";
    case AccountType::kBuyer: return "BUYER";
  }
  return "BUYER";
}

std::optional<AccountType> ParseAccountType(std::string_view name) {
  if (name == "OPERATOR") return AccountType::kOperator;
  if (name == "SELLER") return AccountType::kSeller;
  if (name == "BUYER") return AccountType::kBuyer;
  return std::nullopt;
}

}  // namespace amiplace
