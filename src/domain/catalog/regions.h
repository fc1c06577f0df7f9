// The AWS commercial regions an AmiProduct may be offered in (AddRegions, RestrictRegions) and
// the groups UpdateFutureRegionSupport names ("All", "US", "None"). A fixed table compiled into
// the binary: amiplace does not learn about new regions at run time. Pure functions over
// constant data; thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace amiplace::regions {

// Every commercial region code, in a stable order (the order of AWS's region list).
std::span<const std::string_view> Commercial();

bool IsCommercial(std::string_view code);

// The "US" group of FutureRegionSupport: regions in the United States of the commercial
// partition (us-*, not GovCloud's us-gov-*). IsUsRegion also answers for codes not in the
// table yet (a region AWS launches later); UsRegions lists the table's.
bool IsUsRegion(std::string_view code);
std::vector<std::string_view> UsRegions();

// FutureRegionSupport's SupportedRegions values.
inline constexpr std::string_view kFutureAll = "All";
inline constexpr std::string_view kFutureUs = "US";
inline constexpr std::string_view kFutureNone = "None";
bool IsFutureRegionGroup(std::string_view group);
// Whether a region AWS launches later (a code not in the table) joins a product whose
// FutureRegionSupport is `group`.
bool GroupIncludes(std::string_view group, std::string_view code);

}  // namespace amiplace::regions
