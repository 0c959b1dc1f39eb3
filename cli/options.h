// cli/options.h: turning command-line words into model values.
//
// Every unknown name is an InputError naming the flag, so that the user sees
// one line and exit code 2, never a silent default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/clickpipe.h"
#include "model/mongosync.h"

namespace pipecheck::cli {

enum class ModelName { kClickPipe, kMongosync };

ModelName ParseModelFlag(const std::string& value);
model::clickpipe::Profile ParseProfileFlag(ModelName model, const std::string& value);
// `value` empty means the default mode (cdc).
model::clickpipe::Mode ParseModeFlag(ModelName model, model::clickpipe::Profile profile,
                                     const std::string& value);

// A KEY=VALUE pair of `--set`.
struct Setting {
  std::string key;
  std::string value;
};
std::vector<Setting> ParseSettings(const std::vector<std::string>& words);

}  // namespace pipecheck::cli
