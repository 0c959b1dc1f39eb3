#include "cli/mutate_command.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "model/input_error.h"
#include "properties/mutate.h"

namespace pipecheck::cli {

namespace cp = model::clickpipe;
using nlohmann::ordered_json;
using properties::MutantVerdict;
using properties::MutationReport;

namespace {

double Percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? 100.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
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
      outcome = verdict.killed_by.front();
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
  const std::size_t equivalent = report.equivalent();
  out << fmt::format(
      "\nmutants: {}   killed: {}   equivalent: {}   survivors: {}   kill rate: {:.1f}% "
      "({:.1f}% of the non-equivalent)   time: {:.2f} s\n",
      mutants, killed, equivalent, report.survivors(), Percent(killed, mutants),
      Percent(killed, mutants - equivalent), seconds);
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
  out["seconds"] = seconds;
  out["equivalent"] = ordered_json::array();
  out["survivors"] = ordered_json::array();
  out["killed_mutants"] = ordered_json::array();
  for (const MutantVerdict& verdict : report.verdicts) {
    const std::string& name = verdict.mutant.name;
    if (verdict.killed) {
      out["killed_mutants"].push_back(
          {{"mutant", name}, {"row", verdict.mutant.row}, {"killed_by", verdict.killed_by}});
    } else if (!verdict.equivalent.empty()) {
      out["equivalent"].push_back(
          {{"mutant", name}, {"row", verdict.mutant.row}, {"why", verdict.equivalent}});
    } else {
      out["survivors"].push_back({{"mutant", name}, {"row", verdict.mutant.row}});
    }
  }
  out["stale_equivalents"] = report.stale_equivalents;
  return out;
}

}  // namespace

int RunMutate(const MutateRequest& request, std::ostream& out, std::ostream& err) {
  if (request.format != "text" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected text or json", request.format),
                     "--format");
  }
  const ModelName model = ParseModelFlag(request.model);
  const cp::Profile profile = ParseProfileFlag(model, request.profile);
  properties::MutateOptions options = properties::DefaultMutateOptions();
  if (request.pipes != 0) {
    if (model != ModelName::kClickPipe) {
      throw InputError("only the clickpipe model has pipes", "--pipes");
    }
    if (request.pipes < 1 || request.pipes > properties::ClickPipeSpace::kMaxPipes) {
      throw InputError(fmt::format("{} pipes: expected 1 to {}", request.pipes,
                                   properties::ClickPipeSpace::kMaxPipes),
                       "--pipes");
    }
    options.clickpipe.pipes = request.pipes;
  }
  // The wall clock is read here, in the front end, never in properties/.
  const auto start = std::chrono::steady_clock::now();
  if (request.progress || isatty(STDERR_FILENO) != 0) {
    options.progress = [&err](std::size_t done, std::size_t total) {
      err << fmt::format("\rmutant {} of {}   ", done, total);
    };
  }
  const MutationReport report = model == ModelName::kClickPipe
                                    ? properties::MutateClickPipe(profile, options)
                                    : properties::MutateMongosync(options);
  if (options.progress) err << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (request.format == "json") {
    out << ToJson(report, seconds).dump(2) << "\n";
  } else {
    PrintText(report, seconds, out);
  }
  return report.survivors() == 0 && report.stale_equivalents.empty() ? 0 : 1;
}

}  // namespace pipecheck::cli
