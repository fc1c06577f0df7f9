#include "domain/commerce/image_filter.h"

#include <algorithm>
#include <array>

namespace amiplace {

namespace {

using Values = std::vector<std::string>;

std::string BoolText(bool b) { return b ? "true" : "false"; }

template <typename F>
Values EachEbs(const Image& image, F value_of) {
  Values out;
  for (const auto& m : image.block_device_mappings) {
    if (m.ebs) out.push_back(value_of(*m.ebs));
  }
  return out;
}

struct FilterDef {
  std::string_view name;
  Values (*values)(const Image&);
};

// Every filter amiplace knows, with the image's values for it.
constexpr FilterDef kFilters[] = {
    {"architecture", [](const Image& i) { return Values{i.architecture}; }},
    {"block-device-mapping.delete-on-termination",
     [](const Image& i) {
       return EachEbs(i, [](const EbsBlockDevice& e) { return BoolText(e.delete_on_termination); });
     }},
    {"block-device-mapping.device-name",
     [](const Image& i) {
       Values out;
       for (const auto& m : i.block_device_mappings) out.push_back(m.device_name);
       return out;
     }},
    {"block-device-mapping.snapshot-id",
     [](const Image& i) {
       return EachEbs(i, [](const EbsBlockDevice& e) { return e.snapshot_id; });
     }},
    {"block-device-mapping.volume-size",
     [](const Image& i) {
       return EachEbs(i, [](const EbsBlockDevice& e) {
         return e.volume_size ? std::to_string(*e.volume_size) : std::string();
       });
     }},
    {"block-device-mapping.volume-type",
     [](const Image& i) {
       return EachEbs(i, [](const EbsBlockDevice& e) { return e.volume_type; });
     }},
    {"block-device-mapping.encrypted",
     [](const Image& i) {
       return EachEbs(i, [](const EbsBlockDevice& e) { return BoolText(e.encrypted); });
     }},
    {"boot-mode", [](const Image& i) { return Values{i.boot_mode}; }},
    {"creation-date", [](const Image& i) { return Values{FormatIso8601Millis(i.creation_date)}; }},
    {"description", [](const Image& i) { return Values{i.description}; }},
    {"ena-support", [](const Image& i) { return Values{BoolText(i.ena_support)}; }},
    {"hypervisor", [](const Image&) { return Values{"xen"}; }},
    {"image-id", [](const Image& i) { return Values{i.image_id}; }},
    {"image-type", [](const Image&) { return Values{"machine"}; }},
    {"imds-support", [](const Image& i) { return Values{i.imds_support}; }},
    {"is-public", [](const Image& i) { return Values{BoolText(i.IsPublic())}; }},
    {"name", [](const Image& i) { return Values{i.name}; }},
    {"owner-alias", [](const Image& i) { return Values{i.owner_alias}; }},
    {"owner-id", [](const Image& i) { return Values{i.owner_account_id}; }},
    {"product-code",
     [](const Image& i) {
       Values out;
       for (const auto& pc : i.product_codes) out.push_back(pc.product_code_id);
       return out;
     }},
    {"product-code.type",
     [](const Image& i) {
       Values out;
       for (const auto& pc : i.product_codes) out.push_back(pc.product_code_type);
       return out;
     }},
    {"root-device-name", [](const Image& i) { return Values{i.root_device_name}; }},
    {"root-device-type", [](const Image& i) { return Values{i.root_device_type}; }},
    {"source-image-id", [](const Image& i) { return Values{i.source_image_id}; }},
    {"state", [](const Image& i) { return Values{i.state}; }},
    {"virtualization-type", [](const Image& i) { return Values{i.virtualization_type}; }},
};

const FilterDef* FindFilter(std::string_view name) {
  for (const auto& f : kFilters) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

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
  return FindFilter(name) != nullptr;
}

std::vector<std::string> ImageFilterValues(const Image& image, std::string_view name) {
  const FilterDef* f = FindFilter(name);
  return f != nullptr ? f->values(image) : Values();  // tag filters: no values, nothing matches
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
