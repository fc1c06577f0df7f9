// Money: an exact decimal amount for prices, charges and bills. The value is a signed 128-bit
// integer count of 10^-8 units (eight decimal places, the finest precision AWS Marketplace
// prices take); floating point is never involved. Parse() is the one way in from text: plain
// decimals such as "0.12345678" or "150", no exponent, no leading '+', no blanks, a '-' only
// when the caller allows it, and at most as many decimal places as the caller allows (8 for
// hourly rates, 3 for upfront charges). Amounts parsed have at most 18 digits before the point,
// so sums and products met in billing stay far from the 128-bit limit; an arithmetic overflow is
// a bug and throws std::overflow_error.
//
// Formatting: ToString() is canonical and drops trailing zeros ("220.00" → "220", "0.120" →
// "0.12"); ToFixed(n) rounds half-up to n places and pads ("15" → "15.00"). Documents keep the
// string the seller sent, untouched; Money is for checks and for computing charges.
// Rounding is half away from zero ("half-up" as accountants and Java's ROUND_HALF_UP mean it).
// Value type; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace {

class Money {
 public:
  static constexpr int kScale = 8;  // decimal places held
  static constexpr int kMaxIntegerDigits = 18;

  struct ParseOptions {
    int max_places = kScale;  // 0..8
    bool allow_negative = false;
    // How the message names what was expected: "'abc' is not <noun> with at most 8 decimal places".
    std::string_view noun = "a decimal number";
  };

  // Parses `text`; on failure a kValidation Status whose message starts with `field`.
  static Result<Money> Parse(std::string_view text, std::string_view field,
                             const ParseOptions& options);
  static Result<Money> Parse(std::string_view text, std::string_view field) {
    return Parse(text, field, ParseOptions{});
  }

  static Money Zero() { return Money(); }
  static Money FromUnits(int64_t units);                              // 3 → 3.00000000
  static Money FromScaled(__int128 scaled) { return Money(scaled); }  // 10^-8 units

  Money() = default;

  __int128 scaled() const { return scaled_; }
  bool is_zero() const { return scaled_ == 0; }
  bool is_negative() const { return scaled_ < 0; }
  // Decimal places needed to write the value exactly (0 for whole amounts, at most 8).
  int DecimalPlaces() const;

  friend bool operator==(const Money&, const Money&) = default;
  friend std::strong_ordering operator<=>(const Money& a, const Money& b) {
    return a.scaled_ <=> b.scaled_;
  }

  Money operator-() const;
  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;
  Money& operator+=(const Money& other) { return *this = *this + other; }
  Money& operator-=(const Money& other) { return *this = *this - other; }
  // Exact: an integer quantity loses nothing.
  Money operator*(int64_t quantity) const;
  // A decimal quantity (e.g. 1.5 hours): the exact product rounded half-up to 8 places.
  Money operator*(const Money& quantity) const;

  // Rounded half away from zero to `places` (0..8) decimal places.
  Money RoundHalfUp(int places) const;

  std::string ToString() const;           // canonical: "0.12", "150", "-3.5", "0"
  std::string ToFixed(int places) const;  // rounded half-up, padded: ToFixed(2) of 15 → "15.00"

 private:
  explicit Money(__int128 scaled) : scaled_(scaled) {}
  __int128 scaled_ = 0;
};

}  // namespace amiplace
