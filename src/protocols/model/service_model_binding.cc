// ServiceModel::BindRestInput: builds an operation's input object from a rest-json request
// (query string, headers and JSON body), converting text to each member's type.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "protocols/model/service_model.h"
#include "protocols/model/service_model_internal.h"
#include "protocols/model/utf8.h"

namespace amiplace::model {

namespace bj = boost::json;

using internal::Kind;
using internal::Location;
using internal::MemberDef;
using internal::ShapeDef;
using internal::TsFormat;

namespace {

std::string_view LocationText(const MemberDef& m) {
  return m.location == Location::kHeader ? "header" : "query parameter";
}

Status BindError(const MemberDef& m, std::string_view text, std::string_view constraint) {
  std::string msg = "1 validation error detected: Value ";
  if (IsValidUtf8(text)) {
    msg += '\'';
    internal::AppendTruncated(msg, text);
    msg += "' ";
  }
  fmt::format_to(std::back_inserter(msg), "at '{}' ({} {}) failed to satisfy constraint: {}",
                 m.aws_name, LocationText(m), m.location_name, constraint);
  return ValidationError(std::move(msg));
}

// Converts query or header text to the JSON value of its shape.
Result<bj::value> ConvertText(const ServiceModel::Data& d, const MemberDef& m, int shape,
                              std::string_view text) {
  if (!IsValidUtf8(text)) return BindError(m, text, "Member must be valid UTF-8");
  const ShapeDef& s = d.shapes[shape];
  switch (s.kind) {
    case Kind::kInteger: {
      int64_t x = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return BindError(m, text, "Member must be an integer");
      }
      return bj::value(x);
    }
    case Kind::kFloat: {
      double x = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return BindError(m, text, "Member must be a number");
      }
      return bj::value(x);
    }
    case Kind::kBoolean:
      if (text == "true") return bj::value(true);
      if (text == "false") return bj::value(false);
      return BindError(m, text, "Member must be a boolean (true or false)");
    case Kind::kTimestamp:
      if (m.ts == TsFormat::kUnix) {
        double x = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
          return BindError(m, text, "Member must be a timestamp in epoch seconds");
        }
        return bj::value(x);
      }
      return bj::value(bj::string_view(text.data(), text.size()));
    default:
      return bj::value(bj::string_view(text.data(), text.size()));
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<bj::object> ServiceModel::BindRestInput(
    const Operation& op, const std::multimap<std::string, std::string>& query,
    const std::function<std::optional<std::string>(std::string_view)>& header,
    const bj::value* body) const {
  bj::object out;
  if (body != nullptr) {
    if (!body->is_object()) {
      return ValidationError(fmt::format("The {} request body must be a JSON object", op.name));
    }
    out = body->get_object();
  }
  if (op.input < 0) return out;
  const ShapeDef& s = d_->shapes[op.input];
  for (const auto& kv : out) {
    const MemberDef* m = s.FindMember(kv.key());
    if (m == nullptr || kv.value().is_null()) continue;  // unknown members: ValidateInput's job
    if (m->location != Location::kBody) {
      return ValidationError(fmt::format(
          "1 validation error detected: Unknown field '{}' in the {} request body: it is sent as "
          "{} '{}'",
          m->name, op.name, LocationText(*m), m->location_name));
    }
    const ShapeDef& ms = d_->shapes[m->shape];
    if (const std::string_view problem = internal::TypeProblem(ms, kv.value(), m->ts);
        !problem.empty()) {
      return internal::MemberViolation(*d_, op, *m, kv.value(), ms.sensitive, problem);
    }
  }
  const MemberDef* query_map = nullptr;
  for (const MemberDef& m : s.members) {
    if (m.location != Location::kQuery && m.location != Location::kHeader) continue;
    const ShapeDef& ms = d_->shapes[m.shape];
    if (m.location == Location::kQuery) {
      if (ms.kind == Kind::kMap) {
        query_map = &m;
        continue;
      }
      const auto [begin, end] = query.equal_range(m.location_name);
      if (begin == end) continue;
      if (ms.kind == Kind::kList) {
        bj::array a;
        for (auto it = begin; it != end; ++it) {
          AMIPLACE_ASSIGN_OR_RETURN(bj::value v, ConvertText(*d_, m, ms.member, it->second));
          a.push_back(std::move(v));
        }
        out[m.name] = std::move(a);
      } else {
        AMIPLACE_ASSIGN_OR_RETURN(out[m.name], ConvertText(*d_, m, m.shape, begin->second));
      }
    } else {
      const std::optional<std::string> h = header ? header(m.location_name) : std::nullopt;
      if (!h) continue;
      if (ms.kind == Kind::kList) {
        bj::array a;
        std::string_view rest = *h;
        while (!rest.empty()) {
          const size_t comma = rest.find(',');
          AMIPLACE_ASSIGN_OR_RETURN(bj::value v,
                                    ConvertText(*d_, m, ms.member, Trim(rest.substr(0, comma))));
          a.push_back(std::move(v));
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        out[m.name] = std::move(a);
      } else {
        AMIPLACE_ASSIGN_OR_RETURN(out[m.name], ConvertText(*d_, m, m.shape, *h));
      }
    }
  }
  if (query_map != nullptr) {  // every query key that no other member binds
    const ShapeDef& ms = d_->shapes[query_map->shape];
    const ShapeDef& vs = d_->shapes[ms.value];
    bj::object map;
    for (const auto& kv : query) {
      const std::string& key = kv.first;
      const std::string& value = kv.second;
      const bool bound = std::any_of(s.members.begin(), s.members.end(), [&](const MemberDef& m) {
        return m.location == Location::kQuery && &m != query_map && m.location_name == key;
      });
      if (bound) continue;
      if (!IsValidUtf8(key)) return BindError(*query_map, key, "Map keys must be valid UTF-8");
      if (vs.kind == Kind::kList) {
        AMIPLACE_ASSIGN_OR_RETURN(bj::value v, ConvertText(*d_, *query_map, vs.member, value));
        bj::value& slot = map[key];
        if (!slot.is_array()) slot = bj::array();
        slot.get_array().push_back(std::move(v));
      } else if (!map.contains(key)) {
        AMIPLACE_ASSIGN_OR_RETURN(map[key], ConvertText(*d_, *query_map, ms.value, value));
      }
    }
    out[query_map->name] = std::move(map);
  }
  return out;
}

}  // namespace amiplace::model
