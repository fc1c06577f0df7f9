// Benchmarks for the Catalog API against a running server (not a test; see docs/PERFORMANCE.md).
//
//   catalog_bench sign-describe ENDPOINT ENTITY_ID
//       prints the headers of a signed DescribeEntity request (valid for 15 minutes) for wrk.
//   catalog_bench change-sets ENDPOINT COUNT CONNECTIONS
//       starts COUNT CreateProduct change sets over CONNECTIONS keep-alive connections and waits
//       until every one is SUCCEEDED; prints durable change sets per second, start to SUCCEEDED.
//   catalog_bench create-product ENDPOINT
//       creates one product and prints its ID.
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (a seller's).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/client.h"
#include "protocols/sigv4/sigv4.h"

namespace {

using namespace std::chrono;
using amiplace::cli::Client;
using amiplace::cli::ClientConfig;

ClientConfig Config(const std::string& endpoint) {
  return amiplace::cli::ConfigFromEnvironment(endpoint, "us-east-1");
}

std::string CreateProductBody(int n) {
  return "{\"Catalog\":\"AWSMarketplace\",\"ChangeSet\":[{\"ChangeType\":\"CreateProduct\","
         "\"Entity\":{\"Type\":\"AmiProduct@1.0\"},\"DetailsDocument\":{\"ProductTitle\":\"Bench " +
         std::to_string(n) + "\"}}]}";
}

int SignDescribe(const std::string& endpoint, const std::string& entity_id) {
  ClientConfig c = Config(endpoint);
  std::string hostport = endpoint.substr(endpoint.find("//") + 2);
  amiplace::sigv4::OutgoingRequest req;
  req.method = "GET";
  req.path = "/DescribeEntity";
  req.query = "catalog=AWSMarketplace&entityId=" + entity_id;
  req.headers.push_back({"Host", hostport});
  amiplace::sigv4::Sign(req, c.credentials, c.region, "aws-marketplace", system_clock::now());
  for (const auto& h : req.headers) {
    if (h.name != "Host") std::cout << h.name << ": " << h.value << "\n";
  }
  return 0;
}

int CreateProduct(const std::string& endpoint) {
  Client client(Config(endpoint));
  auto r = client.Call("POST", "/StartChangeSet", CreateProductBody(0), "aws-marketplace");
  if (!r.ok()) {
    std::cerr << r.status().message() << "\n";
    return 1;
  }
  std::string id(r->at("ChangeSetId").as_string());
  for (int i = 0; i < 200; ++i) {
    auto d = client.Call("GET", "/DescribeChangeSet?catalog=AWSMarketplace&changeSetId=" + id, "",
                         "aws-marketplace");
    if (d.ok() && d->at("Status").as_string() == "SUCCEEDED") {
      std::cout << std::string(d->at("ChangeSet").at(0).at("Entity").at("Identifier").as_string()) << "\n";
      return 0;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::cerr << "change set did not succeed\n";
  return 1;
}

int ChangeSets(const std::string& endpoint, int count, int connections) {
  std::atomic<int> next{0}, failed{0};
  std::vector<std::vector<std::string>> ids(connections);
  auto start = steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      Client client(Config(endpoint));
      for (int n = next++; n < count; n = next++) {
        auto r = client.Call("POST", "/StartChangeSet", CreateProductBody(n), "aws-marketplace");
        if (!r.ok()) {
          ++failed;
          continue;
        }
        ids[t].emplace_back(r->at("ChangeSetId").as_string());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto submitted = steady_clock::now();
  // Wait until every acknowledged change set is SUCCEEDED.
  Client client(Config(endpoint));
  std::set<std::string> pending;
  for (auto& v : ids) pending.insert(v.begin(), v.end());
  size_t acknowledged = pending.size();
  int not_succeeded = 0;
  while (!pending.empty()) {
    for (auto it = pending.begin(); it != pending.end();) {
      auto d = client.Call("GET", "/DescribeChangeSet?catalog=AWSMarketplace&changeSetId=" + *it,
                           "", "aws-marketplace");
      if (d.ok()) {
        std::string status(d->at("Status").as_string());
        if (status == "SUCCEEDED" || status == "FAILED" || status == "CANCELLED") {
          if (status != "SUCCEEDED") ++not_succeeded;
          it = pending.erase(it);
          continue;
        }
      }
      break;  // the oldest pending is not done yet: wait a little
    }
    if (!pending.empty()) std::this_thread::sleep_for(milliseconds(5));
  }
  auto done = steady_clock::now();
  double submit_s = duration<double>(submitted - start).count();
  double total_s = duration<double>(done - start).count();
  std::printf("change sets acknowledged: %zu (failed requests: %d, not SUCCEEDED: %d)\n",
              acknowledged, failed.load(), not_succeeded);
  std::printf("StartChangeSet: %.0f req/s over %d connections (%.2f s)\n",
              acknowledged / submit_s, connections, submit_s);
  std::printf("start to SUCCEEDED: %.0f change sets/s (%.2f s for all)\n", acknowledged / total_s,
              total_s);
  return failed == 0 && not_succeeded == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "sign-describe") return SignDescribe(args[1], args[2]);
  if (args.size() == 2 && args[0] == "create-product") return CreateProduct(args[1]);
  if (args.size() == 4 && args[0] == "change-sets") {
    return ChangeSets(args[1], std::stoi(args[2]), std::stoi(args[3]));
  }
  std::fprintf(stderr,
               "usage: catalog_bench sign-describe ENDPOINT ENTITY_ID\n"
               "       catalog_bench create-product ENDPOINT\n"
               "       catalog_bench change-sets ENDPOINT COUNT CONNECTIONS\n");
  return 2;
}
