#include "app/image_service.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "app/ec2_error.h"
#include "core/crypto.h"
#include "domain/catalog/regions.h"

namespace amiplace {

namespace {

constexpr size_t kMaxDescription = 255;
constexpr int64_t kMaxVolumeSizeGiB = 16384;
constexpr size_t kMaxFilters = 50;
constexpr size_t kMaxFilterValues = 200;
constexpr std::string_view kPageTokenPrefix = "images:";

Status Missing(std::string_view parameter) {
  return Ec2Error(ErrorCode::kValidation, "MissingParameter",
                  fmt::format("The request must contain the parameter {}", parameter));
}

Status InvalidValue(std::string_view parameter, std::string_view value, std::string_view rule) {
  return Ec2Error(
      ErrorCode::kValidation, "InvalidParameterValue",
      fmt::format("Value ({}) for parameter {} is invalid. {}", value, parameter, rule));
}

Status BadMapping(std::string message) {
  return Ec2Error(ErrorCode::kValidation, "InvalidBlockDeviceMapping", message);
}

Status ImageNotFound(const std::vector<std::string>& ids) {
  const std::string list = fmt::format("{}", fmt::join(ids, ", "));
  return Ec2Error(ErrorCode::kNotFound, "InvalidAMIID.NotFound",
                  ids.size() == 1 ? fmt::format("The image id '[{}]' does not exist", list)
                                  : fmt::format("The image ids '[{}]' do not exist", list));
}

Status MalformedImageId(std::string_view id) {
  return Ec2Error(ErrorCode::kValidation, "InvalidAMIID.Malformed",
                  fmt::format("Invalid id: \"{}\" (expecting \"ami-...\")", id));
}

size_t CodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsAccountId(std::string_view v) {
  return v.size() == 12 &&
         std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "/dev/xvda", "/dev/sda1", "xvdb": what EC2 accepts as a device name, loosely.
bool IsValidDeviceName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
           c == '.';
  });
}

bool VisibleTo(const Image& image, const Caller& caller) {
  return image.owner_account_id == caller.account.account_id ||
         (image.IsPublic() && image.IsAvailable());
}

}  // namespace

bool ImageService::Visible(const Image& image, const Caller& caller) const {
  if (!VisibleTo(image, caller)) return false;
  if (image.owner_account_id == caller.account.account_id || !image.IsMarketplaceImage()) return true;
  return !marketplace_visibility_ || marketplace_visibility_(caller, image);
}

namespace {

// Whether the account `who` may launch `image` (DescribeImages' ExecutableBy): the owner, and
// everyone for a public image. amiplace keeps no other launch permissions.
bool Executable(const Image& image, std::string_view who) {
  return image.IsPublic() || image.owner_account_id == who;
}

Status CheckMapping(const BlockDeviceMapping& m, size_t index) {
  const std::string field = fmt::format("BlockDeviceMapping.{}", index);
  if (m.device_name.empty()) return Missing(field + ".DeviceName");
  if (!IsValidDeviceName(m.device_name)) {
    return BadMapping(fmt::format("Invalid device name {}", m.device_name));
  }
  const int kinds = (m.ebs ? 1 : 0) + (m.virtual_name.empty() ? 0 : 1) + (m.no_device ? 1 : 0);
  if (kinds == 0) {
    return BadMapping(
        fmt::format("{} ({}) needs one of Ebs, VirtualName or NoDevice", field, m.device_name));
  }
  if (kinds > 1) {
    return BadMapping(fmt::format("{} ({}) may have only one of Ebs, VirtualName or NoDevice",
                                  field, m.device_name));
  }
  if (!m.virtual_name.empty() &&
      !(m.virtual_name.starts_with("ephemeral") && m.virtual_name.size() > 9 &&
        std::all_of(m.virtual_name.begin() + 9, m.virtual_name.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))) {
    return InvalidValue(field + ".VirtualName", m.virtual_name, "Expected: ephemeral<N>.");
  }
  if (!m.ebs) return Status::Ok();
  const EbsBlockDevice& e = *m.ebs;
  if (!e.snapshot_id.empty() && !IsValidSnapshotId(e.snapshot_id)) {
    return Ec2Error(ErrorCode::kValidation, "InvalidSnapshotID.Malformed",
                    fmt::format("Invalid id: \"{}\" (expecting \"snap-...\")", e.snapshot_id));
  }
  if (e.snapshot_id.empty() && !e.volume_size) {
    return BadMapping(fmt::format("{}.Ebs ({}): an EBS volume needs a SnapshotId or a VolumeSize",
                                  field, m.device_name));
  }
  if (e.volume_size && (*e.volume_size < 1 || *e.volume_size > kMaxVolumeSizeGiB)) {
    return InvalidValue(
        field + ".Ebs.VolumeSize", std::to_string(*e.volume_size),
        fmt::format("Volume size must be between 1 and {} GiB.", kMaxVolumeSizeGiB));
  }
  if (!IsValidVolumeType(e.volume_type)) {
    return InvalidValue(field + ".Ebs.VolumeType", e.volume_type,
                        "Valid values: standard, io1, io2, gp2, sc1, st1, gp3.");
  }
  if (e.iops && *e.iops < 0) {
    return InvalidValue(field + ".Ebs.Iops", std::to_string(*e.iops), "Must not be negative.");
  }
  if (e.throughput && *e.throughput < 0) {
    return InvalidValue(field + ".Ebs.Throughput", std::to_string(*e.throughput),
                        "Must not be negative.");
  }
  return Status::Ok();
}

// Checks the input and builds the image it describes (without ID, owner, region or date).
Result<Image> BuildImage(const RegisterImageInput& in) {
  if (!in.name) return Missing("Name");
  if (!IsValidImageName(*in.name)) {
    return Ec2Error(ErrorCode::kValidation, "InvalidAMIName.Malformed", kImageNameRule);
  }
  if (in.description && CodePoints(*in.description) > kMaxDescription) {
    return Ec2Error(
        ErrorCode::kValidation, "InvalidParameterValue",
        fmt::format("AMI descriptions must be at most {} characters long", kMaxDescription));
  }
  if (in.description && std::any_of(in.description->begin(), in.description->end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
      })) {
    return Ec2Error(ErrorCode::kValidation, "InvalidParameterValue",
                    "AMI descriptions may not contain control characters");
  }
  if (in.image_location) {
    return Ec2Error(ErrorCode::kValidation, "UnsupportedOperation",
                    "amiplace registers EBS-backed images only; ImageLocation (an S3 manifest) "
                    "is not supported");
  }
  if (!in.billing_products.empty()) {
    return Ec2Error(ErrorCode::kAccessDenied, "AuthFailure",
                    "You are not authorized to specify billing products; the marketplace adds "
                    "product codes to its own copies of your image");
  }
  Image image;
  image.name = *in.name;
  image.description = in.description.value_or("");
  image.architecture = in.architecture.value_or("i386");
  if (!IsValidArchitecture(image.architecture)) {
    return InvalidValue("Architecture", image.architecture,
                        "Valid values: i386, x86_64, arm64, x86_64_mac, arm64_mac.");
  }
  image.virtualization_type = in.virtualization_type.value_or("paravirtual");
  if (!IsValidVirtualizationType(image.virtualization_type)) {
    return InvalidValue("VirtualizationType", image.virtualization_type,
                        "Valid values: hvm, paravirtual.");
  }
  image.boot_mode = in.boot_mode.value_or("");
  if (in.boot_mode && !IsValidBootMode(*in.boot_mode)) {
    return InvalidValue("BootMode", *in.boot_mode,
                        "Valid values: legacy-bios, uefi, uefi-preferred.");
  }
  image.imds_support = in.imds_support.value_or("");
  if (in.imds_support && *in.imds_support != "v2.0") {
    return InvalidValue("ImdsSupport", *in.imds_support, "Valid values: v2.0.");
  }
  image.tpm_support = in.tpm_support.value_or("");
  if (in.tpm_support && *in.tpm_support != "v2.0") {
    return InvalidValue("TpmSupport", *in.tpm_support, "Valid values: v2.0.");
  }
  image.sriov_net_support = in.sriov_net_support.value_or("");
  if (in.sriov_net_support && *in.sriov_net_support != "simple") {
    return InvalidValue("SriovNetSupport", *in.sriov_net_support, "Valid values: simple.");
  }
  image.ena_support = in.ena_support.value_or(false);

  if (in.block_device_mappings.empty()) return Missing("BlockDeviceMapping");
  if (!in.root_device_name) return Missing("RootDeviceName");
  image.root_device_name = *in.root_device_name;
  std::set<std::string> devices;
  for (size_t i = 0; i < in.block_device_mappings.size(); ++i) {
    const BlockDeviceMapping& m = in.block_device_mappings[i];
    AMIPLACE_RETURN_IF_ERROR(CheckMapping(m, i + 1));
    if (!devices.insert(m.device_name).second) {
      return BadMapping(fmt::format("The device {} is used in more than one block device mapping",
                                    m.device_name));
    }
    BlockDeviceMapping stored = m;
    // EC2 takes an unset size from the snapshot; amiplace has no snapshots, so it shows 8 GiB.
    if (stored.ebs && !stored.ebs->volume_size) stored.ebs->volume_size = 8;
    image.block_device_mappings.push_back(std::move(stored));
  }
  const auto root = std::find_if(
      image.block_device_mappings.begin(), image.block_device_mappings.end(),
      [&](const BlockDeviceMapping& m) { return m.device_name == image.root_device_name; });
  if (root == image.block_device_mappings.end() || !root->ebs || root->ebs->snapshot_id.empty()) {
    return BadMapping(fmt::format(
        "The root device {} must have a block device mapping with an EBS snapshot (Ebs.SnapshotId)",
        image.root_device_name));
  }
  return image;
}

Status CheckDescribeInput(const DescribeImagesInput& in) {
  for (const auto& id : in.image_ids) {
    if (!IsValidImageId(id)) return MalformedImageId(id);
  }
  for (const auto& owner : in.owners) {
    if (owner != "self" && owner != "amazon" && owner != kMarketplaceOwnerAlias &&
        owner != "aws-backup-vault" && !IsAccountId(owner)) {
      return Ec2Error(ErrorCode::kValidation, "InvalidUserID.Malformed",
                      fmt::format("Invalid user id: \"{}\"", owner));
    }
  }
  for (const auto& user : in.executable_users) {
    if (user != "self" && user != "all" && !IsAccountId(user)) {
      return Ec2Error(ErrorCode::kValidation, "InvalidUserID.Malformed",
                      fmt::format("Invalid user id: \"{}\"", user));
    }
  }
  size_t values = 0;
  if (in.filters.size() > kMaxFilters) {
    return Ec2Error(ErrorCode::kValidation, "FilterLimitExceeded",
                    fmt::format("The maximum number of filters is {}", kMaxFilters));
  }
  for (const auto& f : in.filters) {
    if (!IsKnownImageFilter(f.name)) {
      return Ec2Error(ErrorCode::kValidation, "InvalidParameterValue",
                      fmt::format("The filter '{}' is invalid", f.name));
    }
    if (f.values.empty()) {
      return Ec2Error(ErrorCode::kValidation, "InvalidParameterValue",
                      fmt::format("The filter '{}' has no values", f.name));
    }
    values += f.values.size();
  }
  if (values > kMaxFilterValues) {
    return Ec2Error(
        ErrorCode::kValidation, "FilterLimitExceeded",
        fmt::format("The maximum number of filter values specified on a single call is {}",
                    kMaxFilterValues));
  }
  if (in.max_results) {
    if (!in.image_ids.empty()) {
      return Ec2Error(ErrorCode::kValidation, "InvalidParameterCombination",
                      "The parameter ImageIds cannot be used with the parameter MaxResults");
    }
    if (*in.max_results < 5 || *in.max_results > 1000) {
      return InvalidValue("MaxResults", std::to_string(*in.max_results),
                          "Parameter must be between 5 and 1000.");
    }
  }
  return Status::Ok();
}

std::string PageToken(std::string_view last_image_id) {
  return crypto::Base64Url(std::string(kPageTokenPrefix) + std::string(last_image_id));
}

Result<std::string> PageTokenPosition(std::string_view token) {
  auto raw = crypto::Base64UrlDecode(token);
  if (!raw || !raw->starts_with(kPageTokenPrefix)) {
    return Ec2Error(ErrorCode::kValidation, "InvalidPaginationToken",
                    "The pagination token is not valid");
  }
  return raw->substr(kPageTokenPrefix.size());
}

// The exact product codes of a product-code filter without wildcards, if there is one: the
// store then finds candidates by code.
std::optional<std::vector<std::string>> ExactProductCodes(const std::vector<ImageFilter>& filters) {
  for (const auto& f : filters) {
    if (f.name != "product-code") continue;
    const bool literal = std::none_of(f.values.begin(), f.values.end(), [](const std::string& v) {
      return v.find_first_of("*?\\") != std::string::npos;
    });
    if (literal) return f.values;
  }
  return std::nullopt;
}

}  // namespace

Result<Image> ImageService::RegisterImage(const Caller& caller, const RegisterImageInput& input,
                                          bool dry_run) {
  AMIPLACE_ASSIGN_OR_RETURN(Image image, BuildImage(input));
  image.image_id = NewImageId();
  image.region = caller.region;
  image.owner_account_id = caller.account.account_id;
  image.creation_date = clock_.Now();
  auto duplicate = [&](std::string_view other) {
    return Ec2Error(ErrorCode::kValidation, "InvalidAMIName.Duplicate",
                    fmt::format("AMI name {} is already in use by AMI {}", image.name, other));
  };
  if (dry_run) {
    AMIPLACE_ASSIGN_OR_RETURN(
        auto taken, store_.FindImageByName(image.region, image.owner_account_id, image.name));
    if (taken) return duplicate(taken->image_id);
    return image;
  }
  AMIPLACE_ASSIGN_OR_RETURN(ImageStore::PutOutcome put, store_.PutImage(image));
  if (!put.written) return duplicate(put.name_taken_by);
  return image;
}

Result<DescribeImagesOutput> ImageService::DescribeImages(const Caller& caller,
                                                          const DescribeImagesInput& input) {
  AMIPLACE_RETURN_IF_ERROR(CheckDescribeInput(input));
  const std::string& self = caller.account.account_id;
  const std::string& region = caller.region;

  std::vector<Image> candidates;
  auto add_all = [&](Result<std::vector<Image>> r) -> Status {
    if (!r.ok()) return r.status();
    for (auto& image : *r) candidates.push_back(std::move(image));
    return Status::Ok();
  };
  if (!input.image_ids.empty()) {
    std::vector<std::string> missing;
    std::set<std::string> seen;
    for (const auto& id : input.image_ids) {
      if (!seen.insert(id).second) continue;
      AMIPLACE_ASSIGN_OR_RETURN(auto image, store_.GetImage(region, id));
      if (!image || !image->IsAvailable() || !Visible(*image, caller)) {
        missing.push_back(id);
        continue;
      }
      candidates.push_back(std::move(*image));
    }
    if (!missing.empty()) return ImageNotFound(missing);
  } else if (!input.owners.empty()) {
    std::set<std::string> owner_ids;
    for (const auto& owner : input.owners) {
      if (owner == "self")
        owner_ids.insert(self);
      else if (owner == kMarketplaceOwnerAlias)
        owner_ids.insert(std::string(kMarketplaceAccountId));
      else if (IsAccountId(owner))
        owner_ids.insert(owner);
      // "amazon" and "aws-backup-vault" own no images in amiplace.
    }
    for (const auto& id : owner_ids)
      AMIPLACE_RETURN_IF_ERROR(add_all(store_.ListImages(region, id)));
  } else if (auto codes = ExactProductCodes(input.filters)) {
    for (const auto& code : *codes) {
      AMIPLACE_RETURN_IF_ERROR(add_all(store_.ListImagesByProductCode(region, code)));
    }
  } else {
    AMIPLACE_RETURN_IF_ERROR(add_all(store_.ListImages(region, self)));
    AMIPLACE_RETURN_IF_ERROR(add_all(store_.ListImages(region, kMarketplaceAccountId)));
  }

  // Owners narrow ImageIds too; "self" and the marketplace's alias name account IDs.
  auto owner_matches = [&](const Image& image) {
    if (input.owners.empty()) return true;
    return std::any_of(input.owners.begin(), input.owners.end(), [&](const std::string& o) {
      if (o == "self") return image.owner_account_id == self;
      if (o == kMarketplaceOwnerAlias) return image.IsMarketplaceImage();
      return image.owner_account_id == o;
    });
  };
  auto executable = [&](const Image& image) {
    if (input.executable_users.empty()) return true;
    return std::any_of(input.executable_users.begin(), input.executable_users.end(),
                       [&](const std::string& u) {
                         if (u == "all") return image.IsPublic();
                         return Executable(image, u == "self" ? std::string_view(self) : u);
                       });
  };
  std::string after;
  if (!input.next_token.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(after, PageTokenPosition(input.next_token));
  }

  std::sort(candidates.begin(), candidates.end(),
            [](const Image& a, const Image& b) { return a.image_id < b.image_id; });
  DescribeImagesOutput out;
  for (auto& image : candidates) {
    if (!out.images.empty() && out.images.back().image_id == image.image_id) continue;
    if (!after.empty() && image.image_id <= after) continue;
    if (!image.IsAvailable() || !Visible(image, caller) || !owner_matches(image) ||
        !executable(image) || !MatchesFilters(image, input.filters)) {
      continue;
    }
    if (input.max_results && out.images.size() == static_cast<size_t>(*input.max_results)) {
      out.next_token = PageToken(out.images.back().image_id);
      break;
    }
    out.images.push_back(std::move(image));
  }
  return out;
}

Status ImageService::DeregisterImage(const Caller& caller, std::string_view image_id,
                                     bool dry_run) {
  if (image_id.empty()) return Missing("ImageId");
  if (!IsValidImageId(image_id)) return MalformedImageId(image_id);
  AMIPLACE_ASSIGN_OR_RETURN(auto image, store_.GetImage(caller.region, image_id));
  if (!image || !Visible(*image, caller)) return ImageNotFound({std::string(image_id)});
  if (image->owner_account_id != caller.account.account_id) {
    return Ec2Error(ErrorCode::kAccessDenied, "AuthFailure",
                    fmt::format("Not authorized for image:{}", image_id));
  }
  if (!image->IsAvailable()) {
    return Ec2Error(ErrorCode::kValidation, "InvalidAMIID.Unavailable",
                    fmt::format("The image id '[{}]' is no longer available", image_id));
  }
  if (dry_run) return Status::Ok();
  image->state = std::string(kImageStateDeregistered);
  AMIPLACE_ASSIGN_OR_RETURN(ImageStore::PutOutcome put, store_.PutImage(*image));
  (void)put;  // a deregistered image never conflicts on its name
  return Status::Ok();
}

Result<Image> ImageService::DescribeImageAttribute(const Caller& caller, std::string_view image_id,
                                                   std::string_view attribute) {
  static constexpr std::string_view kAttributes[] = {
      "description", "kernel",    "ramdisk",          "launchPermission", "productCodes",
      "blockDeviceMapping", "sriovNetSupport", "bootMode", "tpmSupport", "uefiData",
      "lastLaunchedTime",   "imdsSupport",     "deregistrationProtection"};
  if (image_id.empty()) return Missing("ImageId");
  if (attribute.empty()) return Missing("Attribute");
  if (std::find(std::begin(kAttributes), std::end(kAttributes), attribute) ==
      std::end(kAttributes)) {
    return InvalidValue("Attribute", attribute,
                        "Valid values: description, kernel, ramdisk, launchPermission, "
                        "productCodes, blockDeviceMapping, sriovNetSupport, bootMode, tpmSupport, "
                        "uefiData, lastLaunchedTime, imdsSupport, deregistrationProtection.");
  }
  if (!IsValidImageId(image_id)) return MalformedImageId(image_id);
  AMIPLACE_ASSIGN_OR_RETURN(auto image, store_.GetImage(caller.region, image_id));
  if (!image || !image->IsAvailable() || !Visible(*image, caller)) {
    return ImageNotFound({std::string(image_id)});
  }
  if (attribute == "launchPermission" && image->owner_account_id != caller.account.account_id) {
    return Ec2Error(ErrorCode::kAccessDenied, "AuthFailure",
                    fmt::format("Not authorized for image:{}", image_id));
  }
  return std::move(*image);
}

Result<std::optional<Image>> ImageService::FindVisibleImage(const Caller& caller,
                                                            std::string_view image_id) {
  if (!IsValidImageId(image_id)) return std::optional<Image>();
  AMIPLACE_ASSIGN_OR_RETURN(auto image, store_.GetImage(caller.region, image_id));
  if (!image || !Visible(*image, caller)) return std::optional<Image>();
  return image;
}

Result<std::vector<Image>> ImageService::ListOwnImages(const Caller& caller) {
  std::set<std::string, std::less<>> regions(regions::Commercial().begin(),
                                             regions::Commercial().end());
  regions.insert(caller.region);
  std::vector<Image> out;
  for (const auto& region : regions) {
    AMIPLACE_ASSIGN_OR_RETURN(auto images, store_.ListImages(region, caller.account.account_id));
    for (auto& image : images) {
      if (image.IsAvailable()) out.push_back(std::move(image));
    }
  }
  return out;
}

}  // namespace amiplace
