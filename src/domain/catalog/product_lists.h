// Helpers over the AmiProduct document's lists, shared by the change types that edit them
// (regions, instance types, dimensions): string-list membership, the versions' AMI sources and
// the instance types their delivery options recommend. The versions are written by other change
// types, so readers here tolerate missing or mistyped members. Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace amiplace::product {

// o[key] as an array, replacing anything else (null, missing) with []. The reference is valid
// until `o` gains a member; to hold several, EnsureArrays them first.
boost::json::array& ArrayIn(boost::json::object& o, std::string_view key);
void EnsureArrays(boost::json::object& o, std::initializer_list<std::string_view> keys);
// o[key] if it is an object, else an empty object.
const boost::json::object& ObjectOf(const boost::json::object& o, std::string_view key);
// o[key] if it is an array, else an empty array.
const boost::json::array& ArrayOf(const boost::json::object& o, std::string_view key);

bool Contains(const boost::json::array& list, std::string_view s);
// Appends `s` unless it is there already.
void AddUnique(boost::json::array& list, std::string_view s);
// Removes every occurrence of `s`.
void Remove(boost::json::array& list, std::string_view s);

// The string items of a validated list (non-strings skipped), in order.
std::vector<std::string> Strings(const boost::json::array& list);
// "Add regions: us-east-1, eu-west-1": a change's one-line description from the string list
// `member` of its details (whatever shape the details have).
std::string DescribeList(std::string_view action, const boost::json::value& details,
                         std::string_view member);

// Every Versions[].Sources[] of Type "AmazonMachineImage" (or with no Type), for editing.
std::vector<boost::json::object*> AmiSources(boost::json::object& doc);
std::vector<const boost::json::object*> AmiSources(const boost::json::object& doc);

// The instance types that the delivery options still offered to buyers recommend
// (Versions[].DeliveryOptions[].Recommendations.InstanceType of options whose Visibility is not
// "Restricted").
std::set<std::string, std::less<>> RecommendedInstanceTypes(const boost::json::object& doc);

}  // namespace amiplace::product
