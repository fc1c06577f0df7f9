#include "protocols/ec2/ec2_api.h"

#include <strings.h>

#include <algorithm>
#include <array>
#include <span>

#include "app/ec2_error.h"
#include "protocols/ec2/form.h"
#include "protocols/ec2/image_xml.h"
#include "protocols/ec2/instance_xml.h"
#include "protocols/ec2/xml_writer.h"

namespace amiplace::protocols {

namespace {

using ec2::Params;
using ec2::XmlWriter;

constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded";

// ---- binding helpers ----------------------------------------------------------------------------

Status Unknown(std::string_view name) {
  return Ec2Error(ErrorCode::kValidation, "UnknownParameter",
                  fmt::format("The parameter {} is not recognized", name));
}

Status Missing(std::string_view name) {
  return Ec2Error(ErrorCode::kValidation, "MissingParameter",
                  fmt::format("The request must contain the parameter {}", name));
}

std::optional<std::string> String(const Params& p, std::string_view name) {
  const std::string* v = p.Find(name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

Result<std::optional<bool>> Bool(const Params& p, std::string_view name) {
  const std::string* v = p.Find(name);
  if (v == nullptr) return std::optional<bool>();
  if (strcasecmp(v->c_str(), "true") == 0) return std::optional<bool>(true);
  if (strcasecmp(v->c_str(), "false") == 0) return std::optional<bool>(false);
  return Ec2Error(
      ErrorCode::kValidation, "InvalidParameterValue",
      fmt::format("Value ({}) for parameter {} is invalid. Expected: 'true' or 'false'.", *v,
                  name));
}

Result<std::optional<int64_t>> Int(const Params& p, std::string_view name) {
  const std::string* v = p.Find(name);
  if (v == nullptr) return std::optional<int64_t>();
  std::string_view s = *v;
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 15 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Ec2Error(
        ErrorCode::kValidation, "InvalidParameterValue",
        fmt::format("Value ({}) for parameter {} is invalid. Expected an integer.", *v, name));
  }
  int64_t n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return std::optional<int64_t>(negative ? -n : n);
}

// Every parameter must be one the action knows (its name up to the first '.').
Status CheckKnown(const Params& p, std::span<const std::string_view> allowed) {
  for (const auto& [name, value] : p.all()) {
    std::string_view top = std::string_view(name).substr(0, name.find('.'));
    if (top == "Action" || top == "Version" || top == "DryRun") continue;
    if (std::find(allowed.begin(), allowed.end(), top) == allowed.end()) return Unknown(name);
  }
  return Status::Ok();
}

// Every parameter under `prefix` + "." must be one of `members`.
Status CheckMembers(const Params& p, std::string_view prefix,
                    std::span<const std::string_view> members) {
  const std::string start = std::string(prefix) + ".";
  for (auto it = p.all().lower_bound(start); it != p.all().end() && it->first.starts_with(start);
       ++it) {
    std::string_view member = std::string_view(it->first).substr(start.size());
    if (std::find(members.begin(), members.end(), member) == members.end()) {
      return Unknown(it->first);
    }
  }
  return Status::Ok();
}

Status DryRunSucceeded() {
  return Ec2Error(ErrorCode::kValidation, "DryRunOperation",
                  "Request would have succeeded, but DryRun flag is set.");
}

XmlWriter StartResponse(std::string_view action, std::string_view request_id) {
  XmlWriter xml;
  xml.Open(fmt::format("{}Response", action), ec2::kEc2Namespace);
  xml.Text("requestId", request_id);
  return xml;
}

// ---- RegisterImage -----------------------------------------------------------------------------

constexpr std::array<std::string_view, 17> kRegisterImageParams = {
    "Name",           "Description",        "Architecture",    "VirtualizationType",
    "RootDeviceName", "BlockDeviceMapping", "EnaSupport",      "BootMode",
    "ImdsSupport",    "TpmSupport",         "SriovNetSupport", "ImageLocation",
    "BillingProduct", "KernelId",           "RamdiskId",       "TagSpecification",
    "UefiData"};

// Members of BlockDeviceMapping.N; the EBS members after SnapshotId … Throughput are accepted
// and not kept (amiplace has no KMS keys, Outposts or zones).
constexpr std::array<std::string_view, 16> kMappingMembers = {"DeviceName",
                                                              "VirtualName",
                                                              "NoDevice",
                                                              "Ebs.SnapshotId",
                                                              "Ebs.VolumeSize",
                                                              "Ebs.VolumeType",
                                                              "Ebs.DeleteOnTermination",
                                                              "Ebs.Encrypted",
                                                              "Ebs.Iops",
                                                              "Ebs.Throughput",
                                                              "Ebs.KmsKeyId",
                                                              "Ebs.OutpostArn",
                                                              "Ebs.AvailabilityZone",
                                                              "Ebs.AvailabilityZoneId",
                                                              "Ebs.VolumeInitializationRate",
                                                              "Ebs.EbsCardIndex"};

Result<BlockDeviceMapping> BindMapping(const Params& p, int n) {
  const std::string prefix = fmt::format("BlockDeviceMapping.{}", n);
  AMIPLACE_RETURN_IF_ERROR(CheckMembers(p, prefix, kMappingMembers));
  auto name = [&](std::string_view member) { return fmt::format("{}.{}", prefix, member); };
  BlockDeviceMapping m;
  m.device_name = String(p, name("DeviceName")).value_or("");
  m.virtual_name = String(p, name("VirtualName")).value_or("");
  m.no_device = p.Has(name("NoDevice"));
  const std::string ebs_prefix = name("Ebs.");
  auto first = p.all().lower_bound(ebs_prefix);
  if (first != p.all().end() && first->first.starts_with(ebs_prefix)) {
    EbsBlockDevice e;
    e.snapshot_id = String(p, name("Ebs.SnapshotId")).value_or("");
    AMIPLACE_ASSIGN_OR_RETURN(e.volume_size, Int(p, name("Ebs.VolumeSize")));
    if (auto t = String(p, name("Ebs.VolumeType"))) e.volume_type = *t;
    AMIPLACE_ASSIGN_OR_RETURN(auto delete_on_termination, Bool(p, name("Ebs.DeleteOnTermination")));
    e.delete_on_termination = delete_on_termination.value_or(true);
    AMIPLACE_ASSIGN_OR_RETURN(auto encrypted, Bool(p, name("Ebs.Encrypted")));
    e.encrypted = encrypted.value_or(false);
    AMIPLACE_ASSIGN_OR_RETURN(e.iops, Int(p, name("Ebs.Iops")));
    AMIPLACE_ASSIGN_OR_RETURN(e.throughput, Int(p, name("Ebs.Throughput")));
    m.ebs = std::move(e);
  }
  return m;
}

Result<std::string> RegisterImage(ImageService& images, const Params& p, const Caller& caller,
                                  std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kRegisterImageParams));
  RegisterImageInput in;
  in.name = String(p, "Name");
  in.description = String(p, "Description");
  in.architecture = String(p, "Architecture");
  in.virtualization_type = String(p, "VirtualizationType");
  in.root_device_name = String(p, "RootDeviceName");
  AMIPLACE_ASSIGN_OR_RETURN(in.ena_support, Bool(p, "EnaSupport"));
  in.boot_mode = String(p, "BootMode");
  in.imds_support = String(p, "ImdsSupport");
  in.tpm_support = String(p, "TpmSupport");
  in.sriov_net_support = String(p, "SriovNetSupport");
  in.image_location = String(p, "ImageLocation");
  AMIPLACE_ASSIGN_OR_RETURN(in.billing_products, p.List("BillingProduct"));
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<int> mappings, p.Indices("BlockDeviceMapping"));
  for (int n : mappings) {
    AMIPLACE_ASSIGN_OR_RETURN(BlockDeviceMapping m, BindMapping(p, n));
    in.block_device_mappings.push_back(std::move(m));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(Image image, images.RegisterImage(caller, in, dry_run.value_or(false)));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("RegisterImage", request_id);
  xml.Text("imageId", image.image_id);
  return xml.Finish();
}

// ---- DescribeImages ----------------------------------------------------------------------------

constexpr std::array<std::string_view, 8> kDescribeImagesParams = {
    "ImageId",    "Owner",     "ExecutableBy",      "Filter",
    "MaxResults", "NextToken", "IncludeDeprecated", "IncludeDisabled"};

Result<std::vector<ImageFilter>> BindFilters(const Params& p) {
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<int> indices, p.Indices("Filter"));
  std::vector<ImageFilter> filters;
  for (int n : indices) {
    const std::string prefix = fmt::format("Filter.{}", n);
    const std::string start = prefix + ".";
    for (auto it = p.all().lower_bound(start); it != p.all().end() && it->first.starts_with(start);
         ++it) {
      std::string_view member = std::string_view(it->first).substr(start.size());
      if (member != "Name" && !member.starts_with("Value.")) return Unknown(it->first);
    }
    ImageFilter f;
    const std::string* name = p.Find(prefix + ".Name");
    if (name == nullptr) return Missing(prefix + ".Name");
    f.name = *name;
    AMIPLACE_ASSIGN_OR_RETURN(f.values, p.List(prefix + ".Value"));
    filters.push_back(std::move(f));
  }
  return filters;
}

Result<std::string> DescribeImages(ImageService& images, const Params& p, const Caller& caller,
                                   std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kDescribeImagesParams));
  DescribeImagesInput in;
  AMIPLACE_ASSIGN_OR_RETURN(in.image_ids, p.List("ImageId"));
  AMIPLACE_ASSIGN_OR_RETURN(in.owners, p.List("Owner"));
  AMIPLACE_ASSIGN_OR_RETURN(in.executable_users, p.List("ExecutableBy"));
  AMIPLACE_ASSIGN_OR_RETURN(in.filters, BindFilters(p));
  AMIPLACE_ASSIGN_OR_RETURN(in.max_results, Int(p, "MaxResults"));
  in.next_token = String(p, "NextToken").value_or("");
  // Deprecated and disabled images: amiplace has none, so both flags change nothing.
  AMIPLACE_ASSIGN_OR_RETURN(auto include_deprecated, Bool(p, "IncludeDeprecated"));
  AMIPLACE_ASSIGN_OR_RETURN(auto include_disabled, Bool(p, "IncludeDisabled"));
  (void)include_deprecated;
  (void)include_disabled;
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(DescribeImagesOutput out, images.DescribeImages(caller, in));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("DescribeImages", request_id);
  xml.Open("imagesSet");
  for (const auto& image : out.images) ec2::WriteImageItem(xml, image);
  xml.Close();
  xml.TextIfSet("nextToken", out.next_token);
  return xml.Finish();
}

// ---- DeregisterImage ---------------------------------------------------------------------------

constexpr std::array<std::string_view, 2> kDeregisterImageParams = {"ImageId",
                                                                    "DeleteAssociatedSnapshots"};

Result<std::string> DeregisterImage(ImageService& images, const Params& p, const Caller& caller,
                                    std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kDeregisterImageParams));
  const std::string* image_id = p.Find("ImageId");
  if (image_id == nullptr) return Missing("ImageId");
  // amiplace keeps no snapshots, so there are none to delete.
  AMIPLACE_ASSIGN_OR_RETURN(auto delete_snapshots, Bool(p, "DeleteAssociatedSnapshots"));
  (void)delete_snapshots;
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_RETURN_IF_ERROR(images.DeregisterImage(caller, *image_id, dry_run.value_or(false)));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("DeregisterImage", request_id);
  xml.Bool("return", true);
  return xml.Finish();
}

// ---- DescribeImageAttribute --------------------------------------------------------------------

constexpr std::array<std::string_view, 2> kDescribeImageAttributeParams = {"ImageId", "Attribute"};

Result<std::string> DescribeImageAttribute(ImageService& images, const Params& p,
                                           const Caller& caller, std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kDescribeImageAttributeParams));
  const std::string image_id = String(p, "ImageId").value_or("");
  const std::string attribute = String(p, "Attribute").value_or("");
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(Image image, images.DescribeImageAttribute(caller, image_id, attribute));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("DescribeImageAttribute", request_id);
  xml.Text("imageId", image.image_id);
  ec2::WriteImageAttribute(xml, image, attribute);
  return xml.Finish();
}

// ---- instances ---------------------------------------------------------------------------------

// TagSpecification.N: ResourceType and Tag.M.Key / Tag.M.Value.
Result<std::vector<TagSpecification>> BindTagSpecifications(const Params& p) {
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<int> indices, p.Indices("TagSpecification"));
  std::vector<TagSpecification> specs;
  for (int n : indices) {
    const std::string prefix = fmt::format("TagSpecification.{}", n);
    const std::string start = prefix + ".";
    for (auto it = p.all().lower_bound(start); it != p.all().end() && it->first.starts_with(start);
         ++it) {
      std::string_view member = std::string_view(it->first).substr(start.size());
      if (member != "ResourceType" && !member.starts_with("Tag.")) return Unknown(it->first);
    }
    TagSpecification spec;
    spec.resource_type = String(p, prefix + ".ResourceType").value_or("");
    AMIPLACE_ASSIGN_OR_RETURN(std::vector<int> tags, p.Indices(prefix + ".Tag"));
    for (int m : tags) {
      const std::string tag = fmt::format("{}.Tag.{}", prefix, m);
      constexpr std::array<std::string_view, 2> kTagMembers = {"Key", "Value"};
      AMIPLACE_RETURN_IF_ERROR(CheckMembers(p, tag, kTagMembers));
      const std::string* key = p.Find(tag + ".Key");
      if (key == nullptr) return Missing(tag + ".Key");
      spec.tags.push_back({*key, String(p, tag + ".Value").value_or("")});
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

// RunInstances' parameters. Those after PrivateIpAddress are accepted and have no effect:
// amiplace runs no virtual machine, so there are no networks, disks, keys or user data to apply
// them to (docs/EC2.md).
constexpr std::array<std::string_view, 43> kRunInstancesParams = {
    "ImageId", "InstanceType", "MinCount", "MaxCount", "TagSpecification", "KeyName",
    "ClientToken", "PrivateIpAddress", "LaunchTemplate",
    "SecurityGroupId", "SecurityGroup", "SubnetId", "UserData", "Placement", "Monitoring",
    "IamInstanceProfile", "EbsOptimized", "BlockDeviceMapping", "DisableApiTermination",
    "DisableApiStop", "InstanceInitiatedShutdownBehavior", "MetadataOptions",
    "CreditSpecification", "AdditionalInfo", "NetworkInterface", "CpuOptions",
    "HibernationOptions", "MaintenanceOptions", "PrivateDnsNameOptions", "EnclaveOptions",
    "CapacityReservationSpecification", "KernelId", "RamdiskId", "LicenseSpecification",
    "Ipv6AddressCount", "Ipv6Address", "EnablePrimaryIpv6", "NetworkPerformanceOptions",
    "InstanceMarketOptions", "ElasticGpuSpecification", "ElasticInferenceAccelerator",
    "Operator", "SecondaryInterface"};

Result<std::string> RunInstances(InstanceService& instances, const Params& p,
                                 const Caller& caller, std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kRunInstancesParams));
  if (auto lt = p.all().lower_bound("LaunchTemplate.");
      lt != p.all().end() && lt->first.starts_with("LaunchTemplate.")) {
    return Ec2Error(ErrorCode::kValidation, "UnsupportedOperation",
                    "amiplace keeps no launch templates; give ImageId and InstanceType instead");
  }
  RunInstancesInput in;
  in.image_id = String(p, "ImageId");
  in.instance_type = String(p, "InstanceType");
  AMIPLACE_ASSIGN_OR_RETURN(in.min_count, Int(p, "MinCount"));
  AMIPLACE_ASSIGN_OR_RETURN(in.max_count, Int(p, "MaxCount"));
  AMIPLACE_ASSIGN_OR_RETURN(in.tag_specifications, BindTagSpecifications(p));
  in.key_name = String(p, "KeyName").value_or("");
  in.client_token = String(p, "ClientToken").value_or("");
  in.private_ip_address = String(p, "PrivateIpAddress");
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(Reservation r,
                            instances.RunInstances(caller, in, dry_run.value_or(false)));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("RunInstances", request_id);
  ec2::WriteReservationMembers(xml, r);
  return xml.Finish();
}

constexpr std::array<std::string_view, 5> kDescribeInstancesParams = {
    "InstanceId", "Filter", "MaxResults", "NextToken", "IncludeManagedResources"};

Result<std::string> DescribeInstances(InstanceService& instances, const Params& p,
                                      const Caller& caller, std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kDescribeInstancesParams));
  DescribeInstancesInput in;
  AMIPLACE_ASSIGN_OR_RETURN(in.instance_ids, p.List("InstanceId"));
  AMIPLACE_ASSIGN_OR_RETURN(in.filters, BindFilters(p));
  AMIPLACE_ASSIGN_OR_RETURN(in.max_results, Int(p, "MaxResults"));
  in.next_token = String(p, "NextToken").value_or("");
  // amiplace has no instances managed by other services, so the flag changes nothing.
  AMIPLACE_ASSIGN_OR_RETURN(auto managed, Bool(p, "IncludeManagedResources"));
  (void)managed;
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(DescribeInstancesOutput out, instances.DescribeInstances(caller, in));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("DescribeInstances", request_id);
  xml.Open("reservationSet");
  for (const auto& r : out.reservations) {
    xml.Open("item");
    ec2::WriteReservationMembers(xml, r);
    xml.Close();
  }
  xml.Close();
  xml.TextIfSet("nextToken", out.next_token);
  return xml.Finish();
}

// StartInstances, StopInstances, TerminateInstances: InstanceId.N, and flags that change nothing
// here (a stop is always quick and clean: there is no operating system to shut down).
using StateChangeFn = Result<std::vector<StateChange>> (InstanceService::*)(
    const Caller&, const std::vector<std::string>&, bool);

Result<std::string> ChangeStates(InstanceService& instances, const Params& p,
                                 const Caller& caller, std::string_view request_id,
                                 std::string_view action, StateChangeFn fn,
                                 std::span<const std::string_view> known,
                                 std::span<const std::string_view> flags) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, known));
  for (std::string_view flag : flags) {
    AMIPLACE_ASSIGN_OR_RETURN(auto value, Bool(p, flag));
    (void)value;
  }
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<std::string> ids, p.List("InstanceId"));
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<StateChange> changes,
                            (instances.*fn)(caller, ids, dry_run.value_or(false)));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse(action, request_id);
  xml.Open("instancesSet");
  for (const auto& c : changes) ec2::WriteStateChangeItem(xml, c);
  xml.Close();
  return xml.Finish();
}

constexpr std::array<std::string_view, 2> kStartParams = {"InstanceId", "AdditionalInfo"};
constexpr std::array<std::string_view, 4> kStopParams = {"InstanceId", "Hibernate", "Force",
                                                         "SkipOsShutdown"};
constexpr std::array<std::string_view, 2> kStopFlags = {"Hibernate", "Force"};
constexpr std::array<std::string_view, 3> kTerminateParams = {"InstanceId", "Force",
                                                              "SkipOsShutdown"};
constexpr std::array<std::string_view, 2> kTerminateFlags = {"Force", "SkipOsShutdown"};

Result<std::string> StartInstances(InstanceService& instances, const Params& p,
                                   const Caller& caller, std::string_view request_id) {
  return ChangeStates(instances, p, caller, request_id, "StartInstances",
                      &InstanceService::StartInstances, kStartParams, {});
}
Result<std::string> StopInstances(InstanceService& instances, const Params& p,
                                  const Caller& caller, std::string_view request_id) {
  return ChangeStates(instances, p, caller, request_id, "StopInstances",
                      &InstanceService::StopInstances, kStopParams, kStopFlags);
}
Result<std::string> TerminateInstances(InstanceService& instances, const Params& p,
                                       const Caller& caller, std::string_view request_id) {
  return ChangeStates(instances, p, caller, request_id, "TerminateInstances",
                      &InstanceService::TerminateInstances, kTerminateParams, kTerminateFlags);
}

// CreateImage: NoReboot, BlockDeviceMapping, TagSpecification and SnapshotLocation are accepted
// and have no effect (the new image copies the instance's image's disks; amiplace keeps no image
// tags).
constexpr std::array<std::string_view, 7> kCreateImageParams = {
    "InstanceId", "Name", "Description", "NoReboot", "BlockDeviceMapping", "TagSpecification",
    "SnapshotLocation"};

Result<std::string> CreateImage(InstanceService& instances, const Params& p, const Caller& caller,
                                std::string_view request_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckKnown(p, kCreateImageParams));
  CreateImageInput in;
  in.instance_id = String(p, "InstanceId");
  in.name = String(p, "Name");
  in.description = String(p, "Description");
  AMIPLACE_ASSIGN_OR_RETURN(auto no_reboot, Bool(p, "NoReboot"));
  (void)no_reboot;
  AMIPLACE_ASSIGN_OR_RETURN(auto tags, BindTagSpecifications(p));
  (void)tags;
  AMIPLACE_ASSIGN_OR_RETURN(auto dry_run, Bool(p, "DryRun"));
  AMIPLACE_ASSIGN_OR_RETURN(Image image,
                            instances.CreateImage(caller, in, dry_run.value_or(false)));
  if (dry_run.value_or(false)) return DryRunSucceeded();
  XmlWriter xml = StartResponse("CreateImage", request_id);
  xml.Text("imageId", image.image_id);
  return xml.Finish();
}

// ---- dispatch ----------------------------------------------------------------------------------

using ImageFn = Result<std::string> (*)(ImageService&, const Params&, const Caller&,
                                        std::string_view);
using InstanceFn = Result<std::string> (*)(InstanceService&, const Params&, const Caller&,
                                           std::string_view);
struct Action {
  std::string_view name;
  ImageFn image_fn = nullptr;
  InstanceFn instance_fn = nullptr;
};
constexpr std::array<Action, 10> kActions = {{
    {"RegisterImage", &RegisterImage, nullptr},
    {"DescribeImages", &DescribeImages, nullptr},
    {"DeregisterImage", &DeregisterImage, nullptr},
    {"DescribeImageAttribute", &DescribeImageAttribute, nullptr},
    {"RunInstances", nullptr, &RunInstances},
    {"DescribeInstances", nullptr, &DescribeInstances},
    {"StartInstances", nullptr, &StartInstances},
    {"StopInstances", nullptr, &StopInstances},
    {"TerminateInstances", nullptr, &TerminateInstances},
    {"CreateImage", nullptr, &CreateImage},
}};

// The request's parameters: the form body of a POST, the query of a GET (less SigV4's presigning
// parameters, which are not the action's).
Result<Params> ParamsOf(const http::Request& req) {
  if (req.method != "GET") return Params::Parse(req.body);
  std::string query;
  std::string_view q = req.Query();
  size_t pos = 0;
  while (pos <= q.size()) {
    size_t amp = q.find('&', pos);
    if (amp == std::string_view::npos) amp = q.size();
    std::string_view pair = q.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty() || pair.starts_with("X-Amz-")) continue;
    if (!query.empty()) query.push_back('&');
    query.append(pair);
  }
  return Params::Parse(query);
}

}  // namespace

bool Ec2Api::Matches(const http::Request& req) {
  if (req.Path() != "/" || !req.HeaderValue("X-Amz-Target").empty()) return false;
  if (req.method == "POST") {
    std::string_view type = req.HeaderValue("Content-Type");
    return type.size() >= kFormContentType.size() &&
           strncasecmp(type.data(), kFormContentType.data(), kFormContentType.size()) == 0;
  }
  if (req.method == "GET") {
    std::string_view q = req.Query();
    return q.starts_with("Action=") || q.find("&Action=") != std::string_view::npos;
  }
  return false;
}

bool Ec2Api::IsReadOnly(const http::Request& req) {
  auto params = ParamsOf(req);
  if (!params.ok()) return true;  // answered with an error at once
  const std::string* action = params->Find("Action");
  return action == nullptr || action->starts_with("Describe");
}

Result<std::string> Ec2Api::Handle(const http::Request& req, const Caller& caller,
                                   std::string_view request_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Params params, ParamsOf(req));
  const std::string* action = params.Find("Action");
  if (action == nullptr || action->empty()) {
    return Ec2Error(ErrorCode::kUnknownOperation, "MissingAction",
                    "The request must contain the parameter Action");
  }
  for (const auto& a : kActions) {
    if (a.name != *action) continue;
    if (a.image_fn != nullptr) return a.image_fn(images_, params, caller, request_id);
    if (instances_ != nullptr) return a.instance_fn(*instances_, params, caller, request_id);
    break;
  }
  return Ec2Error(ErrorCode::kUnknownOperation, "InvalidAction",
                  fmt::format("The action {} is not valid for this web service.", *action));
}

}  // namespace amiplace::protocols
