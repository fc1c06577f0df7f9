// Shared rules of the AmiProduct delivery-option change types (Add/Update/Restrict
// DeliveryOptions): the input checks of an AmiDeliveryOptionDetails, its stored form in a
// version's DeliveryOptions[] (AWS's output names: Protocol/CidrIps for IpProtocol/IpRanges),
// and the marketplace's copies of a version's image in a product's regions. Pure functions.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/changeset/change_type.h"

namespace amiplace::delivery {

// The option's details object, accepted under "Details" (AWS's documents) or "DetailsDocument"
// (AWS's samples). nullptr when neither.
const boost::json::object* OptionDetails(const boost::json::object& option);

// Checks an AmiDeliveryOptionDetails. With `for_update`, every member is optional and AmiSource
// is not allowed (the image of a version cannot change).
Status ValidateAmiDetails(const boost::json::value& v, std::string_view field, bool for_update);

// Async checks shared by add and update: CIDRs, port ranges, the recommended type.
std::vector<ErrorDetail> CheckAmiDetails(const boost::json::object& details);

// Writes the input members of `details` onto a stored delivery option.
void ApplyAmiDetails(const boost::json::object& details, boost::json::object& option);

// Makes the marketplace's copy of `source` (its us-east-1 marketplace image) in `region` and
// returns its ID; in the source's own region, returns the source's ID.
std::string CopyToRegion(ApplyContext& ctx, const Image& source, std::string_view region,
                         std::string_view product_code);

// The marketplace AMI of each version (Sources[].Image), for AddRegions.
std::vector<std::string> VersionImages(const boost::json::object& product_doc);

bool IsValidCidr(std::string_view cidr);

}  // namespace amiplace::delivery
