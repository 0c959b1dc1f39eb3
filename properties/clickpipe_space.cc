#include "properties/clickpipe_space.h"

#include <algorithm>

#include <fmt/format.h>

namespace pipecheck::properties {

namespace cp = model::clickpipe;
using S = cp::State;
using T = cp::Trigger;

namespace {

// Property indices of the fixed part of the catalogue. The reaches_<State>
// witnesses follow, then the liveness property.
enum : std::size_t {
  kOnlySnapshotComplete,
  kSnapshotCompletes,
  kCdcOnlyNeverSnapshotsOnCreate,
  kCdcOnlySnapshotsInResync,
  kPauseOnlyFromRunning,
  kPipePauses,
  kPausedPullsNothing,
  kFailedLeftOnlyByResyncOrResume,
  kPipeFails,
  kLostResumePointNeverRuns,
  kResumePointLostOccurs,
  kResyncSwapIsAtomic,
  kResyncSwaps,
  kCompletedLeftOnlyByResync,
  kOperationsAnswerAsDocumented,
  kTablesAreAdded,
  kEventsFollowTheLifecycle,
  kAResyncLoadsNewTables,
  kFaultsStrikeAsDocumented,
  kAnIrrecoverableErrorStrikes,
  kOneRowDecidesEachStep,
  kAGuardDecidesAStep,
  kCauseExactlyWhenFailed,
  kAPipeLeavesFailed,
  kFailsWithTheFaultItMet,
  kFailsOnALostPoint,
  kFaultsKeepTheStateOrFail,
  kLagLeavesAPipeRunning,
  kPointLostOnlyToTheOplog,
  kPointDroppedWhileNotPulling,
  kOnlyAResyncTakesAFreshPoint,
  kResyncAfterAPointIsLost,
  kNoLoadOutsideALoad,
  kAddedTablesAreSnapshotted,
  kLoadsBeginAndEndAsDocumented,
  kALoadGoesOnAfterACrash,
  kAddingTablesKeepsThePoint,
  kAddingTablesWithALostPoint,
  kSnapshotPipeNeverRunsCdc,
  kASnapshotPipeIsResynced,
  kStatesEnteredInOrder,
  kAPipeLoadsAgain,
  kAResumedPipeRunsOrFails,
  kAPausedPipeHasLostItsPoint,
  kFixedCount,
};

constexpr Property kFixed[kFixedCount] = {
    {"only_snapshot_pipes_complete", Expectation::kAlways, "CP-LC", ""},
    {"snapshot_pipe_completes", Expectation::kSometimes, "CP-LC", "only_snapshot_pipes_complete"},
    {"cdc_only_never_snapshots_on_create", Expectation::kTransition, "CP-LC", ""},
    {"cdc_only_pipe_snapshots_in_a_resync", Expectation::kSometimes, "CP-RS, D3",
     "cdc_only_never_snapshots_on_create"},
    {"pause_only_from_running", Expectation::kTransition, "CP-LC, D5", ""},
    {"a_pipe_pauses", Expectation::kSometimes, "CP-LC", "pause_only_from_running"},
    {"paused_pulls_nothing", Expectation::kTransition, "G1, CP-LC", ""},
    {"failed_left_only_by_resync_or_resume", Expectation::kTransition, "CP-LC, OAS, D2", ""},
    {"a_pipe_fails", Expectation::kSometimes, "CP-LC", "failed_left_only_by_resync_or_resume"},
    {"lost_resume_point_never_runs", Expectation::kAlways, "CP-FAQ, D1, D11", ""},
    {"resume_point_lost_occurs", Expectation::kSometimes, "CP-FAQ, CP-SRC",
     "lost_resume_point_never_runs"},
    {"resync_swap_is_atomic", Expectation::kTransition, "G2, CP-RS", ""},
    {"a_resync_swaps", Expectation::kSometimes, "CP-RS", "resync_swap_is_atomic"},
    {"completed_left_only_by_resync", Expectation::kTransition, "CP-LC, TF, D3", ""},
    // The whole vocabulary of lifecycles.md 1.2, answered in every reachable
    // state as the text says (see Documented* below). The mutation check
    // (properties/mutate.h) is what showed these were missing.
    {"user_operations_answer_as_documented", Expectation::kAlways,
     "TF, CP-LC, CP-PR, CP-RS, CP-ADD, CP-RM, CP-SC, CP-LC-OLD, D1, D2, D3, D5, D6", ""},
    {"tables_are_added_to_a_pipe", Expectation::kSometimes, "CP-ADD, CP-LC-OLD",
     "user_operations_answer_as_documented"},
    {"internal_events_follow_the_lifecycle", Expectation::kAlways,
     "CP-LC, CP-RS, CP-ADD, CP-RM, CP-LC-OLD, D1, D3, D4, D11", ""},
    {"a_resync_loads_new_tables", Expectation::kSometimes, "CP-RS",
     "internal_events_follow_the_lifecycle"},
    {"faults_strike_as_documented", Expectation::kAlways, "CP-LC, CP-FAQ, D1, D9, D10, D11, D12",
     ""},
    {"an_irrecoverable_error_strikes", Expectation::kSometimes, "CP-LC",
     "faults_strike_as_documented"},
    {"one_row_decides_each_step", Expectation::kAlways, "model/clickpipe.h", ""},
    {"a_guard_decides_a_step", Expectation::kSometimes, "model/clickpipe.h",
     "one_row_decides_each_step"},
    // What a step does to the pipe besides its state: the failure cause, the
    // resume point, the load in progress. Each is a claim of the documents
    // about every step, judged on the pipes the explorer reaches; none reads
    // the table. The mutation check's effect mutants are what showed they
    // were missing.
    //
    // The API names why a pipe is Failed (CP-FAQ's error text for a lost
    // point), and a pipe that left Failed by resync reports no failure.
    {"a_pipe_reports_a_cause_exactly_when_failed", Expectation::kAlways,
     "CP-LC, CP-FAQ, D1, D2, D3", ""},
    // The irrecoverable error was injected and no pipe is Failed: the pipe it
    // failed has left Failed.
    {"a_pipe_leaves_failed", Expectation::kSometimes, "CP-LC, CP-RS, D3",
     "a_pipe_reports_a_cause_exactly_when_failed"},
    // Entering Failed, the cause is the irrecoverable error when that struck,
    // else the lost resume point that a pull, a load's end or a resume found
    // (D1, D11); a Failed pipe keeps its cause while it stays Failed.
    {"a_pipe_fails_with_the_fault_it_met", Expectation::kTransition, "CP-LC, CP-FAQ, D1, D11",
     ""},
    {"a_pipe_fails_on_a_lost_resume_point", Expectation::kSometimes, "CP-FAQ, D1, D11",
     "a_pipe_fails_with_the_fault_it_met"},
    // compute_crash, destination_unavailable and lag change no state (D9, D10,
    // D12); resume_point_lost changes none outside Running (D11) and fails a
    // Running pipe (D1); irrecoverable_error always fails the pipe (CP-LC).
    {"faults_keep_the_state_or_fail_the_pipe", Expectation::kTransition,
     "CP-LC, D1, D9, D10, D11, D12", ""},
    // Some pipe is Running after the lag fault struck (lag strikes only in
    // Running).
    {"lag_leaves_a_pipe_running", Expectation::kSometimes, "CP-SC, D12",
     "faults_keep_the_state_or_fail_the_pipe"},
    // A pipe loses its resume point exactly when the oplog drops it: the
    // fault resume_point_lost leaves it without one, and nothing else does.
    {"the_resume_point_is_lost_only_to_the_oplog", Expectation::kTransition,
     "CP-FAQ, CP-SRC, D1, D11", ""},
    // A pipe outside Running and Failed has lost its point: the oplog dropped
    // it while CDC was not pulling (D11's self-loops).
    {"the_oplog_drops_a_point_while_cdc_is_not_pulling", Expectation::kSometimes,
     "CP-SRC, D11", "the_resume_point_is_lost_only_to_the_oplog"},
    // A resync starts a new load into `_resync` tables with a fresh resume
    // point (CP-RS: a new pipe is started; D11) and clears the failure; only
    // a resync brings back a point the oplog dropped (D1).
    {"only_a_resync_takes_a_fresh_resume_point", Expectation::kTransition,
     "CP-RS, D1, D3, D11", ""},
    // Some pipe is in a resync, holding its point, after the oplog dropped a
    // resume point (with one pipe: its own).
    {"a_pipe_resyncs_after_a_resume_point_is_lost", Expectation::kSometimes, "CP-RS, D1, D11",
     "only_a_resync_takes_a_fresh_resume_point"},
    // A resync loads in Setup, Snapshot and Resync; added tables load in
    // Setup and Snapshot (CP-RS, CP-ADD). A pipe that runs, pauses, is
    // modified, completes or fails has no load in progress.
    {"no_load_in_progress_outside_a_load", Expectation::kAlways, "CP-LC, CP-RS, CP-ADD", ""},
    {"added_tables_are_snapshotted", Expectation::kSometimes, "CP-ADD",
     "no_load_in_progress_outside_a_load"},
    // A resync begins only with the user's resync, added tables only with
    // add_tables; a load ends only with its last event (the swap, or in 2024
    // the end of the load; the end of the added tables' snapshot) or when the
    // pipe fails. Crashes, outages and lost points do not end it.
    {"loads_begin_with_their_operation_and_end_when_done_or_failed", Expectation::kTransition,
     "CP-RS, CP-ADD, CP-LC, CP-LC-OLD, D3, D9, D10", ""},
    // Some pipe is loading (a resync or added tables) after a compute crash.
    {"a_load_goes_on_after_a_compute_crash", Expectation::kSometimes, "CP-LC, D9",
     "loads_begin_with_their_operation_and_end_when_done_or_failed"},
    // Adding tables keeps the existing resume point: CDC on the existing
    // tables resumes after the new tables' snapshot (CP-ADD, D11).
    {"adding_tables_keeps_the_resume_point", Expectation::kTransition, "CP-ADD, D11", ""},
    {"a_pipe_adding_tables_has_lost_its_resume_point", Expectation::kSometimes, "CP-ADD, D1, D11",
     "adding_tables_keeps_the_resume_point"},
    // A snapshot pipe has no CDC: its loads end Completed (lifecycles.md
    // 1.1, D4), so it never runs, pauses or is modified, and it holds no
    // resume point for the oplog to drop (D11).
    {"a_snapshot_pipe_never_runs_cdc", Expectation::kAlways, "CP-LC, D4, D11", ""},
    {"a_snapshot_pipe_is_resynced", Expectation::kSometimes, "CP-RS, D3, D4",
     "a_snapshot_pipe_never_runs_cdc"},
    // The order of the lifecycle, told by how each state is entered: only a
    // create provisions; Setup follows provisioning or (current) the user's
    // resync or add_tables; the initial load follows Setup (2024: also the
    // user's resync or add_tables); the swap follows the load of a resync;
    // Pausing and Modifying follow the user's pause and remove_tables; a pipe
    // is Paused when its CDC stopped (2024: at once on pause).
    {"states_are_entered_only_as_the_lifecycle_leads", Expectation::kTransition,
     "CP-LC, CP-LC-OLD, CP-RS, CP-ADD, CP-RM, D3", ""},
    // Some pipe loads again, for a resync or added tables.
    {"a_pipe_loads_again_for_the_user", Expectation::kSometimes, "CP-RS, CP-ADD, CP-LC-OLD",
     "states_are_entered_only_as_the_lifecycle_leads"},
    // An accepted resume runs the pipe, or fails it when its resume point is
    // gone (CP-PR, D1, D2).
    {"a_resumed_pipe_runs_or_fails", Expectation::kTransition, "CP-PR, CP-FAQ, D1, D2", ""},
    {"a_paused_pipe_has_lost_its_resume_point", Expectation::kSometimes, "CP-FAQ, D1, D11",
     "a_resumed_pipe_runs_or_fails"},
};

// The comparisons with the Documented* copy below (see the header).
constexpr std::string_view kDocumentedCopy[] = {
    kFixed[kOperationsAnswerAsDocumented].name,
    kFixed[kEventsFollowTheLifecycle].name,
    kFixed[kFaultsStrikeAsDocumented].name,
};

constexpr Property kLiveness = {"transient_states_are_left", Expectation::kEventually,
                                    "CP-LC (transient states), D9", ""};

constexpr int kPipeBits = 11;

std::uint64_t PackPipe(const cp::Pipe& pipe) {
  return static_cast<std::uint64_t>(pipe.state) |
         static_cast<std::uint64_t>(pipe.mode) << 4 |
         static_cast<std::uint64_t>(pipe.in_resync) << 6 |
         static_cast<std::uint64_t>(pipe.adding_tables) << 7 |
         static_cast<std::uint64_t>(pipe.resume_point_in_oplog) << 8 |
         static_cast<std::uint64_t>(pipe.cause) << 9;
}

cp::Pipe UnpackPipe(std::uint64_t bits) {
  cp::Pipe pipe;
  pipe.state = static_cast<S>(bits & 0xFU);
  pipe.mode = static_cast<cp::Mode>((bits >> 4) & 0x3U);
  pipe.in_resync = ((bits >> 6) & 1U) != 0;
  pipe.adding_tables = ((bits >> 7) & 1U) != 0;
  pipe.resume_point_in_oplog = ((bits >> 8) & 1U) != 0;
  pipe.cause = static_cast<cp::Cause>((bits >> 9) & 0x3U);
  return pipe;
}

bool Changed(const cp::Pipe& a, const cp::Pipe& b) { return a.state != b.state; }

bool Spent(const ClickPipeSpace::State& state, ClickPipeFault fault) {
  return state.spent[static_cast<std::size_t>(fault)] > 0;
}

// A resync loads in Setup, Snapshot and Resync; added tables in Setup and
// Snapshot (lifecycles.md 1.3, 1.4).
bool LoadFlagsFit(const cp::Pipe& pipe) {
  const bool loading = pipe.state == S::kSetup || pipe.state == S::kSnapshot;
  return (!pipe.in_resync || loading || pipe.state == S::kResync) &&
         (!pipe.adding_tables || loading);
}

// Whether `trigger` may lead a pipe into `state` from another state.
bool Enters(bool old_profile, S state, T trigger) {
  switch (state) {
    case S::kProvisioning: return trigger == T::kCreate;
    case S::kSetup:
      return trigger == T::kProvisioned ||
             (!old_profile && (trigger == T::kResync || trigger == T::kAddTables));
    case S::kSnapshot:
      return trigger == T::kTablesCreated ||
             (old_profile && (trigger == T::kResync || trigger == T::kAddTables));
    case S::kResync: return trigger == T::kInitialLoadDone;
    case S::kPausing: return trigger == T::kPause;
    case S::kPaused: return trigger == (old_profile ? T::kPause : T::kCdcStopped);
    case S::kModifying: return trigger == T::kRemoveTables;
    default: return true;  // Running, Completed, Failed: judged by other claims.
  }
}

// What the step claims judge on one pipe's step from `a` to `b` by
// `trigger` (`acting`: the step is this pipe's own action, so the trigger was
// accepted for it even if nothing changed). Returns the catalogue ids
// violated.
std::uint64_t StepClaimsViolated(const cp::Pipe& a, const cp::Pipe& b, T trigger, bool acting,
                                   bool old_profile, T resync_end) {
  std::uint64_t ids = 0;
  auto fail = [&ids](std::size_t id) { ids |= std::uint64_t{1} << id; };
  if (a.state != b.state && !Enters(old_profile, b.state, trigger)) fail(kStatesEnteredInOrder);
  if (a.state != b.state && b.state == S::kResync && !a.in_resync) fail(kStatesEnteredInOrder);
  if (acting && trigger == T::kResume && b.state != S::kRunning && b.state != S::kFailed) {
    fail(kAResumedPipeRunsOrFails);
  }
  // A Failed pipe's cause is the fault that failed it.
  if (b.state == S::kFailed) {
    const cp::Cause expected = a.state == S::kFailed                ? a.cause
                               : trigger == T::kIrrecoverableError ? cp::Cause::kIrrecoverableError
                                                                   : cp::Cause::kResumePointLost;
    if (b.cause != expected) fail(kFailsWithTheFaultItMet);
  }
  // Faults keep the state, or fail the pipe.
  switch (trigger) {
    case T::kComputeCrash:
    case T::kDestinationUnavailable:
    case T::kLag:
      if (b.state != a.state) fail(kFaultsKeepTheStateOrFail);
      break;
    case T::kResumePointLost:
      if (b.state != a.state && !(a.state == S::kRunning && b.state == S::kFailed)) {
        fail(kFaultsKeepTheStateOrFail);
      }
      break;
    case T::kIrrecoverableError:
      if (acting && b.state != S::kFailed) fail(kFaultsKeepTheStateOrFail);
      break;
    default:
      break;
  }
  // The resume point is lost to the oplog only, and renewed by a resync only.
  if (acting && trigger == T::kResumePointLost && b.resume_point_in_oplog) {
    fail(kPointLostOnlyToTheOplog);
  }
  if (a.resume_point_in_oplog && !b.resume_point_in_oplog && trigger != T::kResumePointLost) {
    fail(kPointLostOnlyToTheOplog);
  }
  if (!a.resume_point_in_oplog && b.resume_point_in_oplog && trigger != T::kResync) {
    fail(kOnlyAResyncTakesAFreshPoint);
  }
  if (acting && trigger == T::kResync &&
      !(b.resume_point_in_oplog && b.in_resync && !b.adding_tables &&
        b.cause == cp::Cause::kNone)) {
    fail(kOnlyAResyncTakesAFreshPoint);
  }
  // Loads begin with their operation and end when done or failed.
  const bool failed = b.state == S::kFailed;
  if ((!a.in_resync && b.in_resync && trigger != T::kResync) ||
      (!a.adding_tables && b.adding_tables && trigger != T::kAddTables) ||
      (a.in_resync && !b.in_resync && trigger != resync_end && !failed) ||
      (a.adding_tables && !b.adding_tables && trigger != T::kInitialLoadDone && !failed)) {
    fail(kLoadsBeginAndEndAsDocumented);
  }
  // Adding tables keeps the point and clears nothing but the failure.
  if (acting && trigger == T::kAddTables &&
      !(b.adding_tables && !b.in_resync && b.resume_point_in_oplog == a.resume_point_in_oplog &&
        b.cause == cp::Cause::kNone)) {
    fail(kAddingTablesKeepsThePoint);
  }
  return ids;
}

// What lifecycles.md section 1 and the decisions say one trigger does to a
// pipe, written from the text rather than read from the rows: refused, or
// accepted and leading to `to` (into Failed, with `cause`). The catalogue
// compares the table's answer with this one in every reachable state, for
// every trigger: the same facts written twice, by different hands, so that
// a wrong, missing or misplaced row is a violation.
struct Answer {
  bool accepted = false;
  S to = S::kNone;
  cp::Cause cause = cp::Cause::kNone;
};

constexpr Answer kRefused{};
constexpr Answer Lead(S to, cp::Cause cause = cp::Cause::kNone) { return {true, to, cause}; }

bool HoldsCdc(const cp::Pipe& pipe) { return pipe.mode != cp::Mode::kSnapshot; }

// A step that (re)starts CDC checks the resume point first (D1, D11).
Answer StartCdc(const cp::Pipe& pipe) {
  return pipe.resume_point_in_oplog ? Lead(S::kRunning)
                                    : Lead(S::kFailed, cp::Cause::kResumePointLost);
}

// lifecycles.md 1.3 (current) and 1.4 (2024), with the refusals of 1.3.
Answer DocumentedOperation(bool old, const cp::Pipe& pipe, T trigger) {
  const S state = pipe.state;
  switch (trigger) {
    case T::kCreate:  // One create per pipe.
      return state == S::kNone ? Lead(S::kProvisioning) : kRefused;
    case T::kPause:  // Stop from Running (D5); idempotent in Paused (TF); no Pausing in 2024.
      if (state == S::kRunning) return Lead(old ? S::kPaused : S::kPausing);
      return state == S::kPaused ? Lead(S::kPaused) : kRefused;
    case T::kResume:  // CP-PR, D1; from Failed only a CDC retry of a recoverable failure (D2).
      if (state == S::kPaused) return StartCdc(pipe);
      if (state == S::kFailed && !old && HoldsCdc(pipe) && pipe.resume_point_in_oplog &&
          pipe.cause != cp::Cause::kIrrecoverableError) {
        return Lead(S::kRunning);
      }
      return kRefused;
    case T::kResync:  // Steady states only (D3); 2024 goes straight to Snapshot.
      if (old) return state == S::kRunning || state == S::kFailed ? Lead(S::kSnapshot) : kRefused;
      return state == S::kRunning || state == S::kPaused || state == S::kFailed ||
                     state == S::kCompleted
                 ? Lead(S::kSetup)
                 : kRefused;
    case T::kAddTables:  // Paused only (TF, CP-ADD); 2024: Running or Failed to Snapshot.
      if (old) return state == S::kRunning || state == S::kFailed ? Lead(S::kSnapshot) : kRefused;
      return state == S::kPaused ? Lead(S::kSetup) : kRefused;
    case T::kRemoveTables:  // Paused only (TF, CP-RM); 2024 has no Modifying.
      return !old && state == S::kPaused ? Lead(S::kModifying) : kRefused;
    case T::kEditSettings:  // Paused only (TF); the pipe stays Paused (D6).
      return !old && state == S::kPaused ? Lead(S::kPaused) : kRefused;
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

// lifecycles.md 1.3 and 1.4: where each piece of internal progress leads.
Answer DocumentedEvent(bool old, const cp::Pipe& pipe, T trigger) {
  const S state = pipe.state;
  switch (trigger) {
    case T::kProvisioned:
      return state == S::kProvisioning ? Lead(S::kSetup) : kRefused;
    case T::kTablesCreated:  // cdc_only skips the snapshot on create only (CP-LC, D3, CP-ADD).
      if (state != S::kSetup) return kRefused;
      if (old || pipe.mode != cp::Mode::kCdcOnly || pipe.in_resync || pipe.adding_tables) {
        return Lead(S::kSnapshot);
      }
      return StartCdc(pipe);
    case T::kInitialLoadDone:  // A resync swaps next (CP-RS); snapshot pipes complete.
      if (state != S::kSnapshot) return kRefused;
      if (old) return StartCdc(pipe);
      if (pipe.in_resync) return Lead(S::kResync);
      return pipe.mode == cp::Mode::kSnapshot ? Lead(S::kCompleted) : StartCdc(pipe);
    case T::kCdcStopped:
      return !old && state == S::kPausing ? Lead(S::kPaused) : kRefused;
    case T::kTablesRemoved:  // CDC resumes (CP-RM, D11).
      return !old && state == S::kModifying ? StartCdc(pipe) : kRefused;
    case T::kSwapDone:  // D4: a snapshot pipe's resync ends Completed.
      if (old || state != S::kResync) return kRefused;
      return pipe.mode == cp::Mode::kSnapshot ? Lead(S::kCompleted) : StartCdc(pipe);
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

// CP-LC and the decisions D1, D9-D12: which faults strike where, and what
// they change.
Answer DocumentedFault(const cp::Pipe& pipe, T trigger) {
  const S state = pipe.state;
  const bool work_in_flight =  // D9: compute runs the pipe's work.
      state == S::kProvisioning || state == S::kSetup || state == S::kSnapshot ||
      state == S::kRunning || state == S::kPausing || state == S::kModifying ||
      state == S::kResync;
  switch (trigger) {
    case T::kIrrecoverableError:  // Any state but Completed and Failed (CP-LC).
      if (state == S::kNone || state == S::kCompleted || state == S::kFailed ||
          state == S::kDegraded) {
        return kRefused;
      }
      return Lead(S::kFailed, cp::Cause::kIrrecoverableError);
    case T::kResumePointLost:  // Any state of a CDC pipe (D11); Running finds it (D1).
      if (state == S::kNone || state == S::kDegraded || !HoldsCdc(pipe)) return kRefused;
      if (state == S::kRunning) return Lead(S::kFailed, cp::Cause::kResumePointLost);
      return pipe.resume_point_in_oplog ? Lead(state, pipe.cause) : kRefused;
    case T::kComputeCrash:  // D9: the work restarts; no state changes.
      return work_in_flight ? Lead(state, pipe.cause) : kRefused;
    case T::kDestinationUnavailable:  // D10: loads, batches and the swap wait.
      return state == S::kSnapshot || state == S::kRunning || state == S::kResync
                 ? Lead(state, pipe.cause)
                 : kRefused;
    case T::kLag:  // D12: the pipe keeps Running.
      return state == S::kRunning ? Lead(state, pipe.cause) : kRefused;
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

Answer Documented(bool old, const cp::Pipe& pipe, T trigger) {
  switch (cp::KindOf(trigger)) {
    case model::TriggerKind::kOperation: return DocumentedOperation(old, pipe, trigger);
    case model::TriggerKind::kEvent: return DocumentedEvent(old, pipe, trigger);
    case model::TriggerKind::kFault: return DocumentedFault(pipe, trigger);
  }
  PIPECHECK_ASSERT(false);
}

// Whether the table answers `trigger` on `pipe` as `expected` says.
bool Answers(const cp::Table& table, const cp::Pipe& pipe, T trigger, const Answer& expected) {
  const cp::StepResult result = cp::Step(table, pipe, trigger);
  if (result.accepted != expected.accepted) return false;
  if (!result.accepted) return true;
  if (result.next.state != expected.to) return false;
  return expected.to != S::kFailed || result.next.cause == expected.cause;
}

// Whether every trigger of `kind` is answered on `pipe` as documented.
bool AnswersAsDocumented(const cp::Table& table, const cp::Pipe& pipe, model::TriggerKind kind) {
  const bool old = table.profile() == cp::Profile::k2024;
  for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
    const auto trigger = static_cast<T>(t);
    if (cp::KindOf(trigger) != kind) continue;
    if (!Answers(table, pipe, trigger, Documented(old, pipe, trigger))) return false;
  }
  return true;
}

// The rows of (pipe's state, trigger) that apply in the pipe's mode; with
// `enabled`, only those whose guard holds.
int RowsApplying(const cp::Table& table, const cp::Pipe& pipe, T trigger, bool enabled) {
  int count = 0;
  for (const std::uint8_t index : table.RowsOf(pipe.state, trigger)) {
    const cp::Row& row = table.rows()[index];
    if (!cp::Contains(row.modes, pipe.mode)) continue;
    if (enabled && !cp::Holds(row.guard, pipe)) continue;
    ++count;
  }
  return count;
}

bool OneRowDecides(const cp::Table& table, const cp::Pipe& pipe) {
  for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
    if (RowsApplying(table, pipe, static_cast<T>(t), true) > 1) return false;
  }
  return true;
}

bool GuardDecides(const cp::Table& table, const cp::Pipe& pipe) {
  for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
    if (RowsApplying(table, pipe, static_cast<T>(t), false) > 1) return true;
  }
  return false;
}

// The table's answers on one pipe that the catalogue asks in every state,
// one bit each (see ClickPipeSpace::TableFacts).
enum : std::uint8_t {
  kFactOperations = 1U << 0,  // Operations answer as documented.
  kFactEvents = 1U << 1,
  kFactFaults = 1U << 2,
  kFactOneRow = 1U << 3,  // One row decides each step.
  kFactGuard = 1U << 4,   // A guard decides some step.
  kFactKnown = 1U << 7,
};

}  // namespace

std::uint8_t ClickPipeSpace::TableFacts(const cp::Pipe& pipe) const {
  // The answers depend on the pipe alone, and a pipe packs into kPipeBits
  // bits: each is computed once per space.
  std::uint8_t& facts = facts_[PackPipe(pipe)];
  if (facts == 0) {
    facts = kFactKnown;
    if (AnswersAsDocumented(table_, pipe, model::TriggerKind::kOperation)) facts |= kFactOperations;
    if (AnswersAsDocumented(table_, pipe, model::TriggerKind::kEvent)) facts |= kFactEvents;
    if (AnswersAsDocumented(table_, pipe, model::TriggerKind::kFault)) facts |= kFactFaults;
    if (OneRowDecides(table_, pipe)) facts |= kFactOneRow;
    if (GuardDecides(table_, pipe)) facts |= kFactGuard;
  }
  return facts;
}

static_assert(cp::kStateCount <= 16, "a pipe's state packs into 4 bits");
static_assert(ClickPipeSpace::kMaxPipes * kPipeBits + 2 * kClickPipeFaultCount <= 128);

ClickPipeSpace::ClickPipeSpace(const cp::Table& table, ClickPipeBounds bounds)
    : table_(table), bounds_(std::move(bounds)), facts_(std::size_t{1} << kPipeBits, 0) {
  PIPECHECK_ASSERT(bounds_.pipes >= 1 && bounds_.pipes <= kMaxPipes);
  for (const std::uint8_t budget : bounds_.budget) PIPECHECK_ASSERT(budget <= 3);
  const cp::Profile profile = table_.profile();
  if (bounds_.modes.empty()) {
    bounds_.modes = {cp::Mode::kCdc};
    if (cp::HasModes(profile)) bounds_.modes = {cp::Mode::kCdc, cp::Mode::kCdcOnly, cp::Mode::kSnapshot};
  }
  for (std::size_t state = 0; state < cp::kStateCount; ++state) {
    for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
      const auto trigger = static_cast<T>(t);
      if (IsServiceWide(trigger) || table_.RowsOf(static_cast<S>(state), trigger).empty()) continue;
      triggers_[state].push_back(trigger);
    }
  }
  auto explored = [&](cp::Mode mode) {
    return std::find(bounds_.modes.begin(), bounds_.modes.end(), mode) != bounds_.modes.end();
  };
  const bool snapshot = explored(cp::Mode::kSnapshot) && cp::Declares(profile, S::kCompleted);
  const bool cdc_only = explored(cp::Mode::kCdcOnly);
  const bool resync = cp::Declares(profile, S::kResync);
  const bool cdc = explored(cp::Mode::kCdc) || cdc_only;
  auto budget = [&](ClickPipeFault fault) {
    return bounds_.budget[static_cast<std::size_t>(fault)] > 0;
  };
  const bool expiry = cdc && budget(ClickPipeFault::kExpiry);
  // Only the claims whose premise can occur with these bounds are listed, so
  // that no witness is missing merely because its mode was not explored or
  // its fault has no budget.
  auto applies = [&](std::size_t id) {
    switch (id) {
      case kOnlySnapshotComplete: case kSnapshotCompletes: case kCompletedLeftOnlyByResync:
        return snapshot;
      case kCdcOnlyNeverSnapshotsOnCreate: case kCdcOnlySnapshotsInResync:
        return cdc_only;
      case kResyncSwapIsAtomic: case kResyncSwaps:
        return resync;
      case kCauseExactlyWhenFailed: case kAPipeLeavesFailed:
        return budget(ClickPipeFault::kIrrecoverable);
      case kFaultsKeepTheStateOrFail: case kLagLeavesAPipeRunning:
        return cdc && budget(ClickPipeFault::kLag);
      case kFailsWithTheFaultItMet: case kFailsOnALostPoint:
      case kPointLostOnlyToTheOplog: case kPointDroppedWhileNotPulling:
      case kOnlyAResyncTakesAFreshPoint: case kResyncAfterAPointIsLost:
      case kAddingTablesKeepsThePoint: case kAddingTablesWithALostPoint:
        return expiry;
      case kNoLoadOutsideALoad: case kAddedTablesAreSnapshotted:
        return cdc;
      case kLoadsBeginAndEndAsDocumented: case kALoadGoesOnAfterACrash:
        return budget(ClickPipeFault::kCrash);
      case kSnapshotPipeNeverRunsCdc: case kASnapshotPipeIsResynced:
        return snapshot;
      case kStatesEnteredInOrder: case kAPipeLoadsAgain:
        return cdc;
      case kAResumedPipeRunsOrFails: case kAPausedPipeHasLostItsPoint:
        return expiry;
      default:
        return true;
    }
  };
  for (std::size_t id = 0; id < kFixedCount; ++id) {
    if (!applies(id)) continue;
    properties_.push_back(kFixed[id]);
    ids_.push_back(id);
  }
  for (const S state : cp::States(profile)) {
    if (cp::KindOf(state) == model::StateKind::kDeclaredOnly) continue;
    if (state == S::kCompleted && !snapshot) continue;
    reach_states_.push_back(state);
    reach_names_.push_back(fmt::format("reaches_{}", cp::ToString(state)));
  }
  for (std::size_t k = 0; k < reach_names_.size(); ++k) {
    properties_.push_back({reach_names_[k], Expectation::kSometimes, "lifecycles.md 1.1", ""});
    ids_.push_back(kFixedCount + k);
  }
  properties_.push_back(kLiveness);
  ids_.push_back(kFixedCount + reach_names_.size());
  PIPECHECK_ASSERT(properties_.size() <= 64);
  for (std::size_t index = 0; index < properties_.size(); ++index) {
    if (properties_[index].expectation == Expectation::kTransition) transition_properties_.push_back(index);
  }
}

std::span<const std::string_view> ClickPipeSpace::DocumentedCopyComparisons() {
  return kDocumentedCopy;
}

int ClickPipeSpace::FaultOf(T trigger) {
  switch (trigger) {
    case T::kComputeCrash: return static_cast<int>(ClickPipeFault::kCrash);
    case T::kResumePointLost: return static_cast<int>(ClickPipeFault::kExpiry);
    case T::kIrrecoverableError: return static_cast<int>(ClickPipeFault::kIrrecoverable);
    case T::kDestinationUnavailable: return static_cast<int>(ClickPipeFault::kOutage);
    case T::kLag: return static_cast<int>(ClickPipeFault::kLag);
    default: return -1;
  }
}

bool ClickPipeSpace::IsFair(Action action) {
  return cp::KindOf(TriggerOf(action)) == model::TriggerKind::kEvent;
}

void ClickPipeSpace::Pack(const State& state, std::uint64_t* words) const {
  // A 128-bit little bitstream: pipes first, then the budget spent.
  unsigned position = 0;
  auto put = [&](std::uint64_t value, unsigned width) {
    const unsigned offset = position % 64;
    words[position / 64] |= value << offset;
    if (offset + width > 64) words[position / 64 + 1] |= value >> (64 - offset);
    position += width;
  };
  words[0] = words[1] = 0;
  for (int p = 0; p < bounds_.pipes; ++p) put(PackPipe(state.pipes[static_cast<std::size_t>(p)]), kPipeBits);
  for (const std::uint8_t spent : state.spent) put(spent, 2);
}

ClickPipeSpace::State ClickPipeSpace::Unpack(const std::uint64_t* words) const {
  unsigned position = 0;
  auto get = [&](unsigned width) {
    const unsigned offset = position % 64;
    std::uint64_t value = words[position / 64] >> offset;
    if (offset + width > 64) value |= words[position / 64 + 1] << (64 - offset);
    position += width;
    return value & ((std::uint64_t{1} << width) - 1);
  };
  State state;
  for (int p = 0; p < bounds_.pipes; ++p) state.pipes[static_cast<std::size_t>(p)] = UnpackPipe(get(kPipeBits));
  for (std::uint8_t& spent : state.spent) spent = static_cast<std::uint8_t>(get(2));
  return state;
}

void ClickPipeSpace::Initial(std::vector<State>& out) const {
  // Every assignment of the explored modes to the pipes, all before create.
  const std::size_t modes = bounds_.modes.size();
  std::size_t combinations = 1;
  for (int p = 0; p < bounds_.pipes; ++p) combinations *= modes;
  for (std::size_t code = 0; code < combinations; ++code) {
    State state;
    std::size_t rest = code;
    for (int p = 0; p < bounds_.pipes; ++p) {
      state.pipes[static_cast<std::size_t>(p)].mode = bounds_.modes[rest % modes];
      rest /= modes;
    }
    out.push_back(state);
  }
}

bool ClickPipeSpace::HoldsIn(std::size_t index, const State& state) const {
  const std::size_t property = ids_[index];
  const auto pipes = std::span(state.pipes).first(static_cast<std::size_t>(bounds_.pipes));
  auto any = [&](auto predicate) {
    for (const cp::Pipe& pipe : pipes) {
      if (predicate(pipe)) return true;
    }
    return false;
  };
  switch (property) {
    case kOnlySnapshotComplete:
      return !any([](const cp::Pipe& p) { return p.state == S::kCompleted && p.mode != cp::Mode::kSnapshot; });
    case kSnapshotCompletes:
      return any([](const cp::Pipe& p) { return p.state == S::kCompleted; });
    case kCdcOnlySnapshotsInResync:
      return any([](const cp::Pipe& p) { return p.state == S::kSnapshot && p.mode == cp::Mode::kCdcOnly; });
    case kPipePauses:
      return any([](const cp::Pipe& p) { return p.state == S::kPaused; });
    case kPipeFails:
      return any([](const cp::Pipe& p) { return p.state == S::kFailed; });
    case kLostResumePointNeverRuns:
      return !any([](const cp::Pipe& p) { return p.state == S::kRunning && !p.resume_point_in_oplog; });
    case kResumePointLostOccurs:
      return any([](const cp::Pipe& p) { return !p.resume_point_in_oplog && p.mode != cp::Mode::kSnapshot; });
    case kResyncSwaps:
      return any([](const cp::Pipe& p) { return p.state == S::kResync; });
    case kOperationsAnswerAsDocumented:
      return !any([this](const cp::Pipe& p) {
        return (TableFacts(p) & kFactOperations) == 0;
      });
    case kTablesAreAdded:
      return any([](const cp::Pipe& p) { return p.adding_tables; });
    case kEventsFollowTheLifecycle:
      return !any([this](const cp::Pipe& p) {
        return (TableFacts(p) & kFactEvents) == 0;
      });
    case kAResyncLoadsNewTables:
      return any([](const cp::Pipe& p) { return p.state == S::kSnapshot && p.in_resync; });
    case kFaultsStrikeAsDocumented:
      return !any([this](const cp::Pipe& p) {
        return (TableFacts(p) & kFactFaults) == 0;
      });
    case kAnIrrecoverableErrorStrikes:
      return any([](const cp::Pipe& p) { return p.cause == cp::Cause::kIrrecoverableError; });
    case kOneRowDecidesEachStep:
      return !any([this](const cp::Pipe& p) { return (TableFacts(p) & kFactOneRow) == 0; });
    case kAGuardDecidesAStep:
      return any([this](const cp::Pipe& p) { return (TableFacts(p) & kFactGuard) != 0; });
    case kCauseExactlyWhenFailed:
      return !any([](const cp::Pipe& p) {
        return p.state != S::kNone && (p.state == S::kFailed) != (p.cause != cp::Cause::kNone);
      });
    case kAPipeLeavesFailed:
      return Spent(state, ClickPipeFault::kIrrecoverable) &&
             !any([](const cp::Pipe& p) { return p.state == S::kFailed; });
    case kFailsOnALostPoint:
      return any([](const cp::Pipe& p) {
        return p.state == S::kFailed && p.cause == cp::Cause::kResumePointLost;
      });
    case kLagLeavesAPipeRunning:
      return Spent(state, ClickPipeFault::kLag) &&
             any([](const cp::Pipe& p) { return p.state == S::kRunning; });
    case kPointDroppedWhileNotPulling:
      return any([](const cp::Pipe& p) {
        return !p.resume_point_in_oplog && p.state != S::kRunning && p.state != S::kFailed;
      });
    case kResyncAfterAPointIsLost:
      return Spent(state, ClickPipeFault::kExpiry) &&
             any([](const cp::Pipe& p) { return p.in_resync && p.resume_point_in_oplog; });
    case kNoLoadOutsideALoad:
      return !any([](const cp::Pipe& p) { return !LoadFlagsFit(p); });
    case kAddedTablesAreSnapshotted:
      return any([](const cp::Pipe& p) { return p.state == S::kSnapshot && p.adding_tables; });
    case kALoadGoesOnAfterACrash:
      return Spent(state, ClickPipeFault::kCrash) &&
             any([](const cp::Pipe& p) { return p.in_resync || p.adding_tables; });
    case kAddingTablesWithALostPoint:
      return any([](const cp::Pipe& p) { return p.adding_tables && !p.resume_point_in_oplog; });
    case kSnapshotPipeNeverRunsCdc:
      return !any([](const cp::Pipe& p) {
        return p.mode == cp::Mode::kSnapshot &&
               (!p.resume_point_in_oplog || p.state == S::kRunning || p.state == S::kPausing ||
                p.state == S::kPaused || p.state == S::kModifying);
      });
    case kASnapshotPipeIsResynced:
      return any([](const cp::Pipe& p) { return p.mode == cp::Mode::kSnapshot && p.in_resync; });
    case kAPipeLoadsAgain:
      return any([](const cp::Pipe& p) {
        return (p.state == S::kSetup || p.state == S::kSnapshot) &&
               (p.in_resync || p.adding_tables);
      });
    case kAPausedPipeHasLostItsPoint:
      return any(
          [](const cp::Pipe& p) { return p.state == S::kPaused && !p.resume_point_in_oplog; });
    default:
      break;
  }
  if (property >= kFixedCount && property < kFixedCount + reach_states_.size()) {
    const S wanted = reach_states_[property - kFixedCount];
    return any([wanted](const cp::Pipe& p) { return p.state == wanted; });
  }
  PIPECHECK_ASSERT(false);
}

bool ClickPipeSpace::HoldsOver(std::size_t index, const State& from, Action action,
                               const State& to) const {
  return ((ViolatedOver(from, action, to, ~std::uint64_t{0}) >> index) & 1U) == 0;
}

// The hot path of the search: both are one pass over the pipes whose state
// changed, not one pass per property.
std::uint64_t ClickPipeSpace::FoundIn(const State& state, std::uint64_t open) const {
  std::uint64_t found = 0;
  for (std::size_t index = 0; index < properties_.size(); ++index) {
    const Expectation expectation = properties_[index].expectation;
    if (expectation != Expectation::kAlways && expectation != Expectation::kSometimes) continue;
    if (((open >> index) & 1U) == 0) continue;
    if ((expectation == Expectation::kAlways) != HoldsIn(index, state)) found |= std::uint64_t{1} << index;
  }
  return found;
}

std::uint64_t ClickPipeSpace::ViolatedOver(const State& from, Action action, const State& to,
                                          std::uint64_t open) const {
  // One pass over the pipes that changed, judging every transition claim.
  const T trigger = TriggerOf(action);
  const bool event = cp::KindOf(trigger) == model::TriggerKind::kEvent;
  const bool old_profile = table_.profile() == cp::Profile::k2024;
  const bool has_resync = cp::Declares(table_.profile(), S::kResync);
  const T resync_end = has_resync ? T::kSwapDone : T::kInitialLoadDone;
  const int acting = PipeOf(action);
  std::uint64_t ids = 0;  // One bit per catalogue id violated.
  auto fail = [&ids](std::size_t id) { ids |= std::uint64_t{1} << id; };
  for (int p = 0; p < bounds_.pipes; ++p) {
    const cp::Pipe& a = from.pipes[static_cast<std::size_t>(p)];
    const cp::Pipe& b = to.pipes[static_cast<std::size_t>(p)];
    if (a == b && p != acting) continue;
    ids |= StepClaimsViolated(a, b, trigger, p == acting, old_profile, resync_end);
    if (a == b) continue;
    if (a.mode == cp::Mode::kCdcOnly && a.state == S::kSetup && b.state == S::kSnapshot &&
        !a.in_resync && !a.adding_tables) {
      fail(kCdcOnlyNeverSnapshotsOnCreate);
    }
    if (trigger == T::kPause && Changed(a, b) && a.state != S::kRunning) fail(kPauseOnlyFromRunning);
    if (a.state == S::kPaused && event) fail(kPausedPullsNothing);
    // Profile 2024 also leaves Failed by add_tables (lifecycles.md 1.4).
    if (a.state == S::kFailed && b.state != S::kFailed && trigger != T::kResync &&
        trigger != T::kResume && !(trigger == T::kAddTables && old_profile)) {
      fail(kFailedLeftOnlyByResyncOrResume);
    }
    if (has_resync && a.in_resync && (b.state == S::kRunning || b.state == S::kCompleted) &&
        a.state != S::kResync) {
      fail(kResyncSwapIsAtomic);
    }
    if (a.state == S::kCompleted && b.state != S::kCompleted && trigger != T::kResync) {
      fail(kCompletedLeftOnlyByResync);
    }
  }
  std::uint64_t violated = 0;
  for (const std::size_t index : transition_properties_) {
    if (((open >> index) & 1U) != 0 && ((ids >> ids_[index]) & 1U) != 0) {
      violated |= std::uint64_t{1} << index;
    }
  }
  return violated;
}

std::string ClickPipeSpace::Describe(Action action) const {
  const int pipe = PipeOf(action);
  if (pipe == kMaxPipes) return fmt::format("service: {}", cp::ToString(TriggerOf(action)));
  return fmt::format("pipe {}: {}", pipe, cp::ToString(TriggerOf(action)));
}

std::string ClickPipeSpace::Describe(const State& state) const {
  std::string out;
  for (int p = 0; p < bounds_.pipes; ++p) {
    const cp::Pipe& pipe = state.pipes[static_cast<std::size_t>(p)];
    out += fmt::format("{}pipe {} {} ({}{}{}{}{})", out.empty() ? "" : "; ", p, cp::ToString(pipe.state),
                       cp::ToString(pipe.mode), pipe.in_resync ? ", in resync" : "",
                       pipe.adding_tables ? ", adding tables" : "",
                       pipe.resume_point_in_oplog ? "" : ", resume point lost",
                       pipe.cause == cp::Cause::kNone ? "" : fmt::format(", cause {}", cp::ToString(pipe.cause)));
  }
  std::string spent;
  for (std::size_t f = 0; f < kClickPipeFaultCount; ++f) {
    if (state.spent[f] != 0) spent += fmt::format(" {}={}", kClickPipeFaultNames[f], state.spent[f]);
  }
  if (!spent.empty()) out += "; faults spent:" + spent;
  return out;
}

}  // namespace pipecheck::properties
