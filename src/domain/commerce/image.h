// Machine images (AMIs) as EC2 describes them: a seller's own images, registered through the EC2
// API, and the marketplace's copies of them, owned by the marketplace account and carrying a
// product code. Images are regional: the same ID names an image in one region only.
//
// This file holds the value type, its JSON form for the store, the checks of EC2's identifier and
// name rules, and CreateMarketplaceCopy. Everything here is pure; value types, thread-compatible.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace amiplace {

// The account that owns every marketplace copy (AWS's own "aws-marketplace" account), and the
// alias EC2 shows for it.
inline constexpr std::string_view kMarketplaceAccountId = "679593333241";
inline constexpr std::string_view kMarketplaceOwnerAlias = "aws-marketplace";

inline constexpr std::string_view kImageStateAvailable = "available";
inline constexpr std::string_view kImageStateDeregistered = "deregistered";

struct EbsBlockDevice {
  std::string snapshot_id;             // "" for an empty volume
  std::optional<int64_t> volume_size;  // GiB
  std::string volume_type = "gp2";     // standard|io1|io2|gp2|sc1|st1|gp3
  bool delete_on_termination = true;
  bool encrypted = false;
  std::optional<int64_t> iops;
  std::optional<int64_t> throughput;

  bool operator==(const EbsBlockDevice&) const = default;
};

struct BlockDeviceMapping {
  std::string device_name;  // "/dev/xvda"
  std::optional<EbsBlockDevice> ebs;
  std::string virtual_name;  // "ephemeral0" for an instance-store volume; "" otherwise
  bool no_device = false;

  bool operator==(const BlockDeviceMapping&) const = default;
};

struct ImageProductCode {
  std::string product_code_id;
  std::string product_code_type = "marketplace";

  bool operator==(const ImageProductCode&) const = default;
};

struct Image {
  std::string image_id;  // "ami-" + 17 lowercase hex digits
  std::string region;
  std::string owner_account_id;
  std::string owner_alias;  // "" or "aws-marketplace"
  std::string name;
  std::string description;
  std::string architecture = "x86_64";      // i386|x86_64|arm64|x86_64_mac|arm64_mac
  std::string virtualization_type = "hvm";  // hvm|paravirtual
  std::string root_device_name;
  std::string root_device_type = "ebs";
  std::vector<BlockDeviceMapping> block_device_mappings;
  bool ena_support = false;
  std::string boot_mode;          // "" (unset) | legacy-bios | uefi | uefi-preferred
  std::string imds_support;       // "" (unset) | v2.0
  std::string tpm_support;        // "" (unset) | v2.0
  std::string sriov_net_support;  // "" (unset) | simple
  std::string state = std::string(kImageStateAvailable);
  TimePoint creation_date;
  std::vector<ImageProductCode> product_codes;
  std::string source_image_id;      // marketplace copies: the seller's image
  std::string source_image_region;  // marketplace copies: the region of that image
  std::string deprecation_time;     // "" or ISO-8601: the marketplace deprecated the image (its
                                    // version was restricted); it still launches for entitled buyers

  bool IsMarketplaceImage() const { return owner_alias == kMarketplaceOwnerAlias; }
  // Marketplace images are public; a seller's own images are private to its account.
  bool IsPublic() const { return IsMarketplaceImage(); }
  bool IsAvailable() const { return state == kImageStateAvailable; }
  bool operator==(const Image&) const = default;
};

// A fresh "ami-" + 17 lowercase hex ID from the CSPRNG.
std::string NewImageId();

// ami-xxxxxxxx or ami-xxxxxxxxxxxxxxxxx (8 or 17 lowercase hex digits).
bool IsValidImageId(std::string_view id);
// snap- followed by 8 to 17 lowercase hex digits.
bool IsValidSnapshotId(std::string_view id);
// 3..128 characters: letters, digits, ( ) [ ] space . / - ' @ _
bool IsValidImageName(std::string_view name);
bool IsValidArchitecture(std::string_view v);
bool IsValidVirtualizationType(std::string_view v);
bool IsValidBootMode(std::string_view v);
bool IsValidVolumeType(std::string_view v);

// The rule IsValidImageName checks, in EC2's words.
inline constexpr std::string_view kImageNameRule =
    "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, "
    "'(', ')', '[', ']', ' ', '.', '/', '-', ''', '@' and '_'";

// The marketplace's copy of `source` in `region` for the product with `product_code`: a new,
// available image `image_id` (use NewImageId()) owned by the marketplace account, carrying the
// product code (added to any the source has), with source_image_id/region pointing back at
// `source`, created at `now`. Its name is the source's name (shortened if need be) followed by
// "-" and the new ID, so copies never collide with each other under the marketplace's account.
Image CreateMarketplaceCopy(const Image& source, std::string_view region,
                            std::string_view product_code, std::string_view image_id,
                            TimePoint now);

boost::json::object ImageToJson(const Image& image);
// The inverse of ImageToJson; kInternal for a document that is not one.
Result<Image> ImageFromJson(const boost::json::value& doc);

}  // namespace amiplace
