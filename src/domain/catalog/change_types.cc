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
    r->Register(MakeCreateOffer());
    r->Register(MakeUpdateOfferInformation());
    return r;
  }();
  return *registry;
}

}  // namespace amiplace
