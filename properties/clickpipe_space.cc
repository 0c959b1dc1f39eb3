#include "properties/clickpipe_space.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "properties/catalogue.h"
#include "properties/clickpipe_monitors.h"

namespace pipecheck::properties {

namespace cp = model::clickpipe;
using S = cp::State;
using T = cp::Trigger;

namespace {

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
    case T::kAddTables:  // Paused only (TF, CP-ADD); 2024: Running to Snapshot only (D16).
      if (old) return state == S::kRunning ? Lead(S::kSnapshot) : kRefused;
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

// The catalogue, written once: each entry is the property, when the bounds
// list it, and its judgement. Always and sometimes properties are judged on
// a state (with the table's answers on its pipes, `facts`), transition
// properties on the step of each pipe that moved or acted, the eventually
// property by the liveness search (properties/liveness.h).
using State = ClickPipeSpace::State;
using Pipes = std::span<const cp::Pipe>;  // The explored pipes of a state.

// The table's answers (kFact* bits) that hold on every pipe of a state, and
// on some pipe.
struct Facts {
  std::uint8_t every = 0;
  std::uint8_t some = 0;
};

// What a step judgement knows besides the pipe's step: the profile and
// whether the trigger is an internal event.
struct StepContext {
  bool old_profile = false;  // Profile 2024.
  bool has_resync = false;   // The profile declares Resync.
  T resync_end = T::kSwapDone;  // The event that ends a resync's load.
  bool event = false;
};

// A state: its explored pipes, the state (for the faults spent) and the
// table's answers on its pipes.
using StateJudge = bool (*)(Pipes pipes, const State& state, Facts facts);
// One pipe's step from `from` to `to` by `trigger`; `acting`: the step is
// this pipe's own action, so the trigger was accepted for it even if nothing
// changed. Judged on every pipe that moved or acted.
using StepJudge = bool (*)(const cp::Pipe& from, const cp::Pipe& to, T trigger, bool acting,
                           const StepContext& context);

// What the bounds and the profile let occur. Only the claims whose premise
// can occur with the bounds are listed, so that no witness is missing merely
// because its mode was not explored or its fault has no budget.
struct Scope {
  cp::Profile profile = cp::Profile::kCurrent;
  bool snapshot = false;  // Snapshot pipes are explored (and the profile has Completed).
  bool cdc_only = false;  // cdc_only pipes are explored.
  bool cdc = false;       // Pipes that run CDC are explored.
  bool crash = false;     // The fault has a budget.
  bool irrecoverable = false;
  bool lag = false;
  bool expiry = false;
};
using Listed = bool (*)(const Scope&);

bool Everywhere(const Scope&) { return true; }
bool SnapshotPipes(const Scope& s) { return s.snapshot; }
bool CdcOnlyPipes(const Scope& s) { return s.cdc_only; }
bool CdcPipes(const Scope& s) { return s.cdc; }
bool Crashes(const Scope& s) { return s.crash; }
bool IrrecoverableErrors(const Scope& s) { return s.irrecoverable; }
bool LagInCdc(const Scope& s) { return s.cdc && s.lag; }
bool ExpiryInCdc(const Scope& s) { return s.cdc && s.expiry; }
template <S kState>
bool Declared(const Scope& s) {
  return cp::Declares(s.profile, kState);
}

struct Entry {
  Property property;
  Listed listed = Everywhere;
  StateJudge holds_in = nullptr;
  StepJudge holds_over = nullptr;
  bool documented_copy = false;  // Compares the table with the Documented* copy above.
  S reaches = S::kNone;          // The state a reaches_<State> witness looks for.
  // The judgement names a pipe (pipe 0, the pipe of a given mode ...)
  // rather than judging every pipe alike: listing it turns the symmetry
  // reduction off. Every entry below judges all pipes alike (Any, None, or
  // the step of each pipe that moved), so none sets it; the eventually
  // property's subject is tracked through the permutations rather than
  // named (properties/liveness.h).
  bool names_a_pipe = false;
};

constexpr Entry Always(std::string_view name, std::string_view source, Listed listed,
                       StateJudge judge) {
  return {{name, Expectation::kAlways, source, ""}, listed, judge, nullptr, false, S::kNone};
}
// An always property that compares the table with the Documented* copy.
constexpr Entry Documented(std::string_view name, std::string_view source, StateJudge judge) {
  return {{name, Expectation::kAlways, source, ""}, Everywhere, judge, nullptr, true, S::kNone};
}
constexpr Entry Sometimes(std::string_view name, std::string_view source, std::string_view premise_of,
                          Listed listed, StateJudge judge) {
  return {{name, Expectation::kSometimes, source, premise_of}, listed, judge, nullptr, false, S::kNone};
}
constexpr Entry Transition(std::string_view name, std::string_view source, Listed listed,
                           StepJudge judge) {
  return {{name, Expectation::kTransition, source, ""}, listed, nullptr, judge, false, S::kNone};
}
constexpr Entry Eventually(std::string_view name, std::string_view source, std::string_view premise_of) {
  return {{name, Expectation::kEventually, source, premise_of}, Everywhere, nullptr, nullptr, false,
          S::kNone};
}

template <class Predicate>
bool Any(Pipes pipes, Predicate predicate) {
  return std::any_of(pipes.begin(), pipes.end(), predicate);
}
template <class Predicate>
bool None(Pipes pipes, Predicate predicate) {
  return std::none_of(pipes.begin(), pipes.end(), predicate);
}

template <S kState>
bool SomePipeIs(Pipes pipes, const State&, Facts) {
  return Any(pipes, [](const cp::Pipe& p) { return p.state == kState; });
}
// The witness that some pipe reaches a lifecycle state the profile declares
// (lifecycles.md 1.1); listed with the profile's states, in their order.
template <S kState>
constexpr Entry Reaches(std::string_view name, Listed listed = Declared<kState>) {
  return {{name, Expectation::kSometimes, "lifecycles.md 1.1", ""}, listed, SomePipeIs<kState>, nullptr,
          false, kState};
}

constexpr Entry kCatalogue[] = {
    Always("only_snapshot_pipes_complete", "CP-LC", SnapshotPipes,
        [](Pipes pipes, const State&, Facts) {
          return None(pipes, [](const cp::Pipe& p) {
            return p.state == S::kCompleted && p.mode != cp::Mode::kSnapshot;
          });
        }),
    Sometimes("snapshot_pipe_completes", "CP-LC", "only_snapshot_pipes_complete", SnapshotPipes,
        SomePipeIs<S::kCompleted>),
    Transition("cdc_only_never_snapshots_on_create", "CP-LC", CdcOnlyPipes,
        [](const cp::Pipe& a, const cp::Pipe& b, T, bool, const StepContext&) {
          return !(a.mode == cp::Mode::kCdcOnly && a.state == S::kSetup && b.state == S::kSnapshot &&
                   !a.in_resync && !a.adding_tables);
        }),
    Sometimes("cdc_only_pipe_snapshots_in_a_resync", "CP-RS, D3", "cdc_only_never_snapshots_on_create",
        CdcOnlyPipes,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) {
            return p.state == S::kSnapshot && p.mode == cp::Mode::kCdcOnly;
          });
        }),
    Transition("pause_only_from_running", "CP-LC, D5", Everywhere,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool, const StepContext&) {
          return !(trigger == T::kPause && a.state != b.state && a.state != S::kRunning);
        }),
    Sometimes("a_pipe_pauses", "CP-LC", "pause_only_from_running", Everywhere, SomePipeIs<S::kPaused>),
    Transition("paused_pulls_nothing", "G1, CP-LC", Everywhere,
        [](const cp::Pipe& a, const cp::Pipe& b, T, bool, const StepContext& context) {
          return a == b || !(a.state == S::kPaused && context.event);
        }),
    // In both profiles (D16: 2024 refuses add_tables from Failed).
    Transition("failed_left_only_by_resync_or_resume", "CP-LC, OAS, D2, D16", Everywhere,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool, const StepContext&) {
          return !(a.state == S::kFailed && b.state != S::kFailed && trigger != T::kResync &&
                   trigger != T::kResume);
        }),
    Sometimes("a_pipe_fails", "CP-LC", "failed_left_only_by_resync_or_resume", Everywhere,
        SomePipeIs<S::kFailed>),
    Always("lost_resume_point_never_runs", "CP-FAQ, D1, D11", Everywhere,
        [](Pipes pipes, const State&, Facts) {
          return None(pipes, [](const cp::Pipe& p) {
            return p.state == S::kRunning && !p.resume_point_in_oplog;
          });
        }),
    Sometimes("resume_point_lost_occurs", "CP-FAQ, CP-SRC", "lost_resume_point_never_runs", Everywhere,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) {
            return !p.resume_point_in_oplog && p.mode != cp::Mode::kSnapshot;
          });
        }),
    Transition("resync_swap_is_atomic", "G2, CP-RS", Declared<S::kResync>,
        [](const cp::Pipe& a, const cp::Pipe& b, T, bool, const StepContext& context) {
          return a == b || !(context.has_resync && a.in_resync &&
                             (b.state == S::kRunning || b.state == S::kCompleted) && a.state != S::kResync);
        }),
    Sometimes("a_resync_swaps", "CP-RS", "resync_swap_is_atomic", Declared<S::kResync>,
        SomePipeIs<S::kResync>),
    Transition("completed_left_only_by_resync", "CP-LC, TF, D3", SnapshotPipes,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool, const StepContext&) {
          return !(a.state == S::kCompleted && b.state != S::kCompleted && trigger != T::kResync);
        }),
    // The whole vocabulary of lifecycles.md 1.2, answered in every reachable
    // state as the text says (see Documented* above). The mutation check
    // (properties/mutate.h) is what showed these were missing.
    Documented("user_operations_answer_as_documented",
        "TF, CP-LC, CP-PR, CP-RS, CP-ADD, CP-RM, CP-SC, CP-LC-OLD, D1, D2, D3, D5, D6",
        [](Pipes, const State&, Facts facts) { return (facts.every & kFactOperations) != 0; }),
    Sometimes("tables_are_added_to_a_pipe", "CP-ADD, CP-LC-OLD", "user_operations_answer_as_documented",
        Everywhere,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) { return p.adding_tables; });
        }),
    Documented("internal_events_follow_the_lifecycle",
        "CP-LC, CP-RS, CP-ADD, CP-RM, CP-LC-OLD, D1, D3, D4, D11",
        [](Pipes, const State&, Facts facts) { return (facts.every & kFactEvents) != 0; }),
    Sometimes("a_resync_loads_new_tables", "CP-RS", "internal_events_follow_the_lifecycle", Everywhere,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) { return p.state == S::kSnapshot && p.in_resync; });
        }),
    Documented("faults_strike_as_documented", "CP-LC, CP-FAQ, D1, D9, D10, D11, D12",
        [](Pipes, const State&, Facts facts) { return (facts.every & kFactFaults) != 0; }),
    Sometimes("an_irrecoverable_error_strikes", "CP-LC", "faults_strike_as_documented", Everywhere,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) { return p.cause == cp::Cause::kIrrecoverableError; });
        }),
    Always("one_row_decides_each_step", "model/clickpipe.h", Everywhere,
        [](Pipes, const State&, Facts facts) { return (facts.every & kFactOneRow) != 0; }),
    Sometimes("a_guard_decides_a_step", "model/clickpipe.h", "one_row_decides_each_step", Everywhere,
        [](Pipes, const State&, Facts facts) { return (facts.some & kFactGuard) != 0; }),
    // What a step does to the pipe besides its state: the failure cause, the
    // resume point, the load in progress. Each is a claim of the documents
    // about every step, judged on the pipes the explorer reaches; none reads
    // the table. The mutation check's effect mutants are what showed they
    // were missing.
    //
    // The API names why a pipe is Failed (CP-FAQ's error text for a lost
    // point), and a pipe that left Failed by resync reports no failure.
    Always("a_pipe_reports_a_cause_exactly_when_failed", "CP-LC, CP-FAQ, D1, D2, D3", IrrecoverableErrors,
        [](Pipes pipes, const State&, Facts) {
          return None(pipes, [](const cp::Pipe& p) {
            return p.state != S::kNone && (p.state == S::kFailed) != (p.cause != cp::Cause::kNone);
          });
        }),
    // The irrecoverable error was injected and no pipe is Failed: the pipe it
    // failed has left Failed.
    Sometimes("a_pipe_leaves_failed", "CP-LC, CP-RS, D3", "a_pipe_reports_a_cause_exactly_when_failed",
        IrrecoverableErrors,
        [](Pipes pipes, const State& state, Facts) {
          return Spent(state, ClickPipeFault::kIrrecoverable) &&
                 None(pipes, [](const cp::Pipe& p) { return p.state == S::kFailed; });
        }),
    // Entering Failed, the cause is the irrecoverable error when that struck,
    // else the lost resume point that a pull, a load's end or a resume found
    // (D1, D11); a Failed pipe keeps its cause while it stays Failed.
    Transition("a_pipe_fails_with_the_fault_it_met", "CP-LC, CP-FAQ, D1, D11", ExpiryInCdc,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool, const StepContext&) {
          if (b.state != S::kFailed) return true;
          const cp::Cause expected = a.state == S::kFailed                ? a.cause
                                     : trigger == T::kIrrecoverableError ? cp::Cause::kIrrecoverableError
                                                                         : cp::Cause::kResumePointLost;
          return b.cause == expected;
        }),
    Sometimes("a_pipe_fails_on_a_lost_resume_point", "CP-FAQ, D1, D11", "a_pipe_fails_with_the_fault_it_met",
        ExpiryInCdc,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) {
            return p.state == S::kFailed && p.cause == cp::Cause::kResumePointLost;
          });
        }),
    // compute_crash, destination_unavailable and lag change no state (D9, D10,
    // D12); resume_point_lost changes none outside Running (D11) and fails a
    // Running pipe (D1); irrecoverable_error always fails the pipe (CP-LC).
    Transition("faults_keep_the_state_or_fail_the_pipe", "CP-LC, D1, D9, D10, D11, D12", LagInCdc,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool acting, const StepContext&) {
          switch (trigger) {
            case T::kComputeCrash:
            case T::kDestinationUnavailable:
            case T::kLag:
              return b.state == a.state;
            case T::kResumePointLost:
              return b.state == a.state || (a.state == S::kRunning && b.state == S::kFailed);
            case T::kIrrecoverableError:
              return !acting || b.state == S::kFailed;
            default:
              return true;
          }
        }),
    // Some pipe is Running after the lag fault struck (lag strikes only in
    // Running).
    Sometimes("lag_leaves_a_pipe_running", "CP-SC, D12", "faults_keep_the_state_or_fail_the_pipe", LagInCdc,
        [](Pipes pipes, const State& state, Facts) {
          return Spent(state, ClickPipeFault::kLag) &&
                 Any(pipes, [](const cp::Pipe& p) { return p.state == S::kRunning; });
        }),
    // A pipe loses its resume point exactly when the oplog drops it: the
    // fault resume_point_lost leaves it without one, and nothing else does.
    Transition("the_resume_point_is_lost_only_to_the_oplog", "CP-FAQ, CP-SRC, D1, D11", ExpiryInCdc,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool acting, const StepContext&) {
          if (acting && trigger == T::kResumePointLost && b.resume_point_in_oplog) return false;
          return !(a.resume_point_in_oplog && !b.resume_point_in_oplog) || trigger == T::kResumePointLost;
        }),
    // A pipe outside Running and Failed has lost its point: the oplog dropped
    // it while CDC was not pulling (D11's self-loops).
    Sometimes("the_oplog_drops_a_point_while_cdc_is_not_pulling", "CP-SRC, D11",
        "the_resume_point_is_lost_only_to_the_oplog", ExpiryInCdc,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) {
            return !p.resume_point_in_oplog && p.state != S::kRunning && p.state != S::kFailed;
          });
        }),
    // A resync starts a new load into `_resync` tables with a fresh resume
    // point (CP-RS: a new pipe is started; D11) and clears the failure; only
    // a resync brings back a point the oplog dropped (D1).
    Transition("only_a_resync_takes_a_fresh_resume_point", "CP-RS, D1, D3, D11", ExpiryInCdc,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool acting, const StepContext&) {
          if (!a.resume_point_in_oplog && b.resume_point_in_oplog && trigger != T::kResync) return false;
          return !(acting && trigger == T::kResync) ||
                 (b.resume_point_in_oplog && b.in_resync && !b.adding_tables && b.cause == cp::Cause::kNone);
        }),
    // Some pipe is in a resync, holding its point, after the oplog dropped a
    // resume point (with one pipe: its own).
    Sometimes("a_pipe_resyncs_after_a_resume_point_is_lost", "CP-RS, D1, D11",
        "only_a_resync_takes_a_fresh_resume_point", ExpiryInCdc,
        [](Pipes pipes, const State& state, Facts) {
          return Spent(state, ClickPipeFault::kExpiry) &&
                 Any(pipes, [](const cp::Pipe& p) { return p.in_resync && p.resume_point_in_oplog; });
        }),
    // A resync loads in Setup, Snapshot and Resync; added tables load in
    // Setup and Snapshot (CP-RS, CP-ADD). A pipe that runs, pauses, is
    // modified, completes or fails has no load in progress.
    Always("no_load_in_progress_outside_a_load", "CP-LC, CP-RS, CP-ADD", CdcPipes,
        [](Pipes pipes, const State&, Facts) {
          return None(pipes, [](const cp::Pipe& p) { return !LoadFlagsFit(p); });
        }),
    Sometimes("added_tables_are_snapshotted", "CP-ADD", "no_load_in_progress_outside_a_load", CdcPipes,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) { return p.state == S::kSnapshot && p.adding_tables; });
        }),
    // A resync begins only with the user's resync, added tables only with
    // add_tables; a load ends only with its last event (the swap, or in 2024
    // the end of the load; the end of the added tables' snapshot) or when the
    // pipe fails. Crashes, outages and lost points do not end it.
    Transition("loads_begin_with_their_operation_and_end_when_done_or_failed",
        "CP-RS, CP-ADD, CP-LC, CP-LC-OLD, D3, D9, D10", Crashes,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool, const StepContext& context) {
          const bool failed = b.state == S::kFailed;
          return !((!a.in_resync && b.in_resync && trigger != T::kResync) ||
                   (!a.adding_tables && b.adding_tables && trigger != T::kAddTables) ||
                   (a.in_resync && !b.in_resync && trigger != context.resync_end && !failed) ||
                   (a.adding_tables && !b.adding_tables && trigger != T::kInitialLoadDone && !failed));
        }),
    // Some pipe is loading (a resync or added tables) after a compute crash.
    Sometimes("a_load_goes_on_after_a_compute_crash", "CP-LC, D9",
        "loads_begin_with_their_operation_and_end_when_done_or_failed", Crashes,
        [](Pipes pipes, const State& state, Facts) {
          return Spent(state, ClickPipeFault::kCrash) &&
                 Any(pipes, [](const cp::Pipe& p) { return p.in_resync || p.adding_tables; });
        }),
    // Adding tables keeps the existing resume point: CDC on the existing
    // tables resumes after the new tables' snapshot (CP-ADD, D11); of the
    // rest it clears only the failure.
    Transition("adding_tables_keeps_the_resume_point", "CP-ADD, D11", ExpiryInCdc,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool acting, const StepContext&) {
          return !(acting && trigger == T::kAddTables) ||
                 (b.adding_tables && !b.in_resync && b.resume_point_in_oplog == a.resume_point_in_oplog &&
                  b.cause == cp::Cause::kNone);
        }),
    Sometimes("a_pipe_adding_tables_has_lost_its_resume_point", "CP-ADD, D1, D11",
        "adding_tables_keeps_the_resume_point", ExpiryInCdc,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) { return p.adding_tables && !p.resume_point_in_oplog; });
        }),
    // A snapshot pipe has no CDC: its loads end Completed (lifecycles.md
    // 1.1, D4), so it never runs, pauses or is modified, and it holds no
    // resume point for the oplog to drop (D11).
    Always("a_snapshot_pipe_never_runs_cdc", "CP-LC, D4, D11", SnapshotPipes,
        [](Pipes pipes, const State&, Facts) {
          return None(pipes, [](const cp::Pipe& p) {
            return p.mode == cp::Mode::kSnapshot &&
                   (!p.resume_point_in_oplog || p.state == S::kRunning || p.state == S::kPausing ||
                    p.state == S::kPaused || p.state == S::kModifying);
          });
        }),
    Sometimes("a_snapshot_pipe_is_resynced", "CP-RS, D3, D4", "a_snapshot_pipe_never_runs_cdc", SnapshotPipes,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) { return p.mode == cp::Mode::kSnapshot && p.in_resync; });
        }),
    // The order of the lifecycle, told by how each state is entered: only a
    // create provisions; Setup follows provisioning or (current) the user's
    // resync or add_tables; the initial load follows Setup (2024: also the
    // user's resync or add_tables); the swap follows the load of a resync;
    // Pausing and Modifying follow the user's pause and remove_tables; a pipe
    // is Paused when its CDC stopped (2024: at once on pause).
    Transition("states_are_entered_only_as_the_lifecycle_leads", "CP-LC, CP-LC-OLD, CP-RS, CP-ADD, CP-RM, D3",
        CdcPipes,
        [](const cp::Pipe& a, const cp::Pipe& b, T trigger, bool, const StepContext& context) {
          if (a.state == b.state) return true;
          return Enters(context.old_profile, b.state, trigger) && (b.state != S::kResync || a.in_resync);
        }),
    // Some pipe loads again, for a resync or added tables.
    Sometimes("a_pipe_loads_again_for_the_user", "CP-RS, CP-ADD, CP-LC-OLD",
        "states_are_entered_only_as_the_lifecycle_leads", CdcPipes,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) {
            return (p.state == S::kSetup || p.state == S::kSnapshot) && (p.in_resync || p.adding_tables);
          });
        }),
    // An accepted resume runs the pipe, or fails it when its resume point is
    // gone (CP-PR, D1, D2).
    Transition("a_resumed_pipe_runs_or_fails", "CP-PR, CP-FAQ, D1, D2", ExpiryInCdc,
        [](const cp::Pipe&, const cp::Pipe& b, T trigger, bool acting, const StepContext&) {
          return !(acting && trigger == T::kResume && b.state != S::kRunning && b.state != S::kFailed);
        }),
    Sometimes("a_paused_pipe_has_lost_its_resume_point", "CP-FAQ, D1, D11", "a_resumed_pipe_runs_or_fails",
        ExpiryInCdc,
        [](Pipes pipes, const State&, Facts) {
          return Any(pipes, [](const cp::Pipe& p) {
            return p.state == S::kPaused && !p.resume_point_in_oplog;
          });
        }),
    // The reaches_<State> witnesses, in the order of the profile's states
    // (the declared-only Degraded has none); Completed only when snapshot
    // pipes are explored (otherwise it is out of bounds rather than
    // unreachable).
    Reaches<S::kProvisioning>("reaches_Provisioning"),
    Reaches<S::kSetup>("reaches_Setup"),
    Reaches<S::kSnapshot>("reaches_Snapshot"),
    Reaches<S::kRunning>("reaches_Running"),
    Reaches<S::kPausing>("reaches_Pausing"),
    Reaches<S::kPaused>("reaches_Paused"),
    Reaches<S::kModifying>("reaches_Modifying"),
    Reaches<S::kResync>("reaches_Resync"),
    Reaches<S::kCompleted>("reaches_Completed", SnapshotPipes),
    Reaches<S::kFailed>("reaches_Failed"),
    Eventually("transient_states_are_left", "CP-LC (transient states), D9", ""),
};

constexpr std::size_t kEntryCount = std::size(kCatalogue);
static_assert(kEntryCount <= 64, "a property is one bit of a 64-bit set");

// Each reaches_<State> witness is named after the state it looks for.
static_assert(std::all_of(std::begin(kCatalogue), std::end(kCatalogue), [](const Entry& entry) {
  if (entry.reaches == S::kNone) return true;
  const std::string_view prefix = "reaches_";
  return entry.property.name.substr(0, prefix.size()) == prefix &&
         entry.property.name.substr(prefix.size()) ==
             cp::kStateNames[static_cast<std::size_t>(entry.reaches)];
}));

// The comparisons with the Documented* copy (see the header).
constexpr auto kDocumentedCopy =
    NamesWhere<kCatalogue, [](const Entry& entry) { return entry.documented_copy; }>();

}  // namespace

std::uint8_t ClickPipeSpace::TableFacts(const cp::Pipe& pipe) const {
  // The answers depend on the pipe alone, and a pipe packs into kPipeBits
  // bits: each is computed once per space. The explorer's workers share
  // the cache: a byte is written whole (atomically), and every writer writes
  // the same value.
  std::atomic_ref<std::uint8_t> facts(facts_[PackPipe(pipe)]);
  std::uint8_t known = facts.load(std::memory_order_relaxed);
  if (known == 0) {
    known = TableFactsOf<&AnswersAsDocumented, &OneRowDecides, &GuardDecides>(table_, pipe);
    facts.store(known, std::memory_order_relaxed);
  }
  return known;
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
      if (FaultOf(trigger) < 0) fault_free_triggers_[state].push_back(trigger);
    }
  }
  auto explored = [&](cp::Mode mode) {
    return std::find(bounds_.modes.begin(), bounds_.modes.end(), mode) != bounds_.modes.end();
  };
  auto budget = [&](ClickPipeFault fault) {
    return bounds_.budget[static_cast<std::size_t>(fault)] > 0;
  };
  Scope scope;
  scope.profile = profile;
  scope.snapshot = explored(cp::Mode::kSnapshot) && cp::Declares(profile, S::kCompleted);
  scope.cdc_only = explored(cp::Mode::kCdcOnly);
  scope.cdc = explored(cp::Mode::kCdc) || scope.cdc_only;
  scope.crash = budget(ClickPipeFault::kCrash);
  scope.irrecoverable = budget(ClickPipeFault::kIrrecoverable);
  scope.lag = budget(ClickPipeFault::kLag);
  scope.expiry = budget(ClickPipeFault::kExpiry);
  std::vector<S> reached;  // The states of the listed reaches_<State> witnesses.
  bool symmetric = true;   // Every listed property judges all pipes alike.
  for (std::size_t id = 0; id < kEntryCount; ++id) {
    const Entry& entry = kCatalogue[id];
    if (!entry.listed(scope)) continue;
    symmetric &= !entry.names_a_pipe;
    const std::size_t index = properties_.size();
    properties_.push_back(entry.property);
    entries_.push_back(id);
    if (entry.holds_in != nullptr) state_properties_.push_back(index);
    if (entry.holds_over != nullptr) transition_properties_.push_back(index);
    if (entry.reaches != S::kNone) reached.push_back(entry.reaches);
  }
  // Every lifecycle state a search with these bounds should reach has its
  // witness, in the profile's order.
  std::vector<S> expected;
  for (const S state : cp::States(profile)) {
    if (cp::KindOf(state) == model::StateKind::kDeclaredOnly) continue;
    if (state == S::kCompleted && !scope.snapshot) continue;
    expected.push_back(state);
  }
  PIPECHECK_ASSERT(reached == expected);
  reduced_ = bounds_.symmetry && symmetric;
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
  std::array<std::uint64_t, kMaxPipes> records{};
  const auto pipes = static_cast<std::size_t>(bounds_.pipes);
  for (std::size_t p = 0; p < pipes; ++p) records[p] = PackPipe(state.pipes[p]);
  if (reduced_) std::sort(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(pipes));
  for (std::size_t p = 0; p < pipes; ++p) put(records[p], kPipeBits);
  for (const std::uint8_t spent : state.spent) put(spent, 2);
}

Action ClickPipeSpace::ConcreteAction(const State& state, Action stored) const {
  const int pipe = PipeOf(stored);
  if (!reduced_ || pipe == kMaxPipes) return stored;
  // The canonical order of `state`'s pipes: by packed record, ties by index
  // (tied pipes are equal, so either stands for the other).
  std::array<std::uint8_t, kMaxPipes> order{};
  const auto pipes = static_cast<std::size_t>(bounds_.pipes);
  for (std::size_t p = 0; p < pipes; ++p) order[p] = static_cast<std::uint8_t>(p);
  std::stable_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(pipes),
                   [&](std::uint8_t a, std::uint8_t b) {
                     return PackPipe(state.pipes[a]) < PackPipe(state.pipes[b]);
                   });
  return ActionOf(order[static_cast<std::size_t>(pipe)], TriggerOf(stored));
}

int ClickPipeSpace::CanonicalPosition(const State& state, int pipe) const {
  const std::uint64_t mine = PackPipe(state.pipes[static_cast<std::size_t>(pipe)]);
  int below = 0;
  for (int p = 0; p < bounds_.pipes; ++p) {
    if (PackPipe(state.pipes[static_cast<std::size_t>(p)]) < mine) ++below;
  }
  return below;
}

ClickPipeSpace ClickPipeSpace::Unreduced() const {
  ClickPipeBounds bounds = bounds_;
  bounds.symmetry = false;
  return ClickPipeSpace(table_, bounds);
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


// The judgements of the catalogue, on the explored pipes. The hot path of
// the search is FoundIn and ViolatedOver: the table's answers are looked up
// once per state, and a step is judged only on the pipes it moved or that
// acted.
namespace {

Pipes Explored(const State& state, int pipes) {
  return std::span(state.pipes).first(static_cast<std::size_t>(pipes));
}

StepContext ContextOf(const cp::Table& table, T trigger) {
  StepContext context;
  context.old_profile = table.profile() == cp::Profile::k2024;
  context.has_resync = cp::Declares(table.profile(), S::kResync);
  context.resync_end = context.has_resync ? T::kSwapDone : T::kInitialLoadDone;
  context.event = cp::KindOf(trigger) == model::TriggerKind::kEvent;
  return context;
}

// The table's answers on the pipes, one lookup per pipe (`answers`: the
// space's TableFacts).
template <class Answers>
Facts FactsOf(Pipes pipes, Answers&& answers) {
  Facts facts{0xFF, 0};
  for (const cp::Pipe& pipe : pipes) {
    const std::uint8_t bits = answers(pipe);
    facts.every &= bits;
    facts.some |= bits;
  }
  return facts;
}

}  // namespace

bool ClickPipeSpace::HoldsIn(std::size_t index, const State& state) const {
  const Entry& entry = kCatalogue[entries_[index]];
  PIPECHECK_ASSERT(entry.holds_in != nullptr);
  const Pipes pipes = Explored(state, bounds_.pipes);
  return entry.holds_in(pipes, state, FactsOf(pipes, [this](const cp::Pipe& p) { return TableFacts(p); }));
}

bool ClickPipeSpace::HoldsOver(std::size_t index, const State& from, Action action,
                               const State& to) const {
  const Entry& entry = kCatalogue[entries_[index]];
  PIPECHECK_ASSERT(entry.holds_over != nullptr);
  const T trigger = TriggerOf(action);
  const StepContext context = ContextOf(table_, trigger);
  const int acting = PipeOf(action);
  for (int p = 0; p < bounds_.pipes; ++p) {
    const cp::Pipe& a = from.pipes[static_cast<std::size_t>(p)];
    const cp::Pipe& b = to.pipes[static_cast<std::size_t>(p)];
    if (a == b && p != acting) continue;
    if (!entry.holds_over(a, b, trigger, p == acting, context)) return false;
  }
  return true;
}

std::uint64_t ClickPipeSpace::FoundIn(const State& state, std::uint64_t open) const {
  const Pipes pipes = Explored(state, bounds_.pipes);
  const Facts facts = FactsOf(pipes, [this](const cp::Pipe& p) { return TableFacts(p); });
  std::uint64_t found = 0;
  for (const std::size_t index : state_properties_) {
    if (((open >> index) & 1U) == 0) continue;
    const Entry& entry = kCatalogue[entries_[index]];
    const bool always = entry.property.expectation == Expectation::kAlways;
    if (always != entry.holds_in(pipes, state, facts)) found |= std::uint64_t{1} << index;
  }
  return found;
}

std::uint64_t ClickPipeSpace::ViolatedOver(const State& from, Action action, const State& to,
                                           std::uint64_t open) const {
  const T trigger = TriggerOf(action);
  const StepContext context = ContextOf(table_, trigger);
  const int acting = PipeOf(action);
  std::uint64_t violated = 0;
  for (int p = 0; p < bounds_.pipes; ++p) {
    const cp::Pipe& a = from.pipes[static_cast<std::size_t>(p)];
    const cp::Pipe& b = to.pipes[static_cast<std::size_t>(p)];
    if (a == b && p != acting) continue;
    for (const std::size_t index : transition_properties_) {
      const std::uint64_t bit = std::uint64_t{1} << index;
      if ((open & bit) == 0 || (violated & bit) != 0) continue;
      if (!kCatalogue[entries_[index]].holds_over(a, b, trigger, p == acting, context)) violated |= bit;
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

std::string ClickPipeSpace::Profile() const { return std::string(cp::ToString(table_.profile())); }

std::map<std::string, int> ClickPipeSpace::BoundsMap() const {
  std::map<std::string, int> out;
  out["pipes"] = bounds_.pipes;
  for (std::size_t f = 0; f < kClickPipeFaultCount; ++f) {
    out[std::string(kClickPipeFaultNames[f])] = bounds_.budget[f];
  }
  return out;
}

std::vector<std::string> ClickPipeSpace::DeclaredStates() const {
  const bool snapshot =
      std::find(bounds_.modes.begin(), bounds_.modes.end(), cp::Mode::kSnapshot) != bounds_.modes.end();
  std::vector<std::string> out;
  for (const S state : cp::States(table_.profile())) {
    if (state == S::kCompleted && !snapshot) continue;
    out.emplace_back(cp::ToString(state));
  }
  return out;
}

void ClickPipeSpace::LifecycleStates(const State& state, std::vector<std::string>& seen) const {
  for (int p = 0; p < bounds_.pipes; ++p) {
    const S s = state.pipes[static_cast<std::size_t>(p)].state;
    if (s == S::kNone) continue;
    const std::string name(cp::ToString(s));
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
  }
}

std::string ClickPipeSpace::Explain(const State& state, Action action) const {
  std::string out;
  const int pipe = PipeOf(action);
  const T trigger = TriggerOf(action);
  for (int p = 0; p < bounds_.pipes; ++p) {
    if (pipe != kMaxPipes && p != pipe) continue;
    const cp::StepResult result = cp::Step(table_, state.pipes[static_cast<std::size_t>(p)], trigger);
    if (!result.accepted) continue;
    const cp::Row& row = table_.rows()[result.row];
    // The decision's separator is an argument of its own: `" " + std::string(...)`
    // here drew a false -Wrestrict from GCC 12 at -O3 (the Release build).
    out += fmt::format("{}pipe {}: row {} {} --{}--> {} [{}, {}{}{}]", out.empty() ? "" : "; ", p,
                       result.row, cp::ToString(row.from), cp::ToString(row.trigger),
                       cp::ToString(row.to), row.evidence.source, ToString(row.evidence.status()),
                       row.evidence.decision.empty() ? "" : " ", row.evidence.decision);
  }
  return out;
}

std::vector<std::string> ClickPipeSpace::RowDescriptions() const {
  std::vector<std::string> out;
  for (const cp::Row& row : table_.rows()) {
    out.push_back(fmt::format("{} --{}--> {}", cp::ToString(row.from), cp::ToString(row.trigger),
                              cp::ToString(row.to)));
  }
  return out;
}

int ClickPipeSpace::TransientKey(const State& state, int subject) const {
  const S s = state.pipes[static_cast<std::size_t>(subject)].state;
  if (s == S::kNone || cp::KindOf(s) != model::StateKind::kTransient) return -1;
  return static_cast<int>(s);
}

Realized ClickPipeSpace::Realize(const State& initial, const std::vector<Action>& path,
                                 const std::string& property) const {
  // The pipe the trace ends on becomes pipe 0 of the scenario (expectations
  // speak of pipe 0); the other pipes follow in order of first use.
  int last = -1;
  std::vector<int> used;
  for (const Action action : path) {
    const int pipe = PipeOf(action);
    if (pipe == kMaxPipes) continue;
    last = pipe;
    if (std::find(used.begin(), used.end(), pipe) == used.end()) used.push_back(pipe);
  }
  Realized out;
  if (last < 0) {
    out.why = "the trace acts on no pipe";
    return out;
  }
  std::vector<int> order = {last};
  for (const int pipe : used) {
    if (pipe != last) order.push_back(pipe);
  }
  auto map = [&](int pipe) {
    return static_cast<int>(std::find(order.begin(), order.end(), pipe) - order.begin());
  };
  const cp::Mode mode = initial.pipes[static_cast<std::size_t>(last)].mode;
  for (const int pipe : order) {
    if (initial.pipes[static_cast<std::size_t>(pipe)].mode != mode) {
      out.why = "the trace's pipes have different modes, which one scenario config cannot express";
      return out;
    }
  }
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kClickPipe;
  scenario.profile = table_.profile();
  scenario.seed = 1;
  scenario.name = fmt::format("counterexample-{}", property);
  scenario.config.mode = mode;
  scenario.config.pipes = static_cast<int>(order.size());
  scenario.config.collections = 1;
  scenario.config.documents = 20;
  scenario.config.writes_per_hour = 3600;
  scenario.config.writes_until = 0;  // A quiet source: only the lifecycle matters here.

  std::vector<WorldAction> actions;
  std::vector<std::string> visits;
  State state = initial;
  for (const Action action : path) {
    const int pipe = PipeOf(action);
    const T trigger = TriggerOf(action);
    const bool service = pipe == kMaxPipes;
    actions.push_back({std::string(cp::ToString(trigger)), cp::KindOf(trigger),
                       service ? 0 : map(pipe), service, std::nullopt});
    Successors(state, [&, done = false](Action a, const State& next, const RowMask&) mutable {
      if (a != action || done) return;
      done = true;
      const S before = state.pipes[static_cast<std::size_t>(last)].state;
      const S after = next.pipes[static_cast<std::size_t>(last)].state;
      if (after != before && after != S::kNone) visits.emplace_back(cp::ToString(after));
      state = next;
    });
  }
  return RealizeAlong<ClickPipeMonitors>(std::move(scenario), {&table_, nullptr}, actions, visits, property);
}

std::string ClickPipeSpace::Title() const {
  std::string modes;
  for (const cp::Mode mode : bounds_.modes) {
    modes += (modes.empty() ? "" : ", ") + std::string(cp::ToString(mode));
  }
  std::string budgets;
  for (std::size_t f = 0; f < kClickPipeFaultCount; ++f) {
    budgets += fmt::format("{}{}={}", budgets.empty() ? "" : " ", kClickPipeFaultNames[f], bounds_.budget[f]);
  }
  return fmt::format("ClickPipe profile {}, {} pipe{} (modes {}), fault budgets {}",
                     cp::ToString(table_.profile()), bounds_.pipes, bounds_.pipes == 1 ? "" : "s", modes,
                     budgets);
}

std::string ClickPipeSpace::QuotientKey(const State& state) const {
  return std::string(cp::ToString(state.pipes[0].state));
}

std::string ClickPipeSpace::StateKind(const State& state) const {
  const S s = state.pipes[0].state;
  return s == S::kNone ? std::string("start") : std::string(model::ToString(cp::KindOf(s)));
}

std::string ClickPipeSpace::ActionLine(Action action) const {
  const int pipe = PipeOf(action);
  const std::string trigger(cp::ToString(TriggerOf(action)));
  if (pipe == kMaxPipes) return "service: " + trigger;
  if (pipe != 0) return "other pipes' steps";
  return trigger;
}

std::string ClickPipeSpace::ActionKind(Action action) const {
  return std::string(model::ToString(cp::KindOf(TriggerOf(action))));
}

std::pair<std::string, std::string> ClickPipeSpace::RowKeys(std::size_t row) const {
  const cp::Row& r = table_.rows()[row];
  return {std::string(cp::ToString(r.from)), std::string(cp::ToString(r.to))};
}

bool ClickPipeSpace::ServiceWide(std::string_view trigger) {
  const auto parsed = cp::ParseTrigger(trigger);
  PIPECHECK_ASSERT(parsed.has_value());
  return IsServiceWide(*parsed);
}

bool ClickPipeSpace::Takes(Action action, std::string_view trigger, int pipe, bool service_wide) {
  if (cp::ToString(TriggerOf(action)) != trigger) return false;
  const int acting = PipeOf(action);
  if (service_wide != (acting == kMaxPipes)) return false;
  return service_wide || acting == pipe;
}

}  // namespace pipecheck::properties
