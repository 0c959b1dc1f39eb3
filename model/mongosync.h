// model/mongosync.h: the mongosync lifecycle as data.
//
// The one place the mongosync lifecycle is written down (spec/lifecycles.md
// section 2). Everything else reads these rows and calls Step().
//
// Contract:
//  - A Sync is the whole abstract state of one mongosync: the `state` that
//    GET /progress reports, the process (up, down, exited) and the context
//    that guards read (phase, lag, canWrite, direction, /start options).
//  - canCommit is derived, never stored: RUNNING, phase change event
//    application, lag within 30 s, process up (MS-PT21).
//  - Step(sync, trigger, body) is pure and allocation-free. `body` is the
//    /start request body and is read only by `start`.
//  - For any Sync and trigger at most one row is enabled.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/lifecycle.h"

namespace pipecheck::model::mongosync {

// The `state` field of GET /api/v1/progress. kNone is the process before it
// has connected to both clusters; it is not a lifecycle state.
enum class State : std::uint8_t {
  kNone,
  kIdle,
  kRunning,
  kPaused,
  kCommitting,
  kCommitted,
  kReversing,
};
inline constexpr std::size_t kStateCount = 7;
inline constexpr std::array<std::string_view, kStateCount> kStateNames = {
    "(none)", "IDLE", "RUNNING", "PAUSED", "COMMITTING", "COMMITTED", "REVERSING",
};
static_assert(static_cast<std::size_t>(State::kReversing) + 1 == kStateCount);

enum class Process : std::uint8_t { kUp, kDown, kExited };
inline constexpr std::array<std::string_view, 3> kProcessNames = {"up", "down", "exited"};

// RUNNING's two phases, reported in `info`.
enum class Phase : std::uint8_t { kCollectionCopy, kChangeEventApplication };
inline constexpr std::array<std::string_view, 2> kPhaseNames = {"collection copy",
                                                               "change event application"};

// `enableUserWriteBlocking` of /start.
enum class WriteBlocking : std::uint8_t { kNone, kDestinationOnly, kSourceAndDestination };
inline constexpr std::array<std::string_view, 3> kWriteBlockingNames = {
    "none", "destinationOnly", "sourceAndDestination"};

// `buildIndexes` of /start.
enum class BuildIndexes : std::uint8_t {
  kAfterDataCopy,
  kBeforeDataCopy,
  kNever,
  kExcludeHashed,
  kExcludeHashedAfterCopy,
};
inline constexpr std::array<std::string_view, 5> kBuildIndexesNames = {
    "afterDataCopy", "beforeDataCopy", "never", "excludeHashed", "excludeHashedAfterCopy"};

// The /start options that decide guards, with their documented defaults.
struct StartOptions {
  bool reversible = false;
  WriteBlocking write_blocking = WriteBlocking::kDestinationOnly;
  BuildIndexes build_indexes = BuildIndexes::kAfterDataCopy;
  bool verification = true;
  auto operator<=>(const StartOptions&) const = default;
};

// API operations, operator actions, internal events, then faults.
enum class Trigger : std::uint8_t {
  kStart,
  kPause,
  kResume,
  kCommit,
  kReverse,
  kProgress,
  kRestart,
  kWipeDestinationAndRestart,
  kConnected,
  kCopyDone,
  kWritesEnabled,
  kCommitDone,
  kReverseDone,
  kLagRecovered,
  kCrash,
  kOplogRollover,
  kVerifierMismatch,
  kLag,
};
inline constexpr std::size_t kTriggerCount = 18;
inline constexpr std::array<std::string_view, kTriggerCount> kTriggerNames = {
    "start",     "pause",         "resume",         "commit",
    "reverse",   "progress",      "restart",        "wipe_destination_and_restart",
    "connected", "copy_done",     "writes_enabled", "commit_done",
    "reverse_done", "lag_recovered", "crash",       "oplog_rollover",
    "verifier_mismatch", "lag",
};
static_assert(static_cast<std::size_t>(Trigger::kLag) + 1 == kTriggerCount);
TriggerKind KindOf(Trigger trigger);
// The HTTP call of an API operation ("POST /start"), or empty.
std::string_view ApiCall(Trigger trigger);

struct Sync {
  State state = State::kNone;
  Process process = Process::kUp;
  Phase phase = Phase::kCollectionCopy;
  bool lag_high = false;    // Lag above the 30 s that canCommit allows.
  bool can_write = false;   // canWrite of /progress.
  bool reversed = false;    // Direction swapped by /reverse.
  StartOptions options;     // As given to /start.
  auto operator<=>(const Sync&) const = default;
};

bool CanCommit(const Sync& sync);

enum class Guard : std::uint8_t {
  kNone,
  kValidStartBody,   // Not buildIndexes "never" together with reversible true.
  kCollectionCopy,
  kCanCommit,
  kCannotWrite,
  kCanWrite,
  kReversible,       // Started with reversible and sourceAndDestination write blocking.
  kLagLow,
  kLagHigh,
  kVerification,
  kNoVerification,
};
std::string_view Describe(Guard guard);
bool Holds(Guard guard, const Sync& sync, const StartOptions& body);

enum class Effect : std::uint8_t {
  kNone,
  kStart,          // Take the body's options; phase collection copy.
  kEnterCea,
  kEnableWrites,
  kSwapDirection,  // Roles swap; change event application resumes without a copy.
  kLagHigh,
  kLagLow,
  kFresh,          // A new process on an emptied destination.
};

struct Row {
  State from;
  Process process_from;
  Trigger trigger;
  Guard guard;
  State to;
  Process process_to;
  Effect effect;
  Evidence evidence;
  std::string_view note;
};

class Table : public BasicTable<Row, kStateCount, kTriggerCount> {
 public:
  explicit Table(std::vector<Row> rows) : BasicTable(std::move(rows)) {}
};

// The built-in table, rows grouped by `from`.
const Table& DefaultTable();
std::span<const State> States();
StateKind KindOf(State state);

// Why a step was refused. The API answers {success:false, error, errorDescription}
// (MS-RESP); the names are ours (D7).
enum class Refusal : std::uint8_t {
  kNone,
  kInvalidState,
  kCommitNotReady,
  kReverseNotAllowed,
  kInvalidStartOptions,
  kNotReachable,   // The process is down or exited: the call cannot connect.
  kNotEnabled,     // An event, fault or operator action that does not occur here.
};

struct StepResult {
  bool accepted = false;
  std::size_t row = 0;
  Sync next;
  Refusal refusal = Refusal::kNone;
};

StepResult Step(const Table& table, const Sync& sync, Trigger trigger,
                const StartOptions& body = {});

// The refusal as the API words it (model::RefusalText): the `error` name
// (empty for kNotEnabled) and the `errorDescription` as the message.
RefusalText Explain(const Sync& sync, Trigger trigger, Refusal refusal);

// Whether some run produces this context (the contexts Step reaches from the
// process before it connects, with any /start body and any faults); if not,
// the setting that conflicts and why.
std::optional<ContextConflict> FindImpossibleContext(const Sync& sync);

std::string_view ToString(State state);
std::string_view ToString(Trigger trigger);
std::string_view ToString(Process process);
std::string_view ToString(Phase phase);
std::string_view ToString(WriteBlocking write_blocking);
std::string_view ToString(BuildIndexes build_indexes);
std::optional<State> ParseState(std::string_view name);  // Accepts "none".
std::optional<Trigger> ParseTrigger(std::string_view name);
std::optional<Process> ParseProcess(std::string_view name);
std::optional<Phase> ParsePhase(std::string_view name);  // Also "collection_copy", "cea".
std::optional<WriteBlocking> ParseWriteBlocking(std::string_view name);
std::optional<BuildIndexes> ParseBuildIndexes(std::string_view name);

}  // namespace pipecheck::model::mongosync
