#include "sim/time.h"

#include <charconv>

#include <fmt/format.h>

namespace pipecheck::sim {

std::optional<Millis> ParseDuration(std::string_view text) {
  // A plain number of seconds, or one or more NUMBER UNIT parts ("1h30m").
  constexpr Millis kLimit = 3650 * kDay;  // Ten years is far past any retention.
  if (text.empty()) return std::nullopt;
  Millis total = 0;
  bool plain = true;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 12) return std::nullopt;
    std::int64_t number = 0;
    std::from_chars(text.data(), text.data() + digits, number);
    text.remove_prefix(digits);
    Millis scale = 0;
    if (text.empty() && plain) {
      scale = kSecond;
    } else if (text.starts_with("ms")) {
      scale = 1;
      text.remove_prefix(2);
    } else if (!text.empty()) {
      switch (text.front()) {
        case 's': scale = kSecond; break;
        case 'm': scale = kMinute; break;
        case 'h': scale = kHour; break;
        case 'd': scale = kDay; break;
        default: return std::nullopt;
      }
      text.remove_prefix(1);
    } else {
      return std::nullopt;  // "1h30": a number without its unit after a part.
    }
    plain = false;
    if (number > (kLimit - total) / scale) return std::nullopt;
    total += number * scale;
  }
  return total;
}

std::string FormatDuration(Millis millis) {
  struct Unit {
    Millis size;
    const char* name;
  };
  constexpr Unit kUnits[] = {{kDay, "d"}, {kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}};
  for (const Unit& unit : kUnits) {
    if (millis != 0 && millis % unit.size == 0) return std::to_string(millis / unit.size) + unit.name;
  }
  if (millis == 0) return "0s";
  return std::to_string(millis) + "ms";
}

std::string FormatClock(Millis millis) {
  // The magnitude as unsigned, so that the most negative Millis has one too.
  const std::uint64_t size = millis < 0 ? 0 - static_cast<std::uint64_t>(millis)
                                        : static_cast<std::uint64_t>(millis);
  const auto day = static_cast<std::uint64_t>(kDay);
  const std::uint64_t days = size / day;
  const std::uint64_t rest = size % day;
  const std::uint64_t ms = rest % 1000;
  const std::uint64_t seconds = rest / 1000;
  return fmt::format("{}{}{}:{:02}:{:02}.{:03}", millis < 0 ? "-" : "",
                     days == 0 ? std::string() : fmt::format("{}d ", days), seconds / 3600,
                     seconds / 60 % 60, seconds % 60, ms);
}

}  // namespace pipecheck::sim
