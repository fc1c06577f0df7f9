#include "protocols/sigv4/canonical.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace amiplace::sigv4 {
namespace internal {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void AppendEncodedByte(unsigned char c, std::string& out) {
  if (IsUnreserved(c)) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back('%');
    out.push_back(kHexUpper[c >> 4]);
    out.push_back(kHexUpper[c & 15]);
  }
}

// Calls `sink` with each byte of `in` percent-decoded. A '%' that does not start a valid escape
// is taken literally; '+' is a literal plus (botocore and the JS SDK send spaces as %20).
template <typename Sink>
void ForEachDecodedByte(std::string_view in, Sink&& sink) {
  for (size_t i = 0; i < in.size(); ++i) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<unsigned char>(hi * 16 + lo);
        i += 2;
      }
    }
    sink(c);
  }
}

// Appends `in` decoded, then strictly re-encoded: the canonical form of a query name or value.
void AppendDecodedReencoded(std::string_view in, std::string& out) {
  ForEachDecodedByte(in, [&out](unsigned char c) { AppendEncodedByte(c, out); });
}

}  // namespace

std::string PercentDecode(std::string_view in) {
  std::string out;
  ForEachDecodedByte(in, [&out](unsigned char c) { out.push_back(static_cast<char>(c)); });
  return out;
}

void AppendTrimmedCollapsed(std::string_view value, std::string& out) {
  value = Trim(value);
  bool in_blank = false;
  for (char c : value) {
    if (IsSpace(c) || c == '\r' || c == '\n') {
      in_blank = true;
      continue;
    }
    if (in_blank) out.push_back(' ');
    in_blank = false;
    out.push_back(c);
  }
}

void AppendCanonicalUri(std::string_view raw_path, std::string& out) {
  thread_local std::vector<std::string_view> segments;
  segments.clear();
  ForEachSplit(raw_path, '/', [](std::string_view seg) {
    if (seg.empty() || seg == ".") return;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      return;
    }
    segments.push_back(seg);
  });
  out.push_back('/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    for (char c : segments[i]) AppendEncodedByte(static_cast<unsigned char>(c), out);
  }
  if (!segments.empty() && raw_path.back() == '/') out.push_back('/');
}

void AppendCanonicalQuery(std::string_view raw_query, bool drop_signature, std::string& out) {
  struct Item {
    uint32_t name_pos, name_len, value_pos, value_len;
  };
  thread_local std::string buf;
  thread_local std::vector<Item> items;
  buf.clear();
  items.clear();
  ForEachSplit(raw_query, '&', [&](std::string_view item) {
    if (item.empty()) return;
    size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    Item it{};
    it.name_pos = static_cast<uint32_t>(buf.size());
    AppendDecodedReencoded(name, buf);
    it.name_len = static_cast<uint32_t>(buf.size() - it.name_pos);
    if (drop_signature &&
        std::string_view(buf).substr(it.name_pos, it.name_len) == "X-Amz-Signature") {
      buf.resize(it.name_pos);
      return;
    }
    it.value_pos = static_cast<uint32_t>(buf.size());
    AppendDecodedReencoded(value, buf);
    it.value_len = static_cast<uint32_t>(buf.size() - it.value_pos);
    items.push_back(it);
  });
  std::string_view b = buf;
  std::sort(items.begin(), items.end(), [b](const Item& x, const Item& y) {
    auto xn = b.substr(x.name_pos, x.name_len), yn = b.substr(y.name_pos, y.name_len);
    if (xn != yn) return xn < yn;
    return b.substr(x.value_pos, x.value_len) < b.substr(y.value_pos, y.value_len);
  });
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(b.substr(items[i].name_pos, items[i].name_len));
    out.push_back('=');
    out.append(b.substr(items[i].value_pos, items[i].value_len));
  }
}

Status AppendCanonicalHeaders(std::string_view signed_headers,
                              const std::vector<http::Header>& headers, std::string& out) {
  Status st;
  ForEachSplit(signed_headers, ';', [&](std::string_view name) {
    if (!st.ok()) return;
    size_t mark = out.size();
    out.append(name).push_back(':');
    bool found = false;
    for (const http::Header& h : headers) {
      if (!EqualsIgnoreCase(h.name, name)) continue;
      if (found) out.push_back(',');
      AppendTrimmedCollapsed(h.value, out);
      found = true;
    }
    if (!found) {
      out.resize(mark);
      st = Status(ErrorCode::kInvalidSignature,
                  "The header '" + std::string(name) +
                      "' is listed in SignedHeaders but is not present in the request.");
      return;
    }
    out.push_back('\n');
  });
  return st;
}

}  // namespace internal

// ---- public building blocks --------------------------------------------------------------------

std::string FormatAmzDate(TimePoint t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto days = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day ymd{days};
  std::chrono::hh_mm_ss hms{secs - days};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

void UriEncode(std::string_view in, bool keep_slash, std::string& out) {
  for (char c : in) {
    if (keep_slash && c == '/') {
      out.push_back('/');
    } else {
      internal::AppendEncodedByte(static_cast<unsigned char>(c), out);
    }
  }
}

std::string CanonicalUri(std::string_view raw_path) {
  std::string out;
  internal::AppendCanonicalUri(raw_path, out);
  return out;
}

std::string CanonicalQuery(std::string_view raw_query, bool drop_signature) {
  std::string out;
  internal::AppendCanonicalQuery(raw_query, drop_signature, out);
  return out;
}

}  // namespace amiplace::sigv4
