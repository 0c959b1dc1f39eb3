#include "cli/check_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "cli/check_output.h"
#include "model/input_error.h"
#include "properties/check.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::cli {

using properties::CheckReport;

namespace {

std::uint64_t ParseBytes(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string unit = text.substr(digits);
  std::uint64_t scale = 0;
  if (unit == "" || unit == "B") scale = 1;
  if (unit == "K" || unit == "KB") scale = 1ULL << 10;
  if (unit == "M" || unit == "MB") scale = 1ULL << 20;
  if (unit == "G" || unit == "GB") scale = 1ULL << 30;
  if (digits == 0 || digits > 12 || scale == 0) {
    throw InputError(fmt::format("bad size '{}'; expected a number with K, M or G, such as 4G", text),
                     "--max-memory");
  }
  return std::stoull(text.substr(0, digits)) * scale;
}

// Each violated property's scenario goes to DIR/<model>-<property>.json.
void WriteScenarios(CheckReport& report, const std::string& directory) {
  for (auto& property : report.properties) {
    if (!property.scenario) continue;
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    const std::string path =
        (std::filesystem::path(directory) / fmt::format("{}-{}.json", report.model, property.name)).string();
    std::ofstream file(path);
    file << sim::ToJson(*property.scenario).dump(2) << "\n";
    if (error || !file) {
      property.scenario_why = "cannot write " + path;
      property.scenario.reset();
      continue;
    }
    property.scenario_file = path;
  }
}

template <class B>
int Check(const CheckRequest& request, std::ostream& out, std::ostream& err) {
  B::ParseProfile(request.explore.profile);  // A bad --profile is refused before the limits.
  if (request.max_states < 1) throw InputError("must be at least 1", "--max-states");
  properties::ExploreLimits limits;
  limits.max_states = static_cast<std::uint64_t>(request.max_states);
  limits.max_memory_bytes = ParseBytes(request.max_memory);
  // The wall clock is read here, in the front end, never in properties/:
  // a time limit can only stop a search, it never changes what is found.
  const auto start = std::chrono::steady_clock::now();
  std::optional<sim::Millis> time_limit;
  if (!request.time_limit.empty()) {
    time_limit = sim::ParseDuration(request.time_limit);
    if (!time_limit) throw InputError(fmt::format("bad duration '{}'", request.time_limit), "--time-limit");
  }
  if (time_limit) {
    limits.interrupted = [start, limit = *time_limit] {
      return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(limit);
    };
  }
  if (request.progress || isatty(STDERR_FILENO) != 0) {
    limits.progress = [&err, start](std::uint64_t states, std::uint64_t frontier, std::uint32_t depth,
                                    std::uint64_t bytes) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      err << fmt::format("\rstates {}  {:.0f}/s  frontier {}  depth {}  memory {} MiB   ", states,
                         seconds > 0 ? static_cast<double>(states) / seconds : 0.0, frontier, depth,
                         bytes >> 20);
    };
  }
  const typename B::Space space = B::MakeSpace(request.explore);
  CheckReport report = properties::Check(space, limits, /*scenarios=*/true);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (limits.progress) err << "\n";
  WriteScenarios(report, request.counterexamples);
  if (request.format == "json") {
    out << ToJson(report, seconds).dump(2) << "\n";
  } else {
    PrintText(report, seconds, out);
  }
  if (report.verdict == properties::CheckVerdict::kFail) return 1;
  if (report.verdict == properties::CheckVerdict::kIncomplete) return 3;
  return 0;
}

}  // namespace

int RunCheck(const CheckRequest& request, std::ostream& out, std::ostream& err) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format), "--format");
  }
  return bindings::WithBinding(request.model,
                               [&]<class B>(B) { return Check<B>(request, out, err); });
}

}  // namespace pipecheck::cli
