#include "domain/catalog/delivery_options.h"

#include <charconv>
#include <regex>

#include "core/ids.h"
#include "domain/catalog/instance_types.h"
#include "domain/catalog/validation.h"

namespace amiplace::delivery {

namespace bj = boost::json;
using validate::ListRule;
using validate::StringRule;

const bj::object* OptionDetails(const bj::object& option) {
  for (const char* key : {"Details", "DetailsDocument"}) {
    if (const auto* d = option.if_contains(key); d && d->is_object()) return &d->get_object();
  }
  return nullptr;
}

namespace {

bool IsAmiId(std::string_view s) {
  static const std::regex re("^ami-([a-zA-Z0-9]{8}|[a-zA-Z0-9]{17})$");
  return std::regex_match(s.begin(), s.end(), re);
}
bool IsRoleArn(std::string_view s) {
  static const std::regex re(R"(^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$)");
  return std::regex_match(s.begin(), s.end(), re);
}
bool IsUserName(std::string_view s) {
  static const std::regex re("^[a-zA-Z][a-zA-Z0-9_-]{0,31}$");
  return std::regex_match(s.begin(), s.end(), re);
}
bool IsInstanceTypeName(std::string_view s) {
  static const std::regex re(R"(^[a-z]+[0-9]+[a-z]*\.[0-9]*[a-z]+$)");
  return std::regex_match(s.begin(), s.end(), re);
}
bool IsProtocol(std::string_view s) { return s == "http" || s == "https"; }
bool IsIpProtocol(std::string_view s) { return s == "tcp" || s == "udp"; }
bool NoLeadingSlash(std::string_view s) { return s.empty() || s[0] != '/'; }

Status Port(const bj::object& o, std::string_view member, std::string_view field, bool required) {
  const auto* v = o.if_contains(member);
  if (v == nullptr) {
    return required ? ValidationError(fmt::format("{}.{}: is required", field, member)) : Status::Ok();
  }
  if (!v->is_int64() && !v->is_uint64()) {
    return ValidationError(fmt::format("{}.{}: must be an integer port number", field, member));
  }
  int64_t p = v->to_number<int64_t>();
  if (p < 1 || p > 65535) {
    return ValidationError(fmt::format("{}.{}: {} is not a port from 1 to 65535", field, member, p));
  }
  return Status::Ok();
}

}  // namespace

bool IsValidCidr(std::string_view cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view ip = cidr.substr(0, slash), bits = cidr.substr(slash + 1);
  int prefix = -1;
  auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (ec != std::errc() || p != bits.data() + bits.size()) return false;
  if (ip.find(':') != std::string_view::npos) return prefix >= 0 && prefix <= 128;  // IPv6
  int parts = 0;
  while (!ip.empty()) {
    auto dot = ip.find('.');
    std::string_view octet = ip.substr(0, dot);
    int value = -1;
    auto [q, e2] = std::from_chars(octet.data(), octet.data() + octet.size(), value);
    if (e2 != std::errc() || q != octet.data() + octet.size() || octet.empty() || value < 0 ||
        value > 255) {
      return false;
    }
    ++parts;
    ip = dot == std::string_view::npos ? std::string_view() : ip.substr(dot + 1);
    if (dot != std::string_view::npos && ip.empty()) return false;
  }
  return parts == 4 && prefix >= 0 && prefix <= 32;
}

Status ValidateAmiDetails(const bj::value& v, std::string_view field, bool for_update) {
  AMIPLACE_RETURN_IF_ERROR(validate::IsObject(v, field));
  const auto& o = v.get_object();
  if (for_update) {
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(
        o, {"UsageInstructions", "AccessEndpointUrl", "RecommendedInstanceType", "SecurityGroups"},
        field));
  } else {
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(
        o, {"AmiSource", "UsageInstructions", "AccessEndpointUrl", "RecommendedInstanceType",
            "SecurityGroups"},
        field));
    const auto* src = o.if_contains("AmiSource");
    if (src == nullptr) return ValidationError(fmt::format("{}.AmiSource: is required", field));
    std::string sf = validate::Join(field, "AmiSource");
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*src, sf));
    const auto& s = src->get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(
        s, {"AmiId", "AccessRoleArn", "UserName", "ScanningPort", "OperatingSystemName",
            "OperatingSystemVersion", "AfiIds"},
        sf));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        s, "AmiId", sf, {.min = 1, .max = 21, .pattern_name = "an AMI ID like ami-0123456789abcdef0", .check = IsAmiId}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        s, "AccessRoleArn", sf, {.min = 1, .max = 2048, .pattern_name = "an IAM role ARN (arn:aws:iam::123456789012:role/Name)", .check = IsRoleArn}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        s, "UserName", sf, {.min = 1, .max = 32, .pattern_name = "a user name matching ^[a-zA-Z][a-zA-Z0-9_-]{0,31}$", .check = IsUserName}, true));
    AMIPLACE_RETURN_IF_ERROR(Port(s, "ScanningPort", sf, false));
    AMIPLACE_RETURN_IF_ERROR(validate::String(s, "OperatingSystemName", sf, {.min = 1, .max = 100}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(s, "OperatingSystemVersion", sf, {.min = 1, .max = 100}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::StringList(s, "AfiIds", sf, {.max = 15}, {.min = 1, .max = 64}));
  }
  AMIPLACE_RETURN_IF_ERROR(validate::String(o, "UsageInstructions", field, {.min = 1, .max = 4000}, !for_update));
  AMIPLACE_RETURN_IF_ERROR(validate::String(
      o, "RecommendedInstanceType", field,
      {.min = 1, .max = 24, .pattern_name = "an instance type like m5.large", .check = IsInstanceTypeName},
      !for_update));
  if (const auto* a = o.if_contains("AccessEndpointUrl"); a && !a->is_null()) {
    std::string af = validate::Join(field, "AccessEndpointUrl");
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*a, af));
    const auto& e = a->get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(e, {"Port", "Protocol", "RelativePath"}, af));
    AMIPLACE_RETURN_IF_ERROR(Port(e, "Port", af, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        e, "Protocol", af, {.min = 1, .max = 5, .pattern_name = "http or https", .check = IsProtocol}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        e, "RelativePath", af,
        {.max = 2000, .pattern_name = "a path without a leading '/'", .check = NoLeadingSlash}));
  }
  const bj::array* groups = nullptr;
  AMIPLACE_RETURN_IF_ERROR(validate::Array(o, "SecurityGroups", field, {.min = 1, .max = 25}, &groups, !for_update));
  if (groups != nullptr) {
    for (size_t i = 0; i < groups->size(); ++i) {
      std::string gf = fmt::format("{}.SecurityGroups[{}]", field, i);
      AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*groups)[i], gf));
      const auto& g = (*groups)[i].get_object();
      AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(g, {"IpProtocol", "FromPort", "ToPort", "IpRanges"}, gf));
      AMIPLACE_RETURN_IF_ERROR(validate::String(
          g, "IpProtocol", gf, {.min = 1, .max = 3, .pattern_name = "tcp or udp", .check = IsIpProtocol}, true));
      AMIPLACE_RETURN_IF_ERROR(Port(g, "FromPort", gf, true));
      AMIPLACE_RETURN_IF_ERROR(Port(g, "ToPort", gf, true));
      AMIPLACE_RETURN_IF_ERROR(validate::StringList(g, "IpRanges", gf, {.min = 1, .max = 5}, {.min = 1, .max = 64}, true));
    }
  }
  return Status::Ok();
}

std::vector<ErrorDetail> CheckAmiDetails(const bj::object& details) {
  std::vector<ErrorDetail> errors;
  if (const auto* groups = details.if_contains("SecurityGroups")) {
    for (const auto& gv : groups->get_array()) {
      const auto& g = gv.get_object();
      if (g.at("FromPort").to_number<int64_t>() > g.at("ToPort").to_number<int64_t>()) {
        errors.push_back({"INVALID_SECURITY_GROUP",
                          fmt::format("SecurityGroups: FromPort {} is above ToPort {}",
                                      g.at("FromPort").to_number<int64_t>(),
                                      g.at("ToPort").to_number<int64_t>())});
      }
      for (const auto& r : g.at("IpRanges").get_array()) {
        if (!IsValidCidr(r.get_string())) {
          errors.push_back({"INVALID_CIDR_IP",
                            fmt::format("SecurityGroups: '{}' is not a CIDR block like 0.0.0.0/0",
                                        std::string_view(r.get_string()))});
        }
      }
    }
  }
  if (const auto* t = details.if_contains("RecommendedInstanceType")) {
    if (!instance_types::IsKnown(t->get_string())) {
      errors.push_back({"INVALID_RECOMMENDED_INSTANCE_TYPE",
                        fmt::format("RecommendedInstanceType: '{}' is not an EC2 instance type",
                                    std::string_view(t->get_string()))});
    }
  }
  return errors;
}

void ApplyAmiDetails(const bj::object& details, bj::object& option) {
  if (const auto* u = details.if_contains("UsageInstructions")) {
    bj::value& ins = option["Instructions"];
    if (!ins.is_object()) ins = bj::object{{"Usage", nullptr}, {"Access", nullptr}};
    ins.get_object()["Usage"] = *u;
  }
  if (const auto* a = details.if_contains("AccessEndpointUrl")) {
    bj::value& ins = option["Instructions"];
    if (!ins.is_object()) ins = bj::object{{"Usage", nullptr}, {"Access", nullptr}};
    if (a->is_null()) {
      ins.get_object()["Access"] = nullptr;
    } else {
      const auto& e = a->get_object();
      ins.get_object()["Access"] = bj::object{
          {"Type", "Endpoint"},
          {"Port", e.at("Port")},
          {"Protocol", e.at("Protocol")},
          {"RelativePath", e.contains("RelativePath") ? e.at("RelativePath") : bj::value("")}};
    }
  }
  bj::value& rec = option["Recommendations"];
  if (!rec.is_object()) rec = bj::object{{"InstanceType", nullptr}, {"SecurityGroups", bj::array()}};
  if (const auto* t = details.if_contains("RecommendedInstanceType")) rec.get_object()["InstanceType"] = *t;
  if (const auto* groups = details.if_contains("SecurityGroups")) {
    bj::array out;
    for (const auto& gv : groups->get_array()) {
      const auto& g = gv.get_object();
      out.push_back({{"Protocol", g.at("IpProtocol")},
                     {"FromPort", g.at("FromPort")},
                     {"ToPort", g.at("ToPort")},
                     {"CidrIps", g.at("IpRanges")}});
    }
    rec.get_object()["SecurityGroups"] = std::move(out);
  }
}

std::string CopyToRegion(ApplyContext& ctx, const Image& source, std::string_view region,
                         std::string_view product_code) {
  if (region == source.region) return source.image_id;
  Image copy = CreateMarketplaceCopy(source, region, product_code, NewImageId(), ctx.now());
  std::string id = copy.image_id;
  ctx.AddImage(std::move(copy));
  return id;
}

std::vector<std::string> VersionImages(const bj::object& doc) {
  std::vector<std::string> out;
  const auto* versions = doc.if_contains("Versions");
  if (!versions || !versions->is_array()) return out;
  for (const auto& v : versions->get_array()) {
    const auto* sources = v.is_object() ? v.get_object().if_contains("Sources") : nullptr;
    if (!sources || !sources->is_array()) continue;
    for (const auto& s : sources->get_array()) {
      if (!s.is_object()) continue;
      const auto* img = s.get_object().if_contains("Image");
      if (img && img->is_string()) out.emplace_back(img->get_string());
    }
  }
  return out;
}

}  // namespace amiplace::delivery
