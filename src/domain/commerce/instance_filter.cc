#include "domain/commerce/instance_filter.h"

#include <algorithm>

namespace amiplace {

namespace {

using Values = std::vector<std::string>;

struct FilterDef {
  std::string_view name;
  Values (*values)(const Instance&);
};

// Every filter amiplace knows besides the tag filters, with the instance's values for it.
constexpr FilterDef kFilters[] = {
    {"ami-launch-index", [](const Instance& i) { return Values{std::to_string(i.ami_launch_index)}; }},
    {"architecture", [](const Instance& i) { return Values{i.architecture}; }},
    {"availability-zone", [](const Instance& i) { return Values{i.region + "a"}; }},
    {"client-token", [](const Instance& i) { return Values{i.client_token}; }},
    {"hypervisor", [](const Instance&) { return Values{"xen"}; }},
    {"image-id", [](const Instance& i) { return Values{i.image_id}; }},
    {"instance-id", [](const Instance& i) { return Values{i.instance_id}; }},
    {"instance-state-code",
     [](const Instance& i) { return Values{std::to_string(InstanceStateCode(i.state))}; }},
    {"instance-state-name",
     [](const Instance& i) { return Values{std::string(InstanceStateName(i.state))}; }},
    {"instance-type", [](const Instance& i) { return Values{i.instance_type}; }},
    {"key-name", [](const Instance& i) { return Values{i.key_name}; }},
    {"launch-time", [](const Instance& i) { return Values{FormatIso8601Millis(i.launch_time)}; }},
    {"owner-id", [](const Instance& i) { return Values{i.owner_account_id}; }},
    {"private-dns-name",
     [](const Instance& i) { return Values{PrivateDnsName(i.region, i.private_ip)}; }},
    {"private-ip-address", [](const Instance& i) { return Values{i.private_ip}; }},
    {"product-code",
     [](const Instance& i) {
       Values out;
       for (const auto& pc : i.product_codes) out.push_back(pc.product_code_id);
       return out;
     }},
    {"product-code.type",
     [](const Instance& i) {
       Values out;
       for (const auto& pc : i.product_codes) out.push_back(pc.product_code_type);
       return out;
     }},
    {"reason", [](const Instance& i) { return Values{i.state_transition_reason}; }},
    {"reservation-id", [](const Instance& i) { return Values{i.reservation_id}; }},
    {"root-device-name", [](const Instance& i) { return Values{i.root_device_name}; }},
    {"root-device-type", [](const Instance&) { return Values{"ebs"}; }},
    {"state-reason-code", [](const Instance& i) { return Values{i.state_reason_code}; }},
    {"virtualization-type", [](const Instance& i) { return Values{i.virtualization_type}; }},
};

const FilterDef* FindFilter(std::string_view name) {
  for (const auto& f : kFilters) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

bool IsKnownInstanceFilter(std::string_view name) {
  if ((name.starts_with("tag:") && name.size() > 4) || name == "tag-key" || name == "tag-value") {
    return true;
  }
  return FindFilter(name) != nullptr;
}

std::vector<std::string> InstanceFilterValues(const Instance& instance, std::string_view name) {
  Values out;
  if (name.starts_with("tag:")) {
    const std::string_view key = name.substr(4);
    for (const auto& t : instance.tags) {
      if (t.key == key) out.push_back(t.value);
    }
    return out;
  }
  if (name == "tag-key" || name == "tag-value") {
    for (const auto& t : instance.tags) out.push_back(name == "tag-key" ? t.key : t.value);
    return out;
  }
  const FilterDef* f = FindFilter(name);
  return f != nullptr ? f->values(instance) : out;
}

bool MatchesInstanceFilters(const Instance& instance, const std::vector<ImageFilter>& filters) {
  for (const auto& f : filters) {
    const Values have = InstanceFilterValues(instance, f.name);
    const bool any = std::any_of(have.begin(), have.end(), [&](const std::string& v) {
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const std::string& pattern) { return WildcardMatch(pattern, v); });
    });
    if (!any) return false;
  }
  return true;
}

}  // namespace amiplace
