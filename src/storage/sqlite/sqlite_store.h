// The embedded store: SQLite in WAL mode under a data directory.
//
// Reads run on a per-thread connection (WAL lets them proceed beside the writer). Writes are
// queued to one writer thread that group-commits: it runs every queued write in its own
// savepoint inside one transaction and acknowledges them after COMMIT, so a write is durable
// (synchronous=FULL) when its call returns, and many concurrent writers share one fsync.
// Secrets are sealed with the 32-byte key in DIR/secret.key (mode 0600), kept apart from the
// database. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/ports.h"
#include "storage/sqlite/connection.h"

namespace amiplace {

class SqliteStore final : public Store {
 public:
  // Opens the store in `data_dir`, creating directory, database and key when absent, and applies
  // pending migrations. `created` tells whether the store is new.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& data_dir, bool* created);
  ~SqliteStore() override;

  // AccountStore
  Status CreateAccount(const Account& account, const Credential& credential) override;
  Result<std::optional<Account>> GetAccount(std::string_view account_id) override;
  Result<std::vector<Account>> ListAccounts() override;
  Result<std::optional<Credential>> FindCredential(std::string_view access_key_id) override;
  Result<bool> HasAnyAccount() override;

  // CatalogStore
  Result<std::optional<Entity>> GetEntity(std::string_view id) override;
  Result<std::vector<Entity>> ListEntities(std::string_view type,
                                           std::optional<std::string_view> owner) override;
  // (sqlite_instance_store.cc)
  Result<std::optional<Entity>> FindProductByCode(std::string_view product_code) override;
  Result<std::optional<EntityRevision>> FindProductRevisionByCode(
      std::string_view product_code) override;
  Result<std::vector<OfferRevision>> ListOfferRevisions(std::string_view offer_id) override;
  Result<InsertConflict> InsertChangeSet(const ChangeSet& cs,
                                         const std::vector<std::string>& lock_entity_ids,
                                         int max_open) override;
  Result<std::optional<ChangeSet>> GetChangeSet(std::string_view id) override;
  Result<std::vector<ChangeSet>> ListChangeSets(std::string_view owner) override;
  Result<bool> CancelChangeSet(std::string_view id, TimePoint end_time) override;
  Result<std::vector<ChangeSet>> ClaimReady(TimePoint now, int limit, bool include_applying) override;
  Result<std::optional<TimePoint>> NextReadyAt() override;
  Status FinishChangeSets(const std::vector<FinishedChangeSet>& finished) override;
  Result<std::vector<ChangeSet>> ListPendingReviews() override;
  Result<bool> DecideReview(std::string_view id, ReviewState decision,
                            std::string_view reason) override;
  Result<std::vector<ResourceTag>> ListTags(std::string_view resource_arn) override;
  Status PutTags(std::string_view resource_arn, const std::vector<ResourceTag>& tags,
                 size_t max_tags) override;
  Status DeleteTags(std::string_view resource_arn, const std::vector<std::string>& keys) override;
  Result<std::string> GetResourcePolicy(std::string_view entity_id) override;
  Status PutResourcePolicy(std::string_view entity_id, std::string_view policy) override;

  // SubscriptionStore (sqlite_subscription_store.cc)
  Result<Subscription> Subscribe(const Subscription& sub) override;
  Result<std::optional<Subscription>> CancelSubscription(std::string_view buyer_account_id,
                                                         std::string_view product_id,
                                                         TimePoint at) override;
  Result<std::vector<Subscription>> ListSubscriptions(std::string_view buyer_account_id) override;
  Result<std::vector<Subscription>> ListSubscriptionsOf(std::string_view buyer_account_id,
                                                        std::string_view product_id) override;
  Result<std::vector<std::string>> SearchProducts(std::string_view text) override;

  // ImageStore (sqlite_image_store.cc)
  Result<PutOutcome> PutImage(const Image& image) override;
  Result<std::optional<Image>> GetImage(std::string_view region,
                                        std::string_view image_id) override;
  Result<std::optional<Image>> FindImageByName(std::string_view region, std::string_view owner,
                                               std::string_view name) override;
  Result<std::vector<Image>> ListImages(std::string_view region,
                                        std::optional<std::string_view> owner) override;
  Result<std::vector<Image>> ListImagesByProductCode(std::string_view region,
                                                     std::string_view product_code) override;

  // InstanceStore (sqlite_instance_store.cc)
  Result<Launch> LaunchInstances(std::vector<Instance> instances, std::string_view client_token,
                                 std::string_view request_hash) override;
  Result<std::optional<Launch>> FindLaunchByClientToken(std::string_view region,
                                                        std::string_view owner,
                                                        std::string_view client_token) override;
  Result<std::optional<Instance>> GetInstance(std::string_view instance_id) override;
  Result<std::vector<Instance>> ListInstances(std::string_view region, std::string_view owner,
                                              std::optional<TimePoint> ended_after) override;
  Result<std::optional<Instance>> FindInstanceByPrivateIp(std::string_view ip) override;
  Status UpdateInstances(std::string_view region, const std::vector<std::string>& ids,
                         const std::function<Status(std::vector<Instance>&)>& modify) override;
  Result<PutOutcome> PutImageFromInstance(const Image& image,
                                          const ImageLineage& lineage) override;
  Result<std::optional<ImageLineage>> GetImageLineage(std::string_view image_id) override;

  // InstanceCredentialStore (sqlite_credential_store.cc)
  Status PutInstanceCredential(const InstanceCredential& credential) override;
  Result<std::optional<InstanceCredential>> FindInstanceCredential(
      std::string_view access_key_id) override;
  Result<std::optional<InstanceCredential>> LatestInstanceCredential(
      std::string_view instance_id) override;

  // MeteringStore (sqlite_metering_store.cc)
  Result<std::vector<MeteringOutcome>> PutMeteringRecords(const std::vector<MeteringWrite>& writes,
                                                          bool dry_run) override;
  Result<std::vector<MeteringRecord>> ListMeteringRecords(std::string_view buyer_account_id,
                                                          TimePoint from, TimePoint to) override;

  // InstanceStateLogStore (sqlite_instance_state_log.cc; written by migration 0008's triggers)
  Result<std::vector<InstanceStateRecord>> ListInstanceStateLog(std::string_view owner) override;

  // MetaStore
  Result<Millis> GetClockOffset() override;
  Status SetClockOffset(Millis offset) override;
  Result<std::string> GetServerKey() override;
  // (sqlite_meta_identity.cc)
  Result<std::optional<IdentityKey>> GetIdentityKey() override;
  Result<IdentityKey> PutIdentityKey(std::string_view key_pem, std::string_view cert_pem) override;

  // The schema version after migrations, and the newest one this build knows.
  Result<int> SchemaVersion();
  static int LatestSchemaVersion();

 private:
  using WriteFn = std::function<Status(sqlite::Connection&)>;
  struct PendingWrite {
    WriteFn fn;
    std::promise<Status> done;
  };

  SqliteStore(std::string db_path, std::string secret_key);
  Status Migrate(sqlite::Connection& conn);
  Result<sqlite::Connection*> Reader();
  // Runs `fn` in the writer's next transaction; returns once committed (or failed).
  Status Write(WriteFn fn);
  void WriterLoop();

  const std::string db_path_;
  const std::string secret_key_;
  const uint64_t instance_id_;
  std::unique_ptr<sqlite::Connection> writer_conn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingWrite> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace amiplace
