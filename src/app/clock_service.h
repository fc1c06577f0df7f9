// The simulated clock's operator control (CONTRACT §4 `admin advance-clock`, §8 "Clock"): under
// `serve --simulated-clock` the marketplace's time is real time plus an offset kept in the store;
// advancing adds whole hours to the stored offset (durably) and then to the running clock. Only
// the operator may do it, and only on a server run with --simulated-clock. Advances are
// serialised so that concurrent calls add up. Thread-safe.
#pragma once

#include <mutex>

#include "app/ports.h"
#include "core/clock.h"
#include "domain/account.h"

namespace amiplace {

class ClockService {
 public:
  // `simulated` is null when the server runs on the real clock.
  ClockService(MetaStore& store, OffsetClock* simulated, const Clock& clock)
      : store_(store), simulated_(simulated), clock_(clock) {}

  // Adds `hours` (≥ 0; 0 just reads the clock) and returns the marketplace's time after it.
  Result<TimePoint> Advance(const Caller& caller, int64_t hours);

 private:
  MetaStore& store_;
  OffsetClock* simulated_;
  const Clock& clock_;
  std::mutex mu_;
};

}  // namespace amiplace
