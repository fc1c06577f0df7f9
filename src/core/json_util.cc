#include "core/json_util.h"

#include <algorithm>
#include <vector>

namespace amiplace::json {

Result<bj::value> Parse(std::string_view text, std::string_view what) {
  bj::parse_options opts;
  opts.max_depth = 64;
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec, {}, opts);
  if (ec) {
    return Status(ErrorCode::kMalformedRequest,
                  fmt::format("The {} is not valid JSON: {}", what, ec.message()));
  }
  return v;
}

std::string Serialize(const bj::value& v) { return bj::serialize(v); }

const bj::value* Find(const bj::object& o, std::string_view key) { return o.if_contains(key); }

std::optional<std::string> GetString(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

namespace {
void WriteCanonical(const bj::value& v, std::string& out) {
  if (v.is_object()) {
    const auto& o = v.get_object();
    std::vector<const bj::key_value_pair*> items;
    for (const auto& kv : o) items.push_back(&kv);
    std::sort(items.begin(), items.end(),
              [](auto* a, auto* b) { return a->key() < b->key(); });
    out.push_back('{');
    bool first = true;
    for (auto* kv : items) {
      if (!first) out.push_back(',');
      first = false;
      out += bj::serialize(bj::value(kv->key()));
      out.push_back(':');
      WriteCanonical(kv->value(), out);
    }
    out.push_back('}');
  } else if (v.is_array()) {
    out.push_back('[');
    bool first = true;
    for (const auto& e : v.get_array()) {
      if (!first) out.push_back(',');
      first = false;
      WriteCanonical(e, out);
    }
    out.push_back(']');
  } else {
    out += bj::serialize(v);
  }
}
}  // namespace

std::string Canonical(const bj::value& v) {
  std::string out;
  WriteCanonical(v, out);
  return out;
}

}  // namespace amiplace::json
