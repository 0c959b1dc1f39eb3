// properties/mongosync_monitors.h: the mongosync property catalogue.
//
// Eight always- or transition-properties, each paired with the
// sometimes-property that witnesses its premise (so none passes vacuously),
// judged from outside the world: from its trace and its read-only data views,
// never from its private bookkeeping. The catalogue below is in Results()
// order. A witness of the same premise as an explorer property
// (mongosync_space.cc) has the explorer's name; tests/catalogue_test.cc holds
// the two catalogues to that.
//
// Cost: AfterEvent() is O(1) amortized (it reads the trace events added since
// the last call); O(documents) only when a commit is accepted (a snapshot of
// the source), when the sync enters COMMITTED, at the first moment of each
// quiet period, and in AtEnd().
#pragma once

#include <memory>
#include <span>

#include "properties/monitors.h"
#include "properties/property.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck::properties {

inline constexpr Property kMongosyncMonitors[] = {
    {"committed_means_destination_caught_up", Expectation::kAlways, "G11, MS-COM, MS-AB", ""},
    {"reaches_COMMITTED", Expectation::kSometimes, "G11, MS-COM, MS-AB",
     "committed_means_destination_caught_up"},
    {"can_write_never_before_committing", Expectation::kAlways, "G10, MS-CUT, MS-WB", ""},
    {"can_write_becomes_true", Expectation::kSometimes, "G10, MS-CUT, MS-WB",
     "can_write_never_before_committing"},
    {"commit_only_when_can_commit", Expectation::kTransition, "G9, MS-COM, MS-PT21", ""},
    {"a_commit_is_accepted", Expectation::kSometimes, "G9, MS-COM, MS-PT21",
     "commit_only_when_can_commit"},
    {"nothing_applied_after_committed", Expectation::kAlways, "G13, MS-BEH, MS-LIM", ""},
    {"source_written_after_commit", Expectation::kSometimes, "G13, MS-BEH, MS-LIM",
     "nothing_applied_after_committed"},
    {"committed_left_only_by_reverse", Expectation::kTransition, "MS-TR, MS-REV", ""},
    {"a_reverse_happens", Expectation::kSometimes, "MS-TR, MS-REV",
     "committed_left_only_by_reverse"},
    {"rollover_never_applies_past_a_gap", Expectation::kAlways, "MS-OPL", ""},
    {"oplog_rollover_occurs", Expectation::kSometimes, "MS-OPL",
     "rollover_never_applies_past_a_gap"},
    {"every_step_is_a_table_row", Expectation::kAlways, "lifecycles.md 2.2", ""},
    {"a_fault_step_is_taken", Expectation::kSometimes, "lifecycles.md 2.2",
     "every_step_is_a_table_row"},
    {"converges_when_quiet", Expectation::kAlways, "lifecycles.md 3, G8", ""},
    {"quiet_and_caught_up", Expectation::kSometimes, "lifecycles.md 3, G8", "converges_when_quiet"},
};

// What the generic runner (runner.h) needs of this lifecycle.
struct MongosyncMonitors {
  static constexpr int kExpectPipe = -1;  // The sync has no pipes.
  static std::unique_ptr<sim::World> MakeWorld(const sim::Scenario& scenario,
                                               const sim::WorldTables& tables);
  // REQUIRES: `world` was made by MakeWorld and outlives the monitor.
  static std::unique_ptr<Monitor> MakeMonitor(const sim::Scenario& scenario,
                                            const sim::World& world);
  static std::span<const Property> Catalogue() { return kMongosyncMonitors; }
};

}  // namespace pipecheck::properties
