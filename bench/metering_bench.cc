// MeterUsage benchmark against a running server (not a test; see docs/PERFORMANCE.md, issue 5).
//
//   metering_bench ENDPOINT IMDS_PORT OPERATOR_JSON [SECONDS] [DIMENSIONS]
//
// Sets everything up through the real APIs, as a seller, a buyer and software on instances would:
//   1. the operator (OPERATOR_JSON, the server's operator.json) creates a seller and a buyer;
//   2. the seller registers an AMI (EC2 RegisterImage) and publishes, in one change set, a complete
//      product (information, region, instance type, version, one hourly dimension and DIMENSIONS
//      ExternallyMetered dimensions, default 200 = AWS's limit per type) with its public offer
//      (prices for every dimension, legal and support terms), then makes it Public;
//   3. the buyer subscribes (amiplace API) and launches 64 instances with 4 RunInstances calls of 16;
//   4. the operator advances the marketplace clock by 6 hours (the server must run with
//      --simulated-clock): MeterUsage refuses hours before an instance's first launch, so on a
//      real clock only the current hour could be metered;
//   5. each instance's temporary credentials are read from its metadata service at
//      http://<PrivateIpAddress>:IMDS_PORT/latest/meta-data/iam/security-credentials/<role>.
// Then 64 threads, one per instance, each on its own keep-alive connection, sign MeterUsage
// (awsJson 1.1, service aws-marketplace) with their instance's credentials. Every call is a new
// record: a distinct (dimension, hour) pair among DIMENSIONS x the last 6 hours, so each one is a
// durable insert (committed before the 200), never a replay. The run stops after SECONDS
// (default 15) or when every pair of every instance is metered. Only 200 answers count; any other
// answer is printed and fails the run (exit 1). At the end every MeteringRecordId must be distinct.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "protocols/sigv4/sigv4.h"

namespace {

using namespace std::chrono;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bj = boost::json;
using tcp = net::ip::tcp;
using amiplace::sigv4::Credentials;

constexpr int kInstances = 64;
constexpr int kLaunches = 4;
constexpr int kHours = 6;
constexpr const char* kRegion = "us-east-1";
constexpr const char* kRole = "amiplace-marketplace-instance";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "metering_bench: %s\n", what.c_str());
  std::exit(1);
}

struct Response {
  int status = 0;
  std::string body;
};

// One keep-alive HTTP/1.1 connection; signs with SigV4 when given credentials.
class Conn {
 public:
  Conn(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

  static Conn ForUrl(const std::string& url) {  // http://host:port
    std::string hp = url.substr(url.find("//") + 2);
    auto colon = hp.rfind(':');
    return Conn(hp.substr(0, colon), hp.substr(colon + 1));
  }

  Response Send(const std::string& method, const std::string& target, std::string body,
                std::vector<amiplace::sigv4::Header> headers, const Credentials* creds,
                const std::string& service) {
    amiplace::sigv4::OutgoingRequest out;
    out.method = method;
    auto q = target.find('?');
    out.path = q == std::string::npos ? target : target.substr(0, q);
    out.query = q == std::string::npos ? "" : target.substr(q + 1);
    out.headers.push_back({"Host", host_ + ":" + port_});
    for (auto& h : headers) out.headers.push_back(std::move(h));
    out.body = std::move(body);
    if (creds) amiplace::sigv4::Sign(out, *creds, kRegion, service, system_clock::now());

    bhttp::request<bhttp::string_body> req;
    req.method_string(out.method);
    req.target(target);
    req.version(11);
    for (const auto& h : out.headers) req.set(h.name, h.value);
    req.set(bhttp::field::user_agent, "amiplace-metering-bench");
    req.body() = std::move(out.body);
    req.keep_alive(true);
    req.prepare_payload();
    for (int attempt = 0;; ++attempt) {
      beast::error_code ec;
      if (!stream_) {
        tcp::resolver resolver(ioc_);
        auto results = resolver.resolve(host_, port_, ec);
        if (ec) Fail("cannot resolve " + host_ + ": " + ec.message());
        stream_.emplace(ioc_);
        stream_->connect(results, ec);
        if (ec) Fail("cannot connect to " + host_ + ":" + port_ + ": " + ec.message());
        stream_->socket().set_option(tcp::no_delay(true));
      }
      bhttp::write(*stream_, req, ec);
      bhttp::response<bhttp::string_body> res;
      if (!ec) bhttp::read(*stream_, buffer_, res, ec);
      if (ec) {
        stream_.reset();
        buffer_.clear();
        ++reconnects_;
        if (attempt == 0) continue;  // a kept-alive connection the server closed: once more
        Fail("request to " + host_ + ":" + port_ + " failed: " + ec.message());
      }
      if (!res.keep_alive()) stream_.reset();
      return {static_cast<int>(res.result_int()), std::move(res.body())};
    }
  }

  int reconnects() const { return reconnects_; }

 private:
  std::string host_, port_;
  net::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  int reconnects_ = 0;
};

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// The text of every <tag>…</tag> in `xml`, in order.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (size_t p = xml.find(open); p != std::string::npos; p = xml.find(open, p)) {
    p += open.size();
    out.push_back(xml.substr(p, xml.find(close, p) - p));
  }
  return out;
}

Credentials CredsOf(const bj::value& v, const char* token_key = nullptr) {
  Credentials c;
  c.access_key_id = v.at("AccessKeyId").as_string();
  c.secret_access_key = v.at("SecretAccessKey").as_string();
  if (token_key) c.session_token = v.at(token_key).as_string();
  return c;
}

class Api {
 public:
  explicit Api(const std::string& endpoint) : conn_(Conn::ForUrl(endpoint)) {}

  bj::value Json(const std::string& method, const std::string& target, const bj::value* body,
                 const Credentials& creds, const std::string& service, const char* what) {
    std::vector<amiplace::sigv4::Header> h;
    if (body) h.push_back({"Content-Type", "application/json"});
    Response r = conn_.Send(method, target, body ? bj::serialize(*body) : "", h, &creds, service);
    if (r.status != 200) Fail(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
    return bj::parse(r.body);
  }

  std::string Ec2(const std::string& form, const Credentials& creds, const char* what) {
    Response r = conn_.Send("POST", "/", form + "&Version=2016-11-15",
                            {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                            &creds, "ec2");
    if (r.status != 200) Fail(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
    return r.body;
  }

  // Starts a change set and waits until it SUCCEEDED; returns DescribeChangeSet.
  bj::value ApplyChangeSet(bj::array changes, const Credentials& seller) {
    bj::value body = bj::object{{"Catalog", "AWSMarketplace"}, {"ChangeSet", std::move(changes)}};
    bj::value started = Json("POST", "/StartChangeSet", &body, seller, "aws-marketplace", "StartChangeSet");
    std::string id(started.at("ChangeSetId").as_string());
    for (int i = 0; i < 1200; ++i) {
      bj::value d = Json("GET", "/DescribeChangeSet?catalog=AWSMarketplace&changeSetId=" + id, nullptr,
                         seller, "aws-marketplace", "DescribeChangeSet");
      std::string status(d.at("Status").as_string());
      if (status == "SUCCEEDED") return d;
      if (status == "FAILED" || status == "CANCELLED") Fail("change set " + status + ": " + bj::serialize(d));
      std::this_thread::sleep_for(milliseconds(50));
    }
    Fail("change set " + id + " did not end");
  }

 private:
  Conn conn_;
};

bj::object Change(const char* type, const char* entity, std::optional<std::string> id, bj::value details,
                  const char* name = nullptr) {
  bj::object entity_obj{{"Type", entity}};
  if (id) entity_obj["Identifier"] = *id;
  bj::object c{{"ChangeType", type}, {"Entity", entity_obj}, {"DetailsDocument", std::move(details)}};
  if (name) c["ChangeName"] = name;
  return c;
}

std::string DimensionKey(int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "m%03d", d);
  return buf;
}

// The product's changes, after AWS's sample (as tests/conformance/lib/ami.mjs builds them).
bj::array ProductChanges(const std::string& ami, const std::string& seller_account, int dims) {
  const std::string P = "$CreateProductChange.Entity.Identifier";
  const std::string O = "$CreateOfferChange.Entity.Identifier";
  const char* kP = "AmiProduct@1.0";
  const char* kO = "Offer@1.0";
  bj::array dimensions{bj::object{{"Key", "t3.micro"}, {"Name", "t3.micro hours"},
                                  {"Description", "Hours of t3.micro"}, {"Unit", "Hrs"},
                                  {"Types", bj::array{"Metered"}}}};
  bj::array rates{bj::object{{"DimensionKey", "t3.micro"}, {"Price", "0.12"}}};
  for (int d = 0; d < dims; ++d) {
    dimensions.push_back(bj::object{{"Key", DimensionKey(d)}, {"Name", "Metered unit " + std::to_string(d)},
                                    {"Description", "Units of kind " + std::to_string(d)},
                                    {"Unit", "Units"}, {"Types", bj::array{"ExternallyMetered"}}});
    rates.push_back(bj::object{{"DimensionKey", DimensionKey(d)}, {"Price", "0.01"}});
  }
  bj::object info{
      {"ProductTitle", "Metering Bench Appliance"},
      {"ShortDescription", "An appliance that meters usage."},
      {"LongDescription", "An appliance whose instances meter usage through the Metering Service."},
      {"Sku", "MBA-001"},
      {"LogoUrl", "https://example.com/logo.png"},
      {"VideoUrls", bj::array{"https://example.com/video.mp4"}},
      {"Highlights", bj::array{"Metered", "Fast"}},
      {"AdditionalResources", bj::array{bj::object{{"Text", "Documentation"}, {"Url", "https://example.com/docs"}}}},
      {"SupportDescription", "Email support@example.com, answered within one business day."},
      {"Categories", bj::array{"Security"}},
      {"SearchKeywords", bj::array{"metering", "bench"}}};
  bj::object sg{{"IpProtocol", "tcp"}, {"FromPort", 22}, {"ToPort", 22}, {"IpRanges", bj::array{"0.0.0.0/0"}}};
  bj::object source{{"AmiId", ami},
                    {"AccessRoleArn", "arn:aws:iam::" + seller_account + ":role/Ingest"},
                    {"UserName", "ec2-user"},
                    {"OperatingSystemName", "AMAZONLINUX"},
                    {"OperatingSystemVersion", "2023"}};
  bj::object ami_details;
  ami_details["AmiSource"] = source;
  ami_details["UsageInstructions"] = "Connect with ssh as ec2-user.";
  ami_details["RecommendedInstanceType"] = "t3.micro";
  ami_details["SecurityGroups"] = bj::array{sg};
  bj::object details;
  details["AmiDeliveryOptionDetails"] = ami_details;
  bj::object delivery;
  delivery["Details"] = details;
  bj::array changes;
  for (auto& c : std::initializer_list<bj::object>{
      Change("CreateProduct", kP, std::nullopt, bj::object{{"ProductTitle", "Metering Bench Appliance"}},
             "CreateProductChange"),
      Change("UpdateInformation", kP, P, info),
      Change("AddRegions", kP, P, bj::object{{"Regions", bj::array{kRegion}}}),
      Change("AddInstanceTypes", kP, P, bj::object{{"InstanceTypes", bj::array{"t3.micro"}}}),
      Change("AddDeliveryOptions", kP, P,
             bj::object{{"Version", bj::object{{"VersionTitle", "1.0.0"}, {"ReleaseNotes", "Release 1.0.0."}}},
                        {"DeliveryOptions", bj::array{delivery}}}),
      Change("AddDimensions", kP, P, dimensions),
      Change("ReleaseProduct", kP, P, bj::object{}),
      Change("CreateOffer", kO, std::nullopt, bj::object{{"ProductId", P}}, "CreateOfferChange"),
      Change("UpdateInformation", kO, O,
             bj::object{{"Name", "Metering bench offer"}, {"Description", "Hourly and metered pricing"}}),
      Change("UpdatePricingTerms", kO, O,
             bj::object{{"PricingModel", "Usage"},
                        {"Terms", bj::array{bj::object{{"Type", "UsageBasedPricingTerm"}, {"CurrencyCode", "USD"},
                                                       {"RateCards", bj::array{bj::object{{"RateCard", rates}}}}}}}}),
      Change("UpdateLegalTerms", kO, O,
             bj::object{{"Terms", bj::array{bj::object{
                                      {"Type", "LegalTerm"},
                                      {"Documents", bj::array{bj::object{{"Type", "StandardEula"},
                                                                         {"Version", "2022-07-14"}}}}}}}}),
      Change("UpdateSupportTerms", kO, O,
             bj::object{{"Terms", bj::array{bj::object{{"Type", "SupportTerm"}, {"RefundPolicy", "No refunds"}}}}}),
      Change("ReleaseOffer", kO, O, bj::object{}),
  })
    changes.push_back(c);
  return changes;
}

struct Instance {
  std::string id, ip;
  Credentials creds;
};

struct ThreadResult {
  std::vector<double> latencies_ms;
  std::vector<std::string> record_ids;
  std::vector<std::string> failures;
  int reconnects = 0;
  steady_clock::time_point finished;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

int Run(const std::string& endpoint, const std::string& imds_port, const std::string& operator_json,
        double seconds, int dims) {
  std::ifstream f(operator_json);
  std::stringstream ss;
  ss << f.rdbuf();
  Credentials op = CredsOf(bj::parse(ss.str()));
  Api api(endpoint);
  auto t0 = steady_clock::now();

  // 1. Accounts.
  bj::value sb = bj::object{{"Type", "SELLER"}, {"Name", "Metering Bench Seller"}};
  bj::value seller_v = api.Json("POST", "/amiplace/v1/accounts", &sb, op, "amiplace", "create seller");
  bj::value bb = bj::object{{"Type", "BUYER"}, {"Name", "Metering Bench Buyer"}};
  bj::value buyer_v = api.Json("POST", "/amiplace/v1/accounts", &bb, op, "amiplace", "create buyer");
  Credentials seller = CredsOf(seller_v), buyer = CredsOf(buyer_v);
  std::string seller_account(seller_v.at("AccountId").as_string());

  // 2. The seller's image, product and offer; then Public.
  std::string xml = api.Ec2(
      "Action=RegisterImage&Name=metering-bench-1.0.0&Architecture=x86_64&VirtualizationType=hvm"
      "&RootDeviceName=" + UrlEncode("/dev/xvda") + "&BlockDeviceMapping.1.DeviceName=" + UrlEncode("/dev/xvda") +
          "&BlockDeviceMapping.1.Ebs.SnapshotId=snap-0123456789abcdef0&BlockDeviceMapping.1.Ebs.Encrypted=false",
      seller, "RegisterImage");
  auto ami = XmlValues(xml, "imageId");
  if (ami.empty()) Fail("RegisterImage answered no imageId: " + xml);
  bj::value d = api.ApplyChangeSet(ProductChanges(ami[0], seller_account, dims), seller);
  std::string product_id;
  for (const auto& c : d.at("ChangeSet").as_array()) {
    if (c.at("ChangeType").as_string() == "CreateProduct") {
      std::string ident(c.at("Entity").at("Identifier").as_string());
      product_id = ident.substr(0, ident.find('@'));
    }
  }
  if (product_id.empty()) Fail("no product in " + bj::serialize(d));
  api.ApplyChangeSet(bj::array{Change("UpdateVisibility", "AmiProduct@1.0", product_id,
                                      bj::object{{"TargetVisibility", "Public"}})},
                     seller);
  bj::value entity = api.Json("GET", "/DescribeEntity?catalog=AWSMarketplace&entityId=" + product_id, nullptr,
                              seller, "aws-marketplace", "DescribeEntity");
  bj::value doc = entity.as_object().contains("DetailsDocument")
                      ? entity.at("DetailsDocument")
                      : bj::parse(entity.at("Details").as_string());
  std::string code(doc.at("Description").at("ProductCode").as_string());

  // 3. The buyer subscribes and launches 64 instances in 4 calls.
  bj::value sub = bj::object{{"ProductId", product_id}};
  api.Json("POST", "/amiplace/v1/subscriptions", &sub, buyer, "amiplace", "subscribe");
  bj::value view = api.Json("GET", "/amiplace/v1/products/" + product_id, nullptr, buyer, "amiplace",
                            "describe-product");
  std::string image(view.at("Versions").at(0).at("Images").at(kRegion).as_string());
  std::vector<Instance> instances;
  for (int l = 0; l < kLaunches; ++l) {
    int n = kInstances / kLaunches;
    std::string out = api.Ec2("Action=RunInstances&ImageId=" + image + "&InstanceType=t3.micro&MinCount=" +
                                  std::to_string(n) + "&MaxCount=" + std::to_string(n),
                              buyer, "RunInstances");
    // Each <item> of instancesSet starts with its instanceId; its first privateIpAddress is its own.
    std::vector<std::string> seen;
    for (size_t p = out.find("<instanceId>"); p != std::string::npos; p = out.find("<instanceId>", p + 1)) {
      size_t b = p + 12, e = out.find("</instanceId>", b);
      std::string id = out.substr(b, e - b);
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      size_t ip = out.find("<privateIpAddress>", e);
      if (ip == std::string::npos) Fail("RunInstances answered no privateIpAddress: " + out);
      ip += 18;
      instances.push_back({id, out.substr(ip, out.find("</privateIpAddress>", ip) - ip), {}});
    }
    if (static_cast<int>(seen.size()) != n) Fail("RunInstances launched " + std::to_string(seen.size()));
  }
  // DescribeInstances settles them (pending → running on the next read).
  api.Ec2("Action=DescribeInstances", buyer, "DescribeInstances");

  // 4. Six hours pass on the marketplace clock, so the last 6 hours follow the instances' launch.
  bj::value adv = bj::object{{"Hours", kHours}};
  bj::value now_v = api.Json("POST", "/amiplace/v1/clock/advance", &adv, op, "amiplace",
                             "advance-clock (the server needs --simulated-clock)");
  std::string now_s(now_v.at("Now").as_string());
  std::tm tm{};
  std::istringstream(now_s) >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  const int64_t now = static_cast<int64_t>(timegm(&tm));

  // 5. Each instance's credentials from its metadata service.
  for (auto& in : instances) {
    Conn imds(in.ip, imds_port);
    Response r = imds.Send("GET", std::string("/latest/meta-data/iam/security-credentials/") + kRole, "", {},
                           nullptr, "");
    if (r.status != 200) Fail("IMDS of " + in.id + " at " + in.ip + ": HTTP " + std::to_string(r.status) + " " + r.body);
    in.creds = CredsOf(bj::parse(r.body), "Token");
  }
  double setup_s = duration<double>(steady_clock::now() - t0).count();
  std::printf("setup: product %s (%s) with %d ExternallyMetered dimensions, %zu instances, clock %s (%.1f s)\n",
              product_id.c_str(), code.c_str(), dims, instances.size(), now_s.c_str(), setup_s);

  // The run: one thread per instance, each metering distinct (dimension, hour) pairs.
  const int per_instance = dims * kHours;
  std::vector<ThreadResult> results(instances.size());
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  steady_clock::time_point start, deadline;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < instances.size(); ++t) {
    threads.emplace_back([&, t] {
      Conn conn = Conn::ForUrl(endpoint);
      const Instance& in = instances[t];
      ThreadResult& res = results[t];
      res.latencies_ms.reserve(per_instance);
      res.record_ids.reserve(per_instance);
      // Open the connection before the clock starts (a harmless, unsigned request).
      conn.Send("GET", "/", "", {}, nullptr, "");
      ++ready;
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < per_instance; ++i) {
        auto sent = steady_clock::now();
        if (sent >= deadline) break;
        int hour = i % kHours, dim = (i / kHours + static_cast<int>(t) * 7) % dims;
        std::string body = "{\"ProductCode\":\"" + code + "\",\"Timestamp\":" + std::to_string(now - hour * 3600) +
                           ",\"UsageDimension\":\"" + DimensionKey(dim) + "\",\"UsageQuantity\":" +
                           std::to_string(1 + (i % 97)) + "}";
        Response r = conn.Send("POST", "/", std::move(body),
                               {{"Content-Type", "application/x-amz-json-1.1"},
                                {"X-Amz-Target", "AWSMPMeteringService.MeterUsage"}},
                               &in.creds, "aws-marketplace");
        auto got = steady_clock::now();
        if (r.status != 200) {
          res.failures.push_back(in.id + " " + DimensionKey(dim) + " -" + std::to_string(hour) +
                                 "h: HTTP " + std::to_string(r.status) + " " + r.body);
          continue;
        }
        res.latencies_ms.push_back(duration<double, std::milli>(got - sent).count());
        auto p = r.body.find("\"MeteringRecordId\":\"");
        if (p != std::string::npos) {
          p += 20;
          res.record_ids.push_back(r.body.substr(p, r.body.find('"', p) - p));
        }
      }
      res.finished = steady_clock::now();
      res.reconnects = conn.reconnects();
    });
  }
  while (ready.load() < static_cast<int>(instances.size())) std::this_thread::sleep_for(milliseconds(1));
  start = steady_clock::now();
  deadline = start + duration_cast<steady_clock::duration>(duration<double>(seconds));
  go = true;
  for (auto& th : threads) th.join();

  steady_clock::time_point end = start;
  std::vector<double> lat;
  std::unordered_set<std::string> ids;
  size_t failures = 0, missing_ids = 0;
  int reconnects = 0;
  for (auto& r : results) {
    end = std::max(end, r.finished);
    lat.insert(lat.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    missing_ids += r.latencies_ms.size() - r.record_ids.size();
    ids.insert(r.record_ids.begin(), r.record_ids.end());
    failures += r.failures.size();
    reconnects += r.reconnects;
    for (size_t i = 0; i < r.failures.size() && i < 3; ++i) std::fprintf(stderr, "FAILED %s\n", r.failures[i].c_str());
  }
  double secs = duration<double>(end - start).count();
  size_t ok = lat.size();
  std::printf("MeterUsage: %zu records (200) in %.2f s over %zu connections, one per instance: %.0f records/s\n",
              ok, secs, instances.size(), ok / secs);
  std::printf("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", Percentile(lat, 0.50),
              Percentile(lat, 0.90), Percentile(lat, 0.99), Percentile(lat, 1.0));
  std::printf("distinct MeteringRecordIds: %zu of %zu; other answers: %zu; reconnects: %d\n", ids.size(), ok,
              failures, reconnects);
  if (failures != 0 || missing_ids != 0 || ids.size() != ok || ok == 0) {
    std::fprintf(stderr, "metering_bench: FAILED (every answer must be a 200 with a new MeteringRecordId)\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3 || args.size() > 5) {
    std::fprintf(stderr, "usage: metering_bench ENDPOINT IMDS_PORT OPERATOR_JSON [SECONDS] [DIMENSIONS]\n");
    return 2;
  }
  double seconds = args.size() > 3 ? std::stod(args[3]) : 15;
  int dims = args.size() > 4 ? std::stoi(args[4]) : 200;
  if (dims < 1 || dims > 200) {
    std::fprintf(stderr, "DIMENSIONS must be 1..200 (AWS's limit per dimension type)\n");
    return 2;
  }
  return Run(args[0], args[1], args[2], seconds, dims);
}
