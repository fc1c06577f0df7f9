#include "protocols/router.h"

#include "core/ids.h"
#include "protocols/errors.h"
#include "protocols/portal/request_checks.h"

namespace amiplace::protocols {

namespace bj = boost::json;

class Router::Resolver final : public sigv4::CredentialResolver {
 public:
  Resolver(AccountService& accounts, InstanceCredentials* instances)
      : accounts_(accounts), instances_(instances) {}
  std::optional<sigv4::Secret> Lookup(std::string_view access_key_id) const override {
    if (access_key_id.starts_with("ASIA") && instances_ != nullptr) {
      auto r = instances_->Resolve(access_key_id);
      if (!r.ok() || !r.value()) return std::nullopt;
      const auto& c = r.value()->credential;
      return sigv4::Secret{c.secret_access_key, c.session_token, r.value()->owner.account_id};
    }
    auto r = accounts_.Resolve(access_key_id);
    if (!r.ok() || !r.value()) return std::nullopt;
    return sigv4::Secret{r.value()->secret_access_key, "", r.value()->account.account_id};
  }

 private:
  AccountService& accounts_;
  InstanceCredentials* instances_;
};

Router::Router(AccountService& accounts, CatalogApi& catalog, AmiplaceApi& amiplace,
               const Clock& real_clock, RateLimiter* quotas, Ec2Api* ec2,
               MarketplaceIdentity* identity, InstanceCredentials* instance_credentials)
    : accounts_(accounts),
      catalog_(catalog),
      amiplace_(amiplace),
      real_clock_(real_clock),
      quotas_(quotas),
      ec2_(ec2),
      identity_(identity),
      instance_credentials_(instance_credentials),
      resolver_(std::make_unique<Resolver>(accounts, instance_credentials)) {}

Router::~Router() = default;

bool Router::IsBlocking(const http::Request& req) const {
  // EC2 sends reads (Describe*) as POSTs too; only its writes need the pool.
  if (Ec2Api::Matches(req)) return !Ec2Api::IsReadOnly(req);
  return req.method != "GET" && req.method != "HEAD";
}

Result<Caller> Router::Authenticate(const http::Request& req, std::string_view expected_service) {
  const std::string_view services[] = {expected_service};
  sigv4::RequestView view{req.method, req.target, &req.headers, req.body};
  AMIPLACE_ASSIGN_OR_RETURN(sigv4::Verified v,
                            sigv4::Verify(view, *resolver_, real_clock_.Now(), services));
  if (v.access_key_id.starts_with("ASIA") && instance_credentials_ != nullptr) {
    // An instance's own credentials: the request is the instance's, on behalf of its owner.
    AMIPLACE_ASSIGN_OR_RETURN(auto instance, instance_credentials_->Resolve(v.access_key_id));
    if (!instance) {
      return Status(ErrorCode::kUnrecognizedClient, "The security token included in the request is expired");
    }
    Caller caller;
    caller.account = instance->owner;
    caller.access_key_id = v.access_key_id;
    caller.region = v.region;
    caller.instance_id = instance->instance.instance_id;
    return caller;
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto resolved, accounts_.Resolve(v.access_key_id));
  if (!resolved) {
    return Status(ErrorCode::kUnrecognizedClient, "The security token included in the request is invalid.");
  }
  Caller caller;
  caller.account = resolved->account;
  caller.access_key_id = v.access_key_id;
  caller.region = v.region;
  return caller;
}

Router::ApiAuthentication Router::AuthenticateApi(const http::Request& req,
                                                  std::string_view expected_service,
                                                  bool own_api) {
  if (portal_ != nullptr && !portal::HasSigV4(req)) {
    if (portal::CookieValue(req, portal::kSessionCookie)) {
      auto a = portal_->Authenticate(req);
      return {std::move(a.caller), a.http_status};
    }
    // The portal's pages tell "signed out" by a 401. The Catalog API keeps AWS's answer to an
    // unsigned request (MissingAuthenticationTokenException) for everything but a browser's
    // requests, which carry fetch metadata (Sec-Fetch-Site) that AWS's SDKs and CLI never send.
    if (own_api || !req.HeaderValue("Sec-Fetch-Site").empty()) {
      return {AccessDeniedError(portal::PortalHandler::NotSignedInMessage()), 401};
    }
  }
  return {Authenticate(req, expected_service), 0};
}

http::Response Router::Handle(http::Request& req) {
  const std::string request_id = ids::NewRequestId();
  std::string_view path = req.Path();

  if (path == "/healthz" && (req.method == "GET" || req.method == "HEAD")) {
    return http::TextResponse(200, "ok\n");
  }
  // The marketplace's public certificate, for verifying instance identity documents: unsigned.
  if (path == "/amiplace/v1/identity-certificate" && identity_ != nullptr && req.method == "GET") {
    auto pem = identity_->CertificatePem();
    if (!pem.ok()) return ErrorResponse(pem.status(), WireProtocol::kRestJson, request_id);
    http::Response r = http::TextResponse(200, std::move(*pem));
    r.headers[0].value = "application/x-pem-file";
    return r;
  }

  if (portal_ != nullptr && portal::PortalHandler::Matches(path)) {
    return portal_->Handle(req, request_id);
  }

  auto refuse = [&](const ApiAuthentication& auth) {
    http::Response r = ErrorResponse(auth.caller.status(), WireProtocol::kRestJson, request_id);
    if (auth.http_status != 0) r.status = auth.http_status;
    return r;
  };
  auto reply = [&](Result<bj::object> result, WireProtocol protocol) {
    if (!result.ok()) return ErrorResponse(result.status(), protocol, request_id);
    http::Response r = http::JsonResponse(200, bj::serialize(*result));
    r.Set("x-amzn-RequestId", request_id);
    return r;
  };

  if (AmiplaceApi::Matches(path)) {
    auto auth = AuthenticateApi(req, "amiplace", /*own_api=*/true);
    if (!auth.caller.ok()) return refuse(auth);
    if (plf_ != nullptr && PlfApi::Matches(path)) {
      // An upload starts a change set: it counts against StartChangeSet's quota.
      double rate = 0;
      if (req.method == "POST" && quotas_ != nullptr &&
          !quotas_->Allow(auth.caller->account.account_id, "StartChangeSet", &rate)) {
        return ErrorResponse(
            Status(ErrorCode::kThrottled,
                   fmt::format("Rate exceeded: a form upload starts a change set, and "
                               "StartChangeSet allows {} requests per second per account",
                               rate)),
            WireProtocol::kRestJson, request_id);
      }
      return plf_->Handle(req, *auth.caller, request_id);
    }
    return reply(amiplace_.Handle(req, *auth.caller), WireProtocol::kRestJson);
  }

  if (Ec2Api::Matches(req)) {
    // Images are regional: the EC2 API works in the region of the credential scope.
    auto caller = Authenticate(req, "ec2");
    if (!caller.ok()) return ErrorResponse(caller.status(), WireProtocol::kEc2Query, request_id);
    if (ec2_ == nullptr) {
      return ErrorResponse(Status(ErrorCode::kUnknownOperation, "The EC2 API is not enabled"),
                           WireProtocol::kEc2Query, request_id);
    }
    auto body = ec2_->Handle(req, *caller, request_id);
    if (!body.ok()) return ErrorResponse(body.status(), WireProtocol::kEc2Query, request_id);
    http::Response r;
    r.status = 200;
    r.body = std::move(*body);
    r.Set("Content-Type", "text/xml;charset=UTF-8");
    r.Set("x-amzn-RequestId", request_id);
    return r;
  }

  if (const auto* op = catalog_.Match(req)) {
    auto auth = AuthenticateApi(req, "aws-marketplace", /*own_api=*/false);
    if (!auth.caller.ok()) return refuse(auth);
    const Caller* caller = &auth.caller.value();
    double rate = 0;
    if (quotas_ != nullptr && !quotas_->Allow(caller->account.account_id, op->name, &rate)) {
      return ErrorResponse(
          Status(ErrorCode::kThrottled,
                 fmt::format("Rate exceeded: {} allows {} requests per second per account",
                             op->name, rate)),
          WireProtocol::kRestJson, request_id);
    }
    return reply(catalog_.Handle(*op, req, *caller), WireProtocol::kRestJson);
  }

  if (entitlement_ != nullptr && EntitlementApi::Matches(req)) {
    auto caller = Authenticate(req, "aws-marketplace");
    if (!caller.ok()) return EntitlementApi::ErrorResponse(req, caller.status(), request_id);
    auto response = entitlement_->Handle(req, *caller, request_id);
    if (!response.ok()) return EntitlementApi::ErrorResponse(req, response.status(), request_id);
    return std::move(*response);
  }
  if (metering_ != nullptr && MeteringApi::Matches(req)) {
    auto caller = Authenticate(req, "aws-marketplace");
    if (!caller.ok()) return ErrorResponse(caller.status(), WireProtocol::kAwsJson, request_id);
    std::string_view op = metering_->OperationOf(req);
    double rate = 0;
    if (!op.empty() && quotas_ != nullptr &&
        !quotas_->Allow(caller->account.account_id, op, &rate)) {
      return ErrorResponse(
          Status(ErrorCode::kThrottled,
                 fmt::format("ThrottlingException: Rate exceeded: {} allows {} requests per "
                             "second per account",
                             op, rate)),
          WireProtocol::kAwsJson, request_id);
    }
    auto result = metering_->Handle(req, *caller);
    if (!result.ok()) return ErrorResponse(result.status(), WireProtocol::kAwsJson, request_id);
    http::Response r;
    r.status = 200;
    r.body = bj::serialize(*result);
    r.Set("Content-Type", "application/x-amz-json-1.1");
    r.Set("x-amzn-RequestId", request_id);
    return r;
  }

  if (!req.HeaderValue("X-Amz-Target").empty()) {
    return ErrorResponse(Status(ErrorCode::kUnknownOperation,
                                fmt::format("Operation {} is not supported by amiplace",
                                            req.HeaderValue("X-Amz-Target"))),
                         WireProtocol::kAwsJson, request_id);
  }
  return ErrorResponse(Status(ErrorCode::kUnknownOperation,
                              fmt::format("No operation matches {} {}", req.method, path)),
                       WireProtocol::kRestJson, request_id);
}

http::Response Router::Refuse(const http::Request& req, int status, std::string message) {
  const std::string request_id = ids::NewRequestId();
  WireProtocol protocol = Ec2Api::Matches(req)                       ? WireProtocol::kEc2Query
                          : req.HeaderValue("X-Amz-Target").empty() ? WireProtocol::kRestJson
                                                                    : WireProtocol::kAwsJson;
  ErrorCode code = status >= 500   ? ErrorCode::kInternal
                   : status == 413 ? ErrorCode::kPayloadTooLarge
                                   : ErrorCode::kMalformedRequest;
  http::Response r = EntitlementApi::IsCbor(req)
                         ? EntitlementApi::ErrorResponse(req, Status(code, message), request_id)
                         : ErrorResponse(Status(code, message), protocol, request_id);
  r.status = status;
  return r;
}

}  // namespace amiplace::protocols
