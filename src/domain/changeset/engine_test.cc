#include "domain/changeset/engine.h"

#include <gtest/gtest.h>

#include <map>

namespace amiplace {
namespace {

namespace bj = boost::json;

Change MakeChange(std::string type, std::string entity_type, std::string id, std::string details,
                  std::string name = "") {
  Change c;
  c.change_type = std::move(type);
  c.entity_type = std::move(entity_type);
  c.entity_identifier = std::move(id);
  c.details = bj::parse(details);
  c.change_name = std::move(name);
  return c;
}

const char kFullInfo[] = R"({"ProductTitle":"T","ShortDescription":"s","LongDescription":"l",
  "LogoUrl":"https://example.com/logo.png","Highlights":["h"],"AdditionalResources":[],
  "SupportDescription":"d","Categories":["Security"],"SearchKeywords":["k"]})";

class EngineTest : public ::testing::Test {
 protected:
  Account owner{"111111111111", "Seller", AccountType::kSeller, {}};
  std::map<std::string, Entity, std::less<>> db;
  EntityLoader load = [this](std::string_view id) -> std::optional<Entity> {
    auto it = db.find(id);
    if (it == db.end()) return std::nullopt;
    return it->second;
  };
  ChangeSet Set(std::vector<Change> changes, Intent intent = Intent::kApply) {
    ChangeSet cs;
    cs.id = "cs";
    cs.owner_account_id = owner.account_id;
    cs.intent = intent;
    cs.changes = std::move(changes);
    return cs;
  }
  void Persist(const ProcessOutcome& out) {
    for (const auto& e : out.changed_entities) db[e.id] = e;
  }
};

TEST_F(EngineTest, CreateProductMakesADraftWithDistinctIdAndCode) {
  auto cs = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", R"({"ProductTitle":"Hello"})")});
  auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
  ASSERT_EQ(out.status, ChangeSetStatus::kSucceeded);
  ASSERT_EQ(out.changed_entities.size(), 1u);
  const Entity& e = out.changed_entities[0];
  EXPECT_EQ(e.id.rfind("prod-", 0), 0u);
  EXPECT_EQ(e.id.size(), 18u);
  EXPECT_EQ(e.revision, 1);
  auto idx = IndexOf(e);
  EXPECT_EQ(idx.product_code.size(), 25u);
  EXPECT_NE(idx.product_code, e.id.substr(5));
  EXPECT_EQ(idx.visibility, "Draft");
  EXPECT_EQ(idx.name, "Hello");
  EXPECT_EQ(cs.changes[0].resolved_entity_id, e.id);
  EXPECT_EQ(cs.entity_ids, std::vector<std::string>{e.id});
}

TEST_F(EngineTest, ReferencesResolveInDependencyOrder) {
  // The offer comes first in the list but refers to the product created after it.
  auto cs = Set({MakeChange("CreateOffer", "Offer@1.0", "", R"({"ProductId":"$P.Entity.Identifier"})"),
                 MakeChange("UpdateInformation", "AmiProduct@1.0", "$P.Entity.Identifier", kFullInfo),
                 MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}", "P")});
  auto plan = PlanChangeSet(cs.changes, BuiltinChangeTypes());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->order.front(), 2u);
  auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
  ASSERT_EQ(out.status, ChangeSetStatus::kSucceeded) << out.failure_description;
  ASSERT_EQ(out.changed_entities.size(), 2u);
  std::string product = cs.changes[2].resolved_entity_id;
  Persist(out);
  EXPECT_EQ(IndexOf(db.at(cs.changes[0].resolved_entity_id)).product_id, product);
  EXPECT_EQ(IndexOf(db.at(product)).name, "T");
  EXPECT_EQ(db.at(product).revision, 1);  // created and updated in one set: revision 1
}

TEST_F(EngineTest, AllOrNothing) {
  auto cs = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}", "P"),
                 MakeChange("UpdateInformation", "AmiProduct@1.0", "$P.Entity.Identifier",
                            R"({"ProductTitle":"only a title"})")});
  auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
  EXPECT_EQ(out.status, ChangeSetStatus::kFailed);
  EXPECT_EQ(out.failure_code, FailureCode::kClientError);
  EXPECT_TRUE(out.changed_entities.empty());
  ASSERT_EQ(cs.changes[1].errors.size(), 1u);
  EXPECT_EQ(cs.changes[1].errors[0].code, "MISSING_DATA");
  EXPECT_NE(cs.changes[1].errors[0].message.find("ShortDescription"), std::string::npos);
  EXPECT_TRUE(cs.changes[0].resolved_entity_id.empty());  // nothing was created
}

TEST_F(EngineTest, ValidateIntentAppliesNothing) {
  auto cs = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}")}, Intent::kValidate);
  auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
  EXPECT_EQ(out.status, ChangeSetStatus::kSucceeded);
  EXPECT_TRUE(out.changed_entities.empty());
  EXPECT_TRUE(cs.entity_ids.empty());
}

TEST_F(EngineTest, UpdateBumpsRevision) {
  auto create = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}")});
  Persist(ProcessChangeSet(create, BuiltinChangeTypes(), owner, TimePoint{}, load));
  std::string id = create.changes[0].resolved_entity_id;
  auto update = Set({MakeChange("UpdateInformation", "AmiProduct@1.0", id, kFullInfo)});
  auto out = ProcessChangeSet(update, BuiltinChangeTypes(), owner, TimePoint{}, load);
  ASSERT_EQ(out.status, ChangeSetStatus::kSucceeded) << out.failure_description;
  EXPECT_EQ(out.changed_entities.at(0).revision, 2);
}

TEST_F(EngineTest, PlanRejectsWhatAwsRejectsSynchronously) {
  const auto& r = BuiltinChangeTypes();
  auto expect_error = [&](std::vector<Change> changes, std::string_view needle) {
    auto plan = PlanChangeSet(changes, r);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), ErrorCode::kValidation);
    EXPECT_NE(plan.status().message().find(needle), std::string::npos) << plan.status().message();
  };
  // A change type of container products, not of AMI products.
  expect_error({MakeChange("AddRepositories", "AmiProduct@1.0", "prod-x", R"({"Repositories":[]})")},
               "AddRepositories");
  expect_error({MakeChange("CreateProduct", "SaaSProduct@1.0", "", "{}")}, "SaaSProduct@1.0");
  expect_error({MakeChange("CreateProduct", "AmiProduct@1.0", "", R"({"ProductTitle":""})")},
               "ChangeSet[0].DetailsDocument.ProductTitle");
  expect_error({MakeChange("CreateProduct", "AmiProduct@1.0", "prod-x", "{}")}, "Identifier");
  expect_error({MakeChange("UpdateInformation", "AmiProduct@1.0", "", kFullInfo)}, "Identifier");
  expect_error({MakeChange("UpdateInformation", "AmiProduct@1.0", "prod-x", kFullInfo),
                MakeChange("UpdateInformation", "AmiProduct@1.0", "prod-x@2", kFullInfo)},
               "more than once");
  expect_error({MakeChange("UpdateInformation", "AmiProduct@1.0", "$Nope.Entity.Identifier", kFullInfo)},
               "Nope");
  expect_error({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}", "A"),
                MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}", "A")},
               "ChangeName");
  expect_error({MakeChange("UpdateInformation", "AmiProduct@1.0", "prod-x",
                           R"({"LogoUrl":"http://insecure"})")},
               "LogoUrl");
  expect_error({MakeChange("UpdateInformation", "AmiProduct@1.0", "prod-x", R"({"Bogus":1})")},
               "Bogus");
  expect_error({MakeChange("UpdateInformation", "AmiProduct@1.0", "prod-x",
                           R"({"Highlights":["a","b","c","d"]})")},
               "Highlights");
  expect_error({MakeChange("CreateOffer", "Offer@1.0", "", R"({"Name":"no product"})")}, "ProductId");
}

TEST_F(EngineTest, AsyncErrorsCarryAwsCodes) {
  auto create = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}")});
  Persist(ProcessChangeSet(create, BuiltinChangeTypes(), owner, TimePoint{}, load));
  std::string id = create.changes[0].resolved_entity_id;
  std::string info = kFullInfo;
  info.replace(info.find("Security"), 8, "Knitting");
  auto cs = Set({MakeChange("UpdateInformation", "AmiProduct@1.0", id, info)});
  auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
  EXPECT_EQ(out.status, ChangeSetStatus::kFailed);
  EXPECT_EQ(cs.changes[0].errors.at(0).code, "INVALID_CATEGORY_NAMES");
}

TEST_F(EngineTest, ForeignEntitiesAreNotFound) {
  Account other{"222222222222", "Other", AccountType::kSeller, {}};
  auto create = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}")});
  Persist(ProcessChangeSet(create, BuiltinChangeTypes(), other, TimePoint{}, load));
  std::string id = create.changes[0].resolved_entity_id;
  auto cs = Set({MakeChange("UpdateInformation", "AmiProduct@1.0", id, kFullInfo)});
  auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
  EXPECT_EQ(out.status, ChangeSetStatus::kFailed);
  EXPECT_EQ(cs.changes[0].errors.at(0).code, "ENTITY_NOT_FOUND");
}

}  // namespace
}  // namespace amiplace
