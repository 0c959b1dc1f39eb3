// model/clickpipe.cc: the ClickPipe tables and Step.
//
// Rows are grouped by `from` in lifecycle order, because reports and graphs
// print them in this order. Source keys are those of spec/sources.md;
// decisions are those of spec/lifecycles.md section 4 (D11-D15 as
// docs/decisions.md words them). A row is stated only when its source states
// the whole row, starting state and guard included: where the guard reads the
// resume point (D1, D11) or a starting state comes from a decision (profile
// 2024 resync and add_tables from Running: D3, D16), the row cites the
// decision and is inferred.
#include "model/clickpipe.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::model::clickpipe {
namespace {

using S = State;
using T = Trigger;
using G = Guard;
using E = Effect;

constexpr ModeSet kCdcOnly = Bit(Mode::kCdcOnly);
constexpr ModeSet kSnapshotOnly = Bit(Mode::kSnapshot);
constexpr ModeSet kCdcOrSnapshot = Bit(Mode::kCdc) | Bit(Mode::kSnapshot);
// Profile 2024 has no modes; its pipes behave as `cdc`.
constexpr ModeSet kOld = Bit(Mode::kCdc);

constexpr Evidence kLc{"CP-LC", ""};
constexpr Evidence kLcOld{"CP-LC-OLD", ""};
constexpr Evidence kCrash{"CP-LC", "D9"};
constexpr Evidence kOutage{"PG-FAQ", "D10"};
constexpr Evidence kLoss{"CP-FAQ, CP-SRC", "D11"};
constexpr Evidence kLag{"CP-SC", "D12"};

constexpr std::string_view kCrashNote =
    "in-flight work restarts from the last committed point; versions deduplicate";
constexpr std::string_view kLossNote =
    "the oplog no longer holds the resume point; found at the next pull or resume";

// Profile `current`: seeds 000 and 001, lifecycles.md 1.3.
constexpr Row kCurrent[] = {
    {S::kNone, T::kCreate, G::kNone, kAllModes, S::kProvisioning, E::kCreate, kLc, ""},

    {S::kProvisioning, T::kProvisioned, G::kNone, kAllModes, S::kSetup, E::kNone, kLc,
     "shared compute: the first pipe of a service provisions slowly, later ones fast"},
    {S::kProvisioning, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed,
     E::kFailIrrecoverable, kLc, ""},
    {S::kProvisioning, T::kResumePointLost, G::kPointKept, kCdcModes, S::kProvisioning,
     E::kLosePoint, kLoss, kLossNote},
    {S::kProvisioning, T::kComputeCrash, G::kNone, kAllModes, S::kProvisioning, E::kNone, kCrash,
     kCrashNote},

    {S::kSetup, T::kTablesCreated, G::kNone, kCdcOrSnapshot, S::kSnapshot, E::kNone, kLc, ""},
    {S::kSetup, T::kTablesCreated, G::kInResync, kCdcOnly, S::kSnapshot, E::kNone,
     {"CP-RS", "D3"}, "a cdc_only pipe's resync performs an initial load too"},
    {S::kSetup, T::kTablesCreated, G::kAddingTables, kCdcOnly, S::kSnapshot, E::kNone,
     {"CP-ADD", ""}, "the added tables are snapshotted"},
    {S::kSetup, T::kTablesCreated, G::kOnCreatePointKept, kCdcOnly, S::kRunning, E::kNone,
     {"CP-LC", "D11"}, "CDC starts only from a resume point still in the oplog"},
    {S::kSetup, T::kTablesCreated, G::kOnCreatePointLost, kCdcOnly, S::kFailed, E::kFailPointLost,
     {"CP-LC, CP-FAQ", "D11"}, "the resume point taken at create is gone before CDC starts"},
    {S::kSetup, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed, E::kFailIrrecoverable,
     kLc, ""},
    {S::kSetup, T::kResumePointLost, G::kPointKept, kCdcModes, S::kSetup, E::kLosePoint, kLoss,
     kLossNote},
    {S::kSetup, T::kComputeCrash, G::kNone, kAllModes, S::kSetup, E::kNone, kCrash, kCrashNote},

    {S::kSnapshot, T::kInitialLoadDone, G::kNotInResyncPointKept, kCdcModes, S::kRunning,
     E::kEndLoad, {"CP-LC, CP-ADD", "D11"}, "CDC replays the changes made during the snapshot"},
    {S::kSnapshot, T::kInitialLoadDone, G::kNotInResyncPointLost, kCdcModes, S::kFailed,
     E::kFailPointLost, {"CP-LC, CP-FAQ", "D1"},
     "the snapshot outlived the oplog retention: the pipe fails instead of running with a gap"},
    {S::kSnapshot, T::kInitialLoadDone, G::kNotInResync, kSnapshotOnly, S::kCompleted,
     E::kEndLoad, kLc, ""},
    {S::kSnapshot, T::kInitialLoadDone, G::kInResync, kAllModes, S::kResync, E::kNone,
     {"CP-RS", ""}, "soft-deleted rows are carried into the _resync tables"},
    {S::kSnapshot, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed, E::kFailIrrecoverable,
     kLc, ""},
    {S::kSnapshot, T::kResumePointLost, G::kPointKept, kCdcModes, S::kSnapshot, E::kLosePoint,
     kLoss, kLossNote},
    {S::kSnapshot, T::kComputeCrash, G::kNone, kAllModes, S::kSnapshot, E::kNone, kCrash,
     "an unfinished collection's snapshot restarts"},
    {S::kSnapshot, T::kDestinationUnavailable, G::kNone, kAllModes, S::kSnapshot, E::kNone,
     kOutage, "loads retry until the destination is back"},

    {S::kRunning, T::kPause, G::kNone, kCdcModes, S::kPausing, E::kNone, kLc,
     "API command stop"},
    {S::kRunning, T::kResync, G::kNone, kAllModes, S::kSetup, E::kBeginResync,
     {"CP-RS, CP-LC", "D3"}, "loads <table>_resync tables"},
    {S::kRunning, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed, E::kFailIrrecoverable,
     kLc, ""},
    {S::kRunning, T::kResumePointLost, G::kNone, kCdcModes, S::kFailed, E::kFailPointLost,
     {"CP-FAQ", "D1"},
     "resume of change stream was not possible, as the resume point may no longer be in the "
     "oplog."},
    {S::kRunning, T::kComputeCrash, G::kNone, kAllModes, S::kRunning, E::kNone, kCrash,
     "CDC re-reads from the last committed resume point"},
    {S::kRunning, T::kDestinationUnavailable, G::kNone, kAllModes, S::kRunning, E::kNone, kOutage,
     "batches retry and lag grows"},
    {S::kRunning, T::kLag, G::kNone, kAllModes, S::kRunning, E::kNone, kLag,
     "batches fall behind the source"},

    {S::kPausing, T::kCdcStopped, G::kNone, kAllModes, S::kPaused, E::kNone, kLc, ""},
    {S::kPausing, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed, E::kFailIrrecoverable,
     kLc, ""},
    {S::kPausing, T::kResumePointLost, G::kPointKept, kCdcModes, S::kPausing, E::kLosePoint, kLoss,
     kLossNote},
    {S::kPausing, T::kComputeCrash, G::kNone, kAllModes, S::kPausing, E::kNone, kCrash,
     kCrashNote},

    {S::kPaused, T::kPause, G::kNone, kAllModes, S::kPaused, E::kNone, {"TF", ""},
     "stop on a paused pipe is idempotent"},
    {S::kPaused, T::kResume, G::kPointKept, kAllModes, S::kRunning, E::kNone, {"CP-PR", "D1"},
     "API command start"},
    {S::kPaused, T::kResume, G::kPointLost, kAllModes, S::kFailed, E::kFailPointLost,
     {"CP-FAQ", "D1"}, "paused longer than the oplog retention"},
    {S::kPaused, T::kResync, G::kNone, kAllModes, S::kSetup, E::kBeginResync,
     {"CP-RS, CP-LC", "D3"}, "loads <table>_resync tables"},
    {S::kPaused, T::kAddTables, G::kNone, kAllModes, S::kSetup, E::kBeginAddTables,
     {"CP-ADD", ""}, "then Snapshot of the new tables, then Running"},
    {S::kPaused, T::kRemoveTables, G::kNone, kAllModes, S::kModifying, E::kNone,
     {"CP-RM, CP-LC", ""}, ""},
    {S::kPaused, T::kEditSettings, G::kNone, kAllModes, S::kPaused, E::kNone, {"CP-SC", "D6"},
     "the user resumes the pipe"},
    {S::kPaused, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed, E::kFailIrrecoverable,
     kLc, ""},
    {S::kPaused, T::kResumePointLost, G::kPointKept, kCdcModes, S::kPaused, E::kLosePoint, kLoss,
     kLossNote},

    {S::kModifying, T::kTablesRemoved, G::kPointKept, kAllModes, S::kRunning, E::kNone,
     {"CP-RM", "D11"}, "CDC restarts from a resume point still in the oplog"},
    {S::kModifying, T::kTablesRemoved, G::kPointLost, kAllModes, S::kFailed, E::kFailPointLost,
     {"CP-RM, CP-FAQ", "D11"}, "CDC cannot restart from a lost resume point"},
    {S::kModifying, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed,
     E::kFailIrrecoverable, kLc, ""},
    {S::kModifying, T::kResumePointLost, G::kPointKept, kCdcModes, S::kModifying, E::kLosePoint,
     kLoss, kLossNote},
    {S::kModifying, T::kComputeCrash, G::kNone, kAllModes, S::kModifying, E::kNone, kCrash,
     kCrashNote},

    {S::kResync, T::kSwapDone, G::kPointKept, kCdcModes, S::kRunning, E::kEndLoad, {"CP-RS", "D11"},
     "the _resync tables are swapped atomically with the originals"},
    {S::kResync, T::kSwapDone, G::kPointLost, kCdcModes, S::kFailed, E::kFailPointLost,
     {"CP-RS, CP-FAQ", "D11"}, "the resync outlived the oplog retention"},
    {S::kResync, T::kSwapDone, G::kNone, kSnapshotOnly, S::kCompleted, E::kEndLoad,
     {"CP-RS", "D4"}, "a snapshot-only pipe has no CDC to run"},
    {S::kResync, T::kIrrecoverableError, G::kNone, kAllModes, S::kFailed, E::kFailIrrecoverable,
     kLc, ""},
    {S::kResync, T::kResumePointLost, G::kPointKept, kCdcModes, S::kResync, E::kLosePoint, kLoss,
     kLossNote},
    {S::kResync, T::kComputeCrash, G::kNone, kAllModes, S::kResync, E::kNone, kCrash, kCrashNote},
    {S::kResync, T::kDestinationUnavailable, G::kNone, kAllModes, S::kResync, E::kNone, kOutage,
     "the swap waits for the destination"},

    {S::kCompleted, T::kResync, G::kNone, kAllModes, S::kSetup, E::kBeginResync,
     {"CP-RS, TF", "D3"}, "loads <table>_resync tables"},

    {S::kFailed, T::kResume, G::kResumable, kCdcModes, S::kRunning, E::kRecover, {"OAS", "D2"},
     "API command start retries CDC from the saved resume point"},
    {S::kFailed, T::kResync, G::kNone, kAllModes, S::kSetup, E::kBeginResync,
     {"CP-LC, CP-RS", "D3"}, "loads <table>_resync tables"},
    {S::kFailed, T::kResumePointLost, G::kPointKept, kCdcModes, S::kFailed, E::kLosePoint, kLoss,
     kLossNote},
};

// Profile `2024`: seed 002, lifecycles.md 1.4. No modes (all rows are `cdc`),
// no Pausing, Modifying, Resync or Completed; Degraded has no row.
constexpr Row k2024[] = {
    {S::kNone, T::kCreate, G::kNone, kOld, S::kProvisioning, E::kCreate, kLcOld, ""},

    {S::kProvisioning, T::kProvisioned, G::kNone, kOld, S::kSetup, E::kNone, kLcOld,
     "shared compute: the first pipe of a service provisions slowly, later ones fast"},
    {S::kProvisioning, T::kIrrecoverableError, G::kNone, kOld, S::kFailed, E::kFailIrrecoverable,
     kLcOld, ""},
    {S::kProvisioning, T::kResumePointLost, G::kPointKept, kOld, S::kProvisioning, E::kLosePoint,
     kLoss, kLossNote},
    {S::kProvisioning, T::kComputeCrash, G::kNone, kOld, S::kProvisioning, E::kNone, kCrash,
     kCrashNote},

    {S::kSetup, T::kTablesCreated, G::kNone, kOld, S::kSnapshot, E::kNone, kLcOld, ""},
    {S::kSetup, T::kIrrecoverableError, G::kNone, kOld, S::kFailed, E::kFailIrrecoverable, kLcOld,
     ""},
    {S::kSetup, T::kResumePointLost, G::kPointKept, kOld, S::kSetup, E::kLosePoint, kLoss,
     kLossNote},
    {S::kSetup, T::kComputeCrash, G::kNone, kOld, S::kSetup, E::kNone, kCrash, kCrashNote},

    {S::kSnapshot, T::kInitialLoadDone, G::kPointKept, kOld, S::kRunning, E::kEndLoad,
     {"CP-LC-OLD", "D11"}, "CDC starts only from a resume point still in the oplog"},
    {S::kSnapshot, T::kInitialLoadDone, G::kPointLost, kOld, S::kFailed, E::kFailPointLost,
     {"CP-LC-OLD, CP-FAQ", "D1"},
     "the snapshot outlived the oplog retention: the pipe fails instead of running with a gap"},
    {S::kSnapshot, T::kIrrecoverableError, G::kNone, kOld, S::kFailed, E::kFailIrrecoverable,
     kLcOld, ""},
    {S::kSnapshot, T::kResumePointLost, G::kPointKept, kOld, S::kSnapshot, E::kLosePoint, kLoss,
     kLossNote},
    {S::kSnapshot, T::kComputeCrash, G::kNone, kOld, S::kSnapshot, E::kNone, kCrash,
     "an unfinished collection's snapshot restarts"},
    {S::kSnapshot, T::kDestinationUnavailable, G::kNone, kOld, S::kSnapshot, E::kNone, kOutage,
     "loads retry until the destination is back"},

    {S::kRunning, T::kPause, G::kNone, kOld, S::kPaused, E::kNone, kLcOld, "no Pausing in 2024"},
    {S::kRunning, T::kResync, G::kNone, kOld, S::kSnapshot, E::kBeginResync, {"CP-LC-OLD", "D3"},
     "the pipe will also enter the Snapshot state when a resync is triggered"},
    {S::kRunning, T::kAddTables, G::kNone, kOld, S::kSnapshot, E::kBeginAddTables,
     {"CP-LC-OLD", "D16"}, "or when new tables are added to an existing pipe"},
    {S::kRunning, T::kIrrecoverableError, G::kNone, kOld, S::kFailed, E::kFailIrrecoverable,
     kLcOld, ""},
    {S::kRunning, T::kResumePointLost, G::kNone, kOld, S::kFailed, E::kFailPointLost,
     {"CP-FAQ", "D1"},
     "resume of change stream was not possible, as the resume point may no longer be in the "
     "oplog."},
    {S::kRunning, T::kComputeCrash, G::kNone, kOld, S::kRunning, E::kNone, kCrash,
     "CDC re-reads from the last committed resume point"},
    {S::kRunning, T::kDestinationUnavailable, G::kNone, kOld, S::kRunning, E::kNone, kOutage,
     "batches retry and lag grows"},
    {S::kRunning, T::kLag, G::kNone, kOld, S::kRunning, E::kNone, kLag,
     "batches fall behind the source"},

    {S::kPaused, T::kPause, G::kNone, kOld, S::kPaused, E::kNone, {"TF", ""},
     "stop on a paused pipe is idempotent"},
    {S::kPaused, T::kResume, G::kPointKept, kOld, S::kRunning, E::kNone, {"CP-LC-OLD", "D1"},
     "the resume point is checked first"},
    {S::kPaused, T::kResume, G::kPointLost, kOld, S::kFailed, E::kFailPointLost, {"CP-FAQ", "D1"},
     "paused longer than the oplog retention"},
    {S::kPaused, T::kIrrecoverableError, G::kNone, kOld, S::kFailed, E::kFailIrrecoverable, kLcOld,
     ""},
    {S::kPaused, T::kResumePointLost, G::kPointKept, kOld, S::kPaused, E::kLosePoint, kLoss,
     kLossNote},

    {S::kFailed, T::kResync, G::kNone, kOld, S::kSnapshot, E::kBeginResync, kLcOld,
     "resync is the documented way out of Failed"},
    {S::kFailed, T::kResumePointLost, G::kPointKept, kOld, S::kFailed, E::kLosePoint, kLoss,
     kLossNote},
};

constexpr State kCurrentStates[] = {
    S::kProvisioning, S::kSetup,     S::kSnapshot, S::kRunning,   S::kPausing,
    S::kPaused,       S::kModifying, S::kResync,   S::kCompleted, S::kFailed,
};
constexpr State k2024States[] = {
    S::kProvisioning, S::kSetup, S::kSnapshot, S::kRunning, S::kPaused, S::kFailed, S::kDegraded,
};

Pipe Apply(Effect effect, Pipe pipe) {
  switch (effect) {
    case E::kNone:
      break;
    case E::kCreate:
      pipe.in_resync = false;
      pipe.adding_tables = false;
      pipe.resume_point_in_oplog = true;
      pipe.cause = Cause::kNone;
      break;
    case E::kBeginResync:
      pipe.in_resync = true;
      pipe.adding_tables = false;
      pipe.resume_point_in_oplog = true;
      pipe.cause = Cause::kNone;
      break;
    case E::kBeginAddTables:
      pipe.adding_tables = true;
      pipe.cause = Cause::kNone;
      break;
    case E::kEndLoad:
      pipe.in_resync = false;
      pipe.adding_tables = false;
      break;
    case E::kLosePoint:
      pipe.resume_point_in_oplog = false;
      break;
    case E::kFailIrrecoverable:
      pipe.in_resync = false;
      pipe.adding_tables = false;
      pipe.cause = Cause::kIrrecoverableError;
      break;
    case E::kFailPointLost:
      pipe.in_resync = false;
      pipe.adding_tables = false;
      pipe.resume_point_in_oplog = false;
      pipe.cause = Cause::kResumePointLost;
      break;
    case E::kRecover:
      pipe.cause = Cause::kNone;
      break;
  }
  return pipe;
}

bool IsEdit(Trigger trigger) {
  return trigger == T::kAddTables || trigger == T::kRemoveTables || trigger == T::kEditSettings;
}

Refusal Classify(Profile profile, const Pipe& pipe, Trigger trigger, bool guarded) {
  if (KindOf(trigger) != TriggerKind::kOperation) return Refusal::kNotEnabled;
  if (trigger == T::kCreate) return Refusal::kAlreadyExists;
  if (pipe.state == S::kNone) return Refusal::kNotCreated;
  if (trigger == T::kResume && pipe.state == S::kRunning) return Refusal::kAlreadyRunning;
  if (IsEdit(trigger) && profile == Profile::kCurrent && pipe.state != S::kPaused) {
    return Refusal::kMustBePaused;
  }
  if (guarded && trigger == T::kResume) {
    // Only Failed guards resume by cause and resume point (D2).
    if (pipe.cause == Cause::kIrrecoverableError) return Refusal::kIrrecoverable;
    if (!pipe.resume_point_in_oplog) return Refusal::kResumePointLost;
  }
  return Refusal::kNotAllowedInState;
}

}  // namespace

TriggerKind KindOf(Trigger trigger) {
  if (trigger <= T::kEditSettings) return TriggerKind::kOperation;
  if (trigger <= T::kSwapDone) return TriggerKind::kEvent;
  return TriggerKind::kFault;
}

std::string_view Describe(Guard guard) {
  switch (guard) {
    case G::kNone: return "";
    case G::kOnCreatePointKept:
      return "on create (no resync, no add_tables); resume point still in the oplog";
    case G::kOnCreatePointLost:
      return "on create (no resync, no add_tables); resume point no longer in the oplog";
    case G::kInResync: return "in a resync";
    case G::kAddingTables: return "adding tables";
    case G::kNotInResync: return "not in a resync";
    case G::kNotInResyncPointKept: return "not in a resync; resume point still in the oplog";
    case G::kNotInResyncPointLost: return "not in a resync; resume point no longer in the oplog";
    case G::kPointKept: return "resume point still in the source oplog";
    case G::kPointLost: return "resume point no longer in the oplog";
    case G::kResumable:
      return "resume point in the oplog and the cause was not irrecoverable_error";
  }
  PIPECHECK_ASSERT(false);
}

bool Holds(Guard guard, const Pipe& pipe) {
  switch (guard) {
    case G::kNone: return true;
    case G::kOnCreatePointKept:
      return !pipe.in_resync && !pipe.adding_tables && pipe.resume_point_in_oplog;
    case G::kOnCreatePointLost:
      return !pipe.in_resync && !pipe.adding_tables && !pipe.resume_point_in_oplog;
    case G::kInResync: return pipe.in_resync;
    case G::kAddingTables: return pipe.adding_tables && !pipe.in_resync;
    case G::kNotInResync: return !pipe.in_resync;
    case G::kNotInResyncPointKept: return !pipe.in_resync && pipe.resume_point_in_oplog;
    case G::kNotInResyncPointLost: return !pipe.in_resync && !pipe.resume_point_in_oplog;
    case G::kPointKept: return pipe.resume_point_in_oplog;
    case G::kPointLost: return !pipe.resume_point_in_oplog;
    case G::kResumable:
      return pipe.resume_point_in_oplog && pipe.cause != Cause::kIrrecoverableError;
  }
  PIPECHECK_ASSERT(false);
}

const Table& TableOf(Profile profile) {
  static const Table current(Profile::kCurrent, {std::begin(kCurrent), std::end(kCurrent)});
  static const Table old(Profile::k2024, {std::begin(k2024), std::end(k2024)});
  return profile == Profile::kCurrent ? current : old;
}

std::span<const State> States(Profile profile) {
  if (profile == Profile::kCurrent) return kCurrentStates;
  return k2024States;
}

StateKind KindOf(State state) {
  switch (state) {
    case S::kRunning:
    case S::kPaused:
      return StateKind::kSteady;
    case S::kFailed:
      return StateKind::kNeedsAction;
    case S::kCompleted:
      return StateKind::kTerminal;
    case S::kDegraded:
      return StateKind::kDeclaredOnly;
    case S::kNone:
    case S::kProvisioning:
    case S::kSetup:
    case S::kSnapshot:
    case S::kPausing:
    case S::kModifying:
    case S::kResync:
      return StateKind::kTransient;
  }
  PIPECHECK_ASSERT(false);
}

bool Declares(Profile profile, State state) {
  const auto states = States(profile);
  return std::find(states.begin(), states.end(), state) != states.end();
}

bool HasModes(Profile profile) { return profile == Profile::kCurrent; }

StepResult Step(const Table& table, const Pipe& pipe, Trigger trigger) {
  const auto rows = table.rows();
  bool guarded = false;  // Some row matched the mode but its guard failed.
  for (const std::uint8_t index : table.RowsOf(pipe.state, trigger)) {
    const Row& row = rows[index];
    if (!Contains(row.modes, pipe.mode)) continue;
    if (!Holds(row.guard, pipe)) {
      guarded = true;
      continue;
    }
    Pipe next = Apply(row.effect, pipe);
    next.state = row.to;
    return StepResult{true, index, next, Refusal::kNone};
  }
  return StepResult{false, 0, pipe, Classify(table.profile(), pipe, trigger, guarded)};
}

namespace {

// A refusal of the ClickPipes API: its HTTP status (0 for an event or a
// fault, which has no HTTP answer) and message.
RefusalText Refused(int http_status, std::string message) {
  return {http_status, std::move(message), {}};
}

}  // namespace

RefusalText Explain(const Pipe& pipe, Trigger trigger, Refusal refusal) {
  const std::string_view state = ToString(pipe.state);
  switch (refusal) {
    case Refusal::kNone:
      return {};
    case Refusal::kAlreadyRunning:
      return Refused(400, "ClickPipe is already running");
    case Refusal::kMustBePaused:
      return Refused(400, "ClickPipe must be paused to edit");
    case Refusal::kAlreadyExists:
      return Refused(400, fmt::format("ClickPipe already exists (state {})", state));
    case Refusal::kNotCreated:
      return Refused(404, "ClickPipe not found: it has not been created");
    case Refusal::kResumePointLost:
      return Refused(400,
                     "resume of change stream was not possible, as the resume point may no longer "
                     "be in the oplog.");
    case Refusal::kIrrecoverable:
      return Refused(400,
                     "ClickPipe failed with an irrecoverable error and cannot be resumed; resync it");
    case Refusal::kNotAllowedInState:
      return Refused(400,
                     fmt::format("ClickPipe in state {} does not accept {}", state, ToString(trigger)));
    case Refusal::kNotEnabled:
      return Refused(0, fmt::format("{} does not occur in state {} (mode {})", ToString(trigger),
                                    state, ToString(pipe.mode)));
  }
  PIPECHECK_ASSERT(false);
}

std::optional<ContextConflict> FindImpossibleContext(Profile profile, const Pipe& pipe) {
  const auto conflict = [](std::string_view key, std::string message) {
    return std::optional<ContextConflict>(ContextConflict{std::string(key), std::move(message)});
  };
  const std::string_view state = ToString(pipe.state);
  const std::string_view mode = ToString(pipe.mode);
  const bool current = profile == Profile::kCurrent;
  if (!Declares(profile, pipe.state) && pipe.state != S::kNone) {
    return conflict("state", fmt::format("no pipe is ever {} in profile {}", state,
                                         ToString(profile)));
  }
  if (pipe.state == S::kDegraded) {
    return conflict("state", "Degraded is declared but no transition enters it");
  }
  if (!HasModes(profile) && pipe.mode != Mode::kCdc) {
    return conflict("mode", fmt::format("profile {} has no modes", ToString(profile)));
  }
  if (pipe.state == S::kNone) {
    // Before create there is only the mode the create will use.
    if (pipe.cause != Cause::kNone || pipe.in_resync || pipe.adding_tables) {
      return conflict(pipe.cause != Cause::kNone ? "failure_cause"
                      : pipe.in_resync           ? "in_resync"
                                                 : "adding_tables",
                      "a pipe not yet created has no context to set");
    }
    if (!pipe.resume_point_in_oplog) {
      return conflict("resume_point_in_oplog",
                      "a pipe not yet created has no resume point to lose");
    }
    return std::nullopt;
  }
  // Which modes reach which states: a snapshot pipe never streams changes,
  // and only a snapshot pipe completes.
  const bool streams = pipe.state == S::kRunning || pipe.state == S::kPausing ||
                       pipe.state == S::kPaused || pipe.state == S::kModifying;
  if (pipe.mode == Mode::kSnapshot && streams) {
    return conflict("mode", fmt::format("a snapshot pipe is never {}: it has no CDC", state));
  }
  if (pipe.mode != Mode::kSnapshot && pipe.state == S::kCompleted) {
    return conflict("mode", fmt::format("only a snapshot pipe completes, not a {} pipe", mode));
  }
  // The failure cause: set exactly in Failed.
  if (pipe.state == S::kFailed && pipe.cause == Cause::kNone) {
    return conflict("failure_cause",
                    "a Failed pipe has a failure cause: set failure_cause=irrecoverable_error or "
                    "failure_cause=resume_point_lost");
  }
  if (pipe.state != S::kFailed && pipe.cause != Cause::kNone) {
    return conflict("failure_cause",
                    fmt::format("only a Failed pipe has a failure cause, not one in {}", state));
  }
  // The loads in progress: a resync or added tables, never both.
  const bool loads = pipe.state == S::kSnapshot || (current && (pipe.state == S::kSetup ||
                                                                pipe.state == S::kResync));
  if (pipe.in_resync && !loads) {
    return conflict("in_resync", fmt::format("a pipe in {} is not in a resync (profile {})", state,
                                             ToString(profile)));
  }
  if (pipe.state == S::kResync && !pipe.in_resync) {
    return conflict("in_resync", "a pipe in Resync is in a resync: set in_resync=true");
  }
  if (pipe.adding_tables && (!loads || pipe.state == S::kResync)) {
    return conflict("adding_tables", fmt::format("a pipe in {} is not adding tables (profile {})",
                                                 state, ToString(profile)));
  }
  if (pipe.adding_tables && pipe.in_resync) {
    return conflict("adding_tables", "a resync and an add_tables are never in progress together");
  }
  if (pipe.adding_tables && pipe.mode == Mode::kSnapshot) {
    return conflict("adding_tables",
                    "a snapshot pipe is never Paused, so it never has tables added");
  }
  if (pipe.mode == Mode::kCdcOnly && pipe.state == S::kSnapshot && !pipe.in_resync &&
      !pipe.adding_tables) {
    return conflict("mode",
                    "a cdc_only pipe is in Snapshot only in a resync or while adding tables: set "
                    "in_resync=true or adding_tables=true");
  }
  // The resume point (D1, D11): a snapshot pipe holds none to lose, Running
  // has it (every row into Running checks it), a pipe failed by its loss has
  // lost it.
  if (!pipe.resume_point_in_oplog) {
    if (pipe.mode == Mode::kSnapshot) {
      return conflict("resume_point_in_oplog", "a snapshot pipe holds no resume point to lose");
    }
    if (pipe.state == S::kRunning) {
      return conflict("resume_point_in_oplog",
                      "a Running pipe's resume point is in the oplog: its loss fails the pipe (D1)");
    }
  }
  if (pipe.cause == Cause::kResumePointLost && pipe.resume_point_in_oplog) {
    return conflict("resume_point_in_oplog",
                    "failure_cause=resume_point_lost means the point is gone: set "
                    "resume_point_in_oplog=false");
  }
  return std::nullopt;
}

std::string_view ToString(State state) { return kStateNames[static_cast<std::size_t>(state)]; }
std::string_view ToString(Trigger trigger) {
  return kTriggerNames[static_cast<std::size_t>(trigger)];
}
std::string_view ToString(Mode mode) { return kModeNames[static_cast<std::size_t>(mode)]; }
std::string_view ToString(Profile profile) {
  return kProfileNames[static_cast<std::size_t>(profile)];
}
std::string_view ToString(Cause cause) { return kCauseNames[static_cast<std::size_t>(cause)]; }

std::optional<State> ParseState(std::string_view name) {
  if (name == "none") return S::kNone;
  const auto state = ParseName<State>(kStateNames, name);
  if (state == S::kNone) return std::nullopt;  // "(none)" is not spelled by users.
  return state;
}
std::optional<Trigger> ParseTrigger(std::string_view name) {
  return ParseName<Trigger>(kTriggerNames, name);
}
std::optional<Mode> ParseMode(std::string_view name) { return ParseName<Mode>(kModeNames, name); }
std::optional<Profile> ParseProfile(std::string_view name) {
  return ParseName<Profile>(kProfileNames, name);
}
std::optional<Cause> ParseCause(std::string_view name) {
  return ParseName<Cause>(kCauseNames, name);
}

}  // namespace pipecheck::model::clickpipe
