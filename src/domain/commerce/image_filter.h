// DescribeImages' filters: EC2 matches each filter's values against an image's values for the
// filter name, with `*` (any run of characters) and `?` (any one character) as wildcards and a
// backslash escaping either. An image passes a filter when any of its values matches any of the
// filter's values, and passes a request when it passes every filter. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commerce/image.h"

namespace amiplace {

struct ImageFilter {
  std::string name;  // "name", "owner-id", "product-code", ...
  std::vector<std::string> values;
};

// EC2's wildcard match of `text` against `pattern` (case-sensitive).
bool WildcardMatch(std::string_view pattern, std::string_view text);

// Whether amiplace knows the filter name (tag filters, "tag:Key" and "tag-key"/"tag-value", are
// known and match nothing: amiplace keeps no image tags).
bool IsKnownImageFilter(std::string_view name);

// The image's values for a known filter (several for block devices and product codes; booleans
// as "true"/"false"; creation-date in the millisecond ISO form).
std::vector<std::string> ImageFilterValues(const Image& image, std::string_view name);

bool MatchesFilters(const Image& image, const std::vector<ImageFilter>& filters);

}  // namespace amiplace
