// The visibility lifecycle: ReleaseProduct and the reviewed UpdateVisibility.
#include <gtest/gtest.h>

#include <map>

#include "domain/catalog/product_document.h"
#include "domain/changeset/engine.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

Change MakeChange(std::string type, std::string entity_type, std::string id, std::string details) {
  Change c;
  c.change_type = std::move(type);
  c.entity_type = std::move(entity_type);
  c.entity_identifier = std::move(id);
  c.details = bj::parse(details);
  return c;
}

class LifecycleTest : public ::testing::Test {
 protected:
  Account owner{"111111111111", "Seller", AccountType::kSeller, {}};
  std::map<std::string, Entity, std::less<>> db;
  EntitySource Source() {
    EntitySource s([this](std::string_view id) -> std::optional<Entity> {
      auto it = db.find(id);
      if (it == db.end()) return std::nullopt;
      return it->second;
    });
    s.offers_of = [this](std::string_view product) {
      std::vector<Entity> out;
      for (auto& [id, e] : db)
        if (e.type == kOfferType && IndexOf(e).product_id == product) out.push_back(e);
      return out;
    };
    return s;
  }
  ProcessOutcome Run(ChangeSet& cs, bool auto_approve = false) {
    auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, Source(),
                                {.auto_approve_reviews = auto_approve});
    for (const auto& e : out.changed_entities) db[e.id] = e;
    return out;
  }
  ChangeSet Set(std::vector<Change> changes) {
    ChangeSet cs;
    cs.owner_account_id = owner.account_id;
    cs.changes = std::move(changes);
    return cs;
  }
  // A product with everything ReleaseProduct asks for except the offer.
  std::string CompleteProduct(std::string visibility = "Draft") {
    auto cs = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", R"({"ProductTitle":"P"})")});
    Run(cs);
    std::string id = cs.changes[0].resolved_entity_id;
    auto& doc = db[id].details;
    auto& d = product::Description(doc);
    d["ShortDescription"] = "s";
    d["LongDescription"] = "l";
    d["Highlights"] = bj::array{"h"};
    d["Categories"] = bj::array{"Security"};
    d["SearchKeywords"] = bj::array{"k"};
    d["Visibility"] = visibility;
    product::Section(doc, "PromotionalResources")["LogoUrl"] = "https://example.com/l.png";
    product::Section(doc, "SupportInformation")["Description"] = "d";
    doc["Versions"] = bj::array{bj::object{{"Id", "v1"}, {"VersionTitle", "1.0.0"}}};
    doc["Dimensions"] = bj::array{bj::object{{"Key", "t3.micro"}, {"Types", bj::array{"Metered"}}}};
    return id;
  }
  void AddOffer(const std::string& product, std::string state) {
    Entity offer;
    offer.id = "offer-" + std::to_string(db.size());
    offer.type = std::string(kOfferType);
    offer.owner_account_id = owner.account_id;
    offer.details = bj::object{{"Id", offer.id}, {"State", state}, {"ProductId", product}};
    db[offer.id] = offer;
  }
  std::string Visibility(const std::string& id) { return IndexOf(db.at(id)).visibility; }
};

TEST_F(LifecycleTest, ReleaseNeedsACompleteProduct) {
  auto cs = Set({MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}")});
  Run(cs);
  std::string bare = cs.changes[0].resolved_entity_id;
  auto release = Set({MakeChange("ReleaseProduct", "AmiProduct@1.0", bare, "{}")});
  auto out = Run(release);
  EXPECT_EQ(out.status, ChangeSetStatus::kFailed);
  ASSERT_FALSE(release.changes[0].errors.empty());
  EXPECT_EQ(release.changes[0].errors[0].code, "VALIDATION_FAILED");
  for (const char* needle : {"Description", "Versions", "Dimensions"}) {
    EXPECT_NE(release.changes[0].errors[0].message.find(needle), std::string::npos) << needle;
  }
  EXPECT_EQ(Visibility(bare), "Draft");
}

TEST_F(LifecycleTest, ReleaseNeedsAReleasedOfferByTheEndOfTheSet) {
  std::string id = CompleteProduct();
  AddOffer(id, "Draft");
  auto release = Set({MakeChange("ReleaseProduct", "AmiProduct@1.0", id, "{}")});
  EXPECT_EQ(Run(release).status, ChangeSetStatus::kFailed);
  EXPECT_NE(release.changes[0].errors.at(0).message.find("offer"), std::string::npos);
  AddOffer(id, "Released");
  auto again = Set({MakeChange("ReleaseProduct", "AmiProduct@1.0", id, "{}")});
  EXPECT_EQ(Run(again).status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(Visibility(id), "Limited");
}

TEST_F(LifecycleTest, ReleaseProductTakesAnEmptyDocument) {
  auto plan = PlanChangeSet({MakeChange("ReleaseProduct", "AmiProduct@1.0", "prod-x", R"({"a":1})")},
                            BuiltinChangeTypes());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("ChangeSet[0].DetailsDocument"), std::string::npos);
}

TEST_F(LifecycleTest, UpdateVisibilityWaitsForReviewThenApplies) {
  std::string id = CompleteProduct("Limited");
  auto cs = Set({MakeChange("UpdateVisibility", "AmiProduct@1.0", id, R"({"TargetVisibility":"Public"})")});
  auto out = Run(cs);
  EXPECT_EQ(out.status, ChangeSetStatus::kApplying);
  EXPECT_EQ(cs.review, ReviewState::kPending);
  EXPECT_TRUE(out.changed_entities.empty());
  EXPECT_EQ(Visibility(id), "Limited");

  cs.review = ReviewState::kApproved;
  out = Run(cs);
  EXPECT_EQ(out.status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(Visibility(id), "Public");
}

TEST_F(LifecycleTest, RejectionFailsWithTheOperatorsReason) {
  std::string id = CompleteProduct("Limited");
  auto cs = Set({MakeChange("UpdateVisibility", "AmiProduct@1.0", id, R"({"TargetVisibility":"Public"})")});
  Run(cs);
  cs.review = ReviewState::kRejected;
  cs.review_reason = "The logo is blurry";
  auto out = Run(cs);
  EXPECT_EQ(out.status, ChangeSetStatus::kFailed);
  EXPECT_EQ(out.failure_code, FailureCode::kClientError);
  ASSERT_EQ(cs.changes[0].errors.size(), 1u);
  EXPECT_EQ(cs.changes[0].errors[0].code, "AUDIT_ERROR");
  EXPECT_NE(cs.changes[0].errors[0].message.find("The logo is blurry"), std::string::npos);
  EXPECT_EQ(Visibility(id), "Limited");
}

TEST_F(LifecycleTest, AutoReviewApprovesAtOnce) {
  std::string id = CompleteProduct("Public");
  auto cs = Set({MakeChange("UpdateVisibility", "AmiProduct@1.0", id, R"({"TargetVisibility":"Restricted"})")});
  EXPECT_EQ(Run(cs, /*auto_approve=*/true).status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(Visibility(id), "Restricted");
}

TEST_F(LifecycleTest, TransitionsFollowAws) {
  struct Case {
    const char* from;
    const char* to;
    bool ok;
  } cases[] = {{"Limited", "Public", true},     {"Restricted", "Public", true},
               {"Public", "Limited", true},     {"Restricted", "Limited", true},
               {"Public", "Restricted", true},  {"Limited", "Restricted", true},
               {"Draft", "Public", false},      {"Public", "Public", false}};
  for (const auto& c : cases) {
    std::string id = CompleteProduct(c.from);
    auto cs = Set({MakeChange("UpdateVisibility", "AmiProduct@1.0", id,
                              fmt::format(R"({{"TargetVisibility":"{}"}})", c.to))});
    auto out = Run(cs, true);
    EXPECT_EQ(out.status == ChangeSetStatus::kSucceeded, c.ok) << c.from << " -> " << c.to;
    if (!c.ok) {
      std::string code = cs.changes[0].errors.at(0).code;
      EXPECT_TRUE(code == "INVALID_PRODUCT_STATE" || code == "INVALID_TARGET_VISIBILITY") << code;
    }
  }
}

TEST_F(LifecycleTest, UpdateVisibilityMustBeAlone) {
  auto plan = PlanChangeSet(
      {MakeChange("UpdateVisibility", "AmiProduct@1.0", "prod-x", R"({"TargetVisibility":"Public"})"),
       MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}")},
      BuiltinChangeTypes());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("only change"), std::string::npos);
  auto bad = PlanChangeSet(
      {MakeChange("UpdateVisibility", "AmiProduct@1.0", "prod-x", R"({"TargetVisibility":"Draft"})")},
      BuiltinChangeTypes());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("TargetVisibility"), std::string::npos);
}

TEST_F(LifecycleTest, ValidateIntentDoesNotWaitForReview) {
  std::string id = CompleteProduct("Limited");
  auto cs = Set({MakeChange("UpdateVisibility", "AmiProduct@1.0", id, R"({"TargetVisibility":"Public"})")});
  cs.intent = Intent::kValidate;
  EXPECT_EQ(Run(cs).status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(cs.review, ReviewState::kNone);
  EXPECT_EQ(Visibility(id), "Limited");
}

}  // namespace
}  // namespace amiplace
