// The EC2 instance types an AmiProduct may offer (AddInstanceTypes, RestrictInstanceTypes,
// hourly dimension keys, recommended instance types) and the processor architecture of each,
// so that callers can check that an instance type can boot a version's AMI. A fixed table of
// common current-generation families; an instance type outside it is unknown to amiplace
// (INVALID_INSTANCE_TYPES). Pure functions over constant data; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace amiplace::instance_types {

enum class Architecture { kX86_64, kArm64 };

// As EC2 and the AmiProduct document spell it: "x86_64" or "arm64".
std::string_view ArchitectureName(Architecture a);
std::optional<Architecture> ParseArchitecture(std::string_view name);

// The architecture of a known instance type ("m7g.large" → arm64); nullopt if unknown.
std::optional<Architecture> ArchitectureOf(std::string_view instance_type);

bool IsKnown(std::string_view instance_type);

// Whether `name` has the shape the Catalog API accepts for an instance type:
// ^[A-Za-z0-9_.-]+$ (known or not).
bool IsWellFormed(std::string_view name);

// Every known instance type, family by family, sizes in increasing order.
std::vector<std::string_view> All();

}  // namespace amiplace::instance_types
