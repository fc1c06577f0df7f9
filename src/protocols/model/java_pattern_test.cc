// Tests for the Java-syntax pattern engine: its classes, escapes and anchors, what it refuses,
// its stack use on long values, and agreement with std::regex on every pattern of the three
// marketplace service models.
#include "protocols/model/java_pattern.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <boost/json.hpp>
#include <fstream>
#include <locale>
#include <random>
// libstdc++ 12's <regex> trips GCC's -Wmaybe-uninitialized under -fsanitize=address.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <sstream>
#include <string>
#include <vector>

namespace amiplace::model {
namespace {

namespace bj = boost::json;

#ifndef AMIPLACE_MODEL_DIR
std::string DirOfThisFile() {
  const std::string f = __FILE__;
  const size_t slash = f.rfind('/');
  return slash == std::string::npos ? "." : f.substr(0, slash);
}
#define AMIPLACE_MODEL_DIR DirOfThisFile()
#endif

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The service models whose patterns the oracle test compares: beside this file first, then in the
// shared reference folder of the workspace (as in service_model_test.cc).
std::string ReadModel(const std::string& file) {
  const std::string dir = AMIPLACE_MODEL_DIR;
  std::string text = ReadFile(dir + "/" + file);
  if (text.empty()) text = ReadFile(dir + "/../../../../shared/reference/api-models/" + file);
  return text;
}

bool Matches(std::string_view pattern, std::string_view value) {
  Result<Pattern> p = Pattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status().ToString();
  return p.ok() && p->Search(value);
}

TEST(PatternTest, JavaClassesAndEscapes) {
  EXPECT_TRUE(Matches(R"(^[\w\s+=.:@-]+$)", "Submitted by 1234 a.b:c@d=e+f-g"));
  EXPECT_FALSE(Matches(R"(^[\w\s+=.:@-]+$)", "a/b"));
  EXPECT_TRUE(Matches(R"(^[\w+=.:@\-\/]+$)", "a/b-c"));
  EXPECT_TRUE(Matches(R"(^\d{12}$)", "123456789012"));
  EXPECT_FALSE(Matches(R"(^\d{12}$)", "12345678901"));
  EXPECT_FALSE(Matches(R"(^\d{12}$)", "1234567890123"));
  EXPECT_TRUE(Matches(R"(^[!-~]+$)", "a-Z~!"));
  EXPECT_FALSE(Matches(R"(^[!-~]+$)", "a b"));
  EXPECT_FALSE(Matches(R"(^[!-~]+$)", "caf\xc3\xa9"));
  EXPECT_TRUE(Matches(R"(^[\u0009\u000A\u000D\u0020-\u00FF]+$)", "caf\xc3\xa9\n{}"));
  EXPECT_FALSE(Matches(R"(^[\u0009\u000A\u000D\u0020-\u00FF]+$)", "\xe4\xb8\xad"));  // U+4E2D
  EXPECT_TRUE(Matches(R"(^\S+$)", "\xe4\xb8\xad"));
  EXPECT_FALSE(Matches(R"(^\w+$)", "\xc3\xa9"));  // \w is ASCII-only in Java
  EXPECT_TRUE(Matches(R"(^(.)+$)", "\xe4\xb8\xad x"));
  EXPECT_FALSE(Matches(R"(^(.)+$)", "a\nb"));
  EXPECT_TRUE(Matches(R"(^[^a-c]$)", "\xe4\xb8\xad"));
  EXPECT_TRUE(Matches(R"(^\x41\t$)", "A\t"));
}

TEST(PatternTest, SearchSemanticsAndAnchors) {
  EXPECT_TRUE(Matches(R"(\S+)", "  x  "));
  EXPECT_FALSE(Matches(R"(\S+)", "   "));
  EXPECT_TRUE(Matches(R"([\s\S]*)", ""));
  EXPECT_FALSE(Matches(R"([\s\S]+)", ""));
  EXPECT_TRUE(Matches(R"(b)", "abc"));
  EXPECT_FALSE(Matches(R"(^b)", "abc"));
  EXPECT_FALSE(Matches(R"(b$)", "abc"));
  EXPECT_TRUE(Matches(R"(c$)", "abc"));
  EXPECT_FALSE(Matches(R"(^abc$)", "abc\n"));
  EXPECT_TRUE(Matches(R"(^(a|bc)+(/[x-z]+)*$)", "abca/xy/z"));
  EXPECT_FALSE(Matches(R"(^(a|bc)+(/[x-z]+)*$)", "abca/xy/"));
  EXPECT_TRUE(Matches(R"(^a{2,3}?b{0,}c{1,}$)", "aac"));
  EXPECT_TRUE(Matches(R"(^(?:ab)?$)", ""));
  EXPECT_TRUE(Matches(R"(^x*y*$)", ""));
}

TEST(PatternTest, LargePatternsUseTheGeneralEngine) {
  // More than 63 character states: the Pike VM runs instead of the bit-parallel matcher.
  std::string ab;
  for (int i = 0; i < 40; ++i) ab += "ab";
  EXPECT_TRUE(Matches(R"(^(ab|cd){40}$)", ab));
  EXPECT_FALSE(Matches(R"(^(ab|cd){40}$)", ab.substr(2)));
  EXPECT_TRUE(Matches(R"((ab|cd){40})", "xx" + ab + "yy"));
  EXPECT_FALSE(Matches(R"((ab|cd){40}$)", ab + "y"));
  const char* license_arn =
      R"(^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:)"
      R"([A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$)";
  EXPECT_TRUE(Matches(license_arn, "arn:aws:license-manager::123456789012:license/l-abc"));
  EXPECT_FALSE(Matches(license_arn, "arn:aws:license-manager::123456789012:license l-abc"));
}

TEST(PatternTest, UnicodePropertiesAreApproximated) {
  const char* tag = R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$)";
  Result<Pattern> p = Pattern::Compile(tag);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->approximate());
  EXPECT_TRUE(p->Search("Team Name_1:2/3=4+5-6@7"));
  EXPECT_TRUE(p->Search("\xc3\xa9quipe"));
  EXPECT_FALSE(p->Search("a<b"));
  EXPECT_FALSE(p->Search("a#b"));
}

TEST(PatternTest, RefusesWhatItCannotDo) {
  for (const char* bad :
       {R"((a)\1)",  R"(a*+)",    R"((?=a))",  R"((?<n>a))",   R"((?i)a)", R"(\bword)",
        R"([a[b]])", R"([a&&b])", R"(\P{L})",  R"(\p{Greek})", R"(\Qa\E)", R"(a{)",
        R"(a**)",    R"([a)",     R"((a)",     R"(a))",        R"(\)",     R"([]a])",
        R"(^*)",     R"([z-a])",  R"(a{3,2})", R"(x{99999})"}) {
    EXPECT_FALSE(Pattern::Compile(bad).ok()) << bad;
  }
}

TEST(PatternTest, LongInputsUseLittleStack) {
  // std::regex would recurse per character here; run on a 64 KB stack to prove the engine does not.
  struct Job {
    std::string value;
    bool json = false, policy = false;
  } job;
  job.value = "{" + std::string(200000, ' ') + "}";
  auto run = [](void* arg) -> void* {
    auto* j = static_cast<Job*>(arg);
    j->json = Pattern::Compile(R"(^[\s]*\{[\s\S]*\}[\s]*$)")->Search(j->value);
    j->policy = Pattern::Compile(R"(^[\u0009\u000A\u000D\u0020-\u00FF]+$)")->Search(j->value);
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, run, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(job.json);
  EXPECT_TRUE(job.policy);
}

// Every enforced pattern of the three models agrees with std::regex (ECMAScript on code points,
// which shares Java's syntax and, under the classic locale, its ASCII \w \s \d) on random values.
TEST(PatternTest, AgreesWithStdRegexOnModelPatterns) {
  std::vector<std::string> patterns;
  for (const char* file :
       {"marketplace-catalog.service-2.json", "meteringmarketplace.service-2.json",
        "marketplace-entitlement.service-2.json"}) {
    const std::string text = ReadModel(file);
    if (text.empty()) continue;
    const bj::value model = bj::parse(text);
    for (const auto& kv : model.at("shapes").as_object()) {
      const bj::value* p = kv.value().as_object().if_contains("pattern");
      if (p != nullptr) patterns.emplace_back(p->as_string());
    }
  }
  ASSERT_GE(patterns.size(), 60u);
  const std::u32string alphabet =
      U"aZz09_-@.:/=+ \t\n{}[]!~<>\\$,*xyAF-\u00e9\u00ff\u4e2d\U0001F600";
  std::mt19937 rng(42);
  int compared = 0;
  for (const std::string& source : patterns) {
    Result<Pattern> mine = Pattern::Compile(source);
    if (!mine.ok() || mine->approximate() || source.find("\\\\") != std::string::npos) continue;
    std::wstring wide;
    for (const char c : source) wide += static_cast<wchar_t>(static_cast<unsigned char>(c));
    std::wregex oracle;
    oracle.imbue(std::locale::classic());
    oracle.assign(wide, std::regex::ECMAScript | std::regex::nosubs);
    // Samples: random strings, plus strings built from the pattern's own literal characters.
    std::vector<std::u32string> samples = {
        U"",          U"AWSMarketplace", U"prod-abc123", U"123456789012", U"2024-02-29T23:59:59Z",
        U"{\"a\":1}", U"ami-12345678"};
    std::u32string own;
    for (const char c : source) {
      if (c != '^' && c != '$' && c != '\\') own += static_cast<char32_t>(c);
    }
    for (int i = 0; i < 400; ++i) {
      std::u32string s;
      const int len = static_cast<int>(rng() % 24);
      const std::u32string& from = (i % 2) ? alphabet : own;
      for (int k = 0; k < len; ++k) s += from[rng() % from.size()];
      samples.push_back(s);
    }
    for (const std::u32string& s : samples) {
      std::string utf8;
      std::wstring w;
      for (const char32_t c : s) {
        w += static_cast<wchar_t>(c);
        if (c < 0x80) {
          utf8 += static_cast<char>(c);
        } else if (c < 0x800) {
          utf8 += static_cast<char>(0xC0 | (c >> 6));
          utf8 += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
          utf8 += static_cast<char>(0xE0 | (c >> 12));
          utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
          utf8 += static_cast<char>(0x80 | (c & 0x3F));
        } else {
          utf8 += static_cast<char>(0xF0 | (c >> 18));
          utf8 += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
          utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
          utf8 += static_cast<char>(0x80 | (c & 0x3F));
        }
      }
      ASSERT_EQ(mine->Search(utf8), std::regex_search(w, oracle))
          << "pattern " << source << " value '" << utf8 << "'";
      ++compared;
    }
  }
  EXPECT_GT(compared, 20000);
}

}  // namespace
}  // namespace amiplace::model
