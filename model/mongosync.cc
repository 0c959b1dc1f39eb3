// model/mongosync.cc: the mongosync table and Step.
//
// Rows are grouped by `from`; within a state, API calls come first, then
// internal events, then the process rows (crash, restart, exit, wipe).
#include "model/mongosync.h"

#include <iterator>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::model::mongosync {
namespace {

using S = State;
using P = Process;
using T = Trigger;
using G = Guard;
using E = Effect;

constexpr Evidence kCrash{"MS-FAQ, MS-BEH", ""};
constexpr Evidence kRestart{"MS-FAQ, MS-BEH", "D8"};
constexpr Evidence kProgress{"MS-PROG, MS-ST", ""};
constexpr Evidence kWipe{"MS-FAQ, MS-RESTART", ""};

constexpr std::string_view kCrashNote = "the state is kept on the destination";
constexpr std::string_view kWipeNote =
    "a new migration: the destination data and mongosync's metadata are deleted first";

constexpr Row kRows[] = {
    {S::kNone, P::kUp, T::kConnected, G::kNone, S::kIdle, P::kUp, E::kNone, {"MS-AB", ""},
     "connected to cluster0 and cluster1"},

    {S::kIdle, P::kUp, T::kStart, G::kValidStartBody, S::kRunning, P::kUp, E::kStart,
     {"MS-START", ""}, "phase collection copy"},
    {S::kIdle, P::kUp, T::kProgress, G::kNone, S::kIdle, P::kUp, E::kNone, kProgress,
     "every field but state and canCommit is null"},
    {S::kIdle, P::kUp, T::kCrash, G::kNone, S::kIdle, P::kDown, E::kNone, kCrash, kCrashNote},
    {S::kIdle, P::kDown, T::kRestart, G::kNone, S::kIdle, P::kUp, E::kNone, kRestart,
     "same source and destination"},

    {S::kRunning, P::kUp, T::kPause, G::kNone, S::kPaused, P::kUp, E::kNone, {"MS-PAUSE", ""},
     ""},
    {S::kRunning, P::kUp, T::kCommit, G::kCanCommit, S::kCommitting, P::kUp, E::kNone,
     {"MS-COM, MS-PT21", ""}, "cutover starts; COMMITTING lasts about lagTimeSeconds"},
    {S::kRunning, P::kUp, T::kProgress, G::kNone, S::kRunning, P::kUp, E::kNone, kProgress, ""},
    {S::kRunning, P::kUp, T::kCopyDone, G::kCollectionCopy, S::kRunning, P::kUp, E::kEnterCea,
     {"MS-AB", ""}, "phase change event application"},
    {S::kRunning, P::kUp, T::kLagRecovered, G::kLagHigh, S::kRunning, P::kUp, E::kLagLow,
     {"MS-PT21", ""}, "lag back within 30 s"},
    {S::kRunning, P::kUp, T::kCrash, G::kNone, S::kRunning, P::kDown, E::kNone, kCrash,
     kCrashNote},
    {S::kRunning, P::kDown, T::kRestart, G::kNone, S::kRunning, P::kUp, E::kNone, kRestart,
     "copying or applying resumes by itself"},
    {S::kRunning, P::kUp, T::kOplogRollover, G::kNone, S::kRunning, P::kExited, E::kNone,
     {"MS-OPL", ""}, "unapplied source entries rolled off the oplog: mongosync exits"},
    {S::kRunning, P::kUp, T::kLag, G::kLagLow, S::kRunning, P::kUp, E::kLagHigh,
     {"MS-PT21, MS-OPL", ""}, "lag above 30 s: canCommit is false"},
    {S::kRunning, P::kExited, T::kWipeDestinationAndRestart, G::kNone, S::kIdle, P::kUp,
     E::kFresh, kWipe, kWipeNote},

    {S::kPaused, P::kUp, T::kResume, G::kNone, S::kRunning, P::kUp, E::kNone, {"MS-RES", ""},
     "/progress may fail for 2 minutes after (MS-DLY)"},
    {S::kPaused, P::kUp, T::kProgress, G::kNone, S::kPaused, P::kUp, E::kNone, kProgress,
     "lagTimeSeconds is null"},
    {S::kPaused, P::kUp, T::kCrash, G::kNone, S::kPaused, P::kDown, E::kNone, kCrash, kCrashNote},
    {S::kPaused, P::kDown, T::kRestart, G::kNone, S::kPaused, P::kUp, E::kNone, kRestart,
     "waits for /resume"},
    {S::kPaused, P::kUp, T::kOplogRollover, G::kNone, S::kPaused, P::kExited, E::kNone,
     {"MS-OPL, MS-PAUSE", ""}, "a long pause outlived the oplog window"},
    {S::kPaused, P::kExited, T::kWipeDestinationAndRestart, G::kNone, S::kIdle, P::kUp,
     E::kFresh, kWipe, kWipeNote},

    {S::kCommitting, P::kUp, T::kProgress, G::kNone, S::kCommitting, P::kUp, E::kNone, kProgress,
     ""},
    {S::kCommitting, P::kUp, T::kWritesEnabled, G::kCannotWrite, S::kCommitting, P::kUp,
     E::kEnableWrites, {"MS-CUT, MS-WB", ""},
     "write blocking is lifted on the destination, then canWrite is true"},
    {S::kCommitting, P::kUp, T::kCommitDone, G::kCanWrite, S::kCommitted, P::kUp, E::kNone,
     {"MS-TR, MS-CUT", ""}, "every event up to the commit timestamp applied, verifier passed"},
    {S::kCommitting, P::kUp, T::kCrash, G::kNone, S::kCommitting, P::kDown, E::kNone, kCrash,
     kCrashNote},
    {S::kCommitting, P::kDown, T::kRestart, G::kNoVerification, S::kCommitting, P::kUp, E::kNone,
     kRestart, "the commit goes on"},
    {S::kCommitting, P::kDown, T::kRestart, G::kVerification, S::kCommitting, P::kExited,
     E::kNone, {"MS-RN", "D13"}, "restart during commit is disallowed with verification enabled"},
    {S::kCommitting, P::kUp, T::kOplogRollover, G::kNone, S::kCommitting, P::kExited, E::kNone,
     {"MS-OPL", "D15"}, "entries before the commit timestamp rolled off the oplog: mongosync exits"},
    {S::kCommitting, P::kUp, T::kVerifierMismatch, G::kVerification, S::kCommitting, P::kExited,
     E::kNone, {"MS-START, MS-EMB", ""}, "the embedded verifier fails the migration"},
    {S::kCommitting, P::kExited, T::kWipeDestinationAndRestart, G::kNone, S::kIdle, P::kUp,
     E::kFresh, kWipe, kWipeNote},

    {S::kCommitted, P::kUp, T::kReverse, G::kReversible, S::kReversing, P::kUp, E::kNone,
     {"MS-REV", ""}, ""},
    {S::kCommitted, P::kUp, T::kProgress, G::kNone, S::kCommitted, P::kUp, E::kNone, kProgress,
     ""},
    {S::kCommitted, P::kUp, T::kCrash, G::kNone, S::kCommitted, P::kDown, E::kNone, kCrash,
     kCrashNote},
    {S::kCommitted, P::kDown, T::kRestart, G::kNone, S::kCommitted, P::kUp, E::kNone, kRestart,
     ""},

    {S::kReversing, P::kUp, T::kProgress, G::kNone, S::kReversing, P::kUp, E::kNone, kProgress,
     ""},
    {S::kReversing, P::kUp, T::kReverseDone, G::kNone, S::kRunning, P::kUp, E::kSwapDirection,
     {"MS-TR, MS-REV", ""}, "direction swapped; change event application without a new copy"},
    {S::kReversing, P::kUp, T::kCrash, G::kNone, S::kReversing, P::kDown, E::kNone, kCrash,
     kCrashNote},
    {S::kReversing, P::kDown, T::kRestart, G::kNone, S::kReversing, P::kUp, E::kNone, kRestart,
     ""},
};

constexpr State kStates[] = {S::kIdle,       S::kRunning,   S::kPaused,
                             S::kCommitting, S::kCommitted, S::kReversing};

Sync Apply(Effect effect, Sync sync, const StartOptions& body) {
  switch (effect) {
    case E::kNone:
      break;
    case E::kStart:
      sync.options = body;
      sync.phase = Phase::kCollectionCopy;
      sync.lag_high = false;
      sync.can_write = false;
      sync.reversed = false;
      break;
    case E::kEnterCea:
      sync.phase = Phase::kChangeEventApplication;
      break;
    case E::kEnableWrites:
      sync.can_write = true;
      break;
    case E::kSwapDirection:
      sync.reversed = !sync.reversed;
      sync.phase = Phase::kChangeEventApplication;
      sync.can_write = false;
      sync.lag_high = false;
      break;
    case E::kLagHigh:
      sync.lag_high = true;
      break;
    case E::kLagLow:
      sync.lag_high = false;
      break;
    case E::kFresh:
      sync = Sync{};
      break;
  }
  return sync;
}

bool IsApiCall(Trigger trigger) { return !ApiCall(trigger).empty(); }

Refusal Classify(const Sync& sync, Trigger trigger, bool guarded) {
  if (!IsApiCall(trigger)) return Refusal::kNotEnabled;
  if (sync.process != P::kUp) return Refusal::kNotReachable;
  if (guarded && trigger == T::kStart) return Refusal::kInvalidStartOptions;
  if (guarded && trigger == T::kCommit) return Refusal::kCommitNotReady;
  if (guarded && trigger == T::kReverse) return Refusal::kReverseNotAllowed;
  return Refusal::kInvalidState;
}

// The states in which an API call is accepted, for the refusal's words.
std::string_view AllowedIn(Trigger trigger) {
  switch (trigger) {
    case T::kStart: return "IDLE";
    case T::kPause: return "RUNNING";
    case T::kResume: return "PAUSED";
    case T::kCommit: return "RUNNING";
    case T::kReverse: return "COMMITTED";
    default: return "any state";
  }
}

}  // namespace

TriggerKind KindOf(Trigger trigger) {
  if (trigger <= T::kWipeDestinationAndRestart) return TriggerKind::kOperation;
  if (trigger <= T::kLagRecovered) return TriggerKind::kEvent;
  return TriggerKind::kFault;
}

std::string_view ApiCall(Trigger trigger) {
  switch (trigger) {
    case T::kStart: return "POST /start";
    case T::kPause: return "POST /pause";
    case T::kResume: return "POST /resume";
    case T::kCommit: return "POST /commit";
    case T::kReverse: return "POST /reverse";
    case T::kProgress: return "GET /progress";
    default: return "";
  }
}

bool CanCommit(const Sync& sync) {
  return sync.state == S::kRunning && sync.process == P::kUp &&
         sync.phase == Phase::kChangeEventApplication && !sync.lag_high;
}

std::string_view Describe(Guard guard) {
  switch (guard) {
    case G::kNone: return "";
    case G::kValidStartBody: return "valid body (not buildIndexes never with reversible true)";
    case G::kCollectionCopy: return "phase collection copy";
    case G::kCanCommit: return "canCommit";
    case G::kCannotWrite: return "canWrite false";
    case G::kCanWrite: return "canWrite true (lag drained, verifier passed)";
    case G::kReversible:
      return "started with reversible true and enableUserWriteBlocking sourceAndDestination";
    case G::kLagLow: return "lag within 30 s";
    case G::kLagHigh: return "lag above 30 s";
    case G::kVerification: return "verification enabled";
    case G::kNoVerification: return "verification disabled";
  }
  PIPECHECK_ASSERT(false);
}

bool Holds(Guard guard, const Sync& sync, const StartOptions& body) {
  switch (guard) {
    case G::kNone: return true;
    case G::kValidStartBody:
      return !(body.build_indexes == BuildIndexes::kNever && body.reversible);
    case G::kCollectionCopy: return sync.phase == Phase::kCollectionCopy;
    case G::kCanCommit: return CanCommit(sync);
    case G::kCannotWrite: return !sync.can_write;
    case G::kCanWrite: return sync.can_write;
    case G::kReversible:
      return sync.options.reversible &&
             sync.options.write_blocking == WriteBlocking::kSourceAndDestination;
    case G::kLagLow: return !sync.lag_high;
    case G::kLagHigh: return sync.lag_high;
    case G::kVerification: return sync.options.verification;
    case G::kNoVerification: return !sync.options.verification;
  }
  PIPECHECK_ASSERT(false);
}

const Table& DefaultTable() {
  static const Table table({std::begin(kRows), std::end(kRows)});
  return table;
}

std::span<const State> States() { return kStates; }

StateKind KindOf(State state) {
  switch (state) {
    case S::kIdle:
    case S::kRunning:
    case S::kPaused:
      return StateKind::kSteady;
    case S::kCommitted:
      return StateKind::kTerminal;
    case S::kNone:
    case S::kCommitting:
    case S::kReversing:
      return StateKind::kTransient;
  }
  PIPECHECK_ASSERT(false);
}

StepResult Step(const Table& table, const Sync& sync, Trigger trigger, const StartOptions& body) {
  const auto rows = table.rows();
  bool guarded = false;
  for (const std::uint8_t index : table.RowsOf(sync.state, trigger)) {
    const Row& row = rows[index];
    if (row.process_from != sync.process) continue;
    if (!Holds(row.guard, sync, body)) {
      guarded = true;
      continue;
    }
    Sync next = Apply(row.effect, sync, body);
    next.state = row.to;
    next.process = row.process_to;
    return StepResult{true, index, next, Refusal::kNone};
  }
  return StepResult{false, 0, sync, Classify(sync, trigger, guarded)};
}

namespace {

// A refusal of mongosync's REST API: its `error` name and `errorDescription`.
RefusalText ApiError(std::string error, std::string description) {
  return {0, std::move(description), std::move(error)};
}

}  // namespace

RefusalText Explain(const Sync& sync, Trigger trigger, Refusal refusal) {
  const std::string_view state = ToString(sync.state);
  switch (refusal) {
    case Refusal::kNone:
      return {};
    case Refusal::kInvalidState:
      if (sync.state == S::kNone) {
        return ApiError("InvalidState", "mongosync has not connected to both clusters yet");
      }
      return ApiError("InvalidState", fmt::format("mongosync is in state {}; {} requires {}", state,
                                                  ApiCall(trigger), AllowedIn(trigger)));
    case Refusal::kCommitNotReady:
      return ApiError("CommitNotReady",
                      "canCommit is false: the sync must be applying change events with lag within 30 s");
    case Refusal::kReverseNotAllowed:
      return ApiError("ReverseNotAllowed",
                      "/reverse requires a sync started with reversible true and "
                      "enableUserWriteBlocking sourceAndDestination");
    case Refusal::kInvalidStartOptions:
      return ApiError("InvalidStartOptions",
                      "buildIndexes \"never\" cannot be combined with reversible: true");
    case Refusal::kNotReachable:
      return ApiError("ConnectionRefused",
                      fmt::format("mongosync is not reachable: the process is {}", ToString(sync.process)));
    case Refusal::kNotEnabled:
      return ApiError("", fmt::format("{} does not occur in state {} with the process {}",
                                      ToString(trigger), state, ToString(sync.process)));
  }
  PIPECHECK_ASSERT(false);
}

std::optional<ContextConflict> FindImpossibleContext(const Sync& sync) {
  const auto conflict = [](std::string_view key, std::string message) {
    return std::optional<ContextConflict>(ContextConflict{std::string(key), std::move(message)});
  };
  const std::string_view state = ToString(sync.state);
  const StartOptions defaults;
  if (sync.state == S::kNone || sync.state == S::kIdle) {
    // Before the connection (D17) and in IDLE (connected, or after a wipe)
    // there is no sync yet: no phase, lag, canWrite, direction or options.
    if (sync.state == S::kNone && sync.process != P::kUp) {
      return conflict("process", "mongosync connects when its process starts (D17)");
    }
    if (sync.process == P::kExited) {
      return conflict("process", "mongosync exits only in RUNNING, PAUSED or COMMITTING, not IDLE");
    }
    if (sync.phase != Phase::kCollectionCopy) {
      return conflict("phase", fmt::format("no sync is in progress in {}", state));
    }
    if (sync.lag_high) return conflict("lag_high", fmt::format("no sync lags in {}", state));
    if (sync.can_write) {
      return conflict("can_write", fmt::format("canWrite is false in {}", state));
    }
    if (sync.reversed) {
      return conflict("reversed", fmt::format("no sync has been reversed in {}", state));
    }
    if (sync.options != defaults) {
      return conflict(sync.options.reversible != defaults.reversible         ? "reversible"
                      : sync.options.write_blocking != defaults.write_blocking ? "write_blocking"
                      : sync.options.build_indexes != defaults.build_indexes   ? "build_indexes"
                                                                               : "verification",
                      fmt::format("no /start options are set in {}: give them in --body", state));
    }
    return std::nullopt;
  }
  if (sync.options.build_indexes == BuildIndexes::kNever && sync.options.reversible) {
    return conflict("reversible",
                    "/start refuses buildIndexes never with reversible true (MS-START)");
  }
  if (sync.process == P::kExited && sync.state != S::kRunning && sync.state != S::kPaused &&
      sync.state != S::kCommitting) {
    return conflict("process",
                    fmt::format("mongosync exits only in RUNNING, PAUSED or COMMITTING, not {}",
                                state));
  }
  // Cutover and after: the sync was applying change events with canCommit
  // true at /commit; canWrite comes true inside COMMITTING (MS-CUT).
  const bool cutover = sync.state == S::kCommitting || sync.state == S::kCommitted ||
                       sync.state == S::kReversing;
  if (cutover && sync.phase != Phase::kChangeEventApplication) {
    return conflict("phase", fmt::format("{} follows /commit, which needs phase "
                                         "change_event_application: set phase=cea",
                                         state));
  }
  if (cutover && sync.lag_high) {
    return conflict("lag_high", fmt::format("{} follows /commit, which needs lag within 30 s",
                                            state));
  }
  if (!cutover && sync.can_write) {
    return conflict("can_write", fmt::format("canWrite is false in {} (MS-CUT)", state));
  }
  if ((sync.state == S::kCommitted || sync.state == S::kReversing) && !sync.can_write) {
    return conflict("can_write",
                    fmt::format("canWrite is true in {} (MS-CUT): set can_write=true", state));
  }
  // /reverse: only a reversible sync with dual write blocking is reversed.
  const bool reversible = sync.options.reversible &&
                          sync.options.write_blocking == WriteBlocking::kSourceAndDestination;
  if ((sync.reversed || sync.state == S::kReversing) && !reversible) {
    return conflict(sync.options.reversible ? "write_blocking" : "reversible",
                    "only a sync started with reversible true and write_blocking "
                    "sourceAndDestination is reversed");
  }
  if (sync.reversed && sync.phase != Phase::kChangeEventApplication) {
    return conflict("phase", "a reversed sync applies change events without a new copy: set "
                             "phase=cea");
  }
  return std::nullopt;
}

std::string_view ToString(State state) { return kStateNames[static_cast<std::size_t>(state)]; }
std::string_view ToString(Trigger trigger) {
  return kTriggerNames[static_cast<std::size_t>(trigger)];
}
std::string_view ToString(Process process) {
  return kProcessNames[static_cast<std::size_t>(process)];
}
std::string_view ToString(Phase phase) { return kPhaseNames[static_cast<std::size_t>(phase)]; }
std::string_view ToString(WriteBlocking write_blocking) {
  return kWriteBlockingNames[static_cast<std::size_t>(write_blocking)];
}
std::string_view ToString(BuildIndexes build_indexes) {
  return kBuildIndexesNames[static_cast<std::size_t>(build_indexes)];
}

std::optional<State> ParseState(std::string_view name) {
  if (name == "none") return S::kNone;
  const auto state = ParseName<State>(kStateNames, name);
  if (state == S::kNone) return std::nullopt;  // "(none)" is not spelled by users.
  return state;
}
std::optional<Trigger> ParseTrigger(std::string_view name) {
  return ParseName<Trigger>(kTriggerNames, name);
}
std::optional<Process> ParseProcess(std::string_view name) {
  return ParseName<Process>(kProcessNames, name);
}
std::optional<Phase> ParsePhase(std::string_view name) {
  if (name == "collection_copy") return Phase::kCollectionCopy;
  if (name == "change_event_application" || name == "cea") return Phase::kChangeEventApplication;
  return ParseName<Phase>(kPhaseNames, name);
}
std::optional<WriteBlocking> ParseWriteBlocking(std::string_view name) {
  return ParseName<WriteBlocking>(kWriteBlockingNames, name);
}
std::optional<BuildIndexes> ParseBuildIndexes(std::string_view name) {
  return ParseName<BuildIndexes>(kBuildIndexesNames, name);
}

}  // namespace pipecheck::model::mongosync
