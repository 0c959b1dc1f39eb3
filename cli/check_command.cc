#include "cli/check_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "model/input_error.h"
#include "properties/check.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::cli {

namespace cp = model::clickpipe;
using nlohmann::ordered_json;
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

// "crash=1,expiry=2": each named budget 0..3.
template <std::size_t N>
void ParseBudget(const std::string& text, const std::array<std::string_view, N>& names,
                 std::array<std::uint8_t, N>& budget) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto equals = item.find('=');
    const std::string name(item.substr(0, equals));
    std::size_t index = N;
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == name) index = i;
    }
    std::string known;
    for (const auto n : names) known += (known.empty() ? "" : ", ") + std::string(n);
    if (equals == std::string_view::npos || index == N) {
      throw InputError(fmt::format("'{}' is not NAME=K with NAME one of {}", item, known), "--budget");
    }
    const std::string value(item.substr(equals + 1));
    if (value.size() != 1 || value[0] < '0' || value[0] > '3') {
      throw InputError(fmt::format("budget '{}' must be 0 to 3", value), "--budget " + name);
    }
    budget[index] = static_cast<std::uint8_t>(value[0] - '0');
  }
}

void PrintSteps(const std::vector<properties::TraceStep>& steps, std::size_t first, std::ostream& out) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    out << fmt::format("    {:>3}. {:<28} {}\n", first + i, steps[i].action, steps[i].rows);
    out << fmt::format("         => {}\n", steps[i].state);
  }
}

void PrintText(const CheckReport& report, double seconds, std::ostream& out) {
  std::string bounds;
  for (const auto& [name, value] : report.bounds) bounds += fmt::format(" {}={}", name, value);
  out << fmt::format("pipecheck check: {}{}; bounds:{}\n", report.model,
                     report.profile.empty() ? "" : fmt::format(" (profile {})", report.profile), bounds);
  const double rate = seconds > 0 ? static_cast<double>(report.states) / seconds : 0.0;
  out << fmt::format("states: {}   transitions: {}   depth: {}   time: {:.2f} s   {:.0f} states/s   "
                     "{:.1f} bytes/state\n",
                     report.states, report.transitions, report.depth, seconds, rate,
                     report.states ? static_cast<double>(report.memory_bytes) / static_cast<double>(report.states) : 0.0);
  auto join = [](const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
    return text.empty() ? std::string("none") : text;
  };
  out << "reachable: " << join(report.reachable) << "\n";
  out << "unreachable declared states: " << join(report.unreachable_declared)
      << (report.unreachable_declared.empty() ? "" : "  (a finding: declared by the documents, reached by no transition)")
      << "\n";
  out << "deadlocks: " << join(report.deadlocks) << "\n";
  std::size_t taken = 0;
  std::string never;
  for (const auto& row : report.rows) {
    if (row.taken) {
      ++taken;
    } else {
      never += fmt::format("\n    row {} {}", row.index, row.description);
    }
  }
  out << fmt::format("coverage: {} of {} rows taken{}\n", taken, report.rows.size(),
                     never.empty() ? "" : "; never taken:" + never);
  out << "properties:\n";
  for (const auto& property : report.properties) {
    out << fmt::format("  {:<11} {:<10} {}  [{}]{}\n", properties::ToString(property.verdict),
                       properties::ToString(property.expectation), property.name, property.source,
                       property.premise_of.empty() ? "" : fmt::format(" (premise of {})", property.premise_of));
  }
  for (const auto& property : report.properties) {
    if (property.verdict != properties::Verdict::kViolated) continue;
    out << fmt::format("\nVIOLATED {} [{}]: shortest trace, {} steps\n", property.name, property.source,
                       property.trace.size());
    out << fmt::format("    initial: {}\n", property.initial);
    PrintSteps(property.trace, 1, out);
    if (!property.scenario_file.empty()) {
      out << fmt::format("    scenario: {} (pipecheck replay {})\n", property.scenario_file,
                         property.scenario_file);
    } else if (!property.scenario_why.empty()) {
      out << fmt::format("    no scenario written: {}\n", property.scenario_why);
    }
    if (property.expectation == properties::Expectation::kEventually) {
      if (property.cycle.empty()) {
        out << "    then stays there forever: no weakly fair action is enabled\n";
      } else {
        out << "    then repeats forever:\n";
        PrintSteps(property.cycle, 1, out);
      }
    }
  }
  out << fmt::format("\nverdict: {}\n", properties::ToString(report.verdict));
}

ordered_json ToJson(const CheckReport& report, double seconds) {
  ordered_json out;
  out["model"] = report.model;
  if (!report.profile.empty()) out["profile"] = report.profile;
  out["bounds"] = ordered_json::object();
  for (const auto& [name, value] : report.bounds) out["bounds"][name] = value;
  out["verdict"] = std::string(properties::ToString(report.verdict));
  out["states"] = report.states;
  out["transitions"] = report.transitions;
  out["depth"] = report.depth;
  out["seconds"] = seconds;
  out["states_per_second"] = seconds > 0 ? static_cast<double>(report.states) / seconds : 0.0;
  out["bytes_per_state"] = report.states ? report.memory_bytes / report.states : 0;
  out["reachable"] = report.reachable;
  out["unreachable_declared"] = report.unreachable_declared;
  out["deadlocks"] = report.deadlocks;
  out["coverage"] = ordered_json::array();
  for (const auto& row : report.rows) {
    out["coverage"].push_back({{"row", row.index}, {"transition", row.description}, {"taken", row.taken}});
  }
  out["properties"] = ordered_json::array();
  for (const auto& property : report.properties) {
    ordered_json item{{"name", property.name},
                      {"expectation", std::string(properties::ToString(property.expectation))},
                      {"verdict", std::string(properties::ToString(property.verdict))},
                      {"source", property.source}};
    if (!property.premise_of.empty()) item["premise_of"] = property.premise_of;
    item["trace"] = ordered_json::array();
    if (property.verdict == properties::Verdict::kViolated) {
      item["initial"] = property.initial;
      for (const auto& step : property.trace) {
        item["trace"].push_back({{"action", step.action}, {"rows", step.rows}, {"state", step.state}});
      }
      if (!property.scenario_file.empty()) item["scenario"] = property.scenario_file;
      if (!property.scenario_why.empty()) item["scenario_error"] = property.scenario_why;
      if (property.expectation == properties::Expectation::kEventually) {
        item["cycle"] = ordered_json::array();
        for (const auto& step : property.cycle) {
          item["cycle"].push_back({{"action", step.action}, {"rows", step.rows}, {"state", step.state}});
        }
      }
    }
    out["properties"].push_back(std::move(item));
  }
  return out;
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

}  // namespace

int RunCheck(const CheckRequest& request, std::ostream& out, std::ostream& err) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format), "--format");
  }
  const ModelName model = ParseModelFlag(request.model);
  const cp::Profile profile = ParseProfileFlag(model, request.profile);
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
  CheckReport report;
  if (model == ModelName::kClickPipe) {
    properties::ClickPipeBounds bounds;
    const int pipes = request.pipes == 0 ? 2 : request.pipes;
    if (pipes < 1 || pipes > properties::ClickPipeSpace::kMaxPipes) {
      throw InputError(fmt::format("{} pipes: expected 1 to {}", pipes,
                                   properties::ClickPipeSpace::kMaxPipes),
                       "--pipes");
    }
    bounds.pipes = pipes;
    if (!request.mode.empty()) bounds.modes = {ParseModeFlag(model, profile, request.mode)};
    ParseBudget(request.budget, properties::kClickPipeFaultNames, bounds.budget);
    report = properties::CheckClickPipe(cp::TableOf(profile), bounds, limits, true);
  } else {
    if (!request.mode.empty()) ParseModeFlag(model, profile, request.mode);
    if (request.pipes != 0) throw InputError("only the clickpipe model has pipes", "--pipes");
    properties::MongosyncBounds bounds;
    ParseBudget(request.budget, properties::kMongosyncFaultNames, bounds.budget);
    report = properties::CheckMongosync(model::mongosync::DefaultTable(), bounds, limits, true);
  }
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

}  // namespace pipecheck::cli
