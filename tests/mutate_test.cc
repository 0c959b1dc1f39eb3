// tests/mutate_test.cc: the mutation check of the property catalogue.
//
// Goal: every single-row mutant of every lifecycle table (drop the row, send
// it to each other state, drop its guard, widen its modes) is killed by the
// explorer's catalogue, except the equivalent mutants listed here, each with
// the reason it is equivalent. The kill counts and the list are pinned, so a
// weakened property (a mutant that now survives) or a stale list (an
// "equivalent" mutant that is now killed) fails CI.
//
// Method: properties::Mutate* explores each mutant with the default bounds
// (one pipe, every fault budget 1) and compares the verdicts with those of
// the built-in table.
#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/mutate_command.h"
#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "properties/mutate.h"

namespace pipecheck::properties {
namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

std::vector<std::string> Survivors(const MutationReport& report) {
  std::vector<std::string> names;
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.killed) names.push_back(verdict.mutant.name);
  }
  return names;
}

std::vector<std::string> Unexplained(const MutationReport& report) {
  std::vector<std::string> names;
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.killed && verdict.equivalent.empty()) names.push_back(verdict.mutant.name);
  }
  return names;
}

// The equivalent mutants of profile `current`. Each changes nothing any
// reachable pipe can do:
const std::vector<std::string> kCurrentEquivalents = {
    // A snapshot pipe's resume point is never lost (it holds none, D11: no
    // resume_point_lost row applies to it), so "point lost" never holds for
    // a snapshot pipe in Snapshot, and rows 15 and 13 decide as before.
    "row 14 Snapshot --initial_load_done--> Failed: all modes (was cdc,cdc_only)",
    // A snapshot pipe is never Running: its load and its resyncs end in
    // Completed (rows 15, 48), and the only other way in, row 54, is dead.
    "row 21 Running --pause--> Pausing: all modes (was cdc,cdc_only)",
    "row 24 Running --resume_point_lost--> Failed: all modes (was cdc,cdc_only)",
    // Nor, therefore, Pausing, Paused or Modifying, which only Running leads to.
    "row 30 Pausing --resume_point_lost--> Pausing: all modes (was cdc,cdc_only)",
    "row 40 Paused --resume_point_lost--> Paused: all modes (was cdc,cdc_only)",
    "row 44 Modifying --resume_point_lost--> Modifying: all modes (was cdc,cdc_only)",
    // As row 14: a snapshot pipe in Resync never has its point lost; row 48
    // completes it as before.
    "row 47 Resync --swap_done--> Failed: all modes (was cdc,cdc_only)",
    // Row 54 (D2: resume from Failed) is dead: the only failure that keeps
    // the resume point is irrecoverable_error, which D2 excludes, and every
    // other failure loses the point. No reachable Failed pipe satisfies its
    // guard, so no change to the row, not even dropping it, is observable.
    // (A finding about the model: D2's accepted resume cannot happen.)
    "row 54 Failed --resume--> Running: dropped",
    "row 54 Failed --resume--> Running: to Provisioning",
    "row 54 Failed --resume--> Running: to Setup",
    "row 54 Failed --resume--> Running: to Snapshot",
    "row 54 Failed --resume--> Running: to Pausing",
    "row 54 Failed --resume--> Running: to Paused",
    "row 54 Failed --resume--> Running: to Modifying",
    "row 54 Failed --resume--> Running: to Resync",
    "row 54 Failed --resume--> Running: to Completed",
    "row 54 Failed --resume--> Running: to Failed",
    "row 54 Failed --resume--> Running: all modes (was cdc,cdc_only)",
};

TEST(Mutate, ClickPipeCurrentKillsEveryMutantButTheListedEquivalents) {
  const MutationReport report = MutateClickPipe(cp::Profile::kCurrent, DefaultMutateOptions());
  EXPECT_EQ(report.mutants(), 615U);
  EXPECT_EQ(report.killed(), 597U);
  EXPECT_EQ(report.equivalent(), kCurrentEquivalents.size());
  EXPECT_EQ(Survivors(report), kCurrentEquivalents);
  EXPECT_TRUE(Unexplained(report).empty());
  EXPECT_TRUE(report.stale_equivalents.empty());
}

// Profile 2024 has no modes, no Pausing, Modifying, Resync or Completed, and
// no dead row: every mutant is killed. (Sending a row to Degraded, the state
// no transition reaches, is killed as a deadlock and by the catalogue's
// answers.)
TEST(Mutate, ClickPipe2024KillsEveryMutant) {
  const MutationReport report = MutateClickPipe(cp::Profile::k2024, DefaultMutateOptions());
  EXPECT_EQ(report.mutants(), 226U);
  EXPECT_EQ(report.killed(), 226U);
  EXPECT_TRUE(Survivors(report).empty());
}

// mongosync: every mutant, process retargets included, is killed.
TEST(Mutate, MongosyncKillsEveryMutant) {
  const MutationReport report = MutateMongosync(DefaultMutateOptions());
  EXPECT_EQ(report.mutants(), 315U);
  EXPECT_EQ(report.killed(), 315U);
  EXPECT_TRUE(Survivors(report).empty());
}

// The list in properties/mutate.cc, which `pipecheck mutate` prints, is this
// list: every equivalent there is explained here and the other way round.
TEST(Mutate, TheLibraryListsTheSameEquivalents) {
  std::vector<std::string> listed;
  for (const KnownEquivalent& known : KnownEquivalents()) {
    EXPECT_EQ(known.model, "clickpipe");
    EXPECT_EQ(known.profile, "current");
    EXPECT_FALSE(known.why.empty());
    listed.emplace_back(known.mutant);
  }
  EXPECT_EQ(listed, kCurrentEquivalents);
}

// A weakened catalogue is noticed: without the answers the documents give for
// faults, the fault rows' mutants survive.
TEST(Mutate, AWeakenedCatalogueLetsMutantsSurvive) {
  MutateOptions options = DefaultMutateOptions();
  options.ignore = {"faults_strike_as_documented"};
  const MutationReport report = MutateClickPipe(cp::Profile::kCurrent, options);
  const std::vector<std::string> unexplained = Unexplained(report);
  EXPECT_GT(unexplained.size(), 0U);
  EXPECT_NE(
      std::find(unexplained.begin(), unexplained.end(), "row 27 Running --lag--> Running: dropped"),
      unexplained.end());
}

// Each mutant changes one row, in one way, and the names are unique.
TEST(Mutate, MutantsChangeOneRowEach) {
  const cp::Table& table = cp::TableOf(cp::Profile::kCurrent);
  const std::vector<Mutant> mutants = ClickPipeMutants(table);
  std::vector<std::string> names;
  for (const Mutant& mutant : mutants) {
    names.push_back(mutant.name);
    const std::vector<cp::Row> rows = Apply(table, mutant);
    if (mutant.kind == MutationKind::kDrop) {
      EXPECT_EQ(rows.size() + 1, table.rows().size());
      continue;
    }
    ASSERT_EQ(rows.size(), table.rows().size());
    int changed = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const cp::Row& a = rows[r];
      const cp::Row& b = table.rows()[r];
      if (a.to != b.to || a.guard != b.guard || a.modes != b.modes) {
        ++changed;
        EXPECT_EQ(r, mutant.row);
      }
    }
    EXPECT_EQ(changed, 1) << mutant.name;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_EQ(MongosyncMutants(ms::DefaultTable()).size(), 315U);
}

// `pipecheck mutate --format json` (interfaces.md section 8): every mutant is
// killed, equivalent or a survivor, and the exit code says whether any
// survivor is unexplained.
TEST(Mutate, TheJsonReportAccountsForEveryMutant) {
  for (const auto& [model, profile] : std::vector<std::pair<std::string, std::string>>{
           {"clickpipe", ""}, {"clickpipe", "2024"}, {"mongosync", ""}}) {
    cli::MutateRequest request;
    request.model = model;
    request.profile = profile;
    request.format = "json";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::RunMutate(request, out, err), 0) << model << " " << profile;
    const nlohmann::json report = nlohmann::json::parse(out.str());
    EXPECT_EQ(report["model"], model);
    const auto mutants = report["mutants"].get<std::size_t>();
    const auto killed = report["killed"].get<std::size_t>();
    EXPECT_EQ(killed + report["equivalent"].size() + report["survivors"].size(), mutants);
    EXPECT_TRUE(report["survivors"].empty());
    for (const auto& equivalent : report["equivalent"]) {
      EXPECT_FALSE(equivalent["why"].get<std::string>().empty());
      EXPECT_TRUE(equivalent["mutant"].is_string());
    }
  }
}

}  // namespace
}  // namespace pipecheck::properties
