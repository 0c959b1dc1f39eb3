// bindings/flags.h: parsing the flag values every binding shares: fault
// budgets (--budget) and step context (--set KEY=VALUE). Each bad value is an
// InputError naming the flag.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::bindings {

// "crash=1,expiry=2": each named budget 0..3; `budget[i]` is the budget of
// `names[i]`, left as it is when the text does not name it.
void ParseBudget(const std::string& text, std::span<const std::string_view> names,
                 std::span<std::uint8_t> budget);

// A KEY=VALUE pair of `--set`.
struct Setting {
  std::string key;
  std::string value;
};
std::vector<Setting> ParseSettings(const std::vector<std::string>& words);

bool ParseBool(const Setting& setting);

// The value a vocabulary's parser found, or an InputError listing `expected`.
template <typename T>
T Require(std::optional<T> parsed, const Setting& setting, std::string_view expected) {
  if (parsed) return *parsed;
  throw InputError(fmt::format("unknown value '{}' for {}; expected {}", setting.value,
                               setting.key, expected),
                   "--set " + setting.key);
}

[[noreturn]] void UnknownKey(const Setting& setting, std::string_view keys);

}  // namespace pipecheck::bindings
