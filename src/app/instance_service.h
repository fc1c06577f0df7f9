// Instance use cases of the EC2 surface: RunInstances with the marketplace's rules at launch
// (domain/commerce/launch_rules.h), DescribeInstances, StartInstances, StopInstances,
// TerminateInstances, and CreateImage, which keeps the instance's product codes in the new image
// (the seed's propagation rule). EC2's error codes travel as app/ec2_error.h describes.
//
// Instances are regional (the caller's signing region) and private to the account that launched
// them: another account's instance is answered exactly like an ID that does not exist. Their
// transitional states (pending, stopping, shutting-down) last `settle_delay` of the store's clock
// and are settled on read (domain/commerce/instance.h). Thread-safe (the store is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/image_service.h"
#include "app/ports.h"
#include "core/clock.h"
#include "domain/commerce/image_filter.h"
#include "domain/commerce/instance.h"

namespace amiplace {

// One TagSpecification.N: the resource type it tags and its tags.
struct TagSpecification {
  std::string resource_type;
  std::vector<InstanceTag> tags;
};

// RunInstances' parameters as the protocol read them: typed, not yet checked.
struct RunInstancesInput {
  std::optional<std::string> image_id;
  std::optional<std::string> instance_type;  // default m1.small, as EC2's
  std::optional<int64_t> min_count;
  std::optional<int64_t> max_count;
  std::vector<TagSpecification> tag_specifications;
  std::string key_name;
  std::string client_token;
  std::optional<std::string> private_ip_address;  // refused: amiplace hands out the addresses
};

struct Reservation {
  std::string reservation_id;
  std::string owner_account_id;
  std::vector<Instance> instances;  // settled at the time of the answer
};

struct DescribeInstancesInput {
  std::vector<std::string> instance_ids;
  std::vector<ImageFilter> filters;
  std::optional<int64_t> max_results;  // 5..1000; not with instance_ids
  std::string next_token;
};

struct DescribeInstancesOutput {
  std::vector<Reservation> reservations;  // in launch order
  std::string next_token;                 // "" on the last page
};

struct CreateImageInput {
  std::optional<std::string> instance_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
};

class InstanceService {
 public:
  struct Options {
    Millis settle_delay = kDefaultSettleDelay;
    int max_instances_per_launch = 20;
  };

  // `images` decides which images a caller may see (and so launch).
  InstanceService(Store& store, ImageService& images, const Clock& clock)
      : InstanceService(store, images, clock, Options()) {}
  InstanceService(Store& store, ImageService& images, const Clock& clock, Options options)
      : store_(store), images_(images), clock_(clock), options_(options) {}

  // Launches MinCount..MaxCount instances (as many as allowed, at least MinCount) of an image the
  // caller may see, under the marketplace's rules. A ClientToken used before by the caller in the
  // region returns the first launch's reservation. With `dry_run`, checks everything and stores
  // nothing (the reservation is then empty).
  Result<Reservation> RunInstances(const Caller& caller, const RunInstancesInput& input,
                                   bool dry_run = false);

  Result<DescribeInstancesOutput> DescribeInstances(const Caller& caller,
                                                    const DescribeInstancesInput& input);

  // Each answers one change per distinct ID, in the order given. One unknown ID fails the call
  // (InvalidInstanceID.NotFound), one instance in the wrong state too (IncorrectInstanceState);
  // then nothing changes. With `dry_run`, checks and changes nothing.
  Result<std::vector<StateChange>> StartInstances(const Caller& caller,
                                                  const std::vector<std::string>& instance_ids,
                                                  bool dry_run = false);
  Result<std::vector<StateChange>> StopInstances(const Caller& caller,
                                                 const std::vector<std::string>& instance_ids,
                                                 bool dry_run = false);
  Result<std::vector<StateChange>> TerminateInstances(const Caller& caller,
                                                      const std::vector<std::string>& instance_ids,
                                                      bool dry_run = false);

  // A new image of the caller's, in the instance's region, from one of its running or stopped
  // instances: the instance's image's disk layout (with new snapshot IDs) and the instance's
  // product codes, traced to the instance's product and version. With `dry_run`, stores nothing.
  Result<Image> CreateImage(const Caller& caller, const CreateImageInput& input,
                            bool dry_run = false);

  // The caller's own instances in every region it ever launched in (from the instance state
  // log), settled now, as DescribeInstances lists them (terminated ones for an hour): the
  // portal's view. Ordered by region, then launch order.
  Result<std::vector<Instance>> ListOwnInstances(const Caller& caller);

  // For the instance metadata service: the instance holding the private address `ip`, settled
  // now; nullopt when no instance holds it (none ever did, or it is shutting down or terminated).
  Result<std::optional<Instance>> InstanceAt(std::string_view ip);

  Millis settle_delay() const { return options_.settle_delay; }

 private:
  enum class Move { kStart, kStop, kTerminate };
  Result<std::vector<StateChange>> ChangeStates(const Caller& caller,
                                                const std::vector<std::string>& instance_ids,
                                                Move move, bool dry_run);
  // Checks the marketplace's rules for `image` and fills the instance's product, subscription
  // and version.
  Status CheckMarketplace(const Caller& caller, const Image& image,
                          std::string_view instance_type, Instance& prototype);

  Store& store_;
  ImageService& images_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace amiplace
