#include "protocols/ec2/instance_xml.h"

namespace amiplace::protocols::ec2 {

namespace {

void WriteState(XmlWriter& xml, std::string_view tag, InstanceState state) {
  xml.Open(tag);
  xml.Int("code", InstanceStateCode(state));
  xml.Text("name", InstanceStateName(state));
  xml.Close();
}

}  // namespace

void WriteInstanceItem(XmlWriter& xml, const Instance& i) {
  xml.Open("item");
  xml.Text("instanceId", i.instance_id);
  xml.Text("imageId", i.image_id);
  WriteState(xml, "instanceState", i.state);
  xml.Text("privateDnsName", PrivateDnsName(i.region, i.private_ip));
  xml.Text("dnsName", "");
  xml.Text("reason", i.state_transition_reason);
  xml.TextIfSet("keyName", i.key_name);
  xml.Int("amiLaunchIndex", i.ami_launch_index);
  xml.Open("productCodes");
  for (const auto& pc : i.product_codes) {
    xml.Open("item").Text("productCode", pc.product_code_id).Text("type", pc.product_code_type);
    xml.Close();
  }
  xml.Close();
  xml.Text("instanceType", i.instance_type);
  xml.Text("launchTime", FormatIso8601Millis(i.launch_time));
  xml.Open("placement");
  xml.Text("availabilityZone", i.region + "a");
  xml.Text("groupName", "");
  xml.Text("tenancy", "default");
  xml.Close();
  xml.Open("monitoring").Text("state", "disabled").Close();
  xml.TextIfSet("privateIpAddress", i.private_ip);
  xml.Open("groupSet").Close();
  if (!i.state_reason_code.empty()) {
    xml.Open("stateReason");
    xml.Text("code", i.state_reason_code);
    xml.Text("message", i.state_reason_code + ": User initiated shutdown");
    xml.Close();
  }
  xml.Text("architecture", i.architecture);
  xml.Text("rootDeviceType", "ebs");
  xml.TextIfSet("rootDeviceName", i.root_device_name);
  xml.Open("blockDeviceMapping").Close();
  xml.Text("virtualizationType", i.virtualization_type);
  xml.TextIfSet("clientToken", i.client_token);
  if (!i.tags.empty()) {
    xml.Open("tagSet");
    for (const auto& t : i.tags) xml.Open("item").Text("key", t.key).Text("value", t.value).Close();
    xml.Close();
  }
  xml.Text("hypervisor", "xen");
  xml.Bool("ebsOptimized", false);
  xml.Text("platformDetails", "Linux/UNIX");
  xml.Text("usageOperation", "RunInstances");
  // The metadata service answers IMDSv1 and IMDSv2 (CONTRACT §6): tokens are optional.
  xml.Open("metadataOptions");
  xml.Text("state", "applied");
  xml.Text("httpTokens", "optional");
  xml.Int("httpPutResponseHopLimit", 1);
  xml.Text("httpEndpoint", "enabled");
  xml.Text("httpProtocolIpv6", "disabled");
  xml.Text("instanceMetadataTags", "disabled");
  xml.Close();
  xml.Close();
}

void WriteReservationMembers(XmlWriter& xml, const Reservation& r) {
  xml.Text("reservationId", r.reservation_id);
  xml.Text("ownerId", r.owner_account_id);
  xml.Open("groupSet").Close();
  xml.Open("instancesSet");
  for (const auto& i : r.instances) WriteInstanceItem(xml, i);
  xml.Close();
}

void WriteStateChangeItem(XmlWriter& xml, const StateChange& change) {
  xml.Open("item");
  xml.Text("instanceId", change.instance_id);
  WriteState(xml, "currentState", change.current);
  WriteState(xml, "previousState", change.previous);
  xml.Close();
}

}  // namespace amiplace::protocols::ec2
