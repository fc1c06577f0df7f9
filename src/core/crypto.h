// Cryptographic primitives on OpenSSL 3: SHA-256, HMAC-SHA256, secure random bytes, hex and
// base64, and AES-256-GCM sealing for secrets kept at rest. Stateless functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace amiplace::crypto {

using Digest = std::array<unsigned char, 32>;

Digest Sha256(std::string_view data);
Digest HmacSha256(std::string_view key, std::string_view data);
std::string_view AsView(const Digest& d);

std::string Hex(std::string_view bytes);
inline std::string Hex(const Digest& d) { return Hex(AsView(d)); }
std::string Sha256Hex(std::string_view data);

std::string Base64(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64Url(std::string_view bytes);  // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Cryptographically secure random bytes (RAND_bytes). Aborts if the RNG fails.
std::string RandomBytes(size_t n);

// Constant-time comparison.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// AES-256-GCM with a random 12-byte nonce; output = nonce | ciphertext | tag.
// `key` must be 32 bytes. Open returns nullopt when the tag does not verify.
std::string Seal(std::string_view key, std::string_view plaintext);
std::optional<std::string> Open(std::string_view key, std::string_view sealed);

}  // namespace amiplace::crypto
