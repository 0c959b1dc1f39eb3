// fuzz/duration.cc: sim::ParseDuration, the durations of scenario files,
// flags and the control API, against a plain reference reading of its
// grammar (sim/time.h), and FormatDuration's spelling read back.
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "fuzz/fuzz.h"
#include "sim/time.h"

namespace {

using pipecheck::sim::Millis;
__extension__ typedef __int128 Wide;  // Wide enough for any 12-digit number of days in ms.

// The grammar of sim/time.h, read the slow way: a plain number of seconds,
// or NUMBER UNIT parts, each number of 1 to 12 digits; the total at most
// ten years.
std::optional<Millis> Reference(std::string_view text) {
  constexpr Wide kLimit = Wide{3650} * 24 * 3600 * 1000;
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (const char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  Wide total = 0;
  if (all_digits) {
    if (text.size() > 12) return std::nullopt;
    for (const char c : text) total = total * 10 + (c - '0');
    total *= 1000;
  } else {
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t start = i;
      Wide number = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (i - start == 12) return std::nullopt;  // A 13th digit.
        number = number * 10 + (text[i++] - '0');
      }
      if (i == start) return std::nullopt;
      const std::string_view rest = text.substr(i);
      Wide scale = 0;
      if (rest.starts_with("ms")) {
        scale = 1;
        i += 2;
      } else if (rest.starts_with("s")) {
        scale = 1000;
        ++i;
      } else if (rest.starts_with("m")) {
        scale = 60 * 1000;
        ++i;
      } else if (rest.starts_with("h")) {
        scale = 3600 * 1000;
        ++i;
      } else if (rest.starts_with("d")) {
        scale = 24 * 3600 * 1000;
        ++i;
      } else {
        return std::nullopt;
      }
      total += number * scale;
      if (total > kLimit) return std::nullopt;
    }
  }
  if (total > kLimit) return std::nullopt;
  return static_cast<Millis>(total);
}

}  // namespace

PIPECHECK_FUZZ_TARGET(duration) {
  using pipecheck::fuzz::Finding;
  const std::string_view text = pipecheck::fuzz::Text(input);
  const std::optional<Millis> parsed = pipecheck::sim::ParseDuration(text);
  const std::optional<Millis> expected = Reference(text);
  if (parsed != expected) {
    Finding(fmt::format("ParseDuration(\"{}\") is {}, the grammar says {}", text,
                        parsed ? fmt::format("{} ms", *parsed) : "refused",
                        expected ? fmt::format("{} ms", *expected) : "refused"));
  }
  if (parsed) {
    const std::string spelled = pipecheck::sim::FormatDuration(*parsed);
    if (pipecheck::sim::ParseDuration(spelled) != parsed) {
      Finding(fmt::format("FormatDuration({}) is \"{}\", which does not read back", *parsed, spelled));
    }
  }
}
