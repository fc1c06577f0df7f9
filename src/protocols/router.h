// The single listener's dispatcher: decides the protocol of each request (health check, the
// portal under /portal, amiplace API by path, Catalog rest-json by method and path, EC2 query by
// a form `Action` on `/`, the Metering Service by `X-Amz-Target: AWSMPMeteringService.*`),
// authenticates it with SigV4 — or, for the Catalog and amiplace APIs when the request carries
// no signature, with the portal's session cookie (portal/portal_handler.h) — calls the
// protocol's handler, and maps errors through protocols/errors.h. Thread-safe.
#pragma once

#include "app/account_service.h"
#include "app/instance_credentials.h"
#include "app/marketplace_identity.h"
#include "core/clock.h"
#include "protocols/amiplace_api/amiplace_api.h"
#include "protocols/amiplace_api/plf_api.h"
#include "protocols/awsjson/entitlement_api.h"
#include "protocols/awsjson/metering_api.h"
#include "protocols/catalog/catalog_api.h"
#include "protocols/ec2/ec2_api.h"
#include "protocols/http/server.h"
#include "protocols/portal/portal_handler.h"
#include "protocols/rate_limiter.h"
#include "protocols/sigv4/sigv4.h"

namespace amiplace::protocols {

class Router final : public http::Handler {
 public:
  // `quotas` may be null: no request-rate quotas. `ec2` may be null: EC2 requests are answered
  // with InvalidAction.
  Router(AccountService& accounts, CatalogApi& catalog, AmiplaceApi& amiplace,
         const Clock& real_clock, RateLimiter* quotas, Ec2Api* ec2 = nullptr,
         MarketplaceIdentity* identity = nullptr,
         InstanceCredentials* instance_credentials = nullptr);
  ~Router() override;

  // The Metering Service (awsJson, X-Amz-Target AWSMPMeteringService.*); unset → UnknownOperation.
  void SetMeteringApi(MeteringApi* metering) { metering_ = metering; }
  // The Entitlement Service (awsJson 1.1 and rpc-v2-cbor); unset → UnknownOperation.
  void SetEntitlementApi(EntitlementApi* entitlement) { entitlement_ = entitlement; }
  // Product Load Forms under /amiplace/v1/plf; unset → unknown operation.
  void SetPlfApi(PlfApi* plf) { plf_ = plf; }
  // The Management Portal (/portal, and session cookies for the Catalog and amiplace APIs);
  // unset → no portal, SigV4 only.
  void SetPortal(portal::PortalHandler* portal) { portal_ = portal; }

  bool IsBlocking(const http::Request& req) const override;
  http::Response Handle(http::Request& req) override;
  http::Response Refuse(const http::Request& req, int status, std::string message) override;

 private:
  Result<Caller> Authenticate(const http::Request& req, std::string_view expected_service);
  // A Catalog or amiplace API request: by its signature, or (unsigned, with the portal on) by
  // its session. `http_status` is the status of a refusal where it differs from errors.h's.
  struct ApiAuthentication {
    Result<Caller> caller;
    int http_status = 0;
  };
  ApiAuthentication AuthenticateApi(const http::Request& req, std::string_view expected_service,
                                    bool own_api);

  class Resolver;
  AccountService& accounts_;
  CatalogApi& catalog_;
  AmiplaceApi& amiplace_;
  const Clock& real_clock_;
  RateLimiter* quotas_;
  Ec2Api* ec2_;
  MarketplaceIdentity* identity_;
  InstanceCredentials* instance_credentials_;
  std::unique_ptr<Resolver> resolver_;
  MeteringApi* metering_ = nullptr;
  EntitlementApi* entitlement_ = nullptr;
  PlfApi* plf_ = nullptr;
  portal::PortalHandler* portal_ = nullptr;
};

}  // namespace amiplace::protocols
