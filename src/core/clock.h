// Time for amiplace. Clock is the port every time-based rule reads; SystemClock is real time and
// OffsetClock is real time plus an offset (the simulated clock of CONTRACT §8, whose offset the
// store keeps). Both are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace amiplace {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Millis offset = Millis(0)) : offset_ms_(offset.count()) {}
  TimePoint Now() const override {
    return std::chrono::system_clock::now() + Millis(offset_ms_.load());
  }
  void SetOffset(Millis offset) { offset_ms_.store(offset.count()); }
  Millis offset() const { return Millis(offset_ms_.load()); }

 private:
  std::atomic<int64_t> offset_ms_;
};

// Milliseconds since the Unix epoch, the store's representation of instants.
int64_t ToEpochMillis(TimePoint t);
TimePoint FromEpochMillis(int64_t ms);

// "2024-01-31T12:34:56Z": the 20-character DateTimeISO8601 form the Catalog API uses.
std::string FormatIso8601(TimePoint t);
// "2024-01-31T12:34:56.000Z": the millisecond form used inside entity documents.
std::string FormatIso8601Millis(TimePoint t);
// Parses the 20-character form (and, leniently, a fractional-seconds variant).
std::optional<TimePoint> ParseIso8601(std::string_view text);
// "20150830T123600Z", SigV4's basic form.
std::optional<TimePoint> ParseAmzDate(std::string_view text);

}  // namespace amiplace
