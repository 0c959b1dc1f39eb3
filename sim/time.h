// sim/time.h: virtual time. Integer milliseconds; nothing reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipecheck::sim {

using Millis = std::int64_t;

inline constexpr Millis kSecond = 1000;
inline constexpr Millis kMinute = 60 * kSecond;
inline constexpr Millis kHour = 60 * kMinute;
inline constexpr Millis kDay = 24 * kHour;

// "250ms", "30s", "5m", "24h", "2d", or a plain number of seconds ("90").
// Returns nullopt for anything else (negative, empty, unknown unit, overflow).
std::optional<Millis> ParseDuration(std::string_view text);

// The shortest exact spelling: 90000 -> "90s", 3600000 -> "1h", 1500 -> "1500ms".
// For durations that are read back (scenario files, flags echoed as typed).
std::string FormatDuration(Millis millis);

// A time on a trace's clock, for people: "h:mm:ss.mmm", and "Nd h:mm:ss.mmm"
// from one day on: 0 -> "0:00:00.000", 90000 -> "0:01:30.000",
// 93784005 -> "1d 2:03:04.005". A negative time gets a leading "-".
std::string FormatClock(Millis millis);

}  // namespace pipecheck::sim
