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
std::string FormatDuration(Millis millis);

}  // namespace pipecheck::sim
