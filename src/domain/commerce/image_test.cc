#include "domain/commerce/image.h"

#include <gtest/gtest.h>

#include "domain/commerce/image_filter.h"

namespace amiplace {
namespace {

Image Sample() {
  Image image;
  image.image_id = "ami-0123456789abcdef0";
  image.region = "us-east-1";
  image.owner_account_id = "111122223333";
  image.name = "my-app 1.0 (x86)";
  image.description = "My app & more";
  image.architecture = "x86_64";
  image.virtualization_type = "hvm";
  image.root_device_name = "/dev/xvda";
  EbsBlockDevice ebs;
  ebs.snapshot_id = "snap-0123456789abcdef0";
  ebs.volume_size = 8;
  ebs.volume_type = "gp3";
  ebs.encrypted = false;
  image.block_device_mappings.push_back({"/dev/xvda", ebs, "", false});
  image.block_device_mappings.push_back({"/dev/sdb", std::nullopt, "ephemeral0", false});
  image.ena_support = true;
  image.boot_mode = "uefi";
  image.imds_support = "v2.0";
  image.creation_date = FromEpochMillis(1700000000123);
  return image;
}

TEST(ImageTest, IdsFollowEc2Shapes) {
  const std::string id = NewImageId();
  EXPECT_EQ(id.size(), 21u);
  EXPECT_TRUE(IsValidImageId(id)) << id;
  EXPECT_NE(NewImageId(), id);
  EXPECT_TRUE(IsValidImageId("ami-12345678"));
  EXPECT_FALSE(IsValidImageId("ami-1234567"));
  EXPECT_FALSE(IsValidImageId("ami-0123456789ABCDEF0"));
  EXPECT_FALSE(IsValidImageId("ami-0123456789abcdef"));  // 16 digits
  EXPECT_FALSE(IsValidImageId("snap-12345678"));
  EXPECT_TRUE(IsValidSnapshotId("snap-12345678"));
  EXPECT_TRUE(IsValidSnapshotId("snap-0123456789abcdef0"));
  EXPECT_FALSE(IsValidSnapshotId("snap-1234567"));
  EXPECT_FALSE(IsValidSnapshotId("snap-0123456789abcdef01"));
  EXPECT_FALSE(IsValidSnapshotId("snap-xyz12345"));
}

TEST(ImageTest, NamesFollowEc2Rules) {
  EXPECT_TRUE(IsValidImageName("abc"));
  EXPECT_TRUE(IsValidImageName("My App (v1.0) [x86_64] build/7 it's @ home-ok"));
  EXPECT_TRUE(IsValidImageName(std::string(128, 'a')));
  EXPECT_FALSE(IsValidImageName("ab"));
  EXPECT_FALSE(IsValidImageName(std::string(129, 'a')));
  EXPECT_FALSE(IsValidImageName("bad*name"));
  EXPECT_FALSE(IsValidImageName("bad,name"));
  EXPECT_FALSE(IsValidImageName("tab\tname"));
  EXPECT_FALSE(IsValidImageName("caf\xC3\xA9"));
}

TEST(ImageTest, JsonRoundTrip) {
  Image image = Sample();
  image.product_codes.push_back({"abcdefghijklmnopqrstuvwxy", "marketplace"});
  image.source_image_id = "ami-11111111";
  image.source_image_region = "us-east-1";
  auto back = ImageFromJson(ImageToJson(image));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, image);
  EXPECT_FALSE(ImageFromJson(boost::json::value(3)).ok());
  EXPECT_FALSE(ImageFromJson(boost::json::object{}).ok());
}

TEST(ImageTest, MarketplaceCopyIsOwnedByTheMarketplaceAndCarriesTheCode) {
  Image source = Sample();
  const TimePoint now = FromEpochMillis(1800000000000);
  Image copy = CreateMarketplaceCopy(source, "eu-west-1", "code1234567890123456789012",
                                     "ami-00000000000000001", now);
  EXPECT_EQ(copy.image_id, "ami-00000000000000001");
  EXPECT_EQ(copy.region, "eu-west-1");
  EXPECT_EQ(copy.owner_account_id, kMarketplaceAccountId);
  EXPECT_EQ(copy.owner_alias, "aws-marketplace");
  EXPECT_TRUE(copy.IsPublic());
  EXPECT_TRUE(copy.IsAvailable());
  EXPECT_EQ(copy.name, "my-app 1.0 (x86)-ami-00000000000000001");
  EXPECT_TRUE(IsValidImageName(copy.name));
  ASSERT_EQ(copy.product_codes.size(), 1u);
  EXPECT_EQ(copy.product_codes[0].product_code_id, "code1234567890123456789012");
  EXPECT_EQ(copy.product_codes[0].product_code_type, "marketplace");
  EXPECT_EQ(copy.source_image_id, source.image_id);
  EXPECT_EQ(copy.source_image_region, "us-east-1");
  EXPECT_EQ(copy.creation_date, now);
  EXPECT_EQ(copy.block_device_mappings, source.block_device_mappings);
  EXPECT_EQ(copy.architecture, source.architecture);

  // A long name is shortened so the copy's name stays within 128 characters; a code the source
  // already carries is not repeated.
  source.name = std::string(128, 'n');
  source.product_codes.push_back({"code1234567890123456789012", "marketplace"});
  copy = CreateMarketplaceCopy(source, "us-east-1", "code1234567890123456789012",
                               "ami-00000000000000002", now);
  EXPECT_EQ(copy.name.size(), 128u);
  EXPECT_TRUE(copy.name.ends_with("-ami-00000000000000002"));
  EXPECT_EQ(copy.product_codes.size(), 1u);
}

TEST(ImageFilterTest, Wildcards) {
  EXPECT_TRUE(WildcardMatch("abc", "abc"));
  EXPECT_FALSE(WildcardMatch("abc", "abcd"));
  EXPECT_TRUE(WildcardMatch("a*", "abcd"));
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*d", "abcd"));
  EXPECT_TRUE(WildcardMatch("a*c*e", "abcde"));
  EXPECT_FALSE(WildcardMatch("a*c*e", "abcdf"));
  EXPECT_TRUE(WildcardMatch("a?c", "abc"));
  EXPECT_FALSE(WildcardMatch("a?c", "ac"));
  EXPECT_TRUE(WildcardMatch("a\\*c", "a*c"));
  EXPECT_FALSE(WildcardMatch("a\\*c", "abc"));
  EXPECT_TRUE(WildcardMatch("a\\?", "a?"));
  EXPECT_FALSE(WildcardMatch("a\\?", "ab"));
  EXPECT_TRUE(WildcardMatch("**a**", "bab"));
  EXPECT_FALSE(WildcardMatch("", "a"));
  EXPECT_FALSE(WildcardMatch("ABC", "abc"));  // case-sensitive
}

TEST(ImageFilterTest, FiltersMatchAnyValueAndAllFilters) {
  Image image = Sample();
  image.product_codes.push_back({"pc1", "marketplace"});
  EXPECT_TRUE(MatchesFilters(image, {}));
  EXPECT_TRUE(MatchesFilters(image, {{"name", {"other", "my-app*"}}}));
  EXPECT_FALSE(MatchesFilters(image, {{"name", {"other"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"name", {"my-app*"}}, {"architecture", {"x86_64"}}}));
  EXPECT_FALSE(MatchesFilters(image, {{"name", {"my-app*"}}, {"architecture", {"arm64"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"owner-id", {"111122223333"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"product-code", {"pc1"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"state", {"available"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"image-id", {"ami-0123*"}}}));
  EXPECT_TRUE(
      MatchesFilters(image, {{"block-device-mapping.snapshot-id", {"snap-0123456789abcdef0"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"block-device-mapping.encrypted", {"false"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"is-public", {"false"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"ena-support", {"true"}}}));
  EXPECT_TRUE(MatchesFilters(image, {{"creation-date", {"2023-11-14T*"}}}));
  EXPECT_FALSE(MatchesFilters(image, {{"tag:Name", {"*"}}}));  // no tags
  EXPECT_TRUE(IsKnownImageFilter("tag:Name"));
  EXPECT_TRUE(IsKnownImageFilter("product-code"));
  EXPECT_FALSE(IsKnownImageFilter("colour"));
}

}  // namespace
}  // namespace amiplace
