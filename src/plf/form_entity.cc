// A product and its public offer, as DescribeEntity knows them, turned into a ProductForm; and
// the canonical texts of security groups and access endpoints that the Versions sheet holds.
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/json_util.h"
#include "core/money.h"
#include "domain/catalog/dimensions.h"
#include "plf/form.h"

namespace amiplace::plf {

namespace bj = boost::json;

namespace {

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// A member as a cell shows it: trimmed, as the reader trims what it reads, so that an export
// uploaded again compares equal.
std::string Str(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(Trim(v->get_string()));
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return "";
}

const bj::object& Obj(const bj::object& o, std::string_view key) {
  static const bj::object kEmpty;
  const bj::value* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : kEmpty;
}

const bj::array& Arr(const bj::object& o, std::string_view key) {
  static const bj::array kEmpty;
  const bj::value* v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : kEmpty;
}

std::vector<std::string> StringList(const bj::array& a) {
  std::vector<std::string> out;
  for (const auto& v : a) {
    if (v.is_string()) out.emplace_back(Trim(v.get_string()));
  }
  return out;
}

// Search keywords as the form lists them: comma-separated, so a keyword holding a comma reads
// back as two.
std::vector<std::string> Keywords(const bj::array& a) {
  std::vector<std::string> out;
  for (const auto& k : StringList(a)) {
    for (size_t i = 0; i <= k.size();) {
      size_t j = std::min(k.find(',', i), k.size());
      std::string part(Trim(std::string_view(k).substr(i, j - i)));
      if (!part.empty()) out.push_back(std::move(part));
      i = j + 1;
    }
  }
  return out;
}

std::string Canonical(std::string_view price) {
  auto m = Money::Parse(price, "Price");
  return m.ok() ? m->ToString() : std::string(price);
}

std::string PortsText(int64_t from, int64_t to) {
  return from == to ? std::to_string(from) : fmt::format("{}-{}", from, to);
}

int64_t IntOf(const bj::value* v) {
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return 0;
}

std::optional<int64_t> ParsePort(std::string_view s) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < 1 || n > 65535) return std::nullopt;
  return n;
}

std::vector<std::string_view> SplitAny(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find_first_of(seps, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsPrivate(const bj::object& offer) {
  auto has_buyers = [](const bj::object& targeting) {
    return !Arr(Obj(targeting, "PositiveTargeting"), "BuyerAccounts").empty();
  };
  if (has_buyers(Obj(offer, "Targeting"))) return true;
  for (const auto& r : Arr(offer, "Rules")) {
    if (r.is_object() && Str(r.get_object(), "Type") == "TargetingRule" &&
        has_buyers(r.get_object())) {
      return true;
    }
  }
  return false;
}

void FillOffer(const bj::object& o, OfferForm& out, std::map<std::string, std::string>& rates) {
  out.offer_id = Str(o, "Id");
  out.name = Str(o, "Name");
  out.description = Str(o, "Description");
  bool byol = false, usage = false, configurable = false, fixed = false, recurring = false;
  bool nonzero = false;
  for (const auto& tv : Arr(o, "Terms")) {
    if (!tv.is_object()) continue;
    const auto& t = tv.get_object();
    const std::string type = Str(t, "Type");
    if (type == "LegalTerm") {
      const auto& docs = Arr(t, "Documents");
      if (!docs.empty() && docs[0].is_object()) {
        out.eula_type = Str(docs[0].get_object(), "Type");
        out.eula_url = Str(docs[0].get_object(), "Url");
      }
    } else if (type == "SupportTerm") {
      out.refund_policy = Str(t, "RefundPolicy");
    } else if (type == "ByolPricingTerm") {
      byol = true;
    } else if (type == "UsageBasedPricingTerm") {
      usage = true;
      for (const auto& card : Arr(t, "RateCards")) {
        if (!card.is_object()) continue;
        for (const auto& item : Arr(card.get_object(), "RateCard")) {
          if (!item.is_object()) continue;
          std::string price = Canonical(Str(item.get_object(), "Price"));
          if (price != "0") nonzero = true;
          rates[Str(item.get_object(), "DimensionKey")] = price;
        }
      }
    } else if (type == "ConfigurableUpfrontPricingTerm") {
      configurable = true;
    } else if (type == "FixedUpfrontPricingTerm") {
      fixed = true;
    } else if (type == "RecurringPaymentTerm") {
      recurring = true;
    }
  }
  // The model the engine accepts these terms under (update_pricing_terms.cc's rules).
  if (byol) {
    out.pricing_model = "Byol";
  } else if (fixed || (configurable && !usage)) {
    out.pricing_model = "Contract";
  } else if (nonzero || configurable || recurring) {
    out.pricing_model = "Usage";
  } else {
    out.pricing_model = "Free";  // zero prices, or no pricing terms: buyers pay nothing
  }
}

}  // namespace

std::string SecurityGroupsText(const bj::array& groups) {
  std::vector<std::string> rules;
  for (const auto& g : groups) {
    if (!g.is_object()) continue;
    const auto& o = g.get_object();
    std::string protocol = Str(o, "Protocol");
    if (protocol.empty()) protocol = Str(o, "IpProtocol");
    const bj::array& cidrs = o.contains("CidrIps") ? Arr(o, "CidrIps") : Arr(o, "IpRanges");
    rules.push_back(fmt::format("{} {} {}", protocol,
                                PortsText(IntOf(o.if_contains("FromPort")), IntOf(o.if_contains("ToPort"))),
                                fmt::join(StringList(cidrs), ",")));
  }
  return fmt::format("{}", fmt::join(rules, "; "));
}

std::optional<bj::array> ParseSecurityGroups(std::string_view text, std::string* error) {
  bj::array out;
  for (std::string_view rule : SplitAny(text, ";\n")) {
    std::vector<std::string_view> parts = SplitAny(rule, " \t,");
    if (parts.empty()) continue;
    if (parts.size() < 3) {
      *error = fmt::format("'{}' is not a rule 'protocol port CIDR[,CIDR…]' (e.g. tcp 22 0.0.0.0/0)",
                           rule);
      return std::nullopt;
    }
    std::string protocol(parts[0]);
    for (char& c : protocol) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (protocol != "tcp" && protocol != "udp") {
      *error = fmt::format("'{}': the protocol must be tcp or udp", rule);
      return std::nullopt;
    }
    std::string_view ports = parts[1];
    size_t dash = ports.find('-');
    auto from = ParsePort(ports.substr(0, dash));
    auto to = dash == std::string_view::npos ? from : ParsePort(ports.substr(dash + 1));
    if (!from || !to || *to < *from) {
      *error = fmt::format("'{}': '{}' is not a port (1-65535) or a range of ports (8000-8080)",
                           rule, ports);
      return std::nullopt;
    }
    bj::array cidrs;
    for (size_t i = 2; i < parts.size(); ++i) cidrs.emplace_back(parts[i]);
    out.push_back(bj::object{{"IpProtocol", protocol},
                             {"FromPort", *from},
                             {"ToPort", *to},
                             {"IpRanges", std::move(cidrs)}});
  }
  if (out.empty()) {
    *error = "at least one rule is required, e.g. tcp 22 0.0.0.0/0";
    return std::nullopt;
  }
  return out;
}

std::string AccessEndpointText(const bj::value* access) {
  if (access == nullptr || !access->is_object()) return "";
  const auto& a = access->get_object();
  std::string text = fmt::format("{} {}", Str(a, "Protocol"), IntOf(a.if_contains("Port")));
  std::string path = Str(a, "RelativePath");
  if (!path.empty()) text += " " + path;
  return text;
}

std::optional<bj::object> ParseAccessEndpoint(std::string_view text, std::string* error) {
  std::vector<std::string_view> parts = SplitAny(text, " \t");
  if (parts.size() < 2 || parts.size() > 3) {
    *error = fmt::format("'{}' is not 'protocol port [relative path]' (e.g. https 443 admin)", text);
    return std::nullopt;
  }
  std::string protocol(parts[0]);
  for (char& c : protocol) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (protocol != "http" && protocol != "https") {
    *error = fmt::format("'{}': the protocol must be http or https", text);
    return std::nullopt;
  }
  auto port = ParsePort(parts[1]);
  if (!port) {
    *error = fmt::format("'{}': '{}' is not a port (1-65535)", text, parts[1]);
    return std::nullopt;
  }
  bj::object out{{"Port", *port}, {"Protocol", protocol}};
  if (parts.size() == 3) {
    if (parts[2].starts_with('/')) {
      *error = fmt::format("'{}': the relative path must not start with '/'", text);
      return std::nullopt;
    }
    out["RelativePath"] = parts[2];
  }
  return out;
}

ProductForm FormFromEntities(const Entity& product, const Entity* offer) {
  ProductForm f;
  const bj::object& doc = product.details;
  const bj::object& d = Obj(doc, "Description");
  const bj::object& promo = Obj(doc, "PromotionalResources");
  ProductInfo& p = f.info;
  p.product_id = product.id;
  p.product_code = Str(d, "ProductCode");
  p.visibility = Str(d, "Visibility");
  p.title = Str(d, "ProductTitle");
  p.short_description = Str(d, "ShortDescription");
  p.long_description = Str(d, "LongDescription");
  p.sku = Str(d, "Sku");
  p.logo_url = Str(promo, "LogoUrl");
  const bj::array& videos = Arr(promo, "Videos");
  if (!videos.empty() && videos[0].is_object()) p.video_url = Str(videos[0].get_object(), "Url");
  p.highlights = StringList(Arr(d, "Highlights"));
  p.categories = StringList(Arr(d, "Categories"));
  p.keywords = Keywords(Arr(d, "SearchKeywords"));
  for (const auto& r : Arr(promo, "AdditionalResources")) {
    if (r.is_object()) p.resources.emplace_back(Str(r.get_object(), "Text"), Str(r.get_object(), "Url"));
  }
  p.support_description = Str(Obj(doc, "SupportInformation"), "Description");
  const bj::object& availability = Obj(doc, "RegionAvailability");
  if (const auto* future = availability.if_contains("FutureRegionSupport")) {
    if (future->is_string()) {
      p.future_region_support = std::string(future->get_string());
    } else if (future->is_object()) {
      auto groups = StringList(Arr(future->get_object(), "SupportedRegions"));
      if (!groups.empty()) p.future_region_support = groups[0];
    }
  }

  for (const auto& vv : Arr(doc, "Versions")) {
    if (!vv.is_object()) continue;
    const auto& v = vv.get_object();
    VersionForm out;
    out.version_id = Str(v, "Id");
    out.title = Str(v, "VersionTitle");
    out.release_notes = Str(v, "ReleaseNotes");
    const bj::object* option = nullptr;
    for (const auto& o : Arr(v, "DeliveryOptions")) {
      if (o.is_object() && Str(o.get_object(), "Type") == "AmazonMachineImage") {
        option = &o.get_object();
        break;
      }
    }
    if (option != nullptr) {
      out.delivery_option_id = Str(*option, "Id");
      out.status = Str(*option, "Visibility") == "Restricted" ? "Restricted" : "Public";
      const bj::object& instructions = Obj(*option, "Instructions");
      out.usage_instructions = Str(instructions, "Usage");
      out.access_endpoint = AccessEndpointText(instructions.if_contains("Access"));
      const bj::object& rec = Obj(*option, "Recommendations");
      out.recommended_instance_type = Str(rec, "InstanceType");
      out.security_groups = SecurityGroupsText(Arr(rec, "SecurityGroups"));
      const std::string source_id = Str(*option, "SourceId");
      for (const auto& s : Arr(v, "Sources")) {
        if (!s.is_object() || Str(s.get_object(), "Id") != source_id) continue;
        out.ami_id = Str(s.get_object(), "Image");
        const bj::object& os = Obj(s.get_object(), "OperatingSystem");
        out.os_name = Str(os, "Name");
        out.os_version = Str(os, "Version");
        out.os_user = Str(os, "Username");
        out.scanning_port = Str(os, "ScanningPort");
      }
    }
    f.versions.push_back(std::move(out));
  }

  for (const auto& r : StringList(Arr(availability, "Regions"))) f.regions.push_back({{}, r, false});
  for (const auto& r : StringList(Arr(availability, "Restrict"))) f.regions.push_back({{}, r, true});

  std::map<std::string, std::string> rates;
  if (offer != nullptr) FillOffer(offer->details, f.offer, rates);
  auto rate = [&](const std::string& key) {
    auto it = rates.find(key);
    return it == rates.end() ? std::string("0") : it->second;
  };

  const bj::object& compat = Obj(doc, "Compatibility");
  std::set<std::string> hourly;  // instance types with an hourly (Metered) dimension
  for (const auto& dv : Arr(doc, "Dimensions")) {
    if (!dv.is_object()) continue;
    const auto& dim = dv.get_object();
    auto types = dimensions::TypesOf(dim);
    const std::string key = Str(dim, "Key");
    if (types.count(dimensions::kMetered) > 0) {
      hourly.insert(key);
      continue;
    }
    DimensionForm out;
    out.key = key;
    out.name = Str(dim, "Name");
    out.description = Str(dim, "Description");
    out.unit = Str(dim, "Unit");
    out.types.assign(types.begin(), types.end());
    out.type = types.count(dimensions::kExternallyMetered) > 0 ? "ExternallyMetered" : "Entitled";
    if (out.type == "ExternallyMetered" && rates.contains(key)) out.price = rates[key];
    f.dimensions.push_back(std::move(out));
  }
  const std::vector<std::string> available = StringList(Arr(compat, "AvailableInstanceTypes"));
  for (const auto& t : available) {
    f.instance_types.push_back({{}, t, false, hourly.contains(t) ? rate(t) : ""});
  }
  for (const auto& key : hourly) {
    if (std::find(available.begin(), available.end(), key) == available.end() && rates.contains(key)) {
      f.hidden_rates[key] = rates[key];
    }
  }
  for (const auto& t : StringList(Arr(compat, "RestrictedInstanceTypes"))) {
    f.instance_types.push_back({{}, t, true, ""});
  }
  for (const auto& a : StringList(Arr(Obj(Obj(doc, "Targeting"), "PositiveTargeting"), "BuyerAccounts"))) {
    f.allowlist.push_back({{}, a});
  }
  return f;
}

bool IsPublicOfferCandidate(const Entity& offer, std::string_view product_id) {
  return Str(offer.details, "ProductId") == product_id && !IsPrivate(offer.details);
}

}  // namespace amiplace::plf
