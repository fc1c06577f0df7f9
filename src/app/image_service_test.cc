#include "app/image_service.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "app/ec2_error.h"

namespace amiplace {
namespace {

// The ImageStore port in memory, with the same name rule as the SQLite store.
class FakeImageStore final : public ImageStore {
 public:
  Result<PutOutcome> PutImage(const Image& image) override {
    if (image.IsAvailable()) {
      for (const auto& [id, other] : images_) {
        if (id != image.image_id && other.IsAvailable() && other.region == image.region &&
            other.owner_account_id == image.owner_account_id && other.name == image.name) {
          return PutOutcome{false, id};
        }
      }
    }
    images_[image.image_id] = image;
    return PutOutcome{};
  }
  Result<std::optional<Image>> GetImage(std::string_view region, std::string_view id) override {
    auto it = images_.find(std::string(id));
    if (it == images_.end() || it->second.region != region) return std::optional<Image>();
    return std::optional<Image>(it->second);
  }
  Result<std::optional<Image>> FindImageByName(std::string_view region, std::string_view owner,
                                               std::string_view name) override {
    for (const auto& [id, i] : images_) {
      if (i.region == region && i.owner_account_id == owner && i.name == name && i.IsAvailable()) {
        return std::optional<Image>(i);
      }
    }
    return std::optional<Image>();
  }
  Result<std::vector<Image>> ListImages(std::string_view region,
                                        std::optional<std::string_view> owner) override {
    std::vector<Image> out;
    for (const auto& [id, i] : images_) {
      if (i.region == region && (!owner || i.owner_account_id == *owner)) out.push_back(i);
    }
    return out;
  }
  Result<std::vector<Image>> ListImagesByProductCode(std::string_view region,
                                                     std::string_view code) override {
    std::vector<Image> out;
    for (const auto& [id, i] : images_) {
      for (const auto& pc : i.product_codes) {
        if (i.region == region && pc.product_code_id == code) out.push_back(i);
      }
    }
    return out;
  }

  std::map<std::string, Image> images_;
};

class ImageServiceTest : public ::testing::Test {
 protected:
  static Caller CallerFor(std::string account_id, std::string region = "us-east-1") {
    Caller c;
    c.account.account_id = std::move(account_id);
    c.account.type = AccountType::kSeller;
    c.region = std::move(region);
    return c;
  }
  static RegisterImageInput Input(std::string name) {
    RegisterImageInput in;
    in.name = std::move(name);
    in.architecture = "x86_64";
    in.virtualization_type = "hvm";
    in.root_device_name = "/dev/xvda";
    EbsBlockDevice ebs;
    ebs.snapshot_id = "snap-0123456789abcdef0";
    in.block_device_mappings.push_back({"/dev/xvda", ebs, "", false});
    return in;
  }
  // The EC2 code of a failed call.
  template <typename T>
  static std::string CodeOf(const T& result) {
    const Status& st = [&]() -> const Status& {
      if constexpr (std::is_same_v<T, Status>)
        return result;
      else
        return result.status();
    }();
    if (st.ok()) return "OK";
    auto coded = SplitEc2Code(st.message());
    return coded ? std::string(coded->code) : "uncoded: " + st.message();
  }
  Image Register(const Caller& caller, std::string name) {
    auto r = service_.RegisterImage(caller, Input(std::move(name)));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Image{};
  }
  // Stores a marketplace copy of `source` with `code`, as the change-set engine will.
  Image PublishCopy(const Image& source, std::string region, std::string code) {
    Image copy = CreateMarketplaceCopy(source, region, code, NewImageId(), clock_.Now());
    EXPECT_TRUE(store_.PutImage(copy).value().written);
    return copy;
  }
  std::vector<std::string> Ids(const Caller& caller, DescribeImagesInput in) {
    auto r = service_.DescribeImages(caller, in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& i : r->images) ids.push_back(i.image_id);
    }
    return ids;
  }

  SystemClock clock_;
  FakeImageStore store_;
  ImageService service_{store_, clock_};
  Caller seller_ = CallerFor("111111111111");
  Caller other_ = CallerFor("222222222222");
};

TEST_F(ImageServiceTest, RegistersInTheSigningRegion) {
  Caller west = CallerFor(seller_.account.account_id, "us-west-2");
  Image image = Register(west, "app-1.0");
  EXPECT_TRUE(IsValidImageId(image.image_id));
  EXPECT_EQ(image.region, "us-west-2");
  EXPECT_EQ(image.owner_account_id, "111111111111");
  EXPECT_EQ(image.state, "available");
  EXPECT_EQ(image.owner_alias, "");
  ASSERT_EQ(image.block_device_mappings.size(), 1u);
  EXPECT_EQ(image.block_device_mappings[0].ebs->volume_size, 8);  // EC2 takes it from the snapshot
  EXPECT_TRUE(store_.GetImage("us-west-2", image.image_id).value().has_value());
  EXPECT_FALSE(store_.GetImage("us-east-1", image.image_id).value().has_value());
}

TEST_F(ImageServiceTest, DefaultsAreEc2s) {
  RegisterImageInput in = Input("defaults");
  in.architecture.reset();
  in.virtualization_type.reset();
  auto image = service_.RegisterImage(seller_, in);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->architecture, "i386");
  EXPECT_EQ(image->virtualization_type, "paravirtual");
  EXPECT_FALSE(image->ena_support);
  EXPECT_EQ(image->block_device_mappings[0].ebs->volume_type, "gp2");
  EXPECT_FALSE(image->block_device_mappings[0].ebs->encrypted);
}

TEST_F(ImageServiceTest, NamesAreUniquePerOwnerAndRegion) {
  Image first = Register(seller_, "app-1.0");
  auto again = service_.RegisterImage(seller_, Input("app-1.0"));
  EXPECT_EQ(CodeOf(again), "InvalidAMIName.Duplicate");
  EXPECT_NE(again.status().message().find(first.image_id), std::string::npos);
  // Another owner, or another region, may use the name.
  Register(other_, "app-1.0");
  Register(CallerFor(seller_.account.account_id, "eu-west-1"), "app-1.0");
  // Deregistering frees the name.
  ASSERT_TRUE(service_.DeregisterImage(seller_, first.image_id).ok());
  Register(seller_, "app-1.0");
}

TEST_F(ImageServiceTest, RegisterChecksEveryRule) {
  struct Case {
    const char* what;
    std::function<void(RegisterImageInput&)> change;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"no name", [](auto& in) { in.name.reset(); }, "MissingParameter"},
      {"short name", [](auto& in) { in.name = "ab"; }, "InvalidAMIName.Malformed"},
      {"bad name", [](auto& in) { in.name = "a*b"; }, "InvalidAMIName.Malformed"},
      {"long description", [](auto& in) { in.description = std::string(256, 'd'); },
       "InvalidParameterValue"},
      {"architecture", [](auto& in) { in.architecture = "sparc"; }, "InvalidParameterValue"},
      {"virtualization", [](auto& in) { in.virtualization_type = "pv"; }, "InvalidParameterValue"},
      {"boot mode", [](auto& in) { in.boot_mode = "bios"; }, "InvalidParameterValue"},
      {"imds", [](auto& in) { in.imds_support = "v1.0"; }, "InvalidParameterValue"},
      {"no mappings", [](auto& in) { in.block_device_mappings.clear(); }, "MissingParameter"},
      {"no root device", [](auto& in) { in.root_device_name.reset(); }, "MissingParameter"},
      {"root not mapped", [](auto& in) { in.root_device_name = "/dev/sda1"; },
       "InvalidBlockDeviceMapping"},
      {"snapshot", [](auto& in) { in.block_device_mappings[0].ebs->snapshot_id = "snap-12"; },
       "InvalidSnapshotID.Malformed"},
      {"snapshot case",
       [](auto& in) { in.block_device_mappings[0].ebs->snapshot_id = "snap-0123456789ABCDEF0"; },
       "InvalidSnapshotID.Malformed"},
      {"volume type", [](auto& in) { in.block_device_mappings[0].ebs->volume_type = "fast"; },
       "InvalidParameterValue"},
      {"volume size", [](auto& in) { in.block_device_mappings[0].ebs->volume_size = 0; },
       "InvalidParameterValue"},
      {"device name", [](auto& in) { in.block_device_mappings[0].device_name = ""; },
       "MissingParameter"},
      {"duplicate device",
       [](auto& in) { in.block_device_mappings.push_back(in.block_device_mappings[0]); },
       "InvalidBlockDeviceMapping"},
      {"empty mapping", [](auto& in) { in.block_device_mappings.push_back({"/dev/sdb"}); },
       "InvalidBlockDeviceMapping"},
      {"S3 manifest", [](auto& in) { in.image_location = "bucket/manifest.xml"; },
       "UnsupportedOperation"},
      {"billing products", [](auto& in) { in.billing_products = {"bp-1"}; }, "AuthFailure"},
  };
  for (const auto& c : cases) {
    RegisterImageInput in = Input("rules");
    c.change(in);
    auto r = service_.RegisterImage(seller_, in);
    EXPECT_EQ(CodeOf(r), c.code) << c.what;
  }
  EXPECT_TRUE(store_.images_.empty());
}

TEST_F(ImageServiceTest, DescriptionsCountCharactersNotBytes) {
  RegisterImageInput in = Input("described");
  std::string euros;
  for (int i = 0; i < 255; ++i) euros += "\xE2\x82\xAC";  // 255 characters, 765 bytes
  in.description = euros;
  ASSERT_TRUE(service_.RegisterImage(seller_, in).ok());
  in.name = "described-2";
  in.description = euros + "x";
  EXPECT_EQ(CodeOf(service_.RegisterImage(seller_, in)), "InvalidParameterValue");
}

TEST_F(ImageServiceTest, DryRunChecksAndStoresNothing) {
  auto r = service_.RegisterImage(seller_, Input("dry"), /*dry_run=*/true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(store_.images_.empty());
  Image image = Register(seller_, "dry");
  EXPECT_EQ(CodeOf(service_.RegisterImage(seller_, Input("dry"), true)),
            "InvalidAMIName.Duplicate");
  ASSERT_TRUE(service_.DeregisterImage(seller_, image.image_id, /*dry_run=*/true).ok());
  EXPECT_TRUE(store_.images_.at(image.image_id).IsAvailable());
}

TEST_F(ImageServiceTest, CallersSeeTheirOwnAndMarketplaceImagesOnly) {
  Image mine = Register(seller_, "mine");
  Image theirs = Register(other_, "theirs");
  Image copy = PublishCopy(theirs, "us-east-1", "productcode00000000000001");

  auto seen = Ids(seller_, {});
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_NE(std::find(seen.begin(), seen.end(), mine.image_id), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), copy.image_id), seen.end());

  EXPECT_EQ(Ids(seller_, {.owners = {"self"}}), std::vector<std::string>{mine.image_id});
  EXPECT_EQ(Ids(seller_, {.owners = {"aws-marketplace"}}), std::vector<std::string>{copy.image_id});
  EXPECT_EQ(Ids(seller_, {.owners = {std::string(kMarketplaceAccountId)}}),
            std::vector<std::string>{copy.image_id});
  EXPECT_TRUE(Ids(seller_, {.owners = {other_.account.account_id}}).empty());
  EXPECT_TRUE(Ids(seller_, {.owners = {"amazon"}}).empty());

  // Another account's private image is answered like an ID that does not exist.
  auto r = service_.DescribeImages(seller_, {.image_ids = {theirs.image_id}});
  EXPECT_EQ(CodeOf(r), "InvalidAMIID.NotFound");
  EXPECT_EQ(
      r.status().message(),
      fmt::format("InvalidAMIID.NotFound: The image id '[{}]' does not exist", theirs.image_id));
  r = service_.DescribeImages(seller_, {.image_ids = {theirs.image_id, "ami-12345678"}});
  EXPECT_NE(r.status().message().find("The image ids '["), std::string::npos);
  EXPECT_EQ(Ids(seller_, {.image_ids = {mine.image_id, copy.image_id, mine.image_id}}).size(), 2u);
}

TEST_F(ImageServiceTest, ImagesAreRegional) {
  Image east = Register(seller_, "east");
  Caller west = CallerFor(seller_.account.account_id, "us-west-2");
  EXPECT_TRUE(Ids(west, {}).empty());
  EXPECT_EQ(CodeOf(service_.DescribeImages(west, {.image_ids = {east.image_id}})),
            "InvalidAMIID.NotFound");
  EXPECT_EQ(CodeOf(service_.DeregisterImage(west, east.image_id)), "InvalidAMIID.NotFound");
}

TEST_F(ImageServiceTest, Filters) {
  Image a = Register(seller_, "app-1.0");
  Image b = Register(seller_, "app-2.0");
  Register(seller_, "other");
  Image copy = PublishCopy(a, "us-east-1", "productcode00000000000001");

  EXPECT_EQ(Ids(seller_, {.filters = {{"name", {"app-*"}}}}).size(), 3u);  // with the copy
  EXPECT_EQ(Ids(seller_, {.owners = {"self"}, .filters = {{"name", {"app-*"}}}}).size(), 2u);
  EXPECT_EQ(Ids(seller_, {.filters = {{"name", {"app-?.0"}}}}).size(), 2u);
  EXPECT_EQ(Ids(seller_, {.filters = {{"name", {"app-1.0"}}}}),
            std::vector<std::string>{a.image_id});
  EXPECT_EQ(Ids(seller_, {.filters = {{"product-code", {"productcode00000000000001"}}}}),
            std::vector<std::string>{copy.image_id});
  EXPECT_EQ(Ids(seller_, {.filters = {{"product-code", {"productcode*"}}}}),
            std::vector<std::string>{copy.image_id});
  EXPECT_EQ(
      Ids(seller_, {.filters = {{"owner-id", {seller_.account.account_id}}, {"name", {"*2.0"}}}}),
      std::vector<std::string>{b.image_id});
  EXPECT_EQ(Ids(seller_, {.filters = {{"state", {"available"}}}}).size(), 4u);
  EXPECT_EQ(Ids(seller_, {.filters = {{"image-id", {a.image_id}}}}),
            std::vector<std::string>{a.image_id});
  EXPECT_EQ(Ids(seller_, {.filters = {{"architecture", {"arm64"}}}}).size(), 0u);

  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.filters = {{"colour", {"x"}}}})),
            "InvalidParameterValue");
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.filters = {{"name", {}}}})),
            "InvalidParameterValue");
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.image_ids = {"ami-XYZ"}})),
            "InvalidAMIID.Malformed");
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.owners = {"nobody"}})),
            "InvalidUserID.Malformed");
}

TEST_F(ImageServiceTest, ExecutableBy) {
  Image mine = Register(seller_, "mine");
  Image copy = PublishCopy(mine, "us-east-1", "productcode00000000000001");
  EXPECT_EQ(Ids(seller_, {.executable_users = {"all"}}), std::vector<std::string>{copy.image_id});
  EXPECT_EQ(Ids(seller_, {.executable_users = {"self"}}).size(), 2u);
  EXPECT_EQ(Ids(seller_, {.executable_users = {other_.account.account_id}}),
            std::vector<std::string>{copy.image_id});
}

TEST_F(ImageServiceTest, Pages) {
  for (int i = 0; i < 12; ++i) Register(seller_, fmt::format("image-{:02}", i));
  std::vector<std::string> all;
  std::string token;
  int pages = 0;
  do {
    auto r = service_.DescribeImages(seller_, {.max_results = 5, .next_token = token});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_LE(r->images.size(), 5u);
    for (const auto& i : r->images) all.push_back(i.image_id);
    token = r->next_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(all.size(), 12u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.next_token = "garbage"})),
            "InvalidPaginationToken");
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.max_results = 4})), "InvalidParameterValue");
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.image_ids = {all[0]}, .max_results = 5})),
            "InvalidParameterCombination");
}

TEST_F(ImageServiceTest, DeregisterOwnImagesOnly) {
  Image mine = Register(seller_, "mine");
  Image copy = PublishCopy(mine, "us-east-1", "productcode00000000000001");
  Image theirs = Register(other_, "theirs");

  EXPECT_EQ(CodeOf(service_.DeregisterImage(seller_, "")), "MissingParameter");
  EXPECT_EQ(CodeOf(service_.DeregisterImage(seller_, "ami-zz")), "InvalidAMIID.Malformed");
  EXPECT_EQ(CodeOf(service_.DeregisterImage(seller_, "ami-12345678")), "InvalidAMIID.NotFound");
  EXPECT_EQ(CodeOf(service_.DeregisterImage(seller_, theirs.image_id)), "InvalidAMIID.NotFound");
  Status denied = service_.DeregisterImage(seller_, copy.image_id);
  EXPECT_EQ(CodeOf(denied), "AuthFailure");
  EXPECT_EQ(denied.message(), "AuthFailure: Not authorized for image:" + copy.image_id);

  ASSERT_TRUE(service_.DeregisterImage(seller_, mine.image_id).ok());
  EXPECT_EQ(store_.images_.at(mine.image_id).state, "deregistered");
  EXPECT_EQ(CodeOf(service_.DeregisterImage(seller_, mine.image_id)), "InvalidAMIID.Unavailable");
  // Gone from DescribeImages; the marketplace copy stays.
  EXPECT_EQ(Ids(seller_, {}), std::vector<std::string>{copy.image_id});
  EXPECT_EQ(CodeOf(service_.DescribeImages(seller_, {.image_ids = {mine.image_id}})),
            "InvalidAMIID.NotFound");
  // FindVisibleImage still sees the owner's deregistered image (for ingestion's checks).
  auto found = service_.FindVisibleImage(seller_, mine.image_id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_FALSE((*found)->IsAvailable());
}

}  // namespace
}  // namespace amiplace
