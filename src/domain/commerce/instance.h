// EC2 instances as amiplace runs them: no virtual machine, only the record EC2 keeps — its image,
// type, owner, state, product codes and its own loopback address, at which the instance metadata
// service answers for it (CONTRACT §6).
//
// States move as EC2's do: RunInstances → pending → running; StopInstances: running → stopping →
// stopped; StartInstances: stopped → pending → running; TerminateInstances: any → shutting-down
// → terminated. The first state of each move is stored with the instant it began; the second
// follows `settle_delay` later and is derived, not stored (Settle), so that a read never has to
// write and every reader agrees on the state at a given instant of the store's clock.
//
// Value types and pure functions; thread-compatible.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/commerce/image.h"

namespace amiplace {

// EC2's instance states with EC2's codes (the low byte of InstanceState.Code).
enum class InstanceState {
  kPending = 0,
  kRunning = 16,
  kShuttingDown = 32,
  kTerminated = 48,
  kStopping = 64,
  kStopped = 80,
};

std::string_view InstanceStateName(InstanceState s);  // "pending", "running", ...
std::optional<InstanceState> ParseInstanceState(std::string_view name);
inline int InstanceStateCode(InstanceState s) { return static_cast<int>(s); }

struct InstanceTag {
  std::string key;
  std::string value;
  bool operator==(const InstanceTag&) const = default;
};

struct Instance {
  std::string instance_id;     // "i-" + 17 lowercase hex digits
  std::string reservation_id;  // "r-" + 17 lowercase hex digits; shared by one RunInstances
  std::string region;
  std::string owner_account_id;
  std::string image_id;
  std::string instance_type;
  std::string architecture = "x86_64";  // the image's
  std::string virtualization_type = "hvm";
  std::string root_device_name;
  std::string key_name;
  int ami_launch_index = 0;
  InstanceState state = InstanceState::kPending;
  TimePoint state_since;  // when `state` began
  // A dotted IPv4 address in 127.0.0.0/8, its own among instances that are not terminated;
  // "" once terminated (EC2 shows no private address for a terminated instance).
  std::string private_ip;
  std::vector<ImageProductCode> product_codes;  // the image's, at launch
  // The marketplace product behind the product code (if any), the subscription that entitled
  // the launch, and the version the image belongs to ("" when it could not be told).
  std::string product_id;
  std::string subscription_id;
  std::string version_id;
  TimePoint launched_at;  // RunInstances: the first launch, which orders DescribeInstances
  TimePoint launch_time;  // the last start, as EC2's LaunchTime shows it
  std::string state_transition_reason;  // EC2's "reason": "User initiated (… GMT)"
  std::string state_reason_code;        // EC2's stateReason: "Client.UserInitiatedShutdown"
  std::string client_token;
  std::vector<InstanceTag> tags;

  bool operator==(const Instance&) const = default;
};

// How long pending, stopping and shutting-down last before their next state.
inline constexpr Millis kDefaultSettleDelay{0};
// How long EC2 keeps listing a terminated instance in DescribeInstances.
inline constexpr Millis kTerminatedVisibleFor{60 * 60 * 1000};

// The instance as it is at `now`: a transitional state whose `delay` has passed becomes the
// state it leads to (pending → running, stopping → stopped, shutting-down → terminated, which
// gives up the address), beginning at the end of the delay.
Instance Settle(Instance instance, TimePoint now, Millis delay);

// Whether a settled instance is still listed by DescribeInstances at `now`.
bool ListedAt(const Instance& settled, TimePoint now);

// The outcome of a state change, as StartInstances / StopInstances / TerminateInstances answer.
struct StateChange {
  std::string instance_id;
  InstanceState previous;
  InstanceState current;
};

// The requested moves, applied to an instance already settled at `now`. Start on a running or
// pending instance and Stop on a stopped or stopping one change nothing, as on EC2; Terminate
// on a terminated one neither. nullopt when the state does not allow the move (EC2's
// IncorrectInstanceState): starting a stopping, shutting-down or terminated instance, stopping
// a shutting-down or terminated one.
std::optional<StateChange> StartInstance(Instance& settled, TimePoint now);
std::optional<StateChange> StopInstance(Instance& settled, TimePoint now);
std::optional<StateChange> TerminateInstance(Instance& settled, TimePoint now);

// Fresh IDs from the CSPRNG: "i-" / "r-" + 17 lowercase hex digits.
std::string NewInstanceId();
std::string NewReservationId();
// i- followed by 8 or 17 lowercase hex digits.
bool IsValidInstanceId(std::string_view id);

// ---- private addresses -------------------------------------------------------------------------

// Instances get addresses from 127.100.0.1 upwards; addresses whose last byte is 0 or 255 are
// skipped so that none looks like a network or broadcast address. 127.0.0.1 is never given.
inline constexpr uint32_t kFirstInstanceAddress = (127u << 24) | (100u << 16) | 1u;
inline constexpr uint32_t kLastInstanceAddress = (127u << 24) | (255u << 16) | (255u << 8) | 254u;

std::string FormatIpv4(uint32_t address);
std::optional<uint32_t> ParseIpv4(std::string_view dotted);

// The next usable address after `previous` (kFirstInstanceAddress when there is none, or when
// `previous` is the last one: the range wraps around), skipping x.x.x.0 and x.x.x.255.
uint32_t NextInstanceAddress(std::optional<uint32_t> previous);

// The first usable address at or after `start` (wrapping around once) that `taken` (sorted,
// ascending) does not hold; nullopt when every address is taken.
std::optional<uint32_t> FirstFreeInstanceAddress(uint32_t start, const std::vector<uint32_t>& taken);

// EC2's private DNS name for an address: ip-127-100-0-1.ec2.internal in us-east-1,
// ip-127-100-0-1.<region>.compute.internal elsewhere.
std::string PrivateDnsName(std::string_view region, std::string_view ip);

// ---- the store's form --------------------------------------------------------------------------

boost::json::object InstanceToJson(const Instance& instance);
// The inverse of InstanceToJson; kInternal for a document that is not one.
Result<Instance> InstanceFromJson(const boost::json::value& doc);

}  // namespace amiplace
