#include "core/money.h"

#include <fmt/format.h>

#include <array>
#include <stdexcept>

namespace amiplace {
namespace {

using Int = __int128;
using UInt = unsigned __int128;

constexpr std::array<Int, Money::kScale + 1> kPow10 = [] {
  std::array<Int, Money::kScale + 1> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();
constexpr Int kOne = kPow10[Money::kScale];

[[noreturn]] void Overflow(const char* what) {
  throw std::overflow_error(fmt::format("Money: {} overflows 128 bits", what));
}

UInt Abs(Int v) { return v < 0 ? UInt(0) - UInt(v) : UInt(v); }

std::string Digits(UInt v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return {s.rbegin(), s.rend()};
}

// The input as echoed in messages: at most 40 bytes, cut on a UTF-8 boundary.
std::string Echo(std::string_view text) {
  constexpr size_t kMax = 40;
  if (text.size() <= kMax) return std::string(text);
  size_t n = kMax;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n)) + "...";
}

// `v` divided by 10^places, rounded half away from zero.
Int DivRound(Int v, int places) {
  const Int d = kPow10[places];
  Int q = v / d;
  const Int r = v % d;
  if (Abs(r) * 2 >= UInt(d)) q += v < 0 ? -1 : 1;
  return q;
}

}  // namespace

Result<Money> Money::Parse(std::string_view text, std::string_view field,
                           const ParseOptions& options) {
  const int max_places = std::clamp(options.max_places, 0, kScale);
  auto malformed = [&] {
    if (max_places == 0) {
      return ValidationError(fmt::format("{}: '{}' is not {} without decimal places", field,
                                         Echo(text), options.noun));
    }
    return ValidationError(fmt::format("{}: '{}' is not {} with at most {} decimal places", field,
                                       Echo(text), options.noun, max_places));
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    if (!options.allow_negative) {
      return ValidationError(fmt::format("{}: '{}' must not be negative", field, Echo(text)));
    }
    negative = true;
    ++i;
  }
  Int units = 0;
  int int_digits = 0, significant = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    if (significant > 0 || text[i] != '0') ++significant;
    if (significant > kMaxIntegerDigits) {
      return ValidationError(
          fmt::format("{}: '{}' is too large; at most {} digits may precede the "
                      "decimal point",
                      field, Echo(text), kMaxIntegerDigits));
    }
    units = units * 10 + (text[i] - '0');
  }
  if (int_digits == 0) return malformed();
  Int fraction = 0;
  int places = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++places) {
      if (places >= max_places) return malformed();
      fraction = fraction * 10 + (text[i] - '0');
    }
    if (places == 0) return malformed();
  }
  if (i != text.size()) return malformed();
  Int scaled = units * kOne + fraction * kPow10[kScale - places];
  return Money(negative ? -scaled : scaled);
}

Money Money::FromUnits(int64_t units) { return Money(Int(units) * kOne); }

int Money::DecimalPlaces() const {
  Int frac = scaled_ % kOne;
  if (frac == 0) return 0;
  int places = kScale;
  while (frac % 10 == 0) {
    frac /= 10;
    --places;
  }
  return places;
}

Money Money::operator-() const {
  Int r;
  if (__builtin_sub_overflow(Int(0), scaled_, &r)) Overflow("negation");
  return Money(r);
}

Money Money::operator+(const Money& other) const {
  Int r;
  if (__builtin_add_overflow(scaled_, other.scaled_, &r)) Overflow("addition");
  return Money(r);
}

Money Money::operator-(const Money& other) const {
  Int r;
  if (__builtin_sub_overflow(scaled_, other.scaled_, &r)) Overflow("subtraction");
  return Money(r);
}

Money Money::operator*(int64_t quantity) const {
  Int r;
  if (__builtin_mul_overflow(scaled_, Int(quantity), &r)) Overflow("multiplication");
  return Money(r);
}

Money Money::operator*(const Money& quantity) const {
  // a × q / 10^8 = a × whole(q) + a × frac(q) / 10^8: only the second term needs rounding, and
  // splitting keeps the intermediate products within 128 bits for every realistic amount.
  const Int whole = quantity.scaled_ / kOne;
  const Int frac = quantity.scaled_ % kOne;
  Int a, b, r;
  if (__builtin_mul_overflow(scaled_, whole, &a) || __builtin_mul_overflow(scaled_, frac, &b) ||
      __builtin_add_overflow(a, DivRound(b, kScale), &r)) {
    Overflow("multiplication");
  }
  return Money(r);
}

Money Money::RoundHalfUp(int places) const {
  places = std::clamp(places, 0, kScale);
  const int drop = kScale - places;
  if (drop == 0) return *this;
  Int r;
  if (__builtin_mul_overflow(DivRound(scaled_, drop), kPow10[drop], &r)) Overflow("rounding");
  return Money(r);
}

std::string Money::ToString() const {
  const UInt u = Abs(scaled_);
  std::string out = scaled_ < 0 ? "-" : "";
  out += Digits(u / UInt(kOne));
  const auto frac = static_cast<uint64_t>(u % UInt(kOne));
  if (frac != 0) {
    std::string f = fmt::format("{:08d}", frac);
    f.erase(f.find_last_not_of('0') + 1);
    out += "." + f;
  }
  return out;
}

std::string Money::ToFixed(int places) const {
  places = std::clamp(places, 0, kScale);
  const Money rounded = RoundHalfUp(places);
  const UInt u = Abs(rounded.scaled_);
  std::string out = rounded.scaled_ < 0 ? "-" : "";
  out += Digits(u / UInt(kOne));
  if (places > 0) {
    const auto frac = static_cast<uint64_t>(u % UInt(kOne));
    out += "." + fmt::format("{:08d}", frac).substr(0, static_cast<size_t>(places));
  }
  return out;
}

}  // namespace amiplace
