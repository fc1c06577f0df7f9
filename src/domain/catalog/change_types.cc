// The table of supported change types.
#include "domain/catalog/change_handlers.h"

namespace amiplace {

const ChangeTypeRegistry& BuiltinChangeTypes() {
  static const ChangeTypeRegistry* registry = [] {
    auto* r = new ChangeTypeRegistry();
    r->Register(MakeCreateProduct());
    r->Register(MakeUpdateProductInformation());
    r->Register(MakeUpdateVisibility());
    r->Register(MakeReleaseProduct());
    r->Register(MakeAddDeliveryOptions());
    r->Register(MakeUpdateDeliveryOptions());
    r->Register(MakeRestrictDeliveryOptions());
    r->Register(MakeAddRegions());
    r->Register(MakeRestrictRegions());
    r->Register(MakeUpdateFutureRegionSupport());
    r->Register(MakeAddInstanceTypes());
    r->Register(MakeRestrictInstanceTypes());
    r->Register(MakeAddDimensions());
    r->Register(MakeUpdateDimensions());
    r->Register(MakeRestrictDimensions());
    r->Register(MakeUpdateProductTargeting());
    r->Register(MakeCreateOffer());
    r->Register(MakeUpdateOfferInformation());
    r->Register(MakeUpdatePricingTerms());
    r->Register(MakeUpdateLegalTerms());
    r->Register(MakeUpdateSupportTerms());
    r->Register(MakeUpdateOfferTargeting());
    r->Register(MakeUpdateAvailability());
    r->Register(MakeReleaseOffer());
    return r;
  }();
  return *registry;
}

}  // namespace amiplace
