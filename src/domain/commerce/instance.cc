#include "domain/commerce/instance.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "core/crypto.h"

namespace amiplace {

namespace bj = boost::json;

namespace {

constexpr std::array<InstanceState, 6> kStates = {
    InstanceState::kPending,    InstanceState::kRunning,  InstanceState::kShuttingDown,
    InstanceState::kTerminated, InstanceState::kStopping, InstanceState::kStopped};

constexpr std::string_view kUserInitiatedShutdown = "Client.UserInitiatedShutdown";

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::string RandomHexId(std::string_view prefix) {
  return std::string(prefix) + crypto::Hex(crypto::RandomBytes(9)).substr(0, 17);
}

// EC2's "reason" text: "User initiated (2024-01-31 12:34:56 GMT)".
std::string UserInitiated(TimePoint at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("User initiated ({:04}-{:02}-{:02} {:02}:{:02}:{:02} GMT)", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void Enter(Instance& i, InstanceState state, TimePoint at) {
  i.state = state;
  i.state_since = at;
}

bool UsableLastByte(uint32_t a) {
  const uint32_t last = a & 0xFFu;
  return last != 0 && last != 255;
}

std::string Str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

int64_t Int(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

}  // namespace

std::string_view InstanceStateName(InstanceState s) {
  switch (s) {
    case InstanceState::kPending: return "pending";
    case InstanceState::kRunning: return "running";
    case InstanceState::kShuttingDown: return "shutting-down";
    case InstanceState::kTerminated: return "terminated";
    case InstanceState::kStopping: return "stopping";
    case InstanceState::kStopped: return "stopped";
  }
  return "pending";
}

std::optional<InstanceState> ParseInstanceState(std::string_view name) {
  for (InstanceState s : kStates) {
    if (InstanceStateName(s) == name) return s;
  }
  return std::nullopt;
}

Instance Settle(Instance i, TimePoint now, Millis delay) {
  const TimePoint done = i.state_since + delay;
  if (now < done) return i;
  switch (i.state) {
    case InstanceState::kPending:
      Enter(i, InstanceState::kRunning, done);
      break;
    case InstanceState::kStopping:
      Enter(i, InstanceState::kStopped, done);
      break;
    case InstanceState::kShuttingDown:
      Enter(i, InstanceState::kTerminated, done);
      i.private_ip.clear();
      break;
    default:
      break;
  }
  return i;
}

bool ListedAt(const Instance& settled, TimePoint now) {
  return settled.state != InstanceState::kTerminated ||
         now < settled.state_since + kTerminatedVisibleFor;
}

std::optional<StateChange> StartInstance(Instance& i, TimePoint now) {
  StateChange change{i.instance_id, i.state, i.state};
  switch (i.state) {
    case InstanceState::kPending:
    case InstanceState::kRunning:
      return change;
    case InstanceState::kStopped:
      Enter(i, InstanceState::kPending, now);
      i.launch_time = now;
      i.state_transition_reason.clear();
      i.state_reason_code.clear();
      change.current = i.state;
      return change;
    default:
      return std::nullopt;
  }
}

std::optional<StateChange> StopInstance(Instance& i, TimePoint now) {
  StateChange change{i.instance_id, i.state, i.state};
  switch (i.state) {
    case InstanceState::kStopping:
    case InstanceState::kStopped:
      return change;
    case InstanceState::kPending:
    case InstanceState::kRunning:
      Enter(i, InstanceState::kStopping, now);
      i.state_transition_reason = UserInitiated(now);
      i.state_reason_code = std::string(kUserInitiatedShutdown);
      change.current = i.state;
      return change;
    default:
      return std::nullopt;
  }
}

std::optional<StateChange> TerminateInstance(Instance& i, TimePoint now) {
  StateChange change{i.instance_id, i.state, i.state};
  if (i.state == InstanceState::kShuttingDown || i.state == InstanceState::kTerminated) {
    return change;
  }
  Enter(i, InstanceState::kShuttingDown, now);
  i.state_transition_reason = UserInitiated(now);
  i.state_reason_code = std::string(kUserInitiatedShutdown);
  change.current = i.state;
  return change;
}

std::string NewInstanceId() { return RandomHexId("i-"); }
std::string NewReservationId() { return RandomHexId("r-"); }

bool IsValidInstanceId(std::string_view id) {
  if (!id.starts_with("i-")) return false;
  std::string_view hex = id.substr(2);
  return (hex.size() == 8 || hex.size() == 17) && std::all_of(hex.begin(), hex.end(), IsLowerHex);
}

// ---- private addresses -------------------------------------------------------------------------

std::string FormatIpv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xFFu, (a >> 8) & 0xFFu, a & 0xFFu);
}

std::optional<uint32_t> ParseIpv4(std::string_view dotted) {
  uint32_t out = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = dotted.find('.');
    if ((part < 3) != (end != std::string_view::npos)) return std::nullopt;
    if (end == std::string_view::npos) end = dotted.size();
    std::string_view digits = dotted.substr(0, end);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
      return std::nullopt;
    }
    uint32_t v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v > 255) return std::nullopt;
    out = (out << 8) | v;
    dotted.remove_prefix(part < 3 ? end + 1 : end);
  }
  return out;
}

uint32_t NextInstanceAddress(std::optional<uint32_t> previous) {
  if (!previous || *previous < kFirstInstanceAddress || *previous >= kLastInstanceAddress) {
    return kFirstInstanceAddress;
  }
  uint32_t a = *previous + 1;
  while (!UsableLastByte(a)) ++a;
  return a > kLastInstanceAddress ? kFirstInstanceAddress : a;
}

std::optional<uint32_t> FirstFreeInstanceAddress(uint32_t start,
                                                 const std::vector<uint32_t>& taken) {
  if (start < kFirstInstanceAddress || start > kLastInstanceAddress) start = kFirstInstanceAddress;
  while (!UsableLastByte(start)) ++start;
  // Scan [start, last], then [first, start): each run between taken addresses is free.
  auto scan = [&](uint32_t from, uint32_t to) -> std::optional<uint32_t> {
    uint32_t a = from;
    auto it = std::lower_bound(taken.begin(), taken.end(), a);
    while (a <= to) {
      if (!UsableLastByte(a)) {
        ++a;
        continue;
      }
      while (it != taken.end() && *it < a) ++it;
      if (it == taken.end() || *it != a) return a;
      ++a;
    }
    return std::nullopt;
  };
  if (auto a = scan(start, kLastInstanceAddress)) return a;
  if (start > kFirstInstanceAddress) return scan(kFirstInstanceAddress, start - 1);
  return std::nullopt;
}

std::string PrivateDnsName(std::string_view region, std::string_view ip) {
  if (ip.empty()) return "";
  std::string dashed(ip);
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  if (region == "us-east-1") return fmt::format("ip-{}.ec2.internal", dashed);
  return fmt::format("ip-{}.{}.compute.internal", dashed, region);
}

// ---- JSON --------------------------------------------------------------------------------------

bj::object InstanceToJson(const Instance& i) {
  bj::array codes;
  for (const auto& pc : i.product_codes) {
    codes.emplace_back(bj::object{{"ProductCodeId", pc.product_code_id},
                                  {"ProductCodeType", pc.product_code_type}});
  }
  bj::array tags;
  for (const auto& t : i.tags) tags.emplace_back(bj::object{{"Key", t.key}, {"Value", t.value}});
  return bj::object{
      {"InstanceId", i.instance_id},
      {"ReservationId", i.reservation_id},
      {"Region", i.region},
      {"OwnerId", i.owner_account_id},
      {"ImageId", i.image_id},
      {"InstanceType", i.instance_type},
      {"Architecture", i.architecture},
      {"VirtualizationType", i.virtualization_type},
      {"RootDeviceName", i.root_device_name},
      {"KeyName", i.key_name},
      {"AmiLaunchIndex", i.ami_launch_index},
      {"State", InstanceStateName(i.state)},
      {"StateSince", ToEpochMillis(i.state_since)},
      {"PrivateIpAddress", i.private_ip},
      {"ProductCodes", std::move(codes)},
      {"ProductId", i.product_id},
      {"SubscriptionId", i.subscription_id},
      {"VersionId", i.version_id},
      {"LaunchedAt", ToEpochMillis(i.launched_at)},
      {"LaunchTime", ToEpochMillis(i.launch_time)},
      {"StateTransitionReason", i.state_transition_reason},
      {"StateReasonCode", i.state_reason_code},
      {"ClientToken", i.client_token},
      {"Tags", std::move(tags)},
  };
}

Result<Instance> InstanceFromJson(const bj::value& doc) {
  if (!doc.is_object()) return InternalError("a stored instance is not a JSON object");
  const auto& o = doc.get_object();
  Instance i;
  i.instance_id = Str(o, "InstanceId");
  if (i.instance_id.empty()) return InternalError("a stored instance has no InstanceId");
  auto state = ParseInstanceState(Str(o, "State"));
  if (!state) return InternalError(fmt::format("stored instance {} has no valid State", i.instance_id));
  i.state = *state;
  i.reservation_id = Str(o, "ReservationId");
  i.region = Str(o, "Region");
  i.owner_account_id = Str(o, "OwnerId");
  i.image_id = Str(o, "ImageId");
  i.instance_type = Str(o, "InstanceType");
  i.architecture = Str(o, "Architecture");
  i.virtualization_type = Str(o, "VirtualizationType");
  i.root_device_name = Str(o, "RootDeviceName");
  i.key_name = Str(o, "KeyName");
  i.ami_launch_index = static_cast<int>(Int(o, "AmiLaunchIndex"));
  i.state_since = FromEpochMillis(Int(o, "StateSince"));
  i.private_ip = Str(o, "PrivateIpAddress");
  if (const auto* c = o.if_contains("ProductCodes"); c != nullptr && c->is_array()) {
    for (const auto& item : c->get_array()) {
      if (!item.is_object()) continue;
      i.product_codes.push_back(
          {Str(item.get_object(), "ProductCodeId"), Str(item.get_object(), "ProductCodeType")});
    }
  }
  i.product_id = Str(o, "ProductId");
  i.subscription_id = Str(o, "SubscriptionId");
  i.version_id = Str(o, "VersionId");
  i.launched_at = FromEpochMillis(Int(o, "LaunchedAt"));
  i.launch_time = FromEpochMillis(Int(o, "LaunchTime"));
  i.state_transition_reason = Str(o, "StateTransitionReason");
  i.state_reason_code = Str(o, "StateReasonCode");
  i.client_token = Str(o, "ClientToken");
  if (const auto* t = o.if_contains("Tags"); t != nullptr && t->is_array()) {
    for (const auto& item : t->get_array()) {
      if (!item.is_object()) continue;
      i.tags.push_back({Str(item.get_object(), "Key"), Str(item.get_object(), "Value")});
    }
  }
  return i;
}

}  // namespace amiplace
