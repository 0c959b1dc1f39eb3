#include "cli/run_commands.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "model/input_error.h"
#include "properties/generate.h"
#include "properties/runner.h"
#include "sim/fnv1a.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;
using properties::RunResult;

namespace {

void PrintVerdicts(const RunResult& result, std::ostream& out) {
  for (const auto& property : result.properties) {
    if (property.verdict == properties::Verdict::kViolated) {
      out << fmt::format("  VIOLATED {} at {}: {}\n", property.name,
                         sim::FormatDuration(property.at), property.message);
    }
  }
  for (const auto& expectation : result.expectations) {
    if (expectation.met) {
      out << fmt::format("  met: {}\n", expectation.what);
    } else {
      out << fmt::format("  NOT MET: {} ({})\n", expectation.what, expectation.why);
    }
  }
}

ordered_json PropertiesJson(const RunResult& result) {
  ordered_json list = ordered_json::array();
  for (const auto& property : result.properties) {
    ordered_json item{{"name", property.name},
                      {"expectation", std::string(ToString(property.expectation))},
                      {"verdict", std::string(ToString(property.verdict))},
                      {"source", property.source}};
    if (!property.premise_of.empty()) item["premise_of"] = property.premise_of;
    if (property.verdict == properties::Verdict::kViolated ||
        property.verdict == properties::Verdict::kWitnessed) {
      item["at_ms"] = property.at;
      item["message"] = property.message;
    }
    list.push_back(std::move(item));
  }
  return list;
}

std::uint64_t ParseSeed(const std::string& text, const std::string& where) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw InputError(fmt::format("'{}' is not a seed (a whole number 0 or more)", text), where);
  }
  return value;
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
  for (const sim::Scenario& scenario : scenarios) {
    if (scenario.expect.properties == "hold") continue;
    const auto names = properties::PropertyNames(scenario.model);
    if (std::find(names.begin(), names.end(), scenario.expect.properties) == names.end()) {
      throw InputError(fmt::format("unknown property \"{}\"", scenario.expect.properties),
                       request.files[static_cast<std::size_t>(&scenario - scenarios.data())] +
                           ": $.expect.properties");
    }
  }
  int worst = 0;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const RunResult result = properties::RunScenario(scenarios[i]);
    const int code = result.passed() ? 0 : 1;
    worst = std::max(worst, code);
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
  const ModelName model = ParseModelFlag(request.model);
  properties::GenerateOptions options;
  options.model = model == ModelName::kClickPipe ? sim::ModelKind::kClickPipe
                                                 : sim::ModelKind::kMongosync;
  options.profile = ParseProfileFlag(model, request.profile);
  if (!request.mode.empty()) options.mode = ParseModeFlag(model, options.profile, request.mode);
  const auto duration = sim::ParseDuration(request.duration);
  if (!duration || *duration < sim::kHour) {
    throw InputError(fmt::format("bad duration '{}'; expected at least 1h, such as 24h",
                                 request.duration),
                     "--duration");
  }
  options.duration = *duration;
  const auto kinds = properties::FaultKinds(options.model);
  if (request.faults == "swarm") {
    options.swarm = true;
  } else if (request.faults == "all") {
    options.faults.insert(kinds.begin(), kinds.end());
  } else if (request.faults != "none") {
    std::string_view list = request.faults;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string kind(list.substr(0, comma));
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        std::string known;
        for (const auto& k : kinds) known += (known.empty() ? "" : ", ") + k;
        throw InputError(fmt::format("unknown fault '{}'; expected swarm, all, none or a list of {}",
                                     kind, known),
                         "--faults");
      }
      options.faults.insert(kind);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  if (request.seed.empty() == request.seeds.empty()) {
    throw InputError("give exactly one of --seed N and --seeds A..B", "--seed");
  }
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (!request.seed.empty()) {
    first = last = ParseSeed(request.seed.front(), "--seed");
  } else {
    const auto dots = request.seeds.find("..");
    if (dots == std::string::npos) throw InputError("expected A..B, such as 1..500", "--seeds");
    first = ParseSeed(request.seeds.substr(0, dots), "--seeds");
    last = ParseSeed(request.seeds.substr(dots + 2), "--seeds");
    if (last < first) throw InputError("the range A..B needs A <= B", "--seeds");
  }
  if (!request.save_failures.empty()) {
    std::error_code error;
    std::filesystem::create_directories(request.save_failures, error);
    if (error) throw InputError("cannot create the directory", request.save_failures);
  }

  const std::string model_flags =
      fmt::format("--model {}{}{} --duration {} --faults {}", request.model,
                  model == ModelName::kClickPipe
                      ? fmt::format(" --profile {}", model::clickpipe::ToString(options.profile))
                      : "",
                  request.mode.empty() ? "" : " --mode " + request.mode,
                  sim::FormatDuration(options.duration), request.faults);
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
    const sim::Scenario scenario = properties::GenerateScenario(options, seed);
    const RunResult result = properties::RunScenario(scenario);
    ++runs;
    events += result.events;
    digest.AddSymbol(result.trace_hash());
    for (const auto& [kind, count] : result.faults) faults[kind] += count;
    for (const auto& property : result.properties) {
      if (property.expectation == properties::Expectation::kAlways) ++checked;
      if (property.verdict == properties::Verdict::kWitnessed) ++witnessed[property.name];
    }
    if (request.check_determinism) {
      const RunResult again = properties::RunScenario(properties::GenerateScenario(options, seed));
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
        const std::string path =
            (std::filesystem::path(request.save_failures) /
             fmt::format("{}-seed-{}.json", sim::ToString(options.model), seed))
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

}  // namespace pipecheck::cli
