// The ports the use cases need: persistence of accounts, catalog entities, change sets, tags,
// resource policies and the simulated clock's offset. Adapters live in storage/ (SQLite now,
// PostgreSQL later); nothing here is specific to one database. Implementations must be safe to
// call from many threads at once, and every mutating call is durable when it returns OK.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/account.h"
#include "domain/catalog/entity.h"
#include "domain/changeset/change_set.h"
#include "domain/commerce/subscription.h"
#include "domain/commerce/image.h"
#include "domain/commerce/instance.h"
#include "domain/commerce/bill.h"

namespace amiplace {

struct Credential {
  std::string access_key_id;
  std::string account_id;
  std::string secret_access_key;  // plaintext in memory only; sealed at rest
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // Creates the account and its first access key. kValidation if the ID exists.
  virtual Status CreateAccount(const Account& account, const Credential& credential) = 0;
  virtual Result<std::optional<Account>> GetAccount(std::string_view account_id) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  virtual Result<std::optional<Credential>> FindCredential(std::string_view access_key_id) = 0;
  virtual Result<bool> HasAnyAccount() = 0;
};

// Why InsertChangeSet did not insert.
struct InsertConflict {
  enum class Kind { kNone, kLocked, kTokenReused, kQuotaExceeded };
  Kind kind = Kind::kNone;
  std::string entity_id;           // kLocked: the locked entity
  std::string change_set_id;       // kLocked: the blocking set; kTokenReused: the first set
  std::string request_hash;        // kTokenReused: the first request's hash
};

struct FinishedChangeSet {
  ChangeSet change_set;                   // with its final status and per-change outcomes
  std::vector<Entity> changed_entities;   // new revisions to write
  std::vector<Image> new_images;          // marketplace copies to write
};

struct ResourceTag {
  std::string key;
  std::string value;
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  virtual Result<std::optional<Entity>> GetEntity(std::string_view id) = 0;
  // Entities of `type` ("AmiProduct@1.0"), optionally only those owned by `owner`.
  virtual Result<std::vector<Entity>> ListEntities(std::string_view type,
                                                   std::optional<std::string_view> owner) = 0;
  // The AmiProduct whose product code is `product_code` (codes are unique).
  virtual Result<std::optional<Entity>> FindProductByCode(std::string_view product_code) = 0;
  // The ID and revision of that product, without reading its document: lets hot paths keep what
  // they derived from a product for as long as its revision stands.
  struct EntityRevision {
    std::string id;
    int64_t revision = 0;
  };
  virtual Result<std::optional<EntityRevision>> FindProductRevisionByCode(
      std::string_view product_code) = 0;
  // Every revision of an offer with the instant it took effect (oldest first); revisions written
  // before the store kept history take effect at the epoch.
  struct OfferRevision {
    int64_t revision = 0;
    TimePoint valid_from;
    boost::json::object details;
  };
  virtual Result<std::vector<OfferRevision>> ListOfferRevisions(std::string_view offer_id) = 0;

  // Inserts a PREPARING change set, taking locks on `lock_entity_ids`, atomically: either all of
  // it is stored or nothing is and the conflict says why. `max_open` bounds the owner's
  // PREPARING/APPLYING sets.
  virtual Result<InsertConflict> InsertChangeSet(const ChangeSet& cs,
                                                 const std::vector<std::string>& lock_entity_ids,
                                                 int max_open) = 0;
  virtual Result<std::optional<ChangeSet>> GetChangeSet(std::string_view id) = 0;
  virtual Result<std::vector<ChangeSet>> ListChangeSets(std::string_view owner) = 0;
  // PREPARING (or APPLYING while waiting for review) → CANCELLED, releasing its locks. Returns
  // false when it is past that.
  virtual Result<bool> CancelChangeSet(std::string_view id, TimePoint end_time) = 0;
  // Moves up to `limit` PREPARING sets with ready_at <= now to APPLYING and returns them, oldest
  // first. With `include_applying`, also returns sets already APPLYING (crash recovery).
  virtual Result<std::vector<ChangeSet>> ClaimReady(TimePoint now, int limit,
                                                    bool include_applying) = 0;
  // The earliest ready_at among PREPARING sets.
  virtual Result<std::optional<TimePoint>> NextReadyAt() = 0;
  // Writes each set's outcome, its entities, and releases its locks: one transaction. A set
  // still APPLYING (it waits for review) keeps its locks and only records that it waits.
  virtual Status FinishChangeSets(const std::vector<FinishedChangeSet>& finished) = 0;
  // Sets waiting in APPLYING for the operators' review, oldest first.
  virtual Result<std::vector<ChangeSet>> ListPendingReviews() = 0;
  // Records the operators' decision on a PENDING review (kApproved or kRejected, with the
  // reason); false when the set is not waiting for review (any more). The worker applies it.
  virtual Result<bool> DecideReview(std::string_view id, ReviewState decision,
                                    std::string_view reason) = 0;

  virtual Result<std::vector<ResourceTag>> ListTags(std::string_view resource_arn) = 0;
  virtual Status PutTags(std::string_view resource_arn, const std::vector<ResourceTag>& tags,
                         size_t max_tags) = 0;
  virtual Status DeleteTags(std::string_view resource_arn, const std::vector<std::string>& keys) = 0;

  virtual Result<std::string> GetResourcePolicy(std::string_view entity_id) = 0;  // "" = none
  virtual Status PutResourcePolicy(std::string_view entity_id, std::string_view policy) = 0;
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;
  virtual Result<Millis> GetClockOffset() = 0;
  virtual Status SetClockOffset(Millis offset) = 0;
  // A 32-byte key generated with the store, for values sealed by the app (pagination tokens).
  virtual Result<std::string> GetServerKey() = 0;

  // The marketplace's identity key pair (app/marketplace_identity.h): PEMs, the private key in
  // plaintext in memory only and sealed at rest by the store. nullopt until one is stored.
  struct IdentityKey {
    std::string key_pem;
    std::string cert_pem;
  };
  virtual Result<std::optional<IdentityKey>> GetIdentityKey() = 0;
  // Stores the pair unless a pair is stored already (never overwrites), atomically; returns the
  // pair that is stored afterwards — this one, or the one that got there first.
  virtual Result<IdentityKey> PutIdentityKey(std::string_view key_pem,
                                             std::string_view cert_pem) = 0;
};

// Everything a store provides.
class SubscriptionStore {
 public:
  virtual ~SubscriptionStore() = default;
  // Inserts `sub` as ACTIVE unless the buyer already has an active subscription to the product,
  // in which case that one is returned (subscribing twice changes nothing).
  virtual Result<Subscription> Subscribe(const Subscription& sub) = 0;
  // ACTIVE → CANCELLED; nullopt when the buyer has no active subscription to the product.
  virtual Result<std::optional<Subscription>> CancelSubscription(std::string_view buyer_account_id,
                                                                 std::string_view product_id,
                                                                 TimePoint at) = 0;
  virtual Result<std::vector<Subscription>> ListSubscriptions(std::string_view buyer_account_id) = 0;
  virtual Result<std::vector<Subscription>> ListSubscriptionsOf(std::string_view buyer_account_id,
                                                                std::string_view product_id) = 0;
  // IDs of products whose title, descriptions, keywords or categories match every word of
  // `text` (prefix match), best match first. Empty `text` matches every product.
  virtual Result<std::vector<std::string>> SearchProducts(std::string_view text) = 0;
};

// Machine images (EC2 AMIs), kept per region. Image IDs are unique across regions.
class ImageStore {
 public:
  virtual ~ImageStore() = default;
  struct PutOutcome {
    bool written = true;
    std::string name_taken_by;  // when not written: the available image that has the name
  };
  // Inserts `image`, or replaces the stored image with its ID. Writes nothing when `image` is
  // available and another available image of the same owner in the same region has its name
  // (EC2 names are unique per owner and region): the check and the write are one transaction.
  virtual Result<PutOutcome> PutImage(const Image& image) = 0;
  // The image with this ID in `region`, in any state; nullopt when there is none there.
  virtual Result<std::optional<Image>> GetImage(std::string_view region,
                                                std::string_view image_id) = 0;
  // The available image of `owner` named `name` in `region`.
  virtual Result<std::optional<Image>> FindImageByName(std::string_view region,
                                                       std::string_view owner,
                                                       std::string_view name) = 0;
  // Images in `region` (any state), only those of `owner` when given; ordered by image ID.
  virtual Result<std::vector<Image>> ListImages(std::string_view region,
                                                std::optional<std::string_view> owner) = 0;
  // Images in `region` (any state) that carry `product_code`; ordered by image ID.
  virtual Result<std::vector<Image>> ListImagesByProductCode(std::string_view region,
                                                             std::string_view product_code) = 0;
};

// What CreateImage records about an image made from an instance, so that instances launched
// from it are traced back to the marketplace product and version they descend from.
struct ImageLineage {
  std::string image_id;
  std::string instance_id;  // the instance it was made from
  std::string product_id;   // "" for an image without a marketplace product code
  std::string version_id;
};

// EC2 instances (domain/commerce/instance.h), kept per region; instance IDs and private addresses
// are unique across regions. Stored states are the first state of each move; readers Settle().
class InstanceStore {
 public:
  virtual ~InstanceStore() = default;

  struct Launch {
    std::string request_hash;       // of the RunInstances request that made it
    std::vector<Instance> instances;
  };
  // Stores one RunInstances' instances, atomically: each gets the next free private address (the
  // one after the address last handed out, wrapping around, skipping any an instance holds —
  // a terminated or shutting-down instance holds none). With a `client_token`, the token is kept
  // with the launch (per owner and region); if the token is already kept, nothing is stored and
  // the earlier launch is returned instead (compare its request_hash).
  virtual Result<Launch> LaunchInstances(std::vector<Instance> instances,
                                         std::string_view client_token,
                                         std::string_view request_hash) = 0;
  // The launch kept with this client token of `owner` in `region`.
  virtual Result<std::optional<Launch>> FindLaunchByClientToken(std::string_view region,
                                                                std::string_view owner,
                                                                std::string_view client_token) = 0;
  // The instance with this ID, in any region.
  virtual Result<std::optional<Instance>> GetInstance(std::string_view instance_id) = 0;
  // `owner`'s instances in `region`, in launch order (first launch, then ID). With
  // `ended_after`, instances that were shutting down or terminated before it are left out.
  virtual Result<std::vector<Instance>> ListInstances(std::string_view region,
                                                      std::string_view owner,
                                                      std::optional<TimePoint> ended_after) = 0;
  // The instance that holds the private address `ip` (dotted IPv4): one that is neither shutting
  // down nor terminated. The instance metadata service finds its instance this way.
  virtual Result<std::optional<Instance>> FindInstanceByPrivateIp(std::string_view ip) = 0;
  // Reads the instances with these IDs in `region` (those that exist, in the order of `ids`),
  // lets `modify` change them, and writes them back, in one transaction; when `modify` fails,
  // nothing is written and its Status is returned. `modify` runs on the store's writer thread: it
  // must be quick and must not call the store.
  virtual Status UpdateInstances(std::string_view region, const std::vector<std::string>& ids,
                                 const std::function<Status(std::vector<Instance>&)>& modify) = 0;
  // Stores an image made by CreateImage together with its lineage, atomically, under the same
  // name rule as ImageStore::PutImage (nothing is written when the name is taken).
  virtual Result<ImageStore::PutOutcome> PutImageFromInstance(const Image& image,
                                                              const ImageLineage& lineage) = 0;
  virtual Result<std::optional<ImageLineage>> GetImageLineage(std::string_view image_id) = 0;
};

// An instance's temporary credentials.
struct InstanceCredential {
  std::string access_key_id;  // "ASIA…"
  std::string instance_id;
  std::string secret_access_key;  // plaintext in memory only; sealed at rest
  std::string session_token;
  TimePoint issued_at;
  TimePoint expires_at;
};

class InstanceCredentialStore {
 public:
  virtual ~InstanceCredentialStore() = default;
  virtual Status PutInstanceCredential(const InstanceCredential& credential) = 0;
  virtual Result<std::optional<InstanceCredential>> FindInstanceCredential(
      std::string_view access_key_id) = 0;
  // The credential of `instance_id` that expires last.
  virtual Result<std::optional<InstanceCredential>> LatestInstanceCredential(
      std::string_view instance_id) = 0;
};

// Usage records of the Metering Service (app/metering_service.h).
struct MeteringRecord {
  std::string metering_record_id;  // a UUID
  // Unique among all records: the idempotency key. MeterUsage: instance, dimension and hour;
  // BatchMeterUsage: product, customer, dimension and timestamp.
  std::string usage_key;
  std::string source;       // "MeterUsage" | "BatchMeterUsage"
  std::string instance_id;  // MeterUsage only
  std::string buyer_account_id;
  std::string product_id;
  std::string product_code;
  std::string dimension;
  std::string region;
  TimePoint usage_hour;  // the Timestamp rounded down to the hour
  TimePoint timestamp;   // as sent
  int64_t quantity = 0;
  std::string allocations;  // canonical JSON (domain/metering/usage.h), "[]" for none
  TimePoint recorded_at;
};

struct MeteringWrite {
  MeteringRecord record;
  // With a client token, the token is kept per scope (the caller) with the request's hash.
  std::string token_scope;
  std::string client_token;
  std::string request_hash;
};

struct MeteringOutcome {
  enum class Kind {
    kRecorded,       // stored now (or, in a dry run, would be)
    kReplayed,       // the same usage was stored before: `record` is that one
    kDuplicate,      // the key holds another quantity or allocation: `record` is the stored one
    kTokenConflict,  // the client token was used with another request
  };
  Kind kind = Kind::kRecorded;
  MeteringRecord record;
};

class MeteringStore {
 public:
  virtual ~MeteringStore() = default;
  // Decides each write against what is stored — client token first, then the usage key — and
  // stores the new ones, all in one transaction (durable on return). With `dry_run` nothing is
  // written. Outcomes are in the order of `writes`; a later write in the list sees earlier ones.
  virtual Result<std::vector<MeteringOutcome>> PutMeteringRecords(
      const std::vector<MeteringWrite>& writes, bool dry_run) = 0;
  // A buyer's records with usage_hour in [from, to), oldest first.
  virtual Result<std::vector<MeteringRecord>> ListMeteringRecords(std::string_view buyer_account_id,
                                                                  TimePoint from, TimePoint to) = 0;
};

// The durable log of instances' stored states (domain/commerce/bill.h), appended in the same
// transaction as every launch and state change; billing rebuilds running periods from it.
class InstanceStateLogStore {
 public:
  virtual ~InstanceStateLogStore() = default;
  // Every log row of `owner`'s instances, by instance ID, each instance's rows in logging order.
  virtual Result<std::vector<InstanceStateRecord>> ListInstanceStateLog(std::string_view owner) = 0;
};

class Store : public AccountStore, public CatalogStore, public MetaStore, public SubscriptionStore,
              public ImageStore, public InstanceStore, public InstanceCredentialStore,
              public MeteringStore, public InstanceStateLogStore {};

}  // namespace amiplace
