#include "cli/commands.h"

#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/client.h"
#include "cli/cli_common.h"
#include "cli/plf_commands.h"
#include "cli/seller_commands.h"

namespace amiplace::cli {

namespace {

struct Common {
  std::string endpoint;
  std::string region;
};

void AddCommon(CLI::App* cmd, Common& c) { AddEndpointFlags(cmd, c.endpoint, c.region); }



int Run(const Common& c, std::string_view method, std::string_view path, const boost::json::object* body) {
  ClientConfig config = ConfigFromEnvironment(c.endpoint, c.region);
  if (config.credentials.access_key_id.empty() || config.credentials.secret_access_key.empty()) {
    std::cerr << "MissingCredentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n";
    return 1;
  }
  Client client(config);
  RemoteError err;
  auto result = client.Call(method, path, body ? boost::json::serialize(*body) : "", "amiplace", &err);
  if (!result.ok()) {
    if (!err.code.empty()) {
      std::cerr << err.code << ": " << err.message << "\n";
    } else {
      std::cerr << "RequestFailed: " << result.status().message() << "\n";
    }
    return 1;
  }
  std::cout << boost::json::serialize(*result) << "\n";
  return 0;
}

}  // namespace

std::function<int()> RegisterClientCommands(CLI::App& app) {
  auto common = std::make_shared<Common>();
  auto chosen = std::make_shared<std::function<int()>>();

  CLI::App* admin = app.add_subcommand("admin", "Operator commands");
  admin->require_subcommand(1);

  auto type = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  CLI::App* create = admin->add_subcommand("create-account", "Create a SELLER or BUYER account");
  create->add_option("--type", *type, "SELLER or BUYER")->required()->check(CLI::IsMember({"SELLER", "BUYER"}));
  create->add_option("--name", *name, "The account's display name")->required();
  AddCommon(create, *common);
  create->callback([=] {
    *chosen = [=] {
      boost::json::object body{{"Type", *type}, {"Name", *name}};
      return Run(*common, "POST", "/amiplace/v1/accounts", &body);
    };
  });

  CLI::App* list = admin->add_subcommand("list-accounts", "List the marketplace's accounts");
  AddCommon(list, *common);
  list->callback([=] {
    *chosen = [=] { return Run(*common, "GET", "/amiplace/v1/accounts", nullptr); };
  });

  CLI::App* list_reviews = admin->add_subcommand("list-reviews", "Visibility changes waiting for review");
  AddCommon(list_reviews, *common);
  list_reviews->callback([=] {
    *chosen = [=] { return Run(*common, "GET", "/amiplace/v1/reviews", nullptr); };
  });

  auto change_set_id = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  CLI::App* approve = admin->add_subcommand("approve-review", "Approve a visibility change");
  approve->add_option("--change-set-id", *change_set_id, "The change set waiting for review")->required();
  AddCommon(approve, *common);
  approve->callback([=] {
    *chosen = [=] {
      boost::json::object body;
      return Run(*common, "POST", "/amiplace/v1/reviews/" + *change_set_id + "/approve", &body);
    };
  });

  CLI::App* reject = admin->add_subcommand("reject-review", "Reject a visibility change, with a reason");
  reject->add_option("--change-set-id", *change_set_id, "The change set waiting for review")->required();
  reject->add_option("--reason", *reason, "Why; the seller sees it in the change's ErrorDetailList")->required();
  AddCommon(reject, *common);
  reject->callback([=] {
    *chosen = [=] {
      boost::json::object body{{"Reason", *reason}};
      return Run(*common, "POST", "/amiplace/v1/reviews/" + *change_set_id + "/reject", &body);
    };
  });

  auto hours = std::make_shared<int64_t>(0);
  CLI::App* advance = admin->add_subcommand(
      "advance-clock", "Move the simulated clock forward (server run with --simulated-clock)");
  advance->add_option("--hours", *hours, "Whole hours to add (0 just reads the clock)")
      ->required()
      ->check(CLI::NonNegativeNumber);
  AddCommon(advance, *common);
  advance->callback([=] {
    *chosen = [=] {
      boost::json::object body{{"Hours", *hours}};
      return Run(*common, "POST", "/amiplace/v1/clock/advance", &body);
    };
  });

  CLI::App* buyer = app.add_subcommand("buyer", "Buyer commands");
  buyer->require_subcommand(1);
  auto query = std::make_shared<std::string>();
  auto product_id = std::make_shared<std::string>();

  CLI::App* search = buyer->add_subcommand("search", "Search the products you can see");
  search->add_option("--query", *query, "Words to find in titles, descriptions, keywords, categories");
  AddCommon(search, *common);
  search->callback([=] {
    *chosen = [=] {
      return Run(*common, "GET", "/amiplace/v1/products?query=" + UrlEncode(*query), nullptr);
    };
  });

  CLI::App* describe = buyer->add_subcommand("describe-product", "A product's versions, regions and AMIs");
  describe->add_option("--product-id", *product_id, "prod-...")->required();
  AddCommon(describe, *common);
  describe->callback([=] {
    *chosen = [=] {
      return Run(*common, "GET", "/amiplace/v1/products/" + UrlEncode(*product_id), nullptr);
    };
  });

  CLI::App* subscribe = buyer->add_subcommand("subscribe", "Subscribe to a product");
  subscribe->add_option("--product-id", *product_id, "prod-...")->required();
  AddCommon(subscribe, *common);
  subscribe->callback([=] {
    *chosen = [=] {
      boost::json::object body{{"ProductId", *product_id}};
      return Run(*common, "POST", "/amiplace/v1/subscriptions", &body);
    };
  });

  CLI::App* cancel = buyer->add_subcommand("cancel-subscription", "Cancel a subscription");
  cancel->add_option("--product-id", *product_id, "prod-...")->required();
  AddCommon(cancel, *common);
  cancel->callback([=] {
    *chosen = [=] {
      boost::json::object body{{"ProductId", *product_id}};
      return Run(*common, "POST", "/amiplace/v1/subscriptions/cancel", &body);
    };
  });

  CLI::App* list_subs = buyer->add_subcommand("list-subscriptions", "Your subscriptions");
  AddCommon(list_subs, *common);
  list_subs->callback([=] {
    *chosen = [=] { return Run(*common, "GET", "/amiplace/v1/subscriptions", nullptr); };
  });

  auto month = std::make_shared<std::string>();
  CLI::App* get_bill = buyer->add_subcommand("get-bill", "Your bill for a month (UTC)");
  get_bill->add_option("--month", *month, "YYYY-MM (default: the current month)");
  AddCommon(get_bill, *common);
  get_bill->callback([=] {
    *chosen = [=] {
      std::string path = "/amiplace/v1/bill";
      if (!month->empty()) path += "?month=" + UrlEncode(*month);
      return Run(*common, "GET", path, nullptr);
    };
  });

  CLI::App* seller = app.add_subcommand("seller", "Seller commands");
  seller->require_subcommand(1);
  RegisterSellerReportCommands(seller, chosen);
  RegisterPlfCommands(app, chosen);

  return [chosen] { return *chosen ? (*chosen)() : -1; };
}

}  // namespace amiplace::cli
