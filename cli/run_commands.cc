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

// A campaign over the seeds of `request`, scenarios drawn by `generator`.
template <properties::ScenarioGenerator Generator>
int Campaign(const SimRequest& request, const Generator& generator, std::ostream& out,
             std::ostream& err) {
  using Monitors = typename Generator::Monitors;
  properties::GenerateOptions options;
  const auto duration = sim::ParseDuration(request.duration);
  if (!duration || *duration < sim::kHour) {
    throw InputError(fmt::format("bad duration '{}'; expected at least 1h, such as 24h",
                                 request.duration),
                     "--duration");
  }
  options.duration = *duration;
  ParseFaults(request.faults, Generator::FaultKinds(), options);
  const auto [first, last] = ParseSeeds(request);
  if (!request.save_failures.empty()) {
    std::error_code error;
    std::filesystem::create_directories(request.save_failures, error);
    if (error) throw InputError("cannot create the directory", request.save_failures);
  }

  const std::string model_flags = fmt::format(
      "--model {}{}{} --duration {} --faults {}", request.model, generator.Flags(),
      request.mode.empty() ? "" : " --mode " + request.mode, sim::FormatDuration(options.duration),
      request.faults);
  const bool single = first == last;
  std::optional<sim::Millis> time_limit;
  if (!request.time_limit.empty()) {
    time_limit = sim::ParseDuration(request.time_limit);
    if (!time_limit) throw InputError(fmt::format("bad duration '{}'", request.time_limit), "--time-limit");
  }
  // One seed prints its trace and has no progress unless asked for.
  ProgressPrinter printer(
      ParseProgress(single && request.progress.empty() ? "off" : request.progress, StderrIsTerminal()), err);
  // The wall clock and the Ctrl-C flag are read here, between seeds: they end
  // a campaign early, never change a run.
  const Stopwatch clock;
  if (!single) CatchInterrupt();
  properties::StopReason stopped = properties::StopReason::kNone;
  const long double total = static_cast<long double>(last - first) + 1;
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  std::uint64_t checked = 0;
  std::uint64_t nondeterministic = 0;
  std::map<std::string, int> faults;
  std::map<std::string, int> witnessed;
  std::vector<std::string> failures;
  ordered_json violations_json = ordered_json::array();
  ordered_json nondeterministic_json = ordered_json::array();
  sim::Fnv1a digest;  // Over the seeds' trace hashes.
  for (std::uint64_t seed = first;; ++seed) {
    const sim::Scenario scenario = properties::GenerateScenario(generator, options, seed);
    const RunResult result = properties::RunScenario<Monitors>(scenario);
    ++runs;
    events += result.events;
    digest.AddSymbol(result.trace_hash());
    for (const auto& [kind, count] : result.faults) faults[kind] += count;
    for (const auto& property : result.properties) {
      if (property.expectation == properties::Expectation::kAlways ||
          property.expectation == properties::Expectation::kTransition) {
        ++checked;
      }
      if (property.verdict == properties::Verdict::kWitnessed) ++witnessed[property.name];
    }
    if (request.check_determinism) {
      const RunResult again = properties::RunScenario<Monitors>(
          properties::GenerateScenario(generator, options, seed));
      if (again.trace_hash() != result.trace_hash()) {
        ++nondeterministic;
        failures.push_back(fmt::format("seed {}: NOT DETERMINISTIC: trace {:016x} then {:016x}",
                                       seed, result.trace_hash(), again.trace_hash()));
        nondeterministic_json.push_back({{"seed", seed},
                                         {"trace_hash", fmt::format("{:016x}", result.trace_hash())},
                                         {"then", fmt::format("{:016x}", again.trace_hash())}});
      }
    }
    if (single && request.format == "jsonl") {
      out << result.trace.ToJsonl();
    } else if (single && request.format == "text") {
      PrintTrace(result.trace, request.verbose, out);
    }
    for (const auto* violated : result.violations()) {
      std::string line = fmt::format(
          "seed {}: {} violated at {}: {}\n  replay: pipecheck sim {} --seed {}", seed,
          violated->name, sim::FormatClock(violated->at), violated->message, model_flags, seed);
      ordered_json item{{"seed", seed},
                        {"property", violated->name},
                        {"at_ms", violated->at},
                        {"message", violated->message},
                        {"replay", fmt::format("pipecheck sim {} --seed {}", model_flags, seed)}};
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
      failures.push_back(std::move(line));
      violations_json.push_back(std::move(item));
    }
    if (printer.on()) printer.Update(SimProgressText(clock.Seconds(), runs, total, failures.size()));
    if (seed == last) break;
    if (Interrupted()) {
      stopped = properties::StopReason::kInterrupt;
    } else if (time_limit && clock.Seconds() * 1000 > static_cast<double>(*time_limit)) {
      stopped = properties::StopReason::kTimeLimit;
    }
    if (stopped != properties::StopReason::kNone) break;
  }
  const std::uint64_t last_run = first + (runs - 1);
  std::string stop_line;
  if (stopped != properties::StopReason::kNone) {
    stop_line = fmt::format(
        "stopped by {} ({}) after {} of {} seeds ({}..{}), after {}; the counts below are of those",
        properties::ToString(stopped),
        stopped == properties::StopReason::kInterrupt ? "Ctrl-C" : "--time-limit " + request.time_limit,
        Thousands(runs), TotalText(total), first, last_run, FormatElapsed(clock.Seconds()));
  }
  if (printer.on()) {
    printer.Line(SimProgressText(clock.Seconds(), runs, total, failures.size()) +
                 (stopped == properties::StopReason::kNone ? "  (done)" : "  (stopped)"));
    if (!stop_line.empty()) printer.Line(stop_line);
  }
  const int code = !failures.empty() ? 1 : stopped != properties::StopReason::kNone ? 3 : 0;
  if (single && request.format == "jsonl") return code;
  if (request.format == "json") {
    ordered_json summary;
    summary["model"] = request.model;
    summary["flags"] = model_flags;
    summary["seeds"] = {{"first", first}, {"last", last}};
    summary["verdict"] = !failures.empty() ? "fail" : stopped != properties::StopReason::kNone ? "incomplete" : "pass";
    if (stopped != properties::StopReason::kNone) {
      summary["stopped_by"] = std::string(properties::ToString(stopped));
      summary["stopped"] = {{"limit", stopped == properties::StopReason::kInterrupt
                                          ? std::string("Ctrl-C")
                                          : "--time-limit " + request.time_limit},
                            {"last_seed", last_run},
                            {"seconds", clock.Seconds()}};
    }
    summary["runs"] = runs;
    summary["events"] = events;
    summary["always_properties_checked"] = checked;
    summary["faults_injected"] = ordered_json::object();
    for (const auto& [kind, count] : faults) summary["faults_injected"][kind] = count;
    summary["premises_witnessed"] = ordered_json::object();
    for (const auto& [name, count] : witnessed) summary["premises_witnessed"][name] = count;
    if (request.check_determinism) {
      summary["determinism"] = {{"seeds", runs}, {"same_trace_hash", runs - nondeterministic},
                                {"differing", nondeterministic_json}};
    }
    summary["trace_digest"] = fmt::format("{:016x}", digest.value());
    summary["violations"] = violations_json;
    out << summary.dump(2) << "\n";
    return code;
  }
  out << fmt::format("\nsim {}: seeds {}..{}\n", model_flags, first, last);
  if (!stop_line.empty()) out << stop_line << "\n";
  out << fmt::format("runs: {}   simulated events: {}   always-properties checked: {}\n", runs,
                     events, checked);
  std::string fault_line;
  for (const auto& [kind, count] : faults) fault_line += fmt::format(" {}={}", kind, count);
  out << "faults injected:" << (fault_line.empty() ? " none" : fault_line) << "\n";
  std::string witness_line;
  for (const auto& [name, count] : witnessed) witness_line += fmt::format(" {}={}", name, count);
  out << "premises witnessed (runs):" << (witness_line.empty() ? " none" : witness_line) << "\n";
  if (request.check_determinism) {
    out << fmt::format("determinism: {} of {} seeds replayed to the same trace hash\n",
                       runs - nondeterministic, runs);
  }
  out << fmt::format("trace digest: {:016x}\n", digest.value());
  out << fmt::format("violations: {}\n", failures.size());
  for (const auto& failure : failures) out << failure << "\n";
  if (stopped != properties::StopReason::kNone) {
    out << fmt::format("verdict: incomplete (stopped by {})\n", properties::ToString(stopped));
  }
  return code;
}

}  // namespace

int RunReplay(const ReplayRequest& request, std::ostream& out) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format),
                     "--format");
  }
  if (request.files.empty()) throw InputError("no scenario file given", "replay FILE...");
  // Every file is parsed before anything runs: one bad file, nothing half-done.
  std::vector<sim::Scenario> scenarios;
  for (const std::string& file : request.files) scenarios.push_back(sim::LoadScenario(file));
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const std::string& expected = scenarios[i].expect.properties;
    const auto names = bindings::WithBinding(scenarios[i].model, []<class B>(B) {
      return properties::PropertyNames<typename B::Monitors>();
    });
    if (expected != "hold" && std::find(names.begin(), names.end(), expected) == names.end()) {
      throw InputError(fmt::format("unknown property \"{}\"", expected),
                       request.files[i] + ": $.expect.properties");
    }
  }
  int worst = 0;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const RunResult result = bindings::WithBinding(scenarios[i].model, [&]<class B>(B) {
      return properties::RunScenario<typename B::Monitors>(scenarios[i]);
    });
    worst = std::max(worst, result.passed() ? 0 : 1);
    if (request.format == "json") {
      ordered_json answer{{"file", request.files[i]},
                          {"name", scenarios[i].name},
                          {"passed", result.passed()},
                          {"final_state", result.final_state},
                          {"events", result.events},
                          {"trace_hash", fmt::format("{:016x}", result.trace_hash())}};
      answer["expectations"] = ordered_json::array();
      for (const auto& e : result.expectations) {
        answer["expectations"].push_back({{"what", e.what}, {"met", e.met}, {"why", e.why}});
      }
      answer["properties"] = PropertiesJson(result);
      out << answer.dump() << "\n";
      continue;
    }
    out << fmt::format("== {} ({})\n", request.files[i], scenarios[i].name);
    if (!request.quiet) PrintTrace(result.trace, request.verbose, out);
    PrintVerdicts(result, out);
    out << fmt::format("{}: {} ({} events, trace {:016x})\n", result.passed() ? "PASS" : "FAIL",
                       request.files[i], result.events, result.trace_hash());
  }
  return worst;
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
