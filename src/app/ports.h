// The ports the use cases need: persistence of accounts, catalog entities, change sets, tags,
// resource policies and the simulated clock's offset. Adapters live in storage/ (SQLite now,
// PostgreSQL later); nothing here is specific to one database. Implementations must be safe to
// call from many threads at once, and every mutating call is durable when it returns OK.
#pragma once

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

class Store : public AccountStore, public CatalogStore, public MetaStore, public SubscriptionStore,
              public ImageStore {};

}  // namespace amiplace
