#include "domain/changeset/change_set.h"

#include <gtest/gtest.h>

namespace amiplace {
namespace {

TEST(ChangeSetStateMachine, FollowsAwsLifecycle) {
  using S = ChangeSetStatus;
  EXPECT_TRUE(CanTransition(S::kPreparing, S::kApplying));
  EXPECT_TRUE(CanTransition(S::kPreparing, S::kCancelled));
  EXPECT_TRUE(CanTransition(S::kApplying, S::kSucceeded));
  EXPECT_TRUE(CanTransition(S::kApplying, S::kFailed));
  EXPECT_FALSE(CanTransition(S::kApplying, S::kCancelled));  // too late to cancel
  EXPECT_FALSE(CanTransition(S::kApplying, S::kPreparing));
  for (S terminal : {S::kSucceeded, S::kFailed, S::kCancelled}) {
    EXPECT_TRUE(IsTerminal(terminal));
    for (S to : {S::kPreparing, S::kApplying, S::kSucceeded, S::kFailed, S::kCancelled}) {
      EXPECT_FALSE(CanTransition(terminal, to)) << ChangeSetStatusName(terminal);
    }
  }
  EXPECT_FALSE(IsTerminal(S::kPreparing));
  EXPECT_FALSE(IsTerminal(S::kApplying));
}

TEST(ChangeSetStateMachine, NamesRoundTrip) {
  for (auto s : {ChangeSetStatus::kPreparing, ChangeSetStatus::kApplying, ChangeSetStatus::kSucceeded,
                 ChangeSetStatus::kCancelled, ChangeSetStatus::kFailed}) {
    EXPECT_EQ(ParseChangeSetStatus(ChangeSetStatusName(s)), s);
  }
  EXPECT_FALSE(ParseChangeSetStatus("DONE"));
  EXPECT_EQ(ParseIntent("VALIDATE"), Intent::kValidate);
  EXPECT_FALSE(ParseIntent("validate"));
}

TEST(ChangeSetReferences, ParsesEntityIdentifierReferences) {
  EXPECT_EQ(ReferencedChangeName("$CreateProductChange.Entity.Identifier"), "CreateProductChange");
  EXPECT_FALSE(ReferencedChangeName("prod-abc"));
  EXPECT_FALSE(ReferencedChangeName("$.Entity.Identifier"));
  EXPECT_FALSE(ReferencedChangeName("$X.Entity.Id"));
}

TEST(ChangeSetStorage, ChangesRoundTripWithOutcomes) {
  Change c;
  c.change_type = "UpdateInformation";
  c.entity_type = "AmiProduct@1.0";
  c.entity_identifier = "prod-abc@2";
  c.details = boost::json::parse(R"({"ProductTitle":"x"})");
  c.change_name = "n";
  c.errors.push_back({"MISSING_DATA", "m"});
  auto back = ChangesFromJson(ChangesToJson({c}));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].entity_identifier, "prod-abc@2");
  EXPECT_EQ((*back)[0].errors[0].code, "MISSING_DATA");
  EXPECT_EQ((*back)[0].details, c.details);
}

}  // namespace
}  // namespace amiplace
