#include "cli/check_output.h"

#include <fmt/format.h>

#include "cli/progress.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;
using properties::CheckReport;

namespace {

void PrintSteps(const std::vector<properties::TraceStep>& steps, std::size_t first, std::ostream& out) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    out << fmt::format("    {:>3}. {:<28} {}\n", first + i, steps[i].action, steps[i].rows);
    out << fmt::format("         => {}\n", steps[i].state);
  }
}

std::string Join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text.empty() ? std::string("none") : text;
}

// Whether the breadth-first search itself stopped: then reachability,
// deadlocks and coverage are only what it saw so far.
bool SearchStopped(const CheckReport& report) { return report.stopped_in == "search"; }

double PerState(std::uint64_t bytes, std::uint64_t states) {
  return states ? static_cast<double>(bytes) / static_cast<double>(states) : 0.0;
}

// "41.2 bytes/state resident (34.9 in the state table)": the process's peak
// resident memory over the states, and the explorer's tables alone.
std::string BytesPerState(const CheckReport& report, const CheckRun& run) {
  const double table = PerState(report.memory_bytes, report.states);
  if (run.peak_resident_bytes == 0) return fmt::format("{:.1f} bytes/state (the state table)", table);
  return fmt::format("{:.1f} bytes/state resident ({:.1f} in the state table)",
                     PerState(run.peak_resident_bytes, report.states), table);
}

}  // namespace

std::string StopLine(const CheckReport& report, const CheckRun& run) {
  if (report.stopped_by == properties::StopReason::kNone) return "";
  const std::string memory = run.memory_bytes ? ", memory " + FormatBytes(run.memory_bytes) : "";
  if (!SearchStopped(report)) {
    return fmt::format("stopped by {} ({}) in the liveness pass after a complete search of {} states, "
                       "after {}{}",
                       properties::ToString(report.stopped_by), run.limit, Thousands(report.states),
                       FormatElapsed(run.seconds), memory);
  }
  return fmt::format("stopped by {} ({}) in the search at {} states, {} transitions, depth {}, "
                     "{} states never expanded, after {}{}",
                     properties::ToString(report.stopped_by), run.limit, Thousands(report.states),
                     Thousands(report.transitions), report.depth, Thousands(report.frontier),
                     FormatElapsed(run.seconds), memory);
}

void PrintText(const CheckReport& report, const CheckRun& run, std::ostream& out) {
  const double seconds = run.seconds;
  std::string bounds;
  for (const auto& [name, value] : report.bounds) bounds += fmt::format(" {}={}", name, value);
  out << fmt::format("pipecheck check: {}{}; bounds:{}\n", report.model,
                     report.profile.empty() ? "" : fmt::format(" (profile {})", report.profile), bounds);
  const double rate = seconds > 0 ? static_cast<double>(report.states) / seconds : 0.0;
  out << fmt::format("states: {}   transitions: {}   depth: {}   time: {:.2f} s   {:.0f} states/s   "
                     "{}   workers: {}\n",
                     report.states, report.transitions, report.depth, seconds, rate, BytesPerState(report, run),
                     run.workers);
  if (report.symmetry) out << "symmetry: on (states and transitions counted one per orbit of interchangeable pipes)\n";
  const auto& join = Join;
  if (report.stopped_by != properties::StopReason::kNone) out << StopLine(report, run) << "\n";
  if (SearchStopped(report)) {
    // Nothing the search did not establish: what it saw, labelled as such.
    std::size_t taken = 0;
    for (const auto& row : report.rows) taken += row.taken ? 1 : 0;
    out << "so far (not established: the search stopped before it was complete):\n";
    out << fmt::format("  reached {} of {} declared states: {}\n", report.reachable.size(),
                       report.reachable.size() + report.unreachable_declared.size(), join(report.reachable));
    out << fmt::format("  rows taken: {} of {}\n", taken, report.rows.size());
    if (!report.deadlocks.empty()) out << "deadlocks (found so far): " << join(report.deadlocks) << "\n";
  } else {
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
  }
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
  if (report.verdict == properties::CheckVerdict::kIncomplete) {
    out << fmt::format("\nverdict: incomplete (stopped by {}: {})\n", properties::ToString(report.stopped_by),
                       run.limit);
  } else {
    out << fmt::format("\nverdict: {}\n", properties::ToString(report.verdict));
  }
}

ordered_json ToJson(const CheckReport& report, const CheckRun& run) {
  const double seconds = run.seconds;
  ordered_json out;
  out["model"] = report.model;
  if (!report.profile.empty()) out["profile"] = report.profile;
  out["bounds"] = ordered_json::object();
  for (const auto& [name, value] : report.bounds) out["bounds"][name] = value;
  out["verdict"] = std::string(properties::ToString(report.verdict));
  out["symmetry"] = report.symmetry;
  out["states"] = report.states;
  out["transitions"] = report.transitions;
  out["depth"] = report.depth;
  out["seconds"] = seconds;
  out["states_per_second"] = seconds > 0 ? static_cast<double>(report.states) / seconds : 0.0;
  // The process's peak resident memory over the states (the table's alone
  // when the resident memory cannot be read), and the table's.
  const std::uint64_t resident = run.peak_resident_bytes ? run.peak_resident_bytes : report.memory_bytes;
  out["bytes_per_state"] = report.states ? resident / report.states : 0;
  out["table_bytes_per_state"] = report.states ? report.memory_bytes / report.states : 0;
  out["peak_resident_bytes"] = run.peak_resident_bytes;
  out["workers"] = run.workers;
  if (report.stopped_by != properties::StopReason::kNone) {
    out["stopped_by"] = std::string(properties::ToString(report.stopped_by));
    out["stopped"] = {{"in", report.stopped_in}, {"limit", run.limit},
                      {"states", report.states}, {"transitions", report.transitions},
                      {"depth", report.depth}, {"frontier", report.frontier},
                      {"memory_bytes", run.memory_bytes}, {"seconds", seconds}};
  }
  if (SearchStopped(report)) {
    // Only what the search saw, never a "none" it did not establish.
    ordered_json so_far;
    so_far["reached"] = report.reachable;
    so_far["deadlocks"] = report.deadlocks;
    so_far["rows_taken"] = ordered_json::array();
    for (const auto& row : report.rows) {
      if (row.taken) so_far["rows_taken"].push_back(row.index);
    }
    out["so_far"] = std::move(so_far);
  } else {
    out["reachable"] = report.reachable;
    out["unreachable_declared"] = report.unreachable_declared;
    out["deadlocks"] = report.deadlocks;
    out["coverage"] = ordered_json::array();
    for (const auto& row : report.rows) {
      out["coverage"].push_back({{"row", row.index}, {"transition", row.description}, {"taken", row.taken}});
    }
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

}  // namespace pipecheck::cli
