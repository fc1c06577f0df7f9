// The rules AddDimensions, UpdateDimensions and RestrictDimensions share about an AmiProduct's
// pricing dimensions: the DetailsDocument array's shape, the dimension types and units, and how
// a dimension is identified (its Key together with its set of Types; a key may appear once per
// type). Hourly dimensions — Types ["Metered"], Unit "Hrs", Key an instance type — are the
// ones AWS meters from running instances. Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amiplace::dimensions {

inline constexpr std::string_view kEntitled = "Entitled";
inline constexpr std::string_view kMetered = "Metered";
inline constexpr std::string_view kExternallyMetered = "ExternallyMetered";
inline constexpr std::string_view kHourlyUnit = "Hrs";
// AWS's limit on a product's dimensions of one type.
inline constexpr size_t kMaxPerType = 200;

bool IsType(std::string_view type);
// Units of Entitled and ExternallyMetered dimensions (AWS's INVALID_UNIT list); hourly
// (Metered) dimensions use kHourlyUnit instead.
bool IsUnit(std::string_view unit);
std::span<const std::string_view> Units();
std::string UnitList();

// AWS's ^\S+[\S\s]* for Name, Description and Unit: not empty, not starting with white space.
bool StartsWithNonSpace(std::string_view s);

using TypeSet = std::set<std::string, std::less<>>;
TypeSet TypesOf(const boost::json::object& dimension);
std::string KeyOf(const boost::json::object& dimension);
std::string DescribeTypes(const TypeSet& types);  // "Entitled, Metered"

// Checks that `details` is a non-empty JSON array of objects with only `members`, each with a
// valid Key and Types, then runs `item` (may be null) on each with its field name
// ("ChangeSet[0].DetailsDocument[2]").
Status ValidateList(
    const boost::json::value& details, std::string_view field,
    const std::vector<std::string_view>& members,
    const std::function<Status(const boost::json::object&, std::string_view)>& item);

// The index in `dims` of the dimension with `key` and exactly `types`.
std::optional<size_t> Find(const boost::json::array& dims, std::string_view key,
                           const TypeSet& types);
// The index of a dimension with `key` sharing any of `types`.
std::optional<size_t> FindOverlapping(const boost::json::array& dims, std::string_view key,
                                      const TypeSet& types);

// Whether the product document has any Metered (hourly) dimension; for `key` only.
bool HasMetered(const boost::json::object& doc);
bool HasMeteredFor(const boost::json::object& doc, std::string_view key);

// "Add dimensions: t2.micro (Metered), users (Entitled)".
std::string Describe(const boost::json::value& details, std::string_view what);

}  // namespace amiplace::dimensions
