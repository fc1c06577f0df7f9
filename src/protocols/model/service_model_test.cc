#include "protocols/model/service_model.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace amiplace::model {
namespace {

namespace bj = boost::json;

#ifndef AMIPLACE_MODEL_DIR
std::string DirOfThisFile() {
  const std::string f = __FILE__;
  const size_t slash = f.rfind('/');
  return slash == std::string::npos ? "." : f.substr(0, slash);
}
#define AMIPLACE_MODEL_DIR DirOfThisFile()
#endif

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The Catalog model lives beside this file; the metering and entitlement models are looked for
// there first, then in the shared reference folder of the workspace.
std::string ReadModel(const std::string& file) {
  const std::string dir = AMIPLACE_MODEL_DIR;
  std::string text = ReadFile(dir + "/" + file);
  if (text.empty()) text = ReadFile(dir + "/../../../../shared/reference/api-models/" + file);
  return text;
}

const ServiceModel& Catalog() {
  static const ServiceModel* model = [] {
    const std::string text = ReadModel("marketplace-catalog.service-2.json");
    EXPECT_FALSE(text.empty()) << "catalog model not found under " << AMIPLACE_MODEL_DIR;
    Result<ServiceModel> m = ServiceModel::Load(text);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return new ServiceModel(std::move(m).value());
  }();
  return *model;
}

Status Validate(const ServiceModel& m, std::string_view op, std::string_view json) {
  const ServiceModel::Operation* o = m.FindOperation(op);
  EXPECT_NE(o, nullptr) << op;
  return m.ValidateInput(*o, bj::parse(json));
}

// A StartChangeSet input that is valid, for tests to break one piece at a time.
bj::value StartChangeSetInput() {
  return bj::parse(R"({
    "Catalog": "AWSMarketplace",
    "ChangeSet": [
      {"ChangeType": "CreateProduct", "Entity": {"Type": "AmiProduct@1.0"},
       "ChangeName": "CreateProductChange", "DetailsDocument": {}},
      {"ChangeType": "UpdateInformation",
       "Entity": {"Type": "AmiProduct@1.0", "Identifier": "$CreateProductChange.Entity.Identifier"},
       "DetailsDocument": {"ProductTitle": "Sample product", "Highlights": ["fast"]}},
      {"ChangeType": "AddInstanceTypes",
       "Entity": {"Type": "AmiProduct@1.0", "Identifier": "prod-abcdefghijklm@3"},
       "Details": "{\"InstanceTypes\": [\"m5.large\"]}"}
    ],
    "ChangeSetName": "Submitted by 123456789012",
    "ClientRequestToken": "0f9c5a1e-8a3b-4c1d-9e2f-123456789abc",
    "ChangeSetTags": [{"Key": "team", "Value": "ami"}],
    "Intent": "APPLY"
  })");
}

Status ValidateStart(const bj::value& input) {
  return Catalog().ValidateInput(*Catalog().FindOperation("StartChangeSet"), input);
}

#define EXPECT_VALIDATION_ERROR(status, ...)                                     \
  do {                                                                           \
    const ::amiplace::Status _st = (status);                                     \
    EXPECT_EQ(_st.code(), ::amiplace::ErrorCode::kValidation) << _st.ToString(); \
    for (const std::string_view _part : {__VA_ARGS__}) {                         \
      EXPECT_NE(_st.message().find(_part), std::string::npos)                    \
          << "missing \"" << _part << "\" in: " << _st.message();                \
    }                                                                            \
  } while (0)

// ---------------------------------------------------------------------------------------------
// Loading and routing

TEST(ServiceModelTest, LoadsCatalogModel) {
  const ServiceModel& m = Catalog();
  EXPECT_EQ(m.protocol(), "rest-json");
  EXPECT_EQ(m.operations().size(), 13u);
  const ServiceModel::Operation* op = m.FindOperation("DescribeEntity");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->http_method, "GET");
  EXPECT_EQ(op->path, "/DescribeEntity");
  EXPECT_EQ(op->input_shape, "DescribeEntityRequest");
  EXPECT_EQ(op->output_shape, "DescribeEntityResponse");
  EXPECT_EQ(m.FindOperation("NoSuchOperation"), nullptr);
}

TEST(ServiceModelTest, MatchesAllThirteenCatalogOperations) {
  // Expected routes come from the model file itself; the requestUri may carry a query part.
  const bj::value raw = bj::parse(ReadModel("marketplace-catalog.service-2.json"));
  const bj::object& ops = raw.at("operations").as_object();
  ASSERT_EQ(ops.size(), 13u);
  for (const auto& kv : ops) {
    const std::string method(kv.value().at("http").at("method").as_string());
    std::string path(kv.value().at("http").at("requestUri").as_string());
    path = path.substr(0, path.find('?'));
    const ServiceModel::Operation* op = Catalog().MatchRestOperation(method, path);
    ASSERT_NE(op, nullptr) << method << " " << path;
    EXPECT_EQ(op->name, kv.key()) << method << " " << path;
  }
  EXPECT_EQ(Catalog().MatchRestOperation("GET", "/DescribeEntity")->name, "DescribeEntity");
  EXPECT_EQ(Catalog().MatchRestOperation("PATCH", "/CancelChangeSet")->name, "CancelChangeSet");
  EXPECT_EQ(Catalog().MatchRestOperation("DELETE", "/DeleteResourcePolicy")->name,
            "DeleteResourcePolicy");
  EXPECT_EQ(Catalog().MatchRestOperation("POST", "/DescribeEntity"), nullptr);
  EXPECT_EQ(Catalog().MatchRestOperation("GET", "/DescribeEntity/"), nullptr);
  EXPECT_EQ(Catalog().MatchRestOperation("GET", "/describeentity"), nullptr);
  EXPECT_EQ(Catalog().MatchRestOperation("GET", "/"), nullptr);
}

TEST(ServiceModelTest, ListsPatternIssues) {
  std::map<std::string, ServiceModel::PatternIssue> issues;
  for (const auto& i : Catalog().pattern_issues()) {
    issues[i.shape] = i;
    std::cout << "[pattern] " << i.shape << " " << i.pattern << " -> " << i.reason
              << (i.enforced ? " (enforced)" : " (NOT enforced)") << "\n";
  }
  ASSERT_TRUE(issues.count("ChangeName"));
  EXPECT_FALSE(issues["ChangeName"].enforced);
  ASSERT_TRUE(issues.count("NextToken"));
  EXPECT_FALSE(issues["NextToken"].enforced);
  ASSERT_TRUE(issues.count("EntityNameString"));  // `^\\S+...`, output only
  EXPECT_FALSE(issues["EntityNameString"].enforced);
  ASSERT_TRUE(issues.count("TagKey"));
  EXPECT_TRUE(issues["TagKey"].enforced);
  ASSERT_TRUE(issues.count("EntityType"));
  EXPECT_TRUE(issues["EntityType"].enforced);
  // Nothing in the Catalog model fails to compile outright.
  for (const auto& [shape, i] : issues) {
    EXPECT_EQ(i.reason.find("not supported"), std::string::npos) << shape << ": " << i.reason;
  }
}

TEST(ServiceModelTest, RejectsBrokenModels) {
  EXPECT_EQ(ServiceModel::Load("not json").status().code(), ErrorCode::kInternal);
  EXPECT_EQ(ServiceModel::Load("{}").status().code(), ErrorCode::kInternal);
  const Result<ServiceModel> dangling = ServiceModel::Load(R"({"metadata":{},"operations":{},
      "shapes":{"A":{"type":"list","member":{"shape":"Missing"}}}})");
  EXPECT_EQ(dangling.status().code(), ErrorCode::kInternal);
  EXPECT_NE(dangling.status().message().find("Missing"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// rest-json binding

TEST(ServiceModelTest, BindsDescribeEntityFromQuery) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.MatchRestOperation("GET", "/DescribeEntity");
  ASSERT_NE(op, nullptr);
  const std::multimap<std::string, std::string> query = {
      {"catalog", "AWSMarketplace"}, {"entityId", "prod-abcdefghijklm"}, {"ignored", "x"}};
  Result<bj::object> in = m.BindRestInput(*op, query, nullptr, nullptr);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(bj::value(*in), bj::parse(R"({"Catalog":"AWSMarketplace",
                                           "EntityId":"prod-abcdefghijklm"})"));
  EXPECT_TRUE(m.ValidateInput(*op, bj::value(*in)).ok());
}

TEST(ServiceModelTest, MissingEntityIdIsNamed) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("DescribeEntity");
  Result<bj::object> in = m.BindRestInput(*op, {{"catalog", "AWSMarketplace"}}, nullptr, nullptr);
  ASSERT_TRUE(in.ok());
  EXPECT_VALIDATION_ERROR(m.ValidateInput(*op, bj::value(*in)),
                          "1 validation error detected: Value null at 'entityId' (EntityId) "
                          "failed to satisfy constraint: Member must not be null");
}

TEST(ServiceModelTest, EmptyBodyIsAnEmptyObject) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("ListEntities");
  Result<bj::object> in = m.BindRestInput(*op, {}, nullptr, nullptr);
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->empty());
  EXPECT_VALIDATION_ERROR(m.ValidateInput(*op, bj::value(*in)), "2 validation errors detected",
                          "'catalog' (Catalog)", "'entityType' (EntityType)");
}

TEST(ServiceModelTest, BodyMustBeAnObject) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("ListEntities");
  const bj::value body = bj::parse("[1,2]");
  EXPECT_VALIDATION_ERROR(m.BindRestInput(*op, {}, nullptr, &body).status(), "JSON object");
  const bj::value null_body = nullptr;
  EXPECT_EQ(m.BindRestInput(*op, {}, nullptr, &null_body).status().code(), ErrorCode::kValidation);
}

TEST(ServiceModelTest, BindingChecksTopLevelBodyTypes) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("ListEntities");
  const bj::value body = bj::parse(R"({"Catalog":"AWSMarketplace","EntityType":"AmiProduct",
                                       "MaxResults":"10"})");
  EXPECT_VALIDATION_ERROR(m.BindRestInput(*op, {}, nullptr, &body).status(),
                          "Value '10' at 'maxResults' (MaxResults)", "Member must be an integer");
}

TEST(ServiceModelTest, QueryMemberInBodyIsRejected) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("DescribeEntity");
  const bj::value body = bj::parse(R"({"Catalog":"AWSMarketplace"})");
  EXPECT_VALIDATION_ERROR(m.BindRestInput(*op, {{"entityId", "prod-1"}}, nullptr, &body).status(),
                          "Unknown field 'Catalog'", "query parameter 'catalog'");
}

TEST(ServiceModelTest, BindingRejectsInvalidUtf8) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("DescribeEntity");
  EXPECT_VALIDATION_ERROR(
      m.BindRestInput(*op, {{"catalog", "AWSMarketplace"}, {"entityId", "prod-\xff"}}, nullptr,
                      nullptr)
          .status(),
      "'entityId'", "valid UTF-8");
}

// A small model exercising what the marketplace models do not: typed query and header members,
// repeated keys, a query map, timestamps, maps, nested unions, an unsupported pattern.
constexpr std::string_view kSyntheticModel = R"({
  "metadata": {"protocol": "rest-json", "serviceId": "Synthetic"},
  "operations": {
    "Get": {"name": "Get", "http": {"method": "GET", "requestUri": "/things?list-type=2"},
            "input": {"shape": "GetRequest"}},
    "NoInput": {"name": "NoInput", "http": {"method": "POST", "requestUri": "/noinput"}}
  },
  "shapes": {
    "GetRequest": {"type": "structure", "members": {
      "Limit": {"shape": "Limit", "location": "querystring", "locationName": "limit"},
      "Flag": {"shape": "Bool", "location": "querystring", "locationName": "flag"},
      "Ids": {"shape": "IdList", "location": "querystring", "locationName": "id"},
      "Since": {"shape": "Time", "location": "querystring", "locationName": "since"},
      "Trace": {"shape": "Str", "location": "header", "locationName": "X-Trace"},
      "Tags": {"shape": "TagHeaderList", "location": "header", "locationName": "X-Tags"},
      "Extra": {"shape": "ExtraMap", "location": "querystring"},
      "At": {"shape": "Time"},
      "AtIso": {"shape": "Time", "timestampFormat": "iso8601"},
      "Ratio": {"shape": "Ratio"},
      "Labels": {"shape": "LabelMap"},
      "Choice": {"shape": "Choice"},
      "Odd": {"shape": "Odd"},
      "Secret": {"shape": "Secret"}
    }},
    "Limit": {"type": "integer", "min": 1, "max": 100},
    "Bool": {"type": "boolean"},
    "Str": {"type": "string"},
    "Id": {"type": "string", "pattern": "^id-[0-9]+$"},
    "IdList": {"type": "list", "member": {"shape": "Id"}, "max": 3},
    "TagHeaderList": {"type": "list", "member": {"shape": "Str"}},
    "ExtraMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "Time": {"type": "timestamp"},
    "Ratio": {"type": "double", "min": 0, "max": 1},
    "Key": {"type": "string", "enum": ["a", "b"]},
    "LabelMap": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "IdList"}, "max": 2},
    "Choice": {"type": "structure", "union": true, "members": {
      "X": {"shape": "Str"}, "Y": {"shape": "Limit"}}},
    "Odd": {"type": "string", "pattern": "^(a)\\1$"},
    "Secret": {"type": "string", "sensitive": true, "max": 3}
  }
})";

const ServiceModel& Synthetic() {
  static const ServiceModel* model = [] {
    Result<ServiceModel> m = ServiceModel::Load(kSyntheticModel);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return new ServiceModel(std::move(m).value());
  }();
  return *model;
}

TEST(ServiceModelTest, BindsTypedQueryAndHeaders) {
  const ServiceModel& m = Synthetic();
  const ServiceModel::Operation* op = m.MatchRestOperation("GET", "/things");
  ASSERT_NE(op, nullptr);
  const std::multimap<std::string, std::string> query = {{"limit", "25"},
                                                         {"flag", "true"},
                                                         {"id", "id-1"},
                                                         {"id", "id-2"},
                                                         {"since", "2024-01-02T03:04:05Z"},
                                                         {"other", "o1"},
                                                         {"other", "o2"}};
  auto header = [](std::string_view name) -> std::optional<std::string> {
    if (name == "X-Trace") return "abc";
    if (name == "X-Tags") return "red, green,blue";
    return std::nullopt;
  };
  Result<bj::object> in = m.BindRestInput(*op, query, header, nullptr);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(bj::value(*in), bj::parse(R"({"Limit":25,"Flag":true,"Ids":["id-1","id-2"],
      "Since":"2024-01-02T03:04:05Z","Trace":"abc","Tags":["red","green","blue"],
      "Extra":{"other":"o1"}})"));
  EXPECT_TRUE(m.ValidateInput(*op, bj::value(*in)).ok())
      << m.ValidateInput(*op, bj::value(*in)).ToString();

  EXPECT_VALIDATION_ERROR(m.BindRestInput(*op, {{"limit", "ten"}}, nullptr, nullptr).status(),
                          "Value 'ten' at 'limit' (query parameter limit)",
                          "Member must be an integer");
  EXPECT_VALIDATION_ERROR(m.BindRestInput(*op, {{"flag", "yes"}}, nullptr, nullptr).status(),
                          "'flag'", "boolean");
  Result<bj::object> big = m.BindRestInput(*op, {{"limit", "101"}}, nullptr, nullptr);
  ASSERT_TRUE(big.ok());
  EXPECT_VALIDATION_ERROR(m.ValidateInput(*op, bj::value(*big)), "Value '101' at 'limit' (Limit)",
                          "less than or equal to 100");
}

TEST(ServiceModelTest, TimestampsFollowTheirFormat) {
  const ServiceModel& m = Synthetic();
  EXPECT_TRUE(
      Validate(m, "Get", R"({"At": 1767225600, "AtIso": "2026-01-01T00:00:00.123Z"})").ok());
  EXPECT_TRUE(
      Validate(m, "Get", R"({"At": 1767225600.5, "Since": "2026-01-01T00:00:00+02:00"})").ok());
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"At": "2026-01-01T00:00:00Z"})"), "'at' (At)",
                          "epoch seconds");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"AtIso": 5})"), "'atIso'", "ISO-8601");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Since": "yesterday"})"), "'since'", "ISO-8601");
}

TEST(ServiceModelTest, MapsListsUnionsAndNumbers) {
  const ServiceModel& m = Synthetic();
  EXPECT_TRUE(Validate(m, "Get", R"({"Labels": {"a": ["id-1"], "b": []}, "Choice": {"Y": 3},
                                     "Ratio": 0.5})")
                  .ok());
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Labels": {"c": ["id-1"]}})"),
                          "Value 'c' at 'labels' (Labels)",
                          "Map keys must satisfy constraint: [Member must satisfy enum value "
                          "set: [a, b]]");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Labels": {"a": ["id-1", "bad"]}})"),
                          "Value 'bad' at 'labels.a.2.member' (Labels[\"a\"][1])", "^id-[0-9]+$");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Labels": {"a": [], "b": [], "c": []}})"),
                          "less than or equal to 2");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Choice": {}})"), "'choice' (Choice)",
                          "exactly one member set, but none is");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Choice": {"X": "x", "Y": 200}})"),
                          "but 2 are: X, Y", "'choice.y' (Choice.Y)");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Ratio": 1.5})"), "less than or equal to 1");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Ratio": "0.5"})"), "Member must be a number");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Limit": 5.0})"), "Member must be an integer");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Limit": 18446744073709551615})"),
                          "less than or equal to 100");
  EXPECT_VALIDATION_ERROR(Validate(m, "Get", R"({"Ids": ["id-1", null]})"),
                          "Value null at 'ids.2.member' (Ids[1])", "must not be null");
}

TEST(ServiceModelTest, UnsupportedPatternIsRecordedAndSkipped) {
  const ServiceModel& m = Synthetic();
  ASSERT_EQ(m.pattern_issues().size(), 1u);
  EXPECT_EQ(m.pattern_issues()[0].shape, "Odd");
  EXPECT_FALSE(m.pattern_issues()[0].enforced);
  EXPECT_NE(m.pattern_issues()[0].reason.find("\\1"), std::string::npos)
      << m.pattern_issues()[0].reason;
  EXPECT_TRUE(Validate(m, "Get", R"({"Odd": "anything"})").ok());
}

TEST(ServiceModelTest, SensitiveValuesAreNotEchoed) {
  EXPECT_VALIDATION_ERROR(Validate(Synthetic(), "Get", R"({"Secret": "hunter2"})"),
                          "Value '*** sensitive ***' at 'secret'");
  EXPECT_EQ(Validate(Synthetic(), "Get", R"({"Secret": "hunter2"})").message().find("hunter2"),
            std::string::npos);
}

TEST(ServiceModelTest, OperationWithoutInput) {
  const ServiceModel& m = Synthetic();
  EXPECT_TRUE(Validate(m, "NoInput", "{}").ok());
  EXPECT_TRUE(Validate(m, "NoInput", "null").ok());
  EXPECT_VALIDATION_ERROR(Validate(m, "NoInput", R"({"A": 1})"),
                          "Unknown field 'A' in the NoInput input");
}

// ---------------------------------------------------------------------------------------------
// Catalog validation

TEST(ServiceModelTest, ValidStartChangeSetPasses) {
  const Status st = ValidateStart(StartChangeSetInput());
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(ServiceModelTest, TwentyOneChangesNameChangeSetAndMax) {
  bj::value in = StartChangeSetInput();
  bj::array& changes = in.at("ChangeSet").as_array();
  while (changes.size() < 20) changes.push_back(changes[2]);
  EXPECT_TRUE(ValidateStart(in).ok());
  changes.push_back(changes[2]);
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "1 validation error detected",
                          "at 'changeSet' (ChangeSet) failed to satisfy constraint: Member must "
                          "have length less than or equal to 20");
}

TEST(ServiceModelTest, EmptyChangeSetNamesMin) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSet").as_array().clear();
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "Value '[]' at 'changeSet' (ChangeSet)",
                          "greater than or equal to 1");
}

TEST(ServiceModelTest, ChangeSetNameBadCharNamesPattern) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSetName") = "bad<name>";
  EXPECT_VALIDATION_ERROR(ValidateStart(in),
                          "Value 'bad<name>' at 'changeSetName' (ChangeSetName) failed to satisfy "
                          "constraint: Member must satisfy regular expression pattern: "
                          "^[\\w\\s+=.:@-]+$");
  in.at("ChangeSetName") = "na\xc3\xafve";  // \w is ASCII-only, as in Java
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSetName'");
}

TEST(ServiceModelTest, ClientRequestTokenLength) {
  bj::value in = StartChangeSetInput();
  in.at("ClientRequestToken") = std::string(64, 'a');
  EXPECT_TRUE(ValidateStart(in).ok());
  in.at("ClientRequestToken") = std::string(65, 'a');
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "at 'clientRequestToken' (ClientRequestToken)",
                          "Member must have length less than or equal to 64");
  in.at("ClientRequestToken") = "";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "greater than or equal to 1");
}

TEST(ServiceModelTest, NestedPathsUseAwsAndRequestSpelling) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[2].at("Entity").at("Identifier") = std::string(256, 'x');
  EXPECT_VALIDATION_ERROR(ValidateStart(in),
                          "at 'changeSet.3.member.entity.identifier' "
                          "(ChangeSet[2].Entity.Identifier) failed to satisfy constraint: Member "
                          "must have length less than or equal to 255",
                          "xxx...'");  // long values are cut in the message
  in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[0].at("ChangeType") = "create product";
  EXPECT_VALIDATION_ERROR(ValidateStart(in),
                          "Value 'create product' at 'changeSet.1.member.changeType' "
                          "(ChangeSet[0].ChangeType)",
                          "^[A-Z][\\w]*$");
  in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[1].as_object().erase("Entity");
  EXPECT_VALIDATION_ERROR(ValidateStart(in),
                          "Value null at 'changeSet.2.member.entity' (ChangeSet[1].Entity)",
                          "Member must not be null");
  in = StartChangeSetInput();
  in.at("ChangeSetTags").as_array()[0].at("Key") = "a<b";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSetTags.1.member.key' (ChangeSetTags[0].Key)");
}

TEST(ServiceModelTest, EntityTypeAndIdentifierAcceptWhatClientsSend) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[0].at("Entity").at("Type") = "Offer@1.0";
  EXPECT_TRUE(ValidateStart(in).ok());
  in.at("ChangeSet").as_array()[0].at("Entity").at("Type") = "AmiProduct@";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSet.1.member.entity.type'");
  in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[1].at("Entity").at("Identifier") = "$Create Product";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSet.2.member.entity.identifier'");
  EXPECT_TRUE(Validate(Catalog(), "ListEntities",
                       R"({"Catalog":"AWSMarketplace","EntityType":"AmiProduct"})")
                  .ok());
}

TEST(ServiceModelTest, BrokenChangeNamePatternIsNotEnforced) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[0].at("ChangeName") = "CreateProductChange";
  EXPECT_TRUE(ValidateStart(in).ok());
  // Length still holds, counted in code points: 72 two-byte characters pass, 73 do not.
  std::string name;
  for (int i = 0; i < 72; ++i) name += "\xc3\xa9";
  in.at("ChangeSet").as_array()[0].at("ChangeName") = name;
  EXPECT_TRUE(ValidateStart(in).ok()) << ValidateStart(in).ToString();
  in.at("ChangeSet").as_array()[0].at("ChangeName") = name + "\xc3\xa9";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSet.1.member.changeName'",
                          "less than or equal to 72");
}

TEST(ServiceModelTest, IntentEnum) {
  bj::value in = StartChangeSetInput();
  in.at("Intent") = "MAYBE";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "Value 'MAYBE' at 'intent' (Intent)",
                          "Member must satisfy enum value set: [VALIDATE, APPLY]");
}

TEST(ServiceModelTest, DetailsDocumentAcceptsAnyJson) {
  for (const char* doc : {R"({})", R"([])", R"([{"a":1}])", R"("text")", R"(42)", R"(true)",
                          R"({"Deep":{"Deeper":[1,2,{"x":null}]},"Unknown":"fine"})"}) {
    bj::value in = StartChangeSetInput();
    in.at("ChangeSet").as_array()[0].at("DetailsDocument") = bj::parse(doc);
    const Status st = ValidateStart(in);
    EXPECT_TRUE(st.ok()) << doc << ": " << st.ToString();
  }
}

TEST(ServiceModelTest, DetailsStringMustLookLikeAnObject) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[2].at("Details") = "[1]";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSet.3.member.details'",
                          "regular expression pattern");
  // 16384 characters: the limit, and no deep recursion on a long value.
  std::string big = "{\"a\":\"" + std::string(16384 - 8, 'x') + "\"}";
  ASSERT_EQ(big.size(), 16384u);
  in.at("ChangeSet").as_array()[2].at("Details") = big;
  EXPECT_TRUE(ValidateStart(in).ok());
}

TEST(ServiceModelTest, UnknownMembersAreNamed) {
  bj::value in = StartChangeSetInput();
  in.as_object()["Bogus"] = 1;
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "Unknown field 'Bogus' in the StartChangeSet input");
  in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[0].at("Entity").as_object()["Version"] = "1.0";
  EXPECT_VALIDATION_ERROR(ValidateStart(in),
                          "Unknown field 'Version' at 'changeSet.1.member.entity' "
                          "(ChangeSet[0].Entity.Version)");
}

TEST(ServiceModelTest, WrongTypesAreNamed) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSetName") = 5;
  EXPECT_VALIDATION_ERROR(ValidateStart(in),
                          "Value '5' at 'changeSetName' (ChangeSetName) failed to satisfy "
                          "constraint: Member must be a string");
  in = StartChangeSetInput();
  in.at("ChangeSet") = bj::parse(R"({"ChangeType":"X"})");
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSet' (ChangeSet)", "must be a list");
  in = StartChangeSetInput();
  in.at("ChangeSet").as_array()[0].at("Entity") = "AmiProduct@1.0";
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "'changeSet.1.member.entity'", "must be a structure");
  EXPECT_VALIDATION_ERROR(Validate(Catalog(), "ListEntities", R"([])"), "must be a JSON object");
}

TEST(ServiceModelTest, NullMembersCountAsAbsent) {
  bj::value in = StartChangeSetInput();
  in.at("ChangeSetName") = nullptr;
  EXPECT_TRUE(ValidateStart(in).ok());
  in.at("Catalog") = nullptr;
  EXPECT_VALIDATION_ERROR(ValidateStart(in), "Value null at 'catalog' (Catalog)");
}

TEST(ServiceModelTest, ManyViolationsAreCountedAndCapped) {
  bj::value in = StartChangeSetInput();
  bj::array& changes = in.at("ChangeSet").as_array();
  changes.clear();
  for (int i = 0; i < 15; ++i) changes.push_back(bj::parse(R"({"ChangeType":"bad type"})"));
  const Status st = ValidateStart(in);
  // Each change: a bad ChangeType and a missing Entity.
  EXPECT_VALIDATION_ERROR(st, "30 validation errors detected", "; and 20 more");
}

TEST(ServiceModelTest, ListEntitiesMaxResults) {
  const char* base = R"({"Catalog":"AWSMarketplace","EntityType":"AmiProduct","MaxResults":%d})";
  char buf[200];
  std::snprintf(buf, sizeof buf, base, 50);
  EXPECT_TRUE(Validate(Catalog(), "ListEntities", buf).ok());
  std::snprintf(buf, sizeof buf, base, 51);
  EXPECT_VALIDATION_ERROR(Validate(Catalog(), "ListEntities", buf),
                          "Value '51' at 'maxResults' (MaxResults) failed to satisfy constraint: "
                          "Member must have value less than or equal to 50");
  std::snprintf(buf, sizeof buf, base, 0);
  EXPECT_VALIDATION_ERROR(Validate(Catalog(), "ListEntities", buf),
                          "Member must have value greater than or equal to 1");
}

TEST(ServiceModelTest, EntityTypeFiltersIsAUnion) {
  const std::string base = R"({"Catalog":"AWSMarketplace","EntityType":"AmiProduct",)";
  EXPECT_TRUE(
      Validate(Catalog(), "ListEntities", base + R"("EntityTypeFilters":{"AmiProductFilters":{
                           "Visibility":{"ValueList":["Public"]}}}})")
          .ok());
  EXPECT_VALIDATION_ERROR(
      Validate(Catalog(), "ListEntities",
               base + R"("EntityTypeFilters":{"AmiProductFilters":{},"OfferFilters":{}}})"),
      "at 'entityTypeFilters' (EntityTypeFilters)",
      "Union must have exactly one member set, but 2 are: AmiProductFilters, OfferFilters");
  EXPECT_VALIDATION_ERROR(Validate(Catalog(), "ListEntities", base + R"("EntityTypeFilters":{}})"),
                          "exactly one member set, but none is");
}

TEST(ServiceModelTest, BatchDescribeEntitiesMax) {
  std::string list;
  for (int i = 0; i < 21; ++i) {
    list += (i ? "," : "");
    list +=
        R"({"Catalog":"AWSMarketplace","EntityId":"prod-abcdefghij)" + std::to_string(i) + "\"}";
  }
  EXPECT_VALIDATION_ERROR(
      Validate(Catalog(), "BatchDescribeEntities", R"({"EntityRequestList":[)" + list + "]}"),
      "at 'entityRequestList' (EntityRequestList)", "less than or equal to 20");
  list = list.substr(0, list.rfind(",{"));
  EXPECT_TRUE(
      Validate(Catalog(), "BatchDescribeEntities", R"({"EntityRequestList":[)" + list + "]}").ok());
}

TEST(ServiceModelTest, ConcurrentValidationIsSafe) {
  const ServiceModel& m = Catalog();
  const ServiceModel::Operation* op = m.FindOperation("StartChangeSet");
  const bj::value good = StartChangeSetInput();
  bj::value bad = StartChangeSetInput();
  bad.at("ChangeSetName") = "bad<name>";
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!m.ValidateInput(*op, good).ok()) ++failures;
        if (m.ValidateInput(*op, bad).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// ---------------------------------------------------------------------------------------------
// Metering and entitlement models

TEST(ServiceModelTest, MeteringLimits) {
  const std::string text = ReadModel("meteringmarketplace.service-2.json");
  if (text.empty()) GTEST_SKIP() << "meteringmarketplace.service-2.json not found";
  Result<ServiceModel> m = ServiceModel::Load(text);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->protocol(), "json");
  EXPECT_EQ(m->target_prefix(), "AWSMPMeteringService");
  const std::string base =
      R"({"ProductCode":"abcdefghijklmnopqrstuvwxy","Timestamp":1767225600,)"
      R"("UsageDimension":"Users","ClientToken":"0f9c5a1e-8a3b-4c1d-9e2f-123456789abc",)";
  EXPECT_TRUE(Validate(*m, "MeterUsage", base + R"("UsageQuantity":3})").ok());
  EXPECT_VALIDATION_ERROR(Validate(*m, "MeterUsage", base + R"("UsageQuantity":-1})"),
                          "Value '-1' at 'usageQuantity' (UsageQuantity) failed to satisfy "
                          "constraint: Member must have value greater than or equal to 0");
  EXPECT_VALIDATION_ERROR(Validate(*m, "MeterUsage", base + R"("UsageQuantity":2147483648})"),
                          "less than or equal to 2147483647");
  EXPECT_VALIDATION_ERROR(
      Validate(*m, "MeterUsage",
               R"({"ProductCode":"p","Timestamp":"2026-01-01T00:00:00Z","UsageDimension":"u"})"),
      "'timestamp' (Timestamp)", "epoch seconds");

  std::string allocations;
  for (int i = 0; i < 2501; ++i) {
    allocations += (i ? "," : "");
    allocations += R"({"AllocatedUsageQuantity":1,"Tags":[{"Key":"k","Value":"v"}]})";
  }
  EXPECT_VALIDATION_ERROR(
      Validate(*m, "MeterUsage", base + R"("UsageAllocations":[)" + allocations + "]}"),
      "at 'usageAllocations' (UsageAllocations)", "less than or equal to 2500");
  allocations = allocations.substr(0, allocations.rfind(",{"));
  EXPECT_TRUE(
      Validate(*m, "MeterUsage", base + R"("UsageAllocations":[)" + allocations + "]}").ok());
  EXPECT_VALIDATION_ERROR(
      Validate(
          *m, "MeterUsage",
          base + R"("UsageAllocations":[{"AllocatedUsageQuantity":1,"Tags":[{"Key":"k{"}]}]})"),
      "'usageAllocations.1.member.tags.1.member.key' (UsageAllocations[0].Tags[0].Key)",
      "'usageAllocations.1.member.tags.1.member.value' (UsageAllocations[0].Tags[0].Value) failed "
      "to satisfy constraint: Member must not be null");
  for (const auto& i : m->pattern_issues()) {
    std::cout << "[pattern] metering " << i.shape << " " << i.pattern << " -> " << i.reason << "\n";
  }
}

TEST(ServiceModelTest, EntitlementModelLoads) {
  const std::string text = ReadModel("marketplace-entitlement.service-2.json");
  if (text.empty()) GTEST_SKIP() << "marketplace-entitlement.service-2.json not found";
  Result<ServiceModel> m = ServiceModel::Load(text);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(Validate(*m, "GetEntitlements",
                       R"({"ProductCode":"abc","Filter":{"CUSTOMER_IDENTIFIER":["c1"]},
                           "MaxResults":25})")
                  .ok());
  EXPECT_VALIDATION_ERROR(
      Validate(*m, "GetEntitlements", R"({"ProductCode":"abc","Filter":{"NOPE":["x"]}})"),
      "Value 'NOPE' at 'filter' (Filter)", "Map keys must satisfy constraint");
  EXPECT_VALIDATION_ERROR(
      Validate(*m, "GetEntitlements", R"({"ProductCode":"abc","NextToken":"   "})"),
      "Value '   ' at 'nextToken' (NextToken)", "pattern: \\S+");
  EXPECT_VALIDATION_ERROR(
      Validate(*m, "GetEntitlements", R"({"ProductCode":"abc","Filter":{"DIMENSION":[]}})"),
      "at 'filter.DIMENSION' (Filter[\"DIMENSION\"])", "greater than or equal to 1");
  EXPECT_VALIDATION_ERROR(
      Validate(*m, "GetEntitlements", R"({"ProductCode":"abc","MaxResults":26})"), "'maxResults'");
  EXPECT_TRUE(m->pattern_issues().empty());
}

}  // namespace
}  // namespace amiplace::model
