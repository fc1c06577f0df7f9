// Generators for the identifiers amiplace hands out, in the shapes AWS uses: 12-digit account
// IDs, AKIA-style access keys, 25-character change-set IDs and product codes, `prod-`/`offer-`
// entity IDs, UUIDs. All draw from the OpenSSL CSPRNG; thread-safe.
#pragma once

#include <string>

namespace amiplace::ids {

std::string RandomLowerAlnum(size_t n);   // [a-z0-9]
std::string RandomUpperAlnum(size_t n);   // [A-Z0-9]
std::string RandomDigits(size_t n);

std::string NewAccountId();        // 12 digits, not starting with 0
std::string NewAccessKeyId();      // "AKIA" + 16 upper alnum
std::string NewSecretAccessKey();  // 40 base64-ish characters
std::string NewChangeSetId();      // 25 lowercase alnum
std::string NewProductId();        // "prod-" + 13 lowercase alnum
std::string NewProductCode();      // 25 lowercase alnum
std::string NewOfferId();          // "offer-" + 13 lowercase alnum
std::string NewUuid();             // RFC 4122 v4, lowercase
std::string NewRequestId();        // UUID

}  // namespace amiplace::ids
