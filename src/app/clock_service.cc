#include "app/clock_service.h"

#include <fmt/format.h>

namespace amiplace {

namespace {
// A century: far beyond any test, and far from overflowing milliseconds.
constexpr int64_t kMaxHours = 100LL * 366 * 24;
}  // namespace

Result<TimePoint> ClockService::Advance(const Caller& caller, int64_t hours) {
  if (caller.account.type != AccountType::kOperator) {
    return AccessDeniedError("Only the marketplace operator may advance the clock");
  }
  if (hours < 0 || hours > kMaxHours) {
    return ValidationError(
        fmt::format("Hours: must be a whole number from 0 to {}; got {}", kMaxHours, hours));
  }
  if (simulated_ == nullptr) {
    return Status(ErrorCode::kUnsupported,
                  "The clock cannot be advanced: the server runs on the real clock (start it "
                  "with `amiplace serve --simulated-clock`)");
  }
  if (hours == 0) return clock_.Now();
  std::lock_guard lock(mu_);
  AMIPLACE_ASSIGN_OR_RETURN(Millis offset, store_.GetClockOffset());
  const Millis next = offset + std::chrono::duration_cast<Millis>(std::chrono::hours(hours));
  AMIPLACE_RETURN_IF_ERROR(store_.SetClockOffset(next));
  simulated_->SetOffset(next);
  return clock_.Now();
}

}  // namespace amiplace
