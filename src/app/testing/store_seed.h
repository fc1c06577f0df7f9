// Unit-test helpers (never linked into the server): put data into a Store the way the services
// themselves write it — catalog entities through a finished change set, subscriptions, launched
// instances — and a clock the test sets by hand. Failures are reported with GoogleTest's
// ASSERT/EXPECT. Not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "app/ports.h"
#include "core/clock.h"
#include "core/ids.h"

namespace amiplace::test {

inline TimePoint At(std::string_view iso) { return *ParseIso8601(iso); }

class ManualClock final : public Clock {
 public:
  TimePoint Now() const override { return now; }
  TimePoint now;
};

// An entity as the change-set worker writes it, created and last modified at `at`.
inline Entity MakeEntity(std::string id, std::string_view type, std::string_view owner,
                         std::string_view doc, TimePoint at = At("2024-01-01T00:00:00Z")) {
  Entity e;
  e.id = std::move(id);
  e.type = std::string(type);
  e.owner_account_id = std::string(owner);
  e.created_at = e.last_modified = at;
  e.details = boost::json::parse(doc).as_object();
  return e;
}

// Stores `entities` as the outcome of one SUCCEEDED change set of `owner`'s.
inline void SeedEntities(Store& store, std::string_view owner, std::vector<Entity> entities) {
  ChangeSet cs;
  cs.id = ids::NewChangeSetId();
  cs.owner_account_id = std::string(owner);
  cs.name = "seed";
  cs.request_hash = "h" + cs.id;
  ASSERT_EQ(store.InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
  auto claimed = store.ClaimReady(At("2030-01-01T00:00:00Z"), 10, false);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  FinishedChangeSet f{(*claimed)[0], std::move(entities), {}};
  f.change_set.status = ChangeSetStatus::kSucceeded;
  ASSERT_TRUE(store.FinishChangeSets({f}).ok());
}

inline void SubscribeAt(Store& store, std::string_view buyer, std::string_view product,
                        TimePoint at) {
  Subscription sub;
  sub.id = "sub-" + ids::RandomLowerAlnum(17);
  sub.buyer_account_id = std::string(buyer);
  sub.product_id = std::string(product);
  sub.created_at = at;
  ASSERT_TRUE(store.Subscribe(sub).ok());
}

// Launches one instance of `product` ("" for none) for `buyer`; its instance ID.
inline std::string LaunchAt(Store& store, std::string_view buyer, std::string_view product,
                            std::string_view type, InstanceState state, TimePoint at) {
  Instance i;
  i.instance_id = NewInstanceId();
  i.reservation_id = NewReservationId();
  i.region = "us-east-1";
  i.owner_account_id = std::string(buyer);
  i.image_id = "ami-00000000000000e01";
  i.instance_type = std::string(type);
  i.state = state;
  i.state_since = i.launched_at = i.launch_time = at;
  i.product_id = std::string(product);
  EXPECT_TRUE(store.LaunchInstances({i}, "", "hash").ok());
  return i.instance_id;
}

}  // namespace amiplace::test
