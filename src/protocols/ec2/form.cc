#include "protocols/ec2/form.h"

#include <set>

#include "app/ec2_error.h"
#include "protocols/model/utf8.h"

namespace amiplace::protocols::ec2 {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUtf8(std::string_view s) {
  bool valid = true;
  for (size_t i = 0; i < s.size() && valid;) model::NextCodePoint(s, i, &valid);
  return valid;
}

// Parses a list number: digits only, no leading zero, at most 6 digits.
std::optional<int> ListNumber(std::string_view s) {
  if (s.empty() || s.size() > 6 || s[0] == '0') return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

Status Unknown(std::string_view name) {
  return Ec2Error(ErrorCode::kValidation, "UnknownParameter",
                  fmt::format("The parameter {} is not recognized", name));
}

}  // namespace

std::optional<std::string> FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Params> Params::Parse(std::string_view encoded) {
  Params p;
  size_t pos = 0;
  while (pos <= encoded.size()) {
    size_t amp = encoded.find('&', pos);
    if (amp == std::string_view::npos) amp = encoded.size();
    std::string_view pair = encoded.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    auto value =
        FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) {
      return Status(ErrorCode::kMalformedRequest,
                    fmt::format("The query string has a broken percent-escape in '{}'",
                                pair.substr(0, std::min<size_t>(pair.size(), 64))));
    }
    if (name->empty()) continue;
    if (!IsUtf8(*name) || !IsUtf8(*value)) {
      return Status(ErrorCode::kMalformedRequest,
                    fmt::format("The parameter {} is not valid UTF-8",
                                IsUtf8(*name) ? *name : std::string("name")));
    }
    if (!p.values_.emplace(std::move(*name), std::move(*value)).second) {
      return Status(ErrorCode::kMalformedRequest,
                    fmt::format("The parameter {} is given more than once",
                                pair.substr(0, std::min<size_t>(eq, 64))));
    }
  }
  return p;
}

const std::string* Params::Find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Result<std::vector<int>> Params::Indices(std::string_view prefix) const {
  std::set<int> out;
  const std::string start = std::string(prefix) + ".";
  for (auto it = values_.lower_bound(start); it != values_.end() && it->first.starts_with(start);
       ++it) {
    std::string_view rest = std::string_view(it->first).substr(start.size());
    auto n = ListNumber(rest.substr(0, rest.find('.')));
    if (!n) return Unknown(it->first);
    out.insert(*n);
  }
  return std::vector<int>(out.begin(), out.end());
}

Result<std::vector<std::string>> Params::List(std::string_view prefix) const {
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<int> indices, Indices(prefix));
  std::vector<std::string> out;
  for (int n : indices) {
    const std::string name = fmt::format("{}.{}", prefix, n);
    const std::string* v = Find(name);
    if (v == nullptr) {
      // "ImageId.1.Foo": a list of strings has no members.
      for (auto it = values_.lower_bound(name + "."); it != values_.end(); ++it)
        return Unknown(it->first);
      return Unknown(name);
    }
    out.push_back(*v);
  }
  return out;
}

}  // namespace amiplace::protocols::ec2
