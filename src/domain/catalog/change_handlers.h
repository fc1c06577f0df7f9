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
std::unique_ptr<ChangeTypeHandler> MakeAddDeliveryOptions();
std::unique_ptr<ChangeTypeHandler> MakeUpdateDeliveryOptions();
std::unique_ptr<ChangeTypeHandler> MakeRestrictDeliveryOptions();
std::unique_ptr<ChangeTypeHandler> MakeAddRegions();
std::unique_ptr<ChangeTypeHandler> MakeRestrictRegions();
std::unique_ptr<ChangeTypeHandler> MakeUpdateFutureRegionSupport();
std::unique_ptr<ChangeTypeHandler> MakeAddInstanceTypes();
std::unique_ptr<ChangeTypeHandler> MakeRestrictInstanceTypes();
std::unique_ptr<ChangeTypeHandler> MakeAddDimensions();
std::unique_ptr<ChangeTypeHandler> MakeUpdateDimensions();
std::unique_ptr<ChangeTypeHandler> MakeRestrictDimensions();
std::unique_ptr<ChangeTypeHandler> MakeUpdateProductTargeting();
// Offer@1.0
std::unique_ptr<ChangeTypeHandler> MakeCreateOffer();
std::unique_ptr<ChangeTypeHandler> MakeUpdateOfferInformation();
std::unique_ptr<ChangeTypeHandler> MakeUpdatePricingTerms();
std::unique_ptr<ChangeTypeHandler> MakeUpdateLegalTerms();
std::unique_ptr<ChangeTypeHandler> MakeUpdateSupportTerms();
std::unique_ptr<ChangeTypeHandler> MakeUpdateOfferTargeting();
std::unique_ptr<ChangeTypeHandler> MakeUpdateAvailability();
std::unique_ptr<ChangeTypeHandler> MakeReleaseOffer();

}  // namespace amiplace
