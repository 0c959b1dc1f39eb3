// cli/mutate_command.cc: `pipecheck mutate`, written once over a lifecycle's
// mutation (properties/mutate.h); the model is chosen once, by name.
#include "cli/mutate_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bindings/registry.h"
#include "model/input_error.h"
#include "properties/mutate.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;
using properties::MutantVerdict;
using properties::MutationReport;

namespace {

double Percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? 100.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// Per mutation kind, in kind order: mutants, killed, killed behaviourally,
// equivalent.
struct KindCounts {
  properties::MutationKind kind;
  std::size_t mutants = 0;
  std::size_t killed = 0;
  std::size_t behavioural = 0;
  std::size_t equivalent = 0;
};

std::vector<KindCounts> CountKinds(const MutationReport& report) {
  std::vector<KindCounts> kinds;
  for (const MutantVerdict& verdict : report.verdicts) {
    auto it = std::find_if(kinds.begin(), kinds.end(), [&](const KindCounts& k) {
      return k.kind == verdict.mutant.kind;
    });
    if (it == kinds.end()) it = kinds.insert(kinds.end(), KindCounts{verdict.mutant.kind});
    ++it->mutants;
    it->killed += verdict.killed ? 1U : 0U;
    it->behavioural += verdict.killed_behaviourally() ? 1U : 0U;
    it->equivalent += !verdict.killed && !verdict.equivalent.empty() ? 1U : 0U;
  }
  std::sort(kinds.begin(), kinds.end(),
            [](const KindCounts& a, const KindCounts& b) { return a.kind < b.kind; });
  return kinds;
}

void PrintText(const MutationReport& report, double seconds, std::ostream& out) {
  out << fmt::format("pipecheck mutate: {}{}; explorer bounds: {}\n", report.model,
                     report.profile.empty() ? "" : fmt::format(" (profile {})", report.profile),
                     report.bounds);
  // Names run from 40 to 130 characters; longer ones push their line out.
  std::size_t width = 6;
  for (const MutantVerdict& verdict : report.verdicts) {
    width = std::max(width, std::min<std::size_t>(verdict.mutant.name.size(), 90));
  }
  out << fmt::format("{:>3}  {:<{}}  {}\n", "row", "mutant", width, "killed by");
  for (const MutantVerdict& verdict : report.verdicts) {
    std::string outcome;
    if (verdict.killed) {
      // The first behavioural reason, else the first (a copy comparison).
      const std::vector<std::string>& reasons =
          verdict.killed_behaviourally() ? verdict.killed_by_behaviour : verdict.killed_by;
      outcome = (verdict.killed_behaviourally() ? "" : "COPY ONLY: ") + reasons.front();
      if (verdict.killed_by.size() > 1) {
        outcome += fmt::format(" (+{} more)", verdict.killed_by.size() - 1);
      }
    } else if (!verdict.equivalent.empty()) {
      outcome = "EQUIVALENT: " + verdict.equivalent;
    } else {
      outcome = "SURVIVED";
    }
    out << fmt::format("{:>3}  {:<{}}  {}\n", verdict.mutant.row, verdict.mutant.name, width,
                       outcome);
  }
  const std::size_t mutants = report.mutants();
  const std::size_t killed = report.killed();
  const std::size_t behavioural = report.killed_behaviourally();
  const std::size_t equivalent = report.equivalent();
  out << fmt::format("\n{:<12} {:>7} {:>7} {:>12} {:>10}\n", "kind", "mutants", "killed",
                     "behavioural", "equivalent");
  for (const KindCounts& kind : CountKinds(report)) {
    out << fmt::format("{:<12} {:>7} {:>7} {:>12} {:>10}\n", properties::ToString(kind.kind),
                       kind.mutants, kind.killed, kind.behavioural, kind.equivalent);
  }
  out << fmt::format(
      "\nmutants: {}   killed: {}   equivalent: {}   survivors: {}   kill rate: {:.1f}% "
      "({:.1f}% of the non-equivalent)   time: {:.2f} s\n",
      mutants, killed, equivalent, report.survivors(), Percent(killed, mutants),
      Percent(killed, mutants - equivalent), seconds);
  out << fmt::format(
      "killed by behavioural properties: {}   behavioural kill rate: {:.1f}% ({:.1f}% of the "
      "non-equivalent)   killed only by the documented copy: {}\n",
      behavioural, Percent(behavioural, mutants), Percent(behavioural, mutants - equivalent),
      report.documented_copy_only());
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.documented_copy_only()) continue;
    out << fmt::format("{}: {} ({})\n",
                       verdict.mutant.effect()
                           ? "EFFECT MUTANT KILLED ONLY BY THE DOCUMENTED COPY (a behavioural "
                             "property is missing)"
                           : "killed only by the documented copy",
                       verdict.mutant.name, verdict.killed_by.front());
  }
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.killed && verdict.equivalent.empty()) {
      out << fmt::format("SURVIVOR (a property is missing): {}\n", verdict.mutant.name);
    }
  }
  for (const std::string& stale : report.stale_equivalents) {
    out << fmt::format("STALE: listed as equivalent but killed: {}\n", stale);
  }
}

ordered_json ToJson(const MutationReport& report, double seconds) {
  ordered_json out;
  out["model"] = report.model;
  if (!report.profile.empty()) out["profile"] = report.profile;
  out["bounds"] = report.bounds;
  out["mutants"] = report.mutants();
  out["killed"] = report.killed();
  out["kill_rate"] = Percent(report.killed(), report.mutants()) / 100.0;
  // Kills by behavioural properties alone: every reason but the
  // documented-copy comparisons listed in "documented_copy_comparisons".
  out["killed_behaviourally"] = report.killed_behaviourally();
  out["behavioural_kill_rate"] = Percent(report.killed_behaviourally(), report.mutants()) / 100.0;
  out["documented_copy_comparisons"] = ordered_json::array();
  for (const std::string& name : report.documented_copy_comparisons) {
    out["documented_copy_comparisons"].push_back(name);
  }
  out["seconds"] = seconds;
  out["kinds"] = ordered_json::object();
  for (const KindCounts& kind : CountKinds(report)) {
    out["kinds"][std::string(properties::ToString(kind.kind))] = {
        {"mutants", kind.mutants},
        {"killed", kind.killed},
        {"killed_behaviourally", kind.behavioural},
        {"equivalent", kind.equivalent}};
  }
  out["equivalent"] = ordered_json::array();
  out["survivors"] = ordered_json::array();
  out["killed_mutants"] = ordered_json::array();
  out["killed_only_by_the_documented_copy"] = ordered_json::array();
  out["effect_mutants_killed_only_by_the_copy"] = ordered_json::array();
  for (const MutantVerdict& verdict : report.verdicts) {
    const std::string& name = verdict.mutant.name;
    const std::string kind(properties::ToString(verdict.mutant.kind));
    if (verdict.killed) {
      out["killed_mutants"].push_back({{"mutant", name},
                                       {"row", verdict.mutant.row},
                                       {"kind", kind},
                                       {"killed_by", verdict.killed_by},
                                       {"killed_by_behaviour", verdict.killed_by_behaviour}});
      if (verdict.documented_copy_only()) {
        out["killed_only_by_the_documented_copy"].push_back(
            {{"mutant", name}, {"row", verdict.mutant.row}, {"kind", kind}});
        if (verdict.mutant.effect()) out["effect_mutants_killed_only_by_the_copy"].push_back(name);
      }
    } else if (!verdict.equivalent.empty()) {
      out["equivalent"].push_back({{"mutant", name},
                                   {"row", verdict.mutant.row},
                                   {"kind", kind},
                                   {"why", verdict.equivalent}});
    } else {
      out["survivors"].push_back({{"mutant", name}, {"row", verdict.mutant.row}, {"kind", kind}});
    }
  }
  out["stale_equivalents"] = report.stale_equivalents;
  return out;
}

template <properties::Mutation M>
int Run(const M& mutation, const MutateRequest& request, std::ostream& out, std::ostream& err) {
  properties::MutateOptions options;
  // The wall clock is read here, in the front end, never in properties/.
  const auto start = std::chrono::steady_clock::now();
  if (request.progress || isatty(STDERR_FILENO) != 0) {
    options.progress = [&err](std::size_t done, std::size_t total) {
      err << fmt::format("\rmutant {} of {}   ", done, total);
    };
  }
  const MutationReport report = properties::Mutate(mutation, options);
  if (options.progress) err << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (request.format == "json") {
    out << ToJson(report, seconds).dump(2) << "\n";
  } else {
    PrintText(report, seconds, out);
  }
  return report.passes() ? 0 : 1;
}

}  // namespace

int RunMutate(const MutateRequest& request, std::ostream& out, std::ostream& err) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format),
                     "--format");
  }
  return bindings::WithBinding(request.model, [&]<class B>(B) {
    return Run(B::Mutation::FromFlags(request.profile, request.pipes), request, out, err);
  });
}

}  // namespace pipecheck::cli
