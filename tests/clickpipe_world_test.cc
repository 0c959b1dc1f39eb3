// tests/clickpipe_world_test.cc: the ClickPipe world and its monitors.
//
// Goal: the simulated data under the ClickPipe lifecycle behaves as
// spec/lifecycles.md section 3 and the decisions say (convergence, pauses
// longer than retention, crashes, resyncs, outages, lag), every lifecycle move
// is a table row, runs are deterministic, and the monitors both hold on good
// runs and catch planted violations.
//
// Method: scenarios are built as structs and driven with the runner's loop
// (process events up to each step, apply it, check after every event). A
// planted violation is a mutant table handed to the world: the world obeys
// any table, so a wrong row must show up as a violated property.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/clickpipe.h"
#include "properties/monitors.h"
#include "properties/clickpipe_monitors.h"
#include "sim/clickpipe_world.h"
#include "sim/scenario.h"

namespace pipecheck {
namespace {

namespace cp = model::clickpipe;
using properties::Expectation;
using properties::PropertyResult;
using properties::Verdict;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using sim::Millis;

sim::Scenario BaseScenario(std::uint64_t seed = 7) {
  sim::Scenario scenario;
  scenario.name = "test";
  scenario.model = sim::ModelKind::kClickPipe;
  scenario.seed = seed;
  scenario.config.collections = 2;
  scenario.config.documents = 1000;
  scenario.config.writes_per_hour = 7200;
  scenario.run_until = 6 * kHour;
  return scenario;
}

sim::Step Op(Millis at, std::string action, int pipe = 0) {
  sim::Step step;
  step.at = at;
  step.action = std::move(action);
  step.pipe = pipe;
  return step;
}

sim::Step Fault(Millis at, std::string action, std::optional<Millis> duration = std::nullopt,
                int pipe = 0) {
  sim::Step step = Op(at, std::move(action), pipe);
  step.is_fault = true;
  step.duration = duration;
  return step;
}

// Drives a world and its checks the way the runner does.
class Driver {
 public:
  explicit Driver(const sim::Scenario& scenario, const cp::Table* table = nullptr)
      : scenario_(scenario),
        world_(sim::MakeClickPipeWorld(scenario_, table)),
        checks_(properties::ClickPipeMonitors::MakeMonitor(scenario_, *world_)) {}

  void RunTo(Millis at) {
    while (world_->ProcessNext(at)) checks_->AfterEvent();
    world_->AdvanceTo(at);
  }

  // Processes events until `stop` is true after one of them (or `limit`).
  void RunUntil(Millis limit, const std::function<bool()>& stop) {
    while (world_->ProcessNext(limit)) {
      checks_->AfterEvent();
      if (stop()) return;
    }
    world_->AdvanceTo(limit);
  }

  sim::StepOutcome Apply(const sim::Step& step) {
    RunTo(step.at);
    sim::StepOutcome outcome = world_->Apply(step);
    checks_->AfterEvent();
    return outcome;
  }

  // Runs every step of the scenario, then to run_until, then AtEnd().
  std::vector<sim::StepOutcome> RunAll() {
    std::vector<sim::StepOutcome> outcomes;
    for (const sim::Step& step : scenario_.steps) outcomes.push_back(Apply(step));
    Finish();
    return outcomes;
  }

  void Finish() {
    RunTo(scenario_.run_until);
    checks_->AtEnd();
  }

  const sim::ClickPipeWorld& world() const {
    return static_cast<const sim::ClickPipeWorld&>(*world_);
  }
  sim::World& base() { return *world_; }

  PropertyResult Result(std::string_view name) const {
    for (const PropertyResult& result : checks_->Results()) {
      if (result.name == name) return result;
    }
    ADD_FAILURE() << "no property " << name;
    return {};
  }

  // Every always-property holds; prints the violations otherwise.
  ::testing::AssertionResult AllHold() const {
    std::string violated;
    for (const PropertyResult& result : checks_->Results()) {
      if (result.verdict == Verdict::kViolated) {
        violated += result.name + ": " + result.message + "\n";
      }
    }
    if (violated.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << violated;
  }

  bool Witnessed(std::string_view name) const {
    return Result(name).verdict == Verdict::kWitnessed;
  }

  bool Visited(std::string_view state, int pipe = 0) const {
    for (const sim::TraceEvent& event : world().trace().events()) {
      if (event.pipe == pipe && event.accepted && event.row >= 0 && event.to == state) return true;
    }
    return false;
  }

  int CountData(std::string_view what) const {
    int count = 0;
    for (const sim::TraceEvent& event : world().trace().events()) {
      if (event.kind == sim::TraceKind::kData && event.what == what) ++count;
    }
    return count;
  }

 private:
  sim::Scenario scenario_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<properties::Monitor> checks_;
};

std::string Converged(const sim::World& world) {
  std::string why;
  return world.DataConverged(&why) ? "converged" : why;
}

TEST(ClickPipeWorld, CdcPipeCreatedWithWritesConvergesAndEveryAlwaysPropertyHolds) {
  sim::Scenario scenario = BaseScenario();
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  ASSERT_TRUE(outcomes[0].accepted);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
  EXPECT_TRUE(driver.Witnessed("quiet_and_caught_up"));
  EXPECT_TRUE(driver.Witnessed("an_id_carries_several_versions"));
  EXPECT_GT(driver.world().source_writes(), 30000U);
  EXPECT_EQ(driver.CountData("snapshot_table"), 2);
  EXPECT_GT(driver.CountData("cdc_batch"), 300);
  // Shared compute: the first pipe waits 5 minutes for it.
  const auto& events = driver.world().trace().events();
  const auto provisioned = std::find_if(events.begin(), events.end(), [](const auto& e) {
    return e.what == "provisioned";
  });
  ASSERT_NE(provisioned, events.end());
  EXPECT_EQ(provisioned->t_ms, 5 * kMinute);
}

TEST(ClickPipeWorld, SnapshotPipeEndsCompletedAndCdcPipesNeverDo) {
  sim::Scenario snapshot = BaseScenario();
  snapshot.config.mode = cp::Mode::kSnapshot;
  snapshot.steps = {Op(0, "create")};
  Driver completed(snapshot);
  completed.RunAll();
  EXPECT_EQ(completed.world().LifecycleState(0), "Completed");
  EXPECT_TRUE(completed.AllHold());
  EXPECT_TRUE(completed.Witnessed("snapshot_pipe_completes"));
  EXPECT_EQ(completed.CountData("cdc_batch"), 0);

  for (const cp::Mode mode : {cp::Mode::kCdc, cp::Mode::kCdcOnly}) {
    sim::Scenario cdc = BaseScenario();
    cdc.config.mode = mode;
    cdc.steps = {Op(0, "create"), Op(1 * kHour, "resync")};
    Driver driver(cdc);
    driver.RunAll();
    EXPECT_FALSE(driver.Visited("Completed")) << cp::ToString(mode);
    EXPECT_EQ(driver.world().LifecycleState(0), "Running") << cp::ToString(mode);
    EXPECT_EQ(Converged(driver.world()), "converged") << cp::ToString(mode);
    EXPECT_TRUE(driver.AllHold()) << cp::ToString(mode);
    EXPECT_FALSE(driver.Witnessed("snapshot_pipe_completes"));
  }
}

TEST(ClickPipeWorld, CdcOnlyPipeHoldsOnlyTheChangesSinceItsCreation) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.mode = cp::Mode::kCdcOnly;
  scenario.run_until = 1 * kHour;  // Short enough that some documents are never written.
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  driver.RunAll();
  EXPECT_EQ(driver.CountData("snapshot_table"), 0);
  EXPECT_EQ(Converged(driver.world()), "converged");
  const sim::DestinationTable& table = driver.world().destination(0, 0, sim::TableRole::kMain);
  EXPECT_LT(table.visible_rows, static_cast<std::int64_t>(
                                    driver.world().source(0).live_count()));
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, PipePausedLongerThanRetentionFailsOnResumeAndItsTablesStayUnchanged) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 31 * kHour;
  scenario.steps = {Op(0, "create"), Op(3 * kHour, "pause"), Op(30 * kHour, "resume")};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  driver.Apply(scenario.steps[1]);
  driver.RunTo(3 * kHour + kMinute);
  ASSERT_EQ(driver.world().LifecycleState(0), "Paused");
  const sim::DestinationTable before = driver.world().destination(0, 0, sim::TableRole::kMain);
  const sim::Ts resume_before = driver.world().resume_ts(0);
  driver.RunTo(30 * kHour);
  const sim::DestinationTable& after = driver.world().destination(0, 0, sim::TableRole::kMain);
  EXPECT_EQ(after.raw_rows, before.raw_rows);
  EXPECT_EQ(after.serial, before.serial);
  EXPECT_EQ(driver.world().resume_ts(0), resume_before);
  // D11: the loss is recorded while Paused, before the resume.
  EXPECT_FALSE(driver.world().pipe_model(0).resume_point_in_oplog);

  const sim::StepOutcome resume = driver.Apply(scenario.steps[2]);
  EXPECT_TRUE(resume.accepted);
  driver.Finish();
  EXPECT_EQ(driver.world().LifecycleState(0), "Failed");
  EXPECT_EQ(driver.world().pipe_model(0).cause, cp::Cause::kResumePointLost);
  EXPECT_TRUE(driver.AllHold());
  EXPECT_TRUE(driver.Witnessed("paused_while_source_writes"));
  EXPECT_TRUE(driver.Witnessed("resume_point_lost_occurs"));
  EXPECT_TRUE(driver.Witnessed("a_pipe_fails"));
  // And a resume from Failed is refused with the CP-FAQ words.
  const sim::StepOutcome again = driver.base().Apply(Op(31 * kHour, "resume"));
  EXPECT_FALSE(again.accepted);
  EXPECT_NE(again.message.find("HTTP 400"), std::string::npos) << again.message;
  EXPECT_NE(again.message.find("oplog"), std::string::npos) << again.message;
}

TEST(ClickPipeWorld, ResumeInRunningIsRefusedWithTheApiWords) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 1 * kHour;
  scenario.steps = {Op(0, "create"), Op(30 * kMinute, "resume"),
                    Op(31 * kMinute, "add_tables")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  EXPECT_FALSE(outcomes[1].accepted);
  EXPECT_EQ(outcomes[1].message, "HTTP 400 ClickPipe is already running");
  EXPECT_EQ(outcomes[2].message, "HTTP 400 ClickPipe must be paused to edit");
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, SnapshotLongerThanRetentionFailsInsteadOfRunning) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.snapshot_rows_per_second = 1;  // 1000 s per collection.
  scenario.config.oplog_retention = 10 * kMinute;
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  driver.RunAll();
  EXPECT_EQ(driver.world().LifecycleState(0), "Failed");
  EXPECT_EQ(driver.world().pipe_model(0).cause, cp::Cause::kResumePointLost);
  EXPECT_FALSE(driver.Visited("Running"));
  EXPECT_TRUE(driver.AllHold());
  EXPECT_TRUE(driver.Witnessed("a_fault_step_is_taken"));  // The self-loop in Snapshot.
}

TEST(ClickPipeWorld, ComputeCrashDuringSnapshotRestartsTheCollectionAndStillConverges) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.snapshot_rows_per_second = 10;  // 100 s per collection.
  scenario.run_until = 2 * kHour;
  // Snapshot starts at 5m10s; collection 0 lands at 6m50s, collection 1 is
  // loading when the compute crashes at 7m30s.
  scenario.steps = {Op(0, "create"), Fault(7 * kMinute + 30 * kSecond, "compute_crash")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  EXPECT_TRUE(outcomes[1].accepted);
  std::vector<Millis> loads;
  for (const sim::TraceEvent& event : driver.world().trace().events()) {
    if (event.what == "snapshot_table") loads.push_back(event.t_ms);
  }
  // Collection 1 restarts from scratch when the compute is back at 8m30s.
  ASSERT_EQ(loads.size(), 2U);
  // A load takes (live documents / 10) s, a little over 100 s as inserts
  // outnumber deletes.
  EXPECT_GE(loads[0], 6 * kMinute + 50 * kSecond);
  EXPECT_LT(loads[0], 7 * kMinute + 30 * kSecond);
  EXPECT_GE(loads[1], 8 * kMinute + 30 * kSecond + 100 * kSecond);
  EXPECT_LT(loads[1], 8 * kMinute + 30 * kSecond + 110 * kSecond);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
  EXPECT_EQ(driver.world().compute_crashes(), 1U);
}

TEST(ClickPipeWorld, CrashBetweenBatchWriteAndCommitReappliesTheBatch) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 3 * kHour;
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  const auto& events = driver.world().trace().events();
  driver.RunUntil(scenario.run_until, [&] {
    return events.back().what == "cdc_batch" && events.back().t_ms >= kHour;
  });
  const sim::Ts committed = driver.world().resume_ts(0);
  ASSERT_TRUE(driver.world().batch_in_flight(0));
  driver.Apply(Fault(driver.world().now() + 500, "compute_crash", 2 * kMinute));
  EXPECT_EQ(driver.world().resume_ts(0), committed);
  driver.Finish();
  EXPECT_TRUE(driver.Witnessed("batch_reapplied_after_crash"));
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// The first batch the pipe reads after `driver`'s current time, as the
// resume ts it reads from; -1 if none is read before `limit`.
sim::Ts NextRead(Driver& driver, Millis limit) {
  sim::Ts from = -1;
  driver.RunUntil(limit, [&] {
    for (const sim::Change& change : driver.world().changes()) {
      if (change.kind == sim::ChangeKind::kRead && change.pipe == 0) {
        from = change.version;
        return true;
      }
    }
    return false;
  });
  return from;
}

// D10, no silent gap: an outage that falls between a pull and its write
// drops the batch uncommitted; once the destination is back, CDC reads the
// same changes again from the same committed point.
TEST(ClickPipeWorld, OutageBetweenPullAndWriteCommitsNothingAndRereadsTheBatch) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 3 * kHour;
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  driver.RunTo(kHour);
  const sim::Ts read_from = NextRead(driver, scenario.run_until);
  const sim::Ts committed = driver.world().resume_ts(0);
  ASSERT_TRUE(driver.world().batch_in_flight(0));
  ASSERT_EQ(read_from, committed);
  const Millis outage = driver.world().now() + 500;  // The write is due 1 s after the pull.
  driver.Apply(Fault(outage, "destination_unavailable", 10 * kMinute));
  EXPECT_TRUE(driver.Witnessed("outage_falls_between_pull_and_write"));
  driver.RunTo(outage + 10 * kMinute - kSecond);
  EXPECT_EQ(driver.world().resume_ts(0), committed);
  EXPECT_FALSE(driver.world().batch_in_flight(0));
  EXPECT_EQ(NextRead(driver, scenario.run_until), committed);
  EXPECT_GE(driver.world().now(), outage + 10 * kMinute);
  driver.Finish();
  EXPECT_EQ(driver.Result("committed_resume_point_has_its_batch_written").verdict,
            Verdict::kHolds);
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// D9: a compute crash loses no committed work: once the compute is back, CDC
// reads from exactly the point committed before the crash.
TEST(ClickPipeWorld, ComputeCrashResumesCdcFromTheCommittedResumePoint) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 3 * kHour;
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  driver.RunTo(kHour + 30 * kSecond);  // Between two batches.
  ASSERT_FALSE(driver.world().batch_in_flight(0));
  const sim::Ts committed = driver.world().resume_ts(0);
  ASSERT_GT(committed, 1000);
  driver.Apply(Fault(driver.world().now(), "compute_crash", 5 * kMinute));
  EXPECT_TRUE(driver.Witnessed("compute_crash_with_a_committed_point"));
  EXPECT_EQ(NextRead(driver, scenario.run_until), committed);
  EXPECT_EQ(driver.world().now(), kHour + 30 * kSecond + 5 * kMinute);  // At the restart.
  driver.Finish();
  EXPECT_EQ(driver.Result("committed_resume_point_never_moves_back").verdict, Verdict::kHolds);
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// CP-LC, row Snapshot --initial_load_done--> Running: the resume point is
// taken at create, before the load, so CDC replays the changes made while
// the collections were being loaded.
TEST(ClickPipeWorld, ChangesMadeDuringTheSnapshotAreReplayedFromThePointTakenAtCreate) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.snapshot_rows_per_second = 5;  // About 200 s per collection.
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(30 * kMinute, "create")};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  const sim::Ts point = driver.world().resume_ts(0);
  ASSERT_GT(point, 1000);  // Writes came before the create.
  const sim::Ts first_read = NextRead(driver, scenario.run_until);
  EXPECT_EQ(first_read, point);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  // The load took minutes of writes: the first batch carries them.
  EXPECT_GT(driver.world().next_ts() - point, 600);
  driver.Finish();
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// CP-QS: CDC writes every source delete as a soft-deleted row
// (`_peerdb_is_deleted`), which FINAL then hides.
TEST(ClickPipeWorld, EverySourceDeleteIsASoftDeletedRowInTheDestination) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  driver.RunAll();
  for (int c = 0; c < driver.world().collection_count(); ++c) {
    const auto& source = driver.world().source(c).documents();
    const sim::DestinationTable& table = driver.world().destination(0, c, sim::TableRole::kMain);
    std::size_t deleted = 0;
    for (std::size_t i = 0; i < source.size(); ++i) {
      if (source[i].live()) continue;
      ++deleted;
      const sim::FinalSlot slot = table.Slot(static_cast<sim::DocId>(i));
      EXPECT_TRUE(slot.deleted) << "collection " << c << " _id " << i;
      EXPECT_EQ(slot.version, source[i].last_ts) << "collection " << c << " _id " << i;
    }
    EXPECT_GT(deleted, 100U) << "collection " << c;
    EXPECT_EQ(table.soft_deleted.size(), deleted) << "collection " << c;
  }
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, ResyncSwapsAtomicallyKeepingSoftDeletedRowsAndConverges) {
  sim::Scenario scenario = BaseScenario();
  scenario.steps = {Op(0, "create"), Op(2 * kHour, "resync")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  EXPECT_TRUE(outcomes[1].accepted);
  EXPECT_TRUE(driver.Visited("Resync"));
  EXPECT_EQ(driver.CountData("swap"), 1);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
  EXPECT_TRUE(driver.Witnessed("resync_swaps_with_soft_deleted_rows"));
  EXPECT_FALSE(driver.world().destination(0, 0, sim::TableRole::kMain).soft_deleted.empty());
}

TEST(ClickPipeWorld, Profile2024ResyncGoesThroughSnapshotAndStillSwaps) {
  sim::Scenario scenario = BaseScenario();
  scenario.profile = cp::Profile::k2024;
  scenario.steps = {Op(0, "create"), Op(2 * kHour, "resync"), Op(3 * kHour, "pause"),
                    Op(3 * kHour + kMinute, "resume")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.accepted) << outcome.message;
  EXPECT_FALSE(driver.Visited("Resync"));
  EXPECT_FALSE(driver.Visited("Pausing"));
  EXPECT_EQ(driver.CountData("swap"), 1);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// Regression (swarm seed 226, profile 2024), now under D16: a pipe that
// failed before its Setup is refused add_tables, and the resync that is the
// way out of Failed creates and loads every table CDC will write.
TEST(ClickPipeWorld, Profile2024PipeFailedBeforeSetupRefusesAddTablesAndResyncLoadsEveryTable) {
  sim::Scenario scenario = BaseScenario();
  scenario.profile = cp::Profile::k2024;
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create"), Fault(1 * kMinute, "irrecoverable_error"),
                    Op(10 * kMinute, "add_tables"), Op(11 * kMinute, "resync")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  EXPECT_TRUE(outcomes[0].accepted) << outcomes[0].message;
  EXPECT_TRUE(outcomes[1].accepted) << outcomes[1].message;
  EXPECT_FALSE(outcomes[2].accepted);
  EXPECT_TRUE(outcomes[3].accepted) << outcomes[3].message;
  EXPECT_EQ(driver.CountData("snapshot_table"), 2);  // Both tables, loaded by the resync.
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// CP-ADD: adding a table loads the added table only; the tables already
// replicated keep their rows and CDC goes on from the pipe's point.
TEST(ClickPipeWorld, AddTablesWhilePausedLoadsOnlyTheAddedTable) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 3 * kHour;
  scenario.steps = {Op(0, "create"), Op(1 * kHour, "pause"), Op(61 * kMinute, "add_tables")};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  driver.Apply(scenario.steps[1]);
  driver.RunTo(scenario.steps[2].at);
  ASSERT_EQ(driver.world().LifecycleState(0), "Paused");
  ASSERT_EQ(driver.CountData("snapshot_table"), 2);
  const std::uint64_t serial0 = driver.world().destination(0, 0, sim::TableRole::kMain).serial;
  const std::uint64_t serial1 = driver.world().destination(0, 1, sim::TableRole::kMain).serial;
  const sim::Ts point = driver.world().resume_ts(0);
  const sim::StepOutcome added = driver.Apply(scenario.steps[2]);
  ASSERT_TRUE(added.accepted) << added.message;
  EXPECT_EQ(driver.world().LifecycleState(0), "Setup");
  EXPECT_TRUE(driver.world().pipe_model(0).adding_tables);
  EXPECT_EQ(driver.world().resume_ts(0), point);
  driver.Finish();
  EXPECT_EQ(driver.world().collection_count(), 3);
  EXPECT_EQ(driver.world().ReplicatedCount(0), 3);
  EXPECT_EQ(driver.CountData("snapshot_table"), 3);  // The new table only.
  EXPECT_EQ(driver.world().destination(0, 0, sim::TableRole::kMain).serial, serial0);
  EXPECT_EQ(driver.world().destination(0, 1, sim::TableRole::kMain).serial, serial1);
  EXPECT_FALSE(driver.world().pipe_model(0).adding_tables);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, AddAndRemoveTablesWhilePausedConverge) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.collections = 3;
  scenario.steps = {Op(0, "create"),          Op(1 * kHour, "pause"),
                    Op(61 * kMinute, "remove_tables"), Op(80 * kMinute, "pause"),
                    Op(2 * kHour, "add_tables"),       Op(3 * kHour, "pause"),
                    Op(181 * kMinute, "add_tables")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.accepted) << outcome.message;
  EXPECT_TRUE(driver.Visited("Modifying"));
  // Collection 2 was removed then added back; the last add creates collection 3.
  EXPECT_EQ(driver.world().collection_count(), 4);
  EXPECT_EQ(driver.world().ReplicatedCount(0), 4);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, DestinationOutageLongerThanRetentionFailsThePipe) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.oplog_retention = kHour;
  scenario.steps = {Op(0, "create"), Fault(1 * kHour, "destination_unavailable", 2 * kHour)};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  EXPECT_TRUE(outcomes[1].accepted);
  EXPECT_EQ(driver.world().LifecycleState(0), "Failed");
  EXPECT_EQ(driver.world().pipe_model(0).cause, cp::Cause::kResumePointLost);
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, ShortDestinationOutageOnlyDelaysTheData) {
  sim::Scenario scenario = BaseScenario();
  scenario.steps = {Op(0, "create"), Fault(1 * kHour, "destination_unavailable")};
  Driver driver(scenario);
  driver.RunAll();
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, LagBuildsUpWhileItLastsThenDrains) {
  sim::Scenario scenario = BaseScenario();
  scenario.steps = {Op(0, "create"), Fault(1 * kHour, "lag", kHour)};
  Driver driver(scenario);
  driver.Apply(scenario.steps[0]);
  driver.Apply(scenario.steps[1]);
  driver.RunTo(2 * kHour);
  const sim::Ts behind = driver.world().next_ts() - driver.world().resume_ts(0);
  EXPECT_GT(behind, 3000);  // About half of an hour's 7200 writes.
  driver.Finish();
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, ResumePointLostFaultFailsRunningAndPausedPipesAlike) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.pipes = 2;
  scenario.run_until = 4 * kHour;
  scenario.steps = {Op(0, "create", 0),           Op(10 * kMinute, "create", 1),
                    Op(1 * kHour, "pause", 1),      Fault(2 * kHour, "resume_point_lost"),
                    Op(3 * kHour, "resume", 1),     Op(3 * kHour, "resync", 0)};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.accepted) << outcome.message;
  // The second pipe joins a compute already being provisioned.
  EXPECT_EQ(driver.world().LifecycleState(1), "Failed");
  EXPECT_EQ(driver.world().pipe_model(1).cause, cp::Cause::kResumePointLost);
  // Pipe 0 failed at its next pull and was resynced with a fresh point.
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  // D18: convergence judges every pipe whatever its state; the Failed pipe
  // stopped at its lost point and is behind the source.
  EXPECT_EQ(Converged(driver.world()).rfind("pipe 1 ", 0), 0U) << Converged(driver.world());
  EXPECT_TRUE(driver.AllHold());
  EXPECT_EQ(driver.CountData("oplog_truncated"), 1);
}

TEST(ClickPipeWorld, SecondPipeOnARunningComputeProvisionsFast) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.pipes = 2;
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create", 0), Op(1 * kHour, "create", 1)};
  Driver driver(scenario);
  driver.RunAll();
  Millis provisioned = -1;
  for (const sim::TraceEvent& event : driver.world().trace().events()) {
    if (event.pipe == 1 && event.what == "provisioned") provisioned = event.t_ms;
  }
  EXPECT_EQ(provisioned, 1 * kHour + 30 * kSecond);
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

TEST(ClickPipeWorld, ServiceFaultInAStateWithoutARowIsRecordedAsRefused) {
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create"), Op(30 * kMinute, "pause"),
                    Fault(40 * kMinute, "compute_crash"), Op(50 * kMinute, "resume")};
  Driver driver(scenario);
  const auto outcomes = driver.RunAll();
  EXPECT_FALSE(outcomes[2].accepted);  // Paused has no compute_crash row.
  bool refused = false;
  for (const sim::TraceEvent& event : driver.world().trace().events()) {
    if (event.what == "compute_crash") refused = !event.accepted && event.from == "Paused";
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

sim::Scenario Busy(std::uint64_t seed) {
  sim::Scenario scenario = BaseScenario(seed);
  scenario.config.pipes = 2;
  scenario.run_until = 8 * kHour;
  scenario.steps = {Op(0, "create", 0),
                    Op(1 * kMinute, "create", 1),
                    Op(1 * kHour, "pause", 1),
                    Fault(90 * kMinute, "compute_crash"),
                    Op(2 * kHour, "resume", 1),
                    Op(3 * kHour, "resync", 0),
                    Fault(4 * kHour, "destination_unavailable"),
                    Fault(5 * kHour, "lag", kHour, 1)};
  return scenario;
}

TEST(ClickPipeWorld, SameSeedGivesTheSameTraceAndDifferentSeedsDiffer) {
  Driver first(Busy(11));
  first.RunAll();
  Driver second(Busy(11));
  second.RunAll();
  Driver other(Busy(12));
  other.RunAll();
  EXPECT_EQ(first.world().trace().Hash(), second.world().trace().Hash());
  EXPECT_EQ(first.world().trace().ToJsonl(), second.world().trace().ToJsonl());
  EXPECT_EQ(first.world().source_digest(), second.world().source_digest());
  EXPECT_EQ(first.world().events_processed(), second.world().events_processed());
  EXPECT_NE(first.world().trace().Hash(), other.world().trace().Hash());
  EXPECT_NE(first.world().source_digest(), other.world().source_digest());
  EXPECT_TRUE(first.AllHold());
  EXPECT_TRUE(other.AllHold());
}

TEST(ClickPipeWorld, TheWorldOnlyEverTakesTableRows) {
  Driver driver(Busy(3));
  driver.RunAll();
  const cp::Table& table = cp::TableOf(cp::Profile::kCurrent);
  int lifecycle = 0;
  std::vector<int> used(table.rows().size(), 0);
  for (const sim::TraceEvent& event : driver.world().trace().events()) {
    if (event.kind == sim::TraceKind::kData) continue;
    ++lifecycle;
    if (!event.accepted) {
      EXPECT_EQ(event.row, -1);
      EXPECT_EQ(event.from, event.to);
      continue;
    }
    ASSERT_GE(event.row, 0);
    const cp::Row& row = table.rows()[static_cast<std::size_t>(event.row)];
    EXPECT_EQ(cp::ToString(row.from), event.from);
    EXPECT_EQ(cp::ToString(row.trigger), event.what);
    EXPECT_EQ(cp::ToString(row.to), event.to);
    ++used[static_cast<std::size_t>(event.row)];
  }
  EXPECT_GE(lifecycle, 20);
  EXPECT_GE(std::count_if(used.begin(), used.end(), [](int n) { return n > 0; }), 12);
  EXPECT_EQ(driver.Result("every_step_is_a_table_row").verdict, Verdict::kHolds);
  EXPECT_TRUE(driver.Witnessed("a_fault_step_is_taken"));
}

TEST(ClickPipeMonitor, ResultsPairEachAlwaysWithItsWitness) {
  sim::Scenario scenario = BaseScenario();
  auto world = sim::MakeClickPipeWorld(scenario);
  auto checks = properties::ClickPipeMonitors::MakeMonitor(scenario, *world);
  const auto all = checks->Results();
  ASSERT_EQ(all.size(), 22U);
  EXPECT_EQ(all[2].name, "paused_pulls_nothing");
  EXPECT_EQ(all[2].source, "G1, CP-LC");
  for (std::size_t i = 0; i < all.size(); i += 2) {
    EXPECT_TRUE(all[i].expectation == Expectation::kAlways ||
                all[i].expectation == Expectation::kTransition)
        << all[i].name;
    EXPECT_EQ(all[i].verdict, Verdict::kHolds) << all[i].name;
    EXPECT_FALSE(all[i].source.empty()) << all[i].name;
    EXPECT_EQ(all[i + 1].expectation, Expectation::kSometimes) << all[i + 1].name;
    EXPECT_EQ(all[i + 1].premise_of, all[i].name);
    EXPECT_EQ(all[i + 1].verdict, Verdict::kUnwitnessed) << all[i + 1].name;
  }
}

// A mutant table: copies `profile`'s rows and lets `mutate` change them.
cp::Table Mutant(const std::function<void(std::vector<cp::Row>&)>& mutate) {
  const auto rows = cp::TableOf(cp::Profile::kCurrent).rows();
  std::vector<cp::Row> copy(rows.begin(), rows.end());
  mutate(copy);
  return cp::Table(cp::Profile::kCurrent, std::move(copy));
}

TEST(ClickPipeMonitor, PlantedResumeWithALostPointIsCaught) {
  // Mutant: Paused --resume--> Running even when the point is gone.
  const cp::Table table = Mutant([](std::vector<cp::Row>& rows) {
    for (cp::Row& row : rows) {
      if (row.from == cp::State::kPaused && row.trigger == cp::Trigger::kResume &&
          row.guard == cp::Guard::kPointLost) {
        row.to = cp::State::kRunning;
        row.effect = cp::Effect::kNone;
      }
    }
  });
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 31 * kHour;
  scenario.steps = {Op(0, "create"), Op(3 * kHour, "pause"), Op(30 * kHour, "resume")};
  Driver driver(scenario, &table);
  driver.RunAll();
  const PropertyResult result = driver.Result("lost_resume_point_never_runs");
  EXPECT_EQ(result.verdict, Verdict::kViolated);
  EXPECT_EQ(result.at, 30 * kHour);
  EXPECT_NE(result.message.find("pipe 0"), std::string::npos) << result.message;
  // The pull then finds the loss and fails the pipe (D1).
  EXPECT_EQ(driver.world().LifecycleState(0), "Failed");
}

TEST(ClickPipeMonitor, PlantedCompletionOfACdcPipeIsCaught) {
  const cp::Table table = Mutant([](std::vector<cp::Row>& rows) {
    for (cp::Row& row : rows) {
      if (row.from == cp::State::kSnapshot && row.trigger == cp::Trigger::kInitialLoadDone &&
          row.guard == cp::Guard::kNotInResyncPointKept) {
        row.to = cp::State::kCompleted;
      }
    }
  });
  sim::Scenario scenario = BaseScenario();
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario, &table);
  driver.RunAll();
  EXPECT_EQ(driver.Result("only_snapshot_pipes_complete").verdict, Verdict::kViolated);
  EXPECT_EQ(driver.Result("every_step_is_a_table_row").verdict, Verdict::kHolds);
}

TEST(ClickPipeMonitor, PlantedFailureWithoutACauseIsCaught) {
  const cp::Table table = Mutant([](std::vector<cp::Row>& rows) {
    for (cp::Row& row : rows) {
      if (row.from == cp::State::kRunning && row.trigger == cp::Trigger::kIrrecoverableError) {
        row.effect = cp::Effect::kNone;
      }
    }
  });
  sim::Scenario scenario = BaseScenario();
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create"), Fault(1 * kHour, "irrecoverable_error")};
  Driver driver(scenario, &table);
  driver.RunAll();
  EXPECT_EQ(driver.Result("failed_names_its_cause").verdict, Verdict::kViolated);
  EXPECT_TRUE(driver.Witnessed("a_pipe_fails"));
}

// Random small worlds with every knob drawn (batch sizes down to 1, intervals
// down to 1 s, retentions down to minutes, several pipes, every operation and
// fault at random times): the always-properties hold on all of them.
sim::Scenario RandomScenario(std::uint64_t seed) {
  sim::Prng prng(seed);
  sim::Scenario scenario = BaseScenario(seed);
  scenario.profile = prng.Chance(200000) ? cp::Profile::k2024 : cp::Profile::kCurrent;
  const cp::Mode modes[] = {cp::Mode::kCdc, cp::Mode::kCdcOnly, cp::Mode::kSnapshot};
  scenario.config.mode =
      scenario.profile == cp::Profile::k2024 ? cp::Mode::kCdc : modes[prng.Below(3)];
  scenario.config.pipes = static_cast<int>(prng.Between(1, 3));
  scenario.config.collections = static_cast<int>(prng.Between(1, 3));
  scenario.config.documents = static_cast<int>(prng.Between(0, 60));
  scenario.config.writes_per_hour = prng.Between(0, 4000);
  scenario.config.oplog_retention = prng.Between(10, 600) * kMinute;
  scenario.config.sync_interval = prng.Between(1, 120) * kSecond;
  scenario.config.pull_batch_size = static_cast<int>(prng.Between(1, 200));
  scenario.config.snapshot_rows_per_second = static_cast<int>(prng.Between(1, 50));
  scenario.run_until = prng.Between(2, 16) * kHour;
  const char* operations[] = {"create", "pause", "resume", "resync",
                              "add_tables", "remove_tables", "edit_settings"};
  const char* faults[] = {"irrecoverable_error", "resume_point_lost", "compute_crash",
                          "destination_unavailable", "lag"};
  for (int p = 0; p < scenario.config.pipes; ++p) {
    scenario.steps.push_back(Op(prng.Between(0, 30) * kMinute, "create", p));
  }
  const int count = static_cast<int>(prng.Between(0, 20));
  for (int i = 0; i < count; ++i) {
    const Millis at = prng.Between(0, scenario.run_until - 1);
    const int pipe = static_cast<int>(prng.Below(static_cast<std::uint64_t>(scenario.config.pipes)));
    if (prng.Chance(300000)) {
      scenario.steps.push_back(
          Fault(at, faults[prng.Below(5)], prng.Between(1, 180) * kMinute, pipe));
    } else {
      scenario.steps.push_back(Op(at, operations[prng.Below(7)], pipe));
    }
  }
  std::stable_sort(scenario.steps.begin(), scenario.steps.end(),
                   [](const sim::Step& a, const sim::Step& b) { return a.at < b.at; });
  return scenario;
}

TEST(ClickPipeWorld, AlwaysPropertiesHoldOnRandomSmallWorlds) {
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const sim::Scenario scenario = RandomScenario(seed);
    Driver driver(scenario);
    driver.RunAll();
    ASSERT_TRUE(driver.AllHold()) << "seed " << seed;
  }
}

// Not a pass/fail test of speed: prints the rate for 2 collections x 1000
// documents with the monitors on, the benchmark's reference world.
TEST(ClickPipeWorld, PrintsEventsPerSecond) {
  sim::Scenario scenario = BaseScenario();
  scenario.config.writes_per_hour = 1800000;  // 500 writes a second.
  scenario.config.oplog_retention = kHour;
  scenario.run_until = 2 * kHour;
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario);
  const auto start = std::chrono::steady_clock::now();
  driver.RunAll();
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double events = static_cast<double>(driver.world().events_processed());
  std::printf("clickpipe world: %.0f events in %.3f s: %.0f events/s (with checks)\n", events,
              seconds, events / seconds);
  EXPECT_EQ(Converged(driver.world()), "converged");
  EXPECT_TRUE(driver.AllHold());
}

// A mutated table whose provisioned row skips Setup and enters Snapshot:
// the load still has its tables (the simulator creates them as
// tables_created would), so the pipe loads and converges instead of
// stopping on an assertion.
TEST(ClickPipeWorld, ARowIntoSnapshotByAnotherTriggerStillLoadsEveryTable) {
  const auto builtin = cp::TableOf(cp::Profile::kCurrent).rows();
  std::vector<cp::Row> rows(builtin.begin(), builtin.end());
  int retargeted = 0;
  for (cp::Row& row : rows) {
    if (row.from == cp::State::kProvisioning && row.trigger == cp::Trigger::kProvisioned) {
      row.to = cp::State::kSnapshot;
      ++retargeted;
    }
  }
  ASSERT_GT(retargeted, 0);
  const cp::Table table(cp::Profile::kCurrent, rows);
  sim::Scenario scenario = BaseScenario();
  scenario.steps = {Op(0, "create")};
  Driver driver(scenario, &table);
  const auto outcomes = driver.RunAll();
  ASSERT_TRUE(outcomes[0].accepted);
  EXPECT_TRUE(driver.Visited("Snapshot"));
  EXPECT_FALSE(driver.Visited("Setup"));
  EXPECT_EQ(driver.CountData("snapshot_table"), 2);
  EXPECT_EQ(driver.world().LifecycleState(0), "Running");
  EXPECT_EQ(Converged(driver.world()), "converged");
}

}  // namespace
}  // namespace pipecheck
