// tests/check_test.cc: the exhaustive explorer.
//
// Goal: the explorer finds what a seeded bug breaks, with the shortest
// trace, as a scenario that replays to the same violation; it reports
// liveness lassos and deadlocks; it says incomplete rather than pass when a
// limit stops it; and the explored state spaces of the built-in tables are
// pinned, so that a change to them is a reviewed change.
//
// Method: tables are values; each test alters a copy of a built-in table
// (a row sent elsewhere, a row dropped) and checks the report.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "properties/check.h"
#include "properties/runner.h"

namespace pipecheck::properties {
namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

const PropertyReport& Find(const CheckReport& report, const std::string& name) {
  const auto it = std::find_if(report.properties.begin(), report.properties.end(),
                               [&](const PropertyReport& p) { return p.name == name; });
  EXPECT_NE(it, report.properties.end()) << name;
  return *it;
}

std::vector<cp::Row> CopyRows(cp::Profile profile) {
  const auto rows = cp::TableOf(profile).rows();
  return {rows.begin(), rows.end()};
}

std::size_t RowIndex(const std::vector<cp::Row>& rows, cp::State from, cp::Trigger trigger) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const cp::Row& row) {
    return row.from == from && row.trigger == trigger;
  });
  EXPECT_NE(it, rows.end());
  return static_cast<std::size_t>(it - rows.begin());
}

// The explored spaces of the built-in tables, with the default bounds. A
// change here is a change to the model: review it, then update the numbers.
TEST(Check, BuiltInTablesPassWithPinnedStateCounts) {
  const CheckReport current = CheckClickPipe(cp::TableOf(cp::Profile::kCurrent), {}, {});
  EXPECT_EQ(current.verdict, "pass");
  EXPECT_EQ(current.states, 56225U);
  EXPECT_EQ(current.transitions, 277042U);
  EXPECT_TRUE(current.unreachable_declared.empty());
  EXPECT_TRUE(current.deadlocks.empty());

  const CheckReport old = CheckClickPipe(cp::TableOf(cp::Profile::k2024), {}, {});
  EXPECT_EQ(old.verdict, "pass");
  EXPECT_EQ(old.states, 3557U);
  EXPECT_EQ(old.transitions, 18402U);
  EXPECT_EQ(old.unreachable_declared, std::vector<std::string>{"Degraded"});

  const CheckReport sync = CheckMongosync(ms::DefaultTable(), {}, {});
  EXPECT_EQ(sync.verdict, "pass");
  EXPECT_EQ(sync.states, 5647U);
  EXPECT_EQ(sync.transitions, 12692U);
}

TEST(Check, EverySometimesPropertyIsWitnessedAndEveryClaimHoldsOnTheBuiltInTables) {
  for (const CheckReport& report : {CheckClickPipe(cp::TableOf(cp::Profile::kCurrent), {}, {}),
                                    CheckMongosync(ms::DefaultTable(), {}, {})}) {
    for (const PropertyReport& property : report.properties) {
      const bool sometimes = property.kind == PropertyKind::kSometimes;
      EXPECT_EQ(property.verdict, sometimes ? "witnessed" : "holds") << property.name;
    }
  }
}

TEST(Check, ADeadRowIsReportedAsNeverTaken) {
  // D2's accepted branch (resume from Failed) needs a kept resume point and
  // a cause other than irrecoverable_error; no reachable Failed pipe has both.
  const CheckReport report = CheckClickPipe(cp::TableOf(cp::Profile::kCurrent), {}, {});
  std::vector<std::string> never;
  for (const RowCoverage& row : report.rows) {
    if (!row.taken) never.push_back(row.description);
  }
  EXPECT_EQ(never, std::vector<std::string>{"Failed --resume--> Running"});
}

TEST(Check, SeededBugRunningToCompletedIsFoundWithTheShortestTraceAndReplays) {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  rows[RowIndex(rows, cp::State::kRunning, cp::Trigger::kPause)].to = cp::State::kCompleted;
  const cp::Table mutant(cp::Profile::kCurrent, rows);
  const CheckReport report = CheckClickPipe(mutant, {}, {}, /*scenarios=*/true);
  EXPECT_EQ(report.verdict, "fail");
  const PropertyReport& violated = Find(report, "only_snapshot_pipes_complete");
  ASSERT_EQ(violated.verdict, "violated");
  // A cdc_only pipe: create, provisioned, tables_created (straight to
  // Running), pause. No shorter path exists.
  ASSERT_EQ(violated.trace.size(), 4U);
  EXPECT_NE(violated.initial.find("cdc_only"), std::string::npos);
  EXPECT_EQ(violated.trace.back().action, "pipe 0: pause");
  EXPECT_NE(violated.trace.back().rows.find("Running --pause--> Completed"), std::string::npos);
  ASSERT_TRUE(violated.scenario.has_value()) << violated.scenario_why;
  EXPECT_EQ(violated.scenario->expect.properties, "only_snapshot_pipes_complete");
  // The written scenario, run by the simulator with the same table, reaches
  // the same violation (RunScenario checks every expectation).
  const RunResult replay = RunScenario(*violated.scenario, {&mutant, nullptr});
  EXPECT_TRUE(replay.passed());
  const auto violations = replay.violations();
  EXPECT_TRUE(std::any_of(violations.begin(), violations.end(), [](const PropertyResult* p) {
    return p->name == "only_snapshot_pipes_complete";
  }));
  // And the same search twice gives the same trace.
  const CheckReport again = CheckClickPipe(mutant, {}, {}, false);
  EXPECT_EQ(again.states, report.states);
  ASSERT_EQ(Find(again, "only_snapshot_pipes_complete").trace.size(), violated.trace.size());
  for (std::size_t i = 0; i < violated.trace.size(); ++i) {
    EXPECT_EQ(Find(again, "only_snapshot_pipes_complete").trace[i].action, violated.trace[i].action);
  }
}

TEST(Check, SeededBugPausedPipeResumingWithLostPointIsFoundAndReplays) {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  // Resume with the point lost goes to Running instead of Failed: a silent gap.
  for (cp::Row& row : rows) {
    if (row.from == cp::State::kPaused && row.trigger == cp::Trigger::kResume &&
        row.guard == cp::Guard::kPointLost) {
      row.to = cp::State::kRunning;
      row.effect = cp::Effect::kNone;
    }
  }
  const cp::Table mutant(cp::Profile::kCurrent, rows);
  const CheckReport report = CheckClickPipe(mutant, {}, {}, true);
  const PropertyReport& violated = Find(report, "lost_resume_point_never_runs");
  ASSERT_EQ(violated.verdict, "violated");
  ASSERT_TRUE(violated.scenario.has_value()) << violated.scenario_why;
  const RunResult replay = RunScenario(*violated.scenario, {&mutant, nullptr});
  for (const auto& e : replay.expectations) EXPECT_TRUE(e.met) << e.what << ": " << e.why;
}

TEST(Check, DroppedExitEventIsALivenessViolationWithALasso) {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(RowIndex(rows, cp::State::kPausing,
                                                                 cp::Trigger::kCdcStopped)));
  const cp::Table mutant(cp::Profile::kCurrent, rows);
  const CheckReport report = CheckClickPipe(mutant, {}, {});
  const PropertyReport& live = Find(report, "transient_states_are_left");
  ASSERT_EQ(live.verdict, "violated");
  ASSERT_FALSE(live.trace.empty());
  EXPECT_NE(live.trace.back().state.find("Pausing"), std::string::npos);
}

TEST(Check, MongosyncSeededBugsAreFound) {
  const auto base = ms::DefaultTable().rows();
  {
    // /commit without canCommit.
    std::vector<ms::Row> rows(base.begin(), base.end());
    for (ms::Row& row : rows) {
      if (row.trigger == ms::Trigger::kCommit) row.guard = ms::Guard::kNone;
    }
    const ms::Table mutant(rows);
    const CheckReport report = CheckMongosync(mutant, {}, {}, true);
    const PropertyReport& violated = Find(report, "commit_only_when_can_commit");
    ASSERT_EQ(violated.verdict, "violated");
    ASSERT_TRUE(violated.scenario.has_value()) << violated.scenario_why;
    EXPECT_TRUE(RunScenario(*violated.scenario, {nullptr, &mutant}).passed());
  }
  {
    // REVERSING never ends.
    std::vector<ms::Row> rows;
    for (const ms::Row& row : base) {
      if (row.trigger != ms::Trigger::kReverseDone) rows.push_back(row);
    }
    const CheckReport report = CheckMongosync(ms::Table(rows), {}, {});
    EXPECT_EQ(Find(report, "transient_states_are_left").verdict, "violated");
  }
}

TEST(Check, AStateWithNoActionIsADeadlock) {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(RowIndex(rows, cp::State::kCompleted,
                                                                 cp::Trigger::kResync)));
  const cp::Table mutant(cp::Profile::kCurrent, rows);
  ClickPipeBounds bounds;
  bounds.pipes = 1;
  bounds.budget = {0, 0, 0, 0, 0};
  bounds.modes = {cp::Mode::kSnapshot};
  const CheckReport report = CheckClickPipe(mutant, bounds, {});
  ASSERT_FALSE(report.deadlocks.empty());
  EXPECT_NE(report.deadlocks.front().find("Completed"), std::string::npos);
  EXPECT_EQ(report.verdict, "fail");
}

TEST(Check, AStateLimitMakesTheSearchIncompleteNeverPass) {
  ClickPipeBounds bounds;
  bounds.pipes = 8;
  ExploreLimits limits;
  limits.max_states = 1000;
  const CheckReport report = CheckClickPipe(cp::TableOf(cp::Profile::kCurrent), bounds, limits);
  EXPECT_FALSE(report.complete);
  EXPECT_EQ(report.verdict, "incomplete");
  for (const PropertyReport& property : report.properties) {
    EXPECT_NE(property.verdict, "holds") << property.name;
  }
}

}  // namespace
}  // namespace pipecheck::properties
