#include "sim/time.h"

#include <charconv>

namespace pipecheck::sim {

std::optional<Millis> ParseDuration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, number);
  if (error != std::errc() || end != text.data() + digits) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  Millis scale = 0;
  if (unit.empty() || unit == "s") {
    scale = kSecond;
  } else if (unit == "ms") {
    scale = 1;
  } else if (unit == "m") {
    scale = kMinute;
  } else if (unit == "h") {
    scale = kHour;
  } else if (unit == "d") {
    scale = kDay;
  } else {
    return std::nullopt;
  }
  constexpr Millis kLimit = 3650 * kDay;  // Ten years is far past any retention.
  if (number > kLimit / scale) return std::nullopt;
  return number * scale;
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

}  // namespace pipecheck::sim
