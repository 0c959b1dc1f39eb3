#include "properties/mongosync_space.h"

#include <fmt/format.h>

namespace pipecheck::properties {

namespace ms = model::mongosync;
using S = ms::State;
using T = ms::Trigger;

namespace {

enum : std::size_t {
  kCanWriteNeverBeforeCommitting,
  kCanWriteBecomesTrue,
  kCommitOnlyWhenCanCommit,
  kCommitAccepted,
  kCommittedLeftOnlyByReverse,
  kReverseRequiresOptions,
  kReverseHappens,
  kStartRefusesNeverWithReversible,
  kSyncStarts,
  kExitedProcessWaitsForNewMigration,
  kProcessExits,
  kReachesIdle,
  kReachesRunning,
  kReachesPaused,
  kReachesCommitting,
  kReachesCommitted,
  kReachesReversing,
  kTransientStatesAreLeft,
  kOperationsAnswerAsDocumented,
  kTheProcessGoesDown,
  kEventsFollowTheLifecycle,
  kChangeEventsAreApplied,
  kFaultsStrikeAsDocumented,
  kLagExceedsTheCommitLimit,
  kOneRowDecidesEachStep,
  kAGuardDecidesAStep,
  kPropertyCount,
};

constexpr PropertySpec kProperties[kPropertyCount] = {
    {"can_write_never_before_committing", PropertyKind::kAlways, "G10, MS-CUT", ""},
    {"can_write_becomes_true", PropertyKind::kSometimes, "MS-CUT", "can_write_never_before_committing"},
    {"commit_only_when_can_commit", PropertyKind::kTransition, "G9, MS-COM, MS-PT21", ""},
    {"a_commit_is_accepted", PropertyKind::kSometimes, "MS-COM", "commit_only_when_can_commit"},
    {"committed_left_only_by_reverse", PropertyKind::kTransition, "G13, MS-TR, MS-LIM", ""},
    {"reverse_requires_reversible_and_write_blocking", PropertyKind::kTransition, "MS-REV", ""},
    {"a_reverse_happens", PropertyKind::kSometimes, "MS-REV",
     "reverse_requires_reversible_and_write_blocking"},
    {"start_refuses_never_with_reversible", PropertyKind::kTransition, "MS-START", ""},
    {"a_sync_starts", PropertyKind::kSometimes, "MS-START", "start_refuses_never_with_reversible"},
    {"exited_process_waits_for_a_new_migration", PropertyKind::kTransition,
     "MS-FAQ, MS-RESTART, MS-OPL", ""},
    {"the_process_exits", PropertyKind::kSometimes, "MS-OPL, MS-EMB",
     "exited_process_waits_for_a_new_migration"},
    {"reaches_IDLE", PropertyKind::kSometimes, "MS-ST", ""},
    {"reaches_RUNNING", PropertyKind::kSometimes, "MS-ST", ""},
    {"reaches_PAUSED", PropertyKind::kSometimes, "MS-ST", ""},
    {"reaches_COMMITTING", PropertyKind::kSometimes, "MS-ST", ""},
    {"reaches_COMMITTED", PropertyKind::kSometimes, "MS-ST", ""},
    {"reaches_REVERSING", PropertyKind::kSometimes, "MS-ST", ""},
    {"transient_states_are_left", PropertyKind::kEventually, "MS-TR, MS-ST, D8, D14", ""},
    // The whole vocabulary of lifecycles.md 2.2, answered in every reachable
    // state as the text says (see Documented* below). The mutation check
    // (properties/mutate.h) is what showed these were missing.
    {"operations_answer_as_documented", PropertyKind::kAlways,
     "MS-START, MS-PAUSE, MS-RES, MS-COM, MS-REV, MS-PROG, MS-FAQ, MS-RESTART, D8, D13", ""},
    {"the_process_goes_down", PropertyKind::kSometimes, "MS-FAQ, MS-BEH",
     "operations_answer_as_documented"},
    {"internal_events_follow_the_lifecycle", PropertyKind::kAlways,
     "MS-AB, MS-CUT, MS-WB, MS-TR, MS-REV, MS-PT21", ""},
    {"change_events_are_applied", PropertyKind::kSometimes, "MS-AB",
     "internal_events_follow_the_lifecycle"},
    {"faults_strike_as_documented", PropertyKind::kAlways,
     "MS-FAQ, MS-BEH, MS-OPL, MS-START, MS-EMB, MS-PT21, D15", ""},
    {"lag_exceeds_the_commit_limit", PropertyKind::kSometimes, "MS-PT21",
     "faults_strike_as_documented"},
    {"one_row_decides_each_step", PropertyKind::kAlways, "model/mongosync.h", ""},
    {"a_guard_decides_a_step", PropertyKind::kSometimes, "model/mongosync.h",
     "one_row_decides_each_step"},
};

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

}  // namespace

MongosyncSpace::MongosyncSpace(const ms::Table& table, MongosyncBounds bounds)
    : table_(table), bounds_(bounds) {
  for (const std::uint8_t budget : bounds_.budget) PIPECHECK_ASSERT(budget <= 3);
}

std::span<const PropertySpec> MongosyncSpace::Properties() const { return kProperties; }

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
  const ms::Sync& s = state.sync;
  switch (property) {
    case kCanWriteNeverBeforeCommitting:
      return !s.can_write || s.state == S::kCommitting || s.state == S::kCommitted ||
             s.state == S::kReversing;
    case kCanWriteBecomesTrue: return s.can_write;
    case kCommitAccepted: return s.state == S::kCommitting;
    case kReverseHappens: return s.state == S::kReversing;
    case kSyncStarts: return s.state == S::kRunning;
    case kProcessExits: return s.process == ms::Process::kExited;
    case kReachesIdle: return s.state == S::kIdle;
    case kReachesRunning: return s.state == S::kRunning;
    case kReachesPaused: return s.state == S::kPaused;
    case kReachesCommitting: return s.state == S::kCommitting;
    case kReachesCommitted: return s.state == S::kCommitted;
    case kReachesReversing: return s.state == S::kReversing;
    case kOperationsAnswerAsDocumented:
      return AnswersAsDocumented(table_, s, model::TriggerKind::kOperation);
    case kTheProcessGoesDown: return s.process == ms::Process::kDown;
    case kEventsFollowTheLifecycle:
      return AnswersAsDocumented(table_, s, model::TriggerKind::kEvent);
    case kChangeEventsAreApplied:
      return s.state == S::kRunning && s.phase == ms::Phase::kChangeEventApplication;
    case kFaultsStrikeAsDocumented:
      return AnswersAsDocumented(table_, s, model::TriggerKind::kFault);
    case kLagExceedsTheCommitLimit: return s.lag_high;
    case kOneRowDecidesEachStep: return OneRowDecides(table_, s);
    case kAGuardDecidesAStep: return GuardDecides(table_, s);
    default: PIPECHECK_ASSERT(false);
  }
}

bool MongosyncSpace::HoldsOver(std::size_t property, const State& from, Action action,
                               const State& to) const {
  const ms::Sync& a = from.sync;
  const ms::Sync& b = to.sync;
  const T trigger = TriggerOf(action);
  switch (property) {
    case kCommitOnlyWhenCanCommit:
      return !(a.state == S::kRunning && b.state == S::kCommitting) || ms::CanCommit(a);
    case kCommittedLeftOnlyByReverse:
      return !(a.state == S::kCommitted && b.state != S::kCommitted) || trigger == T::kReverse;
    case kReverseRequiresOptions:
      return !(a.state == S::kCommitted && b.state == S::kReversing) ||
             (a.options.reversible &&
              a.options.write_blocking == ms::WriteBlocking::kSourceAndDestination);
    case kStartRefusesNeverWithReversible:
      return !(a.state == S::kIdle && b.state == S::kRunning) ||
             !(b.options.build_indexes == ms::BuildIndexes::kNever && b.options.reversible);
    case kExitedProcessWaitsForNewMigration:
      return a.process != ms::Process::kExited || trigger == T::kWipeDestinationAndRestart;
    default: PIPECHECK_ASSERT(false);
  }
}

std::uint64_t MongosyncSpace::FoundIn(const State& state, std::uint64_t open) const {
  std::uint64_t found = 0;
  for (std::size_t p = 0; p < kPropertyCount; ++p) {
    const PropertyKind kind = kProperties[p].kind;
    if (kind != PropertyKind::kAlways && kind != PropertyKind::kSometimes) continue;
    if (((open >> p) & 1U) == 0) continue;
    if ((kind == PropertyKind::kAlways) != HoldsIn(p, state)) found |= std::uint64_t{1} << p;
  }
  return found;
}

std::uint64_t MongosyncSpace::ViolatedOver(const State& from, Action action, const State& to,
                                  std::uint64_t open) const {
  std::uint64_t violated = 0;
  for (std::size_t p = 0; p < kPropertyCount; ++p) {
    if (kProperties[p].kind != PropertyKind::kTransition || ((open >> p) & 1U) == 0) continue;
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

}  // namespace pipecheck::properties
