// model/clickpipe.h: the MongoDB ClickPipe lifecycle as data.
//
// This file is the one place the ClickPipe lifecycle is written down. The
// simulator, the explorer, the graphs and the reports all read these rows and
// call Step(); none of them holds a second copy of the transition logic.
//
// Contract:
//  - A Pipe is the whole abstract state of one pipe: its lifecycle state plus
//    the small context that guards read (mode, resync in progress, tables
//    being added, resume point still in the oplog, failure cause).
//  - Step(profile, pipe, trigger) is pure: no time, randomness or I/O. It
//    returns the row it took and the next Pipe, or a refusal with the pipe
//    unchanged.
//  - For any Pipe and trigger at most one row is enabled (tests enumerate
//    every context to prove it), so Step never has to choose.
//
// Evidence: spec/lifecycles.md section 1 and docs/decisions.md.
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

namespace pipecheck::model::clickpipe {

// Spelled as the ClickPipes API spells them (kStateNames). kNone is the pipe
// before `create`; it is not a lifecycle state and is never listed as one.
enum class State : std::uint8_t {
  kNone,
  kProvisioning,
  kSetup,
  kSnapshot,
  kRunning,
  kPausing,
  kPaused,
  kModifying,
  kResync,
  kCompleted,
  kFailed,
  kDegraded,
};
inline constexpr std::size_t kStateCount = 12;
inline constexpr std::array<std::string_view, kStateCount> kStateNames = {
    "(none)", "Provisioning", "Setup",  "Snapshot",  "Running", "Pausing",
    "Paused", "Modifying",    "Resync", "Completed", "Failed",  "Degraded",
};
static_assert(static_cast<std::size_t>(State::kDegraded) + 1 == kStateCount);

enum class Profile : std::uint8_t { kCurrent, k2024 };
inline constexpr std::array<std::string_view, 2> kProfileNames = {"current", "2024"};

// `replicationMode` in the API. Profile 2024 has no modes and behaves as kCdc.
enum class Mode : std::uint8_t { kCdc, kCdcOnly, kSnapshot };
inline constexpr std::size_t kModeCount = 3;
inline constexpr std::array<std::string_view, kModeCount> kModeNames = {"cdc", "cdc_only",
                                                                        "snapshot"};

// A set of modes, one bit per Mode.
using ModeSet = std::uint8_t;
constexpr ModeSet Bit(Mode mode) { return static_cast<ModeSet>(1U << static_cast<unsigned>(mode)); }
inline constexpr ModeSet kAllModes = Bit(Mode::kCdc) | Bit(Mode::kCdcOnly) | Bit(Mode::kSnapshot);
inline constexpr ModeSet kCdcModes = Bit(Mode::kCdc) | Bit(Mode::kCdcOnly);
constexpr bool Contains(ModeSet set, Mode mode) { return (set & Bit(mode)) != 0; }

// User operations, then internal events, then faults (lifecycles.md 1.2).
enum class Trigger : std::uint8_t {
  kCreate,
  kPause,
  kResume,
  kResync,
  kAddTables,
  kRemoveTables,
  kEditSettings,
  kProvisioned,
  kTablesCreated,
  kInitialLoadDone,
  kCdcStopped,
  kTablesRemoved,
  kSwapDone,
  kIrrecoverableError,
  kResumePointLost,
  kComputeCrash,
  kDestinationUnavailable,
  kLag,
};
inline constexpr std::size_t kTriggerCount = 18;
inline constexpr std::array<std::string_view, kTriggerCount> kTriggerNames = {
    "create",         "pause",          "resume",
    "resync",         "add_tables",     "remove_tables",
    "edit_settings",  "provisioned",    "tables_created",
    "initial_load_done", "cdc_stopped", "tables_removed",
    "swap_done",      "irrecoverable_error", "resume_point_lost",
    "compute_crash",  "destination_unavailable", "lag",
};
static_assert(static_cast<std::size_t>(Trigger::kLag) + 1 == kTriggerCount);
TriggerKind KindOf(Trigger trigger);

// Why a pipe is Failed.
enum class Cause : std::uint8_t { kNone, kIrrecoverableError, kResumePointLost };
inline constexpr std::array<std::string_view, 3> kCauseNames = {"none", "irrecoverable_error",
                                                               "resume_point_lost"};

// The abstract state of one pipe. Small, copyable, ordered: the explorer
// packs it, the simulator keeps one per pipe beside the data.
struct Pipe {
  State state = State::kNone;
  Mode mode = Mode::kCdc;
  bool in_resync = false;              // Loading `_resync` tables (CP-RS).
  bool adding_tables = false;          // Setup/Snapshot of tables added while Paused (CP-ADD).
  bool resume_point_in_oplog = true;   // The saved change-stream position is still kept.
  Cause cause = Cause::kNone;          // Meaningful in Failed only.
  auto operator<=>(const Pipe&) const = default;
};

// Named predicates over a Pipe; rows point to them.
enum class Guard : std::uint8_t {
  kNone,
  kOnCreatePointKept,        // No resync or add_tables in progress; resume point kept.
  kOnCreatePointLost,
  kInResync,
  kAddingTables,             // Tables added while Paused, and no resync.
  kNotInResync,
  kNotInResyncPointKept,
  kNotInResyncPointLost,
  kPointKept,
  kPointLost,
  kResumable,                // Point kept and the failure was not irrecoverable (D2).
};
std::string_view Describe(Guard guard);  // Empty for kNone.
bool Holds(Guard guard, const Pipe& pipe);

// What a row does to the context besides moving the state.
enum class Effect : std::uint8_t {
  kNone,
  kCreate,            // Fresh pipe; it takes its resume point now (D11).
  kBeginResync,       // New `_resync` load; it takes a new resume point first.
  kBeginAddTables,
  kEndLoad,           // A snapshot or resync has finished: no load in progress.
  kLosePoint,         // The oplog no longer holds the resume point.
  kFailIrrecoverable,
  kFailPointLost,
  kRecover,           // Failed -> Running by resume (D2).
};

struct Row {
  State from;
  Trigger trigger;
  Guard guard;
  ModeSet modes;
  State to;
  Effect effect;
  Evidence evidence;
  std::string_view note;  // What the table alone cannot say (timing, side effects).
};

// A profile's table. A (state, trigger) pair with no enabled row is refused.
class Table : public BasicTable<Row, kStateCount, kTriggerCount> {
 public:
  Table(Profile profile, std::vector<Row> rows)
      : BasicTable(std::move(rows)), profile_(profile) {}
  Profile profile() const { return profile_; }

 private:
  Profile profile_;
};

// The built-in table of a profile, rows grouped by `from` in lifecycle order.
const Table& TableOf(Profile profile);

// The lifecycle states a profile declares, in table order.
std::span<const State> States(Profile profile);
StateKind KindOf(State state);
bool Declares(Profile profile, State state);
bool HasModes(Profile profile);  // Only `current` has replicationMode.

// Why a step was refused. Operations answer with the API's HTTP 400; events
// and faults that do not occur in a state are simply not enabled.
enum class Refusal : std::uint8_t {
  kNone,
  kAlreadyRunning,       // resume in Running (TF).
  kMustBePaused,         // add/remove tables, edit settings outside Paused (TF).
  kAlreadyExists,        // create on an existing pipe.
  kNotCreated,           // any operation before create.
  kResumePointLost,      // resume with the point gone (CP-FAQ text).
  kIrrecoverable,        // resume from a Failed pipe whose error was irrecoverable (D2).
  kNotAllowedInState,    // every other operation (D5).
  kNotEnabled,           // an event or fault that does not occur here.
};

struct StepResult {
  bool accepted = false;
  std::size_t row = 0;   // Index into table.rows(); meaningful when accepted.
  Pipe next;             // Equal to the input when refused.
  Refusal refusal = Refusal::kNone;
};

// The one transition function. Pure and allocation-free: the explorer calls
// it in its inner loop.
StepResult Step(const Table& table, const Pipe& pipe, Trigger trigger);

// The refusal as the API words it: HTTP status (0 for events and faults,
// which have no HTTP answer) and message (model::RefusalText).
RefusalText Explain(const Pipe& pipe, Trigger trigger, Refusal refusal);

// Whether some run of `profile` produces this pipe context (the states and
// contexts that Step reaches from a pipe before create, in any mode, with any
// faults); if not, the setting that conflicts and why. Refusing these keeps
// `step` from answering for a pipe no run can have (a Failed pipe without a
// cause, a cause resume_point_lost with the point still in the oplog ...).
std::optional<ContextConflict> FindImpossibleContext(Profile profile, const Pipe& pipe);

// Names. Parse* return nullopt for an unknown name.
std::string_view ToString(State state);
std::string_view ToString(Trigger trigger);
std::string_view ToString(Mode mode);
std::string_view ToString(Profile profile);
std::string_view ToString(Cause cause);
std::optional<State> ParseState(std::string_view name);  // Accepts "none" for kNone.
std::optional<Trigger> ParseTrigger(std::string_view name);
std::optional<Mode> ParseMode(std::string_view name);
std::optional<Profile> ParseProfile(std::string_view name);
std::optional<Cause> ParseCause(std::string_view name);

}  // namespace pipecheck::model::clickpipe
