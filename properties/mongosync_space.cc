#include "properties/mongosync_space.h"

#include <algorithm>
#include <atomic>
#include <array>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "properties/catalogue.h"
#include "properties/mongosync_monitors.h"

namespace pipecheck::properties {

namespace ms = model::mongosync;
using S = ms::State;
using T = ms::Trigger;

namespace {



// What lifecycles.md section 2.2 and the decisions say one trigger does to
// the sync, written from the text rather than read from the rows: refused,
// or accepted and leading to (`to`, `process`). The catalogue compares the
// table's answer with this one in every reachable state, for every trigger
// (and every /start body the explorer sends): the same facts written twice,
// by different hands, so that a wrong, missing or misplaced row is a
// violation.
struct Answer {
  bool accepted = false;
  S to = S::kNone;
  ms::Process process = ms::Process::kUp;
};

constexpr Answer kRefused{};
constexpr Answer Lead(S to, ms::Process process = ms::Process::kUp) { return {true, to, process}; }

bool Lifecycle(S state) { return state != S::kNone; }

// API calls answer only while the process is up (lifecycles.md 2.2); the
// operator's restart and wipe act on a process that is not.
Answer DocumentedOperation(const ms::Sync& s, T trigger, const ms::StartOptions& body) {
  const bool up = s.process == ms::Process::kUp;
  switch (trigger) {
    case T::kStart:  // MS-START: from IDLE; never with reversible and buildIndexes never.
      return up && s.state == S::kIdle &&
                     !(body.reversible && body.build_indexes == ms::BuildIndexes::kNever)
                 ? Lead(S::kRunning)
                 : kRefused;
    case T::kPause:  // MS-PAUSE.
      return up && s.state == S::kRunning ? Lead(S::kPaused) : kRefused;
    case T::kResume:  // MS-RES.
      return up && s.state == S::kPaused ? Lead(S::kRunning) : kRefused;
    case T::kCommit:  // MS-COM, MS-PT21: only with canCommit.
      return up && s.state == S::kRunning && s.phase == ms::Phase::kChangeEventApplication &&
                     !s.lag_high
                 ? Lead(S::kCommitting)
                 : kRefused;
    case T::kReverse:  // MS-REV: only a sync started reversible with sourceAndDestination.
      return up && s.state == S::kCommitted && s.options.reversible &&
                     s.options.write_blocking == ms::WriteBlocking::kSourceAndDestination
                 ? Lead(S::kReversing)
                 : kRefused;
    case T::kProgress:  // MS-PROG: every state while up.
      return up && Lifecycle(s.state) ? Lead(s.state) : kRefused;
    case T::kRestart:  // MS-FAQ, D8: the same state; D13: not COMMITTING with verification.
      if (s.process != ms::Process::kDown) return kRefused;
      if (s.state == S::kCommitting && s.options.verification) {
        return Lead(S::kCommitting, ms::Process::kExited);
      }
      return Lead(s.state);
    case T::kWipeDestinationAndRestart:  // MS-FAQ, MS-RESTART: after a fatal exit.
      return s.process == ms::Process::kExited ? Lead(S::kIdle) : kRefused;
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

Answer DocumentedEvent(const ms::Sync& s, T trigger) {
  const bool up = s.process == ms::Process::kUp;
  switch (trigger) {
    case T::kConnected:  // MS-AB.
      return up && s.state == S::kNone ? Lead(S::kIdle) : kRefused;
    case T::kCopyDone:  // MS-AB: collection copy, then change event application.
      return up && s.state == S::kRunning && s.phase == ms::Phase::kCollectionCopy
                 ? Lead(S::kRunning)
                 : kRefused;
    case T::kWritesEnabled:  // MS-CUT, MS-WB: canWrite turns true inside COMMITTING.
      return up && s.state == S::kCommitting && !s.can_write ? Lead(S::kCommitting) : kRefused;
    case T::kCommitDone:  // MS-TR, MS-CUT: after canWrite.
      return up && s.state == S::kCommitting && s.can_write ? Lead(S::kCommitted) : kRefused;
    case T::kReverseDone:  // MS-TR, MS-REV.
      return up && s.state == S::kReversing ? Lead(S::kRunning) : kRefused;
    case T::kLagRecovered:  // MS-PT21.
      return up && s.state == S::kRunning && s.lag_high ? Lead(S::kRunning) : kRefused;
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

Answer DocumentedFault(const ms::Sync& s, T trigger) {
  const bool up = s.process == ms::Process::kUp;
  switch (trigger) {
    case T::kCrash:  // MS-FAQ, MS-BEH: any state; it is kept on the destination.
      return up && Lifecycle(s.state) ? Lead(s.state, ms::Process::kDown) : kRefused;
    case T::kOplogRollover:  // MS-OPL, D15: while entries remain to apply.
      return up && (s.state == S::kRunning || s.state == S::kPaused || s.state == S::kCommitting)
                 ? Lead(s.state, ms::Process::kExited)
                 : kRefused;
    case T::kVerifierMismatch:  // MS-START, MS-EMB: the verifier fails the commit.
      return up && s.state == S::kCommitting && s.options.verification
                 ? Lead(S::kCommitting, ms::Process::kExited)
                 : kRefused;
    case T::kLag:  // MS-PT21: lag rises above 30 s in RUNNING.
      return up && s.state == S::kRunning && !s.lag_high ? Lead(S::kRunning) : kRefused;
    default:
      break;
  }
  PIPECHECK_ASSERT(false);
}

Answer Documented(const ms::Sync& sync, T trigger, const ms::StartOptions& body) {
  switch (ms::KindOf(trigger)) {
    case model::TriggerKind::kOperation: return DocumentedOperation(sync, trigger, body);
    case model::TriggerKind::kEvent: return DocumentedEvent(sync, trigger);
    case model::TriggerKind::kFault: return DocumentedFault(sync, trigger);
  }
  PIPECHECK_ASSERT(false);
}

bool Answers(const ms::Table& table, const ms::Sync& sync, T trigger, const ms::StartOptions& body,
             const Answer& expected) {
  const ms::StepResult result = ms::Step(table, sync, trigger, body);
  if (result.accepted != expected.accepted) return false;
  if (!result.accepted) return true;
  return result.next.state == expected.to && result.next.process == expected.process;
}

// Whether every trigger of `kind` is answered on `sync` as documented.
bool AnswersAsDocumented(const ms::Table& table, const ms::Sync& sync, model::TriggerKind kind) {
  for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
    const auto trigger = static_cast<T>(t);
    if (ms::KindOf(trigger) != kind) continue;
    const std::size_t bodies = trigger == T::kStart ? MongosyncSpace::kBodies : 1;
    for (std::size_t b = 0; b < bodies; ++b) {
      const ms::StartOptions body = MongosyncSpace::Body(b);
      const Answer expected = Documented(sync, trigger, body);
      if (!Answers(table, sync, trigger, body, expected)) return false;
    }
  }
  return true;
}

// The rows of (state, trigger) from the sync's process; with `enabled`, only
// those whose guard holds (for `body`).
int RowsApplying(const ms::Table& table, const ms::Sync& sync, T trigger,
                 const ms::StartOptions& body, bool enabled) {
  int count = 0;
  for (const std::uint8_t index : table.RowsOf(sync.state, trigger)) {
    const ms::Row& row = table.rows()[index];
    if (row.process_from != sync.process) continue;
    if (enabled && !ms::Holds(row.guard, sync, body)) continue;
    ++count;
  }
  return count;
}

bool OneRowDecides(const ms::Table& table, const ms::Sync& sync) {
  for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
    const auto trigger = static_cast<T>(t);
    const std::size_t bodies = trigger == T::kStart ? MongosyncSpace::kBodies : 1;
    for (std::size_t b = 0; b < bodies; ++b) {
      if (RowsApplying(table, sync, trigger, MongosyncSpace::Body(b), true) > 1) return false;
    }
  }
  return true;
}

bool GuardDecides(const ms::Table& table, const ms::Sync& sync) {
  for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
    if (RowsApplying(table, sync, static_cast<T>(t), {}, false) > 1) return true;
  }
  return false;
}

bool Spent(const MongosyncSpace::State& state, MongosyncFault fault) {
  return state.spent[static_cast<std::size_t>(fault)] > 0;
}

// The context of a sync that holds no migration (before /start, after a wipe).
bool NoMigration(const ms::Sync& s) {
  const ms::Sync none;
  return s.phase == none.phase && s.lag_high == none.lag_high && s.can_write == none.can_write &&
         s.reversed == none.reversed && s.options == none.options;
}

// A new migration: /start, or a wipe that forgets the old one.
bool NewMigration(T trigger) {
  return trigger == T::kStart || trigger == T::kWipeDestinationAndRestart;
}

// Triggers that leave the lifecycle state as it is (besides GET /progress).
bool KeepsTheState(T trigger) {
  return trigger == T::kCrash || trigger == T::kRestart || trigger == T::kOplogRollover ||
         trigger == T::kVerifierMismatch || trigger == T::kLag || trigger == T::kProgress;
}

// The state an accepted `trigger` leads to, when its name says (an operation
// or event that moves the lifecycle), else kNone.
S Names(T trigger) {
  switch (trigger) {
    case T::kConnected:
    case T::kWipeDestinationAndRestart: return S::kIdle;
    case T::kStart:
    case T::kResume:
    case T::kReverseDone: return S::kRunning;
    case T::kPause: return S::kPaused;
    case T::kCommit: return S::kCommitting;
    case T::kCommitDone: return S::kCommitted;
    case T::kReverse: return S::kReversing;
    default: return S::kNone;
  }
}

// Whether `trigger` may lead the sync into `state` from another state.
bool Enters(S state, T trigger) {
  switch (state) {
    case S::kIdle: return trigger == T::kConnected || trigger == T::kWipeDestinationAndRestart;
    case S::kRunning:
      return trigger == T::kStart || trigger == T::kResume || trigger == T::kReverseDone;
    case S::kPaused: return trigger == T::kPause;
    case S::kCommitting: return trigger == T::kCommit;
    case S::kCommitted: return trigger == T::kCommitDone;
    case S::kReversing: return trigger == T::kReverse;
    case S::kNone: return false;
  }
  return false;
}

// The process: down only by a crash, back up only by a restart, exited only
// by a fatal error (or a restart during a verified commit, D13), up again
// only after a wipe; no other trigger touches it.
bool ProcessStepFits(const ms::Sync& a, const ms::Sync& b, T trigger) {
  using P = ms::Process;
  switch (trigger) {
    case T::kCrash: return b.process == P::kDown;
    case T::kRestart:  // D13: a restart during a verified commit exits.
      return b.process ==
             (a.state == S::kCommitting && a.options.verification ? P::kExited : P::kUp);
    case T::kOplogRollover: return b.process == P::kExited;
    case T::kVerifierMismatch:  // Only an enabled verifier fails the commit.
      return b.process == P::kExited && a.options.verification;
    case T::kWipeDestinationAndRestart: return b.process == P::kUp;
    default: return a.process == b.process;
  }
}

// The sync's bits in a packed state (the fault budget follows them).
constexpr int kSyncBits = 16;

// The catalogue, written once: each entry is the property and its judgement.
// Always and sometimes properties are judged on a state (with the table's
// answers on its sync, `facts`), transition properties on a step, the
// eventually property by the liveness search (properties/liveness.h).
using State = MongosyncSpace::State;
using StateJudge = bool (*)(const ms::Sync&, const State&, std::uint8_t facts);
using StepJudge = bool (*)(const ms::Sync& from, const ms::Sync& to, T, Action);

struct Entry {
  Property property;
  StateJudge holds_in = nullptr;
  StepJudge holds_over = nullptr;
  bool documented_copy = false;  // Compares the table with the Documented* copy above.
};

constexpr Entry Always(std::string_view name, std::string_view source, StateJudge judge) {
  return {{name, Expectation::kAlways, source, ""}, judge, nullptr, false};
}
// An always property that compares the table with the Documented* copy.
constexpr Entry Documented(std::string_view name, std::string_view source, StateJudge judge) {
  return {{name, Expectation::kAlways, source, ""}, judge, nullptr, true};
}
constexpr Entry Sometimes(std::string_view name, std::string_view source, std::string_view premise_of,
                          StateJudge judge) {
  return {{name, Expectation::kSometimes, source, premise_of}, judge, nullptr, false};
}
constexpr Entry Transition(std::string_view name, std::string_view source, StepJudge judge) {
  return {{name, Expectation::kTransition, source, ""}, nullptr, judge, false};
}
constexpr Entry Eventually(std::string_view name, std::string_view source, std::string_view premise_of) {
  return {{name, Expectation::kEventually, source, premise_of}, nullptr, nullptr, false};
}

constexpr Entry kCatalogue[] = {
    Always("can_write_never_before_committing", "G10, MS-CUT",
        [](const ms::Sync& s, const State&, std::uint8_t) {
          return !s.can_write || s.state == S::kCommitting || s.state == S::kCommitted ||
                 s.state == S::kReversing;
        }),
    Sometimes("can_write_becomes_true", "MS-CUT", "can_write_never_before_committing",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.can_write; }),
    Transition("commit_only_when_can_commit", "G9, MS-COM, MS-PT21",
        [](const ms::Sync& a, const ms::Sync& b, T, Action) {
          return !(a.state == S::kRunning && b.state == S::kCommitting) || ms::CanCommit(a);
        }),
    Sometimes("a_commit_is_accepted", "MS-COM", "commit_only_when_can_commit",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kCommitting; }),
    Transition("committed_left_only_by_reverse", "G13, MS-TR, MS-LIM",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          return !(a.state == S::kCommitted && b.state != S::kCommitted) || trigger == T::kReverse;
        }),
    Transition("reverse_requires_reversible_and_write_blocking", "MS-REV",
        [](const ms::Sync& a, const ms::Sync& b, T, Action) {
          return !(a.state == S::kCommitted && b.state == S::kReversing) ||
                 (a.options.reversible &&
                  a.options.write_blocking == ms::WriteBlocking::kSourceAndDestination);
        }),
    Sometimes("a_reverse_happens", "MS-REV", "reverse_requires_reversible_and_write_blocking",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kReversing; }),
    Transition("start_refuses_never_with_reversible", "MS-START",
        [](const ms::Sync& a, const ms::Sync& b, T, Action) {
          return !(a.state == S::kIdle && b.state == S::kRunning) ||
                 !(b.options.build_indexes == ms::BuildIndexes::kNever && b.options.reversible);
        }),
    Sometimes("a_sync_starts", "MS-START", "start_refuses_never_with_reversible",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kRunning; }),
    Transition("exited_process_waits_for_a_new_migration", "MS-FAQ, MS-RESTART, MS-OPL",
        [](const ms::Sync& a, const ms::Sync&, T trigger, Action) {
          return a.process != ms::Process::kExited || trigger == T::kWipeDestinationAndRestart;
        }),
    Sometimes("the_process_exits", "MS-OPL, MS-EMB", "exited_process_waits_for_a_new_migration",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.process == ms::Process::kExited; }),
    Sometimes("reaches_IDLE", "MS-ST", "",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kIdle; }),
    Sometimes("reaches_RUNNING", "MS-ST", "",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kRunning; }),
    Sometimes("reaches_PAUSED", "MS-ST", "",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kPaused; }),
    Sometimes("reaches_COMMITTING", "MS-ST", "",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kCommitting; }),
    Sometimes("reaches_COMMITTED", "MS-ST", "",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kCommitted; }),
    Sometimes("reaches_REVERSING", "MS-ST", "",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kReversing; }),
    Eventually("transient_states_are_left", "MS-TR, MS-ST, D8, D14", ""),
    // The whole vocabulary of lifecycles.md 2.2, answered in every reachable
    // state as the text says (see Documented* below). The mutation check
    // (properties/mutate.h) is what showed these were missing.
    Documented("operations_answer_as_documented", "MS-START, MS-PAUSE, MS-RES, MS-COM, MS-REV, MS-PROG, MS-FAQ, MS-RESTART, D8, D13",
        [](const ms::Sync&, const State&, std::uint8_t facts) {
          return (facts & kFactOperations) != 0;
        }),
    Sometimes("the_process_goes_down", "MS-FAQ, MS-BEH", "operations_answer_as_documented",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.process == ms::Process::kDown; }),
    Documented("internal_events_follow_the_lifecycle", "MS-AB, MS-CUT, MS-WB, MS-TR, MS-REV, MS-PT21",
        [](const ms::Sync&, const State&, std::uint8_t facts) {
          return (facts & kFactEvents) != 0;
        }),
    Sometimes("change_events_are_applied", "MS-AB", "internal_events_follow_the_lifecycle",
        [](const ms::Sync& s, const State&, std::uint8_t) {
          return s.state == S::kRunning && s.phase == ms::Phase::kChangeEventApplication;
        }),
    Documented("faults_strike_as_documented", "MS-FAQ, MS-BEH, MS-OPL, MS-START, MS-EMB, MS-PT21, D15",
        [](const ms::Sync&, const State&, std::uint8_t facts) {
          return (facts & kFactFaults) != 0;
        }),
    Sometimes("lag_exceeds_the_commit_limit", "MS-PT21", "faults_strike_as_documented",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.lag_high; }),
    Always("one_row_decides_each_step", "model/mongosync.h",
        [](const ms::Sync&, const State&, std::uint8_t facts) { return (facts & kFactOneRow) != 0; }),
    Sometimes("a_guard_decides_a_step", "model/mongosync.h", "one_row_decides_each_step",
        [](const ms::Sync&, const State&, std::uint8_t facts) { return (facts & kFactGuard) != 0; }),
    // What a step does to the sync besides its state and process: phase,
    // lag, canWrite, direction and the /start options. Each is a claim of the
    // documents about every step, judged on the syncs the explorer reaches;
    // none reads the table. The mutation check's effect mutants are what
    // showed they were missing.
    //
    // In IDLE every field of /progress but state and canCommit is null: no
    // phase, lag, canWrite, direction or options of a migration.
    Always("idle_reports_only_its_state", "MS-PROG, MS-RESTART",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state != S::kIdle || NoMigration(s); }),
    // IDLE after a fatal exit: the destination was wiped for a new migration.
    Sometimes("a_wiped_destination_is_idle_again", "MS-FAQ, MS-RESTART", "idle_reports_only_its_state",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.state == S::kIdle &&
                 (Spent(state, MongosyncFault::kRollover) || Spent(state, MongosyncFault::kMismatch));
        }),
    // /start takes its body's options and begins with the collection copy,
    // lag low, canWrite false, the original direction; nothing but /start
    // (and a wipe, which forgets the migration) changes the options.
    Transition("a_sync_runs_with_the_options_it_was_started_with", "MS-START, MS-AB",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action action) {
          if (trigger == T::kStart) {
            return b.options == MongosyncSpace::Body(MongosyncSpace::BodyOf(action)) && b.phase == ms::Phase::kCollectionCopy &&
                   !b.lag_high && !b.can_write && !b.reversed;
          }
          return a.options == b.options || trigger == T::kWipeDestinationAndRestart;
        }),
    // RUNNING after a fatal exit: a new migration was started on the wiped
    // destination.
    Sometimes("a_new_migration_starts_after_a_fatal_exit", "MS-FAQ, MS-RESTART, MS-START", "a_sync_runs_with_the_options_it_was_started_with",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.state == S::kRunning && s.process == ms::Process::kUp &&
                 (Spent(state, MongosyncFault::kRollover) || Spent(state, MongosyncFault::kMismatch));
        }),
    // RUNNING copies collections, then applies change events: the phase
    // moves to change event application only at copy_done, and back to the
    // copy only with a new migration (/start, or a wipe).
    Transition("change_event_application_follows_the_copy", "MS-AB, MS-REV, D8",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          if (trigger == T::kCopyDone && b.phase != ms::Phase::kChangeEventApplication) return false;
          if (a.phase == ms::Phase::kCollectionCopy && b.phase == ms::Phase::kChangeEventApplication) {
            return trigger == T::kCopyDone;
          }
          return !(a.phase == ms::Phase::kChangeEventApplication &&
                   b.phase == ms::Phase::kCollectionCopy) ||
                 NewMigration(trigger);
        }),
    // The collection copy goes on after the compute crashed (D8).
    Sometimes("the_copy_runs_after_a_crash", "MS-FAQ, D8", "change_event_application_follows_the_copy",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.state == S::kRunning && s.process == ms::Process::kUp &&
                 s.phase == ms::Phase::kCollectionCopy && Spent(state, MongosyncFault::kCrash);
        }),
    // canWrite becomes true at writes_enabled during COMMITTING, before
    // COMMITTED, and stays true until the roles swap at reverse_done or the
    // migration is wiped.
    Transition("can_write_stays_true_once_writes_are_enabled", "MS-CUT, MS-WB, MS-REV",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          if (trigger == T::kWritesEnabled && !b.can_write) return false;
          if (trigger == T::kCommitDone && !(a.can_write && b.can_write)) return false;
          if (!a.can_write && b.can_write) return trigger == T::kWritesEnabled;
          return !(a.can_write && !b.can_write) || trigger == T::kReverseDone || NewMigration(trigger);
        }),
    Sometimes("can_write_survives_a_crash", "MS-CUT, MS-FAQ, D8", "can_write_stays_true_once_writes_are_enabled",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.can_write && s.process == ms::Process::kUp && Spent(state, MongosyncFault::kCrash);
        }),
    // Lag rises above 30 s only by the lag fault and falls back only at
    // lag_recovered (or with a new migration, or when the reverse starts a
    // new direction, caught up).
    Transition("lag_rises_and_falls_only_with_its_events", "MS-PT21, MS-REV",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          if (trigger == T::kLag && !b.lag_high) return false;
          if (trigger == T::kLagRecovered && b.lag_high) return false;
          if (!a.lag_high && b.lag_high) return trigger == T::kLag;
          return !(a.lag_high && !b.lag_high) || trigger == T::kLagRecovered ||
                 trigger == T::kReverseDone || NewMigration(trigger);
        }),
    // COMMITTING after the lag fault struck: the lag fell back first.
    Sometimes("lag_recovers_before_the_commit", "MS-PT21, MS-COM", "lag_rises_and_falls_only_with_its_events",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.state == S::kCommitting && Spent(state, MongosyncFault::kLag);
        }),
    // Only reverse_done swaps source and destination, and it resumes change
    // event application without a copy; a new migration starts in the
    // original direction.
    Transition("only_a_reverse_swaps_the_direction", "MS-REV, MS-TR",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          if (trigger == T::kReverseDone) {
            return b.reversed != a.reversed && b.phase == ms::Phase::kChangeEventApplication;
          }
          return a.reversed == b.reversed || (NewMigration(trigger) && !b.reversed);
        }),
    Sometimes("a_reversed_sync_runs", "MS-REV", "only_a_reverse_swaps_the_direction",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kRunning && s.reversed; }),
    // The state lives on the destination: a crash, a restart, a fatal error
    // or lag leaves it as it was (MS-FAQ, MS-BEH, MS-OPL, D8, D13, D15), and
    // GET /progress is a read that changes nothing (MS-PROG).
    Transition("the_state_is_kept_through_faults_restarts_and_reads", "MS-FAQ, MS-BEH, MS-OPL, MS-PROG, MS-PT21, D8, D13, D15",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          if (trigger == T::kProgress) return a == b;
          return !KeepsTheState(trigger) || a.state == b.state;
        }),
    Sometimes("a_commit_goes_on_after_a_crash", "MS-FAQ, D8", "the_state_is_kept_through_faults_restarts_and_reads",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.state == S::kCommitting && s.process == ms::Process::kUp &&
                 Spent(state, MongosyncFault::kCrash);
        }),
    // The process goes down only by a crash and comes back only by the
    // operator's restart; it exits only on a fatal error (oplog rollover, a
    // mismatch of the enabled verifier, a restart during a verified commit,
    // D13) and starts again only by a wipe. Nothing else touches it.
    Transition("the_process_status_changes_only_by_crash_restart_or_a_fatal_error", "MS-FAQ, MS-BEH, MS-OPL, MS-EMB, MS-RESTART, D13, D15",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          return ProcessStepFits(a, b, trigger);
        }),
    Sometimes("the_process_is_up_again_after_a_crash", "MS-FAQ, D8", "the_process_status_changes_only_by_crash_restart_or_a_fatal_error",
        [](const ms::Sync& s, const State& state, std::uint8_t) {
          return s.state != S::kNone && s.state != S::kIdle && s.process == ms::Process::kUp &&
                 Spent(state, MongosyncFault::kCrash);
        }),
    // The order of the lifecycle, told by how each state is entered: IDLE
    // when connected (or after a wipe), RUNNING by /start, /resume or the end
    // of a reverse, PAUSED by /pause, COMMITTING by /commit, COMMITTED when
    // the commit is done, REVERSING by /reverse; and each of these, once
    // accepted, leads to the state it names.
    Transition("states_are_entered_only_as_the_lifecycle_leads", "MS-ST, MS-TR, MS-AB, MS-START, MS-PAUSE, MS-RES, MS-COM, MS-REV, MS-RESTART",
        [](const ms::Sync& a, const ms::Sync& b, T trigger, Action) {
          if (Names(trigger) != S::kNone && b.state != Names(trigger)) return false;
          return a.state == b.state || Enters(b.state, trigger);
        }),
    Sometimes("a_reversed_sync_is_paused", "MS-REV, MS-PAUSE", "states_are_entered_only_as_the_lifecycle_leads",
        [](const ms::Sync& s, const State&, std::uint8_t) { return s.state == S::kPaused && s.reversed; }),
};

constexpr std::size_t kPropertyCount = std::size(kCatalogue);

constexpr std::array<Property, kPropertyCount> kProperties = [] {
  std::array<Property, kPropertyCount> out{};
  for (std::size_t p = 0; p < kPropertyCount; ++p) out[p] = kCatalogue[p].property;
  return out;
}();

// The comparisons with the Documented* copy (see the header).
constexpr auto kDocumentedCopy =
    NamesWhere<kCatalogue, [](const Entry& entry) { return entry.documented_copy; }>();

}  // namespace

std::uint8_t MongosyncSpace::TableFacts(const ms::Sync& sync) const {
  // The answers depend on the sync alone: each is computed once per space.
  std::uint64_t words[kWords];
  Pack(State{sync, {}}, words);
  // The explorer's workers share the cache: a byte is written whole
  // (atomically), and every writer writes the same value.
  std::atomic_ref<std::uint8_t> facts(facts_[words[0] & ((std::uint64_t{1} << kSyncBits) - 1)]);
  std::uint8_t known = facts.load(std::memory_order_relaxed);
  if (known == 0) {
    known = TableFactsOf<&AnswersAsDocumented, &OneRowDecides, &GuardDecides>(table_, sync);
    facts.store(known, std::memory_order_relaxed);
  }
  return known;
}

MongosyncSpace::MongosyncSpace(const ms::Table& table, MongosyncBounds bounds)
    : table_(table), bounds_(bounds), facts_(std::size_t{1} << kSyncBits, 0) {
  for (const std::uint8_t budget : bounds_.budget) PIPECHECK_ASSERT(budget <= 3);
}

std::span<const Property> MongosyncSpace::Properties() const { return kProperties; }

std::span<const std::string_view> MongosyncSpace::DocumentedCopyComparisons() {
  return kDocumentedCopy;
}

ms::StartOptions MongosyncSpace::Body(std::size_t index) {
  PIPECHECK_ASSERT(index < kBodies);
  ms::StartOptions body;
  body.reversible = (index & 1U) != 0;
  body.verification = (index & 2U) != 0;
  body.build_indexes = (index & 4U) != 0 ? ms::BuildIndexes::kNever : ms::BuildIndexes::kAfterDataCopy;
  body.write_blocking = static_cast<ms::WriteBlocking>(index / 8);
  return body;
}

int MongosyncSpace::FaultOf(T trigger) {
  switch (trigger) {
    case T::kCrash: return static_cast<int>(MongosyncFault::kCrash);
    case T::kOplogRollover: return static_cast<int>(MongosyncFault::kRollover);
    case T::kVerifierMismatch: return static_cast<int>(MongosyncFault::kMismatch);
    case T::kLag: return static_cast<int>(MongosyncFault::kLag);
    default: return -1;
  }
}

bool MongosyncSpace::IsFair(Action action) {
  const T trigger = TriggerOf(action);
  return ms::KindOf(trigger) == model::TriggerKind::kEvent || trigger == T::kRestart ||
         trigger == T::kWipeDestinationAndRestart;
}

void MongosyncSpace::Pack(const State& state, std::uint64_t* words) const {
  const ms::Sync& s = state.sync;
  std::uint64_t bits = static_cast<std::uint64_t>(s.state) |
                       static_cast<std::uint64_t>(s.process) << 3 |
                       static_cast<std::uint64_t>(s.phase) << 5 |
                       static_cast<std::uint64_t>(s.lag_high) << 6 |
                       static_cast<std::uint64_t>(s.can_write) << 7 |
                       static_cast<std::uint64_t>(s.reversed) << 8 |
                       static_cast<std::uint64_t>(s.options.reversible) << 9 |
                       static_cast<std::uint64_t>(s.options.write_blocking) << 10 |
                       static_cast<std::uint64_t>(s.options.build_indexes) << 12 |
                       static_cast<std::uint64_t>(s.options.verification) << 15;
  for (std::size_t f = 0; f < kMongosyncFaultCount; ++f) {
    bits |= static_cast<std::uint64_t>(state.spent[f]) << (16 + 2 * f);
  }
  words[0] = bits;
}

MongosyncSpace::State MongosyncSpace::Unpack(const std::uint64_t* words) const {
  const std::uint64_t bits = words[0];
  State state;
  ms::Sync& s = state.sync;
  s.state = static_cast<S>(bits & 7U);
  s.process = static_cast<ms::Process>((bits >> 3) & 3U);
  s.phase = static_cast<ms::Phase>((bits >> 5) & 1U);
  s.lag_high = ((bits >> 6) & 1U) != 0;
  s.can_write = ((bits >> 7) & 1U) != 0;
  s.reversed = ((bits >> 8) & 1U) != 0;
  s.options.reversible = ((bits >> 9) & 1U) != 0;
  s.options.write_blocking = static_cast<ms::WriteBlocking>((bits >> 10) & 3U);
  s.options.build_indexes = static_cast<ms::BuildIndexes>((bits >> 12) & 7U);
  s.options.verification = ((bits >> 15) & 1U) != 0;
  for (std::size_t f = 0; f < kMongosyncFaultCount; ++f) {
    state.spent[f] = static_cast<std::uint8_t>((bits >> (16 + 2 * f)) & 3U);
  }
  return state;
}

void MongosyncSpace::Initial(std::vector<State>& out) const { out.push_back(State{}); }

bool MongosyncSpace::HoldsIn(std::size_t property, const State& state) const {
  const Entry& entry = kCatalogue[property];
  PIPECHECK_ASSERT(entry.holds_in != nullptr);
  return entry.holds_in(state.sync, state, TableFacts(state.sync));
}

bool MongosyncSpace::HoldsOver(std::size_t property, const State& from, Action action,
                               const State& to) const {
  const Entry& entry = kCatalogue[property];
  PIPECHECK_ASSERT(entry.holds_over != nullptr);
  return entry.holds_over(from.sync, to.sync, TriggerOf(action), action);
}

std::uint64_t MongosyncSpace::FoundIn(const State& state, std::uint64_t open) const {
  std::uint64_t found = 0;
  for (std::size_t p = 0; p < kPropertyCount; ++p) {
    const Expectation expectation = kProperties[p].expectation;
    if (expectation != Expectation::kAlways && expectation != Expectation::kSometimes) continue;
    if (((open >> p) & 1U) == 0) continue;
    if ((expectation == Expectation::kAlways) != HoldsIn(p, state)) found |= std::uint64_t{1} << p;
  }
  return found;
}

std::uint64_t MongosyncSpace::ViolatedOver(const State& from, Action action, const State& to,
                                           std::uint64_t open) const {
  std::uint64_t violated = 0;
  for (std::size_t p = 0; p < kPropertyCount; ++p) {
    if (kProperties[p].expectation != Expectation::kTransition || ((open >> p) & 1U) == 0) continue;
    if (!HoldsOver(p, from, action, to)) violated |= std::uint64_t{1} << p;
  }
  return violated;
}

std::string MongosyncSpace::Describe(Action action) const {
  const T trigger = TriggerOf(action);
  if (trigger != T::kStart) return std::string(ms::ToString(trigger));
  const ms::StartOptions body = Body(BodyOf(action));
  return fmt::format("start {{reversible: {}, enableUserWriteBlocking: {}, buildIndexes: {}, "
                     "verification: {}}}",
                     body.reversible, ms::ToString(body.write_blocking),
                     ms::ToString(body.build_indexes), body.verification);
}

std::string MongosyncSpace::Describe(const State& state) const {
  const ms::Sync& s = state.sync;
  std::string spent;
  for (std::size_t f = 0; f < kMongosyncFaultCount; ++f) {
    if (state.spent[f] != 0) spent += fmt::format(" {}={}", kMongosyncFaultNames[f], state.spent[f]);
  }
  return fmt::format("{} (process {}, {}{}{}{}; reversible {}, write blocking {}, verification {}){}",
                     ms::ToString(s.state), ms::ToString(s.process), ms::ToString(s.phase),
                     s.lag_high ? ", lag > 30 s" : "", s.can_write ? ", canWrite" : "",
                     s.reversed ? ", reversed" : "", s.options.reversible,
                     ms::ToString(s.options.write_blocking), s.options.verification,
                     spent.empty() ? "" : "; faults spent:" + spent);
}

std::map<std::string, int> MongosyncSpace::BoundsMap() const {
  std::map<std::string, int> out;
  for (std::size_t f = 0; f < kMongosyncFaultCount; ++f) {
    out[std::string(kMongosyncFaultNames[f])] = bounds_.budget[f];
  }
  return out;
}

std::vector<std::string> MongosyncSpace::DeclaredStates() const {
  std::vector<std::string> out;
  for (const S state : ms::States()) out.emplace_back(ms::ToString(state));
  return out;
}

void MongosyncSpace::LifecycleStates(const State& state, std::vector<std::string>& seen) const {
  if (state.sync.state == S::kNone) return;
  const std::string name(ms::ToString(state.sync.state));
  if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
}

std::string MongosyncSpace::Explain(const State& state, Action action) const {
  const ms::StepResult result = ms::Step(table_, state.sync, TriggerOf(action), Body(BodyOf(action)));
  if (!result.accepted) return "(refused)";
  const ms::Row& row = table_.rows()[result.row];
  // The decision's separator is an argument of its own: `" " + std::string(...)`
  // here drew a false -Wrestrict from GCC 12 at -O3 (the Release build).
  return fmt::format("row {} {}/{} --{}--> {}/{} [{}, {}{}{}]", result.row, ms::ToString(row.from),
                     ms::ToString(row.process_from), ms::ToString(row.trigger), ms::ToString(row.to),
                     ms::ToString(row.process_to), row.evidence.source, ToString(row.evidence.status()),
                     row.evidence.decision.empty() ? "" : " ", row.evidence.decision);
}

std::vector<std::string> MongosyncSpace::RowDescriptions() const {
  std::vector<std::string> out;
  for (const ms::Row& row : table_.rows()) {
    out.push_back(fmt::format("{}/{} --{}--> {}/{}", ms::ToString(row.from), ms::ToString(row.process_from),
                              ms::ToString(row.trigger), ms::ToString(row.to),
                              ms::ToString(row.process_to)));
  }
  return out;
}

int MongosyncSpace::TransientKey(const State& state, int) const {
  const S s = state.sync.state;
  return ms::KindOf(s) == model::StateKind::kTransient ? static_cast<int>(s) : -1;
}

Realized MongosyncSpace::Realize(const State& initial, const std::vector<Action>& path,
                                 const std::string& property) const {
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kMongosync;
  scenario.seed = 1;
  scenario.name = fmt::format("counterexample-{}", property);
  scenario.config.collections = 1;
  scenario.config.documents = 20;
  scenario.config.writes_per_hour = 3600;
  std::vector<WorldAction> actions;
  std::vector<std::string> visits;
  State state = initial;
  for (const Action action : path) {
    const T trigger = TriggerOf(action);
    std::optional<ms::StartOptions> body;
    if (trigger == T::kStart) body = Body(BodyOf(action));
    actions.push_back({std::string(ms::ToString(trigger)), ms::KindOf(trigger), -1, false, body});
    Successors(state, [&, done = false](Action a, const State& next, const RowMask&) mutable {
      if (a != action || done) return;
      done = true;
      if (next.sync.state != state.sync.state) visits.emplace_back(ms::ToString(next.sync.state));
      state = next;
    });
  }
  return RealizeAlong<MongosyncMonitors>(std::move(scenario), {nullptr, &table_}, actions, visits, property);
}

std::string MongosyncSpace::Title() const {
  std::string budgets;
  for (std::size_t f = 0; f < kMongosyncFaultCount; ++f) {
    budgets += fmt::format("{}{}={}", budgets.empty() ? "" : " ", kMongosyncFaultNames[f], bounds_.budget[f]);
  }
  return fmt::format("mongosync, {} /start bodies, fault budgets {}", kBodies, budgets);
}

namespace {

std::string Key(S state, ms::Process process) {
  const std::string name(ms::ToString(state));
  return process == ms::Process::kUp ? name : fmt::format("{} (process {})", name, ms::ToString(process));
}

}  // namespace

std::string MongosyncSpace::QuotientKey(const State& state) const {
  return Key(state.sync.state, state.sync.process);
}

std::string MongosyncSpace::StateKind(const State& state) const {
  const S s = state.sync.state;
  return s == S::kNone ? std::string("start") : std::string(model::ToString(ms::KindOf(s)));
}

bool MongosyncSpace::Dimmed(const State& state) const { return state.sync.process != ms::Process::kUp; }

std::string MongosyncSpace::ActionLine(Action action) const {
  return std::string(ms::ToString(TriggerOf(action)));
}

std::string MongosyncSpace::ActionKind(Action action) const {
  return std::string(model::ToString(ms::KindOf(TriggerOf(action))));
}

std::pair<std::string, std::string> MongosyncSpace::RowKeys(std::size_t row) const {
  const ms::Row& r = table_.rows()[row];
  return {Key(r.from, r.process_from), Key(r.to, r.process_to)};
}

bool MongosyncSpace::Takes(Action action, std::string_view trigger, int, bool) {
  return ms::ToString(TriggerOf(action)) == trigger;
}

}  // namespace pipecheck::properties
