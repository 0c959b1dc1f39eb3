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
};

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
