// The marketplace's rules at launch (CONTRACT §5): an image that carries a product's code runs
// only for a buyer with an active subscription to that product, in a region and on an instance
// type the product offers, and from a version the buyer may still use — an Available one, or a
// Restricted one the buyer was entitled to before its restriction. Plus EC2's own rule that an
// instance type can boot the image's architecture.
//
// Pure functions over the product document, the image and the buyer's subscription; the app
// layer gathers them and turns a refusal into EC2's error. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/catalog/entity.h"
#include "domain/commerce/image.h"
#include "domain/commerce/subscription.h"

namespace amiplace {

// ---- instance types ----------------------------------------------------------------------------

// Whether RunInstances knows the instance type: those of domain/catalog/instance_types.h, plus
// the first generation's t1.micro and m1.* (m1.small is EC2's default instance type).
bool IsLaunchableInstanceType(std::string_view instance_type);

// Whether an instance of `instance_type` can boot an image of `architecture` (i386 and x86_64
// images on x86_64 types, arm64 on arm64; the Mac architectures on no type amiplace knows).
// Instance types amiplace does not know are not checked (true).
bool InstanceTypeRunsArchitecture(std::string_view instance_type, std::string_view architecture);
// "x86_64" / "arm64", or "" for an unknown type.
std::string InstanceTypeArchitecture(std::string_view instance_type);

// ---- a product's versions ----------------------------------------------------------------------

struct VersionForLaunch {
  std::string version_id;
  bool restricted = false;                   // every delivery option of it is Restricted
  std::optional<TimePoint> restriction_date; // the latest of its options' RestrictionDate
  // The instance types its AMI source lists (arch-compatible ones of the product's).
  std::vector<std::string> instance_types;
};

// The version a marketplace image belongs to: the one whose AMI source is the image (the
// marketplace's copy in us-east-1) or the image's own source (its copies in other regions).
std::optional<VersionForLaunch> VersionOfImage(const Entity& product, const Image& image);
// The version with this ID.
std::optional<VersionForLaunch> VersionById(const Entity& product, std::string_view version_id);

// ---- the decision ------------------------------------------------------------------------------

enum class LaunchRefusal {
  kNone,
  kNotSubscribed,        // no active subscription: EC2's OptInRequired
  kRegion,               // the product is not offered in the region
  kInstanceType,         // the version / product does not offer the instance type
  kVersionRestricted,    // a Restricted version and the buyer was not entitled before
};

struct MarketplaceLaunch {
  const Entity* product = nullptr;  // the product behind the image's code
  std::string region;
  std::string instance_type;
  const Subscription* subscription = nullptr;  // the buyer's active one, or nullptr
  // The image's version (VersionOfImage, or for an image made by CreateImage the version of the
  // instance it was made from); nullopt when it cannot be told, which skips the version rules.
  std::optional<VersionForLaunch> version;
  // Whether the buyer already has (or had) instances of the product in `region`: a region the
  // seller restricted stays open to them, as AWS keeps it for existing users.
  bool launched_in_region_before = false;
};

// The first rule `launch` breaks, in EC2's order: subscription, region, instance type, version.
LaunchRefusal CheckMarketplaceLaunch(const MarketplaceLaunch& launch);

}  // namespace amiplace
