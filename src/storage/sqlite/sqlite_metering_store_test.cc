#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <set>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

using Kind = MeteringOutcome::Kind;
const TimePoint kHour = FromEpochMillis(1'767'225'600'000);  // 2026-01-01T00:00:00Z

class SqliteMeteringStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-meter-" + ids::RandomLowerAlnum(8));
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
  static MeteringWrite Write(int64_t quantity, std::string token = "", std::string hash = "") {
    MeteringWrite w;
    auto& r = w.record;
    r.metering_record_id = ids::NewUuid();
    r.usage_key = "instance|i-0123456789abcdef0|1767225600000|Users";
    r.source = "MeterUsage";
    r.instance_id = "i-0123456789abcdef0";
    r.buyer_account_id = "222222222222";
    r.product_id = "prod-abcdefghijklm";
    r.product_code = "abcdefghijklmnopqrstuvwxy";
    r.dimension = "Users";
    r.region = "us-east-1";
    r.usage_hour = kHour;
    r.timestamp = kHour + std::chrono::minutes(17);
    r.quantity = quantity;
    r.allocations = "[]";
    r.recorded_at = kHour + std::chrono::minutes(18);
    if (!token.empty()) {
      w.token_scope = "instance|i-0123456789abcdef0";
      w.client_token = token;
      w.request_hash = hash;
    }
    return w;
  }
  MeteringOutcome Put(const MeteringWrite& w, bool dry_run = false) {
    auto r = store_->PutMeteringRecords({w}, dry_run);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.value().at(0);
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteMeteringStoreTest, OneRecordPerKeyDurableAcrossReopen) {
  const MeteringWrite first = Write(3);
  auto o = Put(first);
  EXPECT_EQ(o.kind, Kind::kRecorded);
  Open();
  auto replay = Put(Write(3));
  EXPECT_EQ(replay.kind, Kind::kReplayed);
  EXPECT_EQ(replay.record.metering_record_id, first.record.metering_record_id);
  auto dup = Put(Write(4));
  EXPECT_EQ(dup.kind, Kind::kDuplicate);
  EXPECT_EQ(dup.record.quantity, 3);
  auto other_alloc = Write(3);
  other_alloc.record.allocations = "[[3,[]]]";
  EXPECT_EQ(Put(other_alloc).kind, Kind::kDuplicate);
  auto list = store_->ListMeteringRecords("222222222222", kHour, kHour + std::chrono::hours(1));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].timestamp, first.record.timestamp);
  EXPECT_EQ((*list)[0].quantity, 3);
}

TEST_F(SqliteMeteringStoreTest, ClientTokenConflictsAndReplays) {
  const MeteringWrite first = Write(3, "tok", "h1");
  EXPECT_EQ(Put(first).kind, Kind::kRecorded);
  auto again = Put(Write(3, "tok", "h1"));
  EXPECT_EQ(again.kind, Kind::kReplayed);
  EXPECT_EQ(again.record.metering_record_id, first.record.metering_record_id);
  EXPECT_EQ(Put(Write(3, "tok", "h2")).kind, Kind::kTokenConflict);
  // The token is checked before the key: another quantity under the same token is a conflict.
  EXPECT_EQ(Put(Write(9, "tok", "h3")).kind, Kind::kTokenConflict);
}

TEST_F(SqliteMeteringStoreTest, DryRunWritesNothing) {
  EXPECT_EQ(Put(Write(3, "tok", "h1"), /*dry_run=*/true).kind, Kind::kRecorded);
  EXPECT_EQ(Put(Write(4, "tok", "h2")).kind, Kind::kRecorded);  // neither key nor token taken
}

TEST_F(SqliteMeteringStoreTest, ConcurrentWritersGetOneRecord) {
  std::vector<std::future<MeteringOutcome>> futures;
  for (int i = 0; i < 8; ++i) {
    futures.push_back(std::async(std::launch::async, [this] { return Put(Write(3)); }));
  }
  int recorded = 0;
  std::set<std::string> ids;
  for (auto& f : futures) {
    auto o = f.get();
    recorded += o.kind == Kind::kRecorded;
    ids.insert(o.record.metering_record_id);
  }
  EXPECT_EQ(recorded, 1);
  EXPECT_EQ(ids.size(), 1u);
}

}  // namespace
}  // namespace amiplace
