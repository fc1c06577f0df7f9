#include "domain/catalog/visibility.h"

#include <boost/json.hpp>

namespace amiplace {
namespace {

bool NamesAccount(const boost::json::value& principal, std::string_view account_id) {
  auto matches = [&](const boost::json::value& v) {
    if (!v.is_string()) return false;
    std::string_view s = v.get_string();
    return s == account_id || s == fmt::format("arn:aws:iam::{}:root", account_id);
  };
  if (principal.is_string()) return matches(principal);
  if (principal.is_array()) {
    for (const auto& p : principal.get_array())
      if (matches(p)) return true;
    return false;
  }
  if (principal.is_object()) {
    if (const auto* aws = principal.get_object().if_contains("AWS")) return NamesAccount(*aws, account_id);
  }
  return false;
}

bool IsAllowlisted(const Entity& e, std::string_view account_id) {
  const auto* t = e.details.if_contains("Targeting");
  if (!t || !t->is_object()) return false;
  const auto* pt = t->get_object().if_contains("PositiveTargeting");
  if (!pt || !pt->is_object()) return false;
  const auto* ba = pt->get_object().if_contains("BuyerAccounts");
  if (!ba || !ba->is_array()) return false;
  for (const auto& a : ba->get_array())
    if (a.is_string() && a.get_string() == account_id) return true;
  return false;
}

}  // namespace

bool PolicyGrants(std::string_view policy, std::string_view account_id) {
  if (policy.empty()) return false;
  boost::system::error_code ec;
  auto doc = boost::json::parse(policy, ec);
  if (ec || !doc.is_object()) return false;
  const auto* st = doc.get_object().if_contains("Statement");
  if (!st) return false;
  auto check = [&](const boost::json::value& s) {
    if (!s.is_object()) return false;
    const auto& o = s.get_object();
    if (const auto* eff = o.if_contains("Effect"); eff && eff->is_string() && eff->get_string() != "Allow")
      return false;
    const auto* p = o.if_contains("Principal");
    return p && NamesAccount(*p, account_id);
  };
  if (st->is_array()) {
    for (const auto& s : st->get_array())
      if (check(s)) return true;
    return false;
  }
  return check(*st);
}

bool CanView(const Account& viewer, const Entity& entity, std::string_view resource_policy) {
  if (entity.owner_account_id == viewer.account_id) return true;
  if (viewer.type == AccountType::kOperator) return true;
  if (PolicyGrants(resource_policy, viewer.account_id)) return true;
  if (viewer.type == AccountType::kBuyer && entity.type == kAmiProductType) {
    std::string visibility = IndexOf(entity).visibility;
    if (visibility == "Public") return true;
    if (visibility == "Limited") return IsAllowlisted(entity, viewer.account_id);
  }
  return false;
}

}  // namespace amiplace
