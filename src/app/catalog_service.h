// The Catalog API's use cases, independent of the wire: starting, describing, cancelling and
// listing change sets; describing and listing entities; tags and resource policies. Every call
// takes the authenticated Caller and enforces what it may see and change. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.h"
#include "core/clock.h"
#include "domain/changeset/change_type.h"

namespace amiplace {

struct StartChangeSetRequest {
  std::vector<Change> changes;
  std::string change_set_name;  // "" → "Submitted by <account>"
  std::string client_request_token;
  std::vector<ResourceTag> tags;
  Intent intent = Intent::kApply;
  std::string request_hash;  // of the request without its token, for idempotency
};

struct ChangeSetRef {
  std::string id;
  std::string arn;
};

struct DateRange {
  std::optional<TimePoint> after;   // inclusive
  std::optional<TimePoint> before;  // inclusive
};

struct ListChangeSetsRequest {
  std::vector<std::string> names, statuses, entity_ids;
  DateRange start_time, end_time;
  std::string sort_by = "StartTime";  // StartTime | EndTime
  bool descending = false;
  int max_results = 20;
  std::string next_token;
};

struct EntityFilter {
  enum class Field { kEntityId, kName, kVisibility, kState, kProductId, kLastModified };
  Field field;
  std::vector<std::string> values;  // OR-ed
  std::string wildcard;             // substring match (case-insensitive)
  DateRange range;
};

struct ListEntitiesRequest {
  std::string entity_type;  // "AmiProduct@1.0" | "Offer@1.0"
  std::vector<EntityFilter> filters;  // AND-ed
  std::string sort_by = "LastModifiedDate";  // EntityId|LastModifiedDate|ProductTitle|Name|Visibility|State|ProductId
  bool descending = true;
  int max_results = 20;
  std::string next_token;
  bool shared = false;  // OwnershipType SHARED: others' entities visible to the caller
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_token;  // "" at the end
};

class CatalogService {
 public:
  struct Options {
    Millis processing_delay{0};
    int max_open_change_sets = 250;
  };
  CatalogService(Store& store, const Clock& clock, const ChangeTypeRegistry& registry,
                 Options options);

  // Called after a change set is stored, so the worker can pick it up.
  void SetOnSubmitted(std::function<void()> fn) { on_submitted_ = std::move(fn); }

  Result<ChangeSetRef> StartChangeSet(const Caller& caller, StartChangeSetRequest req);
  Result<ChangeSet> DescribeChangeSet(const Caller& caller, std::string_view id);
  Result<ChangeSetRef> CancelChangeSet(const Caller& caller, std::string_view id);
  Result<Page<ChangeSet>> ListChangeSets(const Caller& caller, const ListChangeSetsRequest& req);

  Result<Entity> DescribeEntity(const Caller& caller, std::string_view id);
  Result<Page<Entity>> ListEntities(const Caller& caller, const ListEntitiesRequest& req);

  Result<std::vector<ResourceTag>> ListTags(const Caller& caller, std::string_view arn);
  Status TagResource(const Caller& caller, std::string_view arn, const std::vector<ResourceTag>& tags);
  Status UntagResource(const Caller& caller, std::string_view arn, const std::vector<std::string>& keys);

  Result<std::string> GetResourcePolicy(const Caller& caller, std::string_view arn);
  Status PutResourcePolicy(const Caller& caller, std::string_view arn, std::string_view policy);
  Status DeleteResourcePolicy(const Caller& caller, std::string_view arn);

 private:
  // Resolves an entity or change-set ARN owned by the caller; NotFound otherwise.
  struct OwnedResource {
    bool is_entity = false;
    std::string id;
  };
  Result<OwnedResource> ResolveOwnedArn(const Caller& caller, std::string_view arn);
  Result<std::string> ServerKey();

  Store& store_;
  const Clock& clock_;
  const ChangeTypeRegistry& registry_;
  Options options_;
  std::function<void()> on_submitted_;
  std::mutex key_mu_;
  std::string server_key_;
};

}  // namespace amiplace
