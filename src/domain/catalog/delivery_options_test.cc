// AddDeliveryOptions / UpdateDeliveryOptions / RestrictDeliveryOptions, and AddRegions' copies.
#include <gtest/gtest.h>

#include <map>

#include "domain/catalog/product_document.h"
#include "domain/changeset/engine.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

class DeliveryOptionsTest : public ::testing::Test {
 protected:
  Account owner{"111111111111", "Seller", AccountType::kSeller, {}};
  std::map<std::string, Entity, std::less<>> db;
  std::vector<Image> images;  // stored images

  void SetUp() override {
    images.push_back(SellerImage("ami-0123456789abcdef0", "us-east-1", owner.account_id));
    auto cs = Set({Make("CreateProduct", "", "{}")});
    Run(cs);
    product = cs.changes[0].resolved_entity_id;
    RunChanges({Make("AddInstanceTypes", product, R"({"InstanceTypes":["m5.large","t3.micro"]})")});
  }
  static Image SellerImage(std::string id, std::string region, std::string account) {
    Image img;
    img.image_id = std::move(id);
    img.region = std::move(region);
    img.owner_account_id = std::move(account);
    img.name = "seller-image-" + img.image_id;
    img.architecture = "x86_64";
    img.root_device_name = "/dev/xvda";
    img.block_device_mappings.push_back({"/dev/xvda", EbsBlockDevice{.snapshot_id = "snap-0123456789abcdef0"}});
    return img;
  }
  Change Make(std::string type, std::string id, std::string details) {
    Change c;
    c.change_type = std::move(type);
    c.entity_type = "AmiProduct@1.0";
    c.entity_identifier = std::move(id);
    c.details = bj::parse(details);
    return c;
  }
  ChangeSet Set(std::vector<Change> changes) {
    ChangeSet cs;
    cs.owner_account_id = owner.account_id;
    cs.changes = std::move(changes);
    return cs;
  }
  ProcessOutcome RunChanges(std::vector<Change> changes) {
    ChangeSet cs = Set(std::move(changes));
    return Run(cs);
  }
  ProcessOutcome Run(ChangeSet& cs) {
    EntitySource s([this](std::string_view id) -> std::optional<Entity> {
      auto it = db.find(id);
      if (it == db.end()) return std::nullopt;
      return it->second;
    });
    s.image = [this](std::string_view region, std::string_view id) -> std::optional<Image> {
      for (const auto& i : images)
        if (i.region == region && i.image_id == id) return i;
      return std::nullopt;
    };
    auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, s);
    for (const auto& e : out.changed_entities) db[e.id] = e;
    images.insert(images.end(), out.new_images.begin(), out.new_images.end());
    last_new_images = out.new_images;
    return out;
  }
  std::string AddVersion(std::string title, std::string ami = "ami-0123456789abcdef0",
                         std::string recommended = "m5.large", ChangeSetStatus expect = ChangeSetStatus::kSucceeded) {
    auto cs = Set({Make("AddDeliveryOptions", product, Details(title, ami, recommended))});
    auto out = Run(cs);
    EXPECT_EQ(out.status, expect) << (cs.changes[0].errors.empty() ? "" : cs.changes[0].errors[0].message);
    errors = cs.changes[0].errors;
    return out.status == ChangeSetStatus::kSucceeded ? LastOptionId() : "";
  }
  static std::string Details(std::string title, std::string ami, std::string recommended) {
    return fmt::format(R"({{"Version":{{"VersionTitle":"{}","ReleaseNotes":"notes"}},
      "DeliveryOptions":[{{"Details":{{"AmiDeliveryOptionDetails":{{
        "AmiSource":{{"AmiId":"{}","AccessRoleArn":"arn:aws:iam::111111111111:role/Ingest",
          "UserName":"ec2-user","OperatingSystemName":"AMAZONLINUX","OperatingSystemVersion":"2023"}},
        "UsageInstructions":"ssh in","RecommendedInstanceType":"{}",
        "SecurityGroups":[{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":["0.0.0.0/0"]}}]}}}}}}]}})",
                       title, ami, recommended);
  }
  const bj::array& Versions() { return db.at(product).details.at("Versions").as_array(); }
  std::string LastOptionId() {
    return std::string(Versions().back().at("DeliveryOptions").at(0).at("Id").as_string());
  }
  bool HasError(std::string_view code) {
    for (const auto& e : errors)
      if (e.code == code) return true;
    return false;
  }

  std::string product;
  std::vector<ErrorDetail> errors;
  std::vector<Image> last_new_images;
};

TEST_F(DeliveryOptionsTest, AddsAVersionAndTheMarketplacesCopies) {
  RunChanges({Make("AddRegions", product, R"({"Regions":["us-east-1","eu-west-1"]})")});
  AddVersion("1.0.0");
  ASSERT_EQ(Versions().size(), 1u);
  const auto& v = Versions()[0].as_object();
  EXPECT_EQ(v.at("VersionTitle"), "1.0.0");
  const auto& source = v.at("Sources").at(0).as_object();
  std::string marketplace_ami(source.at("Image").as_string());
  EXPECT_NE(marketplace_ami, "ami-0123456789abcdef0");
  const auto& option = v.at("DeliveryOptions").at(0).as_object();
  EXPECT_EQ(option.at("Visibility"), "Public");
  EXPECT_EQ(option.at("Recommendations").at("SecurityGroups").at(0).at("CidrIps").at(0), "0.0.0.0/0");
  EXPECT_EQ(option.at("Recommendations").at("SecurityGroups").at(0).at("Protocol"), "tcp");
  EXPECT_EQ(option.at("AmiAlias"), bj::value(fmt::format("/aws/service/marketplace/{}/1.0.0", product)));
  // One copy in us-east-1 and one in eu-west-1, owned by the marketplace, with the product code.
  ASSERT_EQ(last_new_images.size(), 2u);
  std::string code = IndexOf(db.at(product)).product_code;
  for (const auto& img : last_new_images) {
    EXPECT_TRUE(img.IsMarketplaceImage());
    ASSERT_EQ(img.product_codes.size(), 1u);
    EXPECT_EQ(img.product_codes[0].product_code_id, code);
  }
  EXPECT_EQ(last_new_images[0].image_id, marketplace_ami);
  EXPECT_EQ(last_new_images[1].region, "eu-west-1");
}

TEST_F(DeliveryOptionsTest, ValidateIntentMakesNoCopy) {
  auto cs = Set({Make("AddDeliveryOptions", product, Details("1.0.0", "ami-0123456789abcdef0", "m5.large"))});
  cs.intent = Intent::kValidate;
  auto out = Run(cs);
  EXPECT_EQ(out.status, ChangeSetStatus::kSucceeded);
  EXPECT_TRUE(out.new_images.empty());
  EXPECT_TRUE(out.changed_entities.empty());
}

TEST_F(DeliveryOptionsTest, IngestionRefusesImagesAwsWouldRefuse) {
  AddVersion("1.0.0", "ami-0000000000000000a", "m5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("ASSET_NOT_FOUND"));

  images.push_back(SellerImage("ami-0000000000000000b", "us-east-1", "222222222222"));
  AddVersion("1.0.0", "ami-0000000000000000b", "m5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("INVALID_AMI_ID"));

  images.push_back(SellerImage("ami-0000000000000000c", "eu-west-1", owner.account_id));
  AddVersion("1.0.0", "ami-0000000000000000c", "m5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("ASSET_NOT_FOUND"));  // not in us-east-1

  Image encrypted = SellerImage("ami-0000000000000000d", "us-east-1", owner.account_id);
  encrypted.block_device_mappings[0].ebs->encrypted = true;
  images.push_back(encrypted);
  AddVersion("1.0.0", "ami-0000000000000000d", "m5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("SCAN_ERROR"));

  Image i386 = SellerImage("ami-0000000000000000e", "us-east-1", owner.account_id);
  i386.architecture = "i386";
  i386.virtualization_type = "paravirtual";
  images.push_back(i386);
  AddVersion("1.0.0", "ami-0000000000000000e", "m5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("INVALID_AMI_ARCHITECTURE"));
  EXPECT_TRUE(HasError("INVALID_AMI_VIRTUALIZATION_TYPE"));

  AddVersion("1.0.0", "ami-0123456789abcdef0", "c5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("RECOMMENDED_INSTANCE_TYPE_NOT_AVAILABLE"));
  EXPECT_TRUE(Versions().empty());
}

TEST_F(DeliveryOptionsTest, VersionTitlesAreUnique) {
  AddVersion("1.0.0");
  images.push_back(SellerImage("ami-0000000000000000f", "us-east-1", owner.account_id));
  AddVersion("1.0.0", "ami-0000000000000000f", "m5.large", ChangeSetStatus::kFailed);
  EXPECT_TRUE(HasError("DUPLICATE_VERSION_TITLE"));
}

TEST_F(DeliveryOptionsTest, SynchronousChecksNameTheField) {
  auto plan = PlanChangeSet({Make("AddDeliveryOptions", product,
                                  R"({"Version":{"VersionTitle":"1","ReleaseNotes":"n"},"DeliveryOptions":[{"Details":{"AmiDeliveryOptionDetails":{}}}]})")},
                            BuiltinChangeTypes());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("DeliveryOptions[0].Details.AmiDeliveryOptionDetails.AmiSource"),
            std::string::npos)
      << plan.status().message();
  std::string bad_cidr = Details("1", "ami-0123456789abcdef0", "m5.large");
  auto bad = PlanChangeSet({Make("AddDeliveryOptions", product, R"({"Version":{"VersionTitle":"1"}})")},
                           BuiltinChangeTypes());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ReleaseNotes"), std::string::npos);
}

TEST_F(DeliveryOptionsTest, UpdateChangesVersionInformation) {
  std::string option = AddVersion("1.0.0");
  auto cs = Set({Make("UpdateDeliveryOptions", product,
                      fmt::format(R"({{"Version":{{"ReleaseNotes":"Upgrade to 1.1.1"}},
                        "DeliveryOptions":[{{"Id":"{}","Details":{{"AmiDeliveryOptionDetails":{{"UsageInstructions":"new"}}}}}}]}})",
                                  option))});
  ASSERT_EQ(Run(cs).status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(Versions()[0].at("ReleaseNotes"), "Upgrade to 1.1.1");
  EXPECT_EQ(Versions()[0].at("DeliveryOptions").at(0).at("Instructions").at("Usage"), "new");
  auto unknown = Set({Make("UpdateDeliveryOptions", product, R"({"DeliveryOptions":[{"Id":"nope"}]})")});
  EXPECT_EQ(Run(unknown).status, ChangeSetStatus::kFailed);
  EXPECT_EQ(unknown.changes[0].errors.at(0).code, "INVALID_DELIVERY_OPTION_IDS");
}

TEST_F(DeliveryOptionsTest, RestrictKeepsTheLastVersionAvailable) {
  std::string first = AddVersion("1.0.0");
  auto last = Set({Make("RestrictDeliveryOptions", product, fmt::format(R"({{"DeliveryOptionIds":["{}"]}})", first))});
  EXPECT_EQ(Run(last).status, ChangeSetStatus::kFailed);
  EXPECT_EQ(last.changes[0].errors.at(0).code, "ALL_DELIVERY_OPTIONS_RESTRICTED");

  images.push_back(SellerImage("ami-00000000000000011", "us-east-1", owner.account_id));
  AddVersion("1.1.0", "ami-00000000000000011");
  auto ok = Set({Make("RestrictDeliveryOptions", product, fmt::format(R"({{"DeliveryOptionIds":["{}"]}})", first))});
  ASSERT_EQ(Run(ok).status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(Versions()[0].at("DeliveryOptions").at(0).at("Visibility"), "Restricted");
  auto again = Set({Make("RestrictDeliveryOptions", product, fmt::format(R"({{"DeliveryOptionIds":["{}"]}})", first))});
  EXPECT_EQ(Run(again).status, ChangeSetStatus::kFailed);
  EXPECT_EQ(again.changes[0].errors.at(0).code, "INVALID_DELIVERY_OPTION");
}

TEST_F(DeliveryOptionsTest, AddRegionsCopiesEveryVersionsImage) {
  AddVersion("1.0.0");
  auto cs = Set({Make("AddRegions", product, R"({"Regions":["ap-south-1","sa-east-1"]})")});
  ASSERT_EQ(Run(cs).status, ChangeSetStatus::kSucceeded);
  ASSERT_EQ(last_new_images.size(), 2u);
  EXPECT_EQ(last_new_images[0].region, "ap-south-1");
  EXPECT_EQ(last_new_images[1].region, "sa-east-1");
  EXPECT_EQ(last_new_images[0].source_image_id, std::string(Versions()[0].at("Sources").at(0).at("Image").as_string()));
}

}  // namespace
}  // namespace amiplace
