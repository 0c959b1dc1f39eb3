#include "sim/start_body.h"

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::sim {

namespace ms = model::mongosync;

namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& where) {
  throw InputError(what, where);
}

ms::WriteBlocking ParseWriteBlockingValue(const nlohmann::json& value, const std::string& where) {
  if (value.is_boolean()) {
    return value.get<bool>() ? ms::WriteBlocking::kSourceAndDestination : ms::WriteBlocking::kNone;
  }
  if (value.is_string()) {
    if (const auto parsed = ms::ParseWriteBlocking(value.get<std::string>())) return *parsed;
  }
  Fail(fmt::format("enableUserWriteBlocking must be \"sourceAndDestination\", "
                   "\"destinationOnly\", \"none\", true or false, not {}",
                   value.dump()),
       where);
}

}  // namespace

ms::StartOptions ParseStartBody(const nlohmann::json& body, const std::string& where) {
  if (!body.is_object()) Fail("the /start body must be a JSON object", where);
  ms::StartOptions options;
  for (const auto& [key, value] : body.items()) {
    const std::string path = fmt::format("{}.{}", where, key);
    if (key == "source" || key == "destination") {
      if (!value.is_string()) Fail(fmt::format("{} must be a string", key), path);
    } else if (key == "reversible") {
      if (!value.is_boolean()) Fail("reversible must be true or false", path);
      options.reversible = value.get<bool>();
    } else if (key == "enableUserWriteBlocking") {
      options.write_blocking = ParseWriteBlockingValue(value, path);
    } else if (key == "buildIndexes") {
      const auto parsed =
          value.is_string() ? ms::ParseBuildIndexes(value.get<std::string>()) : std::nullopt;
      if (!parsed) {
        Fail(fmt::format("buildIndexes must be one of afterDataCopy, beforeDataCopy, never, "
                         "excludeHashed, excludeHashedAfterCopy, not {}",
                         value.dump()),
             path);
      }
      options.build_indexes = *parsed;
    } else if (key == "verification") {
      if (!value.is_object()) Fail("verification must be an object {\"enabled\": bool}", path);
      for (const auto& [inner, flag] : value.items()) {
        if (inner != "enabled") Fail(fmt::format("unknown key \"{}\"", inner), path + "." + inner);
        if (!flag.is_boolean()) Fail("enabled must be true or false", path + ".enabled");
        options.verification = flag.get<bool>();
      }
    } else if (key == "includeNamespaces" || key == "excludeNamespaces") {
      if (!value.is_array()) Fail(fmt::format("{} must be an array", key), path);
    } else if (key == "sharding") {
      if (!value.is_object()) Fail("sharding must be an object", path);
    } else {
      Fail(fmt::format("unknown key \"{}\" in the /start body", key), path);
    }
  }
  return options;
}

nlohmann::json StartBodyJson(const ms::StartOptions& options) {
  return nlohmann::json{
      {"reversible", options.reversible},
      {"enableUserWriteBlocking", std::string(ms::ToString(options.write_blocking))},
      {"buildIndexes", std::string(ms::ToString(options.build_indexes))},
      {"verification", {{"enabled", options.verification}}},
  };
}

}  // namespace pipecheck::sim
