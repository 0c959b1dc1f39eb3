// properties/clickpipe_monitors.h: the ClickPipe property catalogue.
//
// The monitors watch a sim::ClickPipeWorld from outside: after every event
// they read the pipes' model states, the world's change log (the rows the
// event wrote, the batches it read, the tables it created or swapped) and the
// new trace events, and keep their own shadow of what was written (the
// highest version per _id, the soft-deleted rows per table). They never
// change the world and draw no randomness.
//
// Cost: AfterEvent() is O(pipes) plus O(what the event changed), so a run's
// checking is linear in its work; O(documents) comparisons happen only when
// a pipe first becomes quiet and caught up, at swaps, and at AtEnd().
//
// The catalogue below is in Results() order, each always- or
// transition-property followed by the sometimes-property that witnesses its
// premise. A witness of the same premise as an explorer property
// (clickpipe_space.cc) has the explorer's name; tests/catalogue_test.cc
// holds the two catalogues to that.
#pragma once

#include <memory>
#include <span>

#include "properties/monitors.h"
#include "properties/property.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck::properties {

inline constexpr Property kClickPipeMonitors[] = {
    {"only_snapshot_pipes_complete", Expectation::kAlways, "CP-LC", ""},
    {"snapshot_pipe_completes", Expectation::kSometimes, "CP-LC", "only_snapshot_pipes_complete"},
    {"paused_pulls_nothing", Expectation::kTransition, "G1, CP-LC", ""},
    {"paused_while_source_writes", Expectation::kSometimes, "G1, CP-LC", "paused_pulls_nothing"},
    {"resync_swap_is_atomic", Expectation::kTransition, "G2, CP-RS", ""},
    {"resync_swaps_with_soft_deleted_rows", Expectation::kSometimes, "G2, CP-RS",
     "resync_swap_is_atomic"},
    {"lower_version_never_hides_higher", Expectation::kAlways, "G4, CP-QS", ""},
    {"an_id_carries_several_versions", Expectation::kSometimes, "G4, CP-QS",
     "lower_version_never_hides_higher"},
    {"changes_apply_in_oplog_order", Expectation::kAlways, "G5, CP-FAQ", ""},
    {"batch_reapplied_after_crash", Expectation::kSometimes, "G5, CP-FAQ, D9",
     "changes_apply_in_oplog_order"},
    {"lost_resume_point_never_runs", Expectation::kAlways, "D1, D11, CP-FAQ", ""},
    {"resume_point_lost_occurs", Expectation::kSometimes, "D1, D11, CP-FAQ",
     "lost_resume_point_never_runs"},
    {"committed_resume_point_has_its_batch_written", Expectation::kAlways, "G5, CP-FAQ, D10", ""},
    {"outage_falls_between_pull_and_write", Expectation::kSometimes, "G5, CP-FAQ, D10",
     "committed_resume_point_has_its_batch_written"},
    {"committed_resume_point_never_moves_back", Expectation::kAlways, "CP-FAQ, D9", ""},
    {"compute_crash_with_a_committed_point", Expectation::kSometimes, "CP-FAQ, D9",
     "committed_resume_point_never_moves_back"},
    {"converges_when_quiet", Expectation::kAlways, "lifecycles.md 3", ""},
    {"quiet_and_caught_up", Expectation::kSometimes, "lifecycles.md 3", "converges_when_quiet"},
    {"every_step_is_a_table_row", Expectation::kAlways, "lifecycles.md 1", ""},
    {"a_fault_step_is_taken", Expectation::kSometimes, "lifecycles.md 1",
     "every_step_is_a_table_row"},
    {"failed_names_its_cause", Expectation::kAlways, "CP-LC", ""},
    {"a_pipe_fails", Expectation::kSometimes, "CP-LC", "failed_names_its_cause"},
};

// What the generic runner (runner.h) needs of this lifecycle.
struct ClickPipeMonitors {
  static constexpr int kExpectPipe = 0;  // A scenario's expect speaks of pipe 0.
  static std::unique_ptr<sim::World> MakeWorld(const sim::Scenario& scenario,
                                               const sim::WorldTables& tables);
  // REQUIRES: `world` was made by MakeWorld and outlives the monitor.
  static std::unique_ptr<Monitor> MakeMonitor(const sim::Scenario& scenario,
                                            const sim::World& world);
  static std::span<const Property> Catalogue() { return kClickPipeMonitors; }
};

}  // namespace pipecheck::properties
