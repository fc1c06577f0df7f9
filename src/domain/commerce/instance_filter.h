// DescribeInstances' filters, with the wildcard rules of DescribeImages' (image_filter.h): each
// filter's values are ORed, filters are ANDed, `*` and `?` are wildcards. Tag filters match the
// instance's tags: "tag:<key>" its values for that key, "tag-key" its keys, "tag-value" its
// values. Instances are filtered as settled at the time of the call. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/commerce/image_filter.h"
#include "domain/commerce/instance.h"

namespace amiplace {

bool IsKnownInstanceFilter(std::string_view name);

// The instance's values for a known filter (several for product codes and tags).
std::vector<std::string> InstanceFilterValues(const Instance& instance, std::string_view name);

bool MatchesInstanceFilters(const Instance& instance, const std::vector<ImageFilter>& filters);

}  // namespace amiplace
