// Buyers' monthly bills (CONTRACT §4 `amiplace buyer get-bill`, §8 Bills). A bill is computed
// when asked, never stored: instance-hours come from the instance state log (the store appends
// to it with every launch and state change), metered usage from the Metering Service's records,
// prices from each product's public offer as it is now. The rules (partial hours, months,
// rounding, free trials, BYOL) are domain/commerce/bill.h's and docs/BILLING.md's.
// Thread-safe (the store and the clock are).
#pragma once

#include <optional>
#include <string_view>

#include "app/ports.h"
#include "core/clock.h"
#include "domain/account.h"
#include "domain/commerce/bill.h"

namespace amiplace {

class BillingService {
 public:
  struct Options {
    // The instance service's: how long pending lasts before running (instance.h).
    Millis settle_delay = kDefaultSettleDelay;
  };
  BillingService(Store& store, const Clock& clock, Options options)
      : store_(store), clock_(clock), options_(options) {}
  BillingService(Store& store, const Clock& clock) : BillingService(store, clock, Options{}) {}

  // The caller's bill for `month` ("YYYY-MM"; the current month of the clock when absent), as of
  // now. kValidation for a month that is not YYYY-MM.
  Result<Bill> BillFor(const Caller& caller, std::optional<std::string_view> month);
  // The same for an account, at an instant (the reports and tests use it).
  Result<Bill> BillOf(std::string_view account_id, const BillingMonth& month, TimePoint now);

 private:
  Store& store_;
  const Clock& clock_;
  Options options_;
};

}  // namespace amiplace
