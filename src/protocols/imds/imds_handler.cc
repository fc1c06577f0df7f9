#include "protocols/imds/imds_handler.h"

#include <charconv>

#include "core/crypto.h"

namespace amiplace::protocols {

namespace {

constexpr std::string_view kTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
constexpr int kMaxTtl = 21600;

http::Response Text(int status, std::string body) {
  http::Response r = http::TextResponse(status, std::move(body));
  r.headers[0].value = "text/plain";
  return r;
}

http::Response NotFound() {
  // EC2's metadata service answers unknown paths with this page.
  http::Response r;
  r.status = 404;
  r.Set("Content-Type", "text/html");
  r.body =
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML "
      "1.0 Transitional//EN\"\n\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n <head>\n  "
      "<title>404 - Not Found</title>\n </head>\n <body>\n  <h1>404 - Not Found</h1>\n </body>\n"
      "</html>\n";
  return r;
}

bool IsLoopback(std::string_view address) {
  return address.starts_with("127.") || address == "::ffff:127.0.0.1" ||
         address.starts_with("::ffff:127.");
}

std::string Unmapped(std::string_view address) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.starts_with(kMapped)) address.remove_prefix(kMapped.size());
  return std::string(address);
}

std::string JsonString(std::string_view s) { return boost::json::serialize(boost::json::value(s)); }

}  // namespace

std::string ImdsHandler::NormalizePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.empty()) out = "/";
  return out;
}

std::string ImdsHandler::IdentityDocument(const Instance& i, std::string_view account_id) {
  std::string codes = "null";
  if (!i.product_codes.empty()) {
    codes = "[ ";
    for (size_t k = 0; k < i.product_codes.size(); ++k) {
      if (k) codes += ", ";
      codes += JsonString(i.product_codes[k].product_code_id);
    }
    codes += " ]";
  }
  // EC2's layout: two-space indent and " : " between key and value.
  return fmt::format(
      "{{\n"
      "  \"accountId\" : {},\n"
      "  \"architecture\" : {},\n"
      "  \"availabilityZone\" : {},\n"
      "  \"billingProducts\" : null,\n"
      "  \"devpayProductCodes\" : null,\n"
      "  \"marketplaceProductCodes\" : {},\n"
      "  \"imageId\" : {},\n"
      "  \"instanceId\" : {},\n"
      "  \"instanceType\" : {},\n"
      "  \"kernelId\" : null,\n"
      "  \"pendingTime\" : {},\n"
      "  \"privateIp\" : {},\n"
      "  \"ramdiskId\" : null,\n"
      "  \"region\" : {},\n"
      "  \"version\" : \"2017-09-30\"\n"
      "}}",
      JsonString(account_id), JsonString(i.architecture), JsonString(i.region + "a"), codes,
      JsonString(i.image_id), JsonString(i.instance_id), JsonString(i.instance_type),
      JsonString(FormatIso8601(i.launch_time)), JsonString(i.private_ip), JsonString(i.region));
}

http::Response ImdsHandler::Handle(http::Request& req) {
  // Only on loopback addresses, each instance at its own.
  if (!IsLoopback(req.local_address)) {
    return Text(403, "The instance metadata service answers only on loopback addresses\n");
  }
  auto found = store_.FindInstanceByPrivateIp(Unmapped(req.local_address));
  if (!found.ok()) return Text(500, "Internal error\n");
  if (!*found) return NotFound();
  Instance instance = Settle(**found, clock_.Now(), kDefaultSettleDelay);
  if (instance.state != InstanceState::kRunning && instance.state != InstanceState::kPending) {
    return NotFound();
  }

  std::string path = NormalizePath(req.Path());
  if (req.method == "PUT") {
    if (path == "/latest/api/token") return Token(req, instance);
    if (path.ends_with("/api/token")) return Text(403, "Forbidden\n");  // a versioned path
    return Text(405, "Method Not Allowed\n");
  }
  if (req.method != "GET" && req.method != "HEAD") return Text(405, "Method Not Allowed\n");

  std::string_view token = req.HeaderValue(kTokenHeader);
  if (!token.empty()) {
    std::lock_guard lock(mu_);
    auto it = tokens_.find(std::string(token));
    if (it == tokens_.end() || it->second.instance_id != instance.instance_id ||
        it->second.expires <= real_clock_.Now()) {
      return Text(401, "Unauthorized\n");
    }
  }
  http::Response r = Get(path, instance);
  if (req.method == "HEAD") r.body.clear();
  return r;
}

http::Response ImdsHandler::Token(const http::Request& req, const Instance& instance) {
  if (!req.HeaderValue("X-Forwarded-For").empty()) return Text(403, "Forbidden\n");
  std::string_view ttl_text = req.HeaderValue(kTtlHeader);
  int ttl = 0;
  auto [p, ec] = std::from_chars(ttl_text.data(), ttl_text.data() + ttl_text.size(), ttl);
  if (ttl_text.empty() || ec != std::errc() || p != ttl_text.data() + ttl_text.size() || ttl < 1 ||
      ttl > kMaxTtl) {
    return Text(400, "Bad Request\n");
  }
  std::string token = crypto::Base64(crypto::RandomBytes(42));
  TimePoint now = real_clock_.Now();
  {
    std::lock_guard lock(mu_);
    // Drop expired tokens now and then so the table does not grow without bound.
    if (tokens_.size() > 10000) {
      std::erase_if(tokens_, [&](const auto& kv) { return kv.second.expires <= now; });
    }
    tokens_[token] = {instance.instance_id, now + std::chrono::seconds(ttl)};
  }
  http::Response r = Text(200, token);
  r.Set(std::string(kTtlHeader), std::to_string(ttl));
  return r;
}

Result<ImdsHandler::Signed> ImdsHandler::SignedDocument(const Instance& instance) {
  std::string document = IdentityDocument(instance, instance.owner_account_id);
  std::lock_guard lock(mu_);
  auto it = signed_.find(instance.instance_id);
  if (it != signed_.end() && it->second.document == document) return it->second;
  AMIPLACE_ASSIGN_OR_RETURN(IdentitySignatures sigs, identity_.SignDocument(document));
  if (signed_.size() > 10000) signed_.clear();
  Signed s{document, std::move(sigs)};
  signed_[instance.instance_id] = s;
  return s;
}

http::Response ImdsHandler::Get(std::string_view path, const Instance& i) {
  auto list = [](std::initializer_list<std::string_view> items) {
    std::string out;
    for (auto item : items) {
      if (!out.empty()) out += '\n';
      out += item;
    }
    return Text(200, out);
  };
  if (path == "/") return list({"latest"});
  if (path == "/latest" || path == "/latest/") return list({"dynamic", "meta-data"});
  if (path == "/latest/meta-data" || path == "/latest/meta-data/") {
    if (i.product_codes.empty()) {
      return list({"ami-id", "ami-launch-index", "iam/", "instance-id", "instance-type",
                   "local-ipv4", "placement/"});
    }
    return list({"ami-id", "ami-launch-index", "iam/", "instance-id", "instance-type",
                 "local-ipv4", "placement/", "product-codes"});
  }
  if (path == "/latest/meta-data/iam" || path == "/latest/meta-data/iam/") {
    return list({"info", "security-credentials/"});
  }
  if (path == "/latest/meta-data/iam/security-credentials" ||
      path == "/latest/meta-data/iam/security-credentials/") {
    return Text(200, std::string(kInstanceRoleName));
  }
  if (path == "/latest/meta-data/iam/info") {
    return Text(200, fmt::format("{{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"{}\",\n"
                                 "  \"InstanceProfileArn\" : \"arn:aws:iam::{}:instance-profile/{}\",\n"
                                 "  \"InstanceProfileId\" : \"AIPA{}\"\n}}",
                                 FormatIso8601(real_clock_.Now()), i.owner_account_id,
                                 kInstanceRoleName, i.instance_id.substr(2, 16)));
  }
  if (path == fmt::format("/latest/meta-data/iam/security-credentials/{}", kInstanceRoleName)) {
    auto c = credentials_.Current(i);
    if (!c.ok()) return Text(500, "Internal error\n");
    return Text(200, fmt::format(
                         "{{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"{}\",\n"
                         "  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"{}\",\n"
                         "  \"SecretAccessKey\" : \"{}\",\n  \"Token\" : \"{}\",\n"
                         "  \"Expiration\" : \"{}\"\n}}",
                         FormatIso8601(c->issued_at), c->access_key_id, c->secret_access_key,
                         c->session_token, FormatIso8601(c->expires_at)));
  }
  if (path == "/latest/meta-data/ami-id") return Text(200, i.image_id);
  if (path == "/latest/meta-data/ami-launch-index") return Text(200, std::to_string(i.ami_launch_index));
  if (path == "/latest/meta-data/instance-id") return Text(200, i.instance_id);
  if (path == "/latest/meta-data/instance-type") return Text(200, i.instance_type);
  if (path == "/latest/meta-data/local-ipv4") return Text(200, i.private_ip);
  if (path == "/latest/meta-data/placement" || path == "/latest/meta-data/placement/") {
    return list({"availability-zone", "region"});
  }
  if (path == "/latest/meta-data/placement/region") return Text(200, i.region);
  if (path == "/latest/meta-data/placement/availability-zone") return Text(200, i.region + "a");
  if (path == "/latest/meta-data/product-codes") {
    if (i.product_codes.empty()) return NotFound();
    std::string out;
    for (const auto& c : i.product_codes) {
      if (!out.empty()) out += '\n';
      out += c.product_code_id;
    }
    return Text(200, out);
  }
  if (path == "/latest/dynamic" || path == "/latest/dynamic/") return list({"instance-identity/"});
  if (path == "/latest/dynamic/instance-identity" || path == "/latest/dynamic/instance-identity/") {
    return list({"document", "pkcs7", "rsa2048", "signature"});
  }
  constexpr std::string_view kIdentity = "/latest/dynamic/instance-identity/";
  if (path.starts_with(kIdentity)) {
    std::string_view what = path.substr(kIdentity.size());
    if (what != "document" && what != "signature" && what != "pkcs7" && what != "rsa2048") {
      return NotFound();
    }
    auto s = SignedDocument(i);
    if (!s.ok()) return Text(500, "Internal error\n");
    if (what == "document") return Text(200, s->document);
    if (what == "signature") return Text(200, s->signatures.signature);
    if (what == "pkcs7") return Text(200, s->signatures.pkcs7);
    return Text(200, s->signatures.rsa2048);
  }
  return NotFound();
}

http::Response ImdsHandler::Refuse(const http::Request&, int status, std::string) {
  return Text(status, status == 413 ? "Request Entity Too Large\n" : "Bad Request\n");
}

}  // namespace amiplace::protocols
