#include "app/instance_service.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "app/ec2_error.h"
#include "core/crypto.h"
#include "domain/commerce/instance_filter.h"
#include "domain/commerce/launch_rules.h"

namespace amiplace {

namespace {

constexpr std::string_view kDefaultInstanceType = "m1.small";
constexpr size_t kMaxClientToken = 64;
constexpr size_t kMaxTagsPerResource = 50;
constexpr size_t kMaxTagKey = 128;
constexpr size_t kMaxTagValue = 256;
constexpr size_t kMaxDescription = 255;
constexpr size_t kMaxFilters = 50;
constexpr size_t kMaxFilterValues = 200;
constexpr std::string_view kPageTokenPrefix = "instances:";
// TagSpecification resource types RunInstances accepts; only "instance" tags are kept.
constexpr std::string_view kTaggableAtLaunch[] = {"instance", "volume", "network-interface",
                                                 "spot-instances-request", "elastic-gpu"};

Status Missing(std::string_view parameter) {
  return Ec2Error(ErrorCode::kValidation, "MissingParameter",
                  fmt::format("The request must contain the parameter {}", parameter));
}

Status InvalidValue(std::string message) {
  return Ec2Error(ErrorCode::kValidation, "InvalidParameterValue", message);
}

Status ImageNotFound(std::string_view id) {
  return Ec2Error(ErrorCode::kNotFound, "InvalidAMIID.NotFound",
                  fmt::format("The image id '[{}]' does not exist", id));
}

Status InstancesNotFound(const std::vector<std::string>& ids) {
  const std::string list = fmt::format("{}", fmt::join(ids, ", "));
  return Ec2Error(ErrorCode::kNotFound, "InvalidInstanceID.NotFound",
                  ids.size() == 1 ? fmt::format("The instance ID '{}' does not exist", list)
                                  : fmt::format("The instance IDs '{}' do not exist", list));
}

Status MalformedInstanceId(std::string_view id) {
  return Ec2Error(ErrorCode::kValidation, "InvalidInstanceID.Malformed",
                  fmt::format("Invalid id: \"{}\" (expecting \"i-...\")", id));
}

Status Incorrect(std::string_view id, std::string_view verb) {
  return Ec2Error(ErrorCode::kValidation, "IncorrectInstanceState",
                  fmt::format("The instance '{}' is not in a state from which it can be {}.", id,
                              verb));
}

std::string MarketplacePage(std::string_view code) {
  return fmt::format("https://aws.amazon.com/marketplace/pp?sku={}", code);
}

// EC2's answers to a marketplace launch it refuses.
Status Refusal(LaunchRefusal refusal, std::string_view code) {
  switch (refusal) {
    case LaunchRefusal::kNone:
      return Status::Ok();
    case LaunchRefusal::kNotSubscribed:
      return Ec2Error(ErrorCode::kAccessDenied, "OptInRequired",
                      fmt::format("In order to use this AWS Marketplace product you need to accept "
                                  "terms and subscribe. To do so please visit {}",
                                  MarketplacePage(code)));
    case LaunchRefusal::kRegion:
    case LaunchRefusal::kInstanceType:
      return Ec2Error(ErrorCode::kValidation, "UnsupportedOperation",
                      fmt::format("The instance configuration for this AWS Marketplace product is "
                                  "not supported. Please see {} for more information about "
                                  "supported instance types, regions, and operating systems.",
                                  MarketplacePage(code)));
    case LaunchRefusal::kVersionRestricted:
      return Ec2Error(ErrorCode::kValidation, "UnsupportedOperation",
                      fmt::format("This version of the AWS Marketplace product is no longer "
                                  "available to new subscribers. Please see {} for the versions "
                                  "you can launch.",
                                  MarketplacePage(code)));
  }
  return Status::Ok();
}

size_t CodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Status CheckTags(const std::vector<TagSpecification>& specs) {
  std::set<std::string> types;
  for (size_t n = 0; n < specs.size(); ++n) {
    const TagSpecification& spec = specs[n];
    const std::string field = fmt::format("TagSpecification.{}", n + 1);
    if (spec.resource_type.empty()) return Missing(field + ".ResourceType");
    if (std::find(std::begin(kTaggableAtLaunch), std::end(kTaggableAtLaunch),
                  spec.resource_type) == std::end(kTaggableAtLaunch)) {
      return InvalidValue(fmt::format(
          "'{}' is not a valid taggable resource type for this operation.", spec.resource_type));
    }
    if (!types.insert(spec.resource_type).second) {
      return InvalidValue(fmt::format(
          "The resource type '{}' is specified in more than one tag specification.",
          spec.resource_type));
    }
    if (spec.tags.size() > kMaxTagsPerResource) {
      return Ec2Error(ErrorCode::kValidation, "TagLimitExceeded",
                      fmt::format("{}: at most {} tags per resource", field, kMaxTagsPerResource));
    }
    std::set<std::string> keys;
    for (const auto& tag : spec.tags) {
      if (tag.key.empty()) return InvalidValue(fmt::format("{}: a tag key must not be empty", field));
      if (CodePoints(tag.key) > kMaxTagKey) {
        return InvalidValue(fmt::format("{}: the tag key '{}' is longer than {} characters", field,
                                        tag.key, kMaxTagKey));
      }
      if (CodePoints(tag.value) > kMaxTagValue) {
        return InvalidValue(fmt::format("{}: the value of tag '{}' is longer than {} characters",
                                        field, tag.key, kMaxTagValue));
      }
      if (tag.key.starts_with("aws:")) {
        return InvalidValue(fmt::format(
            "{}: tag keys starting with 'aws:' are reserved for internal use", field));
      }
      if (!keys.insert(tag.key).second) {
        return InvalidValue(fmt::format("{}: the tag key '{}' is given more than once", field,
                                        tag.key));
      }
    }
  }
  return Status::Ok();
}

// What makes two RunInstances requests the same one, for ClientToken replays.
std::string RequestHash(const RunInstancesInput& in) {
  std::string text = fmt::format("{}\n{}\n{}\n{}\n{}\n", in.image_id.value_or(""),
                                 in.instance_type.value_or(std::string(kDefaultInstanceType)),
                                 in.min_count.value_or(0), in.max_count.value_or(0), in.key_name);
  for (const auto& spec : in.tag_specifications) {
    text += spec.resource_type + "\n";
    for (const auto& t : spec.tags) text += fmt::format("{}={}\n", t.key, t.value);
  }
  return crypto::Sha256Hex(text);
}

std::string PageToken(const Instance& last) {
  return crypto::Base64Url(
      fmt::format("{}{}:{}", kPageTokenPrefix, ToEpochMillis(last.launched_at), last.instance_id));
}

// The position a token names: (first launch, instance ID).
Result<std::pair<int64_t, std::string>> PagePosition(std::string_view token) {
  auto bad = [] {
    return Ec2Error(ErrorCode::kValidation, "InvalidParameterValue",
                    "The parameter NextToken is not a valid pagination token");
  };
  auto raw = crypto::Base64UrlDecode(token);
  if (!raw || !raw->starts_with(kPageTokenPrefix)) return bad();
  std::string_view rest = std::string_view(*raw).substr(kPageTokenPrefix.size());
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  int64_t ms = 0;
  for (char c : rest.substr(0, colon)) {
    if (c < '0' || c > '9') return bad();
    ms = ms * 10 + (c - '0');
  }
  return std::make_pair(ms, std::string(rest.substr(colon + 1)));
}

std::string NewSnapshotId() { return "snap-" + crypto::Hex(crypto::RandomBytes(9)).substr(0, 17); }

// Groups instances (in launch order) by reservation, in the order of each one's first instance.
std::vector<Reservation> Reservations(std::vector<Instance> instances) {
  std::vector<Reservation> out;
  std::map<std::string, size_t> index;
  for (auto& i : instances) {
    auto [it, added] = index.emplace(i.reservation_id, out.size());
    if (added) out.push_back(Reservation{i.reservation_id, i.owner_account_id, {}});
    out[it->second].instances.push_back(std::move(i));
  }
  return out;
}

}  // namespace

// ---- RunInstances ------------------------------------------------------------------------------

Status InstanceService::CheckMarketplace(const Caller& caller, const Image& image,
                                         std::string_view instance_type, Instance& prototype) {
  std::optional<ImageLineage> lineage;
  bool lineage_read = false;
  for (const auto& pc : image.product_codes) {
    if (pc.product_code_type != "marketplace") continue;
    AMIPLACE_ASSIGN_OR_RETURN(auto product, store_.FindProductByCode(pc.product_code_id));
    MarketplaceLaunch launch;
    launch.region = caller.region;
    launch.instance_type = std::string(instance_type);
    std::optional<Subscription> active;
    if (product) {
      launch.product = &*product;
      AMIPLACE_ASSIGN_OR_RETURN(
          auto subs, store_.ListSubscriptionsOf(caller.account.account_id, product->id));
      for (auto& s : subs) {
        if (s.status == SubscriptionStatus::kActive) active = std::move(s);
      }
      if (active) launch.subscription = &*active;
      // An image made by CreateImage belongs to the version of the instance it was made from.
      if (!image.IsMarketplaceImage() && !lineage_read) {
        AMIPLACE_ASSIGN_OR_RETURN(lineage, store_.GetImageLineage(image.image_id));
        lineage_read = true;
      }
      launch.version = lineage && lineage->product_id == product->id
                           ? VersionById(*product, lineage->version_id)
                           : VersionOfImage(*product, image);
    }
    LaunchRefusal refusal = CheckMarketplaceLaunch(launch);
    if (refusal == LaunchRefusal::kRegion) {
      // A region the seller restricted stays open to buyers who already run the product there.
      AMIPLACE_ASSIGN_OR_RETURN(
          auto mine, store_.ListInstances(caller.region, caller.account.account_id, std::nullopt));
      launch.launched_in_region_before =
          std::any_of(mine.begin(), mine.end(),
                      [&](const Instance& i) { return i.product_id == product->id; });
      if (launch.launched_in_region_before) refusal = CheckMarketplaceLaunch(launch);
    }
    AMIPLACE_RETURN_IF_ERROR(Refusal(refusal, pc.product_code_id));
    if (prototype.product_id.empty()) {
      prototype.product_id = product->id;
      prototype.subscription_id = active->id;
      prototype.version_id = launch.version ? launch.version->version_id : "";
    }
  }
  return Status::Ok();
}

Result<Reservation> InstanceService::RunInstances(const Caller& caller,
                                                  const RunInstancesInput& in, bool dry_run) {
  const std::string& owner = caller.account.account_id;
  if (in.client_token.size() > kMaxClientToken) {
    return InvalidValue(fmt::format("The client token must be at most {} characters long",
                                    kMaxClientToken));
  }
  const std::string request_hash = RequestHash(in);
  auto mismatch = [] {
    return Ec2Error(ErrorCode::kValidation, "IdempotentParameterMismatch",
                    "Arguments on this idempotent request are inconsistent with arguments used in "
                    "previous request(s).");
  };
  auto answer = [&](std::vector<Instance> instances) {
    const TimePoint now = clock_.Now();
    Reservation r{instances.empty() ? "" : instances.front().reservation_id, owner, {}};
    for (auto& i : instances) r.instances.push_back(Settle(std::move(i), now, options_.settle_delay));
    return r;
  };
  if (!in.client_token.empty() && !dry_run) {
    AMIPLACE_ASSIGN_OR_RETURN(auto earlier,
                              store_.FindLaunchByClientToken(caller.region, owner, in.client_token));
    if (earlier) {
      if (earlier->request_hash != request_hash) return mismatch();
      return answer(std::move(earlier->instances));
    }
  }

  if (!in.image_id) return Missing("ImageId");
  if (!in.max_count) return Missing("MaxCount");
  if (!in.min_count) return Missing("MinCount");
  if (*in.min_count < 1) {
    return InvalidValue(fmt::format(
        "Value ({}) for parameter MinCount is invalid. Expected a positive integer.", *in.min_count));
  }
  if (*in.max_count < 1) {
    return InvalidValue(fmt::format(
        "Value ({}) for parameter MaxCount is invalid. Expected a positive integer.", *in.max_count));
  }
  if (*in.min_count > *in.max_count) {
    return InvalidValue(fmt::format("MinCount ({}) must not be greater than MaxCount ({})",
                                    *in.min_count, *in.max_count));
  }
  const int64_t limit = options_.max_instances_per_launch;
  if (*in.min_count > limit) {
    return Ec2Error(ErrorCode::kQuotaExceeded, "InstanceLimitExceeded",
                    fmt::format("You have requested more instances ({}) than your current instance "
                                "limit of {} allows for the specified instance type.",
                                *in.min_count, limit));
  }
  const int64_t count = std::min(*in.max_count, limit);
  if (in.private_ip_address) {
    return Ec2Error(ErrorCode::kValidation, "UnsupportedOperation",
                    "amiplace gives every instance its own loopback address; PrivateIpAddress "
                    "cannot be chosen");
  }
  AMIPLACE_RETURN_IF_ERROR(CheckTags(in.tag_specifications));

  if (!IsValidImageId(*in.image_id)) {
    return Ec2Error(ErrorCode::kValidation, "InvalidAMIID.Malformed",
                    fmt::format("Invalid id: \"{}\" (expecting \"ami-...\")", *in.image_id));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto image, images_.FindVisibleImage(caller, *in.image_id));
  if (!image || !image->IsAvailable()) return ImageNotFound(*in.image_id);

  const std::string type = in.instance_type.value_or(std::string(kDefaultInstanceType));
  if (!IsLaunchableInstanceType(type)) {
    return InvalidValue(fmt::format("Invalid value '{}' for InstanceType.", type));
  }
  if (!InstanceTypeRunsArchitecture(type, image->architecture)) {
    return InvalidValue(fmt::format(
        "The architecture '{}' of the specified instance type does not match the architecture "
        "'{}' of the specified AMI. Specify an instance type and an AMI that have matching "
        "architectures, and try again.",
        InstanceTypeArchitecture(type), image->architecture));
  }

  const TimePoint now = clock_.Now();
  Instance prototype;
  prototype.reservation_id = NewReservationId();
  prototype.region = caller.region;
  prototype.owner_account_id = owner;
  prototype.image_id = image->image_id;
  prototype.instance_type = type;
  prototype.architecture = image->architecture;
  prototype.virtualization_type = image->virtualization_type;
  prototype.root_device_name = image->root_device_name;
  prototype.key_name = in.key_name;
  prototype.state = InstanceState::kPending;
  prototype.state_since = now;
  prototype.launched_at = now;
  prototype.launch_time = now;
  prototype.product_codes = image->product_codes;
  prototype.client_token = in.client_token;
  for (const auto& spec : in.tag_specifications) {
    if (spec.resource_type == "instance") prototype.tags = spec.tags;
  }
  AMIPLACE_RETURN_IF_ERROR(CheckMarketplace(caller, *image, type, prototype));
  if (dry_run) return Reservation{"", owner, {}};

  // IDs in launch-index order, so that listings in (launch, ID) order keep each reservation's
  // instances in the order EC2 numbers them.
  std::vector<std::string> ids;
  for (int64_t n = 0; n < count; ++n) ids.push_back(NewInstanceId());
  std::sort(ids.begin(), ids.end());
  std::vector<Instance> instances;
  for (int64_t n = 0; n < count; ++n) {
    Instance i = prototype;
    i.instance_id = ids[static_cast<size_t>(n)];
    i.ami_launch_index = static_cast<int>(n);
    instances.push_back(std::move(i));
  }
  AMIPLACE_ASSIGN_OR_RETURN(InstanceStore::Launch launch,
                            store_.LaunchInstances(std::move(instances), in.client_token,
                                                   request_hash));
  // A concurrent request with the same token may have stored its launch first.
  if (launch.request_hash != request_hash) return mismatch();
  if (launch.instances.empty() || launch.instances.front().reservation_id !=
                                      prototype.reservation_id) {
    return answer(std::move(launch.instances));
  }
  // A new launch is answered as EC2 answers it: every instance pending.
  return Reservation{prototype.reservation_id, owner, std::move(launch.instances)};
}

// ---- DescribeInstances -------------------------------------------------------------------------

Result<DescribeInstancesOutput> InstanceService::DescribeInstances(
    const Caller& caller, const DescribeInstancesInput& in) {
  for (const auto& id : in.instance_ids) {
    if (!IsValidInstanceId(id)) return MalformedInstanceId(id);
  }
  if (in.filters.size() > kMaxFilters) {
    return Ec2Error(ErrorCode::kValidation, "FilterLimitExceeded",
                    fmt::format("The maximum number of filters is {}", kMaxFilters));
  }
  size_t values = 0;
  for (const auto& f : in.filters) {
    if (!IsKnownInstanceFilter(f.name)) {
      return InvalidValue(fmt::format("The filter '{}' is invalid", f.name));
    }
    if (f.values.empty()) return InvalidValue(fmt::format("The filter '{}' has no values", f.name));
    values += f.values.size();
  }
  if (values > kMaxFilterValues) {
    return Ec2Error(
        ErrorCode::kValidation, "FilterLimitExceeded",
        fmt::format("The maximum number of filter values specified on a single call is {}",
                    kMaxFilterValues));
  }
  if (in.max_results) {
    if (!in.instance_ids.empty()) {
      return Ec2Error(ErrorCode::kValidation, "InvalidParameterCombination",
                      "The parameter instancesSet cannot be used with the parameter maxResults");
    }
    if (*in.max_results < 5 || *in.max_results > 1000) {
      return InvalidValue(fmt::format(
          "Value ({}) for parameter maxResults is invalid. Expected a value between 5 and 1000.",
          *in.max_results));
    }
  }
  std::optional<std::pair<int64_t, std::string>> after;
  if (!in.next_token.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(after, PagePosition(in.next_token));
  }

  const TimePoint now = clock_.Now();
  const TimePoint cutoff = now - kTerminatedVisibleFor - options_.settle_delay;
  AMIPLACE_ASSIGN_OR_RETURN(
      auto stored, store_.ListInstances(caller.region, caller.account.account_id, cutoff));
  std::vector<Instance> listed;
  for (auto& i : stored) {
    Instance settled = Settle(std::move(i), now, options_.settle_delay);
    if (ListedAt(settled, now)) listed.push_back(std::move(settled));
  }

  if (!in.instance_ids.empty()) {
    std::set<std::string> wanted(in.instance_ids.begin(), in.instance_ids.end());
    std::set<std::string> seen;
    std::vector<Instance> chosen;
    for (auto& i : listed) {
      if (wanted.count(i.instance_id) > 0) {
        seen.insert(i.instance_id);
        chosen.push_back(std::move(i));
      }
    }
    std::vector<std::string> missing;
    for (const auto& id : in.instance_ids) {
      if (seen.count(id) == 0 &&
          std::find(missing.begin(), missing.end(), id) == missing.end()) {
        missing.push_back(id);
      }
    }
    if (!missing.empty()) return InstancesNotFound(missing);
    listed = std::move(chosen);
  }

  DescribeInstancesOutput out;
  std::vector<Instance> page;
  for (auto& i : listed) {
    if (after && std::make_pair(ToEpochMillis(i.launched_at), i.instance_id) <= *after) continue;
    if (!MatchesInstanceFilters(i, in.filters)) continue;
    if (in.max_results && page.size() == static_cast<size_t>(*in.max_results)) {
      out.next_token = PageToken(page.back());
      break;
    }
    page.push_back(std::move(i));
  }
  out.reservations = Reservations(std::move(page));
  return out;
}

// ---- Start / Stop / Terminate ------------------------------------------------------------------

Result<std::vector<StateChange>> InstanceService::ChangeStates(
    const Caller& caller, const std::vector<std::string>& instance_ids, Move move, bool dry_run) {
  if (instance_ids.empty()) return Missing("InstanceId");
  std::vector<std::string> ids;
  for (const auto& id : instance_ids) {
    if (!IsValidInstanceId(id)) return MalformedInstanceId(id);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  const TimePoint now = clock_.Now();
  const std::string& owner = caller.account.account_id;
  // Ends the transaction without writing when the call only checks.
  const Status dry_run_done(ErrorCode::kInternal, "dry run: nothing to write");
  std::vector<StateChange> changes;
  Status st = store_.UpdateInstances(caller.region, ids, [&](std::vector<Instance>& found) -> Status {
    changes.clear();
    std::vector<std::string> missing;
    std::map<std::string, Instance*> by_id;
    for (auto& i : found) {
      i = Settle(std::move(i), now, options_.settle_delay);
      if (i.owner_account_id == owner && ListedAt(i, now)) by_id[i.instance_id] = &i;
    }
    for (const auto& id : ids) {
      if (by_id.count(id) == 0) missing.push_back(id);
    }
    if (!missing.empty()) return InstancesNotFound(missing);
    for (const auto& id : ids) {
      Instance& i = *by_id[id];
      std::optional<StateChange> change;
      switch (move) {
        case Move::kStart:
          change = StartInstance(i, now);
          if (!change) return Incorrect(id, "started");
          break;
        case Move::kStop:
          change = StopInstance(i, now);
          if (!change) return Incorrect(id, "stopped");
          break;
        case Move::kTerminate:
          change = TerminateInstance(i, now);
          break;
      }
      changes.push_back(*change);
    }
    return dry_run ? dry_run_done : Status::Ok();
  });
  if (dry_run && st.code() == dry_run_done.code() && st.message() == dry_run_done.message()) {
    return changes;
  }
  AMIPLACE_RETURN_IF_ERROR(st);
  return changes;
}

Result<std::vector<StateChange>> InstanceService::StartInstances(
    const Caller& caller, const std::vector<std::string>& ids, bool dry_run) {
  return ChangeStates(caller, ids, Move::kStart, dry_run);
}

Result<std::vector<StateChange>> InstanceService::StopInstances(
    const Caller& caller, const std::vector<std::string>& ids, bool dry_run) {
  return ChangeStates(caller, ids, Move::kStop, dry_run);
}

Result<std::vector<StateChange>> InstanceService::TerminateInstances(
    const Caller& caller, const std::vector<std::string>& ids, bool dry_run) {
  return ChangeStates(caller, ids, Move::kTerminate, dry_run);
}

// ---- CreateImage -------------------------------------------------------------------------------

Result<Image> InstanceService::CreateImage(const Caller& caller, const CreateImageInput& in,
                                           bool dry_run) {
  if (!in.instance_id) return Missing("InstanceId");
  if (!in.name) return Missing("Name");
  if (!IsValidInstanceId(*in.instance_id)) return MalformedInstanceId(*in.instance_id);
  if (!IsValidImageName(*in.name)) {
    return Ec2Error(ErrorCode::kValidation, "InvalidAMIName.Malformed", kImageNameRule);
  }
  if (in.description && CodePoints(*in.description) > kMaxDescription) {
    return InvalidValue(
        fmt::format("AMI descriptions must be at most {} characters long", kMaxDescription));
  }
  const TimePoint now = clock_.Now();
  AMIPLACE_ASSIGN_OR_RETURN(auto stored, store_.GetInstance(*in.instance_id));
  if (!stored || stored->region != caller.region ||
      stored->owner_account_id != caller.account.account_id) {
    return InstancesNotFound({*in.instance_id});
  }
  const Instance instance = Settle(std::move(*stored), now, options_.settle_delay);
  if (!ListedAt(instance, now)) return InstancesNotFound({*in.instance_id});
  if (instance.state != InstanceState::kRunning && instance.state != InstanceState::kStopped) {
    return Incorrect(instance.instance_id, "imaged");
  }

  Image image;
  AMIPLACE_ASSIGN_OR_RETURN(auto source, store_.GetImage(instance.region, instance.image_id));
  if (source) image = *source;
  image.image_id = NewImageId();
  image.region = instance.region;
  image.owner_account_id = caller.account.account_id;
  image.owner_alias.clear();
  image.name = *in.name;
  image.description = in.description.value_or("");
  image.architecture = instance.architecture;
  image.virtualization_type = instance.virtualization_type;
  image.root_device_type = "ebs";
  if (image.root_device_name.empty()) image.root_device_name = instance.root_device_name;
  for (auto& m : image.block_device_mappings) {
    if (m.ebs) m.ebs->snapshot_id = NewSnapshotId();
  }
  image.state = std::string(kImageStateAvailable);
  image.creation_date = now;
  image.product_codes = instance.product_codes;  // the seed's propagation rule
  image.source_image_id.clear();
  image.source_image_region.clear();

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
  ImageLineage lineage{image.image_id, instance.instance_id, instance.product_id,
                       instance.version_id};
  AMIPLACE_ASSIGN_OR_RETURN(ImageStore::PutOutcome put, store_.PutImageFromInstance(image, lineage));
  if (!put.written) return duplicate(put.name_taken_by);
  return image;
}

Result<std::optional<Instance>> InstanceService::InstanceAt(std::string_view ip) {
  AMIPLACE_ASSIGN_OR_RETURN(auto stored, store_.FindInstanceByPrivateIp(ip));
  if (!stored) return std::optional<Instance>();
  Instance settled = Settle(std::move(*stored), clock_.Now(), options_.settle_delay);
  if (settled.private_ip.empty() || settled.state == InstanceState::kShuttingDown ||
      settled.state == InstanceState::kTerminated) {
    return std::optional<Instance>();
  }
  return std::optional<Instance>(std::move(settled));
}

Result<std::vector<Instance>> InstanceService::ListOwnInstances(const Caller& caller) {
  const std::string& owner = caller.account.account_id;
  AMIPLACE_ASSIGN_OR_RETURN(auto log, store_.ListInstanceStateLog(owner));
  std::set<std::string> regions;
  for (const auto& row : log) regions.insert(row.region);
  const TimePoint now = clock_.Now();
  const TimePoint cutoff = now - kTerminatedVisibleFor - options_.settle_delay;
  std::vector<Instance> out;
  for (const auto& region : regions) {
    AMIPLACE_ASSIGN_OR_RETURN(auto stored, store_.ListInstances(region, owner, cutoff));
    for (auto& i : stored) {
      Instance settled = Settle(std::move(i), now, options_.settle_delay);
      if (ListedAt(settled, now)) out.push_back(std::move(settled));
    }
  }
  return out;
}

}  // namespace amiplace
