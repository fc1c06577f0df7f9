// The Marketplace Catalog API 2018-09-17 on rest-json: binds each of the 13 operations'
// requests (validated against AWS's service model, so every model limit answers 422 naming the
// field), calls the CatalogService, and shapes the responses as AWS does. Thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "app/catalog_service.h"
#include "protocols/http/message.h"
#include "protocols/model/service_model.h"

namespace amiplace::protocols {

class CatalogApi {
 public:
  CatalogApi(CatalogService& service, const model::ServiceModel& model)
      : service_(service), model_(model) {}

  // The Catalog operation a request is for, or nullptr.
  const model::ServiceModel::Operation* Match(const http::Request& req) const;
  static bool IsWrite(std::string_view operation);

  Result<boost::json::object> Handle(const model::ServiceModel::Operation& op,
                                     const http::Request& req, const Caller& caller);

 private:
  using Json = boost::json::object;
  Result<Json> StartChangeSet(const Json& in, const Caller& caller);
  Result<Json> DescribeChangeSet(const Json& in, const Caller& caller);
  Result<Json> CancelChangeSet(const Json& in, const Caller& caller);
  Result<Json> ListChangeSets(const Json& in, const Caller& caller);
  Result<Json> DescribeEntity(const Json& in, const Caller& caller);
  Result<Json> BatchDescribeEntities(const Json& in, const Caller& caller);
  Result<Json> ListEntities(const Json& in, const Caller& caller);
  Result<Json> TagResource(const Json& in, const Caller& caller);
  Result<Json> UntagResource(const Json& in, const Caller& caller);
  Result<Json> ListTagsForResource(const Json& in, const Caller& caller);
  Result<Json> PutResourcePolicy(const Json& in, const Caller& caller);
  Result<Json> GetResourcePolicy(const Json& in, const Caller& caller);
  Result<Json> DeleteResourcePolicy(const Json& in, const Caller& caller);

  CatalogService& service_;
  const model::ServiceModel& model_;
};

// Response shapes, shared with the amiplace API and tests.
boost::json::object DescribeEntityJson(const Entity& e);
boost::json::object ChangeSetJson(const ChangeSet& cs);
boost::json::object ChangeSetSummaryJson(const ChangeSet& cs);
boost::json::object EntitySummaryJson(const Entity& e);

}  // namespace amiplace::protocols
