#include "domain/catalog/regions.h"

#include <algorithm>
#include <array>

namespace amiplace::regions {
namespace {

constexpr std::array<std::string_view, 32> kCommercial = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "ca-central-1",
    "ca-west-1",      "eu-west-1",      "eu-west-2",      "eu-west-3",      "eu-central-1",
    "eu-central-2",   "eu-north-1",     "eu-south-1",     "eu-south-2",     "ap-south-1",
    "ap-south-2",     "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-east-1",      "me-south-1",     "me-central-1",   "il-central-1",   "af-south-1",
    "sa-east-1",      "mx-central-1"};

}  // namespace

std::span<const std::string_view> Commercial() { return kCommercial; }

bool IsCommercial(std::string_view code) {
  return std::find(kCommercial.begin(), kCommercial.end(), code) != kCommercial.end();
}

bool IsUsRegion(std::string_view code) {
  // us-gov-* and us-iso*-* are other partitions, not the commercial US regions.
  return code.starts_with("us-") && !code.starts_with("us-gov-") && !code.starts_with("us-iso");
}

std::vector<std::string_view> UsRegions() {
  std::vector<std::string_view> out;
  for (auto code : kCommercial) {
    if (code.starts_with("us-")) out.push_back(code);
  }
  return out;
}

bool IsFutureRegionGroup(std::string_view group) {
  return group == kFutureAll || group == kFutureUs || group == kFutureNone;
}

bool GroupIncludes(std::string_view group, std::string_view code) {
  if (group == kFutureAll) return !code.empty();
  if (group == kFutureUs) return IsUsRegion(code);
  return false;
}

}  // namespace amiplace::regions
