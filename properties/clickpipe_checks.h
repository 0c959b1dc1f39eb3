// properties/clickpipe_checks.h: the ClickPipe property catalogue.
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
// Catalogue (Results() order), each always-property followed by the
// sometimes-property that witnesses its premise:
//   only_snapshot_pipes_complete / snapshot_pipe_completes          (CP-LC)
//   paused_pulls_nothing / paused_while_source_writes              (G1, CP-LC)
//   resync_swap_is_atomic / resync_swaps_with_soft_deleted_rows    (G2, CP-RS)
//   lower_version_never_hides_higher / an_id_carries_several_versions (G4, CP-QS)
//   changes_apply_in_oplog_order / batch_reapplied_after_crash     (G5, CP-FAQ, D9)
//   lost_resume_point_never_runs / resume_point_lost_occurs        (D1, D11, CP-FAQ)
//   committed_resume_point_has_its_batch_written /
//     outage_falls_between_pull_and_write                         (G5, CP-FAQ, D10)
//   committed_resume_point_never_moves_back /
//     compute_crash_with_a_committed_point                        (CP-FAQ, D9)
//   converges_when_quiet / quiet_and_caught_up                     (lifecycles.md 3)
//   every_step_is_a_table_row / a_fault_step_is_taken              (lifecycles.md 1)
//   failed_names_its_cause / pipe_fails                            (CP-LC)
#pragma once

#include <memory>

#include "properties/checks.h"

namespace pipecheck::properties {

// REQUIRES: `world` was made by sim::MakeClickPipeWorld and outlives the checks.
std::unique_ptr<Checks> MakeClickPipeChecks(const sim::Scenario& scenario, const sim::World& world);

}  // namespace pipecheck::properties
