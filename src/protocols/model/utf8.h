// UTF-8 decoding shared by the pattern engine (java_pattern.cc) and the service model's validator
// and binding. An invalid sequence decodes as U+FFFD and consumes one byte, so every caller sees
// the same code points for the same bytes. Inline because Pattern::Search decodes one code point
// per input character. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace amiplace::model {

// Decodes the code point at s[i] and advances i; an invalid sequence yields U+FFFD, one byte.
inline char32_t NextCodePoint(std::string_view s, size_t& i, bool* valid = nullptr) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t n = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 1, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, cp = c & 0x07, min = 0x10000;
  }
  bool ok = n != 0 && i + n < s.size();  // the n continuation bytes are there
  for (size_t k = 1; ok && k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) ok = false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
  if (valid != nullptr && !ok) *valid = false;
  if (!ok) {
    ++i;
    return 0xFFFD;
  }
  i += n + 1;
  return cp;
}

inline bool IsValidUtf8(std::string_view s) {
  bool valid = true;
  for (size_t i = 0; i < s.size() && valid;) NextCodePoint(s, i, &valid);
  return valid;
}

inline size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace amiplace::model
