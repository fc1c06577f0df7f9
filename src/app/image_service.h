// Image use cases of the EC2 surface: RegisterImage, DescribeImages and DeregisterImage, with
// EC2's rules and error codes (carried as app/ec2_error.h describes). Images are regional: every
// call works in the caller's signing region. A caller sees its own images and the marketplace's
// (public) images, never another account's private ones, which are answered exactly like IDs
// that do not exist. The marketplace's copies are made by CreateMarketplaceCopy
// (domain/commerce/image.h) and stored by the change-set engine, not here.
// Thread-safe (the store is).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.h"
#include "core/clock.h"
#include "domain/commerce/image.h"
#include "domain/commerce/image_filter.h"

namespace amiplace {

// RegisterImage's parameters as the protocol read them: typed, not yet checked. Unset members
// take EC2's defaults.
struct RegisterImageInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> architecture;         // default i386, as EC2 documents
  std::optional<std::string> virtualization_type;  // default paravirtual, as EC2 documents
  std::optional<std::string> root_device_name;
  // Each mapping's position (1-based) names it in messages: "BlockDeviceMapping.2.DeviceName".
  std::vector<BlockDeviceMapping> block_device_mappings;
  std::optional<bool> ena_support;
  std::optional<std::string> boot_mode;
  std::optional<std::string> imds_support;
  std::optional<std::string> tpm_support;
  std::optional<std::string> sriov_net_support;
  std::optional<std::string> image_location;  // S3 manifests: refused (EBS-backed images only)
  std::vector<std::string> billing_products;  // refused: product codes come from the marketplace
};

struct DescribeImagesInput {
  std::vector<std::string> image_ids;
  std::vector<std::string> owners;            // self | aws-marketplace | amazon | account IDs
  std::vector<std::string> executable_users;  // self | all | account IDs
  std::vector<ImageFilter> filters;
  std::optional<int64_t> max_results;  // 5..1000; not with image_ids
  std::string next_token;
};

struct DescribeImagesOutput {
  std::vector<Image> images;  // ordered by image ID
  std::string next_token;     // "" on the last page
};

class ImageService {
 public:
  ImageService(ImageStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Who may see the marketplace's images (by default everyone: they are public). Set once at
  // start-up, before requests are served.
  using MarketplaceVisibility = std::function<bool(const Caller&, const Image&)>;
  void SetMarketplaceVisibility(MarketplaceVisibility fn) { marketplace_visibility_ = std::move(fn); }

  // Registers the caller's image in its signing region and returns it. With `dry_run`, checks
  // everything (the name's uniqueness too) and stores nothing.
  Result<Image> RegisterImage(const Caller& caller, const RegisterImageInput& input,
                              bool dry_run = false);

  Result<DescribeImagesOutput> DescribeImages(const Caller& caller,
                                              const DescribeImagesInput& input);

  // Deregisters one of the caller's own images (it keeps its record, state "deregistered", and
  // frees its name). With `dry_run`, checks and changes nothing.
  Status DeregisterImage(const Caller& caller, std::string_view image_id, bool dry_run = false);

  // The image whose `attribute` DescribeImageAttribute asks for (the protocol writes the one
  // attribute): the caller's own image or an available marketplace image. `attribute` is one of
  // EC2's ImageAttributeName values (InvalidParameterValue otherwise); another account's
  // launchPermission is AuthFailure, as on EC2.
  Result<Image> DescribeImageAttribute(const Caller& caller, std::string_view image_id,
                                       std::string_view attribute);

  // The caller's own available images in every region an AMI product can be offered in (AWS's
  // commercial regions, domain/catalog/regions.h) and the caller's own region: what a seller
  // picks a new version's AMI from (the portal). Ordered by region, then image ID.
  Result<std::vector<Image>> ListOwnImages(const Caller& caller);

  // The image with this ID in the caller's region if the caller may see it (its own, in any
  // state, or an available marketplace image); nullopt otherwise.
  Result<std::optional<Image>> FindVisibleImage(const Caller& caller, std::string_view image_id);

 private:
  bool Visible(const Image& image, const Caller& caller) const;

  ImageStore& store_;
  MarketplaceVisibility marketplace_visibility_;
  const Clock& clock_;
};

}  // namespace amiplace
