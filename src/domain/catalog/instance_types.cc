#include "domain/catalog/instance_types.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace amiplace::instance_types {
namespace {

struct Family {
  std::string_view name;
  Architecture arch;
  std::vector<std::string_view> sizes;
};

// Sizes as EC2 offers them; "metal-24xl" / "metal-48xl" are the 7th-generation Intel bare-metal
// sizes.
const std::vector<Family>& Families() {
  using A = Architecture;
  static const std::vector<Family> kFamilies = {
      {"t2", A::kX86_64, {"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"}},
      {"t3", A::kX86_64, {"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"}},
      {"t3a", A::kX86_64, {"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"}},
      {"t4g", A::kArm64, {"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"}},
      {"m5",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "metal"}},
      {"m5a",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"}},
      {"m6i",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "32xlarge", "metal"}},
      {"m6g",
       A::kArm64,
       {"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        "metal"}},
      {"m7i",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "48xlarge", "metal-24xl", "metal-48xl"}},
      {"m7g",
       A::kArm64,
       {"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        "metal"}},
      {"c5",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge",
        "metal"}},
      {"c6i",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "32xlarge", "metal"}},
      {"c6g",
       A::kArm64,
       {"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        "metal"}},
      {"c7i",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "48xlarge", "metal-24xl", "metal-48xl"}},
      {"c7g",
       A::kArm64,
       {"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        "metal"}},
      {"r5",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "metal"}},
      {"r6i",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "32xlarge", "metal"}},
      {"r6g",
       A::kArm64,
       {"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
        "metal"}},
      {"r7i",
       A::kX86_64,
       {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
        "48xlarge", "metal-24xl", "metal-48xl"}},
      {"i3", A::kX86_64, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "metal"}},
      {"g4dn",
       A::kX86_64,
       {"xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "metal"}},
      {"g5",
       A::kX86_64,
       {"xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"}},
      {"p3", A::kX86_64, {"2xlarge", "8xlarge", "16xlarge"}},
      {"p4d", A::kX86_64, {"24xlarge"}},
      {"x2idn", A::kX86_64, {"16xlarge", "24xlarge", "32xlarge", "metal"}},
  };
  return kFamilies;
}

// "family.size" → architecture. The keys own their strings; lookups take string_views.
struct Table {
  std::vector<std::string> names;
  std::unordered_map<std::string_view, Architecture> arch;
};

const Table& TheTable() {
  static const Table* table = [] {
    auto* t = new Table();
    for (const Family& f : Families()) {
      for (auto size : f.sizes) t->names.push_back(std::string(f.name) + "." + std::string(size));
    }
    size_t i = 0;
    for (const Family& f : Families()) {
      for (size_t s = 0; s < f.sizes.size(); ++s) t->arch.emplace(t->names[i++], f.arch);
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::string_view ArchitectureName(Architecture a) {
  return a == Architecture::kArm64 ? "arm64" : "x86_64";
}

std::optional<Architecture> ParseArchitecture(std::string_view name) {
  if (name == "x86_64") return Architecture::kX86_64;
  if (name == "arm64") return Architecture::kArm64;
  return std::nullopt;
}

std::optional<Architecture> ArchitectureOf(std::string_view instance_type) {
  const auto& arch = TheTable().arch;
  auto it = arch.find(instance_type);
  if (it == arch.end()) return std::nullopt;
  return it->second;
}

bool IsKnown(std::string_view instance_type) { return ArchitectureOf(instance_type).has_value(); }

bool IsWellFormed(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::vector<std::string_view> All() {
  const auto& names = TheTable().names;
  return {names.begin(), names.end()};
}

}  // namespace amiplace::instance_types
