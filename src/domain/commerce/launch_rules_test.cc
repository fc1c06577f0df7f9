#include "domain/commerce/launch_rules.h"

#include <gtest/gtest.h>

namespace amiplace {
namespace {

namespace bj = boost::json;

const TimePoint kRestricted = FromEpochMillis(1'700'000'000'000);

// A product in us-east-1 and us-west-2 (eu-west-1 restricted), on t3.micro and t3.small, with
// version v1 (restricted at kRestricted; its AMI source ami-…1) and v2 (available, ami-…2, arm64
// so only t4g.micro).
Entity Product() {
  Entity p;
  p.id = "prod-abcdefghijklm";
  p.type = std::string(kAmiProductType);
  p.owner_account_id = "222222222222";
  p.details = bj::parse(R"({
    "Description": {"ProductCode": "code0000000000000000000001", "Visibility": "Public"},
    "RegionAvailability": {"Regions": ["us-east-1", "us-west-2"], "Restrict": ["eu-west-1"]},
    "Compatibility": {"AvailableInstanceTypes": ["t3.micro", "t3.small", "t4g.micro"],
                      "RestrictedInstanceTypes": ["t3.large"]},
    "Versions": [
      {"Id": "v1",
       "Sources": [{"Type": "AmazonMachineImage", "Image": "ami-00000000000000001",
                    "Compatibility": {"AvailableInstanceTypes": ["t3.micro", "t3.small"]}}],
       "DeliveryOptions": [{"Id": "o1", "Visibility": "Restricted",
                            "RestrictionDate": "2023-11-14T22:13:20.000Z"}]},
      {"Id": "v2",
       "Sources": [{"Type": "AmazonMachineImage", "Image": "ami-00000000000000002",
                    "Compatibility": {"AvailableInstanceTypes": ["t4g.micro"]}}],
       "DeliveryOptions": [{"Id": "o2", "Visibility": "Public"}]}
    ]})").as_object();
  return p;
}

Image MarketplaceImage(std::string id, std::string region, std::string source = "") {
  Image i;
  i.image_id = std::move(id);
  i.region = std::move(region);
  i.owner_account_id = std::string(kMarketplaceAccountId);
  i.owner_alias = std::string(kMarketplaceOwnerAlias);
  i.source_image_id = std::move(source);
  i.product_codes.push_back({"code0000000000000000000001", "marketplace"});
  return i;
}

Subscription Active(TimePoint created) {
  Subscription s;
  s.id = "sub-1";
  s.buyer_account_id = "111111111111";
  s.product_id = "prod-abcdefghijklm";
  s.created_at = created;
  return s;
}

class LaunchRulesTest : public ::testing::Test {
 protected:
  LaunchRefusal Check(std::string region, std::string type, std::string version = "v2") {
    MarketplaceLaunch l;
    l.product = &product_;
    l.region = std::move(region);
    l.instance_type = std::move(type);
    l.subscription = subscription_ ? &*subscription_ : nullptr;
    l.version = VersionById(product_, version);
    l.launched_in_region_before = launched_before_;
    return CheckMarketplaceLaunch(l);
  }

  Entity product_ = Product();
  std::optional<Subscription> subscription_ = Active(kRestricted - Millis(1000));
  bool launched_before_ = false;
};

TEST_F(LaunchRulesTest, ASubscribedBuyerLaunchesAnAvailableVersion) {
  EXPECT_EQ(Check("us-east-1", "t4g.micro"), LaunchRefusal::kNone);
  EXPECT_EQ(Check("us-west-2", "t4g.micro"), LaunchRefusal::kNone);
}

TEST_F(LaunchRulesTest, NoActiveSubscriptionIsOptInRequired) {
  subscription_.reset();
  EXPECT_EQ(Check("us-east-1", "t4g.micro"), LaunchRefusal::kNotSubscribed);
  subscription_ = Active(kRestricted);
  subscription_->status = SubscriptionStatus::kCancelled;
  EXPECT_EQ(Check("us-east-1", "t4g.micro"), LaunchRefusal::kNotSubscribed);
  // An image whose code names no product: nobody can be subscribed to it.
  MarketplaceLaunch l;
  l.region = "us-east-1";
  l.instance_type = "t3.micro";
  EXPECT_EQ(CheckMarketplaceLaunch(l), LaunchRefusal::kNotSubscribed);
}

TEST_F(LaunchRulesTest, RegionsOutsideTheProductAreRefused) {
  EXPECT_EQ(Check("ap-south-1", "t4g.micro"), LaunchRefusal::kRegion);
  // A restricted region stays open to buyers already running the product there.
  EXPECT_EQ(Check("eu-west-1", "t4g.micro"), LaunchRefusal::kRegion);
  launched_before_ = true;
  EXPECT_EQ(Check("eu-west-1", "t4g.micro"), LaunchRefusal::kNone);
  EXPECT_EQ(Check("ap-south-1", "t4g.micro"), LaunchRefusal::kRegion)
      << "never offered there: prior instances do not matter";
}

TEST_F(LaunchRulesTest, InstanceTypesOutsideTheProductOrVersionAreRefused) {
  EXPECT_EQ(Check("us-east-1", "t3.large"), LaunchRefusal::kInstanceType) << "restricted type";
  EXPECT_EQ(Check("us-east-1", "m5.large"), LaunchRefusal::kInstanceType) << "never offered";
  EXPECT_EQ(Check("us-east-1", "t3.micro"), LaunchRefusal::kInstanceType)
      << "the product offers it, but version v2's (arm64) AMI does not";
  EXPECT_EQ(Check("us-east-1", "m1.small"), LaunchRefusal::kInstanceType) << "EC2's default";
}

TEST_F(LaunchRulesTest, ARestrictedVersionServesOnlyBuyersEntitledBeforeTheRestriction) {
  EXPECT_EQ(Check("us-east-1", "t3.micro", "v1"), LaunchRefusal::kNone);
  subscription_ = Active(kRestricted);
  EXPECT_EQ(Check("us-east-1", "t3.micro", "v1"), LaunchRefusal::kVersionRestricted)
      << "subscribed at the very moment of the restriction: not before it";
  subscription_ = Active(kRestricted + Millis(60'000));
  EXPECT_EQ(Check("us-east-1", "t3.micro", "v1"), LaunchRefusal::kVersionRestricted);
  EXPECT_EQ(Check("us-east-1", "t4g.micro", "v2"), LaunchRefusal::kNone);
}

TEST_F(LaunchRulesTest, RefusalsComeInEc2sOrder) {
  subscription_.reset();
  EXPECT_EQ(Check("ap-south-1", "m5.large", "v1"), LaunchRefusal::kNotSubscribed);
  subscription_ = Active(kRestricted + Millis(1));
  EXPECT_EQ(Check("ap-south-1", "m5.large", "v1"), LaunchRefusal::kRegion);
  EXPECT_EQ(Check("us-east-1", "m5.large", "v1"), LaunchRefusal::kInstanceType);
  EXPECT_EQ(Check("us-east-1", "t3.micro", "v1"), LaunchRefusal::kVersionRestricted);
}

TEST(VersionOfImageTest, FindsTheVersionOfEachRegionsCopy) {
  const Entity p = Product();
  auto east = VersionOfImage(p, MarketplaceImage("ami-00000000000000001", "us-east-1"));
  ASSERT_TRUE(east);
  EXPECT_EQ(east->version_id, "v1");
  EXPECT_TRUE(east->restricted);
  ASSERT_TRUE(east->restriction_date);
  EXPECT_EQ(*east->restriction_date, kRestricted);
  EXPECT_EQ(east->instance_types, (std::vector<std::string>{"t3.micro", "t3.small"}));
  // A copy in another region names the us-east-1 copy as its source.
  auto west = VersionOfImage(
      p, MarketplaceImage("ami-0000000000000000a", "us-west-2", "ami-00000000000000002"));
  ASSERT_TRUE(west);
  EXPECT_EQ(west->version_id, "v2");
  EXPECT_FALSE(west->restricted);
  EXPECT_FALSE(VersionOfImage(p, MarketplaceImage("ami-0000000000000000b", "us-east-1")));
  EXPECT_FALSE(VersionById(p, "v3"));
  EXPECT_FALSE(VersionById(p, ""));
}

TEST(InstanceTypeRulesTest, KnowsTypesAndArchitectures) {
  EXPECT_TRUE(IsLaunchableInstanceType("t3.micro"));
  EXPECT_TRUE(IsLaunchableInstanceType("m1.small"));
  EXPECT_FALSE(IsLaunchableInstanceType("x9.huge"));
  EXPECT_TRUE(InstanceTypeRunsArchitecture("t3.micro", "x86_64"));
  EXPECT_TRUE(InstanceTypeRunsArchitecture("m1.small", "i386"));
  EXPECT_FALSE(InstanceTypeRunsArchitecture("t3.micro", "arm64"));
  EXPECT_TRUE(InstanceTypeRunsArchitecture("t4g.micro", "arm64"));
  EXPECT_FALSE(InstanceTypeRunsArchitecture("t4g.micro", "x86_64"));
  EXPECT_FALSE(InstanceTypeRunsArchitecture("t3.micro", "x86_64_mac"));
  EXPECT_EQ(InstanceTypeArchitecture("m7g.large"), "arm64");
  EXPECT_EQ(InstanceTypeArchitecture("x9.huge"), "");
}

}  // namespace
}  // namespace amiplace
