#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "core/ids.h"

namespace amiplace {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-store-" + ids::RandomLowerAlnum(8));
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    auto s = SqliteStore::Open(dir_.string(), &created_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  ChangeSet NewSet(const std::string& owner, const std::string& token = "") {
    ChangeSet cs;
    cs.id = ids::NewChangeSetId();
    cs.owner_account_id = owner;
    cs.name = "n";
    cs.client_token = token;
    cs.request_hash = "h";
    return cs;
  }
  std::filesystem::path dir_;
  bool created_ = false;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, MigratesAndKeepsSecretsSealed) {
  EXPECT_TRUE(created_);
  EXPECT_EQ(store_->SchemaVersion().value(), SqliteStore::LatestSchemaVersion());  // all applied
  EXPECT_GE(SqliteStore::LatestSchemaVersion(), 4);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  Account a{"123456789012", "Acme", AccountType::kSeller, std::chrono::system_clock::now()};
  Credential c{"AKIATESTTESTTESTTEST", a.account_id, "very-secret-value-that-must-not-leak"};
  ASSERT_TRUE(store_->CreateAccount(a, c).ok());
  Open();  // reopen: existing store, no new migration
  EXPECT_FALSE(created_);
  auto found = store_->FindCredential(c.access_key_id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value());
  EXPECT_EQ(found.value()->secret_access_key, c.secret_access_key);
  // The secret is not stored in the clear.
  store_.reset();
  std::string raw;
  for (auto& f : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(f.path(), std::ios::binary);
    raw += std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(raw.find(c.secret_access_key), std::string::npos);
}

TEST_F(SqliteStoreTest, InsertChangeSetIsAtomicWithLocksTokensAndQuota) {
  auto first = NewSet("111111111111", "tok");
  auto r = store_->InsertChangeSet(first, {"prod-a"}, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, InsertConflict::Kind::kNone);

  auto same_token = NewSet("111111111111", "tok");
  r = store_->InsertChangeSet(same_token, {"prod-b"}, 2);
  EXPECT_EQ(r->kind, InsertConflict::Kind::kTokenReused);
  EXPECT_EQ(r->change_set_id, first.id);

  auto locked = NewSet("111111111111");
  r = store_->InsertChangeSet(locked, {"prod-c", "prod-a"}, 2);
  EXPECT_EQ(r->kind, InsertConflict::Kind::kLocked);
  EXPECT_EQ(r->entity_id, "prod-a");
  EXPECT_EQ(r->change_set_id, first.id);
  // Nothing of the refused set was kept, not even its lock on prod-c.
  EXPECT_FALSE(store_->GetChangeSet(locked.id)->has_value());
  auto on_c = NewSet("111111111111");
  EXPECT_EQ(store_->InsertChangeSet(on_c, {"prod-c"}, 2)->kind, InsertConflict::Kind::kNone);

  auto over = NewSet("111111111111");
  EXPECT_EQ(store_->InsertChangeSet(over, {}, 2)->kind, InsertConflict::Kind::kQuotaExceeded);
  // Another account has its own quota and tokens.
  EXPECT_EQ(store_->InsertChangeSet(NewSet("222222222222", "tok"), {}, 2)->kind,
            InsertConflict::Kind::kNone);
}

TEST_F(SqliteStoreTest, CancelOnlyWhilePreparingAndReleasesLocks) {
  auto cs = NewSet("111111111111");
  ASSERT_EQ(store_->InsertChangeSet(cs, {"prod-a"}, 10)->kind, InsertConflict::Kind::kNone);
  EXPECT_TRUE(store_->CancelChangeSet(cs.id, std::chrono::system_clock::now()).value());
  EXPECT_FALSE(store_->CancelChangeSet(cs.id, std::chrono::system_clock::now()).value());
  EXPECT_EQ(store_->GetChangeSet(cs.id).value()->status, ChangeSetStatus::kCancelled);
  EXPECT_EQ(store_->InsertChangeSet(NewSet("111111111111"), {"prod-a"}, 10)->kind,
            InsertConflict::Kind::kNone);
}

TEST_F(SqliteStoreTest, ClaimAndFinishApplyExactlyOnce) {
  auto cs = NewSet("111111111111");
  ASSERT_EQ(store_->InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
  auto claimed = store_->ClaimReady(std::chrono::system_clock::now(), 10, false);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(store_->GetChangeSet(cs.id).value()->status, ChangeSetStatus::kApplying);
  // A crash here leaves it APPLYING; recovery claims it again.
  Open();
  auto again = store_->ClaimReady(std::chrono::system_clock::now(), 10, true);
  ASSERT_EQ(again->size(), 1u);

  Entity e;
  e.id = "prod-abcdefghijklm";
  e.type = "AmiProduct@1.0";
  e.owner_account_id = "111111111111";
  e.details = boost::json::object{{"Description", boost::json::object{{"ProductCode", "c1"}}}};
  FinishedChangeSet f{(*again)[0], {e}};
  f.change_set.status = ChangeSetStatus::kSucceeded;
  f.change_set.end_time = std::chrono::system_clock::now();
  ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
  // Finishing twice (a redo after a crash that raced the commit) changes nothing.
  f.changed_entities[0].revision = 7;
  ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
  EXPECT_EQ(store_->GetEntity(e.id).value()->revision, 1);
  EXPECT_EQ(store_->GetChangeSet(cs.id).value()->status, ChangeSetStatus::kSucceeded);
  // The product is found by its code, with the revision hot paths check their caches against.
  auto ref = store_->FindProductRevisionByCode("c1");
  ASSERT_TRUE(ref.ok() && ref->has_value());
  EXPECT_EQ((*ref)->id, e.id);
  EXPECT_EQ((*ref)->revision, 1);
  EXPECT_EQ(store_->FindProductByCode("c1").value()->id, e.id);
  EXPECT_FALSE(store_->FindProductRevisionByCode("c2").value());
}

TEST_F(SqliteStoreTest, OfferRevisionsAreKeptAndMigrationNineBackfillsOlderStores) {
  Entity offer;
  offer.id = "offer-abcdefghijklm";
  offer.type = "Offer@1.0";
  offer.owner_account_id = "111111111111";
  offer.created_at = offer.last_modified = FromEpochMillis(1'700'000'000'000);
  offer.details = boost::json::object{{"Name", "first"}};
  auto finish = [&](const Entity& e) {
    auto cs = NewSet("111111111111");
    ASSERT_EQ(store_->InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
    auto claimed = store_->ClaimReady(std::chrono::system_clock::now(), 10, false);
    ASSERT_EQ(claimed->size(), 1u);
    FinishedChangeSet f{(*claimed)[0], {e}};
    f.change_set.status = ChangeSetStatus::kSucceeded;
    ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
  };
  finish(offer);
  offer.revision = 2;
  offer.last_modified = FromEpochMillis(1'700'000'360'000);
  offer.details = boost::json::object{{"Name", "second"}};
  finish(offer);
  auto revisions = store_->ListOfferRevisions(offer.id);
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 2u);
  EXPECT_EQ((*revisions)[0].details.at("Name"), "first");
  EXPECT_EQ((*revisions)[1].valid_from, FromEpochMillis(1'700'000'360'000));

  // A store from before version 9: migrating keeps each offer's current revision, in force
  // since the epoch.
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "amiplace.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE offer_revisions; DELETE FROM schema_migrations WHERE version = 9",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Open();
  revisions = store_->ListOfferRevisions(offer.id);
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 1u);
  EXPECT_EQ((*revisions)[0].revision, 2);
  EXPECT_EQ((*revisions)[0].valid_from, FromEpochMillis(0));
  EXPECT_EQ((*revisions)[0].details.at("Name"), "second");
}

TEST_F(SqliteStoreTest, ConcurrentWritersAreGroupCommitted) {
  std::vector<std::future<bool>> futures;
  for (int t = 0; t < 16; ++t) {
    futures.push_back(std::async(std::launch::async, [&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = store_->InsertChangeSet(NewSet(fmt::format("{:012d}", t)), {}, 1000);
        if (!r.ok() || r->kind != InsertConflict::Kind::kNone) return false;
      }
      return true;
    }));
  }
  for (auto& f : futures) EXPECT_TRUE(f.get());
  size_t total = 0;
  for (int t = 0; t < 16; ++t) total += store_->ListChangeSets(fmt::format("{:012d}", t))->size();
  EXPECT_EQ(total, 320u);
}

}  // namespace
}  // namespace amiplace
