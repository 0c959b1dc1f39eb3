// tests/oracle/mongosync_oracle.h: the mongosync lifecycle as the spec words it.
//
// The tests' own reading of ../shared/spec/lifecycles.md section 2 (the
// MS-ST table of permitted calls, the transitions of MS-TR, the process rules
// of MS-FAQ) and of decisions D7, D8, D13-D15, D17 (lifecycles.md section 4
// and docs/decisions.md), written as the documents' prose rules. It never
// reads the model's rows, guards or effects and never calls
// model::mongosync::Step or CanCommit: it uses only the model's plain
// vocabulary (State, Process, Phase, Trigger, StartOptions, Sync). The table
// test compares Step with it over every context; the stateful test uses it as
// the shadow model of the simulator.
//
// Contract:
//  - MongosyncNext(sync, trigger, body) is pure. `body` is the /start request
//    body, read only by `start`. For an accepted trigger it returns the whole
//    next Sync (state, process and every other field) and the decisions the
//    transition rests on (empty when a document states it). For a refused one
//    it returns the sync unchanged and the `error` name of the answer
//    {success:false, error, errorDescription} (MS-RESP; names are ours, D7),
//    or an empty name for an event, fault or operator action that does not
//    occur.
//  - REQUIRES: the sync is well-formed: the process is down only in a
//    lifecycle state (a crash needs a running process), and it has exited
//    only where an exit happens (RUNNING, PAUSED, COMMITTING).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/mongosync.h"

namespace pipecheck::oracle {

struct MongosyncVerdict {
  bool accepted = false;
  model::mongosync::Sync next;         // The whole next context; the input when refused.
  std::vector<std::string> decisions;  // Accepted: the decisions it rests on; empty = stated.
  std::string error;                   // Refused: the `error` name; empty when it does not occur.
};

namespace mso {

namespace ms = model::mongosync;
using S = ms::State;
using P = ms::Process;
using T = ms::Trigger;

inline MongosyncVerdict Moves(ms::Sync next, std::vector<std::string> decisions = {}) {
  MongosyncVerdict verdict;
  verdict.accepted = true;
  verdict.next = next;
  verdict.decisions = std::move(decisions);
  return verdict;
}

inline MongosyncVerdict Refused(const ms::Sync& sync, std::string error) {
  MongosyncVerdict verdict;
  verdict.next = sync;
  verdict.error = std::move(error);
  return verdict;
}

inline MongosyncVerdict DoesNotOccur(const ms::Sync& sync) { return Refused(sync, ""); }

// The REST calls of lifecycles.md 2.2 (MS-START ... MS-PROG).
inline bool IsApiCall(ms::Trigger trigger) {
  switch (trigger) {
    case T::kStart:
    case T::kPause:
    case T::kResume:
    case T::kCommit:
    case T::kReverse:
    case T::kProgress:
      return true;
    default:
      return false;
  }
}

inline ms::Sync In(ms::Sync sync, ms::State state, ms::Process process = P::kUp) {
  sync.state = state;
  sync.process = process;
  return sync;
}

// canCommit (MS-PT21): RUNNING, applying change events, lag within 30 s.
inline bool CanCommitNow(const ms::Sync& s) {
  return s.state == S::kRunning && s.phase == ms::Phase::kChangeEventApplication && !s.lag_high;
}

// /reverse needs a sync started with reversible true and
// enableUserWriteBlocking sourceAndDestination (MS-REV).
inline bool StartedReversible(const ms::Sync& s) {
  return s.options.reversible &&
         s.options.write_blocking == ms::WriteBlocking::kSourceAndDestination;
}

// A process that is up: the MS-ST table of permitted calls and the MS-TR
// transitions.
inline MongosyncVerdict UpNext(const ms::Sync& s, ms::Trigger t, const ms::StartOptions& body) {
  // Before it has connected to both clusters mongosync is not IDLE yet: it
  // connects first (MS-AB, D17) and answers no call as a lifecycle state.
  if (s.state == S::kNone) {
    if (t == T::kConnected) return Moves(In(s, S::kIdle));
    return IsApiCall(t) ? Refused(s, "InvalidState") : DoesNotOccur(s);
  }
  switch (t) {
    case T::kProgress:
      return Moves(s);  // Accepted in every state while the process is up (MS-PROG).
    case T::kStart: {
      if (s.state != S::kIdle) return Refused(s, "InvalidState");
      if (body.build_indexes == ms::BuildIndexes::kNever && body.reversible) {
        return Refused(s, "InvalidStartOptions");  // MS-START.
      }
      // A new migration: the body's options, copying first, no lag yet, the
      // destination not writable, the original direction.
      ms::Sync next = In(s, S::kRunning);
      next.options = body;
      next.phase = ms::Phase::kCollectionCopy;
      next.lag_high = false;
      next.can_write = false;
      next.reversed = false;
      return Moves(next);
    }
    case T::kPause:
      if (s.state == S::kRunning) return Moves(In(s, S::kPaused));
      return Refused(s, "InvalidState");
    case T::kResume:
      if (s.state == S::kPaused) return Moves(In(s, S::kRunning));
      return Refused(s, "InvalidState");
    case T::kCommit:
      if (s.state != S::kRunning) return Refused(s, "InvalidState");
      if (!CanCommitNow(s)) return Refused(s, "CommitNotReady");
      return Moves(In(s, S::kCommitting));
    case T::kReverse:
      if (s.state != S::kCommitted) return Refused(s, "InvalidState");
      if (!StartedReversible(s)) return Refused(s, "ReverseNotAllowed");
      return Moves(In(s, S::kReversing));
    case T::kCopyDone:
      // RUNNING moves from collection copy to change event application (MS-AB).
      if (s.state == S::kRunning && s.phase == ms::Phase::kCollectionCopy) {
        ms::Sync next = s;
        next.phase = ms::Phase::kChangeEventApplication;
        return Moves(next);
      }
      return DoesNotOccur(s);
    case T::kWritesEnabled:
      // canWrite becomes true during COMMITTING (MS-CUT, MS-WB), once.
      if (s.state == S::kCommitting && !s.can_write) {
        ms::Sync next = s;
        next.can_write = true;
        return Moves(next);
      }
      return DoesNotOccur(s);
    case T::kCommitDone:
      // COMMITTED only after canWrite, which stays true (MS-CUT).
      if (s.state == S::kCommitting && s.can_write) return Moves(In(s, S::kCommitted));
      return DoesNotOccur(s);
    case T::kReverseDone: {
      // RUNNING again with the roles swapped, applying change events without
      // a new copy (MS-REV); canWrite is false in RUNNING; the reversed sync
      // starts with no backlog.
      if (s.state != S::kReversing) return DoesNotOccur(s);
      ms::Sync next = In(s, S::kRunning);
      next.reversed = !s.reversed;
      next.phase = ms::Phase::kChangeEventApplication;
      next.can_write = false;
      next.lag_high = false;
      return Moves(next);
    }
    case T::kLag:
      // Lag rises above the 30 s canCommit allows (MS-PT21), while RUNNING.
      if (s.state == S::kRunning && !s.lag_high) {
        ms::Sync next = s;
        next.lag_high = true;
        return Moves(next);
      }
      return DoesNotOccur(s);
    case T::kLagRecovered:
      if (s.state == S::kRunning && s.lag_high) {
        ms::Sync next = s;
        next.lag_high = false;
        return Moves(next);
      }
      return DoesNotOccur(s);
    case T::kCrash:
      // The process goes down; the state is kept on the destination
      // (MS-FAQ, MS-BEH).
      return Moves(In(s, s.state, P::kDown));
    case T::kOplogRollover:
      // Unapplied source entries expire: mongosync exits. RUNNING and PAUSED
      // (MS-OPL); COMMITTING too (D15).
      if (s.state == S::kRunning || s.state == S::kPaused) {
        return Moves(In(s, s.state, P::kExited));
      }
      if (s.state == S::kCommitting) return Moves(In(s, s.state, P::kExited), {"D15"});
      return DoesNotOccur(s);
    case T::kVerifierMismatch:
      // The embedded verifier, when enabled, fails the migration during
      // COMMITTING (MS-START, MS-EMB).
      if (s.state == S::kCommitting && s.options.verification) {
        return Moves(In(s, s.state, P::kExited));
      }
      return DoesNotOccur(s);
    case T::kRestart:
    case T::kWipeDestinationAndRestart:
    case T::kConnected:
      return DoesNotOccur(s);  // Operator actions on a process that is not up.
  }
  return DoesNotOccur(s);
}

}  // namespace mso

inline MongosyncVerdict MongosyncNext(const model::mongosync::Sync& sync,
                                      model::mongosync::Trigger trigger,
                                      const model::mongosync::StartOptions& body = {}) {
  using mso::P;
  using mso::S;
  using mso::T;
  // While the process is not up no call connects (lifecycles.md 2.2). A
  // crashed one is restarted by the operator with the same clusters and
  // reports the state kept on the destination (D8), except that a restart
  // during COMMITTING with verification enabled is disallowed and exits
  // (MS-RN 1.10, D13). An exited one needs a new migration into an emptied
  // destination: a new process, IDLE, nothing of the old one kept (MS-FAQ,
  // MS-RESTART).
  if (sync.process == P::kDown) {
    if (trigger == T::kRestart && sync.state != S::kNone) {
      if (sync.state == S::kCommitting && sync.options.verification) {
        return mso::Moves(mso::In(sync, sync.state, P::kExited), {"D13"});
      }
      return mso::Moves(mso::In(sync, sync.state, P::kUp), {"D8"});
    }
    return mso::IsApiCall(trigger) ? mso::Refused(sync, "ConnectionRefused")
                                   : mso::DoesNotOccur(sync);
  }
  if (sync.process == P::kExited) {
    if (trigger == T::kWipeDestinationAndRestart) {
      model::mongosync::Sync fresh;
      fresh.state = S::kIdle;
      fresh.process = P::kUp;
      return mso::Moves(fresh);
    }
    return mso::IsApiCall(trigger) ? mso::Refused(sync, "ConnectionRefused")
                                   : mso::DoesNotOccur(sync);
  }
  return mso::UpNext(sync, trigger, body);
}

}  // namespace pipecheck::oracle
