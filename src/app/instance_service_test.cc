// InstanceService on the real SQLite store, with a product and its marketplace images seeded as
// the change-set worker would write them, and a clock the tests move.
#include "app/instance_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr char kCode[] = "code0000000000000000000001";
constexpr char kBuyer[] = "111111111111";
constexpr char kOther[] = "333333333333";
constexpr char kSeller[] = "222222222222";
const TimePoint kT0 = FromEpochMillis(1'700'000'000'000);

class ManualClock final : public Clock {
 public:
  TimePoint Now() const override { return now; }
  TimePoint now = kT0;
};

// The EC2 code an Ec2Error Status carries.
std::string Ec2Code(const Status& s) { return s.message().substr(0, s.message().find(':')); }

class InstanceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-instances-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    images_ = std::make_unique<ImageService>(*store_, clock_);
    service_ = std::make_unique<InstanceService>(
        *store_, *images_, clock_, InstanceService::Options{.settle_delay = Millis(1000)});
    SeedProduct();
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Image Copy(std::string id, std::string region, std::string source) {
    Image i;
    i.image_id = std::move(id);
    i.region = std::move(region);
    i.owner_account_id = std::string(kMarketplaceAccountId);
    i.owner_alias = std::string(kMarketplaceOwnerAlias);
    i.name = "appliance-" + i.image_id;
    i.root_device_name = "/dev/xvda";
    EbsBlockDevice ebs;
    ebs.snapshot_id = "snap-0123456789abcdef0";
    ebs.volume_size = 8;
    i.block_device_mappings.push_back({"/dev/xvda", ebs, "", false});
    i.creation_date = kT0;
    i.product_codes.push_back({kCode, "marketplace"});
    i.source_image_id = std::move(source);
    return i;
  }

  // A Public product in us-east-1 and us-west-2 on t3.micro and t3.small: version v1 (restricted
  // at kT0 + 1 h) and v2 (available), each with its us-east-1 copy and a us-west-2 copy.
  void SeedProduct() {
    Entity p;
    p.id = "prod-abcdefghijklm";
    p.type = std::string(kAmiProductType);
    p.owner_account_id = kSeller;
    p.created_at = p.last_modified = kT0;
    p.details = bj::parse(R"({
      "Description": {"ProductCode": "code0000000000000000000001", "Visibility": "Public"},
      "RegionAvailability": {"Regions": ["us-east-1", "us-west-2"], "Restrict": []},
      "Compatibility": {"AvailableInstanceTypes": ["t3.micro", "t3.small"],
                        "RestrictedInstanceTypes": []},
      "Versions": [
        {"Id": "v1", "Sources": [{"Type": "AmazonMachineImage", "Image": "ami-00000000000000e01"}],
         "DeliveryOptions": [{"Id": "o1", "Visibility": "Restricted",
                              "RestrictionDate": "2023-11-14T23:13:20.000Z"}]},
        {"Id": "v2", "Sources": [{"Type": "AmazonMachineImage", "Image": "ami-00000000000000e02"}],
         "DeliveryOptions": [{"Id": "o2", "Visibility": "Public"}]}
      ]})").as_object();
    ChangeSet cs;
    cs.id = ids::NewChangeSetId();
    cs.owner_account_id = kSeller;
    cs.name = "seed";
    cs.request_hash = "h";
    ASSERT_EQ(store_->InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
    auto claimed = store_->ClaimReady(kT0, 10, false);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
    FinishedChangeSet f{(*claimed)[0],
                        {p},
                        {Copy("ami-00000000000000e01", "us-east-1", "ami-0000000000000050a"),
                         Copy("ami-00000000000000e02", "us-east-1", "ami-0000000000000050b"),
                         Copy("ami-00000000000000a01", "us-west-2", "ami-00000000000000e01"),
                         Copy("ami-00000000000000a02", "us-west-2", "ami-00000000000000e02")}};
    f.change_set.status = ChangeSetStatus::kSucceeded;
    f.change_set.end_time = kT0;
    ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
  }

  void Subscribe(std::string buyer, TimePoint at) {
    Subscription sub;
    sub.id = "sub-" + ids::RandomLowerAlnum(17);
    sub.buyer_account_id = std::move(buyer);
    sub.product_id = "prod-abcdefghijklm";
    sub.created_at = at;
    ASSERT_TRUE(store_->Subscribe(sub).ok());
  }

  static Caller As(std::string account, std::string region = "us-east-1") {
    Caller c;
    c.account.account_id = std::move(account);
    c.account.type = AccountType::kBuyer;
    c.region = std::move(region);
    return c;
  }
  static RunInstancesInput Launch(std::string image, std::string type = "t3.micro",
                                  int64_t count = 1) {
    RunInstancesInput in;
    in.image_id = std::move(image);
    in.instance_type = std::move(type);
    in.min_count = count;
    in.max_count = count;
    return in;
  }
  Instance Described(const Caller& who, const std::string& id) {
    DescribeInstancesInput in;
    in.instance_ids = {id};
    auto out = service_->DescribeInstances(who, in);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok() || out->reservations.empty() || out->reservations[0].instances.empty()) return {};
    return out->reservations[0].instances[0];
  }
  void Advance(Millis d) { clock_.now += d; }

  ManualClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ImageService> images_;
  std::unique_ptr<InstanceService> service_;
};

TEST_F(InstanceServiceTest, WithoutASubscriptionTheLaunchIsOptInRequired) {
  auto r = service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e02"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Ec2Code(r.status()), "OptInRequired");
  EXPECT_EQ(r.status().message(),
            "OptInRequired: In order to use this AWS Marketplace product you need to accept terms "
            "and subscribe. To do so please visit "
            "https://aws.amazon.com/marketplace/pp?sku=code0000000000000000000001");
  // A dry run answers the same.
  EXPECT_EQ(Ec2Code(service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e02"), true)
                        .status()),
            "OptInRequired");
}

TEST_F(InstanceServiceTest, ASubscribedBuyerLaunchesWithDistinctAddressesAndTheProductCode) {
  Subscribe(kBuyer, kT0);
  auto r = service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e02", "t3.micro", 3));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->instances.size(), 3u);
  std::set<std::string> ips;
  for (const auto& i : r->instances) {
    EXPECT_EQ(i.state, InstanceState::kPending);
    EXPECT_EQ(i.reservation_id, r->reservation_id);
    EXPECT_EQ(i.product_codes, (std::vector<ImageProductCode>{{kCode, "marketplace"}}));
    EXPECT_EQ(i.product_id, "prod-abcdefghijklm");
    EXPECT_EQ(i.version_id, "v2");
    EXPECT_FALSE(i.subscription_id.empty());
    EXPECT_TRUE(i.private_ip.starts_with("127.")) << i.private_ip;
    EXPECT_NE(i.private_ip, "127.0.0.1");
    ips.insert(i.private_ip);
  }
  EXPECT_EQ(ips.size(), 3u);
  // The other region's copy belongs to the same version.
  auto west = service_->RunInstances(As(kBuyer, "us-west-2"), Launch("ami-00000000000000a02"));
  ASSERT_TRUE(west.ok()) << west.status().ToString();
  EXPECT_EQ(west->instances[0].version_id, "v2");
  EXPECT_EQ(ips.count(west->instances[0].private_ip), 0u) << "addresses are unique across regions";
  // The metadata service finds each instance by its address.
  auto at = service_->InstanceAt(west->instances[0].private_ip);
  ASSERT_TRUE(at.ok());
  ASSERT_TRUE(at->has_value());
  EXPECT_EQ((*at)->instance_id, west->instances[0].instance_id);
  EXPECT_FALSE(service_->InstanceAt("127.0.0.1")->has_value());
}

TEST_F(InstanceServiceTest, EachMarketplaceRefusal) {
  Subscribe(kBuyer, kT0 + Millis(7'200'000));  // after v1's restriction (kT0 + 1 h)
  auto code = [&](const Caller& who, RunInstancesInput in) {
    auto r = service_->RunInstances(who, in);
    return r.ok() ? std::string("OK") : Ec2Code(r.status());
  };
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000e02", "t3.large")), "UnsupportedOperation");
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000e02", "m1.small")), "UnsupportedOperation");
  RunInstancesInput default_type = Launch("ami-00000000000000e02");
  default_type.instance_type.reset();
  EXPECT_EQ(code(As(kBuyer), default_type), "UnsupportedOperation") << "EC2's default m1.small";
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000e02", "x9.huge")), "InvalidParameterValue");
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000e02", "t4g.micro")), "InvalidParameterValue")
      << "an arm64 type cannot boot the x86_64 image";
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000e01")), "UnsupportedOperation")
      << "v1 was restricted before this subscription";
  EXPECT_EQ(code(As(kBuyer, "eu-west-1"), Launch("ami-00000000000000e02")), "InvalidAMIID.NotFound")
      << "no copy there: image IDs are regional";
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000fff")), "InvalidAMIID.NotFound");
  EXPECT_EQ(code(As(kBuyer), Launch("ami-12")), "InvalidAMIID.Malformed");
  EXPECT_EQ(code(As(kBuyer), Launch("ami-00000000000000e02", "t3.micro", 21)), "InstanceLimitExceeded");
  RunInstancesInput over = Launch("ami-00000000000000e02");
  over.min_count = 2;
  over.max_count = 1;
  EXPECT_EQ(code(As(kBuyer), over), "InvalidParameterValue");
  RunInstancesInput many = Launch("ami-00000000000000e02");
  many.max_count = 50;
  auto r = service_->RunInstances(As(kBuyer), many);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->instances.size(), 20u) << "MaxCount beyond the limit launches the limit";
  RunInstancesInput bad_tag = Launch("ami-00000000000000e02");
  bad_tag.tag_specifications.push_back({"instance", {{"aws:reserved", "x"}}});
  EXPECT_EQ(code(As(kBuyer), bad_tag), "InvalidParameterValue");

  // A region the seller restricts: open to buyers who already run the product there only.
  Subscribe(kOther, kT0);
  ASSERT_TRUE(service_->RunInstances(As(kBuyer, "us-west-2"), Launch("ami-00000000000000a02")).ok());
  auto p = store_->GetEntity("prod-abcdefghijklm").value().value();
  p.details["RegionAvailability"] = bj::parse(R"({"Regions": ["us-east-1"], "Restrict": ["us-west-2"]})");
  p.revision = 2;
  ChangeSet cs;
  cs.id = ids::NewChangeSetId();
  cs.owner_account_id = kSeller;
  cs.name = "restrict";
  cs.request_hash = "h";
  ASSERT_EQ(store_->InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
  auto claimed = store_->ClaimReady(clock_.now, 10, false).value();
  FinishedChangeSet f{claimed.at(0), {p}, {}};
  f.change_set.status = ChangeSetStatus::kSucceeded;
  f.change_set.end_time = clock_.now;
  ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
  EXPECT_EQ(code(As(kBuyer, "us-west-2"), Launch("ami-00000000000000a02")), "OK");
  EXPECT_EQ(code(As(kOther, "us-west-2"), Launch("ami-00000000000000a02")), "UnsupportedOperation");
  // An earlier subscriber still launches the restricted version.
  EXPECT_EQ(code(As(kOther), Launch("ami-00000000000000e01")), "OK");
}

TEST_F(InstanceServiceTest, StatesSettleAfterTheDelayAndTerminatedInstancesFadeAfterAnHour) {
  Subscribe(kBuyer, kT0);
  auto r = service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e02"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string id = r->instances[0].instance_id;
  const std::string ip = r->instances[0].private_ip;
  EXPECT_EQ(Described(As(kBuyer), id).state, InstanceState::kPending);
  Advance(Millis(1000));
  EXPECT_EQ(Described(As(kBuyer), id).state, InstanceState::kRunning);

  auto stop = service_->StopInstances(As(kBuyer), {id});
  ASSERT_TRUE(stop.ok()) << stop.status().ToString();
  EXPECT_EQ((*stop)[0].previous, InstanceState::kRunning);
  EXPECT_EQ((*stop)[0].current, InstanceState::kStopping);
  EXPECT_EQ(Described(As(kBuyer), id).state, InstanceState::kStopping);
  auto refused = service_->StartInstances(As(kBuyer), {id});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(Ec2Code(refused.status()), "IncorrectInstanceState");
  Advance(Millis(1000));
  Instance stopped = Described(As(kBuyer), id);
  EXPECT_EQ(stopped.state, InstanceState::kStopped);
  EXPECT_EQ(stopped.private_ip, ip);
  EXPECT_TRUE(service_->InstanceAt(ip)->has_value()) << "a stopped instance keeps its address";

  // A dry run checks and changes nothing.
  auto dry = service_->StartInstances(As(kBuyer), {id}, true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(Described(As(kBuyer), id).state, InstanceState::kStopped);

  ASSERT_TRUE(service_->StartInstances(As(kBuyer), {id}).ok());
  EXPECT_EQ(Described(As(kBuyer), id).state, InstanceState::kPending);
  EXPECT_EQ(Described(As(kBuyer), id).launch_time, clock_.now);
  Advance(Millis(1000));
  EXPECT_EQ(Described(As(kBuyer), id).state, InstanceState::kRunning);

  auto term = service_->TerminateInstances(As(kBuyer), {id, id});
  ASSERT_TRUE(term.ok());
  ASSERT_EQ(term->size(), 1u) << "one change per distinct ID";
  EXPECT_EQ((*term)[0].current, InstanceState::kShuttingDown);
  EXPECT_FALSE(service_->InstanceAt(ip)->has_value()) << "the address is given up at once";
  Advance(Millis(1000));
  Instance gone = Described(As(kBuyer), id);
  EXPECT_EQ(gone.state, InstanceState::kTerminated);
  EXPECT_TRUE(gone.private_ip.empty());
  Advance(kTerminatedVisibleFor);
  DescribeInstancesInput by_id;
  by_id.instance_ids = {id};
  EXPECT_EQ(Ec2Code(service_->DescribeInstances(As(kBuyer), by_id).status()),
            "InvalidInstanceID.NotFound");
  EXPECT_TRUE(service_->DescribeInstances(As(kBuyer), {}).value().reservations.empty());
}

TEST_F(InstanceServiceTest, InstancesArePrivateToTheirAccountAndRegion) {
  Subscribe(kBuyer, kT0);
  auto r = service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e02"));
  ASSERT_TRUE(r.ok());
  const std::string id = r->instances[0].instance_id;
  for (const Caller& who : {As(kOther), As(kBuyer, "us-west-2")}) {
    auto stop = service_->StopInstances(who, {id});
    ASSERT_FALSE(stop.ok());
    EXPECT_EQ(stop.status().message(),
              fmt::format("InvalidInstanceID.NotFound: The instance ID '{}' does not exist", id));
    EXPECT_TRUE(service_->DescribeInstances(who, {}).value().reservations.empty());
    CreateImageInput ci{id, "copy", std::nullopt};
    EXPECT_EQ(Ec2Code(service_->CreateImage(who, ci).status()), "InvalidInstanceID.NotFound");
  }
  EXPECT_EQ(Ec2Code(service_->TerminateInstances(As(kBuyer), {"i-nope"}).status()),
            "InvalidInstanceID.Malformed");
  EXPECT_EQ(Ec2Code(service_->TerminateInstances(As(kBuyer), {}).status()), "MissingParameter");
}

TEST_F(InstanceServiceTest, CreateImageKeepsTheProductCodeAndItsRules) {
  Subscribe(kBuyer, kT0);  // before v1's restriction
  auto r = service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e01"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string id = r->instances[0].instance_id;
  CreateImageInput in{id, "my backup", "configured"};
  EXPECT_EQ(Ec2Code(service_->CreateImage(As(kBuyer), in).status()), "IncorrectInstanceState")
      << "a pending instance cannot be imaged";
  Advance(Millis(1000));
  auto image = service_->CreateImage(As(kBuyer), in);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->owner_account_id, kBuyer);
  EXPECT_TRUE(image->owner_alias.empty());
  EXPECT_FALSE(image->IsPublic());
  EXPECT_EQ(image->region, "us-east-1");
  EXPECT_EQ(image->name, "my backup");
  EXPECT_EQ(image->product_codes, (std::vector<ImageProductCode>{{kCode, "marketplace"}}));
  EXPECT_TRUE(image->source_image_id.empty());
  ASSERT_EQ(image->block_device_mappings.size(), 1u);
  EXPECT_NE(image->block_device_mappings[0].ebs->snapshot_id, "snap-0123456789abcdef0");
  auto lineage = store_->GetImageLineage(image->image_id).value();
  ASSERT_TRUE(lineage);
  EXPECT_EQ(lineage->instance_id, id);
  EXPECT_EQ(lineage->version_id, "v1");
  EXPECT_EQ(Ec2Code(service_->CreateImage(As(kBuyer), in).status()), "InvalidAMIName.Duplicate");

  // An instance of the new image carries the code, and the product's rules apply to it.
  auto derived = service_->RunInstances(As(kBuyer), Launch(image->image_id, "t3.small"));
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  EXPECT_EQ(derived->instances[0].product_codes, image->product_codes);
  EXPECT_EQ(derived->instances[0].product_id, "prod-abcdefghijklm");
  EXPECT_EQ(derived->instances[0].version_id, "v1");
  EXPECT_EQ(Ec2Code(service_->RunInstances(As(kBuyer), Launch(image->image_id, "t3.large")).status()),
            "UnsupportedOperation");
  EXPECT_EQ(Ec2Code(service_->RunInstances(As(kOther), Launch(image->image_id)).status()),
            "InvalidAMIID.NotFound")
      << "the buyer's image is its own";
  // Images of images keep it too.
  Advance(Millis(1000));
  auto again = service_->CreateImage(As(kBuyer),
                                     {derived->instances[0].instance_id, "backup of backup", {}});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->product_codes, image->product_codes);
  EXPECT_EQ(store_->GetImageLineage(again->image_id).value()->version_id, "v1");

  // Without the subscription: OptInRequired. Subscribed again after v1's restriction: refused.
  ASSERT_TRUE(store_->CancelSubscription(kBuyer, "prod-abcdefghijklm", clock_.now).value());
  EXPECT_EQ(Ec2Code(service_->RunInstances(As(kBuyer), Launch(image->image_id)).status()),
            "OptInRequired");
  clock_.now = kT0 + Millis(2 * 3'600'000);
  Subscribe(kBuyer, clock_.now);
  EXPECT_EQ(Ec2Code(service_->RunInstances(As(kBuyer), Launch(image->image_id)).status()),
            "UnsupportedOperation");
}

TEST_F(InstanceServiceTest, AClientTokenReplayReturnsTheFirstLaunch) {
  Subscribe(kBuyer, kT0);
  RunInstancesInput in = Launch("ami-00000000000000e02", "t3.micro", 2);
  in.client_token = "token-1";
  auto first = service_->RunInstances(As(kBuyer), in);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = service_->RunInstances(As(kBuyer), in);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reservation_id, first->reservation_id);
  ASSERT_EQ(again->instances.size(), 2u);
  EXPECT_EQ(again->instances[1].instance_id, first->instances[1].instance_id);
  in.instance_type = "t3.small";
  EXPECT_EQ(Ec2Code(service_->RunInstances(As(kBuyer), in).status()), "IdempotentParameterMismatch");
  // The token is the caller's own, per region.
  Subscribe(kOther, kT0);
  in.instance_type = "t3.micro";
  auto other = service_->RunInstances(As(kOther), in);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->reservation_id, first->reservation_id);
}

TEST_F(InstanceServiceTest, DescribeInstancesPagesInLaunchOrder) {
  Subscribe(kBuyer, kT0);
  std::vector<std::string> launched;
  for (int n = 0; n < 7; ++n) {
    auto r = service_->RunInstances(As(kBuyer), Launch("ami-00000000000000e02"));
    ASSERT_TRUE(r.ok());
    launched.push_back(r->instances[0].instance_id);
    Advance(Millis(10));
  }
  DescribeInstancesInput in;
  in.max_results = 5;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto out = service_->DescribeInstances(As(kBuyer), in);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    for (const auto& r : out->reservations)
      for (const auto& i : r.instances) seen.push_back(i.instance_id);
    if (out->next_token.empty()) break;
    in.next_token = out->next_token;
  }
  EXPECT_EQ(seen, launched);
  in.next_token = "forged";
  EXPECT_EQ(Ec2Code(service_->DescribeInstances(As(kBuyer), in).status()), "InvalidParameterValue");
  DescribeInstancesInput both;
  both.max_results = 5;
  both.instance_ids = {launched[0]};
  EXPECT_EQ(Ec2Code(service_->DescribeInstances(As(kBuyer), both).status()),
            "InvalidParameterCombination");
}

}  // namespace
}  // namespace amiplace
