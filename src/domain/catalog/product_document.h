// The AmiProduct@1.0 DetailsDocument: how a new product's document looks, and the rules that
// read it (completeness, category names). Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace amiplace::product {

// A new Draft product's document.
boost::json::object NewDocument(std::string_view product_code, std::string_view manufacturer);

boost::json::object& Description(boost::json::object& doc);
boost::json::object& Section(boost::json::object& doc, std::string_view name);

// The description fields AWS requires once a product's information is first filled, missing
// from `doc` (by UpdateInformation's input names).
std::vector<std::string> MissingInformation(const boost::json::object& doc);

bool IsKnownCategory(std::string_view name);
// Every category IsKnownCategory accepts, in a stable order.
std::span<const std::string_view> KnownCategories();

}  // namespace amiplace::product
