#include "domain/commerce/image_filter.h"

#include <algorithm>
#include <array>

namespace amiplace {

namespace {

constexpr std::array<std::string_view, 26> kFilters = {
    "architecture",
    "block-device-mapping.delete-on-termination",
    "block-device-mapping.device-name",
    "block-device-mapping.snapshot-id",
    "block-device-mapping.volume-size",
    "block-device-mapping.volume-type",
    "block-device-mapping.encrypted",
    "boot-mode",
    "creation-date",
    "description",
    "ena-support",
    "hypervisor",
    "image-id",
    "image-type",
    "imds-support",
    "is-public",
    "name",
    "owner-alias",
    "owner-id",
    "product-code",
    "product-code.type",
    "root-device-name",
    "root-device-type",
    "source-image-id",
    "state",
    "virtualization-type",
};

std::string BoolText(bool b) { return b ? "true" : "false"; }

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  // Iterative glob match with backtracking to the last '*': linear in practice, no recursion.
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char want = pattern[p];
      size_t width = 1;
      bool any = want == '?';
      if (want == '\\' && p + 1 < pattern.size()) {
        want = pattern[p + 1];
        width = 2;
        any = false;
      }
      if (any || want == text[t]) {
        p += width;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool IsKnownImageFilter(std::string_view name) {
  if (name.starts_with("tag:") || name == "tag-key" || name == "tag-value") return true;
  return std::find(kFilters.begin(), kFilters.end(), name) != kFilters.end();
}

std::vector<std::string> ImageFilterValues(const Image& image, std::string_view name) {
  std::vector<std::string> out;
  auto each_ebs = [&](auto&& value_of) {
    for (const auto& m : image.block_device_mappings) {
      if (m.ebs) out.push_back(value_of(*m.ebs));
    }
  };
  if (name == "architecture") out.push_back(image.architecture);
  else if (name == "block-device-mapping.delete-on-termination")
    each_ebs([](const EbsBlockDevice& e) { return BoolText(e.delete_on_termination); });
  else if (name == "block-device-mapping.device-name")
    for (const auto& m : image.block_device_mappings) out.push_back(m.device_name);
  else if (name == "block-device-mapping.snapshot-id")
    each_ebs([](const EbsBlockDevice& e) { return e.snapshot_id; });
  else if (name == "block-device-mapping.volume-size")
    each_ebs([](const EbsBlockDevice& e) {
      return e.volume_size ? std::to_string(*e.volume_size) : std::string();
    });
  else if (name == "block-device-mapping.volume-type")
    each_ebs([](const EbsBlockDevice& e) { return e.volume_type; });
  else if (name == "block-device-mapping.encrypted")
    each_ebs([](const EbsBlockDevice& e) { return BoolText(e.encrypted); });
  else if (name == "boot-mode") out.push_back(image.boot_mode);
  else if (name == "creation-date") out.push_back(FormatIso8601Millis(image.creation_date));
  else if (name == "description") out.push_back(image.description);
  else if (name == "ena-support") out.push_back(BoolText(image.ena_support));
  else if (name == "hypervisor") out.push_back("xen");
  else if (name == "image-id") out.push_back(image.image_id);
  else if (name == "image-type") out.push_back("machine");
  else if (name == "imds-support") out.push_back(image.imds_support);
  else if (name == "is-public") out.push_back(BoolText(image.IsPublic()));
  else if (name == "name") out.push_back(image.name);
  else if (name == "owner-alias") out.push_back(image.owner_alias);
  else if (name == "owner-id") out.push_back(image.owner_account_id);
  else if (name == "product-code")
    for (const auto& pc : image.product_codes) out.push_back(pc.product_code_id);
  else if (name == "product-code.type")
    for (const auto& pc : image.product_codes) out.push_back(pc.product_code_type);
  else if (name == "root-device-name") out.push_back(image.root_device_name);
  else if (name == "root-device-type") out.push_back(image.root_device_type);
  else if (name == "source-image-id") out.push_back(image.source_image_id);
  else if (name == "state") out.push_back(image.state);
  else if (name == "virtualization-type") out.push_back(image.virtualization_type);
  return out;  // tag filters and unknown names: no values, so nothing matches
}

bool MatchesFilters(const Image& image, const std::vector<ImageFilter>& filters) {
  for (const auto& f : filters) {
    const std::vector<std::string> have = ImageFilterValues(image, f.name);
    const bool any = std::any_of(have.begin(), have.end(), [&](const std::string& v) {
      return std::any_of(f.values.begin(), f.values.end(),
                         [&](const std::string& pattern) { return WildcardMatch(pattern, v); });
    });
    if (!any) return false;
  }
  return true;
}

}  // namespace amiplace
