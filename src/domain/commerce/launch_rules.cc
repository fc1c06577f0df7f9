#include "domain/commerce/launch_rules.h"

#include <algorithm>
#include <array>

#include "domain/catalog/instance_types.h"
#include "domain/catalog/product_lists.h"

namespace amiplace {

namespace bj = boost::json;

namespace {

// The first generation's types, for EC2's default m1.small: all x86_64 (t1.micro, m1.small and
// m1.medium boot i386 images too, as every x86_64 type does here).
constexpr std::array<std::string_view, 5> kFirstGeneration = {"t1.micro", "m1.small", "m1.medium",
                                                               "m1.large", "m1.xlarge"};

std::string Str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool Has(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The version as the launch rules need it.
VersionForLaunch ReadVersion(const bj::object& v) {
  VersionForLaunch out;
  out.version_id = Str(v, "Id");
  bool any_option = false, any_open = false;
  for (const auto& d : product::ArrayOf(v, "DeliveryOptions")) {
    if (!d.is_object()) continue;
    any_option = true;
    const auto& option = d.get_object();
    if (Str(option, "Visibility") != "Restricted") {
      any_open = true;
      continue;
    }
    if (auto at = ParseIso8601(Str(option, "RestrictionDate"))) {
      if (!out.restriction_date || *at > *out.restriction_date) out.restriction_date = at;
    }
  }
  out.restricted = any_option && !any_open;
  for (const auto& s : product::ArrayOf(v, "Sources")) {
    if (!s.is_object()) continue;
    const auto& source = s.get_object();
    const std::string type = Str(source, "Type");
    if (!type.empty() && type != "AmazonMachineImage") continue;
    auto types = product::Strings(
        product::ArrayOf(product::ObjectOf(source, "Compatibility"), "AvailableInstanceTypes"));
    out.instance_types.insert(out.instance_types.end(), types.begin(), types.end());
  }
  return out;
}

// The version whose AMI source is `image_id`.
std::optional<VersionForLaunch> VersionWithSource(const Entity& product, std::string_view image_id) {
  if (image_id.empty()) return std::nullopt;
  for (const auto& v : product::ArrayOf(product.details, "Versions")) {
    if (!v.is_object()) continue;
    for (const auto& s : product::ArrayOf(v.get_object(), "Sources")) {
      if (s.is_object() && Str(s.get_object(), "Image") == image_id) {
        return ReadVersion(v.get_object());
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> ProductList(const Entity& product, std::string_view section,
                                     std::string_view member) {
  return product::Strings(product::ArrayOf(product::ObjectOf(product.details, section), member));
}

}  // namespace

bool IsLaunchableInstanceType(std::string_view instance_type) {
  return instance_types::IsKnown(instance_type) ||
         std::find(kFirstGeneration.begin(), kFirstGeneration.end(), instance_type) !=
             kFirstGeneration.end();
}

std::string InstanceTypeArchitecture(std::string_view instance_type) {
  if (auto arch = instance_types::ArchitectureOf(instance_type)) {
    return std::string(instance_types::ArchitectureName(*arch));
  }
  if (std::find(kFirstGeneration.begin(), kFirstGeneration.end(), instance_type) !=
      kFirstGeneration.end()) {
    return "x86_64";
  }
  return "";
}

bool InstanceTypeRunsArchitecture(std::string_view instance_type, std::string_view architecture) {
  const std::string type_arch = InstanceTypeArchitecture(instance_type);
  if (type_arch.empty()) return true;
  if (type_arch == "x86_64") return architecture == "x86_64" || architecture == "i386";
  return architecture == type_arch;
}

std::optional<VersionForLaunch> VersionOfImage(const Entity& product, const Image& image) {
  if (auto v = VersionWithSource(product, image.image_id)) return v;
  return VersionWithSource(product, image.source_image_id);
}

std::optional<VersionForLaunch> VersionById(const Entity& product, std::string_view version_id) {
  if (version_id.empty()) return std::nullopt;
  for (const auto& v : product::ArrayOf(product.details, "Versions")) {
    if (v.is_object() && Str(v.get_object(), "Id") == version_id) return ReadVersion(v.get_object());
  }
  return std::nullopt;
}

LaunchRefusal CheckMarketplaceLaunch(const MarketplaceLaunch& launch) {
  if (launch.product == nullptr || launch.subscription == nullptr ||
      launch.subscription->status != SubscriptionStatus::kActive) {
    return LaunchRefusal::kNotSubscribed;
  }
  const Entity& product = *launch.product;

  const auto regions = ProductList(product, "RegionAvailability", "Regions");
  if (!Has(regions, launch.region)) {
    const auto restricted = ProductList(product, "RegionAvailability", "Restrict");
    if (!Has(restricted, launch.region) || !launch.launched_in_region_before) {
      return LaunchRefusal::kRegion;
    }
  }

  const auto types = ProductList(product, "Compatibility", "AvailableInstanceTypes");
  if (!Has(types, launch.instance_type)) return LaunchRefusal::kInstanceType;
  if (launch.version && !launch.version->instance_types.empty() &&
      !Has(launch.version->instance_types, launch.instance_type)) {
    return LaunchRefusal::kInstanceType;
  }

  if (launch.version && launch.version->restricted) {
    // Entitled before the restriction: the subscription in force began before it.
    const bool entitled = launch.version->restriction_date &&
                          launch.subscription->created_at < *launch.version->restriction_date;
    if (!entitled) return LaunchRefusal::kVersionRestricted;
  }
  return LaunchRefusal::kNone;
}

}  // namespace amiplace
