// CBOR: RFC 8949 Appendix A examples, encoding, and malformed input (never a crash, always an
// offset in the message).
#include "protocols/awsjson/cbor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/crypto.h"

namespace amiplace::cbor {
namespace {

namespace bj = boost::json;

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

bj::value Ok(std::string_view hex) {
  auto r = Decode(Hex(hex));
  EXPECT_TRUE(r.ok()) << hex << ": " << r.status().ToString();
  return r.ok() ? *r : bj::value();
}

std::string Bad(std::string_view bytes) {
  auto r = Decode(bytes);
  EXPECT_FALSE(r.ok()) << crypto::Hex(bytes) << " decoded as " << (r.ok() ? bj::serialize(*r) : "");
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kMalformedRequest);
  EXPECT_NE(r.status().message().find("at offset"), std::string::npos) << r.status().message();
  return r.status().message();
}

TEST(CborTest, DecodesRfc8949Examples) {
  EXPECT_EQ(Ok("00"), bj::value(0u));
  EXPECT_EQ(Ok("17"), bj::value(23u));
  EXPECT_EQ(Ok("1818"), bj::value(24u));
  EXPECT_EQ(Ok("1903e8"), bj::value(1000u));
  EXPECT_EQ(Ok("1a000f4240"), bj::value(1000000u));
  EXPECT_EQ(Ok("1bffffffffffffffff"), bj::value(18446744073709551615ull));
  EXPECT_EQ(Ok("20"), bj::value(-1));
  EXPECT_EQ(Ok("3863"), bj::value(-100));
  EXPECT_EQ(Ok("3b7fffffffffffffff"), bj::value(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Ok("f90000").as_double(), 0.0);
  EXPECT_EQ(Ok("f93c00").as_double(), 1.0);
  EXPECT_EQ(Ok("f93e00").as_double(), 1.5);
  EXPECT_EQ(Ok("f97bff").as_double(), 65504.0);
  EXPECT_EQ(Ok("f90001").as_double(), 5.960464477539063e-8);
  EXPECT_EQ(Ok("f9c400").as_double(), -4.0);
  EXPECT_TRUE(std::isinf(Ok("f97c00").as_double()));
  EXPECT_TRUE(std::isnan(Ok("f97e00").as_double()));
  EXPECT_EQ(Ok("fa47c35000").as_double(), 100000.0);
  EXPECT_EQ(Ok("fb3ff199999999999a").as_double(), 1.1);
  EXPECT_EQ(Ok("fbc010666666666666").as_double(), -4.1);
  EXPECT_EQ(Ok("f4"), bj::value(false));
  EXPECT_EQ(Ok("f5"), bj::value(true));
  EXPECT_TRUE(Ok("f6").is_null());
  EXPECT_TRUE(Ok("f7").is_null());  // undefined
  EXPECT_EQ(Ok("c11a514b67b0"), bj::value(1363896240u));
  EXPECT_EQ(Ok("c1fb41d452d9ec200000").as_double(), 1363896240.5);
  EXPECT_EQ(Ok("4401020304"), bj::value("AQIDBA=="));
  EXPECT_EQ(Ok("40"), bj::value(""));
  EXPECT_EQ(Ok("60"), bj::value(""));
  EXPECT_EQ(Ok("6449455446"), bj::value("IETF"));
  EXPECT_EQ(Ok("62c3bc"), bj::value("\xc3\xbc"));
  EXPECT_EQ(Ok("80"), bj::value(bj::array()));
  EXPECT_EQ(Ok("83010203"), bj::parse("[1,2,3]"));
  EXPECT_EQ(Ok("8301820203820405"), bj::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(Ok("a0"), bj::value(bj::object()));
  EXPECT_EQ(Ok("a26161016162820203"), bj::parse(R"({"a":1,"b":[2,3]})"));
  EXPECT_EQ(Ok("5f42010243030405ff"), bj::value("AQIDBAU="));
  EXPECT_EQ(Ok("7f657374726561646d696e67ff"), bj::value("streaming"));
  EXPECT_EQ(Ok("9fff"), bj::value(bj::array()));
  EXPECT_EQ(Ok("9f018202039f0405ffff"), bj::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(Ok("bf61610161629f0203ffff"), bj::parse(R"({"a":1,"b":[2,3]})"));
  EXPECT_EQ(Ok("bf6346756ef563416d7421ff"), bj::parse(R"({"Fun":true,"Amt":-2})"));
  EXPECT_EQ(Ok("bf7f6141ff01ff"), bj::parse(R"({"A":1})"));  // indefinite-length key
}

TEST(CborTest, EncodesShortestHeadsAndRoundTrips) {
  EXPECT_EQ(crypto::Hex(Encode(bj::value(0))), "00");
  EXPECT_EQ(crypto::Hex(Encode(bj::value(24))), "1818");
  EXPECT_EQ(crypto::Hex(Encode(bj::value(1000))), "1903e8");
  EXPECT_EQ(crypto::Hex(Encode(bj::value(1000000))), "1a000f4240");
  EXPECT_EQ(crypto::Hex(Encode(bj::value(1000000000000ll))), "1b000000e8d4a51000");
  EXPECT_EQ(crypto::Hex(Encode(bj::value(-100))), "3863");
  EXPECT_EQ(crypto::Hex(Encode(bj::value(1.1))), "fb3ff199999999999a");
  EXPECT_EQ(crypto::Hex(Encode(bj::parse(R"({"a":1,"b":[2,3]})"))), "a26161016162820203");
  EXPECT_EQ(crypto::Hex(Encode(bj::parse("[true,false,null]"))), "83f5f4f6");

  bj::value v = bj::parse(R"({"Entitlements":[{"ProductCode":"abc","Value":{"BooleanValue":true},
    "ExpirationDate":1700000000}],"NextToken":"t","n":-9223372036854775808,"u":18446744073709551615,
    "text":"h\u00e9llo","d":0.5})");
  auto back = Decode(Encode(v));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, v);
}

TEST(CborTest, TimestampMembersAreTagOne) {
  bj::value v = bj::parse(R"({"ExpirationDate":1700000000,"Other":1700000000,"Late":1.5})");
  std::string out = Encode(v, {.timestamp_members = {"ExpirationDate", "Late"}});
  EXPECT_NE(crypto::Hex(out).find("6e45787069726174696f6e44617465c11a6553f100"), std::string::npos)
      << crypto::Hex(out);
  EXPECT_NE(crypto::Hex(out).find("644c617465c1fb3ff8000000000000"), std::string::npos);
  EXPECT_EQ(*Decode(out), v);  // tag 1 decodes to its number
}

TEST(CborTest, RefusesMalformedInput) {
  EXPECT_NE(Bad("").find("empty input"), std::string::npos);
  EXPECT_NE(Bad(Hex("19")).find("offset 0"), std::string::npos);  // truncated argument
  EXPECT_NE(Bad(Hex("826161")).find("end of input"), std::string::npos);
  EXPECT_NE(Bad(Hex("6449455446ff")).find("trailing"), std::string::npos);
  EXPECT_NE(Bad(Hex("1c")).find("reserved"), std::string::npos);
  Bad(Hex("1f"));  // indefinite uint
  Bad(Hex("3f"));
  Bad(Hex("df"));
  EXPECT_NE(Bad(Hex("ff")).find("break"), std::string::npos);
  EXPECT_NE(Bad(Hex("8201ff")).find("offset 2"), std::string::npos);  // break in definite
  EXPECT_NE(Bad(Hex("9f0102")).find("no break"), std::string::npos);
  EXPECT_NE(Bad(Hex("bf616101")).find("no break"), std::string::npos);
  Bad(Hex("7f6161"));
  EXPECT_NE(Bad(Hex("5f6161ff")).find("chunk"), std::string::npos);  // text chunk in bytes
  Bad(Hex("7f7f6161ffff"));                                          // nested indefinite
  EXPECT_NE(Bad(Hex("a1010203")).find("keys must be text"), std::string::npos);
  EXPECT_NE(Bad(Hex("a2616101616102")).find("duplicate"), std::string::npos);
  EXPECT_NE(Bad(Hex("62c328")).find("UTF-8"), std::string::npos);
  EXPECT_NE(Bad(Hex("c2420100")).find("tag 2"), std::string::npos);
  EXPECT_NE(Bad(Hex("c16161")).find("must enclose a number"), std::string::npos);
  EXPECT_NE(Bad(Hex("3bffffffffffffffff")).find("-2^63"), std::string::npos);
  EXPECT_NE(Bad(Hex("f0")).find("simple value 16"), std::string::npos);
  Bad(Hex("f820"));
  // Lengths far beyond the input are refused before anything is allocated.
  EXPECT_NE(Bad(Hex("5bffffffffffffffff")).find("exceeds"), std::string::npos);
  EXPECT_NE(Bad(Hex("9bffffffffffffffff")).find("exceeds"), std::string::npos);
  EXPECT_NE(Bad(Hex("bbffffffffffffffff")).find("exceeds"), std::string::npos);
  EXPECT_NE(Bad(Hex("9a0000000201")).find("exceeds"), std::string::npos);
}

TEST(CborTest, NestingIsBounded) {
  std::string ok(kMaxDepth, '\x81');
  ok += '\x00';
  EXPECT_TRUE(Decode(ok).ok());
  std::string deep(kMaxDepth + 1, '\x81');
  deep += '\x00';
  EXPECT_NE(Bad(deep).find("nesting"), std::string::npos);
  std::string very_deep(100000, '\x9f');  // indefinite arrays, no recursion past the limit
  EXPECT_NE(Bad(very_deep).find("nesting"), std::string::npos);
  std::string tags(1000, '\xc1');
  Bad(tags);
}

TEST(CborTest, RandomInputNeverCrashes) {
  std::mt19937 rng(20170111);
  const std::string seed = Encode(bj::parse(
      R"({"ProductCode":"p","Filter":{"DIMENSION":["a","b"]},"MaxResults":5,"x":[1.5,-2,null]})"));
  for (int i = 0; i < 20000; ++i) {
    std::string s = seed;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      s[rng() % s.size()] = static_cast<char>(rng() & 0xff);
    }
    if (rng() % 3 == 0) s.resize(rng() % s.size());
    auto r = Decode(s);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kMalformedRequest);
    }
  }
  for (int i = 0; i < 20000; ++i) {
    std::string s(1 + rng() % 16, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    (void)Decode(s);
  }
}

}  // namespace
}  // namespace amiplace::cbor
