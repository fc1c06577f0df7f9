// The EC2 query protocol through the in-process harness: the real router, services and SQLite
// store, driven without a socket.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "app/change_set_processor.h"
#include "core/ids.h"
#include "core/resources.h"
#include "protocols/router.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace::protocols {
namespace {

constexpr char kRegister[] =
    "Action=RegisterImage&Version=2016-11-15&Name={}&Architecture=x86_64&VirtualizationType=hvm"
    "&RootDeviceName=%2Fdev%2Fxvda&BlockDeviceMapping.1.DeviceName=%2Fdev%2Fxvda"
    "&BlockDeviceMapping.1.Ebs.SnapshotId=snap-0123456789abcdef0"
    "&BlockDeviceMapping.1.Ebs.Encrypted=false&EnaSupport=true";

class Ec2RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-ec2-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    accounts_ = std::make_unique<AccountService>(*store_);
    op_ = **accounts_->Bootstrap(clock_.Now());
    model_ = std::make_unique<model::ServiceModel>(
        std::move(model::ServiceModel::Load(resources::Find("marketplace-catalog.service-2.json")))
            .value());
    catalog_ = std::make_unique<CatalogService>(*store_, clock_, BuiltinChangeTypes(),
                                                CatalogService::Options{});
    catalog_api_ = std::make_unique<CatalogApi>(*catalog_, *model_);
    processor_ = std::make_unique<ChangeSetProcessor>(*store_, clock_, BuiltinChangeTypes());
    reviews_ = std::make_unique<ReviewService>(*store_, *processor_);
    buyers_ = std::make_unique<BuyerService>(*store_, clock_);
    amiplace_api_ = std::make_unique<AmiplaceApi>(*accounts_, *reviews_, *buyers_, clock_);
    images_ = std::make_unique<ImageService>(*store_, clock_);
    ec2_api_ = std::make_unique<Ec2Api>(*images_);
    router_ = std::make_unique<Router>(*accounts_, *catalog_api_, *amiplace_api_, clock_, nullptr,
                                       ec2_api_.get());
    Caller operator_caller{op_.account, op_.credential.access_key_id, "us-east-1"};
    seller_ = accounts_->CreateAccount(operator_caller, "SELLER", "Seller", clock_.Now()).value();
    other_ = accounts_->CreateAccount(operator_caller, "SELLER", "Other", clock_.Now()).value();
  }
  void TearDown() override {
    router_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static http::Request FormRequest(std::string body) {
    http::Request req;
    req.method = "POST";
    req.target = "/";
    req.headers = {{"Host", "127.0.0.1:8080"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = std::move(body);
    return req;
  }
  http::Response Call(const NewAccount& who, std::string body, std::string region = "us-east-1",
                      TimePoint at = {}) {
    sigv4::OutgoingRequest out;
    out.method = "POST";
    out.path = "/";
    out.headers = FormRequest("").headers;
    out.body = body;
    sigv4::Sign(out, {who.credential.access_key_id, who.credential.secret_access_key, ""}, region,
                "ec2", at == TimePoint{} ? clock_.Now() : at);
    http::Request req = FormRequest(std::move(body));
    req.headers = out.headers;
    return router_->Handle(req);
  }
  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& h : r.headers)
      if (h.name == name) return h.value;
    return "";
  }
  // The text of the first <tag> in `xml`.
  static std::string Tag(const std::string& xml, const std::string& tag) {
    std::smatch m;
    if (!std::regex_search(xml, m, std::regex("<" + tag + ">([^<]*)</" + tag + ">"))) return "";
    return m[1];
  }
  std::string Register(const NewAccount& who, std::string name, std::string region = "us-east-1") {
    auto r = Call(who, fmt::format(kRegister, name), region);
    EXPECT_EQ(r.status, 200) << r.body;
    return Tag(r.body, "imageId");
  }

  SystemClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountService> accounts_;
  NewAccount op_, seller_, other_;
  std::unique_ptr<model::ServiceModel> model_;
  std::unique_ptr<CatalogService> catalog_;
  std::unique_ptr<CatalogApi> catalog_api_;
  std::unique_ptr<ChangeSetProcessor> processor_;
  std::unique_ptr<ReviewService> reviews_;
  std::unique_ptr<BuyerService> buyers_;
  std::unique_ptr<AmiplaceApi> amiplace_api_;
  std::unique_ptr<ImageService> images_;
  std::unique_ptr<Ec2Api> ec2_api_;
  std::unique_ptr<Router> router_;
};

TEST_F(Ec2RouterTest, RegisterDescribeDeregister) {
  auto r = Call(seller_, fmt::format(kRegister, "my+app+%281.0%29"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "text/xml;charset=UTF-8");
  EXPECT_FALSE(Header(r, "x-amzn-RequestId").empty());
  EXPECT_NE(
      r.body.find("<RegisterImageResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"),
      std::string::npos)
      << r.body;
  EXPECT_EQ(Tag(r.body, "requestId"), Header(r, "x-amzn-RequestId"));
  const std::string id = Tag(r.body, "imageId");
  EXPECT_TRUE(IsValidImageId(id)) << r.body;

  r = Call(seller_, "Action=DescribeImages&Version=2016-11-15&Owner.1=self");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Tag(r.body, "imageId"), id);
  EXPECT_EQ(Tag(r.body, "name"), "my app (1.0)");
  EXPECT_EQ(Tag(r.body, "imageState"), "available");
  EXPECT_EQ(Tag(r.body, "imageOwnerId"), seller_.account.account_id);
  EXPECT_EQ(Tag(r.body, "isPublic"), "false");
  EXPECT_EQ(Tag(r.body, "snapshotId"), "snap-0123456789abcdef0");
  EXPECT_EQ(Tag(r.body, "encrypted"), "false");
  EXPECT_EQ(Tag(r.body, "rootDeviceName"), "/dev/xvda");
  EXPECT_EQ(Tag(r.body, "enaSupport"), "true");
  EXPECT_EQ(Tag(r.body, "hypervisor"), "xen");
  EXPECT_EQ(Tag(r.body, "imageType"), "machine");

  r = Call(seller_, "Action=DeregisterImage&Version=2016-11-15&ImageId=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Tag(r.body, "return"), "true");
  r = Call(seller_, "Action=DescribeImages&Version=2016-11-15&Owner.1=self");
  EXPECT_EQ(Tag(r.body, "imageId"), "");
}

TEST_F(Ec2RouterTest, ErrorsHaveEc2sXmlShape) {
  auto r = Call(seller_, "Action=DescribeImages&ImageId.1=ami-0123456789abcdef0");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Header(r, "Content-Type"), "text/xml;charset=UTF-8");
  EXPECT_TRUE(
      r.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors>"
                         "<Error><Code>InvalidAMIID.NotFound</Code>"))
      << r.body;
  EXPECT_EQ(Tag(r.body, "Message"),
            "The image id &apos;[ami-0123456789abcdef0]&apos; does not exist");
  EXPECT_EQ(Tag(r.body, "RequestID"), Header(r, "x-amzn-RequestId"));
}

TEST_F(Ec2RouterTest, ParameterErrors) {
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string mention;
  };
  const std::vector<Case> cases = {
      {"Version=2016-11-15", 400, "MissingAction", "Action"},
      {"Action=RunInstancez", 400, "InvalidAction", "RunInstancez"},
      {"Action=RegisterImage&RootDeviceName=%2Fdev%2Fxvda", 400, "MissingParameter", "Name"},
      {"Action=DescribeImages&Colour=red", 400, "UnknownParameter", "Colour"},
      {"Action=RegisterImage&Name=abc&BlockDeviceMapping.1.Ebs.Size=3", 400, "UnknownParameter",
       "BlockDeviceMapping.1.Ebs.Size"},
      {"Action=RegisterImage&Name=abc&EnaSupport=yes", 400, "InvalidParameterValue", "EnaSupport"},
      {"Action=RegisterImage&Name=abc&BlockDeviceMapping.1.Ebs.VolumeSize=big", 400,
       "InvalidParameterValue", "VolumeSize"},
      {"Action=RegisterImage&Name=a%2Ab", 400, "InvalidAMIName.Malformed", "128"},
      {"Action=DescribeImages&Filter.1.Value.1=x", 400, "MissingParameter", "Filter.1.Name"},
      {"Action=DescribeImages&Filter.1.Name=colour&Filter.1.Value.1=x", 400,
       "InvalidParameterValue", "colour"},
      {"Action=DeregisterImage", 400, "MissingParameter", "ImageId"},
      {"Action=DeregisterImage&ImageId=ami-1", 400, "InvalidAMIID.Malformed", "ami-1"},
      {"Action=DescribeImages&DryRun=true", 412, "DryRunOperation", "DryRun"},
      {"Action=DescribeImages&Name=%ZZ", 400, "InvalidQueryParameter", "escape"},
  };
  for (const auto& c : cases) {
    auto r = Call(seller_, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << "\n" << r.body;
    EXPECT_EQ(Tag(r.body, "Code"), c.code) << c.body;
    EXPECT_NE(Tag(r.body, "Message").find(c.mention), std::string::npos) << c.body << "\n"
                                                                         << r.body;
  }
}

TEST_F(Ec2RouterTest, AuthenticationFailuresUseEc2Codes) {
  // Unsigned.
  http::Request unsigned_req = FormRequest("Action=DescribeImages");
  auto r = router_->Handle(unsigned_req);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Tag(r.body, "Code"), "MissingAuthenticationToken");
  // A wrong secret and an unknown key: EC2's AuthFailure.
  NewAccount forged = seller_;
  forged.credential.secret_access_key = "wrong";
  r = Call(forged, "Action=DescribeImages");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Tag(r.body, "Code"), "AuthFailure");
  EXPECT_EQ(Tag(r.body, "Message"), "AWS was not able to validate the provided access credentials");
  forged.credential.access_key_id = "AKIAUNKNOWNUNKNOWNXX";
  r = Call(forged, "Action=DescribeImages");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Tag(r.body, "Code"), "AuthFailure");
  // A clock more than 15 minutes off.
  r = Call(seller_, "Action=DescribeImages", "us-east-1", clock_.Now() - std::chrono::minutes(20));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Tag(r.body, "Code"), "RequestExpired");
  // Signed for another service.
  sigv4::OutgoingRequest out;
  out.method = "POST";
  out.path = "/";
  out.headers = FormRequest("").headers;
  out.body = "Action=DescribeImages";
  sigv4::Sign(out, {seller_.credential.access_key_id, seller_.credential.secret_access_key, ""},
              "us-east-1", "aws-marketplace", clock_.Now());
  http::Request req = FormRequest(out.body);
  req.headers = out.headers;
  r = router_->Handle(req);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Tag(r.body, "Code"), "AuthFailure");
}

TEST_F(Ec2RouterTest, ImagesAreRegionalAndPrivate) {
  const std::string west = Register(seller_, "west-image", "us-west-2");
  auto r = Call(seller_, "Action=DescribeImages&Owner.1=self", "us-east-1");
  EXPECT_EQ(Tag(r.body, "imageId"), "");
  r = Call(seller_, "Action=DescribeImages&Owner.1=self", "us-west-2");
  EXPECT_EQ(Tag(r.body, "imageId"), west);
  r = Call(other_, "Action=DescribeImages", "us-west-2");
  EXPECT_EQ(Tag(r.body, "imageId"), "");
  r = Call(other_, "Action=DescribeImages&ImageId.1=" + west, "us-west-2");
  EXPECT_EQ(Tag(r.body, "Code"), "InvalidAMIID.NotFound");
  r = Call(other_, "Action=DeregisterImage&ImageId=" + west, "us-west-2");
  EXPECT_EQ(Tag(r.body, "Code"), "InvalidAMIID.NotFound");
}

TEST_F(Ec2RouterTest, DescribeRunsOnNetworkThreadsAndWritesOnThePool) {
  EXPECT_FALSE(router_->IsBlocking(FormRequest("Action=DescribeImages&Version=2016-11-15")));
  EXPECT_TRUE(router_->IsBlocking(FormRequest("Action=RegisterImage&Name=x")));
  EXPECT_TRUE(router_->IsBlocking(FormRequest("Version=1&Action=DeregisterImage")));
  http::Request get;
  get.method = "GET";
  get.target = "/?Action=DescribeImages&Version=2016-11-15";
  EXPECT_TRUE(Ec2Api::Matches(get));
  EXPECT_FALSE(router_->IsBlocking(get));
}

TEST_F(Ec2RouterTest, GetWithQueryWorksToo) {
  const std::string id = Register(seller_, "via-get");
  sigv4::OutgoingRequest out;
  out.method = "GET";
  out.path = "/";
  out.query =
      "Action=DescribeImages&Filter.1.Name=name&Filter.1.Value.1=via-%2A&Version=2016-11-15";
  out.headers = {{"Host", "127.0.0.1:8080"}};
  sigv4::Sign(out, {seller_.credential.access_key_id, seller_.credential.secret_access_key, ""},
              "us-east-1", "ec2", clock_.Now());
  http::Request req;
  req.method = "GET";
  req.target = "/?" + out.query;
  req.headers = out.headers;
  auto r = router_->Handle(req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Tag(r.body, "imageId"), id);
}

TEST_F(Ec2RouterTest, RefusedRequestsAnswerInXml) {
  auto r = router_->Refuse(FormRequest(""), 413, "The request body is over 12 MB");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Tag(r.body, "Code"), "RequestEntityTooLarge");
}

}  // namespace
}  // namespace amiplace::protocols
