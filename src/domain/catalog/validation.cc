#include "domain/catalog/validation.h"

#include <set>

namespace amiplace::validate {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Join(std::string_view prefix, std::string_view member) {
  return fmt::format("{}.{}", prefix, member);
}

Status IsObject(const boost::json::value& v, std::string_view field) {
  if (!v.is_object()) return ValidationError(fmt::format("{}: must be a JSON object", field));
  return Status::Ok();
}

Status KnownMembers(const boost::json::object& o, const std::vector<std::string_view>& allowed,
                    std::string_view field) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return ValidationError(fmt::format("{}: unknown field '{}'; allowed fields: {}",
                                         field, std::string_view(kv.key()), fmt::join(allowed, ", ")));
    }
  }
  return Status::Ok();
}

Status AnyOf(const boost::json::object& o, const std::vector<std::string_view>& members,
             std::string_view field) {
  for (auto m : members) {
    if (o.contains(m)) return Status::Ok();
  }
  return ValidationError(
      fmt::format("{}: must set at least one of: {}", field, fmt::join(members, ", ")));
}

bool IsHttpsUrl(std::string_view s) {
  constexpr std::string_view kScheme = "https://";
  if (!s.starts_with(kScheme) || s.size() <= kScheme.size()) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20) return false;
  }
  return s[kScheme.size()] != '/';
}

bool HasControlChars(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x08 || (c >= 0x0B && c <= 0x1F)) return true;
  }
  return false;
}

namespace {
Status CheckString(const boost::json::value& v, std::string_view field, const StringRule& rule) {
  if (v.is_null()) {
    if (rule.nullable) return Status::Ok();
    return ValidationError(fmt::format("{}: must not be null", field));
  }
  if (!v.is_string()) return ValidationError(fmt::format("{}: must be a string", field));
  std::string_view s = v.get_string();
  size_t n = CodePoints(s);
  if (n < rule.min) {
    return ValidationError(rule.min == 1 ? fmt::format("{}: must not be empty", field)
                                         : fmt::format("{}: must be at least {} characters", field, rule.min));
  }
  if (rule.max != 0 && n > rule.max) {
    return ValidationError(fmt::format("{}: must be at most {} characters (got {})", field, rule.max, n));
  }
  if (rule.no_control && HasControlChars(s)) {
    return ValidationError(fmt::format("{}: must not contain control characters", field));
  }
  if (rule.https_url && !IsHttpsUrl(s)) {
    return ValidationError(fmt::format("{}: must be an https:// URL", field));
  }
  if (rule.check != nullptr && !rule.check(s)) {
    return ValidationError(fmt::format("{}: '{}' must be {}", field, s, rule.pattern_name));
  }
  return Status::Ok();
}
}  // namespace

Status String(const boost::json::object& o, std::string_view member, std::string_view field,
              const StringRule& rule, bool required) {
  const auto* v = o.if_contains(member);
  std::string name = Join(field, member);
  if (v == nullptr) {
    if (required) return ValidationError(fmt::format("{}: is required", name));
    return Status::Ok();
  }
  return CheckString(*v, name, rule);
}

Status Array(const boost::json::object& o, std::string_view member, std::string_view field,
             const ListRule& list, const boost::json::array** out, bool required) {
  const auto* v = o.if_contains(member);
  std::string name = Join(field, member);
  if (out) *out = nullptr;
  if (v == nullptr) {
    if (required) return ValidationError(fmt::format("{}: is required", name));
    return Status::Ok();
  }
  if (!v->is_array()) return ValidationError(fmt::format("{}: must be a list", name));
  const auto& a = v->get_array();
  if (a.size() < list.min) {
    return ValidationError(fmt::format("{}: must have at least {} item{}", name, list.min,
                                       list.min == 1 ? "" : "s"));
  }
  if (list.max != 0 && a.size() > list.max) {
    return ValidationError(fmt::format("{}: must have at most {} items (got {})", name, list.max, a.size()));
  }
  if (out) *out = &a;
  return Status::Ok();
}

Status StringList(const boost::json::object& o, std::string_view member, std::string_view field,
                  const ListRule& list, const StringRule& item, bool required) {
  const boost::json::array* a = nullptr;
  AMIPLACE_RETURN_IF_ERROR(Array(o, member, field, list, &a, required));
  if (a == nullptr) return Status::Ok();
  std::set<std::string_view> seen;
  std::string name = Join(field, member);
  for (size_t i = 0; i < a->size(); ++i) {
    std::string item_name = fmt::format("{}[{}]", name, i);
    AMIPLACE_RETURN_IF_ERROR(CheckString((*a)[i], item_name, item));
    if (list.unique && !seen.insert((*a)[i].get_string()).second) {
      return ValidationError(fmt::format("{}: '{}' appears more than once", item_name,
                                         std::string_view((*a)[i].get_string())));
    }
  }
  return Status::Ok();
}

Status SingleStringListDocument(const boost::json::value& details, std::string_view field,
                                std::string_view member, const ListRule& list,
                                const StringRule& item) {
  AMIPLACE_RETURN_IF_ERROR(IsObject(details, field));
  const auto& o = details.get_object();
  AMIPLACE_RETURN_IF_ERROR(KnownMembers(o, {member}, field));
  return StringList(o, member, field, list, item, true);
}

}  // namespace amiplace::validate
