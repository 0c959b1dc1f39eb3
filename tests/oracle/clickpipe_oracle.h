// tests/oracle/clickpipe_oracle.h: the ClickPipe lifecycle as the spec words it.
//
// The tests' own reading of ../shared/spec/lifecycles.md section 1 (profiles
// `current` and `2024`) and of decisions D1-D18 (lifecycles.md section 4 and
// docs/decisions.md), written as the documents' prose rules: "pause stops
// CDC", "a lost resume point fails the pipe when CDC next starts", "resync is
// accepted in steady states only". It never reads the model's rows, guards or
// effects and never calls model::clickpipe::Step: it uses only the model's
// plain vocabulary (State, Trigger, Mode, Cause, Pipe). The table tests compare
// Step with it over every context; the stateful tests use it as the shadow
// model of the simulator. A misreading of the spec must therefore be made twice,
// independently, to go unseen.
//
// Contract:
//  - ClickPipeNext(profile, pipe, trigger) is pure. For an accepted trigger it
//    returns the whole next Pipe (state and every context field) and the
//    decisions the transition rests on (empty only when a document states the
//    whole transition, its starting state and its condition included; any one
//    of the listed decisions may be the one a row cites). For a refused
//    trigger it returns the pipe unchanged, the HTTP status (0 for an event or
//    a fault that does not occur, which has no HTTP answer) and a substring of
//    the refusal's words.
//  - REQUIRES: the pipe is well-formed: a resync or an add_tables is in
//    progress only in a loading state (Setup, Snapshot, Resync), a cause is
//    set only in Failed, profile 2024 pipes are `cdc`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/clickpipe.h"

namespace pipecheck::oracle {

namespace cpo {
namespace cp = model::clickpipe;
}  // namespace cpo

struct ClickPipeVerdict {
  bool accepted = false;
  model::clickpipe::Pipe next;         // The whole next context; the input when refused.
  std::vector<std::string> decisions;  // Accepted: the decisions it rests on; empty = stated.
  int http_status = 0;                 // Refused: 400/404, or 0 when it does not occur.
  std::string message;                 // Refused: a substring of the refusal's words.
};

namespace cpo {

using S = cp::State;
using T = cp::Trigger;

inline ClickPipeVerdict Moves(cp::Pipe next, std::vector<std::string> decisions = {}) {
  ClickPipeVerdict verdict;
  verdict.accepted = true;
  verdict.next = next;
  verdict.decisions = std::move(decisions);
  return verdict;
}

inline ClickPipeVerdict Refused(const cp::Pipe& pipe, int status, std::string message) {
  ClickPipeVerdict verdict;
  verdict.next = pipe;
  verdict.http_status = status;
  verdict.message = std::move(message);
  return verdict;
}

// Events and faults have no HTTP answer: where they do not apply they simply
// do not happen.
inline ClickPipeVerdict DoesNotOccur(const cp::Pipe& pipe) {
  return Refused(pipe, 0, "does not occur");
}

// D5 and docs/decisions.md "Refusal wording": every refusal the API does not
// word itself names the state.
inline ClickPipeVerdict NotInThisState(const cp::Pipe& pipe, cp::Trigger trigger) {
  return Refused(pipe, 400,
                 "ClickPipe in state " + std::string(cp::ToString(pipe.state)) +
                     " does not accept " + std::string(cp::ToString(trigger)));
}

// The CP-FAQ error text for a change stream whose resume point is gone.
inline constexpr std::string_view kOplogMessage =
    "resume of change stream was not possible, as the resume point may no longer be in the "
    "oplog.";

inline bool IsOperation(cp::Trigger trigger) {
  // lifecycles.md 1.2: create, pause, resume, resync, add_tables,
  // remove_tables, edit_settings are what a user does.
  switch (trigger) {
    case T::kCreate:
    case T::kPause:
    case T::kResume:
    case T::kResync:
    case T::kAddTables:
    case T::kRemoveTables:
    case T::kEditSettings:
      return true;
    default:
      return false;
  }
}

// Only `cdc` and `cdc_only` pipes stream changes and so hold a resume point
// (D11: "snapshot pipes hold no resume point").
inline bool HasCdc(const cp::Pipe& pipe) { return pipe.mode != cp::Mode::kSnapshot; }

// A pipe moved to `state`, nothing else said.
inline cp::Pipe In(cp::Pipe pipe, cp::State state) {
  pipe.state = state;
  return pipe;
}

// A pipe that is no longer loading anything: the snapshot, the added tables
// or the resync have finished (or were cut short by a failure).
inline cp::Pipe NoLoad(cp::Pipe pipe, cp::State state) {
  pipe.state = state;
  pipe.in_resync = false;
  pipe.adding_tables = false;
  return pipe;
}

// Failed, with its cause. A lost resume point stays lost (D1).
inline cp::Pipe FailedBy(cp::Pipe pipe, cp::Cause cause) {
  pipe = NoLoad(pipe, S::kFailed);
  pipe.cause = cause;
  if (cause == cp::Cause::kResumePointLost) pipe.resume_point_in_oplog = false;
  return pipe;
}

// A new pipe (create) or a resync (CP-RS: "drops the existing ClickPipe and
// kicks off a new one"): it takes a fresh resume point before copying (D11),
// forgets any earlier failure, and a resync loads `_resync` tables.
inline cp::Pipe Fresh(cp::Pipe pipe, cp::State state, bool resync) {
  pipe.state = state;
  pipe.in_resync = resync;
  pipe.adding_tables = false;
  pipe.resume_point_in_oplog = true;
  pipe.cause = cp::Cause::kNone;
  return pipe;
}

// Adding tables snapshots the new tables and keeps the existing resume point:
// CDC on the existing tables resumes after the new table's snapshot (CP-ADD,
// D11).
inline cp::Pipe AddingTables(cp::Pipe pipe, cp::State state) {
  pipe.state = state;
  pipe.in_resync = false;
  pipe.adding_tables = true;
  pipe.cause = cp::Cause::kNone;
  return pipe;
}

// Where CDC (re)starts after a load, a removal or a pause, the resume point is
// checked first: gone, the pipe fails with the CP-FAQ cause instead of running
// with a gap (D1; D11 names every such place). The documents say the pipe
// goes on to Running; that it goes there only with the point kept is the
// decision, so both branches rest on it.
inline ClickPipeVerdict StartCdc(const cp::Pipe& pipe) {
  if (pipe.resume_point_in_oplog) return Moves(NoLoad(pipe, S::kRunning), {"D1", "D11"});
  return Moves(FailedBy(pipe, cp::Cause::kResumePointLost), {"D1", "D11"});
}

// Profile `current`: lifecycles.md 1.3 with D1-D6, D9-D12.
inline ClickPipeVerdict CurrentNext(const cp::Pipe& p, cp::Trigger t) {
  const bool steady = p.state == S::kRunning || p.state == S::kPaused ||
                      p.state == S::kFailed || p.state == S::kCompleted;
  switch (t) {
    case T::kCreate:
      return Moves(Fresh(p, S::kProvisioning, false));
    case T::kPause:
      // Pause stops CDC: Running -> Pausing -> Paused. In Paused it is
      // accepted and changes nothing (TF). Elsewhere the UI does not offer it
      // (D5); a pipe without CDC has none to stop.
      if (p.state == S::kRunning && HasCdc(p)) return Moves(In(p, S::kPausing));
      if (p.state == S::kPaused) return Moves(p);
      return NotInThisState(p, t);
    case T::kResume:
      if (p.state == S::kRunning) return Refused(p, 400, "ClickPipe is already running");
      if (p.state == S::kPaused) {
        // CP-PR; the point is checked first (D1): gone, the pipe fails
        // (CP-FAQ).
        if (p.resume_point_in_oplog) return Moves(In(p, S::kRunning), {"D1", "D11"});
        return Moves(FailedBy(p, cp::Cause::kResumePointLost), {"D1"});
      }
      if (p.state == S::kFailed && HasCdc(p)) {
        // D2: start retries CDC from the saved point unless the failure was
        // irrecoverable or the point is gone.
        if (p.cause == cp::Cause::kIrrecoverableError) return Refused(p, 400, "irrecoverable");
        if (!p.resume_point_in_oplog) return Refused(p, 400, std::string(kOplogMessage));
        cp::Pipe next = In(p, S::kRunning);
        next.cause = cp::Cause::kNone;
        return Moves(next, {"D2"});
      }
      return NotInThisState(p, t);
    case T::kResync:
      // D3: steady states only; into `_resync` tables through Setup.
      if (steady) return Moves(Fresh(p, S::kSetup, true), {"D3"});
      return NotInThisState(p, t);
    case T::kAddTables:
      if (p.state == S::kPaused) return Moves(AddingTables(p, S::kSetup));
      return Refused(p, 400, "ClickPipe must be paused to edit");
    case T::kRemoveTables:
      if (p.state == S::kPaused) return Moves(In(p, S::kModifying));
      return Refused(p, 400, "ClickPipe must be paused to edit");
    case T::kEditSettings:
      // D6: the pipe stays Paused; the user resumes it.
      if (p.state == S::kPaused) return Moves(p, {"D6"});
      return Refused(p, 400, "ClickPipe must be paused to edit");
    case T::kProvisioned:
      if (p.state == S::kProvisioning) return Moves(In(p, S::kSetup));
      return DoesNotOccur(p);
    case T::kTablesCreated:
      if (p.state != S::kSetup) return DoesNotOccur(p);
      // A cdc_only pipe skips the snapshot on create only: its resync loads
      // too (D3), and added tables are snapshotted (CP-ADD).
      if (p.mode == cp::Mode::kCdcOnly) {
        if (p.in_resync) return Moves(In(p, S::kSnapshot), {"D3"});
        if (p.adding_tables) return Moves(In(p, S::kSnapshot));
        return StartCdc(p);
      }
      return Moves(In(p, S::kSnapshot));
    case T::kInitialLoadDone:
      if (p.state != S::kSnapshot) return DoesNotOccur(p);
      // A resync's load goes on to the swap, still loading (CP-RS).
      if (p.in_resync) return Moves(In(p, S::kResync));
      if (p.mode == cp::Mode::kSnapshot) return Moves(NoLoad(p, S::kCompleted));
      return StartCdc(p);
    case T::kCdcStopped:
      if (p.state == S::kPausing) return Moves(In(p, S::kPaused));
      return DoesNotOccur(p);
    case T::kTablesRemoved:
      if (p.state == S::kModifying) return StartCdc(p);
      return DoesNotOccur(p);
    case T::kSwapDone:
      if (p.state != S::kResync) return DoesNotOccur(p);
      // D4: a snapshot pipe's resync ends Completed.
      if (p.mode == cp::Mode::kSnapshot) return Moves(NoLoad(p, S::kCompleted), {"D4"});
      return StartCdc(p);
    case T::kIrrecoverableError:
      // Any state but Completed and Failed.
      if (p.state == S::kCompleted || p.state == S::kFailed) return DoesNotOccur(p);
      return Moves(FailedBy(p, cp::Cause::kIrrecoverableError));
    case T::kResumePointLost: {
      // D11: the oplog can drop the point of a CDC pipe in any state; the loss
      // is found by the next pull (Running fails, D1) and elsewhere only
      // recorded. A point already gone cannot be lost again; a Completed
      // pipe (only snapshot pipes complete) holds none.
      if (!HasCdc(p) || p.state == S::kCompleted) return DoesNotOccur(p);
      if (p.state == S::kRunning) return Moves(FailedBy(p, cp::Cause::kResumePointLost), {"D1"});
      if (!p.resume_point_in_oplog) return DoesNotOccur(p);
      cp::Pipe next = p;
      next.resume_point_in_oplog = false;
      return Moves(next, {"D11"});
    }
    case T::kComputeCrash:
      // D9: where work is in flight (every transient state, and Running) it
      // restarts; no lifecycle state changes.
      if (p.state == S::kPaused || p.state == S::kFailed || p.state == S::kCompleted) {
        return DoesNotOccur(p);
      }
      return Moves(p, {"D9"});
    case T::kDestinationUnavailable:
      // D10: writes to the destination retry where a state writes it: loads
      // (Snapshot), CDC batches (Running), the swap (Resync).
      if (p.state == S::kSnapshot || p.state == S::kRunning || p.state == S::kResync) {
        return Moves(p, {"D10"});
      }
      return DoesNotOccur(p);
    case T::kLag:
      // D12: batches fall behind while Running.
      if (p.state == S::kRunning) return Moves(p, {"D12"});
      return DoesNotOccur(p);
  }
  return DoesNotOccur(p);
}

// Profile `2024`: lifecycles.md 1.4 (seed 002) with D16, and D1, D9-D12
// applied as in `current` (docs/decisions.md "Reading of lifecycles.md 1.4").
// No modes (every pipe behaves as `cdc`), no Pausing, Modifying, Resync or
// Completed; a resync or added tables go straight to Snapshot and the swap
// happens when the load is done.
inline ClickPipeVerdict Next2024(const cp::Pipe& p, cp::Trigger t) {
  switch (t) {
    case T::kCreate:
      return Moves(Fresh(p, S::kProvisioning, false));
    case T::kPause:
      if (p.state == S::kRunning) return Moves(In(p, S::kPaused));  // No Pausing.
      if (p.state == S::kPaused) return Moves(p);                   // Idempotent (TF).
      return NotInThisState(p, t);
    case T::kResume:
      if (p.state == S::kRunning) return Refused(p, 400, "ClickPipe is already running");
      if (p.state == S::kPaused) {
        // "You can resume the pipe from this state"; the point check is D1's.
        if (p.resume_point_in_oplog) return Moves(In(p, S::kRunning), {"D1", "D11"});
        return Moves(FailedBy(p, cp::Cause::kResumePointLost), {"D1"});
      }
      // The 2024 document leaves Failed by resync (or support) only.
      return NotInThisState(p, t);
    case T::kResync:
      // The document names Failed ("resync your pipe to recover"); it names
      // no other starting state, so resync from Running is D3's (lifecycles.md
      // 1.4 takes Running and Failed of D3's steady states).
      if (p.state == S::kFailed) return Moves(Fresh(p, S::kSnapshot, true));
      if (p.state == S::kRunning) return Moves(Fresh(p, S::kSnapshot, true), {"D3"});
      return NotInThisState(p, t);
    case T::kAddTables:
      // D16: accepted in Running only; the document names no starting state.
      if (p.state == S::kRunning) return Moves(AddingTables(p, S::kSnapshot), {"D16"});
      return NotInThisState(p, t);
    case T::kRemoveTables:
    case T::kEditSettings:
      return NotInThisState(p, t);
    case T::kProvisioned:
      if (p.state == S::kProvisioning) return Moves(In(p, S::kSetup));
      return DoesNotOccur(p);
    case T::kTablesCreated:
      if (p.state == S::kSetup) return Moves(In(p, S::kSnapshot));
      return DoesNotOccur(p);
    case T::kInitialLoadDone:
      if (p.state == S::kSnapshot) return StartCdc(p);
      return DoesNotOccur(p);
    case T::kCdcStopped:
    case T::kTablesRemoved:
    case T::kSwapDone:
      return DoesNotOccur(p);
    case T::kIrrecoverableError:
      if (p.state == S::kFailed) return DoesNotOccur(p);
      return Moves(FailedBy(p, cp::Cause::kIrrecoverableError));
    case T::kResumePointLost: {
      if (p.state == S::kRunning) return Moves(FailedBy(p, cp::Cause::kResumePointLost), {"D1"});
      if (!p.resume_point_in_oplog) return DoesNotOccur(p);
      cp::Pipe next = p;
      next.resume_point_in_oplog = false;
      return Moves(next, {"D11"});
    }
    case T::kComputeCrash:
      if (p.state == S::kPaused || p.state == S::kFailed) return DoesNotOccur(p);
      return Moves(p, {"D9"});
    case T::kDestinationUnavailable:
      if (p.state == S::kSnapshot || p.state == S::kRunning) return Moves(p, {"D10"});
      return DoesNotOccur(p);
    case T::kLag:
      if (p.state == S::kRunning) return Moves(p, {"D12"});
      return DoesNotOccur(p);
  }
  return DoesNotOccur(p);
}

}  // namespace cpo

inline ClickPipeVerdict ClickPipeNext(model::clickpipe::Profile profile,
                                      const model::clickpipe::Pipe& pipe,
                                      model::clickpipe::Trigger trigger) {
  using cpo::S;
  using cpo::T;
  // Before create there is no pipe: a second create is refused, any other
  // operation finds nothing (404), and nothing happens to it.
  if (trigger == T::kCreate && pipe.state != S::kNone) {
    return cpo::Refused(pipe, 400, "already exists");
  }
  if (pipe.state == S::kNone && trigger != T::kCreate) {
    return cpo::IsOperation(trigger) ? cpo::Refused(pipe, 404, "not found")
                                     : cpo::DoesNotOccur(pipe);
  }
  return profile == model::clickpipe::Profile::kCurrent ? cpo::CurrentNext(pipe, trigger)
                                                        : cpo::Next2024(pipe, trigger);
}

// Whether the oracle accepts the trigger, and so where a generator steering
// toward accepted operations should look.
inline bool ClickPipeAccepts(model::clickpipe::Profile profile, const model::clickpipe::Pipe& pipe,
                             model::clickpipe::Trigger trigger) {
  return ClickPipeNext(profile, pipe, trigger).accepted;
}

}  // namespace pipecheck::oracle
