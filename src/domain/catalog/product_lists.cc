#include "domain/catalog/product_lists.h"

#include <algorithm>

namespace amiplace::product {

namespace bj = boost::json;

bj::array& ArrayIn(bj::object& o, std::string_view key) {
  bj::value& v = o[key];
  if (!v.is_array()) v = bj::array();
  return v.get_array();
}

void EnsureArrays(bj::object& o, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) ArrayIn(o, key);
}

const bj::object& ObjectOf(const bj::object& o, std::string_view key) {
  static const bj::object kEmpty;
  const bj::value* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : kEmpty;
}

const bj::array& ArrayOf(const bj::object& o, std::string_view key) {
  static const bj::array kEmpty;
  const bj::value* v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : kEmpty;
}

bool Contains(const bj::array& list, std::string_view s) {
  return std::any_of(list.begin(), list.end(),
                     [&](const bj::value& v) { return v.is_string() && v.get_string() == s; });
}

void AddUnique(bj::array& list, std::string_view s) {
  if (!Contains(list, s)) list.emplace_back(s);
}

void Remove(bj::array& list, std::string_view s) {
  for (auto it = list.begin(); it != list.end();) {
    if (it->is_string() && it->get_string() == s) {
      it = list.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::string> Strings(const bj::array& list) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const auto& v : list) {
    if (v.is_string()) out.emplace_back(v.get_string());
  }
  return out;
}

namespace {
bool IsAmiSource(const bj::object& source) {
  const bj::value* type = source.if_contains("Type");
  return type == nullptr || type->is_null() ||
         (type->is_string() && type->get_string() == "AmazonMachineImage");
}
}  // namespace

std::vector<bj::object*> AmiSources(bj::object& doc) {
  std::vector<bj::object*> out;
  bj::value* versions = doc.if_contains("Versions");
  if (versions == nullptr || !versions->is_array()) return out;
  for (bj::value& version : versions->get_array()) {
    if (!version.is_object()) continue;
    bj::value* sources = version.get_object().if_contains("Sources");
    if (sources == nullptr || !sources->is_array()) continue;
    for (bj::value& source : sources->get_array()) {
      if (source.is_object() && IsAmiSource(source.get_object()))
        out.push_back(&source.get_object());
    }
  }
  return out;
}

std::vector<const bj::object*> AmiSources(const bj::object& doc) {
  std::vector<const bj::object*> out;
  for (const bj::value& version : ArrayOf(doc, "Versions")) {
    if (!version.is_object()) continue;
    for (const bj::value& source : ArrayOf(version.get_object(), "Sources")) {
      if (source.is_object() && IsAmiSource(source.get_object()))
        out.push_back(&source.get_object());
    }
  }
  return out;
}

std::set<std::string, std::less<>> RecommendedInstanceTypes(const bj::object& doc) {
  std::set<std::string, std::less<>> out;
  for (const bj::value& version : ArrayOf(doc, "Versions")) {
    if (!version.is_object()) continue;
    for (const bj::value& option : ArrayOf(version.get_object(), "DeliveryOptions")) {
      if (!option.is_object()) continue;
      const bj::object& o = option.get_object();
      const bj::value* visibility = o.if_contains("Visibility");
      if (visibility && visibility->is_string() && visibility->get_string() == "Restricted")
        continue;
      const bj::value* rec = o.if_contains("Recommendations");
      if (rec == nullptr || !rec->is_object()) continue;
      const bj::value* type = rec->get_object().if_contains("InstanceType");
      if (type && type->is_string()) out.emplace(type->get_string());
    }
  }
  return out;
}

std::string DescribeList(std::string_view action, const boost::json::value& details,
                         std::string_view member) {
  std::vector<std::string> list;
  if (details.is_object()) {
    if (const auto* v = details.get_object().if_contains(member); v && v->is_array()) {
      list = Strings(v->get_array());
    }
  }
  return fmt::format("{}: {}", action, fmt::join(list, ", "));
}

}  // namespace amiplace::product
