#include "bindings/flags.h"

namespace pipecheck::bindings {

void ParseBudget(const std::string& text, std::span<const std::string_view> names,
                 std::span<std::uint8_t> budget) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto equals = item.find('=');
    const std::string name(item.substr(0, equals));
    std::size_t index = names.size();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) index = i;
    }
    std::string known;
    for (const auto n : names) known += (known.empty() ? "" : ", ") + std::string(n);
    if (equals == std::string_view::npos || index == names.size()) {
      throw InputError(fmt::format("'{}' is not NAME=K with NAME one of {}", item, known), "--budget");
    }
    const std::string value(item.substr(equals + 1));
    if (value.size() != 1 || value[0] < '0' || value[0] > '3') {
      throw InputError(fmt::format("budget '{}' must be 0 to 3", value), "--budget " + name);
    }
    budget[index] = static_cast<std::uint8_t>(value[0] - '0');
  }
}

std::vector<Setting> ParseSettings(const std::vector<std::string>& words) {
  std::vector<Setting> settings;
  for (const std::string& word : words) {
    const auto equals = word.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw InputError(fmt::format("'{}' is not KEY=VALUE", word), "--set");
    }
    settings.push_back({word.substr(0, equals), word.substr(equals + 1)});
  }
  return settings;
}

bool ParseBool(const Setting& setting) {
  if (setting.value == "true") return true;
  if (setting.value == "false") return false;
  throw InputError(fmt::format("{} must be true or false, not '{}'", setting.key, setting.value),
                   "--set " + setting.key);
}

void UnknownKey(const Setting& setting, std::string_view keys) {
  throw InputError(fmt::format("unknown key '{}'; expected one of {}", setting.key, keys), "--set");
}

}  // namespace pipecheck::bindings
