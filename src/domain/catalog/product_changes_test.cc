// The AmiProduct@1.0 change types that edit regions, instance types, dimensions and the
// allowlist, driven through the engine (PlanChangeSet for the synchronous 422 checks,
// ProcessChangeSet for the asynchronous ErrorDetail codes).
#include <gtest/gtest.h>

#include <map>

#include "domain/catalog/instance_types.h"
#include "domain/catalog/regions.h"
#include "domain/changeset/engine.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

Change ProductChange(std::string type, std::string id, std::string_view details,
                     std::string name = "") {
  Change c;
  c.change_type = std::move(type);
  c.entity_type = std::string(kAmiProductType);
  c.entity_identifier = std::move(id);
  c.details = bj::parse(details);
  c.change_name = std::move(name);
  return c;
}

std::vector<std::string> Codes(const std::vector<ErrorDetail>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.code);
  return out;
}

std::vector<std::string> Strings(const bj::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

using Strs = std::vector<std::string>;

class ProductChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChangeSet cs = Set({ProductChange("CreateProduct", "", "{}")});
    cs.changes[0].entity_identifier.clear();
    Run(cs);
    ASSERT_EQ(cs.status, ChangeSetStatus::kSucceeded);
    product_id = cs.changes[0].resolved_entity_id;
    ASSERT_FALSE(product_id.empty());
  }

  ChangeSet Set(std::vector<Change> changes) {
    ChangeSet cs;
    cs.id = "cs";
    cs.owner_account_id = owner.account_id;
    cs.changes = std::move(changes);
    return cs;
  }

  // Processes `cs`, keeps its status in cs.status and persists what it changed.
  void Run(ChangeSet& cs) {
    EntityLoader load = [this](std::string_view id) -> std::optional<Entity> {
      auto it = db.find(id);
      if (it == db.end()) return std::nullopt;
      return it->second;
    };
    auto out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, TimePoint{}, load);
    cs.status = out.status;
    cs.failure_description = out.failure_description;
    for (auto& e : out.changed_entities) db[e.id] = e;
  }

  // Applies one change to the product; returns its errors (empty when the set succeeded).
  std::vector<ErrorDetail> Apply(std::string type, std::string_view details) {
    ChangeSet cs = Set({ProductChange(std::move(type), product_id, details)});
    Run(cs);
    if (cs.status == ChangeSetStatus::kSucceeded) return {};
    EXPECT_EQ(cs.status, ChangeSetStatus::kFailed);
    EXPECT_FALSE(cs.changes[0].errors.empty()) << cs.failure_description;
    return cs.changes[0].errors;
  }

  // Applies a change that must succeed.
  void Ok(std::string type, std::string_view details) {
    auto errors = Apply(type, details);
    ASSERT_TRUE(errors.empty()) << type << ": " << errors[0].code << " " << errors[0].message;
  }

  // Applies a change that must fail with `code` and leave the product as it was.
  void Fails(std::string type, std::string_view details, std::string_view code) {
    Entity before = db.at(product_id);
    auto errors = Apply(type, details);
    EXPECT_EQ(Codes(errors), Strs{std::string(code)}) << type << " " << details;
    const Entity& after = db.at(product_id);
    EXPECT_EQ(after.revision, before.revision);
    EXPECT_EQ(after.details, before.details);
  }

  // The synchronous (StartChangeSet, 422) check of one change; "" when it passes.
  std::string SyncError(std::string type, std::string_view details) {
    std::vector<Change> changes = {ProductChange(std::move(type), product_id, details)};
    auto plan = PlanChangeSet(changes, BuiltinChangeTypes());
    if (plan.ok()) return "";
    EXPECT_EQ(plan.status().code(), ErrorCode::kValidation);
    return plan.status().message();
  }
  void ExpectSync(std::string type, std::string_view details, std::string_view field) {
    std::string message = SyncError(type, details);
    EXPECT_NE(message.find(field), std::string::npos)
        << type << " " << details << " → '" << message << "' does not name " << field;
  }

  const bj::object& Doc() { return db.at(product_id).details; }
  const bj::value& At(std::string_view section, std::string_view member) {
    return Doc().at(section).as_object().at(member);
  }
  // Edits the stored product directly (state other change types would have produced).
  void Edit(const std::function<void(bj::object&)>& edit) { edit(db.at(product_id).details); }

  void AddVersion(std::string_view architecture, std::string_view recommended,
                  std::string_view visibility = "Public") {
    Edit([&](bj::object& doc) {
      doc["Versions"].as_array().push_back(bj::object{
          {"Id", "v-1"},
          {"Sources",
           bj::array{bj::object{
               {"Id", "s-1"},
               {"Type", "AmazonMachineImage"},
               {"Architecture", architecture},
               {"Compatibility", bj::object{{"AvailableInstanceTypes", bj::array()},
                                            {"RestrictedInstanceTypes", bj::array()}}}}}},
          {"DeliveryOptions",
           bj::array{bj::object{{"Id", "d-1"},
                                {"SourceId", "s-1"},
                                {"Visibility", visibility},
                                {"Recommendations", bj::object{{"InstanceType", recommended}}}}}}});
    });
  }
  const bj::object& SourceCompatibility() {
    return Doc()
        .at("Versions")
        .as_array()[0]
        .as_object()
        .at("Sources")
        .as_array()[0]
        .as_object()
        .at("Compatibility")
        .as_object();
  }

  Account owner{"111111111111", "Seller", AccountType::kSeller, {}};
  std::map<std::string, Entity, std::less<>> db;
  std::string product_id;
};

// ---------------------------------------------------------------------------------------------
// Regions

class ProductChangeRegions : public ProductChangeTest {};

TEST_F(ProductChangeRegions, CatalogueHasTheCommercialRegionsAndTheUsGroup) {
  EXPECT_EQ(regions::Commercial().size(), 32u);
  EXPECT_TRUE(regions::IsCommercial("mx-central-1"));
  EXPECT_FALSE(regions::IsCommercial("us-gov-west-1"));
  EXPECT_FALSE(regions::IsCommercial("cn-north-1"));
  auto us = regions::UsRegions();
  EXPECT_EQ(us,
            (std::vector<std::string_view>{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}));
  EXPECT_TRUE(regions::GroupIncludes("US", "us-central-1"));  // a region launched later
  EXPECT_FALSE(regions::GroupIncludes("US", "us-gov-east-1"));
  EXPECT_FALSE(regions::GroupIncludes("US", "eu-west-9"));
  EXPECT_TRUE(regions::GroupIncludes("All", "eu-west-9"));
  EXPECT_FALSE(regions::GroupIncludes("None", "us-east-7"));
}

TEST_F(ProductChangeRegions, AddRegionsMakesTheProductAvailable) {
  int64_t revision = db.at(product_id).revision;
  Ok("AddRegions", R"({"Regions":["us-east-1","eu-west-1"]})");
  EXPECT_EQ(Strings(At("RegionAvailability", "Regions")), (Strs{"us-east-1", "eu-west-1"}));
  EXPECT_TRUE(At("RegionAvailability", "Restrict").as_array().empty());
  EXPECT_EQ(db.at(product_id).revision, revision + 1);
  Ok("AddRegions", R"({"Regions":["ap-southeast-7"]})");
  EXPECT_EQ(Strings(At("RegionAvailability", "Regions")),
            (Strs{"us-east-1", "eu-west-1", "ap-southeast-7"}));
}

TEST_F(ProductChangeRegions, AddRegionsBringsBackARestrictedRegion) {
  Ok("AddRegions", R"({"Regions":["us-east-1","eu-west-1"]})");
  Ok("RestrictRegions", R"({"Regions":["eu-west-1"]})");
  Ok("AddRegions", R"({"Regions":["eu-west-1"]})");
  EXPECT_EQ(Strings(At("RegionAvailability", "Regions")), (Strs{"us-east-1", "eu-west-1"}));
  EXPECT_TRUE(At("RegionAvailability", "Restrict").as_array().empty());
}

TEST_F(ProductChangeRegions, AddRegionsSyncChecksNameTheField) {
  for (std::string type : {"AddRegions", "RestrictRegions"}) {
    ExpectSync(type, R"([])", "ChangeSet[0].DetailsDocument: must be a JSON object");
    ExpectSync(type, R"({})", "ChangeSet[0].DetailsDocument.Regions: is required");
    ExpectSync(type, R"({"Regions":"us-east-1"})",
               "ChangeSet[0].DetailsDocument.Regions: must be a list");
    ExpectSync(type, R"({"Regions":[]})",
               "ChangeSet[0].DetailsDocument.Regions: must have at least 1");
    ExpectSync(type, R"({"Regions":["us-east-1","us-east-1"]})",
               "ChangeSet[0].DetailsDocument.Regions[1]: 'us-east-1' appears more than once");
    ExpectSync(type, R"({"Regions":[1]})",
               "ChangeSet[0].DetailsDocument.Regions[0]: must be a string");
    ExpectSync(type, R"({"Regions":["us-east-1"],"FutureRegionSupport":"All"})",
               "unknown field 'FutureRegionSupport'");
    std::string many = R"({"Regions":[)";
    for (int i = 0; i < 101; ++i) many += fmt::format(R"({}"r-{}")", i ? "," : "", i);
    ExpectSync(type, many + "]}", "ChangeSet[0].DetailsDocument.Regions: must have at most 100");
    EXPECT_EQ(SyncError(type, R"({"Regions":["us-east-1"]})"), "");
  }
}

TEST_F(ProductChangeRegions, AddRegionsAsyncErrors) {
  Fails("AddRegions", R"({"Regions":["us-east-1","mars-north-1"]})", "INVALID_REGIONS");
  Fails("AddRegions", R"({"Regions":["us-gov-west-1"]})", "INVALID_REGIONS");
  Ok("AddRegions", R"({"Regions":["us-east-1"]})");
  Fails("AddRegions", R"({"Regions":["us-east-1"]})", "INVALID_REGIONS");
  auto errors = Apply("AddRegions", R"({"Regions":["us-east-1","xx-1"]})");
  ASSERT_EQ(Codes(errors), (Strs{"INVALID_REGIONS", "INVALID_REGIONS"}));
  EXPECT_NE(errors[0].message.find("xx-1"), std::string::npos);
  EXPECT_NE(errors[1].message.find("already available in us-east-1"), std::string::npos);
}

TEST_F(ProductChangeRegions, RestrictRegionsMovesTheRegionToRestrict) {
  Ok("AddRegions", R"({"Regions":["us-east-1","eu-west-1","sa-east-1"]})");
  Ok("RestrictRegions", R"({"Regions":["eu-west-1","sa-east-1"]})");
  EXPECT_EQ(Strings(At("RegionAvailability", "Regions")), (Strs{"us-east-1"}));
  EXPECT_EQ(Strings(At("RegionAvailability", "Restrict")), (Strs{"eu-west-1", "sa-east-1"}));
}

TEST_F(ProductChangeRegions, RestrictRegionsAsyncErrors) {
  Fails("RestrictRegions", R"({"Regions":["us-east-1"]})", "INVALID_REGIONS");  // not available
  Ok("AddRegions", R"({"Regions":["us-east-1","eu-west-1"]})");
  Fails("RestrictRegions", R"({"Regions":["moon-1"]})", "INVALID_REGIONS");
  Fails("RestrictRegions", R"({"Regions":["ap-south-1"]})", "INVALID_REGIONS");
  Ok("RestrictRegions", R"({"Regions":["eu-west-1"]})");
  Fails("RestrictRegions", R"({"Regions":["eu-west-1"]})", "INVALID_REGIONS");  // again
  // The last region stays.
  Fails("RestrictRegions", R"({"Regions":["us-east-1"]})", "INVALID_INPUT");
  EXPECT_EQ(Strings(At("RegionAvailability", "Regions")), (Strs{"us-east-1"}));
}

TEST_F(ProductChangeRegions, FailedChangeLeavesTheWholeSetUnapplied) {
  ChangeSet cs =
      Set({ProductChange("AddRegions", product_id, R"({"Regions":["us-east-1"]})"),
           ProductChange("RestrictRegions", product_id, R"({"Regions":["us-east-1"]})")});
  Run(cs);
  EXPECT_EQ(cs.status, ChangeSetStatus::kFailed);
  EXPECT_TRUE(cs.changes[0].errors.empty());
  EXPECT_EQ(Codes(cs.changes[1].errors), Strs{"INVALID_INPUT"});
  EXPECT_TRUE(At("RegionAvailability", "Regions").as_array().empty());
}

// ---------------------------------------------------------------------------------------------
// Future region support

class ProductChangeFutureRegions : public ProductChangeTest {};

TEST_F(ProductChangeFutureRegions, StoresTheValueAsDescribeEntityShowsIt) {
  EXPECT_TRUE(At("RegionAvailability", "FutureRegionSupport").is_null());
  Ok("UpdateFutureRegionSupport", R"({"FutureRegionSupport":{"SupportedRegions":["All"]}})");
  EXPECT_EQ(At("RegionAvailability", "FutureRegionSupport"), "All");
  Ok("UpdateFutureRegionSupport", R"({"FutureRegionSupport":{"SupportedRegions":["US"]}})");
  EXPECT_EQ(At("RegionAvailability", "FutureRegionSupport"), "US");
  Ok("UpdateFutureRegionSupport", R"({"FutureRegionSupport":{"SupportedRegions":["None"]}})");
  EXPECT_EQ(At("RegionAvailability", "FutureRegionSupport"), "None");
}

TEST_F(ProductChangeFutureRegions, SyncChecksNameTheField) {
  const std::string t = "UpdateFutureRegionSupport";
  ExpectSync(t, R"({})", "ChangeSet[0].DetailsDocument.FutureRegionSupport: is required");
  ExpectSync(t, R"({"FutureRegionSupport":"All"})",
             "ChangeSet[0].DetailsDocument.FutureRegionSupport: must be a JSON object");
  ExpectSync(t, R"({"FutureRegionSupport":{}})",
             "ChangeSet[0].DetailsDocument.FutureRegionSupport.SupportedRegions: is required");
  ExpectSync(t, R"({"FutureRegionSupport":{"SupportedRegions":"All"}})",
             "ChangeSet[0].DetailsDocument.FutureRegionSupport.SupportedRegions: must be a list");
  ExpectSync(
      t, R"({"FutureRegionSupport":{"SupportedRegions":[true]}})",
      "ChangeSet[0].DetailsDocument.FutureRegionSupport.SupportedRegions[0]: must be a string");
  ExpectSync(t, R"({"FutureRegionSupport":{"SupportedRegions":["All"],"Regions":[]}})",
             "unknown field 'Regions'");
}

TEST_F(ProductChangeFutureRegions, AsyncErrors) {
  const std::string t = "UpdateFutureRegionSupport";
  Fails(t, R"({"FutureRegionSupport":{"SupportedRegions":[]}})", "INVALID_INPUT");
  Fails(t, R"({"FutureRegionSupport":{"SupportedRegions":["All","US"]}})", "TOO_MANY_REGIONS");
  Fails(t, R"({"FutureRegionSupport":{"SupportedRegions":["EU"]}})", "INVALID_REGIONS");
  Fails(t, R"({"FutureRegionSupport":{"SupportedRegions":["all"]}})", "INVALID_REGIONS");
}

// ---------------------------------------------------------------------------------------------
// Instance types

class ProductChangeInstanceTypes : public ProductChangeTest {};

TEST_F(ProductChangeInstanceTypes, CatalogueKnowsArchitectures) {
  using instance_types::Architecture;
  EXPECT_EQ(instance_types::ArchitectureOf("t2.micro"), Architecture::kX86_64);
  EXPECT_EQ(instance_types::ArchitectureOf("m7g.large"), Architecture::kArm64);
  EXPECT_EQ(instance_types::ArchitectureOf("t4g.nano"), Architecture::kArm64);
  EXPECT_EQ(instance_types::ArchitectureOf("p4d.24xlarge"), Architecture::kX86_64);
  EXPECT_EQ(instance_types::ArchitectureOf("x2idn.metal"), Architecture::kX86_64);
  EXPECT_EQ(instance_types::ArchitectureOf("m7i.metal-48xl"), Architecture::kX86_64);
  EXPECT_FALSE(instance_types::IsKnown("t2.mega"));
  EXPECT_FALSE(instance_types::IsKnown("m5"));
  EXPECT_EQ(instance_types::ArchitectureName(Architecture::kArm64), "arm64");
  EXPECT_GT(instance_types::All().size(), 150u);
  EXPECT_TRUE(instance_types::IsWellFormed("Foo_bar-1.x"));
  EXPECT_FALSE(instance_types::IsWellFormed("m5 large"));
}

TEST_F(ProductChangeInstanceTypes, AddInstanceTypesMakesThemAvailable) {
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","m5.large"]})");
  EXPECT_EQ(Strings(At("Compatibility", "AvailableInstanceTypes")), (Strs{"t2.micro", "m5.large"}));
  Ok("RestrictInstanceTypes", R"({"InstanceTypes":["m5.large"]})");
  Ok("AddInstanceTypes", R"({"InstanceTypes":["m5.large","c7g.large"]})");  // m5.large returns
  EXPECT_EQ(Strings(At("Compatibility", "AvailableInstanceTypes")),
            (Strs{"t2.micro", "m5.large", "c7g.large"}));
  EXPECT_TRUE(At("Compatibility", "RestrictedInstanceTypes").as_array().empty());
}

TEST_F(ProductChangeInstanceTypes, SyncChecksNameTheField) {
  for (std::string t : {"AddInstanceTypes", "RestrictInstanceTypes"}) {
    ExpectSync(t, R"({})", "ChangeSet[0].DetailsDocument.InstanceTypes: is required");
    ExpectSync(t, R"({"InstanceTypes":"t2.micro"})",
               "ChangeSet[0].DetailsDocument.InstanceTypes: must be a list");
    ExpectSync(t, R"({"InstanceTypes":[]})",
               "ChangeSet[0].DetailsDocument.InstanceTypes: must have at least 1");
    ExpectSync(t, R"({"InstanceTypes":["t2.micro","t2.micro"]})",
               "ChangeSet[0].DetailsDocument.InstanceTypes[1]: 't2.micro' appears more than once");
    ExpectSync(t, R"({"InstanceTypes":["m5 large"]})",
               "ChangeSet[0].DetailsDocument.InstanceTypes[0]: 'm5 large' must be letters");
    ExpectSync(t, R"({"InstanceTypes":["m5.abcdefghijklmnopqrstuvw"]})",
               "ChangeSet[0].DetailsDocument.InstanceTypes[0]: must be at most 24 characters");
    ExpectSync(t, R"({"InstanceTypes":[""]})",
               "ChangeSet[0].DetailsDocument.InstanceTypes[0]: must not be empty");
    ExpectSync(t, R"({"InstanceTypes":["t2.micro"],"Regions":["us-east-1"]})",
               "ChangeSet[0].DetailsDocument: unknown field 'Regions'");
    std::string many = R"({"InstanceTypes":[)";
    for (int i = 0; i < 1501; ++i) many += fmt::format(R"({}"t{}.x")", i ? "," : "", i);
    ExpectSync(t, many + "]}",
               "ChangeSet[0].DetailsDocument.InstanceTypes: must have at most 1500");
    EXPECT_EQ(SyncError(t, R"({"InstanceTypes":["t2.micro"]})"), "");
  }
}

TEST_F(ProductChangeInstanceTypes, AddInstanceTypesAsyncErrors) {
  Fails("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","z9.gigantic"]})",
        "INVALID_INSTANCE_TYPES");
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro"]})");
  Fails("AddInstanceTypes", R"({"InstanceTypes":["t2.micro"]})", "DUPLICATE_INSTANCE_TYPE");
}

TEST_F(ProductChangeInstanceTypes, AddInstanceTypesFollowsTheVersionsArchitecture) {
  AddVersion("x86_64", "t2.micro");
  Fails("AddInstanceTypes", R"({"InstanceTypes":["m7g.large"]})", "INVALID_AMI_ARCHITECTURE");
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","c5.xlarge"]})");
  EXPECT_EQ(Strings(SourceCompatibility().at("AvailableInstanceTypes")),
            (Strs{"t2.micro", "c5.xlarge"}));
  // A second, arm64 version accepts Graviton types, which only its source lists.
  Edit([](bj::object& doc) {
    bj::value v = doc["Versions"].as_array()[0];
    v.as_object()["Id"] = "v-2";
    auto& source = v.as_object()["Sources"].as_array()[0].as_object();
    source["Architecture"] = "arm64";
    source["Compatibility"] = bj::object{{"AvailableInstanceTypes", bj::array()},
                                         {"RestrictedInstanceTypes", bj::array()}};
    doc["Versions"].as_array().push_back(v);
  });
  Ok("AddInstanceTypes", R"({"InstanceTypes":["m7g.large"]})");
  const auto& versions = Doc().at("Versions").as_array();
  auto source_types = [&](size_t i) {
    return Strings(
        versions[i].at("Sources").as_array()[0].at("Compatibility").at("AvailableInstanceTypes"));
  };
  EXPECT_EQ(source_types(0), (Strs{"t2.micro", "c5.xlarge"}));
  EXPECT_EQ(source_types(1), (Strs{"m7g.large"}));
}

TEST_F(ProductChangeInstanceTypes, HourlyProductsNeedADimensionPerInstanceType) {
  const char kHourly[] =
      R"([{"Key":"t2.micro","Name":"t2.micro","Description":"t2.micro","Unit":"Hrs",
          "Types":["Metered"]}])";
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro"]})");
  Ok("AddDimensions", kHourly);
  Fails("AddInstanceTypes", R"({"InstanceTypes":["m5.large"]})", "MISSING_DIMENSIONS");

  // With the dimension in the same change set — before or after — it applies.
  const char kM5[] =
      R"([{"Key":"m5.large","Name":"m5.large","Description":"m5.large","Unit":"Hrs",
          "Types":["Metered"]}])";
  ChangeSet cs =
      Set({ProductChange("AddInstanceTypes", product_id, R"({"InstanceTypes":["m5.large"]})"),
           ProductChange("AddDimensions", product_id, kM5)});
  Run(cs);
  ASSERT_EQ(cs.status, ChangeSetStatus::kSucceeded)
      << (cs.changes[0].errors.empty() ? "" : cs.changes[0].errors[0].message);
  EXPECT_EQ(Strings(At("Compatibility", "AvailableInstanceTypes")), (Strs{"t2.micro", "m5.large"}));
}

TEST_F(ProductChangeInstanceTypes, NewHourlyProductInOneSetAsInAwsSample) {
  // AWS's sample adds the instance type first, then its hourly dimension.
  ChangeSet cs = Set(
      {ProductChange("CreateProduct", "", "{}", "P"),
       ProductChange("AddRegions", "$P.Entity.Identifier", R"({"Regions":["us-east-1"]})"),
       ProductChange("AddInstanceTypes", "$P.Entity.Identifier",
                     R"({"InstanceTypes":["t2.micro","t3.small"]})"),
       ProductChange(
           "AddDimensions", "$P.Entity.Identifier",
           R"([{"Key":"t2.micro","Description":"t2.micro","Name":"t2.micro","Types":["Metered"],
               "Unit":"Hrs"}])"),
       ProductChange(
           "UpdateTargeting", "$P.Entity.Identifier",
           R"({"PositiveTargeting":{"BuyerAccounts":["111111111111","222222222222"]}})")});
  Run(cs);
  ASSERT_EQ(cs.status, ChangeSetStatus::kFailed);  // t3.small has no hourly dimension
  EXPECT_EQ(Codes(cs.changes[2].errors), Strs{"MISSING_DIMENSIONS"});
  EXPECT_NE(cs.changes[2].errors[0].message.find("t3.small"), std::string::npos);

  cs.changes[2].details = bj::parse(R"({"InstanceTypes":["t2.micro"]})");
  for (auto& c : cs.changes) c.errors.clear();
  Run(cs);
  ASSERT_EQ(cs.status, ChangeSetStatus::kSucceeded) << cs.failure_description;
  const bj::object& doc = db.at(cs.changes[0].resolved_entity_id).details;
  EXPECT_EQ(Strings(doc.at("Compatibility").at("AvailableInstanceTypes")), Strs{"t2.micro"});
  EXPECT_EQ(doc.at("Dimensions").as_array().size(), 1u);
}

TEST_F(ProductChangeInstanceTypes, RestrictInstanceTypesMovesThemToRestricted) {
  AddVersion("x86_64", "t2.micro");
  Ok("AddRegions", R"({"Regions":["us-east-1"]})");
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","m5.large","c5.large"]})");
  Ok("RestrictInstanceTypes", R"({"InstanceTypes":["m5.large","c5.large"]})");
  EXPECT_EQ(Strings(At("Compatibility", "AvailableInstanceTypes")), Strs{"t2.micro"});
  EXPECT_EQ(Strings(At("Compatibility", "RestrictedInstanceTypes")),
            (Strs{"m5.large", "c5.large"}));
  EXPECT_EQ(Strings(SourceCompatibility().at("AvailableInstanceTypes")), Strs{"t2.micro"});
  EXPECT_EQ(Strings(SourceCompatibility().at("RestrictedInstanceTypes")),
            (Strs{"m5.large", "c5.large"}));
}

TEST_F(ProductChangeInstanceTypes, RestrictInstanceTypesAsyncErrors) {
  Ok("AddRegions", R"({"Regions":["us-east-1"]})");
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","t3.micro","m5.large"]})");
  Fails("RestrictInstanceTypes", R"({"InstanceTypes":["q1.tiny"]})", "INVALID_INSTANCE_TYPES");
  Fails("RestrictInstanceTypes", R"({"InstanceTypes":["c5.large"]})", "UNAVAILABLE_INSTANCE_TYPE");
  Ok("RestrictInstanceTypes", R"({"InstanceTypes":["m5.large"]})");
  Fails("RestrictInstanceTypes", R"({"InstanceTypes":["m5.large"]})", "DUPLICATE_INSTANCE_TYPE");
  // The type a version recommends stays available.
  AddVersion("x86_64", "t3.micro");
  Fails("RestrictInstanceTypes", R"({"InstanceTypes":["t3.micro"]})",
        "RECOMMENDED_INSTANCE_TYPE_RESTRICTED");
  // ...unless that delivery option is itself restricted.
  Edit([](bj::object& doc) {
    doc["Versions"]
        .as_array()[0]
        .as_object()["DeliveryOptions"]
        .as_array()[0]
        .as_object()["Visibility"] = "Restricted";
  });
  Ok("RestrictInstanceTypes", R"({"InstanceTypes":["t3.micro"]})");
  // The last one stays: the product's regions need an instance type.
  Fails("RestrictInstanceTypes", R"({"InstanceTypes":["t2.micro"]})", "REGION_NO_INSTANCES");
}

TEST_F(ProductChangeInstanceTypes, RecommendationsAreReadDefensively) {
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","t3.micro"]})");
  Edit([](bj::object& doc) {
    doc["Versions"] = bj::parse(R"([
      null, 7, {"DeliveryOptions": null}, {"DeliveryOptions": [1, {"Recommendations": 3},
      {"Recommendations": {"InstanceType": 5}}]}, {"Sources": [{"Type": "CloudFormationTemplate"}]}
    ])");
  });
  Ok("RestrictInstanceTypes", R"({"InstanceTypes":["t3.micro"]})");
}

TEST_F(ProductChangeInstanceTypes, PricedInstanceTypesNeedTheirDimensionRestricted) {
  const char kHourly[] = R"([
    {"Key":"t2.micro","Name":"t2.micro","Description":"d","Unit":"Hrs","Types":["Metered"]},
    {"Key":"m5.large","Name":"m5.large","Description":"d","Unit":"Hrs","Types":["Metered"]}])";
  Ok("AddInstanceTypes", R"({"InstanceTypes":["t2.micro","m5.large"]})");
  Ok("AddDimensions", kHourly);
  Fails("RestrictInstanceTypes", R"({"InstanceTypes":["m5.large"]})", "DIMENSIONS_NOT_RESTICTED");
  ChangeSet cs =
      Set({ProductChange("RestrictInstanceTypes", product_id, R"({"InstanceTypes":["m5.large"]})"),
           ProductChange("RestrictDimensions", product_id,
                         R"([{"Key":"m5.large","Types":["Metered"]}])")});
  Run(cs);
  ASSERT_EQ(cs.status, ChangeSetStatus::kSucceeded);
  EXPECT_EQ(Strings(At("Compatibility", "RestrictedInstanceTypes")), Strs{"m5.large"});
  EXPECT_EQ(Doc().at("Dimensions").as_array().size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Dimensions

class ProductChangeDimensions : public ProductChangeTest {};

constexpr char kUsers[] =
    R"([{"Key":"users","Name":"Users","Description":"Named users","Unit":"Users",
        "Types":["Entitled"]}])";

TEST_F(ProductChangeDimensions, AddDimensionsStoresThemAsAwsShowsThem) {
  Ok("AddDimensions", R"([
    {"Key":"t2.micro","Description":"t2.micro","Name":"t2.micro","Types":["Metered"],"Unit":"Hrs"},
    {"Key":"users","Name":"Users","Description":"Named users","Unit":"Users","Types":["Entitled"]},
    {"Key":"gb","Name":"Data","Description":"Data scanned","Unit":"GB",
        "Types":["ExternallyMetered"]}])");
  const auto& dims = Doc().at("Dimensions").as_array();
  ASSERT_EQ(dims.size(), 3u);
  EXPECT_EQ(dims[0], bj::parse(R"({"Name":"t2.micro","Description":"t2.micro","Key":"t2.micro",
                                   "Unit":"Hrs","Types":["Metered"]})"));
  EXPECT_EQ(dims[1].at("Unit"), "Users");
  // The same key may price another type.
  Ok("AddDimensions",
     R"([{"Key":"users","Name":"Users","Description":"Users","Unit":"Users",
         "Types":["ExternallyMetered"]}])");
  EXPECT_EQ(Doc().at("Dimensions").as_array().size(), 4u);
}

TEST_F(ProductChangeDimensions, AddDimensionsSyncChecksNameTheField) {
  const std::string t = "AddDimensions";
  ExpectSync(t, R"({"Key":"a"})", "ChangeSet[0].DetailsDocument: must be a JSON array");
  ExpectSync(t, R"([])", "ChangeSet[0].DetailsDocument: must have at least 1 item");
  ExpectSync(t, R"([7])", "ChangeSet[0].DetailsDocument[0]: must be a JSON object");
  ExpectSync(t, R"([{"Name":"n","Description":"d","Unit":"Users","Types":["Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0].Key: is required");
  ExpectSync(t,
             R"([{"Key":"a b","Name":"n","Description":"d","Unit":"Users","Types":["Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0].Key: 'a b' must be letters");
  ExpectSync(
      t,
      fmt::format(
          R"([{{"Key":"{}","Name":"n","Description":"d","Unit":"Users","Types":["Entitled"]}}])",
          std::string(101, 'k')),
      "ChangeSet[0].DetailsDocument[0].Key: must be at most 100 characters");
  ExpectSync(t, R"([{"Key":"k","Description":"d","Unit":"Users","Types":["Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0].Name: is required");
  ExpectSync(
      t,
      fmt::format(
          R"([{{"Key":"k","Name":"{}","Description":"d","Unit":"Users","Types":["Entitled"]}}])",
          std::string(501, 'n')),
      "ChangeSet[0].DetailsDocument[0].Name: must be at most 500 characters");
  ExpectSync(t,
             R"([{"Key":"k","Name":" n","Description":"d","Unit":"Users","Types":["Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0].Name: ' n' must be text that does not start with");
  ExpectSync(
      t,
      fmt::format(
          R"([{{"Key":"k","Name":"n","Description":"{}","Unit":"Users","Types":["Entitled"]}}])",
          std::string(1001, 'd')),
      "ChangeSet[0].DetailsDocument[0].Description: must be at most 1000 characters");
  ExpectSync(
      t,
      R"([{"Key":"k","Name":"n","Description":"d","Unit":"UnitsUnitsUnitsUnitsX",
          "Types":["Entitled"]}])",
      "ChangeSet[0].DetailsDocument[0].Unit: must be at most 20 characters");
  ExpectSync(t, R"([{"Key":"k","Name":"n","Description":"d","Types":["Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0].Unit: is required");
  ExpectSync(t, R"([{"Key":"k","Name":"n","Description":"d","Unit":"Users"}])",
             "ChangeSet[0].DetailsDocument[0].Types: is required");
  ExpectSync(t, R"([{"Key":"k","Name":"n","Description":"d","Unit":"Users","Types":[]}])",
             "ChangeSet[0].DetailsDocument[0].Types: must have at least 1");
  ExpectSync(t, R"([{"Key":"k","Name":"n","Description":"d","Unit":"Users","Types":["Hourly"]}])",
             "ChangeSet[0].DetailsDocument[0].Types[0]: 'Hourly' must be one of Entitled, Metered, "
             "ExternallyMetered");
  ExpectSync(
      t,
      R"([{"Key":"k","Name":"n","Description":"d","Unit":"Users",
          "Types":["Entitled","Entitled"]}])",
      "ChangeSet[0].DetailsDocument[0].Types[1]: 'Entitled' appears more than once");
  ExpectSync(
      t,
      R"([{"Key":"k","Name":"n","Description":"d","Unit":"Users","Types":["Entitled"],"Price":1}])",
      "ChangeSet[0].DetailsDocument[0]: unknown field 'Price'");
  EXPECT_EQ(SyncError(t, kUsers), "");
}

TEST_F(ProductChangeDimensions, AddDimensionsAsyncErrors) {
  auto one = [](std::string_view key, std::string_view unit, std::string_view types) {
    return fmt::format(R"([{{"Key":"{}","Name":"n","Description":"d","Unit":"{}","Types":{}}}])",
                       key, unit, types);
  };
  Fails("AddDimensions", one("users", "Hours", R"(["Entitled"])"), "INVALID_UNIT");
  Fails("AddDimensions", one("users", "Hrs", R"(["Entitled"])"), "INVALID_UNIT");
  Fails("AddDimensions", one("t2.micro", "Users", R"(["Metered"])"), "INVALID_UNIT");
  Fails("AddDimensions", one("not-an-instance", "Hrs", R"(["Metered"])"), "INVALID_DIMENSION");
  Fails("AddDimensions", one("t2.micro", "Hrs", R"(["Metered","ExternallyMetered"])"),
        "INVALID_DIMENSION");
  Ok("AddDimensions", kUsers);
  Fails("AddDimensions", kUsers, "INVALID_DIMENSION");  // already there
  Fails("AddDimensions", one("users", "Users", R"(["Entitled","ExternallyMetered"])"),
        "INVALID_DIMENSION");  // overlaps the Entitled one
  // Twice in one change.
  Fails("AddDimensions", R"([
    {"Key":"seats","Name":"n","Description":"d","Unit":"Users","Types":["Entitled"]},
    {"Key":"seats","Name":"n","Description":"d","Unit":"Users","Types":["Entitled"]}])",
        "INVALID_DIMENSION");
}

TEST_F(ProductChangeDimensions, AtMost200OfAType) {
  std::string many = "[";
  for (int i = 0; i < 200; ++i) {
    many += fmt::format(
        R"({}{{"Key":"d{}","Name":"n","Description":"d","Unit":"Units","Types":["Entitled"]}})",
        i ? "," : "", i);
  }
  Ok("AddDimensions", many + "]");
  Ok("AddDimensions",
     R"([{"Key":"x","Name":"n","Description":"d","Unit":"Units","Types":["ExternallyMetered"]}])");
  auto errors =
      Apply("AddDimensions",
            R"([{"Key":"d200","Name":"n","Description":"d","Unit":"Units","Types":["Entitled"]}])");
  ASSERT_EQ(Codes(errors), Strs{"INVALID_DIMENSION"});
  EXPECT_NE(errors[0].message.find("at most 200 Entitled"), std::string::npos);
}

TEST_F(ProductChangeDimensions, UpdateDimensionsChangesNameAndDescription) {
  Ok("AddDimensions", kUsers);
  Ok("UpdateDimensions", R"([{"Key":"users","Types":["Entitled"],"Description":"Seats"}])");
  EXPECT_EQ(Doc().at("Dimensions").as_array()[0],
            bj::parse(R"({"Name":"Users","Description":"Seats","Key":"users","Unit":"Users",
                          "Types":["Entitled"]})"));
  Ok("UpdateDimensions",
     R"([{"Key":"users","Types":["Entitled"],"Name":"Seats","Description":"All seats"}])");
  EXPECT_EQ(Doc().at("Dimensions").as_array()[0].at("Name"), "Seats");
}

TEST_F(ProductChangeDimensions, UpdateDimensionsSyncChecksNameTheField) {
  const std::string t = "UpdateDimensions";
  ExpectSync(t, R"({"Key":"users"})", "ChangeSet[0].DetailsDocument: must be a JSON array");
  ExpectSync(t, R"([{"Key":"users","Types":["Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0]: must set at least one of: Name, Description");
  ExpectSync(t, R"([{"Types":["Entitled"],"Name":"n"}])",
             "ChangeSet[0].DetailsDocument[0].Key: is required");
  ExpectSync(t, R"([{"Key":"users","Name":"n"}])",
             "ChangeSet[0].DetailsDocument[0].Types: is required");
  ExpectSync(t, R"([{"Key":"users","Types":["Entitled"],"Unit":"Users"}])",
             "ChangeSet[0].DetailsDocument[0]: unknown field 'Unit'");
  ExpectSync(t, R"([{"Key":"users","Types":["Entitled"],"Name":""}])",
             "ChangeSet[0].DetailsDocument[0].Name: must not be empty");
}

TEST_F(ProductChangeDimensions, UpdateDimensionsAsyncErrors) {
  Ok("AddDimensions", kUsers);
  Ok("AddDimensions",
     R"([{"Key":"t2.micro","Name":"t2.micro","Description":"d","Unit":"Hrs",
         "Types":["Metered"]}])");
  Fails("UpdateDimensions", R"([{"Key":"seats","Types":["Entitled"],"Name":"n"}])",
        "INVALID_DIMENSION");
  Fails("UpdateDimensions", R"([{"Key":"users","Types":["ExternallyMetered"],"Name":"n"}])",
        "INVALID_DIMENSION");
  Fails("UpdateDimensions", R"([{"Key":"t2.micro","Types":["Metered"],"Name":"n"}])",
        "INVALID_DIMENSION");
  Fails("UpdateDimensions", R"([{"Key":"users","Types":["Entitled"],"Name":"a"},
                                {"Key":"users","Types":["Entitled"],"Name":"b"}])",
        "INVALID_DIMENSION");
}

TEST_F(ProductChangeDimensions, RestrictDimensionsTakesThemOutOfDimensions) {
  Ok("AddDimensions", R"([
    {"Key":"users","Name":"Users","Description":"d","Unit":"Users","Types":["Entitled"]},
    {"Key":"admins","Name":"Admins","Description":"d","Unit":"Users","Types":["Entitled"]},
    {"Key":"gb","Name":"Data","Description":"d","Unit":"GB",
        "Types":["Entitled","ExternallyMetered"]}])");
  Ok("RestrictDimensions", R"([{"Key":"admins","Types":["Entitled"]},
                              {"Key":"gb","Types":["ExternallyMetered","Entitled"]}])");
  const auto& dims = Doc().at("Dimensions").as_array();
  ASSERT_EQ(dims.size(), 1u);
  EXPECT_EQ(dims[0].at("Key"), "users");
}

TEST_F(ProductChangeDimensions, RestrictDimensionsSyncChecksNameTheField) {
  const std::string t = "RestrictDimensions";
  ExpectSync(t, R"({})", "ChangeSet[0].DetailsDocument: must be a JSON array");
  ExpectSync(t, R"([])", "ChangeSet[0].DetailsDocument: must have at least 1 item");
  ExpectSync(t, R"([{"Key":"users"}])", "ChangeSet[0].DetailsDocument[0].Types: is required");
  ExpectSync(t, R"([{"Key":"users","Types":["Entitled"],"Name":"n"}])",
             "ChangeSet[0].DetailsDocument[0]: unknown field 'Name'");
  ExpectSync(t,
             R"([{"Key":"users","Types":["Entitled","Metered","ExternallyMetered","Entitled"]}])",
             "ChangeSet[0].DetailsDocument[0].Types: must have at most 3");
}

TEST_F(ProductChangeDimensions, RestrictDimensionsAsyncErrors) {
  Ok("AddDimensions", R"([
    {"Key":"users","Name":"Users","Description":"d","Unit":"Users","Types":["Entitled"]},
    {"Key":"admins","Name":"Admins","Description":"d","Unit":"Users","Types":["Entitled"]},
    {"Key":"gb","Name":"Data","Description":"d","Unit":"GB",
        "Types":["Entitled","ExternallyMetered"]}])");
  Fails("RestrictDimensions", R"([{"Key":"seats","Types":["Entitled"]}])", "INVALID_DIMENSION");
  Fails("RestrictDimensions", R"([{"Key":"gb","Types":["ExternallyMetered"]}])",
        "INVALID_DIMENSION");  // only one of its types
  Fails("RestrictDimensions", R"([{"Key":"admins","Types":["Entitled"]},
                                  {"Key":"admins","Types":["Entitled"]}])",
        "INVALID_DIMENSION");
  Ok("RestrictDimensions", R"([{"Key":"admins","Types":["Entitled"]}])");
  auto errors = Apply("RestrictDimensions", R"([{"Key":"admins","Types":["Entitled"]}])");
  ASSERT_EQ(Codes(errors), Strs{"INVALID_DIMENSION"});
  EXPECT_NE(errors[0].message.find("already restricted"), std::string::npos);
  // The last Entitled dimension stays.
  Fails("RestrictDimensions", R"([{"Key":"users","Types":["Entitled"]},
                                  {"Key":"gb","Types":["Entitled","ExternallyMetered"]}])",
        "INVALID_DIMENSION");
}

// ---------------------------------------------------------------------------------------------
// Allowlist

class ProductChangeTargeting : public ProductChangeTest {};

TEST_F(ProductChangeTargeting, UpdateTargetingReplacesTheAllowlist) {
  Ok("UpdateTargeting",
     R"({"PositiveTargeting":{"BuyerAccounts":["222222222222","333333333333"]}})");
  EXPECT_EQ(Strings(Doc().at("Targeting").at("PositiveTargeting").at("BuyerAccounts")),
            (Strs{"222222222222", "333333333333"}));
  // Listed twice, kept once.
  Ok("UpdateTargeting",
     R"({"PositiveTargeting":{"BuyerAccounts":["444444444444","444444444444","222222222222"]}})");
  EXPECT_EQ(Strings(Doc().at("Targeting").at("PositiveTargeting").at("BuyerAccounts")),
            (Strs{"444444444444", "222222222222"}));
  Ok("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":[]}})");
  EXPECT_TRUE(Doc().at("Targeting").at("PositiveTargeting").at("BuyerAccounts").as_array().empty());
}

TEST_F(ProductChangeTargeting, SyncChecksNameTheField) {
  const std::string t = "UpdateTargeting";
  ExpectSync(t, R"({})", "ChangeSet[0].DetailsDocument.PositiveTargeting: is required");
  ExpectSync(t, R"({"PositiveTargeting":[]})",
             "ChangeSet[0].DetailsDocument.PositiveTargeting: must be a JSON object");
  ExpectSync(t, R"({"PositiveTargeting":{}})",
             "ChangeSet[0].DetailsDocument.PositiveTargeting.BuyerAccounts: is required");
  ExpectSync(t, R"({"PositiveTargeting":{"BuyerAccounts":"222222222222"}})",
             "ChangeSet[0].DetailsDocument.PositiveTargeting.BuyerAccounts: must be a list");
  ExpectSync(t, R"({"PositiveTargeting":{"BuyerAccounts":[222222222222]}})",
             "ChangeSet[0].DetailsDocument.PositiveTargeting.BuyerAccounts[0]: must be a string");
  ExpectSync(t, R"({"PositiveTargeting":{"BuyerAccounts":[],"CountryCodes":["US"]}})",
             "unknown field 'CountryCodes'");
  std::string many = R"({"PositiveTargeting":{"BuyerAccounts":[)";
  for (int i = 0; i < 5001; ++i) many += fmt::format(R"({}"{:012}")", i ? "," : "", i);
  ExpectSync(
      t, many + "]}}",
      "ChangeSet[0].DetailsDocument.PositiveTargeting.BuyerAccounts: must have at most 5000");
}

TEST_F(ProductChangeTargeting, AsyncErrors) {
  Fails("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":["12345","222222222222"]}})",
        "INVALID_AWS_ACCOUNT_IDS");
  Fails("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":["22222222222a"]}})",
        "INVALID_AWS_ACCOUNT_IDS");
  Fails("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":[]}})", "INVALID_INPUT");
  Ok("UpdateTargeting",
     R"({"PositiveTargeting":{"BuyerAccounts":["222222222222","333333333333"]}})");
  Fails("UpdateTargeting",
        R"({"PositiveTargeting":{"BuyerAccounts":["333333333333","222222222222"]}})",
        "INVALID_INPUT");  // the same list in another order
  Edit([](bj::object& doc) { doc["Description"].as_object()["Visibility"] = "Restricted"; });
  Fails("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":["444444444444"]}})",
        "INVALID_PRODUCT_VISIBILITY");
  Edit([](bj::object& doc) { doc["Description"].as_object()["Visibility"] = "Limited"; });
  Ok("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":["444444444444"]}})");
}

// ---------------------------------------------------------------------------------------------

class ProductChangeDescribe : public ProductChangeTest {};

TEST_F(ProductChangeDescribe, OneLineForPeople) {
  const auto& r = BuiltinChangeTypes();
  auto describe = [&](std::string_view type, std::string_view details) {
    return r.Find(kAmiProductType, type)->Describe(bj::parse(details));
  };
  EXPECT_EQ(describe("AddRegions", R"({"Regions":["us-east-1","eu-west-1"]})"),
            "Add regions: us-east-1, eu-west-1");
  EXPECT_EQ(describe("RestrictInstanceTypes", R"({"InstanceTypes":["t2.micro"]})"),
            "Restrict instance types: t2.micro");
  EXPECT_EQ(describe("AddDimensions", kUsers), "Add dimensions: users (Entitled)");
  EXPECT_EQ(describe("UpdateFutureRegionSupport",
                     R"({"FutureRegionSupport":{"SupportedRegions":["US"]}})"),
            "Update future region support: US");
  EXPECT_EQ(describe("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":["1"]}})"),
            "Update the product's allowlist: 1 buyer account");
  EXPECT_EQ(describe("AddRegions", "7"), "Add regions: ");  // tolerates any document
}

}  // namespace
}  // namespace amiplace
