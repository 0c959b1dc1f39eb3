#include "cli/options.h"

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::cli {

namespace cp = model::clickpipe;

ModelName ParseModelFlag(const std::string& value) {
  if (value == "clickpipe") return ModelName::kClickPipe;
  if (value == "mongosync") return ModelName::kMongosync;
  throw InputError(fmt::format("unknown model '{}'; expected clickpipe or mongosync", value),
                   "--model");
}

cp::Profile ParseProfileFlag(ModelName model, const std::string& value) {
  if (value.empty()) return cp::Profile::kCurrent;
  if (model != ModelName::kClickPipe) {
    throw InputError("only the clickpipe model has profiles", "--profile");
  }
  if (const auto profile = cp::ParseProfile(value)) return *profile;
  throw InputError(fmt::format("unknown profile '{}'; expected current or 2024", value),
                   "--profile");
}

cp::Mode ParseModeFlag(ModelName model, cp::Profile profile, const std::string& value) {
  if (value.empty()) return cp::Mode::kCdc;
  if (model != ModelName::kClickPipe) {
    throw InputError("only the clickpipe model has modes", "--mode");
  }
  const auto mode = cp::ParseMode(value);
  if (!mode) {
    throw InputError(fmt::format("unknown mode '{}'; expected cdc, cdc_only or snapshot", value),
                     "--mode");
  }
  if (!cp::HasModes(profile) && *mode != cp::Mode::kCdc) {
    throw InputError(
        fmt::format("profile {} has no modes (its pipes behave as cdc); mode '{}' does not exist",
                    cp::ToString(profile), value),
        "--mode");
  }
  return *mode;
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

}  // namespace pipecheck::cli
