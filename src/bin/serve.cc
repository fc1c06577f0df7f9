#include "bin/serve.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>

#include "app/account_service.h"
#include "app/catalog_service.h"
#include "app/change_set_processor.h"
#include "app/review_service.h"
#include "app/entitlement_service.h"
#include "protocols/awsjson/entitlement_api.h"
#include "app/instance_credentials.h"
#include "app/marketplace_identity.h"
#include "app/buyer_service.h"
#include "app/billing_service.h"
#include "app/report_service.h"
#include "app/clock_service.h"
#include "app/metering_service.h"
#include "app/image_service.h"
#include "app/instance_service.h"
#include "app/dashboard_service.h"
#include "core/resources.h"
#include "jobs/change_set_worker.h"
#include "protocols/amiplace_api/amiplace_api.h"
#include "protocols/amiplace_api/plf_api.h"
#include "protocols/awsjson/metering_api.h"
#include "protocols/catalog/catalog_api.h"
#include "protocols/ec2/ec2_api.h"
#include "protocols/http/server.h"
#include "protocols/model/service_model.h"
#include "protocols/imds/imds_handler.h"
#include "protocols/portal/portal_handler.h"
#include "protocols/router.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

bool ParseDuration(const std::string& text, std::chrono::milliseconds* out) {
  if (text.empty()) return false;
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (...) {
    return false;
  }
  if (value < 0) return false;
  std::string unit = text.substr(pos);
  double ms;
  if (unit.empty() || unit == "s") ms = value * 1000;
  else if (unit == "ms") ms = value;
  else if (unit == "m") ms = value * 60000;
  else if (unit == "h") ms = value * 3600000;
  else return false;
  *out = std::chrono::milliseconds(static_cast<int64_t>(ms));
  return true;
}

namespace {

bool WriteOperatorJson(const std::filesystem::path& path, const NewAccount& op) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return false;
  std::string body = boost::json::serialize(boost::json::object{
                         {"AccountId", op.account.account_id},
                         {"AccessKeyId", op.credential.access_key_id},
                         {"SecretAccessKey", op.credential.secret_access_key}}) +
                     "\n";
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

int RunServe(const ServeOptions& options) {
  // Signals are taken synchronously by this thread; every thread started below inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--listen: '%s' must be HOST:PORT\n", options.listen.c_str());
    return 2;
  }
  http::ServerOptions server_options;
  server_options.host = options.listen.substr(0, colon);
  try {
    int port = std::stoi(options.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    server_options.port = static_cast<unsigned short>(port);
  } catch (...) {
    std::fprintf(stderr, "--listen: '%s' has no valid port\n", options.listen.c_str());
    return 2;
  }

  bool created = false;
  auto store_or = SqliteStore::Open(options.data_dir, &created);
  if (!store_or.ok()) {
    spdlog::critical("cannot open the store in {}: {}", options.data_dir, store_or.status().ToString());
    return 1;
  }
  std::unique_ptr<SqliteStore> store = std::move(store_or).value();

  SystemClock real_clock;
  OffsetClock clock;
  if (options.simulated_clock) {
    auto offset = store->GetClockOffset();
    if (!offset.ok()) {
      spdlog::critical("cannot read the clock offset: {}", offset.status().ToString());
      return 1;
    }
    clock.SetOffset(*offset);
  }

  AccountService accounts(*store);
  auto op = accounts.Bootstrap(real_clock.Now());
  if (!op.ok()) {
    spdlog::critical("cannot create the operator account: {}", op.status().ToString());
    return 1;
  }
  if (*op) {
    auto path = std::filesystem::path(options.data_dir) / "operator.json";
    if (!WriteOperatorJson(path, **op)) {
      spdlog::critical("cannot write {} (it must not exist yet)", path.string());
      return 1;
    }
    spdlog::info("created a new store in {}; operator credentials are in {}", options.data_dir,
                 path.string());
  }

  auto model = model::ServiceModel::Load(resources::Find("marketplace-catalog.service-2.json"));
  if (!model.ok()) {
    spdlog::critical("cannot load the Catalog service model: {}", model.status().ToString());
    return 1;
  }

  const ChangeTypeRegistry& registry = BuiltinChangeTypes();
  CatalogService catalog(*store, clock, registry,
                         CatalogService::Options{.processing_delay = options.processing_delay});
  ChangeSetProcessor processor(*store, clock, registry, options.review == "auto");
  ReviewService reviews(*store, processor);
  ChangeSetWorker worker(*store, clock, processor);
  catalog.SetOnSubmitted([&worker] { worker.Notify(); });

  protocols::CatalogApi catalog_api(catalog, *model);
  BuyerService buyers(*store, clock);
  protocols::AmiplaceApi amiplace_api(accounts, reviews, buyers, clock);
  ClockService clock_service(*store, options.simulated_clock ? &clock : nullptr, clock);
  amiplace_api.SetClockService(&clock_service);
  std::unique_ptr<protocols::RateLimiter> quotas;
  if (options.request_quotas == "aws") {
    auto rates = protocols::RateLimiter::CatalogQuotas();
    rates.merge(protocols::RateLimiter::MeteringQuotas());
    quotas = std::make_unique<protocols::RateLimiter>(std::move(rates));
  }
  ImageService images(*store, clock);
  images.SetMarketplaceVisibility([&buyers](const Caller& caller, const Image& image) {
    return buyers.CanSeeMarketplaceImage(caller, image);
  });
  InstanceService instances(*store, images, clock);
  BillingService billing(*store, clock, {.settle_delay = instances.settle_delay()});
  amiplace_api.SetBillingService(&billing);
  ReportService reports(*store, billing, clock, {.settle_delay = instances.settle_delay()});
  amiplace_api.SetReportService(&reports);
  amiplace_api.SetImageService(&images);
  amiplace_api.SetInstanceService(&instances);
  DashboardService dashboard(*store, reports, clock, {.settle_delay = instances.settle_delay()});
  amiplace_api.SetDashboardService(&dashboard);
  protocols::Ec2Api ec2_api(images, &instances);
  MarketplaceIdentity identity(*store);
  InstanceCredentials instance_credentials(*store, real_clock);
  if (auto pem = identity.CertificatePem(); !pem.ok()) {  // made (or loaded) now, not on a GET
    spdlog::critical("cannot load the marketplace identity: {}", pem.status().ToString());
    return 1;
  }
  protocols::Router router(accounts, catalog_api, amiplace_api, real_clock, quotas.get(), &ec2_api,
                           &identity, &instance_credentials);
  auto metering_model =
      model::ServiceModel::Load(resources::Find("meteringmarketplace.service-2.json"));
  if (!metering_model.ok()) {
    spdlog::critical("cannot load the Metering service model: {}",
                     metering_model.status().ToString());
    return 1;
  }
  MeteringService metering(*store, clock);
  protocols::MeteringApi metering_api(metering, *metering_model);
  router.SetMeteringApi(&metering_api);
  auto entitlement_model =
      model::ServiceModel::Load(resources::Find("marketplace-entitlement.service-2.json"));
  if (!entitlement_model.ok()) {
    spdlog::critical("cannot load the Entitlement service model: {}",
                     entitlement_model.status().ToString());
    return 1;
  }
  EntitlementService entitlements(*store);
  protocols::EntitlementApi entitlement_api(entitlements, *entitlement_model);
  router.SetEntitlementApi(&entitlement_api);
  plf::PlfService forms(catalog);
  protocols::PlfApi plf_api(forms);
  router.SetPlfApi(&plf_api);
  // The Management Portal: its pages and sign-in sessions (in memory, on the real clock).
  portal::PortalHandler portal(accounts, real_clock);
  router.SetPortal(&portal);
  http::Server server(server_options, router);

  // The instance metadata service: every instance at its own loopback address, on one port. It
  // listens on all addresses (one socket cannot take 127.0.0.0/8 alone) and answers only on
  // loopback ones.
  protocols::ImdsHandler imds(*store, identity, instance_credentials, clock, real_clock);
  http::ServerOptions imds_options;
  imds_options.host = "0.0.0.0";
  imds_options.port = static_cast<unsigned short>(options.imds_port);
  imds_options.io_threads = 1;
  imds_options.blocking_threads = 1;
  imds_options.header_limit = 16 * 1024;
  imds_options.body_limit = 64 * 1024;
  http::Server imds_server(imds_options, imds);

  worker.Start();
  auto imds_port = imds_server.Start();
  if (!imds_port.ok()) {
    spdlog::critical("instance metadata service: {} (choose another --imds-port)",
                     imds_port.status().message());
    worker.Stop();
    return 1;
  }
  auto port = server.Start();
  if (!port.ok()) {
    spdlog::critical("{}", port.status().message());
    imds_server.Stop();
    worker.Stop();
    return 1;
  }
  spdlog::info("instance metadata service on port {}", *imds_port);
  std::printf("amiplace listening on http://%s:%u\n", server_options.host.c_str(), *port);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
  imds_server.Stop();
  worker.Stop();
  store.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace amiplace
