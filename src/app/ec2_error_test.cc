#include "app/ec2_error.h"

#include <gtest/gtest.h>

namespace amiplace {
namespace {

TEST(Ec2ErrorTest, CodesSplitOffOnlyWhenWellFormed) {
  Status st = Ec2Error(ErrorCode::kNotFound, "InvalidAMIID.NotFound", "The image id '[ami-1]' x");
  auto coded = SplitEc2Code(st.message());
  ASSERT_TRUE(coded);
  EXPECT_EQ(coded->code, "InvalidAMIID.NotFound");
  EXPECT_EQ(coded->message, "The image id '[ami-1]' x");
  EXPECT_FALSE(SplitEc2Code("no code here"));
  EXPECT_FALSE(SplitEc2Code("ChangeSet[0].Details: bad"));
  EXPECT_FALSE(SplitEc2Code("lower: bad"));
  EXPECT_FALSE(SplitEc2Code("Trailing.: bad"));
  EXPECT_FALSE(SplitEc2Code(": bad"));
}

}  // namespace
}  // namespace amiplace
