#include "cli/run_commands.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "bindings/registry.h"
#include "cli/progress.h"
#include "cli/run_parts.h"
#include "model/input_error.h"
#include "properties/explorer.h"
#include "properties/generate.h"
#include "properties/runner.h"
#include "sim/fnv1a.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;
using properties::RunResult;

namespace {

// The number of seeds of a range (up to 2^64, so not an integer type).
std::string TotalText(long double total) {
  return total < 1e19L ? Thousands(static_cast<std::uint64_t>(total)) : "18,446,744,073,709,551,616";
}

// "sim 0:00:10  seeds 1,234 of 1,000,000 (0.1%)  123/s  violations 0  ETA 2:15:00"
std::string SimProgressText(double elapsed, std::uint64_t runs, long double total, std::size_t violations) {
  const double rate = elapsed > 0 ? static_cast<double>(runs) / elapsed : 0;
  const long double left = total - static_cast<long double>(runs);
  const long double eta = rate > 0 ? left / static_cast<long double>(rate) : -1;
  std::string eta_text = "ETA unknown";
  if (eta >= 0 && eta < 100.0L * 365 * 86400) {
    eta_text = "ETA " + FormatElapsed(static_cast<double>(eta));
  } else if (eta >= 0) {
    eta_text = "ETA over 100 years";
  }
  return fmt::format("sim {}  seeds {} of {} ({:.1f}%)  {}/s  violations {}  {}", FormatElapsed(elapsed),
                     Thousands(runs), TotalText(total),
                     static_cast<double>(100.0L * static_cast<long double>(runs) / total),
                     Thousands(static_cast<std::uint64_t>(rate)), violations, eta_text);
}

// What a campaign has run so far, for its summary.
struct Tally {
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  std::uint64_t checked = 0;  // Always-properties judged (a stopped run's unknowns are not).
  std::uint64_t nondeterministic = 0;
  std::map<std::string, int> faults;
  std::map<std::string, int> witnessed;
  std::vector<std::string> failures;
  ordered_json violations = ordered_json::array();
  ordered_json differing = ordered_json::array();
  sim::Fnv1a digest;  // Over the seeds' trace hashes.

  void Add(const RunResult& result) {
    ++runs;
    events += result.events;
    digest.AddSymbol(result.trace_hash());
    for (const auto& [kind, count] : result.faults) faults[kind] += count;
    for (const auto& property : result.properties) {
      if ((property.expectation == properties::Expectation::kAlways ||
           property.expectation == properties::Expectation::kTransition) &&
          property.verdict != properties::Verdict::kUnknown) {
        ++checked;
      }
      if (property.verdict == properties::Verdict::kWitnessed) ++witnessed[property.name];
    }
  }
};

// How a campaign ended before its last seed's end: the limit, and the seed
// it cut in the middle, if any.
struct CampaignStop {
  properties::StopReason reason = properties::StopReason::kNone;
  std::string limit;                      // "--time-limit 10m", "Ctrl-C" ...
  std::optional<std::uint64_t> cut_seed;  // Stopped inside this seed's run ...
  sim::Millis cut_at = 0;                 // ... at this virtual time.
  double seconds = 0;
  std::uint64_t memory_bytes = 0;
  bool stopped() const { return reason != properties::StopReason::kNone; }
};

// The flags of a campaign, checked and parsed.
struct CampaignPlan {
  properties::GenerateOptions options;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::string model_flags;  // What `sim ... --seed N` needs to replay one seed.
  bool single() const { return first == last; }
};

template <properties::ScenarioGenerator Generator>
CampaignPlan PlanCampaign(const SimRequest& request, const Generator& generator) {
  CampaignPlan plan;
  const auto duration = sim::ParseDuration(request.duration);
  if (!duration || *duration < sim::kHour) {
    throw InputError(fmt::format("bad duration '{}'; expected at least 1h, such as 24h",
                                 request.duration),
                     "--duration");
  }
  plan.options.duration = *duration;
  ParseFaults(request.faults, Generator::FaultKinds(), plan.options);
  std::tie(plan.first, plan.last) = ParseSeeds(request);
  if (!request.save_failures.empty()) {
    std::error_code error;
    std::filesystem::create_directories(request.save_failures, error);
    if (error) throw InputError("cannot create the directory", request.save_failures);
  }
  plan.model_flags = fmt::format(
      "--model {}{}{} --duration {} --faults {}", request.model, generator.Flags(),
      request.mode.empty() ? "" : " --mode " + request.mode, sim::FormatDuration(plan.options.duration),
      request.faults);
  return plan;
}

// Each violated property of one seed's run: a line (and its scenario file
// with --save-failures) into the tally.
void RecordViolations(const SimRequest& request, const CampaignPlan& plan, std::uint64_t seed,
                      const sim::Scenario& scenario, const RunResult& result, Tally& tally) {
  for (const auto* violated : result.violations()) {
    std::string line = fmt::format(
        "seed {}: {} violated at {}: {}\n  replay: pipecheck sim {} --seed {}", seed,
        violated->name, sim::FormatClock(violated->at), violated->message, plan.model_flags, seed);
    ordered_json item{{"seed", seed},
                      {"property", violated->name},
                      {"at_ms", violated->at},
                      {"message", violated->message},
                      {"replay", fmt::format("pipecheck sim {} --seed {}", plan.model_flags, seed)}};
    if (!request.save_failures.empty()) {
      sim::Scenario saved = scenario;
      saved.expect.properties = violated->name;
      const std::string path = (std::filesystem::path(request.save_failures) /
                                fmt::format("{}-seed-{}.json", sim::ToString(scenario.model), seed))
                                   .string();
      std::ofstream(path) << sim::ToJson(saved).dump(2) << "\n";
      line += fmt::format("\n  saved: {} (pipecheck replay {})", path, path);
      item["scenario"] = path;
    }
    tally.failures.push_back(std::move(line));
    tally.violations.push_back(std::move(item));
  }
}

// "stopped by time_limit (--time-limit 3s) after 1 of 1 seeds (1..1), seed 1
// cut at 12d 3:00:00.000 of 365d, after 0:00:03, memory 130 MiB; ..."
std::string StopLine(const CampaignPlan& plan, const Tally& tally, const CampaignStop& stop,
                     long double total) {
  const std::string cut =
      stop.cut_seed ? fmt::format(", seed {} cut at {} of {}", *stop.cut_seed, sim::FormatClock(stop.cut_at),
                                  sim::FormatDuration(plan.options.duration))
                    : "";
  return fmt::format("stopped by {} ({}) after {} of {} seeds ({}..{}){}, after {}, memory {}; the counts "
                     "below are of those",
                     properties::ToString(stop.reason), stop.limit, Thousands(tally.runs), TotalText(total),
                     plan.first, plan.first + (tally.runs - 1), cut, FormatElapsed(stop.seconds),
                     FormatBytes(stop.memory_bytes));
}

void PrintSummaryJson(const SimRequest& request, const CampaignPlan& plan, const Tally& tally,
                      const CampaignStop& stop, std::ostream& out) {
  ordered_json summary;
  summary["model"] = request.model;
  summary["flags"] = plan.model_flags;
  summary["seeds"] = {{"first", plan.first}, {"last", plan.last}};
  summary["verdict"] = !tally.failures.empty() ? "fail" : stop.stopped() ? "incomplete" : "pass";
  if (stop.stopped()) {
    summary["stopped_by"] = std::string(properties::ToString(stop.reason));
    ordered_json& stopped = summary["stopped"];
    stopped = {{"limit", stop.limit}, {"last_seed", plan.first + (tally.runs - 1)}};
    if (stop.cut_seed) {
      stopped["cut_seed"] = *stop.cut_seed;
      stopped["cut_at_ms"] = stop.cut_at;
    }
    stopped["seconds"] = stop.seconds;
    stopped["memory_bytes"] = stop.memory_bytes;
  }
  summary["runs"] = tally.runs;
  summary["events"] = tally.events;
  summary["always_properties_checked"] = tally.checked;
  summary["faults_injected"] = ordered_json::object();
  for (const auto& [kind, count] : tally.faults) summary["faults_injected"][kind] = count;
  summary["premises_witnessed"] = ordered_json::object();
  for (const auto& [name, count] : tally.witnessed) summary["premises_witnessed"][name] = count;
  if (request.check_determinism) {
    summary["determinism"] = {{"seeds", tally.runs},
                              {"same_trace_hash", tally.runs - tally.nondeterministic},
                              {"differing", tally.differing}};
  }
  summary["trace_digest"] = fmt::format("{:016x}", tally.digest.value());
  summary["violations"] = tally.violations;
  out << summary.dump(2) << "\n";
}

void PrintSummaryText(const SimRequest& request, const CampaignPlan& plan, const Tally& tally,
                      const CampaignStop& stop, const std::string& stop_line, std::ostream& out) {
  out << fmt::format("\nsim {}: seeds {}..{}\n", plan.model_flags, plan.first, plan.last);
  if (!stop_line.empty()) out << stop_line << "\n";
  out << fmt::format("runs: {}   simulated events: {}   always-properties checked: {}\n", tally.runs,
                     tally.events, tally.checked);
  std::string fault_line;
  for (const auto& [kind, count] : tally.faults) fault_line += fmt::format(" {}={}", kind, count);
  out << "faults injected:" << (fault_line.empty() ? " none" : fault_line) << "\n";
  std::string witness_line;
  for (const auto& [name, count] : tally.witnessed) witness_line += fmt::format(" {}={}", name, count);
  out << "premises witnessed (runs):" << (witness_line.empty() ? " none" : witness_line) << "\n";
  if (request.check_determinism) {
    out << fmt::format("determinism: {} of {} seeds replayed to the same trace hash\n",
                       tally.runs - tally.nondeterministic, tally.runs);
  }
  out << fmt::format("trace digest: {:016x}\n", tally.digest.value());
  out << fmt::format("violations: {}\n", tally.failures.size());
  for (const auto& failure : tally.failures) out << failure << "\n";
  if (stop.stopped()) {
    out << fmt::format("verdict: incomplete (stopped by {})\n", properties::ToString(stop.reason));
  }
}

// One seed: its run (and, with --check-determinism, its rerun) into the
// tally; its trace printed when it is the only seed. Returns the run's stop,
// kNone when it ran to its end.
template <properties::ScenarioGenerator Generator>
properties::StopReason RunSeed(const SimRequest& request, const CampaignPlan& plan, const Generator& generator,
                               std::uint64_t seed, const properties::RunStop& stop, Tally& tally,
                               sim::Millis& stopped_at, std::ostream& out) {
  using Monitors = typename Generator::Monitors;
  const sim::Scenario scenario = properties::GenerateScenario(generator, plan.options, seed);
  const RunResult result = properties::RunScenario<Monitors>(scenario, {}, stop);
  tally.Add(result);
  properties::StopReason stopped = result.stopped_by;
  stopped_at = result.stopped_at;
  if (request.check_determinism && stopped == properties::StopReason::kNone) {
    const RunResult again = properties::RunScenario<Monitors>(
        properties::GenerateScenario(generator, plan.options, seed), {}, stop);
    stopped = again.stopped_by;  // A rerun cut short is compared with nothing.
    stopped_at = again.stopped_at;
    if (stopped == properties::StopReason::kNone && again.trace_hash() != result.trace_hash()) {
      ++tally.nondeterministic;
      tally.failures.push_back(fmt::format("seed {}: NOT DETERMINISTIC: trace {:016x} then {:016x}", seed,
                                           result.trace_hash(), again.trace_hash()));
      tally.differing.push_back({{"seed", seed},
                                 {"trace_hash", fmt::format("{:016x}", result.trace_hash())},
                                 {"then", fmt::format("{:016x}", again.trace_hash())}});
    }
  }
  if (plan.single() && request.format == "jsonl") {
    out << result.trace.ToJsonl();
  } else if (plan.single() && request.format == "text") {
    PrintTrace(result.trace, request.verbose, out);
  }
  RecordViolations(request, plan, seed, scenario, result, tally);
  return stopped;
}

// A campaign over the seeds of `request`, scenarios drawn by `generator`.
// The limits are asked between seeds and, through the runner, between the
// events of a seed: they end a campaign early and never change a run.
template <properties::ScenarioGenerator Generator>
int Campaign(const SimRequest& request, const Generator& generator, std::ostream& out,
             std::ostream& err) {
  RunLimits limits(request.time_limit, request.max_memory);
  const CampaignPlan plan = PlanCampaign(request, generator);
  const properties::RunStop run_stop = limits.Stop();
  // One seed prints its trace and has no progress unless asked for.
  ProgressPrinter printer(
      ParseProgress(plan.single() && request.progress.empty() ? "off" : request.progress, StderrIsTerminal()),
      err);
  const long double total = static_cast<long double>(plan.last - plan.first) + 1;
  Tally tally;
  CampaignStop stop;
  for (std::uint64_t seed = plan.first;; ++seed) {
    sim::Millis cut_at = 0;
    if (RunSeed(request, plan, generator, seed, run_stop, tally, cut_at, out) != properties::StopReason::kNone) {
      stop.cut_seed = seed;
      stop.cut_at = cut_at;
    }
    if (printer.on()) printer.Update(SimProgressText(limits.Seconds(), tally.runs, total, tally.failures.size()));
    if (stop.cut_seed || seed == plan.last || limits.Reached() != properties::StopReason::kNone) break;
  }
  std::string stop_line;
  if (limits.reason() != properties::StopReason::kNone) {
    stop.reason = limits.reason();
    stop.limit = limits.LimitText();
    stop.seconds = limits.Seconds();
    stop.memory_bytes = limits.memory_at_stop();
    stop_line = StopLine(plan, tally, stop, total);
  }
  if (printer.on()) {
    printer.Line(SimProgressText(limits.Seconds(), tally.runs, total, tally.failures.size()) +
                 (stop.stopped() ? "  (stopped)" : "  (done)"));
    if (!stop_line.empty()) printer.Line(stop_line);
  }
  const int code = !tally.failures.empty() ? 1 : stop.stopped() ? 3 : 0;
  if (plan.single() && request.format == "jsonl") {
    if (!stop_line.empty()) err << stop_line << "\n";
    return code;
  }
  if (request.format == "json") {
    PrintSummaryJson(request, plan, tally, stop, out);
  } else {
    PrintSummaryText(request, plan, tally, stop, stop_line, out);
  }
  return code;
}

// Every file is parsed before anything runs: one bad file, nothing half-done.
std::vector<sim::Scenario> LoadScenarios(const std::vector<std::string>& files) {
  std::vector<sim::Scenario> scenarios;
  for (const std::string& file : files) scenarios.push_back(sim::LoadScenario(file));
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const std::string& expected = scenarios[i].expect.properties;
    const auto names = bindings::WithBinding(scenarios[i].model, []<class B>(B) {
      return properties::PropertyNames<typename B::Monitors>();
    });
    if (expected != "hold" && std::find(names.begin(), names.end(), expected) == names.end()) {
      throw InputError(fmt::format("unknown property \"{}\"", expected), files[i] + ": $.expect.properties");
    }
  }
  return scenarios;
}

// Whether a run failed: for a run cut short, whether what it judged before
// the stop already fails (an expectation of a step not met, or a violation
// where every property was to hold).
bool FailedSoFar(const sim::Scenario& scenario, const RunResult& result) {
  if (result.stopped_by == properties::StopReason::kNone) return !result.passed();
  const bool unmet = std::any_of(result.expectations.begin(), result.expectations.end(),
                                 [](const properties::ExpectationResult& e) { return !e.met; });
  return unmet || (scenario.expect.properties == "hold" && !result.violations().empty());
}

ordered_json ReplayJson(const std::string& file, const sim::Scenario& scenario, const RunResult& result,
                        const RunLimits& limits) {
  ordered_json answer{{"file", file},
                      {"name", scenario.name},
                      {"passed", result.passed()},
                      {"final_state", result.final_state},
                      {"events", result.events},
                      {"trace_hash", fmt::format("{:016x}", result.trace_hash())}};
  if (result.stopped_by != properties::StopReason::kNone) {
    answer["stopped_by"] = std::string(properties::ToString(result.stopped_by));
    answer["stopped"] = {{"limit", limits.LimitText()},
                         {"at_ms", result.stopped_at},
                         {"run_until_ms", scenario.run_until},
                         {"seconds", limits.Seconds()},
                         {"memory_bytes", limits.memory_at_stop()}};
  }
  answer["expectations"] = ordered_json::array();
  for (const auto& e : result.expectations) {
    answer["expectations"].push_back({{"what", e.what}, {"met", e.met}, {"why", e.why}});
  }
  answer["properties"] = PropertiesJson(result);
  return answer;
}

// The files a stopped replay did not start, from `first` on.
void PrintNotRun(const ReplayRequest& request, const std::vector<sim::Scenario>& scenarios, std::size_t first,
                 const RunLimits& limits, std::ostream& out) {
  for (std::size_t i = first; i < scenarios.size(); ++i) {
    if (request.format == "json") {
      const ordered_json answer{{"file", request.files[i]},
                                {"name", scenarios[i].name},
                                {"passed", false},
                                {"stopped_by", std::string(properties::ToString(limits.reason()))},
                                {"not_run", true}};
      out << answer.dump() << "\n";
    } else {
      out << fmt::format("NOT RUN (stopped by {}: {}): {}\n", properties::ToString(limits.reason()),
                         limits.LimitText(), request.files[i]);
    }
  }
}

}  // namespace

int RunReplay(const ReplayRequest& request, std::ostream& out) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format),
                     "--format");
  }
  if (request.files.empty()) throw InputError("no scenario file given", "replay FILE...");
  RunLimits limits(request.time_limit, request.max_memory);
  const std::vector<sim::Scenario> scenarios = LoadScenarios(request.files);
  const properties::RunStop stop = limits.Stop();
  bool failed = false;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    if (limits.Reached() != properties::StopReason::kNone) {
      PrintNotRun(request, scenarios, i, limits, out);
      break;
    }
    const RunResult result = bindings::WithBinding(scenarios[i].model, [&]<class B>(B) {
      return properties::RunScenario<typename B::Monitors>(scenarios[i], {}, stop);
    });
    failed = failed || FailedSoFar(scenarios[i], result);
    if (request.format == "json") {
      out << ReplayJson(request.files[i], scenarios[i], result, limits).dump() << "\n";
      continue;
    }
    out << fmt::format("== {} ({})\n", request.files[i], scenarios[i].name);
    if (!request.quiet) PrintTrace(result.trace, request.verbose, out);
    PrintVerdicts(result, out);
    if (result.stopped_by != properties::StopReason::kNone) {
      out << fmt::format("stopped by {} ({}) at {} of {}, after {}, memory {}; the rest of the run and its "
                         "expectations were not judged\n",
                         properties::ToString(result.stopped_by), limits.LimitText(),
                         sim::FormatClock(result.stopped_at), sim::FormatDuration(scenarios[i].run_until),
                         FormatElapsed(limits.Seconds()), FormatBytes(limits.memory_at_stop()));
    }
    const std::string_view verdict = result.passed()                                           ? "PASS"
                                     : result.stopped_by == properties::StopReason::kNone ? "FAIL"
                                     : FailedSoFar(scenarios[i], result)                    ? "FAIL (incomplete)"
                                                                                            : "INCOMPLETE";
    out << fmt::format("{}: {} ({} events, trace {:016x})\n", verdict, request.files[i], result.events,
                       result.trace_hash());
  }
  if (failed) return 1;
  return limits.reason() != properties::StopReason::kNone ? 3 : 0;
}

int RunSim(const SimRequest& request, std::ostream& out, std::ostream& err) {
  if (request.format != "text" && request.format != "jsonl" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text, jsonl or json", request.format),
                     "--format");
  }
  return bindings::WithBinding(request.model, [&]<class B>(B) {
    using Generator = typename B::Generator;
    return Campaign(request, Generator::FromFlags(request.profile, request.mode), out, err);
  });
}

}  // namespace pipecheck::cli
