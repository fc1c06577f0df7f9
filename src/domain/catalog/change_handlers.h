// Factories for every change-type handler; change_types.cc registers them in one table.
// Adding a change type = one new file with its handler + one line in that table.
#pragma once

#include <memory>

#include "domain/changeset/change_type.h"

namespace amiplace {

// AmiProduct@1.0
std::unique_ptr<ChangeTypeHandler> MakeCreateProduct();
std::unique_ptr<ChangeTypeHandler> MakeUpdateProductInformation();
std::unique_ptr<ChangeTypeHandler> MakeUpdateVisibility();
std::unique_ptr<ChangeTypeHandler> MakeReleaseProduct();
// Offer@1.0
std::unique_ptr<ChangeTypeHandler> MakeCreateOffer();
std::unique_ptr<ChangeTypeHandler> MakeUpdateOfferInformation();

}  // namespace amiplace
