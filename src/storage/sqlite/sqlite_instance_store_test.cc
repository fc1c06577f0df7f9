#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <set>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

const TimePoint kT0 = FromEpochMillis(1'700'000'000'000);

class SqliteInstanceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-inst-" + ids::RandomLowerAlnum(8));
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
  }
  static std::vector<Instance> Reservation(int count, std::string owner = "111111111111",
                                           std::string region = "us-east-1") {
    std::vector<Instance> out;
    const std::string reservation = NewReservationId();
    std::vector<std::string> ids;
    for (int n = 0; n < count; ++n) ids.push_back(NewInstanceId());
    std::sort(ids.begin(), ids.end());  // as InstanceService numbers them
    for (int n = 0; n < count; ++n) {
      Instance i;
      i.instance_id = ids[n];
      i.reservation_id = reservation;
      i.region = region;
      i.owner_account_id = owner;
      i.image_id = "ami-0123456789abcdef0";
      i.instance_type = "t3.micro";
      i.ami_launch_index = n;
      i.state_since = i.launched_at = i.launch_time = kT0;
      out.push_back(std::move(i));
    }
    return out;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteInstanceStoreTest, LaunchHandsOutAddressesInOrderAndKeepsThemDurably) {
  auto a = store_->LaunchInstances(Reservation(2), "", "h");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->instances.size(), 2u);
  EXPECT_EQ(a->instances[0].private_ip, "127.100.0.1");
  EXPECT_EQ(a->instances[1].private_ip, "127.100.0.2");
  auto b = store_->LaunchInstances(Reservation(1, "222222222222", "eu-west-1"), "", "h");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->instances[0].private_ip, "127.100.0.3") << "addresses are unique across regions";
  Open();
  auto got = store_->GetInstance(a->instances[1].instance_id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, a->instances[1]);
  auto listed = store_->ListInstances("us-east-1", "111111111111", std::nullopt).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].ami_launch_index, 0);
  EXPECT_TRUE(store_->ListInstances("us-east-1", "222222222222", std::nullopt).value().empty());
  EXPECT_EQ(store_->FindInstanceByPrivateIp("127.100.0.3").value()->instance_id,
            b->instances[0].instance_id);
  EXPECT_FALSE(store_->FindInstanceByPrivateIp("127.100.0.9").value());
  EXPECT_FALSE(store_->FindInstanceByPrivateIp("not an address").value());
  // The next launch after a restart goes on where the last left off.
  auto c = store_->LaunchInstances(Reservation(1), "", "h");
  EXPECT_EQ(c->instances[0].private_ip, "127.100.0.4");
}

TEST_F(SqliteInstanceStoreTest, ConcurrentLaunchesNeverShareAnAddress) {
  std::vector<std::future<std::vector<std::string>>> futures;
  for (int t = 0; t < 8; ++t) {
    futures.push_back(std::async(std::launch::async, [&] {
      std::vector<std::string> ips;
      for (int n = 0; n < 10; ++n) {
        auto r = store_->LaunchInstances(Reservation(2), "", "h");
        if (!r.ok()) return std::vector<std::string>();
        for (const auto& i : r->instances) ips.push_back(i.private_ip);
      }
      return ips;
    }));
  }
  std::set<std::string> all;
  size_t total = 0;
  for (auto& f : futures) {
    auto ips = f.get();
    total += ips.size();
    all.insert(ips.begin(), ips.end());
  }
  EXPECT_EQ(total, 160u);
  EXPECT_EQ(all.size(), 160u);
}

TEST_F(SqliteInstanceStoreTest, ClientTokensReturnTheFirstLaunch) {
  auto first = store_->LaunchInstances(Reservation(2), "tok", "hash-1");
  ASSERT_TRUE(first.ok());
  auto replay = store_->LaunchInstances(Reservation(2), "tok", "hash-2");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->request_hash, "hash-1");
  EXPECT_EQ(replay->instances, first->instances);
  EXPECT_EQ(store_->ListInstances("us-east-1", "111111111111", std::nullopt)->size(), 2u)
      << "the replay stored nothing";
  auto found = store_->FindLaunchByClientToken("us-east-1", "111111111111", "tok").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->instances, first->instances);
  EXPECT_FALSE(store_->FindLaunchByClientToken("us-west-2", "111111111111", "tok").value());
  EXPECT_FALSE(store_->FindLaunchByClientToken("us-east-1", "222222222222", "tok").value());
}

TEST_F(SqliteInstanceStoreTest, UpdatesAreAtomicAndGiveUpAddressesOnTermination) {
  auto launched = store_->LaunchInstances(Reservation(2), "", "h").value().instances;
  const std::string a = launched[0].instance_id, b = launched[1].instance_id;
  // A failing modify writes nothing.
  Status failed = store_->UpdateInstances("us-east-1", {a, b}, [](std::vector<Instance>& found) {
    for (auto& i : found) i.state = InstanceState::kStopped;
    return Status(ErrorCode::kValidation, "no");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kValidation);
  EXPECT_EQ(store_->GetInstance(a).value()->state, InstanceState::kPending);
  // Only the IDs that exist in the region are passed, in the order asked.
  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->UpdateInstances("us-east-1", {b, "i-00000000000000000", a},
                                    [&](std::vector<Instance>& found) {
                                      for (auto& i : found) seen.push_back(i.instance_id);
                                      found[0].state = InstanceState::kShuttingDown;
                                      return Status::Ok();
                                    })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{b, a}));
  EXPECT_EQ(store_->GetInstance(b).value()->state, InstanceState::kShuttingDown);
  EXPECT_FALSE(store_->FindInstanceByPrivateIp(launched[1].private_ip).value())
      << "a shutting-down instance holds no address";
  EXPECT_TRUE(store_->FindInstanceByPrivateIp(launched[0].private_ip).value());
  ASSERT_TRUE(store_->UpdateInstances("us-west-2", {a}, [](std::vector<Instance>& found) {
    return found.empty() ? Status::Ok() : InternalError("another region's instance");
  }).ok());
  // Ended instances can be left out of listings.
  EXPECT_EQ(store_->ListInstances("us-east-1", "111111111111", kT0 + Millis(1))->size(), 1u);
  EXPECT_EQ(store_->ListInstances("us-east-1", "111111111111", kT0)->size(), 2u);
}

TEST_F(SqliteInstanceStoreTest, ImagesFromInstancesKeepTheirLineage) {
  Image image;
  image.image_id = NewImageId();
  image.region = "us-east-1";
  image.owner_account_id = "111111111111";
  image.name = "backup";
  image.creation_date = kT0;
  image.product_codes.push_back({"code0000000000000000000001", "marketplace"});
  ImageLineage lineage{image.image_id, "i-0123456789abcdef0", "prod-abcdefghijklm", "v1"};
  auto put = store_->PutImageFromInstance(image, lineage);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(put->written);
  EXPECT_EQ(store_->GetImage("us-east-1", image.image_id).value().value(), image);
  auto got = store_->GetImageLineage(image.image_id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->version_id, "v1");
  EXPECT_EQ(got->instance_id, "i-0123456789abcdef0");
  // The name rule holds: nothing is written, lineage included.
  Image twin = image;
  twin.image_id = NewImageId();
  auto dup = store_->PutImageFromInstance(twin, {twin.image_id, "i-1", "", ""});
  ASSERT_TRUE(dup.ok());
  EXPECT_FALSE(dup->written);
  EXPECT_EQ(dup->name_taken_by, image.image_id);
  EXPECT_FALSE(store_->GetImageLineage(twin.image_id).value());
  EXPECT_FALSE(store_->FindProductByCode("code0000000000000000000001").value());
}

}  // namespace
}  // namespace amiplace
