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
#include <array>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "properties/check.h"
#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"
#include "properties/clickpipe_monitors.h"
#include "properties/mongosync_monitors.h"
#include "properties/runner.h"
#include "tests/liveness_oracle.h"

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
  const CheckReport current = Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), {}), {});
  EXPECT_EQ(current.verdict, CheckVerdict::kPass);
  EXPECT_EQ(current.states, 56225U);
  EXPECT_EQ(current.transitions, 277042U);
  EXPECT_TRUE(current.unreachable_declared.empty());
  EXPECT_TRUE(current.deadlocks.empty());

  const CheckReport old = Check(ClickPipeSpace(cp::TableOf(cp::Profile::k2024), {}), {});
  EXPECT_EQ(old.verdict, CheckVerdict::kPass);
  EXPECT_EQ(old.states, 3557U);
  EXPECT_EQ(old.transitions, 17634U);  // D16: no add_tables from Failed.
  EXPECT_EQ(old.unreachable_declared, std::vector<std::string>{"Degraded"});

  const CheckReport sync = Check(MongosyncSpace(ms::DefaultTable(), {}), {});
  EXPECT_EQ(sync.verdict, CheckVerdict::kPass);
  EXPECT_EQ(sync.states, 5647U);
  EXPECT_EQ(sync.transitions, 12692U);
}

TEST(Check, EverySometimesPropertyIsWitnessedAndEveryClaimHoldsOnTheBuiltInTables) {
  for (const CheckReport& report : {Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), {}), {}),
                                    Check(MongosyncSpace(ms::DefaultTable(), {}), {})}) {
    for (const PropertyReport& property : report.properties) {
      const bool sometimes = property.expectation == Expectation::kSometimes;
      EXPECT_EQ(property.verdict, sometimes ? Verdict::kWitnessed : Verdict::kHolds) << property.name;
    }
  }
}

TEST(Check, ADeadRowIsReportedAsNeverTaken) {
  // D2's accepted branch (resume from Failed) needs a kept resume point and
  // a cause other than irrecoverable_error; no reachable Failed pipe has both.
  const CheckReport report = Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), {}), {});
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
  const CheckReport report = Check(ClickPipeSpace(mutant, {}), {}, /*scenarios=*/true);
  EXPECT_EQ(report.verdict, CheckVerdict::kFail);
  const PropertyReport& violated = Find(report, "only_snapshot_pipes_complete");
  ASSERT_EQ(violated.verdict, Verdict::kViolated);
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
  const RunResult replay = RunScenario<ClickPipeMonitors>(*violated.scenario, {&mutant, nullptr});
  EXPECT_TRUE(replay.passed());
  const auto violations = replay.violations();
  EXPECT_TRUE(std::any_of(violations.begin(), violations.end(), [](const PropertyResult* p) {
    return p->name == "only_snapshot_pipes_complete";
  }));
  // And the same search twice gives the same trace.
  const CheckReport again = Check(ClickPipeSpace(mutant, {}), {}, false);
  EXPECT_EQ(again.states, report.states);
  ASSERT_EQ(Find(again, "only_snapshot_pipes_complete").trace.size(), violated.trace.size());
  for (std::size_t i = 0; i < violated.trace.size(); ++i) {
    EXPECT_EQ(Find(again, "only_snapshot_pipes_complete").trace[i].action, violated.trace[i].action);
  }
}

// The current table where resume with the point lost goes to Running
// instead of Failed: a silent gap.
std::vector<cp::Row> LostPointRunsRows() {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  for (cp::Row& row : rows) {
    if (row.from == cp::State::kPaused && row.trigger == cp::Trigger::kResume &&
        row.guard == cp::Guard::kPointLost) {
      row.to = cp::State::kRunning;
      row.effect = cp::Effect::kNone;
    }
  }
  return rows;
}

TEST(Check, SeededBugPausedPipeResumingWithLostPointIsFoundAndReplays) {
  const cp::Table mutant(cp::Profile::kCurrent, LostPointRunsRows());
  const CheckReport report = Check(ClickPipeSpace(mutant, {}), {}, true);
  const PropertyReport& violated = Find(report, "lost_resume_point_never_runs");
  ASSERT_EQ(violated.verdict, Verdict::kViolated);
  ASSERT_TRUE(violated.scenario.has_value()) << violated.scenario_why;
  const RunResult replay = RunScenario<ClickPipeMonitors>(*violated.scenario, {&mutant, nullptr});
  for (const auto& e : replay.expectations) EXPECT_TRUE(e.met) << e.what << ": " << e.why;
}

TEST(Check, DroppedExitEventIsALivenessViolationWithALasso) {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(RowIndex(rows, cp::State::kPausing,
                                                                 cp::Trigger::kCdcStopped)));
  const cp::Table mutant(cp::Profile::kCurrent, rows);
  const CheckReport report = Check(ClickPipeSpace(mutant, {}), {});
  const PropertyReport& live = Find(report, "transient_states_are_left");
  ASSERT_EQ(live.verdict, Verdict::kViolated);
  ASSERT_FALSE(live.trace.empty());
  EXPECT_NE(live.trace.back().state.find("Pausing"), std::string::npos);
}

TEST(Check, ATransientStateThatLoopsOnItselfIsALivenessViolation) {
  {
    // reverse_done leaves the sync in REVERSING: the event fires forever and
    // REVERSING is never left. The lasso's cycle is one step that stays in
    // the one state (GET /progress comes first in action order).
    std::vector<ms::Row> rows(ms::DefaultTable().rows().begin(), ms::DefaultTable().rows().end());
    for (ms::Row& row : rows) {
      if (row.from == ms::State::kReversing && row.trigger == ms::Trigger::kReverseDone) {
        row.to = ms::State::kReversing;
        row.effect = ms::Effect::kNone;
      }
    }
    const CheckReport report = Check(MongosyncSpace(ms::Table(rows), {}), {});
    const PropertyReport& live = Find(report, "transient_states_are_left");
    ASSERT_EQ(live.verdict, Verdict::kViolated);
    ASSERT_EQ(live.cycle.size(), 1U);
    EXPECT_NE(live.trace.back().state.find("REVERSING"), std::string::npos);
    EXPECT_EQ(live.cycle[0].state, live.trace.back().state);
    EXPECT_NE(live.cycle[0].state.find("REVERSING"), std::string::npos) << live.cycle[0].state;
  }
  {
    // cdc_stopped keeps a pipe in Pausing, with two pipes explored.
    std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
    cp::Row& row = rows[RowIndex(rows, cp::State::kPausing, cp::Trigger::kCdcStopped)];
    row.to = cp::State::kPausing;
    row.effect = cp::Effect::kNone;
    const CheckReport report =
        Check(ClickPipeSpace(cp::Table(cp::Profile::kCurrent, rows), {}), {});
    const PropertyReport& live = Find(report, "transient_states_are_left");
    ASSERT_EQ(live.verdict, Verdict::kViolated);
    ASSERT_EQ(live.cycle.size(), 1U);
    EXPECT_NE(live.cycle[0].action.find("cdc_stopped"), std::string::npos) << live.cycle[0].action;
    EXPECT_NE(live.cycle[0].state.find("Pausing"), std::string::npos) << live.cycle[0].state;
  }
}

// Explores `space` and checks that its graph is closed under the model as
// `steps(state, visit)` enumerates it, written from the model's Step rather
// than from the space's successor loop: every enumerated step from a stored
// state leads to a stored state, and the explorer counted exactly those steps.
template <typename Space, typename Steps>
void ExpectClosedUnderTheModel(const Space& space, const Steps& steps) {
  Explorer<Space> explorer(space);
  ASSERT_TRUE(explorer.Run({}));
  std::uint64_t enumerated = 0;
  std::uint64_t missing = 0;
  std::string first_missing;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    const typename Space::State state = explorer.Unpack(s);
    steps(state, [&](const typename Space::State& next, const std::string& what) {
      ++enumerated;
      if (explorer.Find(next) != Explorer<Space>::kNoParent) return;
      if (missing++ == 0) {
        first_missing = space.Describe(state) + " --" + what + "--> " + space.Describe(next);
      }
    });
  }
  EXPECT_EQ(missing, 0U) << "never explored, first: " << first_missing;
  EXPECT_EQ(explorer.transitions(), enumerated);
}

TEST(Check, TheExplorerFollowsEveryAcceptedMongosyncStep) {
  const MongosyncBounds bounds;
  const ms::Table& table = ms::DefaultTable();
  const MongosyncSpace space(table, bounds);
  ExpectClosedUnderTheModel(space, [&](const MongosyncSpace::State& state, const auto& visit) {
    for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
      const auto trigger = static_cast<ms::Trigger>(t);
      const int fault = MongosyncSpace::FaultOf(trigger);
      const auto f = static_cast<std::size_t>(fault);
      if (fault >= 0 && state.spent[f] >= bounds.budget[f]) continue;
      // /start is tried with every body the space explores.
      const std::size_t bodies = trigger == ms::Trigger::kStart ? MongosyncSpace::kBodies : 1;
      for (std::size_t b = 0; b < bodies; ++b) {
        const ms::StepResult result = ms::Step(table, state.sync, trigger, MongosyncSpace::Body(b));
        if (!result.accepted) continue;
        MongosyncSpace::State next = state;
        next.sync = result.next;
        if (fault >= 0) ++next.spent[f];
        visit(next, std::string(ms::ToString(trigger)));
      }
    }
  });
}

TEST(Check, TheExplorerFollowsEveryAcceptedClickPipeStepOfEveryPipe) {
  const ClickPipeBounds bounds;
  ASSERT_EQ(bounds.pipes, 2);
  const cp::Table& table = cp::TableOf(cp::Profile::kCurrent);
  const ClickPipeSpace space(table, bounds);
  ExpectClosedUnderTheModel(space, [&](const ClickPipeSpace::State& state, const auto& visit) {
    // The budget left for a fault trigger (operations and events have none).
    const auto spend = [&](cp::Trigger trigger, ClickPipeSpace::State& next) {
      const int fault = ClickPipeSpace::FaultOf(trigger);
      if (fault < 0) return true;
      const auto f = static_cast<std::size_t>(fault);
      if (state.spent[f] >= bounds.budget[f]) return false;
      ++next.spent[f];
      return true;
    };
    for (int p = 0; p < bounds.pipes; ++p) {
      const auto pipe = static_cast<std::size_t>(p);
      for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
        const auto trigger = static_cast<cp::Trigger>(t);
        if (ClickPipeSpace::IsServiceWide(trigger)) continue;
        const cp::StepResult result = cp::Step(table, state.pipes[pipe], trigger);
        ClickPipeSpace::State next = state;
        if (!result.accepted || !spend(trigger, next)) continue;
        next.pipes[pipe] = result.next;
        visit(next, "pipe " + std::to_string(p) + ": " + std::string(cp::ToString(trigger)));
      }
    }
    // A service-wide fault steps every pipe that accepts it, as one action.
    for (const cp::Trigger trigger : {cp::Trigger::kComputeCrash, cp::Trigger::kDestinationUnavailable}) {
      ClickPipeSpace::State next = state;
      if (!spend(trigger, next)) continue;
      bool any = false;
      for (int p = 0; p < bounds.pipes; ++p) {
        const auto pipe = static_cast<std::size_t>(p);
        const cp::StepResult result = cp::Step(table, state.pipes[pipe], trigger);
        if (!result.accepted) continue;
        any = true;
        next.pipes[pipe] = result.next;
      }
      if (any) visit(next, std::string(cp::ToString(trigger)));
    }
  });
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
    const CheckReport report = Check(MongosyncSpace(mutant, {}), {}, true);
    const PropertyReport& violated = Find(report, "commit_only_when_can_commit");
    ASSERT_EQ(violated.verdict, Verdict::kViolated);
    ASSERT_TRUE(violated.scenario.has_value()) << violated.scenario_why;
    EXPECT_TRUE(RunScenario<MongosyncMonitors>(*violated.scenario, {nullptr, &mutant}).passed());
  }
  {
    // REVERSING never ends.
    std::vector<ms::Row> rows;
    for (const ms::Row& row : base) {
      if (row.trigger != ms::Trigger::kReverseDone) rows.push_back(row);
    }
    const CheckReport report = Check(MongosyncSpace(ms::Table(rows), {}), {});
    EXPECT_EQ(Find(report, "transient_states_are_left").verdict, Verdict::kViolated);
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
  const CheckReport report = Check(ClickPipeSpace(mutant, bounds), {});
  ASSERT_FALSE(report.deadlocks.empty());
  EXPECT_NE(report.deadlocks.front().find("Completed"), std::string::npos);
  EXPECT_EQ(report.verdict, CheckVerdict::kFail);
}

TEST(Check, AStateLimitMakesTheSearchIncompleteNeverPass) {
  ClickPipeBounds bounds;
  bounds.pipes = 8;
  ExploreLimits limits;
  limits.max_states = 1000;
  const CheckReport report = Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), bounds), limits);
  EXPECT_FALSE(report.complete);
  EXPECT_EQ(report.verdict, CheckVerdict::kIncomplete);
  for (const PropertyReport& property : report.properties) {
    EXPECT_NE(property.verdict, Verdict::kHolds) << property.name;
  }
}

// The claims on what a step does besides its state (the failure cause, the
// resume point, the load in progress; mongosync's phase, lag, canWrite,
// direction, options and process) and on the order states are entered in:
// each catches one wrong row, an effect or a target, that a reader would
// plausibly write, with a trace ending at the wrong step.
struct ClickPipeCase {
  cp::State from;
  cp::Trigger trigger;
  cp::State to;  // Picks the row among those of (from, trigger).
  std::function<void(cp::Row&)> change;
  std::string violated;
};

TEST(Check, EachClickPipeStepClaimCatchesAWrongRow) {
  using S = cp::State;
  using T = cp::Trigger;
  using E = cp::Effect;
  auto effect = [](E e) { return [e](cp::Row& row) { row.effect = e; }; };
  auto target = [](S s) { return [s](cp::Row& row) { row.to = s; }; };
  const std::vector<ClickPipeCase> cases = {
      {S::kRunning, T::kIrrecoverableError, S::kFailed, effect(E::kFailPointLost),
       "a_pipe_fails_with_the_fault_it_met"},
      {S::kRunning, T::kIrrecoverableError, S::kFailed, effect(E::kNone),
       "a_pipe_reports_a_cause_exactly_when_failed"},
      {S::kPaused, T::kPause, S::kPaused, effect(E::kLosePoint),
       "the_resume_point_is_lost_only_to_the_oplog"},
      {S::kRunning, T::kResync, S::kSetup, effect(E::kBeginAddTables),
       "only_a_resync_takes_a_fresh_resume_point"},
      {S::kSnapshot, T::kInitialLoadDone, S::kRunning, effect(E::kNone),
       "no_load_in_progress_outside_a_load"},
      {S::kSetup, T::kComputeCrash, S::kSetup, effect(E::kEndLoad),
       "loads_begin_with_their_operation_and_end_when_done_or_failed"},
      {S::kPaused, T::kAddTables, S::kSetup, effect(E::kNone),
       "adding_tables_keeps_the_resume_point"},
      {S::kSnapshot, T::kComputeCrash, S::kSnapshot, target(S::kRunning),
       "faults_keep_the_state_or_fail_the_pipe"},
      {S::kPaused, T::kResume, S::kRunning, target(S::kPaused), "a_resumed_pipe_runs_or_fails"},
      {S::kProvisioning, T::kProvisioned, S::kSetup, target(S::kSnapshot),
       "states_are_entered_only_as_the_lifecycle_leads"},
      {S::kSnapshot, T::kInitialLoadDone, S::kCompleted, target(S::kRunning),
       "a_snapshot_pipe_never_runs_cdc"},
  };
  ClickPipeBounds bounds;
  bounds.pipes = 1;
  for (const ClickPipeCase& c : cases) {
    std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const cp::Row& r) {
      return r.from == c.from && r.trigger == c.trigger && r.to == c.to;
    });
    ASSERT_NE(row, rows.end()) << c.violated;
    c.change(*row);
    const CheckReport report = Check(ClickPipeSpace(cp::Table(cp::Profile::kCurrent, rows), bounds), {});
    const PropertyReport& property = Find(report, c.violated);
    EXPECT_EQ(property.verdict, Verdict::kViolated) << c.violated;
    ASSERT_FALSE(property.trace.empty()) << c.violated;
    EXPECT_NE(property.trace.back().action.find(cp::ToString(c.trigger)), std::string::npos)
        << c.violated << ": " << property.trace.back().action;
  }
}

struct MongosyncCase {
  ms::State from;
  ms::Process process;
  ms::Trigger trigger;
  std::function<void(ms::Row&)> change;
  std::string violated;
};

TEST(Check, EachMongosyncStepClaimCatchesAWrongRow) {
  using S = ms::State;
  using P = ms::Process;
  using T = ms::Trigger;
  using E = ms::Effect;
  auto effect = [](E e) { return [e](ms::Row& row) { row.effect = e; }; };
  const std::vector<MongosyncCase> cases = {
      {S::kRunning, P::kExited, T::kWipeDestinationAndRestart, effect(E::kNone),
       "idle_reports_only_its_state"},
      {S::kIdle, P::kUp, T::kStart, effect(E::kNone),
       "a_sync_runs_with_the_options_it_was_started_with"},
      {S::kRunning, P::kUp, T::kProgress, effect(E::kEnterCea),
       "change_event_application_follows_the_copy"},
      {S::kRunning, P::kUp, T::kCommit, effect(E::kEnableWrites),
       "can_write_stays_true_once_writes_are_enabled"},
      {S::kRunning, P::kUp, T::kLagRecovered, effect(E::kNone),
       "lag_rises_and_falls_only_with_its_events"},
      {S::kCommitted, P::kUp, T::kReverse, effect(E::kSwapDirection),
       "only_a_reverse_swaps_the_direction"},
      {S::kRunning, P::kUp, T::kCrash, [](ms::Row& row) { row.to = S::kPaused; },
       "the_state_is_kept_through_faults_restarts_and_reads"},
      {S::kRunning, P::kDown, T::kRestart, [](ms::Row& row) { row.process_to = P::kExited; },
       "the_process_status_changes_only_by_crash_restart_or_a_fatal_error"},
      {S::kPaused, P::kUp, T::kResume, [](ms::Row& row) { row.to = S::kPaused; },
       "states_are_entered_only_as_the_lifecycle_leads"},
  };
  for (const MongosyncCase& c : cases) {
    const auto base = ms::DefaultTable().rows();
    std::vector<ms::Row> rows(base.begin(), base.end());
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const ms::Row& r) {
      return r.from == c.from && r.process_from == c.process && r.trigger == c.trigger;
    });
    ASSERT_NE(row, rows.end()) << c.violated;
    c.change(*row);
    const CheckReport report = Check(MongosyncSpace(ms::Table(rows), {}), {});
    const PropertyReport& property = Find(report, c.violated);
    EXPECT_EQ(property.verdict, Verdict::kViolated) << c.violated;
    ASSERT_FALSE(property.trace.empty()) << c.violated;
  }
}

// Symmetry reduction. Pipes of one service are
// interchangeable up to their own record, so with ClickPipeBounds::symmetry
// the explorer stores one state per orbit of pipe permutations.
//
// Method: the orbits are counted by brute force, from the unreduced search,
// with a canonical form written here from the pipes' fields (not from the
// space's packing): the sorted list of per-pipe records, with the faults
// spent (the service's, never permuted). The reduced search must store
// exactly that many states; every verdict, witness, coverage row and
// shortest trace length must be those of the unreduced search; and every
// stored state's trace, made concrete, must lead to that state.

using Record = std::tuple<int, int, bool, bool, bool, int>;
using Canonical = std::pair<std::vector<Record>, std::array<std::uint8_t, kClickPipeFaultCount>>;

Canonical CanonicalForm(const ClickPipeSpace::State& state, int pipes) {
  Canonical form;
  for (int p = 0; p < pipes; ++p) {
    const cp::Pipe& pipe = state.pipes[static_cast<std::size_t>(p)];
    form.first.emplace_back(static_cast<int>(pipe.state), static_cast<int>(pipe.mode), pipe.in_resync,
                            pipe.adding_tables, pipe.resume_point_in_oplog, static_cast<int>(pipe.cause));
  }
  std::sort(form.first.begin(), form.first.end());
  form.second = state.spent;
  return form;
}

ClickPipeBounds With(ClickPipeBounds bounds, bool symmetry) {
  bounds.symmetry = symmetry;
  return bounds;
}

// The number of distinct canonical forms of the unreduced space's states.
std::size_t Orbits(const cp::Table& table, const ClickPipeBounds& bounds) {
  const ClickPipeSpace space(table, With(bounds, false));
  Explorer<ClickPipeSpace> explorer(space);
  EXPECT_TRUE(explorer.Run({}));
  std::set<Canonical> forms;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    forms.insert(CanonicalForm(explorer.Unpack(s), bounds.pipes));
  }
  return forms.size();
}

ClickPipeBounds Pipes(int pipes) {
  ClickPipeBounds bounds;
  bounds.pipes = pipes;
  return bounds;
}

TEST(CheckSymmetry, TheReducedSpaceHasOneStatePerOrbitOfTheFullSpace) {
  struct Case {
    cp::Profile profile;
    ClickPipeBounds bounds;
  };
  ClickPipeBounds three_cdc = Pipes(3);  // Current, 3 pipes, with a smaller fault budget.
  three_cdc.budget = {1, 1, 0, 0, 1};
  const std::vector<Case> cases = {
      {cp::Profile::kCurrent, Pipes(2)},
      {cp::Profile::k2024, Pipes(2)},
      {cp::Profile::k2024, Pipes(3)},
      {cp::Profile::kCurrent, three_cdc},
  };
  for (const Case& c : cases) {
    const cp::Table& table = cp::TableOf(c.profile);
    const ClickPipeSpace reduced(table, With(c.bounds, true));
    ASSERT_TRUE(reduced.Reduced());
    Explorer<ClickPipeSpace> explorer(reduced);
    ASSERT_TRUE(explorer.Run({}));
    const std::size_t orbits = Orbits(table, c.bounds);
    EXPECT_EQ(explorer.states(), orbits) << cp::ToString(c.profile) << ", " << c.bounds.pipes << " pipes";
  }
}

// The same for the full 3-pipe current space (2,536,711 states unreduced,
// about 6 s).
TEST(CheckSymmetry, ThreePipesCurrentHasOneStatePerOrbit) {
  const ClickPipeSpace reduced(cp::TableOf(cp::Profile::kCurrent), With(Pipes(3), true));
  Explorer<ClickPipeSpace> explorer(reduced);
  ASSERT_TRUE(explorer.Run({}));
  EXPECT_EQ(explorer.states(), 443984U);
  EXPECT_EQ(explorer.states(), Orbits(cp::TableOf(cp::Profile::kCurrent), Pipes(3)));
}

// Every stored state's path, made concrete, is a trace of the unreduced
// space that ends in a member of that state's orbit.
TEST(CheckSymmetry, EveryStoredPathMadeConcreteLeadsToItsState) {
  for (const auto& [profile, pipes] : {std::pair{cp::Profile::kCurrent, 2}, std::pair{cp::Profile::k2024, 3}}) {
    const ClickPipeSpace space(cp::TableOf(profile), With(Pipes(pipes), true));
    Explorer<ClickPipeSpace> explorer(space);
    ASSERT_TRUE(explorer.Run({}));
    std::uint64_t wrong = 0;
    std::uint64_t permuted = 0;  // Paths whose concrete actions differ from the stored ones.
    for (std::uint32_t s = 0; s < explorer.states(); ++s) {
      const std::vector<Action> stored = explorer.PathTo(s);
      ClickPipeSpace::State state = explorer.Unpack(explorer.RootOf(s));
      ClickPipeSpace::State reached = state;
      const std::vector<Action> concrete = check_detail::Concrete(space, reached, stored);
      EXPECT_EQ(explorer.Find(reached), s);
      ASSERT_EQ(concrete.size(), stored.size());
      if (concrete != stored) ++permuted;
      for (const Action action : concrete) {
        bool found = false;
        space.Successors(state, [&](Action a, const ClickPipeSpace::State& next, const RowMask&) {
          if (a == action && !found) {
            state = next;
            found = true;
          }
        });
        ASSERT_TRUE(found);
      }
      if (explorer.Find(state) != s) ++wrong;
    }
    EXPECT_EQ(wrong, 0U);
    EXPECT_GT(permuted, 0U);  // The reconstruction is exercised, not vacuous.
  }
}

// What must not depend on the reduction: verdicts, witnesses, the length of
// every shortest trace and lasso, coverage, the states reached, whether
// there are deadlocks, and the written scenarios (which must replay).
void ExpectSameWithAndWithout(const cp::Table& table, const ClickPipeBounds& bounds, const std::string& what) {
  const CheckReport off = Check(ClickPipeSpace(table, With(bounds, false)), {}, /*scenarios=*/true);
  const CheckReport on = Check(ClickPipeSpace(table, With(bounds, true)), {}, /*scenarios=*/true);
  EXPECT_FALSE(off.symmetry);
  EXPECT_TRUE(on.symmetry);
  EXPECT_LE(on.states, off.states);
  EXPECT_EQ(on.verdict, off.verdict) << what;
  EXPECT_EQ(on.depth, off.depth) << what;
  EXPECT_EQ(on.reachable, off.reachable) << what;
  EXPECT_EQ(on.unreachable_declared, off.unreachable_declared) << what;
  EXPECT_EQ(on.deadlocks.empty(), off.deadlocks.empty()) << what;
  ASSERT_EQ(on.rows.size(), off.rows.size());
  for (std::size_t r = 0; r < on.rows.size(); ++r) EXPECT_EQ(on.rows[r].taken, off.rows[r].taken) << what << " row " << r;
  ASSERT_EQ(on.properties.size(), off.properties.size());
  for (std::size_t p = 0; p < on.properties.size(); ++p) {
    const PropertyReport& a = off.properties[p];
    const PropertyReport& b = on.properties[p];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.verdict, a.verdict) << what << ": " << a.name;
    EXPECT_EQ(b.trace.size(), a.trace.size()) << what << ": " << a.name;
    EXPECT_EQ(b.cycle.size(), a.cycle.size()) << what << ": " << a.name;
    EXPECT_EQ(b.scenario.has_value(), a.scenario.has_value()) << what << ": " << a.name << ": " << b.scenario_why;
    if (b.scenario) {
      const RunResult replay = RunScenario<ClickPipeMonitors>(*b.scenario, {&table, nullptr});
      EXPECT_TRUE(replay.passed()) << what << ": " << a.name;
    }
  }
}

TEST(CheckSymmetry, VerdictsWitnessesAndShortestTracesAreTheSameWithAndWithout) {
  ExpectSameWithAndWithout(cp::TableOf(cp::Profile::kCurrent), Pipes(2), "current, 2 pipes");
  ExpectSameWithAndWithout(cp::TableOf(cp::Profile::k2024), Pipes(2), "2024, 2 pipes");
  ExpectSameWithAndWithout(cp::TableOf(cp::Profile::k2024), Pipes(3), "2024, 3 pipes");
  // Seeded bugs: a safety violation, a lost point that runs, a transition
  // claim, and liveness (a dropped exit event; a transient self-loop).
  {
    std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
    rows[RowIndex(rows, cp::State::kRunning, cp::Trigger::kPause)].to = cp::State::kCompleted;
    ExpectSameWithAndWithout(cp::Table(cp::Profile::kCurrent, rows), Pipes(2), "pause completes");
  }
  ExpectSameWithAndWithout(cp::Table(cp::Profile::kCurrent, LostPointRunsRows()), Pipes(2), "lost point runs");
  {
    std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(RowIndex(rows, cp::State::kPausing,
                                                                   cp::Trigger::kCdcStopped)));
    ExpectSameWithAndWithout(cp::Table(cp::Profile::kCurrent, rows), Pipes(2), "no cdc_stopped");
  }
  {
    std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
    cp::Row& row = rows[RowIndex(rows, cp::State::kPausing, cp::Trigger::kCdcStopped)];
    row.to = cp::State::kPausing;
    row.effect = cp::Effect::kNone;
    ExpectSameWithAndWithout(cp::Table(cp::Profile::kCurrent, rows), Pipes(2), "cdc_stopped loops");
  }
}

// Liveness under symmetry tracks its pipe through the permutations: for
// every internal event that leaves a transient state, a mutant where it
// stays (a fair self-loop) and one where the row is gone (the pipe may idle
// there), the liveness verdict, trace and lasso lengths are those of the
// unreduced search, with 2 pipes (current) and 3 pipes (2024).
TEST(CheckSymmetry, LivenessIsJudgedByOrbitWithTheSameVerdictsAndLassos) {
  for (const auto& [profile, pipes] : {std::pair{cp::Profile::kCurrent, 2}, std::pair{cp::Profile::k2024, 3}}) {
    const std::vector<cp::Row> original = CopyRows(profile);
    int mutants = 0;
    int violated = 0;
    for (std::size_t r = 0; r < original.size(); ++r) {
      const cp::Row& row = original[r];
      if (cp::KindOf(row.trigger) != model::TriggerKind::kEvent) continue;
      if (row.from == cp::State::kNone || cp::KindOf(row.from) != model::StateKind::kTransient) continue;
      for (const bool drop : {false, true}) {
        std::vector<cp::Row> rows = original;
        if (drop) {
          rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(r));
        } else {
          rows[r].to = rows[r].from;
          rows[r].effect = cp::Effect::kNone;
        }
        const cp::Table table(profile, rows);
        const std::string what = std::string(drop ? "drop " : "loop ") + std::to_string(r);
        const CheckReport off = Check(ClickPipeSpace(table, With(Pipes(pipes), false)), {});
        const CheckReport on = Check(ClickPipeSpace(table, With(Pipes(pipes), true)), {});
        const PropertyReport& a = Find(off, "transient_states_are_left");
        const PropertyReport& b = Find(on, "transient_states_are_left");
        ++mutants;
        violated += a.verdict == Verdict::kViolated ? 1 : 0;
        EXPECT_EQ(b.verdict, a.verdict) << what;
        EXPECT_EQ(b.trace.size(), a.trace.size()) << what;
        EXPECT_EQ(b.cycle.size(), a.cycle.size()) << what;
        // Every state in a fair trap, by orbit: the same sets.
        std::set<Canonical> trapped[2];
        for (const bool symmetry : {false, true}) {
          const ClickPipeSpace space(table, With(Pipes(pipes), symmetry));
          Explorer<ClickPipeSpace> explorer(space);
          ASSERT_TRUE(explorer.Run({}));
          std::vector<std::uint32_t> traps;
          FindFairTrap(explorer, space, {}, &traps);
          for (const std::uint32_t t : traps) trapped[symmetry].insert(CanonicalForm(explorer.Unpack(t), pipes));
        }
        EXPECT_EQ(trapped[1].size(), trapped[0].size()) << what;
        EXPECT_TRUE(trapped[1] == trapped[0]) << what;
      }
    }
    EXPECT_GE(mutants, 8);
    EXPECT_GT(violated, 4);
  }
}

// The reduced spaces are pinned as the unreduced ones are (the unreduced
// counts are pinned above: 56225 / 277042 and 3557 / 17634 with 2 pipes).
TEST(CheckSymmetry, ReducedCountsArePinned) {
  const CheckReport current = Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), With(Pipes(2), true)), {});
  EXPECT_EQ(current.verdict, CheckVerdict::kPass);
  EXPECT_EQ(current.states, 28428U);
  EXPECT_EQ(current.transitions, 140397U);
  const CheckReport old = Check(ClickPipeSpace(cp::TableOf(cp::Profile::k2024), With(Pipes(2), true)), {});
  EXPECT_EQ(old.verdict, CheckVerdict::kPass);
  EXPECT_EQ(old.states, 1847U);
  EXPECT_EQ(old.transitions, 9261U);
  const CheckReport old3 = Check(ClickPipeSpace(cp::TableOf(cp::Profile::k2024), With(Pipes(3), true)), {});
  EXPECT_EQ(old3.states, 8219U);
  EXPECT_EQ(old3.transitions, 56910U);
  const CheckReport full3 = Check(ClickPipeSpace(cp::TableOf(cp::Profile::k2024), With(Pipes(3), false)), {});
  EXPECT_EQ(full3.states, 41501U);
  EXPECT_EQ(full3.transitions, 281607U);
  // One pipe: nothing to permute.
  const CheckReport one = Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), With(Pipes(1), true)), {});
  const CheckReport one_off = Check(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), Pipes(1)), {});
  EXPECT_EQ(one.states, one_off.states);
  EXPECT_EQ(one.transitions, one_off.transitions);
}

// The liveness pass (liveness.h) against the algorithm it replaced, kept as
// an oracle in tests/liveness_oracle.h: an iterative Tarjan that holds every
// node's restricted edges and enabled fair actions and judges fairness from
// those lists. On the built-in tables and on every mutant that makes an
// internal event leave a transient state no more (the row dropped) or stay
// in it (a fair self-loop), with 1 to 3 pipes, symmetry off and on, both
// find the same lasso (found, entry, cycle, subject) and the same set of
// states in fair traps, and report their progress at the same points.

struct LivenessRun {
  Lasso lasso;
  std::vector<std::uint32_t> traps;
  // Per progress report of the pass: subject, subjects, nodes, nodes visited.
  std::vector<std::array<std::uint64_t, 4>> progress;
};

template <typename Space, typename Find>
LivenessRun RunLiveness(const Explorer<Space>& explorer, const Space& space, const Find& find,
                        ExploreLimits limits = {}) {
  LivenessRun run;
  limits.progress = [&run](const ExploreProgress& p) {
    run.progress.push_back({static_cast<std::uint64_t>(p.subject), static_cast<std::uint64_t>(p.subjects),
                            p.states, p.visited});
  };
  run.lasso = find(explorer, space, limits, &run.traps);
  return run;
}

// Returns the lasso found.
template <typename Space>
Lasso ExpectLivenessAsTheOracle(const Space& space, const std::string& what) {
  Explorer<Space> explorer(space);
  EXPECT_TRUE(explorer.Run({})) << what;
  const LivenessRun want = RunLiveness(explorer, space, [](const auto&... a) { return oracle::FindFairTrap(a...); });
  const LivenessRun got = RunLiveness(explorer, space, [](const auto&... a) { return FindFairTrap(a...); });
  // The exact judgement when components have more fair actions than bits.
  const LivenessRun few = RunLiveness(explorer, space, [](const auto&... a) { return FindFairTrap<Space, 2>(a...); });
  for (const LivenessRun* run : {&got, &few}) {
    const std::string which = what + (run == &few ? " (2 fair bits)" : "");
    EXPECT_EQ(run->lasso.found, want.lasso.found) << which;
    EXPECT_EQ(run->lasso.entry, want.lasso.entry) << which;
    EXPECT_EQ(run->lasso.cycle, want.lasso.cycle) << which;
    EXPECT_EQ(run->lasso.subject, want.lasso.subject) << which;
    EXPECT_EQ(run->lasso.stopped_by, StopReason::kNone) << which;
    EXPECT_EQ(run->traps, want.traps) << which;
    EXPECT_EQ(run->progress, want.progress) << which;
  }
  return got.lasso;
}

// The tables whose internal events out of a transient state are each
// dropped or made a self-loop, one at a time, after the table itself.
std::vector<std::pair<std::string, std::vector<cp::Row>>> ExitEventMutants(cp::Profile profile) {
  const std::vector<cp::Row> original = CopyRows(profile);
  std::vector<std::pair<std::string, std::vector<cp::Row>>> out = {{"built-in", original}};
  for (std::size_t r = 0; r < original.size(); ++r) {
    const cp::Row& row = original[r];
    if (cp::KindOf(row.trigger) != model::TriggerKind::kEvent) continue;
    if (row.from == cp::State::kNone || cp::KindOf(row.from) != model::StateKind::kTransient) continue;
    std::vector<cp::Row> dropped = original;
    dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(r));
    out.emplace_back("drop " + std::to_string(r), dropped);
    std::vector<cp::Row> looped = original;
    looped[r].to = looped[r].from;
    looped[r].effect = cp::Effect::kNone;
    out.emplace_back("loop " + std::to_string(r), looped);
  }
  return out;
}

TEST(Liveness, LassosAndTrapsAreThoseOfTheOracleOnEveryExitEventMutant) {
  int found = 0;
  int cycles = 0;
  for (const auto& [profile, pipes] : {std::pair{cp::Profile::kCurrent, 1}, std::pair{cp::Profile::kCurrent, 2},
                                       std::pair{cp::Profile::k2024, 2}, std::pair{cp::Profile::k2024, 3}}) {
    for (const auto& [name, rows] : ExitEventMutants(profile)) {
      const cp::Table table(profile, rows);
      for (const bool symmetry : {false, true}) {
        const ClickPipeSpace space(table, With(Pipes(pipes), symmetry));
        const std::string what = std::string(cp::ToString(profile)) + ", " + std::to_string(pipes) + " pipes, " +
                                 name + (symmetry ? ", symmetry" : "");
        const Lasso lasso = ExpectLivenessAsTheOracle(space, what);
        found += lasso.found ? 1 : 0;
        cycles += lasso.cycle.empty() ? 0 : 1;
      }
    }
  }
  // The mutants give traps both with a cycle and stuttering.
  EXPECT_GT(found, 100);
  EXPECT_GT(cycles, 50);
  EXPECT_GT(found, cycles);
}

TEST(Liveness, LassosAndTrapsAreThoseOfTheOracleWithThreePipesAndOnMongosync) {
  // The current table with three pipes: the built-in one (no trap) and a
  // Pausing that loops, with fault budgets of 0 to keep the space small.
  for (const bool loop : {false, true}) {
    std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
    if (loop) {
      cp::Row& row = rows[RowIndex(rows, cp::State::kPausing, cp::Trigger::kCdcStopped)];
      row.to = cp::State::kPausing;
      row.effect = cp::Effect::kNone;
    }
    const cp::Table table(cp::Profile::kCurrent, rows);
    ClickPipeBounds bounds = Pipes(3);
    bounds.budget = {0, 0, 0, 0, 0};
    for (const bool symmetry : {false, true}) {
      ExpectLivenessAsTheOracle(ClickPipeSpace(table, With(bounds, symmetry)),
                                std::string("current, 3 pipes, no faults") + (loop ? ", loop" : "") +
                                    (symmetry ? ", symmetry" : ""));
    }
  }
  const auto base = ms::DefaultTable().rows();
  ExpectLivenessAsTheOracle(MongosyncSpace(ms::DefaultTable(), {}), "mongosync");
  for (const ms::Row& target : base) {
    if (ms::KindOf(target.trigger) != model::TriggerKind::kEvent) continue;
    std::vector<ms::Row> dropped;
    std::vector<ms::Row> looped(base.begin(), base.end());
    for (std::size_t r = 0; r < base.size(); ++r) {
      const bool is = base[r].from == target.from && base[r].trigger == target.trigger;
      if (!is) dropped.push_back(base[r]);
      if (is) {
        looped[r].to = looped[r].from;
        looped[r].effect = ms::Effect::kNone;
      }
    }
    const std::string what = std::string("mongosync ") + std::string(ms::ToString(target.from)) + " " +
                             std::string(ms::ToString(target.trigger));
    ExpectLivenessAsTheOracle(MongosyncSpace(ms::Table(dropped), {}), what + " dropped");
    ExpectLivenessAsTheOracle(MongosyncSpace(ms::Table(looped), {}), what + " looped");
  }
}

// A space that is a graph given edge by edge: every structure of components
// (nested cycles, self-loops, edges between components, fair actions enabled
// in some nodes of a component and not others, faults, two subjects with
// their own transient keys) shows up among small random graphs.
struct GraphSpace {
  struct State {
    std::uint32_t node = 0;
  };
  static constexpr std::size_t kWords = 1;
  std::vector<std::vector<std::pair<Action, std::uint32_t>>> out;  // Per node, in emission order.
  std::vector<std::array<int, 2>> keys;                            // Per node and subject.
  void Pack(const State& state, std::uint64_t* words) const { words[0] = state.node; }
  State Unpack(const std::uint64_t* words) const { return {static_cast<std::uint32_t>(words[0])}; }
  void Initial(std::vector<State>& states) const { states.push_back({0}); }
  template <typename Emit>
  void Successors(const State& state, Emit&& emit) const {
    for (const auto& [action, to] : out[state.node]) emit(action, State{to}, RowMask{});
  }
  std::span<const Property> Properties() const { return {}; }
  std::uint64_t FoundIn(const State&, std::uint64_t) const { return 0; }
  std::uint64_t ViolatedOver(const State&, Action, const State&, std::uint64_t) const { return 0; }
  int Subjects() const { return 2; }
  int TransientKey(const State& state, int subject) const {
    return keys[state.node][static_cast<std::size_t>(subject)];
  }
  static bool IsFault(Action action) { return action >= 8; }
  static bool IsFair(Action action) { return action < 5; }
};

TEST(Liveness, LassosAndTrapsAreThoseOfTheOracleOnRandomGraphs) {
  std::mt19937 random(14);
  auto below = [&random](std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(random); };
  int found = 0;
  int cycles = 0;
  for (int graph = 0; graph < 3000; ++graph) {
    GraphSpace space;
    const std::uint32_t nodes = 2 + below(14);
    space.out.resize(nodes);
    space.keys.resize(nodes);
    for (std::uint32_t v = 0; v < nodes; ++v) {
      for (std::size_t subject = 0; subject < 2; ++subject) {
        space.keys[v][subject] = below(4) == 0 ? -1 : static_cast<int>(below(2));
      }
      const std::uint32_t degree = below(4);
      for (std::uint32_t e = 0; e < degree; ++e) {
        space.out[v].emplace_back(static_cast<Action>(below(10)), below(nodes));
      }
    }
    const std::string what = "graph " + std::to_string(graph);
    const Lasso lasso = ExpectLivenessAsTheOracle(space, what);
    found += lasso.found ? 1 : 0;
    cycles += lasso.cycle.size() > 1 ? 1 : 0;
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(found, 300);
  EXPECT_GT(cycles, 30);
}

// Three interchangeable subjects sharing one random lifecycle (up to five
// local states, triggers 0-2 fair events, 3-4 operations, 5 a fault), with
// and without symmetry: a reduced space's components are judged through the
// tracked subject's own actions first, then rebuilt concretely; both must
// agree with the oracle, which always rebuilds.
struct TrioSpace {
  struct State {
    std::array<std::uint8_t, 3> at{};
  };
  static constexpr std::size_t kWords = 1;
  std::vector<std::array<int, 6>> next;  // Per local state and trigger: the next local state, or -1.
  std::vector<int> key;                  // Per local state: its transient key, or -1.
  bool reduced = false;
  static int PipeOf(Action action) { return action / 8; }
  static int TriggerOf(Action action) { return action % 8; }
  static bool IsFault(Action action) { return action % 8 == 5; }
  static bool IsFair(Action action) { return action % 8 < 3; }
  void Pack(const State& state, std::uint64_t* words) const {
    std::array<std::uint8_t, 3> at = state.at;
    if (reduced) std::sort(at.begin(), at.end());
    words[0] = at[0] | (std::uint64_t{at[1]} << 8) | (std::uint64_t{at[2]} << 16);
  }
  State Unpack(const std::uint64_t* words) const {
    return {{static_cast<std::uint8_t>(words[0] & 0xff), static_cast<std::uint8_t>((words[0] >> 8) & 0xff),
             static_cast<std::uint8_t>(words[0] >> 16)}};
  }
  void Initial(std::vector<State>& states) const { states.push_back({}); }
  template <typename Emit>
  void Successors(const State& state, Emit&& emit) const {
    for (std::size_t p = 0; p < 3; ++p) {
      for (std::size_t t = 0; t < 6; ++t) {
        const int to = next[state.at[p]][t];
        if (to < 0) continue;
        State after = state;
        after.at[p] = static_cast<std::uint8_t>(to);
        emit(static_cast<Action>(p * 8 + t), after, RowMask{});
      }
    }
  }
  std::span<const Property> Properties() const { return {}; }
  std::uint64_t FoundIn(const State&, std::uint64_t) const { return 0; }
  std::uint64_t ViolatedOver(const State&, Action, const State&, std::uint64_t) const { return 0; }
  int Subjects() const { return 3; }
  int TransientKey(const State& state, int subject) const { return key[state.at[static_cast<std::size_t>(subject)]]; }
  bool Reduced() const { return reduced; }
  int CanonicalPosition(const State& state, int subject) const {
    int below = 0;
    for (const std::uint8_t other : state.at) below += other < state.at[static_cast<std::size_t>(subject)] ? 1 : 0;
    return below;
  }
  TrioSpace Unreduced() const {
    TrioSpace copy = *this;
    copy.reduced = false;
    return copy;
  }
};

TEST(Liveness, LassosAndTrapsAreThoseOfTheOracleOnRandomSymmetricSpaces) {
  std::mt19937 random(3);
  auto below = [&random](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  int found[2] = {0, 0};
  for (int lifecycle = 0; lifecycle < 1500 && !::testing::Test::HasFailure(); ++lifecycle) {
    TrioSpace space;
    const int states = 2 + below(4);
    space.next.resize(static_cast<std::size_t>(states));
    space.key.resize(static_cast<std::size_t>(states));
    for (int s = 0; s < states; ++s) {
      space.key[static_cast<std::size_t>(s)] = below(3) == 0 ? -1 : below(2);
      for (int& to : space.next[static_cast<std::size_t>(s)]) to = below(3) == 0 ? below(states) : -1;
    }
    for (const bool reduced : {false, true}) {
      space.reduced = reduced;
      const Lasso lasso =
          ExpectLivenessAsTheOracle(space, "lifecycle " + std::to_string(lifecycle) + (reduced ? ", symmetry" : ""));
      found[reduced] += lasso.found ? 1 : 0;
    }
  }
  EXPECT_GT(found[0], 200);
  EXPECT_EQ(found[1], found[0]);
}

// A stop request during the pass stops it where the oracle stops, saying
// so and establishing nothing; the pass holds one word per node, so a
// memory limit below that stops it before it allocates, and one just above
// lets it finish.
TEST(Liveness, StopsAtTheSamePollAsTheOracleAndFitsInOneWordPerNode) {
  std::vector<cp::Row> rows = CopyRows(cp::Profile::kCurrent);
  cp::Row& row = rows[RowIndex(rows, cp::State::kPausing, cp::Trigger::kCdcStopped)];
  row.to = cp::State::kPausing;
  row.effect = cp::Effect::kNone;
  const cp::Table table(cp::Profile::kCurrent, rows);
  for (const bool symmetry : {false, true}) {
    const ClickPipeSpace space(table, With(Pipes(2), symmetry));
    Explorer<ClickPipeSpace> explorer(space);
    ASSERT_TRUE(explorer.Run({}));
    for (const int polls : {1, 2, 4}) {
      auto stop_after = [polls] {
        return [polls, calls = 0]() mutable { return ++calls >= polls ? StopReason::kInterrupt : StopReason::kNone; };
      };
      ExploreLimits limits;
      limits.stop_requested = stop_after();
      const LivenessRun want =
          RunLiveness(explorer, space, [](const auto&... a) { return oracle::FindFairTrap(a...); }, limits);
      limits.stop_requested = stop_after();
      const LivenessRun got = RunLiveness(explorer, space, [](const auto&... a) { return FindFairTrap(a...); }, limits);
      const std::string what = std::to_string(polls) + " polls" + (symmetry ? ", symmetry" : "");
      EXPECT_EQ(want.lasso.stopped_by, StopReason::kInterrupt) << what;
      EXPECT_EQ(got.lasso.stopped_by, StopReason::kInterrupt) << what;
      EXPECT_FALSE(got.lasso.found) << what;
      EXPECT_EQ(got.lasso.subject, want.lasso.subject) << what;
      EXPECT_EQ(got.progress, want.progress) << what;
    }
    const std::uint64_t nodes = explorer.states() * (symmetry ? 2U : 1U);
    const Lasso free = FindFairTrap(explorer, space);
    ASSERT_TRUE(free.found);
    ExploreLimits tight;
    tight.max_memory_bytes = explorer.MemoryBytes() + 4 * nodes - 1;
    const Lasso stopped = FindFairTrap(explorer, space, tight);
    EXPECT_EQ(stopped.stopped_by, StopReason::kMaxMemory);
    EXPECT_FALSE(stopped.found);
    ExploreLimits enough;
    enough.max_memory_bytes = explorer.MemoryBytes() + 4 * nodes + (64U << 10);
    const Lasso done = FindFairTrap(explorer, space, enough);
    EXPECT_EQ(done.stopped_by, StopReason::kNone);
    EXPECT_EQ(done.entry, free.entry);
    EXPECT_EQ(done.cycle, free.cycle);
  }
}

// The liveness pass generates only the fault-free successors: the space's
// FaultFreeSuccessors are exactly its Successors that are not faults, in
// the same order, on every state of the explored spaces.
TEST(Liveness, FaultFreeSuccessorsAreTheSuccessorsThatAreNotFaults) {
  for (const auto& [profile, pipes] : {std::pair{cp::Profile::kCurrent, 2}, std::pair{cp::Profile::k2024, 3}}) {
    const ClickPipeSpace space(cp::TableOf(profile), Pipes(pipes));
    Explorer<ClickPipeSpace> explorer(space);
    ASSERT_TRUE(explorer.Run({}));
    std::uint64_t compared = 0;
    for (std::uint32_t s = 0; s < explorer.states(); ++s) {
      const ClickPipeSpace::State state = explorer.Unpack(s);
      std::vector<std::pair<Action, std::uint32_t>> want;
      std::vector<std::pair<Action, std::uint32_t>> got;
      space.Successors(state, [&](Action action, const ClickPipeSpace::State& next, const RowMask&) {
        if (!ClickPipeSpace::IsFault(action)) want.emplace_back(action, explorer.Find(next));
      });
      space.FaultFreeSuccessors(state, [&](Action action, const ClickPipeSpace::State& next, const RowMask&) {
        got.emplace_back(action, explorer.Find(next));
      });
      ASSERT_EQ(got, want) << space.Describe(state);
      compared += want.size();
    }
    EXPECT_GT(compared, explorer.states());
  }
}

}  // namespace
}  // namespace pipecheck::properties
