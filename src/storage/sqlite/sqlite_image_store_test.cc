#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

class SqliteImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-images-" + ids::RandomLowerAlnum(8));
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
  }
  static Image NewImage(std::string owner, std::string name, std::string region = "us-east-1") {
    Image image;
    image.image_id = NewImageId();
    image.region = std::move(region);
    image.owner_account_id = std::move(owner);
    image.name = std::move(name);
    image.root_device_name = "/dev/xvda";
    EbsBlockDevice ebs;
    ebs.snapshot_id = "snap-0123456789abcdef0";
    ebs.volume_size = 8;
    ebs.encrypted = true;
    image.block_device_mappings.push_back({"/dev/xvda", ebs, "", false});
    image.creation_date = FromEpochMillis(1700000000000);
    return image;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteImageStoreTest, StoresImagesPerRegionDurably) {
  Image image = NewImage("111111111111", "app");
  image.product_codes.push_back({"code0000000000000000000001", "marketplace"});
  auto put = store_->PutImage(image);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(put->written);
  Open();  // survives a reopen
  auto got = store_->GetImage("us-east-1", image.image_id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, image);
  EXPECT_FALSE(store_->GetImage("us-west-2", image.image_id).value().has_value());
  EXPECT_EQ(store_->ListImages("us-east-1", std::nullopt).value().size(), 1u);
  EXPECT_EQ(store_->ListImages("us-east-1", "111111111111").value().size(), 1u);
  EXPECT_TRUE(store_->ListImages("us-east-1", "222222222222").value().empty());
  EXPECT_TRUE(store_->ListImages("eu-west-1", std::nullopt).value().empty());
  EXPECT_EQ(
      store_->ListImagesByProductCode("us-east-1", "code0000000000000000000001").value().size(),
      1u);
  EXPECT_TRUE(
      store_->ListImagesByProductCode("us-west-2", "code0000000000000000000001").value().empty());
  EXPECT_TRUE(store_->ListImagesByProductCode("us-east-1", "other").value().empty());
}

TEST_F(SqliteImageStoreTest, AvailableNamesAreUniquePerOwnerAndRegion) {
  Image first = NewImage("111111111111", "app");
  ASSERT_TRUE(store_->PutImage(first).value().written);
  Image clash = NewImage("111111111111", "app");
  auto put = store_->PutImage(clash);
  ASSERT_TRUE(put.ok());
  EXPECT_FALSE(put->written);
  EXPECT_EQ(put->name_taken_by, first.image_id);
  EXPECT_FALSE(store_->GetImage("us-east-1", clash.image_id).value().has_value());
  EXPECT_EQ(store_->FindImageByName("us-east-1", "111111111111", "app").value()->image_id,
            first.image_id);

  EXPECT_TRUE(store_->PutImage(NewImage("222222222222", "app")).value().written);
  EXPECT_TRUE(store_->PutImage(NewImage("111111111111", "app", "eu-west-1")).value().written);
  // Rewriting an image under its own name is no clash.
  first.description = "changed";
  EXPECT_TRUE(store_->PutImage(first).value().written);
  // Deregistering frees the name.
  first.state = std::string(kImageStateDeregistered);
  EXPECT_TRUE(store_->PutImage(first).value().written);
  EXPECT_FALSE(store_->FindImageByName("us-east-1", "111111111111", "app").value().has_value());
  EXPECT_TRUE(store_->PutImage(clash).value().written);
}

TEST_F(SqliteImageStoreTest, ProductCodesFollowRewrites) {
  Image image = NewImage(std::string(kMarketplaceAccountId), "copy");
  image.product_codes.push_back({"code-a", "marketplace"});
  ASSERT_TRUE(store_->PutImage(image).value().written);
  image.product_codes = {{"code-b", "marketplace"}};
  ASSERT_TRUE(store_->PutImage(image).value().written);
  EXPECT_TRUE(store_->ListImagesByProductCode("us-east-1", "code-a").value().empty());
  EXPECT_EQ(store_->ListImagesByProductCode("us-east-1", "code-b").value().size(), 1u);
}

}  // namespace
}  // namespace amiplace
