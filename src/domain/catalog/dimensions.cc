#include "domain/catalog/dimensions.h"

#include <algorithm>
#include <array>

#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace::dimensions {

namespace bj = boost::json;

namespace {

constexpr std::array<std::string_view, 3> kTypes = {kEntitled, kMetered, kExternallyMetered};
constexpr std::array<std::string_view, 14> kUnits = {
    "GB",      "Gbps", "HostHrs", "Hosts",   "MB",    "Mbps",    "Requests",
    "TaskHrs", "TB",   "TierHrs", "UnitHrs", "Units", "UserHrs", "Users"};

bool IsKey(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

bool IsDimensionType(std::string_view s) { return IsType(s); }

}  // namespace

bool IsType(std::string_view type) {
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

bool IsUnit(std::string_view unit) {
  return std::find(kUnits.begin(), kUnits.end(), unit) != kUnits.end();
}

std::span<const std::string_view> Units() { return kUnits; }

std::string UnitList() { return fmt::format("{}", fmt::join(kUnits, ", ")); }

bool StartsWithNonSpace(std::string_view s) {
  return !s.empty() && s[0] != ' ' && s[0] != '\t' && s[0] != '\n' && s[0] != '\r' &&
         s[0] != '\f' && s[0] != '\v';
}

TypeSet TypesOf(const bj::object& dimension) {
  TypeSet out;
  for (const auto& t : product::ArrayOf(dimension, "Types")) {
    if (t.is_string()) out.emplace(t.get_string());
  }
  return out;
}

std::string KeyOf(const bj::object& dimension) {
  const bj::value* k = dimension.if_contains("Key");
  return k && k->is_string() ? std::string(k->get_string()) : std::string();
}

std::string DescribeTypes(const TypeSet& types) {
  return fmt::format("{}", fmt::join(types, ", "));
}

Status ValidateList(const bj::value& details, std::string_view field,
                    const std::vector<std::string_view>& members,
                    const std::function<Status(const bj::object&, std::string_view)>& item) {
  if (!details.is_array()) {
    return ValidationError(fmt::format("{}: must be a JSON array of dimensions", field));
  }
  const bj::array& list = details.get_array();
  if (list.empty()) return ValidationError(fmt::format("{}: must have at least 1 item", field));
  for (size_t i = 0; i < list.size(); ++i) {
    std::string name = fmt::format("{}[{}]", field, i);
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(list[i], name));
    const bj::object& o = list[i].get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, members, name));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        o, "Key", name,
        {.min = 1, .max = 100, .pattern_name = "letters, digits, '_', '.' or '-'", .check = IsKey},
        true));
    AMIPLACE_RETURN_IF_ERROR(
        validate::StringList(o, "Types", name, {.min = 1, .max = 3, .unique = true},
                             {.min = 1,
                              .pattern_name = "one of Entitled, Metered, ExternallyMetered",
                              .check = IsDimensionType},
                             true));
    if (item) AMIPLACE_RETURN_IF_ERROR(item(o, name));
  }
  return Status::Ok();
}

std::optional<size_t> Find(const bj::array& dims, std::string_view key, const TypeSet& types) {
  for (size_t i = 0; i < dims.size(); ++i) {
    if (!dims[i].is_object()) continue;
    const bj::object& d = dims[i].get_object();
    if (KeyOf(d) == key && TypesOf(d) == types) return i;
  }
  return std::nullopt;
}

std::optional<size_t> FindOverlapping(const bj::array& dims, std::string_view key,
                                      const TypeSet& types) {
  for (size_t i = 0; i < dims.size(); ++i) {
    if (!dims[i].is_object()) continue;
    const bj::object& d = dims[i].get_object();
    if (KeyOf(d) != key) continue;
    for (const auto& t : TypesOf(d)) {
      if (types.count(t)) return i;
    }
  }
  return std::nullopt;
}

namespace {
bool AnyMetered(const bj::object& doc, std::optional<std::string_view> key) {
  for (const auto& d : product::ArrayOf(doc, "Dimensions")) {
    if (!d.is_object()) continue;
    if (key && KeyOf(d.get_object()) != *key) continue;
    if (TypesOf(d.get_object()).count(kMetered)) return true;
  }
  return false;
}
}  // namespace

bool HasMetered(const bj::object& doc) { return AnyMetered(doc, std::nullopt); }

bool HasMeteredFor(const bj::object& doc, std::string_view key) { return AnyMetered(doc, key); }

std::string Describe(const bj::value& details, std::string_view what) {
  std::vector<std::string> items;
  if (details.is_array()) {
    for (const auto& d : details.get_array()) {
      if (!d.is_object()) continue;
      items.push_back(
          fmt::format("{} ({})", KeyOf(d.get_object()), DescribeTypes(TypesOf(d.get_object()))));
    }
  }
  return fmt::format("{}: {}", what, fmt::join(items, ", "));
}

}  // namespace amiplace::dimensions
