#include "protocols/imds/imds_handler.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace::protocols {
namespace {

class ImdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-imds-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    identity_ = std::make_unique<MarketplaceIdentity>(*store_);
    credentials_ = std::make_unique<InstanceCredentials>(*store_, clock_);
    handler_ = std::make_unique<ImdsHandler>(*store_, *identity_, *credentials_, clock_, clock_);
    Account buyer{"123456789012", "Buyer", AccountType::kBuyer, clock_.Now()};
    ASSERT_TRUE(store_->CreateAccount(buyer, {"AKIABUYERBUYERBUYER1", buyer.account_id, "s"}).ok());
    Instance i;
    i.instance_id = NewInstanceId();
    i.reservation_id = NewReservationId();
    i.region = "eu-west-1";
    i.owner_account_id = "123456789012";
    i.image_id = "ami-0123456789abcdef0";
    i.instance_type = "m5.large";
    i.state = InstanceState::kRunning;
    i.state_since = i.launched_at = i.launch_time = clock_.Now();
    i.product_codes.push_back({"abcdefghijklmnopqrstuvwxy", "marketplace"});
    auto launch = store_->LaunchInstances({i}, "", "h");
    ASSERT_TRUE(launch.ok()) << launch.status().ToString();
    instance_ = launch->instances.at(0);
  }
  void TearDown() override {
    handler_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  http::Response Call(std::string method, std::string target, std::vector<http::Header> headers = {},
                      std::string local = "") {
    http::Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.local_address = local.empty() ? instance_.private_ip : local;
    return handler_->Handle(req);
  }
  std::string TtlHeader(const http::Response& r) {
    for (const auto& h : r.headers)
      if (h.name == "X-aws-ec2-metadata-token-ttl-seconds") return h.value;
    return "";
  }

  SystemClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MarketplaceIdentity> identity_;
  std::unique_ptr<InstanceCredentials> credentials_;
  std::unique_ptr<ImdsHandler> handler_;
  Instance instance_;
};

TEST_F(ImdsTest, EachInstanceAtItsOwnLoopbackAddress) {
  ASSERT_TRUE(instance_.private_ip.starts_with("127."));
  EXPECT_NE(instance_.private_ip, "127.0.0.1");
  auto r = Call("GET", "/latest/meta-data/instance-id");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, instance_.instance_id);
  EXPECT_EQ(Call("GET", "/latest/meta-data/instance-id", {}, "127.0.0.1").status, 404);
  EXPECT_EQ(Call("GET", "/latest/meta-data/instance-id", {}, "10.1.2.3").status, 403);
}

TEST_F(ImdsTest, PathsAsEc2ServesThem) {
  EXPECT_EQ(Call("GET", "/latest/meta-data/instance-type").body, "m5.large");
  EXPECT_EQ(Call("GET", "/latest/meta-data/ami-id").body, instance_.image_id);
  EXPECT_EQ(Call("GET", "/latest/meta-data/placement/region").body, "eu-west-1");
  EXPECT_EQ(Call("GET", "/latest/meta-data/product-codes").body, "abcdefghijklmnopqrstuvwxy");
  auto index = Call("GET", "/latest/meta-data/").body;
  EXPECT_NE(index.find("product-codes"), std::string::npos);
  EXPECT_NE(index.find("placement/"), std::string::npos);
  EXPECT_EQ(Call("GET", "//latest//meta-data//instance-id").body, instance_.instance_id);
  EXPECT_EQ(Call("GET", "/latest/meta-data/nope").status, 404);
}

TEST_F(ImdsTest, TokensAsImdsV2) {
  auto bad = Call("PUT", "/latest/api/token");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Call("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21601"}}).status, 400);
  EXPECT_EQ(Call("PUT", "/2021-03-23/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}).status, 403);
  EXPECT_EQ(Call("PUT", "/latest/api/token",
                 {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}, {"X-Forwarded-For", "1.2.3.4"}})
                .status,
            403);
  auto ok = Call("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(TtlHeader(ok), "21600");
  EXPECT_EQ(Call("GET", "/latest/meta-data/instance-id", {{"X-aws-ec2-metadata-token", ok.body}}).body,
            instance_.instance_id);
  EXPECT_EQ(Call("GET", "/latest/meta-data/instance-id", {{"X-aws-ec2-metadata-token", "forged"}}).status, 401);
  EXPECT_EQ(Call("GET", "/latest/meta-data/instance-id").status, 200);  // IMDSv1 still works
}

TEST_F(ImdsTest, IdentityDocumentIsSignedForReal) {
  auto doc = Call("GET", "/latest/dynamic/instance-identity/document");
  ASSERT_EQ(doc.status, 200);
  auto parsed = boost::json::parse(doc.body).as_object();
  EXPECT_EQ(parsed.at("instanceId"), boost::json::value(instance_.instance_id));
  EXPECT_EQ(parsed.at("marketplaceProductCodes").at(0), "abcdefghijklmnopqrstuvwxy");
  EXPECT_EQ(parsed.at("region"), "eu-west-1");
  EXPECT_EQ(parsed.at("privateIp"), boost::json::value(instance_.private_ip));

  auto pkcs7 = Call("GET", "/latest/dynamic/instance-identity/pkcs7");
  ASSERT_EQ(pkcs7.status, 200);
  EXPECT_EQ(pkcs7.body.find("BEGIN"), std::string::npos);  // no PEM armour, as AWS serves it
  // Verify as CONTRACT §6 says, with the openssl command line.
  auto cert = identity_->CertificatePem();
  ASSERT_TRUE(cert.ok());
  std::filesystem::path tmp = dir_ / "verify";
  std::filesystem::create_directories(tmp);
  std::ofstream(tmp / "document", std::ios::binary) << doc.body;
  std::ofstream(tmp / "doc.p7") << "-----BEGIN PKCS7-----\n" << pkcs7.body << "\n-----END PKCS7-----\n";
  std::ofstream(tmp / "cert.pem") << *cert;
  std::string cmd = fmt::format(
      "cd '{}' && openssl smime -verify -inform PEM -in doc.p7 -content document -certfile cert.pem "
      "-noverify > /dev/null 2>&1",
      tmp.string());
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::ofstream(tmp / "document", std::ios::binary) << doc.body << " ";
  EXPECT_NE(std::system(cmd.c_str()), 0);
}

TEST_F(ImdsTest, InstanceCredentialsAreServedRotatedAndResolveToTheInstance) {
  EXPECT_EQ(Call("GET", "/latest/meta-data/iam/security-credentials/").body,
            std::string(kInstanceRoleName));
  auto first = Call("GET", fmt::format("/latest/meta-data/iam/security-credentials/{}", kInstanceRoleName));
  ASSERT_EQ(first.status, 200);
  auto creds = boost::json::parse(first.body).as_object();
  EXPECT_EQ(creds.at("Code"), "Success");
  EXPECT_EQ(creds.at("Type"), "AWS-HMAC");
  std::string key(creds.at("AccessKeyId").as_string());
  EXPECT_TRUE(key.starts_with("ASIA"));
  EXPECT_FALSE(creds.at("Token").as_string().empty());
  auto expiration = ParseIso8601(creds.at("Expiration").as_string());
  ASSERT_TRUE(expiration);
  EXPECT_GT(*expiration, clock_.Now() + std::chrono::hours(5));
  // The same credentials until they come close to expiring.
  auto again = boost::json::parse(
      Call("GET", fmt::format("/latest/meta-data/iam/security-credentials/{}", kInstanceRoleName)).body);
  EXPECT_EQ(again.at("AccessKeyId"), creds.at("AccessKeyId"));
  EXPECT_EQ(Call("GET", "/latest/meta-data/iam/security-credentials/other-role").status, 404);

  auto resolved = credentials_->Resolve(key);
  ASSERT_TRUE(resolved.ok());
  ASSERT_TRUE(resolved->has_value());
  EXPECT_EQ((*resolved)->instance.instance_id, instance_.instance_id);
  EXPECT_EQ((*resolved)->credential.session_token, std::string(creds.at("Token").as_string()));
  EXPECT_FALSE(credentials_->Resolve("ASIANOTISSUED0000000")->has_value());

  // Rotated before expiry: a clock 5h50m later gets new ones; the old ones expire at 6h.
  OffsetClock later(std::chrono::minutes(350));
  InstanceCredentials rotating(*store_, later);
  auto rotated = rotating.Current(instance_);
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->access_key_id, key);
  OffsetClock expired(std::chrono::minutes(361));
  InstanceCredentials after(*store_, expired);
  EXPECT_FALSE(after.Resolve(key)->has_value());
  EXPECT_TRUE(after.Resolve(rotated->access_key_id)->has_value());
}

}  // namespace
}  // namespace amiplace::protocols
