#include "cli/run_commands.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "bindings/registry.h"
#include "cli/run_parts.h"
#include "model/input_error.h"
#include "properties/generate.h"
#include "properties/runner.h"
#include "sim/fnv1a.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;
using properties::RunResult;

namespace {

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
  const bool show_progress = request.progress || (!single && isatty(STDERR_FILENO) != 0);
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  std::uint64_t checked = 0;
  std::uint64_t nondeterministic = 0;
  std::map<std::string, int> faults;
  std::map<std::string, int> witnessed;
  std::vector<std::string> failures;
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
      }
    }
    if (single && request.format == "jsonl") {
      out << result.trace.ToJsonl();
    } else if (single) {
      for (const auto& event : result.trace.events()) out << sim::Trace::ToTextLine(event) << "\n";
    }
    for (const auto* violated : result.violations()) {
      std::string line = fmt::format(
          "seed {}: {} violated at {}: {}\n  replay: pipecheck sim {} --seed {}", seed,
          violated->name, sim::FormatDuration(violated->at), violated->message, model_flags, seed);
      if (!request.save_failures.empty()) {
        sim::Scenario saved = scenario;
        saved.expect.properties = violated->name;
        const std::string path = (std::filesystem::path(request.save_failures) /
                                  fmt::format("{}-seed-{}.json", sim::ToString(scenario.model), seed))
                                     .string();
        std::ofstream(path) << sim::ToJson(saved).dump(2) << "\n";
        line += fmt::format("\n  saved: {} (pipecheck replay {})", path, path);
      }
      failures.push_back(std::move(line));
    }
    if (show_progress) {
      err << fmt::format("\rseed {} ({}/{}), {} violation(s)", seed, runs, last - first + 1,
                         failures.size());
    }
    if (seed == last) break;
  }
  if (show_progress) err << "\n";
  if (single && request.format == "jsonl") return failures.empty() ? 0 : 1;
  out << fmt::format("\nsim {}: seeds {}..{}\n", model_flags, first, last);
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
  return failures.empty() ? 0 : 1;
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
    if (!request.quiet) {
      for (const auto& event : result.trace.events()) out << sim::Trace::ToTextLine(event) << "\n";
    }
    PrintVerdicts(result, out);
    out << fmt::format("{}: {} ({} events, trace {:016x})\n", result.passed() ? "PASS" : "FAIL",
                       request.files[i], result.events, result.trace_hash());
  }
  return worst;
}

int RunSim(const SimRequest& request, std::ostream& out, std::ostream& err) {
  if (request.format != "text" && request.format != "jsonl") {
    throw InputError(fmt::format("unknown format '{}'; expected text or jsonl", request.format),
                     "--format");
  }
  return bindings::WithBinding(request.model, [&]<class B>(B) {
    using Generator = typename B::Generator;
    return Campaign(request, Generator::FromFlags(request.profile, request.mode), out, err);
  });
}

}  // namespace pipecheck::cli
