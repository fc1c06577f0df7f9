#include "core/money.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace amiplace {
namespace {

Money M(std::string_view text) {
  auto m = Money::Parse(text, "X", {.allow_negative = true});
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : Money();
}

TEST(MoneyTest, ParsesPlainDecimals) {
  EXPECT_EQ(M("0.12345678").scaled(), 12345678);
  EXPECT_EQ(M("150").scaled(), __int128(150) * 100000000);
  EXPECT_EQ(M("15.0"), M("15"));
  EXPECT_EQ(M("220.00"), M("220"));
  EXPECT_EQ(M("007.5"), M("7.5"));
  EXPECT_EQ(M("0"), Money::Zero());
  EXPECT_EQ(M("-0"), Money::Zero());
  EXPECT_EQ(M("-1.25").scaled(), -125000000);
  EXPECT_EQ(M("999999999999999999.99999999").ToString(), "999999999999999999.99999999");
}

TEST(MoneyTest, RejectsWhatIsNotAPlainDecimal) {
  for (std::string_view bad : {"", "abc", "1e3", "1E3", "1.2.3", ".5", "5.", "+1", " 1", "1 ",
                               "0x10", "1,5", "-", "--1", "1.-5", "NaN", "inf", "0.123456789"}) {
    auto m = Money::Parse(bad, "Terms[0].Price", {.noun = "a price"});
    ASSERT_FALSE(m.ok()) << "accepted '" << bad << "'";
    EXPECT_EQ(m.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(m.status().message().rfind("Terms[0].Price: ", 0), 0u) << m.status().message();
  }
  auto m = Money::Parse("abc", "F", {.noun = "a price"});
  EXPECT_EQ(m.status().message(), "F: 'abc' is not a price with at most 8 decimal places");
}

TEST(MoneyTest, EnforcesPlacesSignAndSize) {
  EXPECT_TRUE(Money::Parse("1.123", "F", {.max_places = 3}).ok());
  auto places = Money::Parse("1.1234", "F", {.max_places = 3, .noun = "a price"});
  ASSERT_FALSE(places.ok());
  EXPECT_EQ(places.status().message(), "F: '1.1234' is not a price with at most 3 decimal places");
  auto whole = Money::Parse("1.5", "F", {.max_places = 0, .noun = "a quantity"});
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().message(), "F: '1.5' is not a quantity without decimal places");
  auto neg = Money::Parse("-1", "F");
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.status().message(), "F: '-1' must not be negative");
  EXPECT_TRUE(Money::Parse("000000000000000000001", "F").ok());  // leading zeros do not count
  auto big = Money::Parse("1000000000000000000", "F");           // 19 digits
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("at most 18 digits"), std::string::npos);
  auto longtext = Money::Parse(std::string(100, 'x'), "F");
  ASSERT_FALSE(longtext.ok());
  EXPECT_NE(longtext.status().message().find("xxx...'"), std::string::npos);
}

TEST(MoneyTest, FormatsCanonically) {
  EXPECT_EQ(M("0.12").ToString(), "0.12");
  EXPECT_EQ(M("0.120").ToString(), "0.12");
  EXPECT_EQ(M("220.00").ToString(), "220");
  EXPECT_EQ(M("0.00000001").ToString(), "0.00000001");
  EXPECT_EQ(M("-3.50").ToString(), "-3.5");
  EXPECT_EQ(Money().ToString(), "0");
  EXPECT_EQ(M("15").ToFixed(2), "15.00");
  EXPECT_EQ(M("0.125").ToFixed(2), "0.13");
  EXPECT_EQ(M("0.1").ToFixed(0), "0");
  EXPECT_EQ(M("-0.125").ToFixed(2), "-0.13");
  EXPECT_EQ(M("0.12").DecimalPlaces(), 2);
  EXPECT_EQ(M("7").DecimalPlaces(), 0);
  EXPECT_EQ(M("0.12345678").DecimalPlaces(), 8);
}

TEST(MoneyTest, ComparesAndAdds) {
  EXPECT_LT(M("0.1"), M("0.10000001"));
  EXPECT_GT(M("2"), M("1.99999999"));
  EXPECT_EQ(M("0.1") + M("0.2"), M("0.3"));  // exact, unlike binary floating point
  EXPECT_EQ(M("1") - M("1.5"), M("-0.5"));
  Money sum;
  for (int i = 0; i < 10; ++i) sum += M("0.1");
  EXPECT_EQ(sum, Money::FromUnits(1));
  EXPECT_EQ(-M("2.5"), M("-2.5"));
  EXPECT_TRUE(Money().is_zero());
  EXPECT_TRUE(M("-1").is_negative());
}

TEST(MoneyTest, MultipliesExactlyOrRoundsHalfUp) {
  EXPECT_EQ(M("0.15") * int64_t{720}, M("108"));
  EXPECT_EQ(M("0.12345678") * int64_t{3}, M("0.37037034"));
  EXPECT_EQ(M("0.15") * M("1.5"), M("0.225"));
  // 0.00000001 × 0.5 = 0.000000005 → half rounds up to 0.00000001.
  EXPECT_EQ(M("0.00000001") * M("0.5"), M("0.00000001"));
  EXPECT_EQ(M("0.00000001") * M("0.4"), Money());
  EXPECT_EQ(M("-0.00000001") * M("0.5"), M("-0.00000001"));  // away from zero
  EXPECT_EQ(M("123456789.12345678") * M("1000"), M("123456789123.45678"));
  EXPECT_EQ(M("2.5") * M("-2"), M("-5"));
}

TEST(MoneyTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(M("0.125").RoundHalfUp(2), M("0.13"));
  EXPECT_EQ(M("0.124999").RoundHalfUp(2), M("0.12"));
  EXPECT_EQ(M("-0.125").RoundHalfUp(2), M("-0.13"));
  EXPECT_EQ(M("2.5").RoundHalfUp(0), M("3"));
  EXPECT_EQ(M("1.23456789").RoundHalfUp(8), M("1.23456789"));
  EXPECT_EQ(M("9.995").RoundHalfUp(2), M("10"));
}

TEST(MoneyTest, OverflowIsABug) {
  Money huge = Money::FromScaled(static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 2));
  EXPECT_THROW((void)(huge * int64_t{4}), std::overflow_error);
  EXPECT_THROW((void)(huge + huge + huge), std::overflow_error);
}

}  // namespace
}  // namespace amiplace
