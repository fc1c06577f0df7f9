#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/marketplace_identity.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/x509.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

namespace fs = std::filesystem;

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("amiplace-idstore-" + ids::RandomLowerAlnum(8));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SqliteStore> Open() {
    auto s = SqliteStore::Open(dir_.string(), nullptr);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Every meta value as the database file holds it.
  std::string RawMeta() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((dir_ / "amiplace.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT key || '=' || value FROM meta", -1, &s, nullptr),
              SQLITE_OK);
    std::string all;
    while (sqlite3_step(s) == SQLITE_ROW) {
      all += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      all += "\n";
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return all;
  }

  fs::path dir_;
};

TEST_F(IdentityStoreTest, FirstPairWinsAndIsNeverOverwritten) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto none = store->GetIdentityKey();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(*none);

  auto first = store->PutIdentityKey("key-one", "cert-one");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->key_pem, "key-one");
  EXPECT_EQ(first->cert_pem, "cert-one");

  auto second = store->PutIdentityKey("key-two", "cert-two");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->key_pem, "key-one");
  EXPECT_EQ(second->cert_pem, "cert-one");

  auto got = store->GetIdentityKey();
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ((*got)->key_pem, "key-one");
}

TEST_F(IdentityStoreTest, PrivateKeyIsSealedAtRest) {
  auto store = Open();
  ASSERT_TRUE(store);
  MarketplaceIdentity identity(*store);
  std::string cert_pem = identity.CertificatePem().value();
  std::string raw = RawMeta();
  EXPECT_NE(raw.find("identity_cert=" + cert_pem), std::string::npos);  // public: as is
  EXPECT_NE(raw.find("identity_key_sealed="), std::string::npos);
  EXPECT_EQ(raw.find("PRIVATE KEY"), std::string::npos) << raw;

  // Without the right secret.key the key cannot be read back.
  store.reset();
  fs::permissions(dir_ / "secret.key", fs::perms::owner_read | fs::perms::owner_write);
  {
    std::ofstream f(dir_ / "secret.key", std::ios::binary | std::ios::trunc);
    f << std::string(32, 'x');
  }
  store = Open();
  ASSERT_TRUE(store);
  auto got = store->GetIdentityKey();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kInternal);
}

TEST_F(IdentityStoreTest, PairSurvivesReopeningTheStore) {
  std::string pem, signature;
  {
    auto store = Open();
    ASSERT_TRUE(store);
    MarketplaceIdentity identity(*store);
    pem = identity.CertificatePem().value();
  }
  auto store = Open();
  ASSERT_TRUE(store);
  MarketplaceIdentity identity(*store);
  EXPECT_EQ(identity.CertificatePem().value(), pem);
  auto cert = x509::Certificate::FromPem(pem).value();
  auto sig = crypto::Base64Decode(identity.SignDocument("doc").value().signature).value();
  EXPECT_TRUE(cert.VerifySha256("doc", sig));
}

TEST_F(IdentityStoreTest, TwoServersStartingAtOnceShareOnePair) {
  // Two stores on one directory, as two server processes would open it.
  auto s1 = Open();
  auto s2 = Open();
  ASSERT_TRUE(s1 && s2);
  MarketplaceIdentity a(*s1), b(*s2);
  std::atomic<int> ready{0};
  std::string pem_a, pem_b;
  auto run = [&](MarketplaceIdentity* id, std::string* out) {
    ready.fetch_add(1);
    while (ready.load() < 2) {
    }
    auto r = id->CertificatePem();
    *out = r.ok() ? *r : r.status().ToString();
  };
  std::thread ta(run, &a, &pem_a);
  std::thread tb(run, &b, &pem_b);
  ta.join();
  tb.join();
  ASSERT_TRUE(pem_a.starts_with("-----BEGIN CERTIFICATE-----")) << pem_a;
  EXPECT_EQ(pem_a, pem_b);
  EXPECT_EQ(s1->GetIdentityKey().value()->cert_pem, pem_a);
}

}  // namespace
}  // namespace amiplace
