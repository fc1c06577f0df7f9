// The extension point of the change-set engine: one ChangeTypeHandler per (entity type, change
// type), registered in one table (domain/catalog/change_types.cc). A handler validates a change's
// details synchronously (StartChangeSet answers 422 when that fails), applies it to a working
// copy of its entity (returning AWS-style error codes, which fail the change set with
// CLIENT_ERROR), and describes it in a line for people. Handlers are stateless and thread-safe.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/account.h"
#include "domain/catalog/entity.h"
#include "domain/changeset/change_set.h"
#include "domain/commerce/image.h"

namespace amiplace {

// What a handler may see and do while applying one change.
class ApplyContext {
 public:
  virtual ~ApplyContext() = default;
  virtual const Account& owner() const = 0;
  virtual TimePoint now() const = 0;
  // An entity of the change set's working set (loaded on demand); nullptr if it does not exist.
  virtual Entity* FindEntity(std::string_view id) = 0;
  // Adds a newly created entity to the working set and returns it.
  virtual Entity& AddEntity(Entity entity) = 0;
  // The offers of a product, as they stand in the working set (stored ones and those created or
  // changed earlier in this change set).
  virtual std::vector<Entity*> OffersOf(std::string_view product_id) = 0;
  // Registers a check that runs after every change of the set has applied; its errors fail the
  // set and are reported on the change that registered it. For rules about the set's end state
  // (e.g. ReleaseProduct needs a released offer, which a later change may release).
  virtual void Defer(std::function<std::vector<ErrorDetail>()> check) = 0;
  // An image in `region` (stored, or made earlier in this change set); nullopt if none.
  virtual std::optional<Image> FindImage(std::string_view region, std::string_view image_id) = 0;
  // Images in `region` that carry `product_code` (stored, updated by this set's AddImage).
  virtual std::vector<Image> ImagesWithProductCode(std::string_view region,
                                                   std::string_view product_code) = 0;
  // Makes or replaces (same ID) an image, stored with the change set's outcome.
  virtual void AddImage(Image image) = 0;
};

class ChangeTypeHandler {
 public:
  virtual ~ChangeTypeHandler() = default;
  virtual std::string_view entity_type() const = 0;
  virtual std::string_view change_type() const = 0;
  // Create* changes have no Entity.Identifier and produce a new entity.
  virtual bool creates_entity() const { return false; }
  // Must be the only change of its change set (AWS's rule for UpdateVisibility).
  virtual bool requires_own_change_set() const { return false; }
  // Applies only after the marketplace operators approve it (the set waits in APPLYING).
  virtual bool requires_review() const { return false; }

  // Synchronous checks of the details document: shape, types, lengths. The message names the
  // field, e.g. "ChangeSet[0].DetailsDocument.ProductTitle: must be at most 72 characters".
  // `field` is the prefix to use for that name.
  virtual Status Validate(const boost::json::value& details, std::string_view field) const = 0;

  // IDs of other existing entities the change refers to (e.g. CreateOffer's ProductId), which
  // StartChangeSet checks exist and belong to the caller. `$Name.Entity.Identifier` values are
  // not included.
  virtual std::vector<std::string> ReferencedEntityIds(const boost::json::value& /*details*/) const {
    return {};
  }

  // Applies the change to `target` (nullptr for Create*). Returns the errors that fail it;
  // empty means it applied. For Create*, returns the new entity's ID through `created_id`.
  virtual std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target,
                                         const boost::json::value& details,
                                         std::string* created_id) const = 0;

  // One line for people ("Update product information: ProductTitle, LogoUrl").
  virtual std::string Describe(const boost::json::value& details) const = 0;
};

class ChangeTypeRegistry {
 public:
  void Register(std::unique_ptr<ChangeTypeHandler> handler);
  const ChangeTypeHandler* Find(std::string_view entity_type, std::string_view change_type) const;
  // All change types registered for an entity type, for error messages.
  std::vector<std::string> ChangeTypesFor(std::string_view entity_type) const;
  bool KnowsEntityType(std::string_view entity_type) const;

 private:
  std::map<std::pair<std::string, std::string>, std::unique_ptr<ChangeTypeHandler>, std::less<>>
      handlers_;
};

// The registry with every change type amiplace supports.
const ChangeTypeRegistry& BuiltinChangeTypes();

}  // namespace amiplace
