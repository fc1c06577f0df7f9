#include "domain/commerce/image.h"

#include <algorithm>
#include <array>

#include "core/crypto.h"

namespace amiplace {

namespace bj = boost::json;

namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool HexIdWithPrefix(std::string_view id, std::string_view prefix, size_t min, size_t max) {
  if (!id.starts_with(prefix)) return false;
  std::string_view hex = id.substr(prefix.size());
  return hex.size() >= min && hex.size() <= max && std::all_of(hex.begin(), hex.end(), IsLowerHex);
}

template <size_t N>
bool OneOf(std::string_view v, const std::array<std::string_view, N>& values) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// ---- JSON ---------------------------------------------------------------------------------------

std::string Str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool Bool(const bj::object& o, std::string_view key, bool fallback) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

std::optional<int64_t> Int(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

void PutOptional(bj::object& o, std::string_view key, const std::optional<int64_t>& v) {
  if (v) o[key] = *v;
}

bj::object MappingToJson(const BlockDeviceMapping& m) {
  bj::object o{{"DeviceName", m.device_name}};
  if (!m.virtual_name.empty()) o["VirtualName"] = m.virtual_name;
  if (m.no_device) o["NoDevice"] = true;
  if (m.ebs) {
    bj::object e{{"SnapshotId", m.ebs->snapshot_id},
                 {"VolumeType", m.ebs->volume_type},
                 {"DeleteOnTermination", m.ebs->delete_on_termination},
                 {"Encrypted", m.ebs->encrypted}};
    PutOptional(e, "VolumeSize", m.ebs->volume_size);
    PutOptional(e, "Iops", m.ebs->iops);
    PutOptional(e, "Throughput", m.ebs->throughput);
    o["Ebs"] = std::move(e);
  }
  return o;
}

BlockDeviceMapping MappingFromJson(const bj::object& o) {
  BlockDeviceMapping m;
  m.device_name = Str(o, "DeviceName");
  m.virtual_name = Str(o, "VirtualName");
  m.no_device = Bool(o, "NoDevice", false);
  if (const auto* e = o.if_contains("Ebs"); e != nullptr && e->is_object()) {
    const auto& eo = e->get_object();
    EbsBlockDevice ebs;
    ebs.snapshot_id = Str(eo, "SnapshotId");
    ebs.volume_type = Str(eo, "VolumeType");
    ebs.delete_on_termination = Bool(eo, "DeleteOnTermination", true);
    ebs.encrypted = Bool(eo, "Encrypted", false);
    ebs.volume_size = Int(eo, "VolumeSize");
    ebs.iops = Int(eo, "Iops");
    ebs.throughput = Int(eo, "Throughput");
    m.ebs = std::move(ebs);
  }
  return m;
}

}  // namespace

std::string NewImageId() { return "ami-" + crypto::Hex(crypto::RandomBytes(9)).substr(0, 17); }

bool IsValidImageId(std::string_view id) {
  return HexIdWithPrefix(id, "ami-", 8, 8) || HexIdWithPrefix(id, "ami-", 17, 17);
}

bool IsValidSnapshotId(std::string_view id) { return HexIdWithPrefix(id, "snap-", 8, 17); }

bool IsValidImageName(std::string_view name) {
  if (name.size() < 3 || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("()[] ./-'@_").find(c) != std::string_view::npos;
  });
}

bool IsValidArchitecture(std::string_view v) {
  static constexpr std::array<std::string_view, 5> kValues = {"i386", "x86_64", "arm64",
                                                              "x86_64_mac", "arm64_mac"};
  return OneOf(v, kValues);
}

bool IsValidVirtualizationType(std::string_view v) { return v == "hvm" || v == "paravirtual"; }

bool IsValidBootMode(std::string_view v) {
  return v == "legacy-bios" || v == "uefi" || v == "uefi-preferred";
}

bool IsValidVolumeType(std::string_view v) {
  static constexpr std::array<std::string_view, 7> kValues = {"standard", "io1", "io2", "gp2",
                                                              "sc1",      "st1", "gp3"};
  return OneOf(v, kValues);
}

Image CreateMarketplaceCopy(const Image& source, std::string_view region,
                            std::string_view product_code, std::string_view image_id,
                            TimePoint now) {
  Image copy = source;
  copy.image_id = std::string(image_id);
  copy.region = std::string(region);
  copy.owner_account_id = std::string(kMarketplaceAccountId);
  copy.owner_alias = std::string(kMarketplaceOwnerAlias);
  const size_t keep = 128 - 1 - copy.image_id.size();
  copy.name = source.name.substr(0, std::min(source.name.size(), keep)) + "-" + copy.image_id;
  copy.state = std::string(kImageStateAvailable);
  copy.creation_date = now;
  const bool has_code =
      std::any_of(copy.product_codes.begin(), copy.product_codes.end(),
                  [&](const auto& pc) { return pc.product_code_id == product_code; });
  if (!has_code) copy.product_codes.push_back({std::string(product_code), "marketplace"});
  copy.source_image_id = source.image_id;
  copy.source_image_region = source.region;
  return copy;
}

bj::object ImageToJson(const Image& image) {
  bj::array mappings;
  for (const auto& m : image.block_device_mappings) mappings.emplace_back(MappingToJson(m));
  bj::array codes;
  for (const auto& pc : image.product_codes) {
    codes.emplace_back(bj::object{{"ProductCodeId", pc.product_code_id},
                                  {"ProductCodeType", pc.product_code_type}});
  }
  return bj::object{
      {"ImageId", image.image_id},
      {"Region", image.region},
      {"OwnerId", image.owner_account_id},
      {"ImageOwnerAlias", image.owner_alias},
      {"Name", image.name},
      {"Description", image.description},
      {"Architecture", image.architecture},
      {"VirtualizationType", image.virtualization_type},
      {"RootDeviceName", image.root_device_name},
      {"RootDeviceType", image.root_device_type},
      {"BlockDeviceMappings", std::move(mappings)},
      {"EnaSupport", image.ena_support},
      {"BootMode", image.boot_mode},
      {"ImdsSupport", image.imds_support},
      {"TpmSupport", image.tpm_support},
      {"SriovNetSupport", image.sriov_net_support},
      {"State", image.state},
      {"CreationDate", ToEpochMillis(image.creation_date)},
      {"ProductCodes", std::move(codes)},
      {"SourceImageId", image.source_image_id},
      {"SourceImageRegion", image.source_image_region},
      {"DeprecationTime", image.deprecation_time},
  };
}

Result<Image> ImageFromJson(const bj::value& doc) {
  if (!doc.is_object()) return InternalError("a stored image is not a JSON object");
  const auto& o = doc.get_object();
  Image image;
  image.image_id = Str(o, "ImageId");
  if (image.image_id.empty()) return InternalError("a stored image has no ImageId");
  image.region = Str(o, "Region");
  image.owner_account_id = Str(o, "OwnerId");
  image.owner_alias = Str(o, "ImageOwnerAlias");
  image.name = Str(o, "Name");
  image.description = Str(o, "Description");
  image.architecture = Str(o, "Architecture");
  image.virtualization_type = Str(o, "VirtualizationType");
  image.root_device_name = Str(o, "RootDeviceName");
  image.root_device_type = Str(o, "RootDeviceType");
  if (const auto* m = o.if_contains("BlockDeviceMappings"); m != nullptr && m->is_array()) {
    for (const auto& item : m->get_array()) {
      if (item.is_object())
        image.block_device_mappings.push_back(MappingFromJson(item.get_object()));
    }
  }
  image.ena_support = Bool(o, "EnaSupport", false);
  image.boot_mode = Str(o, "BootMode");
  image.imds_support = Str(o, "ImdsSupport");
  image.tpm_support = Str(o, "TpmSupport");
  image.sriov_net_support = Str(o, "SriovNetSupport");
  image.state = Str(o, "State");
  image.creation_date = FromEpochMillis(Int(o, "CreationDate").value_or(0));
  if (const auto* c = o.if_contains("ProductCodes"); c != nullptr && c->is_array()) {
    for (const auto& item : c->get_array()) {
      if (!item.is_object()) continue;
      image.product_codes.push_back(
          {Str(item.get_object(), "ProductCodeId"), Str(item.get_object(), "ProductCodeType")});
    }
  }
  image.source_image_id = Str(o, "SourceImageId");
  image.source_image_region = Str(o, "SourceImageRegion");
  image.deprecation_time = Str(o, "DeprecationTime");
  return image;
}

}  // namespace amiplace
