#include "cli/check_command.h"

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "cli/check_output.h"
#include "cli/flag_checks.h"
#include "cli/progress.h"
#include "model/input_error.h"
#include "properties/check.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::cli {

using properties::CheckReport;

namespace {

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

// A progress reading as one line: the search's counts, or the liveness pass's.
std::string ProgressText(const properties::ExploreProgress& p, double elapsed, double pass_seconds) {
  auto rate = [pass_seconds](std::uint64_t count) {
    return Thousands(pass_seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(count) / pass_seconds) : 0);
  };
  if (p.pass == "liveness") {
    return fmt::format("liveness {}  subject {} of {}  visited {} of {} states ({}/s)  memory {}",
                       FormatElapsed(elapsed), p.subject + 1, p.subjects, Thousands(p.visited),
                       Thousands(p.states), rate(p.visited), FormatBytes(p.memory_bytes));
  }
  return fmt::format("search {}  generated {} ({}/s)  distinct {} ({}/s)  frontier {}  depth {}  memory {}",
                     FormatElapsed(elapsed), Thousands(p.generated), rate(p.generated), Thousands(p.states),
                     rate(p.states), Thousands(p.frontier), p.depth, FormatBytes(p.memory_bytes));
}

template <class B>
int Check(const CheckRequest& request, std::ostream& out, std::ostream& err) {
  B::ParseProfile(request.explore.profile);  // A bad --profile is refused before the limits.
  if (request.max_states < 1) throw InputError("must be at least 1", "--max-states");
  properties::ExploreLimits limits;
  limits.max_states = static_cast<std::uint64_t>(request.max_states);
  limits.max_memory_bytes = ParseBytes(request.max_memory, "--max-memory");
  std::optional<sim::Millis> time_limit;
  if (!request.time_limit.empty()) {
    time_limit = sim::ParseDuration(request.time_limit);
    if (!time_limit) throw InputError(fmt::format("bad duration '{}'", request.time_limit), "--time-limit");
  }
  ProgressPrinter printer(ParseProgress(request.progress, StderrIsTerminal()), err);
  // The wall clock, the Ctrl-C flag and the process's memory are read here,
  // in the front end, never in properties/: they can only stop a search,
  // never change what it finds.
  const Stopwatch clock;
  CatchInterrupt();
  limits.stop_requested = [&clock, time_limit] {
    if (Interrupted()) return properties::StopReason::kInterrupt;
    if (time_limit && clock.Seconds() * 1000 > static_cast<double>(*time_limit)) {
      return properties::StopReason::kTimeLimit;
    }
    return properties::StopReason::kNone;
  };
  limits.resident = ResidentBytes;
  limits.workers =
      request.workers > 0 ? request.workers : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  properties::ExploreProgress last;
  double pass_start = 0;
  if (printer.on()) {
    limits.progress = [&](const properties::ExploreProgress& now) {
      const double elapsed = clock.Seconds();
      if (!last.pass.empty() && now.pass != last.pass) {
        printer.Line(ProgressText(last, elapsed, elapsed - pass_start) + "  (done)");
        pass_start = elapsed;
      }
      last = now;
      printer.Update(ProgressText(now, elapsed, elapsed - pass_start));
    };
  }
  if (request.symmetry != "on" && request.symmetry != "off") {
    throw InputError(fmt::format("unknown value '{}'; expected on or off", request.symmetry), "--symmetry");
  }
  bindings::ExploreFlags explore = request.explore;
  explore.symmetry = request.symmetry == "on";
  const typename B::Space space = B::MakeSpace(explore);
  CheckReport report = properties::Check(space, limits, /*scenarios=*/true);
  CheckRun run;
  run.seconds = clock.Seconds();
  run.workers = limits.workers;
  run.peak_resident_bytes = PeakResidentBytes();
  run.memory_bytes = report.memory_at_stop;
  switch (report.stopped_by) {
    case properties::StopReason::kMaxStates: run.limit = fmt::format("--max-states {}", request.max_states); break;
    case properties::StopReason::kMaxMemory: run.limit = fmt::format("--max-memory {}", request.max_memory); break;
    case properties::StopReason::kTimeLimit: run.limit = fmt::format("--time-limit {}", request.time_limit); break;
    case properties::StopReason::kInterrupt: run.limit = InterruptName(); break;
    case properties::StopReason::kNone: break;
  }
  if (printer.on() && !last.pass.empty()) {
    const double elapsed = clock.Seconds();
    printer.Line(ProgressText(last, elapsed, elapsed - pass_start) +
                 (report.stopped_by == properties::StopReason::kNone ? "  (done)" : "  (stopped)"));
  }
  if (report.stopped_by != properties::StopReason::kNone) printer.Line(StopLine(report, run));
  WriteScenarios(report, request.counterexamples);
  if (request.format == "json") {
    out << ToJson(report, run).dump(2) << "\n";
  } else {
    PrintText(report, run, out);
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
