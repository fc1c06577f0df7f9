#include "protocols/ec2/form.h"

#include <gtest/gtest.h>

#include "app/ec2_error.h"

namespace amiplace::protocols::ec2 {
namespace {

TEST(Ec2FormTest, DecodesWhatTheSdkAndTheCliSend) {
  // The JS SDK encodes a space as %20, botocore as '+'.
  auto p = Params::Parse(
      "Action=RegisterImage&Version=2016-11-15&Name=my%20image&Description=a+b%2Bc"
      "&RootDeviceName=%2Fdev%2Fxvda&BlockDeviceMapping.1.Ebs.SnapshotId=snap-0123456789abcdef0");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p->Find("Action"), "RegisterImage");
  EXPECT_EQ(*p->Find("Name"), "my image");
  EXPECT_EQ(*p->Find("Description"), "a b+c");
  EXPECT_EQ(*p->Find("RootDeviceName"), "/dev/xvda");
  EXPECT_EQ(p->Find("Missing"), nullptr);
  EXPECT_EQ(FormDecode("%e2%82%AC").value(), "\xE2\x82\xAC");
  EXPECT_EQ(FormDecode("a=b").value(), "a=b");
}

TEST(Ec2FormTest, EmptyValuesAndEmptyPairs) {
  auto p = Params::Parse("Action=DeregisterImage&&ImageId=&NoDevice");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Find("ImageId"), "");
  EXPECT_EQ(*p->Find("NoDevice"), "");
  EXPECT_TRUE(Params::Parse("").ok());
}

TEST(Ec2FormTest, RefusesBrokenInput) {
  EXPECT_FALSE(FormDecode("%").has_value());
  EXPECT_FALSE(FormDecode("%4").has_value());
  EXPECT_FALSE(FormDecode("%zz").has_value());
  auto bad = Params::Parse("Name=%4");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kMalformedRequest);
  auto not_utf8 = Params::Parse("Name=%FF%FE");
  ASSERT_FALSE(not_utf8.ok());
  EXPECT_NE(not_utf8.status().message().find("Name"), std::string::npos);
  auto twice = Params::Parse("Name=a&Name=b");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("Name"), std::string::npos);
}

TEST(Ec2FormTest, ListsAreNumberedFromOneInNumericOrder) {
  auto p = Params::Parse(
      "ImageId.10=c&ImageId.2=b&ImageId.1=a&Filter.1.Name=name"
      "&Filter.1.Value.1=x&Filter.3.Name=state");
  ASSERT_TRUE(p.ok());
  auto ids = p->List("ImageId");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b", "c"}));
  auto filters = p->Indices("Filter");
  ASSERT_TRUE(filters.ok());
  EXPECT_EQ(*filters, (std::vector<int>{1, 3}));
  EXPECT_TRUE(p->List("Owner")->empty());

  for (const char* bad : {"ImageId.x=a", "ImageId.0=a", "ImageId.01=a", "ImageId.1.Foo=a"}) {
    auto q = Params::Parse(bad);
    ASSERT_TRUE(q.ok());
    auto list = q->List("ImageId");
    ASSERT_FALSE(list.ok()) << bad;
    auto coded = SplitEc2Code(list.status().message());
    ASSERT_TRUE(coded) << list.status().message();
    EXPECT_EQ(coded->code, "UnknownParameter");
  }
}

}  // namespace
}  // namespace amiplace::protocols::ec2
