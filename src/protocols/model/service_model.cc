#include "protocols/model/service_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>

#include "protocols/model/service_model_internal.h"
#include "protocols/model/utf8.h"

namespace amiplace::model {

namespace bj = boost::json;

using internal::AppendTruncated;
using internal::Kind;
using internal::Location;
using internal::MemberDef;
using internal::ShapeDef;
using internal::TsFormat;
using internal::TypeProblem;

// ---------------------------------------------------------------------------------------------
// Compiled shapes

namespace {

TsFormat ParseTsFormat(const bj::object& o) {
  const bj::value* f = o.if_contains("timestampFormat");
  if (f == nullptr || !f->is_string()) return TsFormat::kDefault;
  const std::string_view s = f->get_string();
  if (s == "iso8601") return TsFormat::kIso8601;
  if (s == "unixTimestamp") return TsFormat::kUnix;
  if (s == "rfc822") return TsFormat::kRfc822;
  return TsFormat::kDefault;
}

std::optional<int64_t> GetInt(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(std::min<uint64_t>(v->get_uint64(), INT64_MAX));
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

std::optional<double> GetDouble(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::string_view GetStr(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// A pattern written with doubled backslashes (`\\S`), a model bug: it means a literal backslash.
bool LooksDoubleEscaped(std::string_view p) {
  for (size_t i = 0; i + 2 < p.size(); ++i) {
    if (p[i] == '\\' && p[i + 1] == '\\' &&
        std::string_view("sSdDwWp").find(p[i + 2]) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// Catalog patterns that real clients break: every AWS sample sends Entity.Type "AmiProduct@1.0"
// and refers to an entity created earlier in the same change set as
// "$CreateProductChange.Entity.Identifier". Applied only while the model still has the pattern.
struct PatternFix {
  std::string_view service_id, shape, model_pattern, replacement, reason;
};
constexpr PatternFix kPatternFixes[] = {
    {"Marketplace Catalog", "EntityType", R"(^[a-zA-Z]+$)", R"(^[a-zA-Z]+(@\d+\.\d+)?$)",
     "Entity.Type carries a version (AmiProduct@1.0)"},
    {"Marketplace Catalog", "Identifier", R"(^[\w\-@]+$)",
     R"(^([\w\-@]+|\$\S+\.Entity\.Identifier)$)",
     "an Identifier may refer to an earlier change ($ChangeName.Entity.Identifier)"},
};

Status LoadShape(ServiceModel::Data& d, const std::unordered_map<std::string, int>& index,
                 const std::string& name, const bj::object& o, ShapeDef& s) {
  auto resolve = [&](const bj::value* ref, int& out) -> Status {
    const bj::object* r = ref != nullptr ? ref->if_object() : nullptr;
    const std::string_view target = r != nullptr ? GetStr(*r, "shape") : std::string_view();
    const auto it = index.find(std::string(target));
    if (it == index.end()) {
      return InternalError(
          fmt::format("service model: shape '{}' refers to an unknown shape '{}'", name, target));
    }
    out = it->second;
    return Status::Ok();
  };
  s.name = name;
  const std::string_view type = GetStr(o, "type");
  const bj::value* sens = o.if_contains("sensitive");
  s.sensitive = sens != nullptr && sens->is_bool() && sens->get_bool();
  s.ts = ParseTsFormat(o);
  s.min_len = GetInt(o, "min");
  s.max_len = GetInt(o, "max");
  if (type == "string") {
    s.kind = Kind::kString;
    if (const bj::value* e = o.if_contains("enum"); e != nullptr && e->is_array()) {
      for (const bj::value& v : e->get_array()) {
        if (v.is_string()) s.enums.emplace_back(v.get_string());
      }
      s.enum_text = "[";
      for (size_t i = 0; i < s.enums.size(); ++i) {
        s.enum_text += (i ? ", " : "") + s.enums[i];
      }
      s.enum_text += "]";
    }
    std::string_view pattern = GetStr(o, "pattern");
    if (!pattern.empty()) {
      ServiceModel::PatternIssue issue{name, std::string(pattern), "", false};
      for (const PatternFix& f : kPatternFixes) {
        if (f.service_id == d.service_id && f.shape == name && f.model_pattern == pattern) {
          pattern = f.replacement;
          issue.reason = fmt::format("replaced by {}: {}", f.replacement, f.reason);
          issue.enforced = true;
        }
      }
      if (LooksDoubleEscaped(pattern)) {
        issue.reason = "doubled backslashes (\\\\S means a literal backslash); not enforced";
      } else if (Result<Pattern> p = Pattern::Compile(pattern); !p.ok()) {
        issue.reason = "not supported: " + p.status().message() + "; not enforced";
      } else if (p->single_code_point() && (!s.max_len || *s.max_len > 1)) {
        issue.reason = "matches one character only, but max length allows more; not enforced";
      } else {
        if (p->approximate()) {
          issue.reason = "\\p{...} exact on ASCII, any non-ASCII character accepted";
          issue.enforced = true;
        }
        s.pattern = std::move(p).value();
      }
      if (!issue.reason.empty()) d.issues.push_back(std::move(issue));
    }
  } else if (type == "integer" || type == "long" || type == "short" || type == "byte") {
    s.kind = Kind::kInteger;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (type == "integer") lo = INT32_MIN, hi = INT32_MAX;
    if (type == "short") lo = INT16_MIN, hi = INT16_MAX;
    if (type == "byte") lo = INT8_MIN, hi = INT8_MAX;
    s.min_int = std::max(lo, s.min_len.value_or(lo));
    s.max_int = std::min(hi, s.max_len.value_or(hi));
  } else if (type == "float" || type == "double" || type == "bigInteger" || type == "bigDecimal") {
    s.kind = Kind::kFloat;
    s.min_num = GetDouble(o, "min");
    s.max_num = GetDouble(o, "max");
  } else if (type == "boolean") {
    s.kind = Kind::kBoolean;
  } else if (type == "timestamp") {
    s.kind = Kind::kTimestamp;
  } else if (type == "blob") {
    s.kind = Kind::kBlob;
  } else if (type == "list") {
    s.kind = Kind::kList;
    AMIPLACE_RETURN_IF_ERROR(resolve(o.if_contains("member"), s.member));
  } else if (type == "map") {
    s.kind = Kind::kMap;
    AMIPLACE_RETURN_IF_ERROR(resolve(o.if_contains("key"), s.key));
    AMIPLACE_RETURN_IF_ERROR(resolve(o.if_contains("value"), s.value));
  } else if (type == "structure" && o.if_contains("document") == nullptr) {
    s.kind = Kind::kStructure;
    const bj::value* u = o.if_contains("union");
    s.is_union = u != nullptr && u->is_bool() && u->get_bool();
    if (const bj::value* ms = o.if_contains("members"); ms != nullptr && ms->is_object()) {
      for (const auto& kv : ms->get_object()) {
        MemberDef m;
        m.name = std::string(kv.key());
        m.aws_name = m.name;
        if (!m.aws_name.empty() && m.aws_name[0] >= 'A' && m.aws_name[0] <= 'Z') {
          m.aws_name[0] = static_cast<char>(m.aws_name[0] - 'A' + 'a');
        }
        AMIPLACE_RETURN_IF_ERROR(resolve(&kv.value(), m.shape));
        const bj::object& mo = kv.value().get_object();
        const std::string_view loc = GetStr(mo, "location");
        m.location = loc.empty()            ? Location::kBody
                     : loc == "querystring" ? Location::kQuery
                     : loc == "header"      ? Location::kHeader
                                            : Location::kOther;
        m.location_name = GetStr(mo, "locationName");
        if (m.location_name.empty()) m.location_name = m.name;
        m.ts = ParseTsFormat(mo);
        s.members.push_back(std::move(m));
      }
    }
    if (const bj::value* req = o.if_contains("required"); req != nullptr && req->is_array()) {
      for (const bj::value& r : req->get_array()) {
        if (!r.is_string()) continue;
        const MemberDef* m = s.FindMember(r.get_string());
        if (m == nullptr) {
          return InternalError(
              fmt::format("service model: shape '{}' requires an unknown member '{}'", name,
                          std::string_view(r.get_string())));
        }
        s.required.push_back(static_cast<int>(m - s.members.data()));
      }
    }
  } else {
    s.kind = Kind::kDocument;  // "document", structures with "document": true, unknown types
  }
  return Status::Ok();
}

}  // namespace

Result<ServiceModel> ServiceModel::Load(std::string_view model_json) {
  boost::system::error_code ec;
  const bj::value root = bj::parse(model_json, ec);
  if (ec || !root.is_object()) {
    return InternalError("service model: not a JSON object" + (ec ? ": " + ec.message() : ""));
  }
  const bj::object& top = root.get_object();
  const bj::value* shapes = top.if_contains("shapes");
  const bj::value* ops = top.if_contains("operations");
  const bj::value* meta = top.if_contains("metadata");
  if (shapes == nullptr || !shapes->is_object() || ops == nullptr || !ops->is_object() ||
      meta == nullptr || !meta->is_object()) {
    return InternalError("service model: missing metadata, operations or shapes");
  }
  auto d = std::make_shared<Data>();
  d->service_id = GetStr(meta->get_object(), "serviceId");
  d->protocol = GetStr(meta->get_object(), "protocol");
  d->target_prefix = GetStr(meta->get_object(), "targetPrefix");
  const bool query_like =
      d->protocol == "query" || d->protocol == "ec2" || d->protocol == "rest-xml";
  d->body_ts = query_like ? TsFormat::kIso8601 : TsFormat::kUnix;

  std::unordered_map<std::string, int> index;
  for (const auto& kv : shapes->get_object()) {
    index.emplace(std::string(kv.key()), static_cast<int>(index.size()));
  }
  d->shapes.resize(index.size());
  for (const auto& kv : shapes->get_object()) {
    if (!kv.value().is_object()) return InternalError("service model: a shape is not an object");
    const int i = index.at(std::string(kv.key()));
    AMIPLACE_RETURN_IF_ERROR(
        LoadShape(*d, index, std::string(kv.key()), kv.value().get_object(), d->shapes[i]));
  }
  // Effective timestamp formats: member, then shape, then location, then protocol.
  for (ShapeDef& s : d->shapes) {
    for (MemberDef& m : s.members) {
      if (m.ts == TsFormat::kDefault) m.ts = d->shapes[m.shape].ts;
      if (m.ts == TsFormat::kDefault) {
        m.ts = m.location == Location::kHeader  ? TsFormat::kRfc822
               : m.location == Location::kQuery ? TsFormat::kIso8601
                                                : d->body_ts;
      }
    }
  }
  for (const auto& kv : ops->get_object()) {
    if (!kv.value().is_object())
      return InternalError("service model: an operation is not an object");
    const bj::object& o = kv.value().get_object();
    Operation op;
    op.name = std::string(kv.key());
    if (const bj::value* http = o.if_contains("http"); http != nullptr && http->is_object()) {
      op.http_method = GetStr(http->get_object(), "method");
      op.request_uri = GetStr(http->get_object(), "requestUri");
    }
    op.path = op.request_uri.substr(0, op.request_uri.find('?'));
    for (const auto& [key, target] :
         {std::pair{"input", &op.input_shape}, std::pair{"output", &op.output_shape}}) {
      if (const bj::value* ref = o.if_contains(key); ref != nullptr && ref->is_object()) {
        *target = GetStr(ref->get_object(), "shape");
      }
    }
    if (!op.input_shape.empty()) {
      const auto it = index.find(op.input_shape);
      if (it == index.end()) {
        return InternalError(fmt::format("service model: operation '{}' has an unknown input '{}'",
                                         op.name, op.input_shape));
      }
      op.input = it->second;
    }
    d->operations.push_back(std::move(op));
  }
  for (size_t i = 0; i < d->operations.size(); ++i) {
    const Operation& op = d->operations[i];
    d->ops_by_name.emplace(op.name, static_cast<int>(i));
    d->ops_by_path[op.path].push_back(static_cast<int>(i));
  }
  return ServiceModel(std::move(d));
}

const std::string& ServiceModel::protocol() const { return d_->protocol; }
const std::string& ServiceModel::target_prefix() const { return d_->target_prefix; }
const std::vector<ServiceModel::Operation>& ServiceModel::operations() const {
  return d_->operations;
}
const std::vector<ServiceModel::PatternIssue>& ServiceModel::pattern_issues() const {
  return d_->issues;
}

const ServiceModel::Operation* ServiceModel::FindOperation(std::string_view name) const {
  const auto it = d_->ops_by_name.find(name);
  return it == d_->ops_by_name.end() ? nullptr : &d_->operations[it->second];
}

const ServiceModel::Operation* ServiceModel::MatchRestOperation(std::string_view method,
                                                                std::string_view path) const {
  const auto it = d_->ops_by_path.find(path);
  if (it == d_->ops_by_path.end()) return nullptr;
  for (const int i : it->second) {
    if (d_->operations[i].http_method == method) return &d_->operations[i];
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Validation

namespace {

constexpr int kMaxListed = 10;
constexpr size_t kMaxEcho = 128;  // bytes of a value echoed in a message

// The path to the value being checked, as a chain of stack frames: nothing is built unless a
// message needs it.
struct PathStep {
  enum class Kind : uint8_t { kMember, kIndex, kKey };
  PathStep(const PathStep* p, Kind k, const MemberDef* m = nullptr)
      : parent(p), kind(k), member(m) {}
  const PathStep* parent;
  Kind kind;
  const MemberDef* member;
  size_t index = 0;
  std::string_view key;
};

// Appends "aws.path' (Spelled.Path" for a path; `extra` adds a member name under it.
void AppendPaths(std::string& out, const PathStep* path, std::string_view extra = {}) {
  std::vector<const PathStep*> steps;
  for (const PathStep* p = path; p != nullptr; p = p->parent) steps.push_back(p);
  std::reverse(steps.begin(), steps.end());
  std::string spelled;
  bool first = true;
  for (const PathStep* p : steps) {
    switch (p->kind) {
      case PathStep::Kind::kMember:
        out += first ? "" : ".";
        out += p->member->aws_name;
        spelled += first ? "" : ".";
        spelled += p->member->name;
        break;
      case PathStep::Kind::kIndex:
        fmt::format_to(std::back_inserter(out), ".{}.member", p->index + 1);
        fmt::format_to(std::back_inserter(spelled), "[{}]", p->index);
        break;
      case PathStep::Kind::kKey:
        out += '.';
        out += p->key;
        spelled += "[\"";
        spelled += p->key;
        spelled += "\"]";
        break;
    }
    first = false;
  }
  if (!extra.empty()) spelled += (first ? "" : ".") + std::string(extra);
  out += "' (";
  out += spelled;
  out += ')';
}

}  // namespace

void internal::AppendTruncated(std::string& out, std::string_view s) {
  if (s.size() <= kMaxEcho) {
    out += s;
    return;
  }
  size_t cut = kMaxEcho;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  out += s.substr(0, cut);
  out += "...";
}

namespace {

bool IsIso8601(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
  auto digits = [&](size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t k = at; k < at + n; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || s.size() < 20 || s[4] != '-' || !digits(5, 2) || s[7] != '-' ||
      !digits(8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2) || s[13] != ':' ||
      !digits(14, 2) || s[16] != ':' || !digits(17, 2)) {
    return false;
  }
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits(i, 1)) return false;
    while (digits(i, 1)) ++i;
  }
  if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z')) return true;
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && digits(i + 1, 2) && s[i + 3] == ':' &&
         digits(i + 4, 2);
}

}  // namespace

std::string_view internal::TypeProblem(const ShapeDef& s, const bj::value& v, TsFormat ts) {
  switch (s.kind) {
    case Kind::kString:
      return v.is_string() ? "" : "Member must be a string";
    case Kind::kInteger:
      return v.is_int64() || v.is_uint64() ? "" : "Member must be an integer";
    case Kind::kFloat:
      return v.is_number() ? "" : "Member must be a number";
    case Kind::kBoolean:
      return v.is_bool() ? "" : "Member must be a boolean";
    case Kind::kBlob:
      return v.is_string() ? "" : "Member must be a base64-encoded string";
    case Kind::kList:
      return v.is_array() ? "" : "Member must be a list (a JSON array)";
    case Kind::kMap:
      return v.is_object() ? "" : "Member must be a map (a JSON object)";
    case Kind::kStructure:
      return v.is_object() ? "" : "Member must be a structure (a JSON object)";
    case Kind::kDocument:
      return "";
    case Kind::kTimestamp:
      if (ts == TsFormat::kUnix) {
        return v.is_number() ? "" : "Member must be a timestamp in epoch seconds (a JSON number)";
      }
      if (ts == TsFormat::kIso8601) {
        return v.is_string() && IsIso8601(v.get_string())
                   ? ""
                   : "Member must be an ISO-8601 timestamp string (YYYY-MM-DDThh:mm:ssZ)";
      }
      return v.is_string() ? "" : "Member must be a timestamp string";
  }
  return "";
}

namespace {

class Validator {
 public:
  Validator(const ServiceModel::Data& d, const ServiceModel::Operation& op) : d_(d), op_(op) {}

  void Check(const bj::value& v, int shape, TsFormat ts, const PathStep* path) {
    const ShapeDef& s = d_.shapes[shape];
    if (s.ts != TsFormat::kDefault) ts = s.ts;
    if (const std::string_view problem = TypeProblem(s, v, ts); !problem.empty()) {
      Violation(path, &v, s.sensitive, problem);
      return;
    }
    switch (s.kind) {
      case Kind::kString:
        CheckString(v, s, path);
        break;
      case Kind::kInteger:
        CheckInteger(v, s, path);
        break;
      case Kind::kFloat: {
        const double x = v.to_number<double>();
        if (s.min_num && x < *s.min_num) {
          Violation(path, &v, s.sensitive,
                    fmt::format("Member must have value greater than or equal to {}", *s.min_num));
        }
        if (s.max_num && x > *s.max_num) {
          Violation(path, &v, s.sensitive,
                    fmt::format("Member must have value less than or equal to {}", *s.max_num));
        }
        break;
      }
      case Kind::kList: {
        const bj::array& a = v.get_array();
        CheckSize(v, a.size(), s, path);
        PathStep step{path, PathStep::Kind::kIndex};
        for (size_t i = 0; i < a.size(); ++i) {
          step.index = i;
          if (a[i].is_null()) {
            Violation(&step, nullptr, false, "Member must not be null");
          } else {
            Check(a[i], s.member, ts, &step);
          }
        }
        break;
      }
      case Kind::kMap: {
        const bj::object& o = v.get_object();
        CheckSize(v, o.size(), s, path);
        PathStep step{path, PathStep::Kind::kKey};
        for (const auto& kv : o) {
          CheckMapKey(kv.key(), d_.shapes[s.key], path);
          step.key = kv.key();
          if (kv.value().is_null()) {
            Violation(&step, nullptr, false, "Member must not be null");
          } else {
            Check(kv.value(), s.value, ts, &step);
          }
        }
        break;
      }
      case Kind::kStructure:
        CheckStructure(v, s, path);
        break;
      default:
        break;
    }
  }

  void CheckStructure(const bj::value& v, const ShapeDef& s, const PathStep* path) {
    const bj::object& o = v.get_object();
    int set = 0;
    for (const auto& kv : o) {
      const MemberDef* m = s.FindMember(kv.key());
      if (m == nullptr) {
        Unknown(path, kv.key());
        continue;
      }
      if (kv.value().is_null()) continue;
      ++set;
      const PathStep step{path, PathStep::Kind::kMember, m};
      Check(kv.value(), m->shape, m->ts, &step);
    }
    for (const int r : s.required) {
      const MemberDef& m = s.members[r];
      const bj::value* mv = o.if_contains(m.name);
      if (mv == nullptr || mv->is_null()) {
        const PathStep step{path, PathStep::Kind::kMember, &m};
        Violation(&step, nullptr, false, "Member must not be null");
      }
    }
    if (s.is_union && set != 1) {
      std::string names;
      for (const auto& kv : o) {
        if (!kv.value().is_null() && s.FindMember(kv.key()) != nullptr) {
          names += names.empty() ? "" : ", ";
          names += kv.key();
        }
      }
      Violation(path, &v, s.sensitive,
                set == 0 ? std::string("Union must have exactly one member set, but none is")
                         : fmt::format("Union must have exactly one member set, but {} are: {}",
                                       set, names));
    }
  }

  Status Finish() const {
    if (count_ == 0) return Status::Ok();
    std::string msg =
        fmt::format("{} validation error{} detected: ", count_, count_ == 1 ? "" : "s");
    msg += text_;
    if (count_ > kMaxListed)
      fmt::format_to(std::back_inserter(msg), "; and {} more", count_ - kMaxListed);
    return ValidationError(std::move(msg));
  }

  // "Value 'v' at 'aws.path' (Spelled.Path) failed to satisfy constraint: <constraint>".
  void Violation(const PathStep* path, const bj::value* v, bool sensitive,
                 std::string_view constraint, std::string_view echo = {}) {
    if (++count_ > kMaxListed) return;
    if (!text_.empty()) text_ += "; ";
    text_ += "Value ";
    if (sensitive) {
      text_ += "'*** sensitive ***' ";
    } else if (!echo.empty()) {
      text_ += '\'';
      AppendTruncated(text_, echo);
      text_ += "' ";
    } else if (v == nullptr || v->is_null()) {
      text_ += "null ";
    } else {
      text_ += '\'';
      AppendTruncated(text_, v->is_string() ? std::string_view(v->get_string())
                                            : std::string_view(bj::serialize(*v)));
      text_ += "' ";
    }
    if (path == nullptr) {
      fmt::format_to(std::back_inserter(text_), "at '{}' ({} input)", op_.input_shape, op_.name);
    } else {
      text_ += "at '";
      AppendPaths(text_, path);
    }
    text_ += " failed to satisfy constraint: ";
    text_ += constraint;
  }

  void Unknown(const PathStep* path, std::string_view key) {
    if (++count_ > kMaxListed) return;
    if (!text_.empty()) text_ += "; ";
    text_ += "Unknown field '";
    AppendTruncated(text_, key);
    if (path == nullptr) {
      fmt::format_to(std::back_inserter(text_), "' in the {} input", op_.name);
    } else {
      text_ += "' at '";
      AppendPaths(text_, path, key);
    }
  }

 private:
  void CheckSize(const bj::value& v, size_t n, const ShapeDef& s, const PathStep* path) {
    if (s.min_len && static_cast<int64_t>(n) < *s.min_len) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have length greater than or equal to {}", *s.min_len));
    }
    if (s.max_len && static_cast<int64_t>(n) > *s.max_len) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have length less than or equal to {}", *s.max_len));
    }
  }

  // Reports through `report(constraint)` every string rule `str` breaks.
  template <typename Report>
  static void StringRules(std::string_view str, const ShapeDef& s, Report&& report) {
    if (s.min_len || s.max_len) {
      const auto n = static_cast<int64_t>(CodePointCount(str));
      if (s.min_len && n < *s.min_len) {
        report(fmt::format("Member must have length greater than or equal to {}", *s.min_len));
        return;
      }
      if (s.max_len && n > *s.max_len) {
        report(fmt::format("Member must have length less than or equal to {}", *s.max_len));
        return;  // an oversized value is not worth a pattern run
      }
    }
    if (s.pattern && !s.pattern->Search(str)) {
      report("Member must satisfy regular expression pattern: " + s.pattern->source());
    }
    if (!s.enums.empty() && std::find(s.enums.begin(), s.enums.end(), str) == s.enums.end()) {
      report("Member must satisfy enum value set: " + s.enum_text);
    }
  }

  void CheckString(const bj::value& v, const ShapeDef& s, const PathStep* path) {
    StringRules(v.get_string(), s,
                [&](const std::string& c) { Violation(path, &v, s.sensitive, c); });
  }

  void CheckMapKey(std::string_view key, const ShapeDef& ks, const PathStep* path) {
    StringRules(key, ks, [&](const std::string& c) {
      Violation(path, nullptr, ks.sensitive, "Map keys must satisfy constraint: [" + c + "]", key);
    });
  }

  void CheckInteger(const bj::value& v, const ShapeDef& s, const PathStep* path) {
    if (v.is_uint64() && v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have value less than or equal to {}", s.max_int));
      return;
    }
    const int64_t x = v.is_int64() ? v.get_int64() : static_cast<int64_t>(v.get_uint64());
    if (x < s.min_int) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have value greater than or equal to {}", s.min_int));
    }
    if (x > s.max_int) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have value less than or equal to {}", s.max_int));
    }
  }

  const ServiceModel::Data& d_;
  const ServiceModel::Operation& op_;
  int count_ = 0;
  std::string text_;
};

}  // namespace

Status internal::MemberViolation(const ServiceModel::Data& d, const ServiceModel::Operation& op,
                                 const MemberDef& m, const bj::value& v, bool sensitive,
                                 std::string_view constraint) {
  Validator validator(d, op);
  const PathStep step{nullptr, PathStep::Kind::kMember, &m};
  validator.Violation(&step, &v, sensitive, constraint);
  return validator.Finish();
}

Status ServiceModel::ValidateInput(const Operation& op, const bj::value& input) const {
  if (!input.is_object()) {
    if (op.input < 0 && input.is_null()) return Status::Ok();
    return ValidationError(fmt::format("The {} input must be a JSON object", op.name));
  }
  Validator v(*d_, op);
  if (op.input < 0) {
    for (const auto& kv : input.get_object()) v.Unknown(nullptr, kv.key());
  } else {
    v.CheckStructure(input, d_->shapes[op.input], nullptr);
  }
  return v.Finish();
}

}  // namespace amiplace::model
