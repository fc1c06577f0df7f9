// amiplace's own JSON API under /amiplace/v1/ (SigV4, service name "amiplace", or the portal's
// session): accounts and the operators' review queue; subscriptions, bills, reports and forms as
// later issues add them; the caller's images and instances and the seller's dashboard for the
// portal's pages. Thread-safe.
#pragma once

#include <boost/json.hpp>

#include "app/account_service.h"
#include "app/billing_service.h"
#include "app/buyer_service.h"
#include "app/clock_service.h"
#include "app/dashboard_service.h"
#include "app/image_service.h"
#include "app/instance_service.h"
#include "app/report_service.h"
#include "app/review_service.h"
#include "core/clock.h"
#include "protocols/http/message.h"

namespace amiplace::protocols {

class AmiplaceApi {
 public:
  AmiplaceApi(AccountService& accounts, ReviewService& reviews, BuyerService& buyers,
              const Clock& clock)
      : accounts_(accounts), reviews_(reviews), buyers_(buyers), clock_(clock) {}

  // The simulated clock's control (POST /amiplace/v1/clock/advance); unset → 404.
  void SetClockService(ClockService* clock_service) { clock_service_ = clock_service; }

  // Buyers' bills (GET /amiplace/v1/bill); unset → unknown operation.
  void SetBillingService(BillingService* billing) { billing_ = billing; }

  // Sellers' reports and data feeds (GET /amiplace/v1/reports/{type}, /amiplace/v1/feeds[/{name}]);
  // unset → unknown operation.
  void SetReportService(ReportService* reports) { reports_ = reports; }

  // The caller's images and instances (GET /amiplace/v1/images, /amiplace/v1/instances) and the
  // seller's dashboard (GET /amiplace/v1/dashboard); each unset → unknown operation.
  void SetImageService(ImageService* images) { images_ = images; }
  void SetInstanceService(InstanceService* instances) { instances_ = instances; }
  void SetDashboardService(DashboardService* dashboard) { dashboard_ = dashboard; }

  static bool Matches(std::string_view path) { return path.starts_with("/amiplace/v1/"); }
  // Returns the response body, or the error (rest-json shape).
  Result<boost::json::object> Handle(const http::Request& req, const Caller& caller);

 private:
  Result<boost::json::object> HandleReviews(const http::Request& req, const Caller& caller);
  Result<boost::json::object> HandleProducts(const http::Request& req, const Caller& caller);
  Result<boost::json::object> HandleSubscriptions(const http::Request& req, const Caller& caller);
  Result<boost::json::object> HandleBill(const http::Request& req, const Caller& caller);
  Result<boost::json::object> HandleReports(const http::Request& req, const Caller& caller);
  Result<boost::json::object> HandleImages(const Caller& caller);
  Result<boost::json::object> HandleInstances(const Caller& caller);
  Result<boost::json::object> HandleDashboard(const http::Request& req, const Caller& caller);

  AccountService& accounts_;
  ReviewService& reviews_;
  BuyerService& buyers_;
  const Clock& clock_;
  ClockService* clock_service_ = nullptr;
  BillingService* billing_ = nullptr;
  ReportService* reports_ = nullptr;
  ImageService* images_ = nullptr;
  InstanceService* instances_ = nullptr;
  DashboardService* dashboard_ = nullptr;
};

}  // namespace amiplace::protocols
