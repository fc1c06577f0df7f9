#include "protocols/ec2/image_xml.h"

namespace amiplace::protocols::ec2 {

namespace {

// EC2's platform details for a Linux image (amiplace registers no Windows images).
constexpr std::string_view kPlatformDetails = "Linux/UNIX";
constexpr std::string_view kUsageOperation = "RunInstances";

}  // namespace

void WriteBlockDeviceMappingItem(XmlWriter& xml, const BlockDeviceMapping& m) {
  xml.Open("item");
  xml.Text("deviceName", m.device_name);
  xml.TextIfSet("virtualName", m.virtual_name);
  if (m.no_device) xml.Text("noDevice", "");
  if (m.ebs) {
    const EbsBlockDevice& e = *m.ebs;
    xml.Open("ebs");
    xml.TextIfSet("snapshotId", e.snapshot_id);
    if (e.volume_size) xml.Int("volumeSize", *e.volume_size);
    xml.Bool("deleteOnTermination", e.delete_on_termination);
    xml.Text("volumeType", e.volume_type);
    if (e.iops) xml.Int("iops", *e.iops);
    if (e.throughput) xml.Int("throughput", *e.throughput);
    xml.Bool("encrypted", e.encrypted);
    xml.Close();
  }
  xml.Close();
}

void WriteImageItem(XmlWriter& xml, const Image& image) {
  xml.Open("item");
  xml.Text("imageId", image.image_id);
  // EC2 shows "<owner alias or ID>/<name>" for an EBS-backed image.
  xml.Text(
      "imageLocation",
      (image.owner_alias.empty() ? image.owner_account_id : image.owner_alias) + "/" + image.name);
  xml.Text("imageState", image.state);
  xml.Text("imageOwnerId", image.owner_account_id);
  xml.Text("creationDate", FormatIso8601Millis(image.creation_date));
  xml.Bool("isPublic", image.IsPublic());
  if (!image.product_codes.empty()) {
    xml.Open("productCodes");
    for (const auto& pc : image.product_codes) {
      xml.Open("item").Text("productCode", pc.product_code_id).Text("type", pc.product_code_type);
      xml.Close();
    }
    xml.Close();
  }
  xml.Text("architecture", image.architecture);
  xml.Text("imageType", "machine");
  xml.TextIfSet("imageOwnerAlias", image.owner_alias);
  xml.Text("name", image.name);
  xml.TextIfSet("description", image.description);
  xml.Text("rootDeviceType", image.root_device_type);
  xml.TextIfSet("rootDeviceName", image.root_device_name);
  xml.Open("blockDeviceMapping");
  for (const auto& m : image.block_device_mappings) WriteBlockDeviceMappingItem(xml, m);
  xml.Close();
  xml.Text("virtualizationType", image.virtualization_type);
  xml.Text("hypervisor", "xen");
  xml.Bool("enaSupport", image.ena_support);
  xml.TextIfSet("sriovNetSupport", image.sriov_net_support);
  xml.TextIfSet("bootMode", image.boot_mode);
  xml.TextIfSet("tpmSupport", image.tpm_support);
  xml.TextIfSet("imdsSupport", image.imds_support);
  xml.Text("platformDetails", kPlatformDetails);
  xml.Text("usageOperation", kUsageOperation);
  xml.TextIfSet("sourceImageId", image.source_image_id);
  xml.TextIfSet("sourceImageRegion", image.source_image_region);
  xml.TextIfSet("deprecationTime", image.deprecation_time);
  xml.Close();
}

void WriteImageAttribute(XmlWriter& xml, const Image& image, std::string_view attribute) {
  // An attribute with a value: <attr><value>v</value></attr>; without one, <attr/>.
  auto value = [&](std::string_view tag, std::string_view v) {
    xml.Open(tag);
    xml.TextIfSet("value", v);
    xml.Close();
  };
  if (attribute == "productCodes") {
    xml.Open("productCodes");
    for (const auto& pc : image.product_codes) {
      xml.Open("item").Text("productCode", pc.product_code_id).Text("type", pc.product_code_type);
      xml.Close();
    }
    xml.Close();
  } else if (attribute == "launchPermission") {
    xml.Open("launchPermission");
    if (image.IsPublic()) xml.Open("item").Text("group", "all").Close();
    xml.Close();
  } else if (attribute == "blockDeviceMapping") {
    xml.Open("blockDeviceMapping");
    for (const auto& m : image.block_device_mappings) WriteBlockDeviceMappingItem(xml, m);
    xml.Close();
  } else if (attribute == "description") {
    value("description", image.description);
  } else if (attribute == "kernel" || attribute == "ramdisk" || attribute == "uefiData" ||
             attribute == "lastLaunchedTime") {
    value(attribute, "");
  } else if (attribute == "sriovNetSupport") {
    value("sriovNetSupport", image.sriov_net_support);
  } else if (attribute == "bootMode") {
    value("bootMode", image.boot_mode);
  } else if (attribute == "tpmSupport") {
    value("tpmSupport", image.tpm_support);
  } else if (attribute == "imdsSupport") {
    value("imdsSupport", image.imds_support);
  } else if (attribute == "deregistrationProtection") {
    value("deregistrationProtection", "disabled");
  }
}

}  // namespace amiplace::protocols::ec2
