// properties/mutate.cc: the mutation check (see the header).
#include "properties/mutate.h"

#include <algorithm>
#include <iterator>
#include <type_traits>

#include <fmt/format.h>

#include "model/assert.h"
#include "properties/check.h"

namespace pipecheck::properties {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

namespace {

// The equivalent mutants, each with the reason no property can tell it from
// the built-in table. tests/mutate_test.cc pins this list and proves each
// entry: the mutant's reachable graph (every state, every step) is the
// built-in table's. A mutant leaves the list only when a property learns to
// kill it, which for these cannot happen.
//
// ClickPipe `current`. Two facts of the model make the row mutants
// equivalent:
//  - A snapshot pipe never runs CDC: its load and its resyncs end in
//    Completed (rows 15 and 48), so it is never Running, Pausing, Paused or
//    Modifying, and it holds no resume point to lose (D11: no
//    resume_point_lost row applies to it, and create and resync keep the
//    flag). A row widened to snapshot pipes in those states, or guarded by a
//    lost point, never applies to one.
//  - Row 54 (Failed --resume--> Running, D2) is dead: the only failure that
//    keeps the resume point is irrecoverable_error, which D2 excludes, and
//    every other failure loses the point. No reachable Failed pipe is
//    resumable, so nothing the row does, or whether it exists, is ever seen.
//    (A finding about the model: D2's accepted branch cannot happen.)
// The effect mutants that survive swap an effect for one that sets only what
// every pipe taking the row already holds, so the step leads to the same
// pipe: each reason below names the fact (a claim of the catalogue, or the
// row's guard) that makes it so.
// ClickPipe `2024` and mongosync: only such effect mutants survive.
constexpr std::string_view kSnapshotNeverRuns =
    "a snapshot pipe is never Running, Pausing, Paused or Modifying (its load and resyncs end "
    "Completed), so the widened row never applies to one";
constexpr std::string_view kSnapshotKeepsItsPoint =
    "a snapshot pipe holds no resume point and never loses it (D11), so the widened row's guard "
    "(point lost) never holds for one";
constexpr std::string_view kDeadResume =
    "row 54 is dead: no reachable Failed pipe keeps its resume point with a recoverable cause "
    "(D2's guard), so the row is never taken";
constexpr std::string_view kBeforeCreate =
    "a pipe before create already holds what create sets (no load in progress, the resume point "
    "kept, no cause), so create, none, end_load and recover all lead to the same pipe";
constexpr std::string_view kRecoverOutsideFailed =
    "recover only clears the failure cause, and no pipe outside Failed has one "
    "(a_pipe_reports_a_cause_exactly_when_failed)";
constexpr std::string_view kNoLoadInProgress =
    "end_load only clears the load flags, and a pipe outside Setup, Snapshot and Resync has no "
    "load in progress (no_load_in_progress_outside_a_load)";
constexpr std::string_view kSetupOnCreate =
    "end_load only clears the load flags, and the row's guard (on create: no resync, no added "
    "tables) says the pipe has none";
constexpr std::string_view kSetupOnCreate2024 =
    "end_load only clears the load flags, and in profile 2024 a resync or added tables load from "
    "Snapshot, so a pipe in Setup was just created and has no load in progress";
constexpr std::string_view kAlreadyCreated =
    "create sets no load in progress, the resume point kept and no cause; a pipe taking the row "
    "holds all three (no load outside Setup, Snapshot and Resync, and the Setup row applies on "
    "create only; the point is kept in Running, lost_resume_point_never_runs, or by the row's "
    "guard; no cause outside Failed)";
constexpr std::string_view kLoadEndKeepsThePoint =
    "create clears the load flags as end_load does, and also keeps the resume point and clears "
    "the cause, which the row's pipes already have (the guard says the point is kept, or the pipe "
    "is a snapshot pipe, which never loses it; no cause outside Failed)";
constexpr std::string_view kSnapshotLoadEnds =
    "a snapshot pipe ending its first load is not in a resync (the guard) and never adds tables "
    "(it never reaches Paused), so end_load clears nothing; it never loses its point "
    "(a_snapshot_pipe_never_runs_cdc) and has no cause, so none, create and recover lead to the "
    "same pipe as end_load";
constexpr std::string_view kAlreadyAddingTables =
    "the row's guard (adding tables) says the flag is already set, and a pipe adding tables has "
    "no cause, so begin_add_tables changes nothing";
constexpr std::string_view kIdleHoldsNoMigration =
    "a sync before /start or in IDLE holds no migration (idle_reports_only_its_state): its lag is "
    "low and its context already fresh, so lag_low and fresh change nothing";
constexpr std::string_view kCommitNeedsCanCommit =
    "the row's guard (canCommit) says the sync applies change events with lag within 30 s, so "
    "enter_cea and lag_low change nothing";
constexpr std::string_view kCommittingAppliesCaughtUp =
    "a sync in COMMITTING entered it with canCommit (change event application, lag within 30 s), "
    "and neither changes before a new migration, so enter_cea and lag_low change nothing";
constexpr std::string_view kCommitDoneCanWrite =
    "the row's guard says canWrite is true, and a sync in COMMITTING applies change events with "
    "lag within 30 s, so enter_cea, enable_writes and lag_low change nothing";
constexpr std::string_view kCommittedCanWrite =
    "a COMMITTED or REVERSING sync applies change events with lag within 30 s and canWrite true "
    "(commit_done requires it, and it stays true), so enter_cea, enable_writes and lag_low change "
    "nothing";

constexpr KnownEquivalent kKnownEquivalents[] = {
    {"clickpipe", "current",
     "row 14 Snapshot --initial_load_done--> Failed: all modes (was cdc,cdc_only)",
     kSnapshotKeepsItsPoint},
    {"clickpipe", "current", "row 21 Running --pause--> Pausing: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 24 Running --resume_point_lost--> Failed: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 30 Pausing --resume_point_lost--> Pausing: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 40 Paused --resume_point_lost--> Paused: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current",
     "row 44 Modifying --resume_point_lost--> Modifying: all modes (was cdc,cdc_only)",
     kSnapshotNeverRuns},
    {"clickpipe", "current", "row 47 Resync --swap_done--> Failed: all modes (was cdc,cdc_only)",
     kSnapshotKeepsItsPoint},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: dropped", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Provisioning", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Setup", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Snapshot", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Pausing", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Paused", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Modifying", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Resync", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Completed", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: to Failed", kDeadResume},
    {"clickpipe", "current", "row 54 Failed --resume--> Running: all modes (was cdc,cdc_only)",
     kDeadResume},
    // The effect mutants, in mutant order.
    {"clickpipe", "current",
     "row 0 (none) --create--> Provisioning: effect create -> none",
     kBeforeCreate},
    {"clickpipe", "current",
     "row 0 (none) --create--> Provisioning: effect create -> end_load",
     kBeforeCreate},
    {"clickpipe", "current",
     "row 0 (none) --create--> Provisioning: effect create -> recover",
     kBeforeCreate},
    {"clickpipe", "current",
     "row 1 Provisioning --provisioned--> Setup: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 1 Provisioning --provisioned--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 5 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 6 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 7 Setup --tables_created--> Snapshot: effect none -> begin_add_tables",
     kAlreadyAddingTables},
    {"clickpipe", "current",
     "row 7 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 8 Setup --tables_created--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 8 Setup --tables_created--> Running: effect none -> end_load",
     kSetupOnCreate},
    {"clickpipe", "current",
     "row 8 Setup --tables_created--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 12 Setup --compute_crash--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 13 Snapshot --initial_load_done--> Running: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "current",
     "row 15 Snapshot --initial_load_done--> Completed: effect end_load -> none",
     kSnapshotLoadEnds},
    {"clickpipe", "current",
     "row 15 Snapshot --initial_load_done--> Completed: effect end_load -> create",
     kSnapshotLoadEnds},
    {"clickpipe", "current",
     "row 15 Snapshot --initial_load_done--> Completed: effect end_load -> recover",
     kSnapshotLoadEnds},
    {"clickpipe", "current",
     "row 16 Snapshot --initial_load_done--> Resync: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 19 Snapshot --compute_crash--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 20 Snapshot --destination_unavailable--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 21 Running --pause--> Pausing: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 21 Running --pause--> Pausing: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 21 Running --pause--> Pausing: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 25 Running --compute_crash--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 25 Running --compute_crash--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 25 Running --compute_crash--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 26 Running --destination_unavailable--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 26 Running --destination_unavailable--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 26 Running --destination_unavailable--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 27 Running --lag--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 27 Running --lag--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 27 Running --lag--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 28 Pausing --cdc_stopped--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 28 Pausing --cdc_stopped--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 31 Pausing --compute_crash--> Pausing: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 31 Pausing --compute_crash--> Pausing: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 32 Paused --pause--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 32 Paused --pause--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 33 Paused --resume--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 33 Paused --resume--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 33 Paused --resume--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 37 Paused --remove_tables--> Modifying: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 37 Paused --remove_tables--> Modifying: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 38 Paused --edit_settings--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 38 Paused --edit_settings--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 41 Modifying --tables_removed--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "current",
     "row 41 Modifying --tables_removed--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 41 Modifying --tables_removed--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 45 Modifying --compute_crash--> Modifying: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "current",
     "row 45 Modifying --compute_crash--> Modifying: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 46 Resync --swap_done--> Running: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "current",
     "row 48 Resync --swap_done--> Completed: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "current",
     "row 51 Resync --compute_crash--> Resync: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 52 Resync --destination_unavailable--> Resync: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> none",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> create",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> begin_resync",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> begin_add_tables",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> end_load",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> lose_point",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> fail_irrecoverable",
     kDeadResume},
    {"clickpipe", "current",
     "row 54 Failed --resume--> Running: effect recover -> fail_point_lost",
     kDeadResume},
    {"clickpipe", "2024",
     "row 0 (none) --create--> Provisioning: effect create -> none",
     kBeforeCreate},
    {"clickpipe", "2024",
     "row 0 (none) --create--> Provisioning: effect create -> end_load",
     kBeforeCreate},
    {"clickpipe", "2024",
     "row 0 (none) --create--> Provisioning: effect create -> recover",
     kBeforeCreate},
    {"clickpipe", "2024",
     "row 1 Provisioning --provisioned--> Setup: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 1 Provisioning --provisioned--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 4 Provisioning --compute_crash--> Provisioning: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 5 Setup --tables_created--> Snapshot: effect none -> end_load",
     kSetupOnCreate2024},
    {"clickpipe", "2024",
     "row 5 Setup --tables_created--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 8 Setup --compute_crash--> Setup: effect none -> end_load",
     kSetupOnCreate2024},
    {"clickpipe", "2024",
     "row 8 Setup --compute_crash--> Setup: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 9 Snapshot --initial_load_done--> Running: effect end_load -> create",
     kLoadEndKeepsThePoint},
    {"clickpipe", "2024",
     "row 13 Snapshot --compute_crash--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 14 Snapshot --destination_unavailable--> Snapshot: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 15 Running --pause--> Paused: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 15 Running --pause--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 15 Running --pause--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 20 Running --compute_crash--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 20 Running --compute_crash--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 20 Running --compute_crash--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 21 Running --destination_unavailable--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 21 Running --destination_unavailable--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 21 Running --destination_unavailable--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 22 Running --lag--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 22 Running --lag--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 22 Running --lag--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 23 Paused --pause--> Paused: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 23 Paused --pause--> Paused: effect none -> recover",
     kRecoverOutsideFailed},
    {"clickpipe", "2024",
     "row 24 Paused --resume--> Running: effect none -> create",
     kAlreadyCreated},
    {"clickpipe", "2024",
     "row 24 Paused --resume--> Running: effect none -> end_load",
     kNoLoadInProgress},
    {"clickpipe", "2024",
     "row 24 Paused --resume--> Running: effect none -> recover",
     kRecoverOutsideFailed},
    {"mongosync", "",
     "row 0 (none)/up --connected--> IDLE/up: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 0 (none)/up --connected--> IDLE/up: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 2 IDLE/up --progress--> IDLE/up: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 2 IDLE/up --progress--> IDLE/up: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 3 IDLE/up --crash--> IDLE/down: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 3 IDLE/up --crash--> IDLE/down: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 4 IDLE/down --restart--> IDLE/up: effect none -> lag_low",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 4 IDLE/down --restart--> IDLE/up: effect none -> fresh",
     kIdleHoldsNoMigration},
    {"mongosync", "",
     "row 6 RUNNING/up --commit--> COMMITTING/up: effect none -> enter_cea",
     kCommitNeedsCanCommit},
    {"mongosync", "",
     "row 6 RUNNING/up --commit--> COMMITTING/up: effect none -> lag_low",
     kCommitNeedsCanCommit},
    {"mongosync", "",
     "row 21 COMMITTING/up --progress--> COMMITTING/up: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 21 COMMITTING/up --progress--> COMMITTING/up: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 23 COMMITTING/up --commit_done--> COMMITTED/up: effect none -> enter_cea",
     kCommitDoneCanWrite},
    {"mongosync", "",
     "row 23 COMMITTING/up --commit_done--> COMMITTED/up: effect none -> enable_writes",
     kCommitDoneCanWrite},
    {"mongosync", "",
     "row 23 COMMITTING/up --commit_done--> COMMITTED/up: effect none -> lag_low",
     kCommitDoneCanWrite},
    {"mongosync", "",
     "row 24 COMMITTING/up --crash--> COMMITTING/down: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 24 COMMITTING/up --crash--> COMMITTING/down: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 25 COMMITTING/down --restart--> COMMITTING/up: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 25 COMMITTING/down --restart--> COMMITTING/up: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 26 COMMITTING/down --restart--> COMMITTING/exited: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 26 COMMITTING/down --restart--> COMMITTING/exited: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 27 COMMITTING/up --oplog_rollover--> COMMITTING/exited: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 27 COMMITTING/up --oplog_rollover--> COMMITTING/exited: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 28 COMMITTING/up --verifier_mismatch--> COMMITTING/exited: effect none -> enter_cea",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 28 COMMITTING/up --verifier_mismatch--> COMMITTING/exited: effect none -> lag_low",
     kCommittingAppliesCaughtUp},
    {"mongosync", "",
     "row 30 COMMITTED/up --reverse--> REVERSING/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 30 COMMITTED/up --reverse--> REVERSING/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 30 COMMITTED/up --reverse--> REVERSING/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 31 COMMITTED/up --progress--> COMMITTED/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 31 COMMITTED/up --progress--> COMMITTED/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 31 COMMITTED/up --progress--> COMMITTED/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 32 COMMITTED/up --crash--> COMMITTED/down: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 32 COMMITTED/up --crash--> COMMITTED/down: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 32 COMMITTED/up --crash--> COMMITTED/down: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 33 COMMITTED/down --restart--> COMMITTED/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 33 COMMITTED/down --restart--> COMMITTED/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 33 COMMITTED/down --restart--> COMMITTED/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 34 REVERSING/up --progress--> REVERSING/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 34 REVERSING/up --progress--> REVERSING/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 34 REVERSING/up --progress--> REVERSING/up: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 36 REVERSING/up --crash--> REVERSING/down: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 36 REVERSING/up --crash--> REVERSING/down: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 36 REVERSING/up --crash--> REVERSING/down: effect none -> lag_low",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 37 REVERSING/down --restart--> REVERSING/up: effect none -> enter_cea",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 37 REVERSING/down --restart--> REVERSING/up: effect none -> enable_writes",
     kCommittedCanWrite},
    {"mongosync", "",
     "row 37 REVERSING/down --restart--> REVERSING/up: effect none -> lag_low",
     kCommittedCanWrite},
};

constexpr std::string_view kClickPipeEffectNames[] = {
    "none",     "create",     "begin_resync",       "begin_add_tables", "end_load",
    "lose_point", "fail_irrecoverable", "fail_point_lost", "recover",
};
static_assert(std::size(kClickPipeEffectNames) ==
              static_cast<std::size_t>(cp::Effect::kRecover) + 1);
constexpr std::string_view kMongosyncEffectNames[] = {
    "none", "start", "enter_cea", "enable_writes", "swap_direction", "lag_high", "lag_low", "fresh",
};
static_assert(std::size(kMongosyncEffectNames) ==
              static_cast<std::size_t>(ms::Effect::kFresh) + 1);

std::string RowText(const cp::Row& row) {
  return fmt::format("{} --{}--> {}", cp::ToString(row.from), cp::ToString(row.trigger),
                     cp::ToString(row.to));
}

std::string RowText(const ms::Row& row) {
  return fmt::format("{}/{} --{}--> {}/{}", ms::ToString(row.from), ms::ToString(row.process_from),
                     ms::ToString(row.trigger), ms::ToString(row.to), ms::ToString(row.process_to));
}

Mutant Make(std::size_t row, MutationKind kind, std::size_t target, std::string name) {
  Mutant mutant;
  mutant.row = row;
  mutant.kind = kind;
  mutant.target = target;
  mutant.name = std::move(name);
  return mutant;
}

// The effect mutants of a row whose effect is `effect`, one of `count`:
// effect none, then every other effect in declaration order.
template <typename Effect>
void EffectMutants(std::size_t r, const std::string& text, Effect effect, std::size_t count,
                   std::vector<Mutant>& mutants) {
  const auto current = static_cast<std::size_t>(effect);
  if (current != 0) {
    mutants.push_back(Make(r, MutationKind::kDropEffect, 0,
                           fmt::format("{}: effect {} -> none", text, ToString(effect))));
  }
  for (std::size_t e = 1; e < count; ++e) {
    if (e == current) continue;
    mutants.push_back(Make(r, MutationKind::kSwapEffect, e,
                           fmt::format("{}: effect {} -> {}", text, ToString(effect),
                                       ToString(static_cast<Effect>(e)))));
  }
}

std::string ModeList(cp::ModeSet modes) {
  std::string out;
  for (std::size_t m = 0; m < cp::kModeCount; ++m) {
    if (cp::Contains(modes, static_cast<cp::Mode>(m))) {
      out += (out.empty() ? "" : ",") + std::string(cp::kModeNames[m]);
    }
  }
  return out;
}

// Why a mutant's exploration is killed, judged against the built-in table's:
// each property violated (that held there), each witness lost, and a new
// deadlock. Empty reasons: it survived. `behavioural`: the reasons that are
// not a documented-copy comparison (`copy`).
struct Judgement {
  std::vector<std::string> reasons;
  std::vector<std::string> behavioural;
};

Judgement Judge(const CheckReport& original, const CheckReport& mutant,
                std::span<const std::string_view> copy, const std::vector<std::string>& ignore) {
  Judgement judgement;
  PIPECHECK_ASSERT(original.properties.size() == mutant.properties.size());
  auto ignored = [&](const std::string& name) {
    return std::find(ignore.begin(), ignore.end(), name) != ignore.end();
  };
  auto add = [&](const std::string& reason, const std::string& name) {
    judgement.reasons.push_back(reason);
    if (std::find(copy.begin(), copy.end(), name) == copy.end()) {
      judgement.behavioural.push_back(reason);
    }
  };
  for (std::size_t p = 0; p < mutant.properties.size(); ++p) {
    const PropertyReport& was = original.properties[p];
    const PropertyReport& now = mutant.properties[p];
    PIPECHECK_ASSERT(was.name == now.name);
    if (ignored(now.name)) continue;
    if (now.expectation == Expectation::kSometimes) {
      if (was.verdict == Verdict::kWitnessed && now.verdict != Verdict::kWitnessed) {
        add("unwitnessed: " + now.name, now.name);
      }
    } else if (now.verdict == Verdict::kViolated && was.verdict != Verdict::kViolated) {
      add("violated: " + now.name, now.name);
    }
  }
  if (!ignored("deadlock") && !mutant.deadlocks.empty() && original.deadlocks.empty()) {
    add("deadlock: " + mutant.deadlocks.front(), "deadlock");
  }
  return judgement;
}

std::string BoundsText(const CheckReport& report) {
  std::string out;
  for (const auto& [name, value] : report.bounds) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  }
  return out;
}

// Explores every mutant and sorts out the verdicts.
template <typename Table, typename Check>
MutationReport Run(const Table& table, const std::vector<Mutant>& mutants,
                   std::span<const std::string_view> copy, const MutateOptions& options,
                   Check check) {
  const CheckReport original = check(table);
  PIPECHECK_ASSERT(original.complete);
  MutationReport report;
  report.model = original.model;
  report.profile = original.profile;
  report.bounds = BoundsText(original);
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const Table mutated = [&] {
      if constexpr (std::is_same_v<Table, cp::Table>) {
        return cp::Table(table.profile(), Apply(table, mutants[i]));
      } else {
        return ms::Table(Apply(table, mutants[i]));
      }
    }();
    const CheckReport explored = check(mutated);
    PIPECHECK_ASSERT(explored.complete);
    MutantVerdict verdict;
    verdict.mutant = mutants[i];
    Judgement judgement = Judge(original, explored, copy, options.ignore);
    verdict.killed_by = std::move(judgement.reasons);
    verdict.killed = !verdict.killed_by.empty();
    verdict.killed_by_behaviour = std::move(judgement.behavioural);
    for (const KnownEquivalent& known : KnownEquivalents()) {
      if (known.model != report.model || known.profile != report.profile ||
          known.mutant != mutants[i].name) {
        continue;
      }
      if (verdict.killed) {
        report.stale_equivalents.push_back(mutants[i].name);
      } else {
        verdict.equivalent = std::string(known.why);
      }
    }
    report.verdicts.push_back(std::move(verdict));
    if (options.progress) options.progress(i + 1, mutants.size());
  }
  return report;
}

}  // namespace

std::string_view ToString(MutationKind kind) {
  switch (kind) {
    case MutationKind::kDrop:
      return "drop";
    case MutationKind::kRetarget:
      return "retarget";
    case MutationKind::kRetargetProcess:
      return "retarget_process";
    case MutationKind::kDropGuard:
      return "drop_guard";
    case MutationKind::kWidenModes:
      return "widen_modes";
    case MutationKind::kDropEffect:
      return "drop_effect";
    case MutationKind::kSwapEffect:
      return "swap_effect";
  }
  PIPECHECK_ASSERT(false);
}

std::size_t MutationReport::killed() const {
  return static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(),
                                                [](const MutantVerdict& v) { return v.killed; }));
}

std::size_t MutationReport::killed_behaviourally() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(),
                    [](const MutantVerdict& v) { return v.killed_behaviourally(); }));
}

std::size_t MutationReport::documented_copy_only() const {
  return killed() - killed_behaviourally();
}

std::size_t MutationReport::effect_mutants_killed_only_by_the_copy() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(), [](const MutantVerdict& v) {
        return v.mutant.effect() && v.documented_copy_only();
      }));
}

std::size_t MutationReport::equivalent() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(),
                    [](const MutantVerdict& v) { return !v.killed && !v.equivalent.empty(); }));
}

std::size_t MutationReport::survivors() const { return mutants() - killed() - equivalent(); }

std::span<const KnownEquivalent> KnownEquivalents() { return kKnownEquivalents; }

std::string_view ToString(cp::Effect effect) {
  return kClickPipeEffectNames[static_cast<std::size_t>(effect)];
}

std::string_view ToString(ms::Effect effect) {
  return kMongosyncEffectNames[static_cast<std::size_t>(effect)];
}

MutateOptions DefaultMutateOptions() {
  MutateOptions options;
  options.clickpipe.pipes = 1;
  return options;
}

std::vector<Mutant> ClickPipeMutants(const cp::Table& table) {
  std::vector<Mutant> mutants;
  const auto rows = table.rows();
  const cp::Profile profile = table.profile();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const cp::Row& row = rows[r];
    const std::string text = fmt::format("row {} {}", r, RowText(row));
    mutants.push_back(Make(r, MutationKind::kDrop, 0, text + ": dropped"));
    for (const cp::State state : cp::States(profile)) {
      if (state == row.to) continue;
      mutants.push_back(Make(r, MutationKind::kRetarget, static_cast<std::size_t>(state),
                             fmt::format("{}: to {}", text, cp::ToString(state))));
    }
    if (row.guard != cp::Guard::kNone) {
      mutants.push_back(Make(r, MutationKind::kDropGuard, 0,
                             fmt::format("{}: guard dropped ({})", text, cp::Describe(row.guard))));
    }
    if (cp::HasModes(profile) && row.modes != cp::kAllModes) {
      mutants.push_back(Make(r, MutationKind::kWidenModes, 0,
                             fmt::format("{}: all modes (was {})", text, ModeList(row.modes))));
    }
    EffectMutants(r, text, row.effect, std::size(kClickPipeEffectNames), mutants);
  }
  return mutants;
}

std::vector<Mutant> MongosyncMutants(const ms::Table& table) {
  std::vector<Mutant> mutants;
  const auto rows = table.rows();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const ms::Row& row = rows[r];
    const std::string text = fmt::format("row {} {}", r, RowText(row));
    mutants.push_back(Make(r, MutationKind::kDrop, 0, text + ": dropped"));
    for (const ms::State state : ms::States()) {
      if (state == row.to) continue;
      mutants.push_back(Make(
          r, MutationKind::kRetarget, static_cast<std::size_t>(state),
          fmt::format("{}: to {}/{}", text, ms::ToString(state), ms::ToString(row.process_to))));
    }
    for (std::size_t p = 0; p < ms::kProcessNames.size(); ++p) {
      const auto process = static_cast<ms::Process>(p);
      if (process == row.process_to) continue;
      mutants.push_back(
          Make(r, MutationKind::kRetargetProcess, p,
               fmt::format("{}: to {}/{}", text, ms::ToString(row.to), ms::ToString(process))));
    }
    if (row.guard != ms::Guard::kNone) {
      mutants.push_back(Make(r, MutationKind::kDropGuard, 0,
                             fmt::format("{}: guard dropped ({})", text, ms::Describe(row.guard))));
    }
    EffectMutants(r, text, row.effect, std::size(kMongosyncEffectNames), mutants);
  }
  return mutants;
}

std::vector<cp::Row> Apply(const cp::Table& table, const Mutant& mutant) {
  const auto base = table.rows();
  PIPECHECK_ASSERT(mutant.row < base.size());
  std::vector<cp::Row> rows(base.begin(), base.end());
  cp::Row& row = rows[mutant.row];
  switch (mutant.kind) {
    case MutationKind::kDrop:
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(mutant.row));
      break;
    case MutationKind::kRetarget:
      PIPECHECK_ASSERT(mutant.target < cp::kStateCount);
      row.to = static_cast<cp::State>(mutant.target);
      break;
    case MutationKind::kDropGuard:
      row.guard = cp::Guard::kNone;
      break;
    case MutationKind::kWidenModes:
      row.modes = cp::kAllModes;
      break;
    case MutationKind::kDropEffect:
      row.effect = cp::Effect::kNone;
      break;
    case MutationKind::kSwapEffect:
      PIPECHECK_ASSERT(mutant.target < std::size(kClickPipeEffectNames));
      row.effect = static_cast<cp::Effect>(mutant.target);
      break;
    case MutationKind::kRetargetProcess:
      PIPECHECK_ASSERT(false);
  }
  return rows;
}

std::vector<ms::Row> Apply(const ms::Table& table, const Mutant& mutant) {
  const auto base = table.rows();
  PIPECHECK_ASSERT(mutant.row < base.size());
  std::vector<ms::Row> rows(base.begin(), base.end());
  ms::Row& row = rows[mutant.row];
  switch (mutant.kind) {
    case MutationKind::kDrop:
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(mutant.row));
      break;
    case MutationKind::kRetarget:
      PIPECHECK_ASSERT(mutant.target < ms::kStateCount);
      row.to = static_cast<ms::State>(mutant.target);
      break;
    case MutationKind::kRetargetProcess:
      PIPECHECK_ASSERT(mutant.target < ms::kProcessNames.size());
      row.process_to = static_cast<ms::Process>(mutant.target);
      break;
    case MutationKind::kDropGuard:
      row.guard = ms::Guard::kNone;
      break;
    case MutationKind::kDropEffect:
      row.effect = ms::Effect::kNone;
      break;
    case MutationKind::kSwapEffect:
      PIPECHECK_ASSERT(mutant.target < std::size(kMongosyncEffectNames));
      row.effect = static_cast<ms::Effect>(mutant.target);
      break;
    case MutationKind::kWidenModes:
      PIPECHECK_ASSERT(false);
  }
  return rows;
}

MutationReport MutateClickPipe(cp::Profile profile, const MutateOptions& options) {
  const cp::Table& table = cp::TableOf(profile);
  return Run(table, ClickPipeMutants(table), ClickPipeSpace::DocumentedCopyComparisons(), options,
             [&](const cp::Table& explored) {
    return CheckClickPipe(explored, options.clickpipe, ExploreLimits{});
  });
}

MutationReport MutateMongosync(const MutateOptions& options) {
  const ms::Table& table = ms::DefaultTable();
  return Run(table, MongosyncMutants(table), MongosyncSpace::DocumentedCopyComparisons(), options,
             [&](const ms::Table& explored) {
    return CheckMongosync(explored, options.mongosync, ExploreLimits{});
  });
}

}  // namespace pipecheck::properties
