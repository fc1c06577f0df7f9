// Who may see an entity. Owners see their own; operators see everything; buyers see products
// that are Public, Limited with them on the allowlist, and (later) Restricted ones they
// subscribed to; a resource policy may share an entity with named accounts. Pure functions.
#pragma once

#include <string_view>

#include "domain/account.h"
#include "domain/catalog/entity.h"

namespace amiplace {

// Whether `policy` (a resource policy document; may be empty) names `account_id` as a principal.
bool PolicyGrants(std::string_view policy, std::string_view account_id);

bool CanView(const Account& viewer, const Entity& entity, std::string_view resource_policy);

}  // namespace amiplace
