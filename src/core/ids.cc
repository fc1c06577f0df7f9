#include "core/ids.h"

#include "core/crypto.h"

namespace amiplace::ids {
namespace {
std::string FromAlphabet(std::string_view alphabet, size_t n) {
  // Rejection sampling keeps the distribution uniform.
  std::string out;
  out.reserve(n);
  const unsigned limit = 256 - (256 % alphabet.size());
  while (out.size() < n) {
    std::string bytes = crypto::RandomBytes(n * 2);
    for (unsigned char b : bytes) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}
}  // namespace

std::string RandomLowerAlnum(size_t n) {
  return FromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", n);
}
std::string RandomUpperAlnum(size_t n) {
  return FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n);
}
std::string RandomDigits(size_t n) { return FromAlphabet("0123456789", n); }

std::string NewAccountId() { return FromAlphabet("123456789", 1) + RandomDigits(11); }
std::string NewAccessKeyId() { return "AKIA" + RandomUpperAlnum(16); }
std::string NewSecretAccessKey() {
  return FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
}
std::string NewChangeSetId() { return RandomLowerAlnum(25); }
std::string NewProductId() { return "prod-" + RandomLowerAlnum(13); }
std::string NewProductCode() { return RandomLowerAlnum(25); }
std::string NewOfferId() { return "offer-" + RandomLowerAlnum(13); }

std::string NewUuid() {
  std::string b = crypto::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = crypto::Hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}
std::string NewRequestId() { return NewUuid(); }

}  // namespace amiplace::ids
