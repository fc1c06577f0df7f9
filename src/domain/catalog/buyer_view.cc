#include "domain/catalog/buyer_view.h"

namespace amiplace {

namespace bj = boost::json;

std::vector<std::string> StringsAt(const bj::object& doc, std::string_view section,
                                   std::string_view member) {
  std::vector<std::string> out;
  const auto* s = doc.if_contains(section);
  if (!s || !s->is_object()) return out;
  const auto* m = s->get_object().if_contains(member);
  if (!m || !m->is_array()) return out;
  for (const auto& v : m->get_array())
    if (v.is_string()) out.emplace_back(v.get_string());
  return out;
}

bool IsAllowlisted(const Entity& product, std::string_view account_id) {
  const auto* t = product.details.if_contains("Targeting");
  if (!t || !t->is_object()) return false;
  for (const auto& a : StringsAt(t->get_object(), "PositiveTargeting", "BuyerAccounts"))
    if (a == account_id) return true;
  return false;
}

bool BuyerCanSee(const Account& viewer, const Entity& product, const BuyerRelation& relation) {
  if (product.owner_account_id == viewer.account_id) return true;
  if (viewer.type == AccountType::kOperator) return true;
  std::string visibility = IndexOf(product).visibility;
  if (visibility == "Public") return true;
  if (visibility == "Limited") return IsAllowlisted(product, viewer.account_id) || relation.ever_subscribed;
  if (visibility == "Restricted") return relation.ever_subscribed;
  return false;
}

bool CanSubscribe(const Account& viewer, const Entity& product) {
  std::string visibility = IndexOf(product).visibility;
  if (product.owner_account_id == viewer.account_id) return visibility != "Draft";
  if (viewer.type != AccountType::kBuyer) return false;
  if (visibility == "Public") return true;
  if (visibility == "Limited") return IsAllowlisted(product, viewer.account_id);
  return false;
}

std::vector<VersionView> VersionsOf(const Entity& product) {
  std::vector<VersionView> out;
  const auto* versions = product.details.if_contains("Versions");
  if (!versions || !versions->is_array()) return out;
  auto str = [](const bj::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  for (const auto& v : versions->get_array()) {
    if (!v.is_object()) continue;
    const auto& o = v.get_object();
    VersionView view{str(o, "Id"), str(o, "VersionTitle"), "Available", ""};
    bool any_option = false, any_public = false;
    if (const auto* opts = o.if_contains("DeliveryOptions"); opts && opts->is_array()) {
      for (const auto& d : opts->get_array()) {
        if (!d.is_object()) continue;
        any_option = true;
        if (str(d.get_object(), "Visibility") != "Restricted") any_public = true;
      }
    }
    if (any_option && !any_public) view.status = "Restricted";
    if (const auto* sources = o.if_contains("Sources"); sources && sources->is_array()) {
      for (const auto& s : sources->get_array()) {
        if (s.is_object() && str(s.get_object(), "Type") == "AmazonMachineImage") {
          view.source_image_id = str(s.get_object(), "Image");
          break;
        }
      }
    }
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace amiplace
