// The instance metadata service (CONTRACT §6): one listener on --imds-port answering for every
// instance at the instance's own loopback address (its PrivateIpAddress), as
// http://169.254.169.254/ answers on EC2. IMDSv1 (no token) and IMDSv2 (PUT /latest/api/token
// with X-aws-ec2-metadata-token-ttl-seconds; later requests carry X-aws-ec2-metadata-token; an
// invalid or expired token is 401 even though tokenless requests work). Repeated slashes in a
// path are collapsed, as AWS's service does. The identity document is signed with the
// marketplace's key (app/marketplace_identity.h). Tokens live in memory: like EC2's, they do
// not outlive the service. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/instance_credentials.h"
#include "app/marketplace_identity.h"
#include "app/ports.h"
#include "core/clock.h"
#include "protocols/http/server.h"

namespace amiplace::protocols {

class ImdsHandler final : public http::Handler {
 public:
  // `clock` is the marketplace's (instance states); `real_clock` times tokens.
  ImdsHandler(Store& store, MarketplaceIdentity& identity, InstanceCredentials& credentials,
              const Clock& clock, const Clock& real_clock)
      : store_(store),
        identity_(identity),
        credentials_(credentials),
        clock_(clock),
        real_clock_(real_clock) {}

  bool IsBlocking(const http::Request&) const override { return false; }
  http::Response Handle(http::Request& req) override;
  http::Response Refuse(const http::Request& req, int status, std::string message) override;

  // Collapses runs of '/' ("//latest//meta-data/" → "/latest/meta-data/").
  static std::string NormalizePath(std::string_view path);
  // The instance identity document, as EC2 serves it (pretty-printed JSON).
  static std::string IdentityDocument(const Instance& instance, std::string_view account_id);

 private:
  struct Token {
    std::string instance_id;
    TimePoint expires;
  };
  struct Signed {
    std::string document;
    IdentitySignatures signatures;
  };
  http::Response Token(const http::Request& req, const Instance& instance);
  http::Response Get(std::string_view path, const Instance& instance);
  Result<Signed> SignedDocument(const Instance& instance);

  Store& store_;
  MarketplaceIdentity& identity_;
  InstanceCredentials& credentials_;
  const Clock& clock_;
  const Clock& real_clock_;
  std::mutex mu_;
  std::unordered_map<std::string, struct Token> tokens_;
  std::map<std::string, Signed> signed_;  // by instance ID and document (cached signatures)
};

}  // namespace amiplace::protocols
