// tests/clickpipe_table_test.cc: the ClickPipe table against the spec.
//
// Goal: every (state, trigger) pair of both profiles, in every well-formed
// context, does what spec/lifecycles.md section 1 (and docs/decisions.md)
// says: accepted pairs go to the stated state, refused pairs give the API's
// error and leave the pipe unchanged.
//
// Method: `Oracle` below is a second, independent transcription of the spec,
// written as the prose rules of the documents rather than as rows. The test
// enumerates every state, trigger, mode and context and compares Step with
// the oracle. Further tests check each row is reachable through Step, that
// no two rows are ever enabled together, and the named guards of the issue.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/clickpipe.h"

namespace pipecheck::model::clickpipe {
namespace {

using S = State;
using T = Trigger;

struct Expected {
  bool accepted;
  State to;                 // When accepted.
  int http_status = 0;      // When refused; 0 for events and faults.
  std::string message = {};  // When refused: a substring of the message.
};

Expected Go(State to) { return {true, to}; }
Expected Refuse(int status, std::string message) { return {false, S::kNone, status, message}; }
Expected NotEnabled() { return {false, S::kNone, 0, "does not occur"}; }

bool Cdc(Mode mode) { return mode != Mode::kSnapshot; }

bool IsFaultFreeTransient(State s) {
  return s == S::kProvisioning || s == S::kSetup || s == S::kSnapshot || s == S::kPausing ||
         s == S::kModifying || s == S::kResync;
}

// The spec as rules. Profile `current`: lifecycles.md 1.3 and the decisions.
Expected CurrentOracle(const Pipe& p, Trigger t) {
  const bool kept = p.resume_point_in_oplog;
  const bool steady = p.state == S::kRunning || p.state == S::kPaused ||
                      p.state == S::kFailed || p.state == S::kCompleted;
  switch (t) {
    case T::kCreate:
      if (p.state == S::kNone) return Go(S::kProvisioning);
      return Refuse(400, "already exists");
    default:
      break;
  }
  if (p.state == S::kNone) {
    if (KindOf(t) == TriggerKind::kOperation) return Refuse(404, "not found");
    return NotEnabled();
  }
  switch (t) {
    case T::kPause:
      if (p.state == S::kRunning && Cdc(p.mode)) return Go(S::kPausing);
      if (p.state == S::kPaused) return Go(S::kPaused);  // Idempotent (TF).
      return Refuse(400, "does not accept pause");       // D5.
    case T::kResume:
      if (p.state == S::kRunning) return Refuse(400, "ClickPipe is already running");
      if (p.state == S::kPaused) return kept ? Go(S::kRunning) : Go(S::kFailed);
      if (p.state == S::kFailed && Cdc(p.mode)) {
        if (p.cause == Cause::kIrrecoverableError) return Refuse(400, "irrecoverable");
        if (!kept) return Refuse(400, "resume point may no longer be in the oplog");
        return Go(S::kRunning);  // D2.
      }
      return Refuse(400, "does not accept resume");
    case T::kResync:
      if (steady) return Go(S::kSetup);  // D3.
      return Refuse(400, "does not accept resync");
    case T::kAddTables:
      if (p.state == S::kPaused) return Go(S::kSetup);
      return Refuse(400, "ClickPipe must be paused to edit");
    case T::kRemoveTables:
      if (p.state == S::kPaused) return Go(S::kModifying);
      return Refuse(400, "ClickPipe must be paused to edit");
    case T::kEditSettings:
      if (p.state == S::kPaused) return Go(S::kPaused);  // D6.
      return Refuse(400, "ClickPipe must be paused to edit");
    case T::kProvisioned:
      return p.state == S::kProvisioning ? Go(S::kSetup) : NotEnabled();
    case T::kTablesCreated:
      if (p.state != S::kSetup) return NotEnabled();
      if (p.mode == Mode::kCdcOnly && !p.in_resync && !p.adding_tables) {
        return kept ? Go(S::kRunning) : Go(S::kFailed);  // D11: no Running with a gap.
      }
      return Go(S::kSnapshot);
    case T::kInitialLoadDone:
      if (p.state != S::kSnapshot) return NotEnabled();
      if (p.in_resync) return Go(S::kResync);
      if (p.mode == Mode::kSnapshot) return Go(S::kCompleted);
      return kept ? Go(S::kRunning) : Go(S::kFailed);  // D1: no Running with a gap.
    case T::kCdcStopped:
      return p.state == S::kPausing ? Go(S::kPaused) : NotEnabled();
    case T::kTablesRemoved:
      if (p.state != S::kModifying) return NotEnabled();
      return kept ? Go(S::kRunning) : Go(S::kFailed);
    case T::kSwapDone:
      if (p.state != S::kResync) return NotEnabled();
      if (p.mode == Mode::kSnapshot) return Go(S::kCompleted);  // D4.
      return kept ? Go(S::kRunning) : Go(S::kFailed);
    case T::kIrrecoverableError:
      if (p.state == S::kCompleted || p.state == S::kFailed) return NotEnabled();
      return Go(S::kFailed);
    case T::kResumePointLost:
      // Only pipes with CDC hold a resume point; losing it fails Running
      // (D1) and changes nothing elsewhere until the next pull (D11).
      if (!Cdc(p.mode) || p.state == S::kCompleted) return NotEnabled();
      if (p.state == S::kRunning) return Go(S::kFailed);
      return kept ? Go(p.state) : NotEnabled();
    case T::kComputeCrash:
      return IsFaultFreeTransient(p.state) || p.state == S::kRunning ? Go(p.state) : NotEnabled();
    case T::kDestinationUnavailable:
      return p.state == S::kSnapshot || p.state == S::kRunning || p.state == S::kResync
                 ? Go(p.state)
                 : NotEnabled();
    case T::kLag:
      return p.state == S::kRunning ? Go(S::kRunning) : NotEnabled();
    default:
      break;
  }
  ADD_FAILURE() << "oracle has no rule for " << ToString(t);
  return NotEnabled();
}

// Profile `2024`: lifecycles.md 1.4, with D1, D9-D11 applied as in current.
Expected OldOracle(const Pipe& p, Trigger t) {
  const bool kept = p.resume_point_in_oplog;
  if (t == T::kCreate) {
    return p.state == S::kNone ? Go(S::kProvisioning) : Refuse(400, "already exists");
  }
  if (p.state == S::kNone) {
    return KindOf(t) == TriggerKind::kOperation ? Refuse(404, "not found") : NotEnabled();
  }
  switch (t) {
    case T::kPause:
      if (p.state == S::kRunning) return Go(S::kPaused);  // No Pausing in 2024.
      if (p.state == S::kPaused) return Go(S::kPaused);
      return Refuse(400, "does not accept pause");
    case T::kResume:
      if (p.state == S::kRunning) return Refuse(400, "ClickPipe is already running");
      if (p.state == S::kPaused) return kept ? Go(S::kRunning) : Go(S::kFailed);
      return Refuse(400, "does not accept resume");
    case T::kResync:
    case T::kAddTables:
      if (p.state == S::kRunning || p.state == S::kFailed) return Go(S::kSnapshot);
      return Refuse(400, "does not accept");
    case T::kRemoveTables:
    case T::kEditSettings:
      return Refuse(400, "does not accept");
    case T::kProvisioned:
      return p.state == S::kProvisioning ? Go(S::kSetup) : NotEnabled();
    case T::kTablesCreated:
      return p.state == S::kSetup ? Go(S::kSnapshot) : NotEnabled();
    case T::kInitialLoadDone:
      if (p.state != S::kSnapshot) return NotEnabled();
      return kept ? Go(S::kRunning) : Go(S::kFailed);
    case T::kCdcStopped:
    case T::kTablesRemoved:
    case T::kSwapDone:
      return NotEnabled();
    case T::kIrrecoverableError:
      return p.state == S::kFailed ? NotEnabled() : Go(S::kFailed);
    case T::kResumePointLost:
      if (p.state == S::kRunning) return Go(S::kFailed);
      return kept ? Go(p.state) : NotEnabled();
    case T::kComputeCrash:
      return p.state == S::kPaused || p.state == S::kFailed ? NotEnabled() : Go(p.state);
    case T::kDestinationUnavailable:
      return p.state == S::kSnapshot || p.state == S::kRunning ? Go(p.state) : NotEnabled();
    case T::kLag:
      return p.state == S::kRunning ? Go(S::kRunning) : NotEnabled();
    default:
      break;
  }
  ADD_FAILURE() << "oracle has no rule for " << ToString(t);
  return NotEnabled();
}

// Every well-formed pipe of a profile: a resync or an add_tables is in
// progress only in the states that load, and only one at a time; a cause is
// set only in Failed. Includes the pipe before create.
std::vector<Pipe> WellFormedPipes(Profile profile) {
  std::vector<State> states(States(profile).begin(), States(profile).end());
  states.push_back(S::kNone);
  std::vector<Mode> modes = {Mode::kCdc};
  if (HasModes(profile)) modes = {Mode::kCdc, Mode::kCdcOnly, Mode::kSnapshot};
  std::vector<Pipe> pipes;
  for (const State state : states) {
    if (state == S::kDegraded) continue;  // Declared only: no pipe is ever in it.
    const bool loading = state == S::kSetup || state == S::kSnapshot || state == S::kResync;
    for (const Mode mode : modes) {
      for (int load = 0; load < 3; ++load) {  // none, resync, add_tables
        if (load != 0 && !loading) continue;
        if (load == 2 && state == S::kResync) continue;
        for (const bool kept : {true, false}) {
          for (const Cause cause :
               {Cause::kNone, Cause::kIrrecoverableError, Cause::kResumePointLost}) {
            if (cause != Cause::kNone && state != S::kFailed) continue;
            Pipe pipe;
            pipe.state = state;
            pipe.mode = mode;
            pipe.in_resync = load == 1;
            pipe.adding_tables = load == 2;
            pipe.resume_point_in_oplog = kept;
            pipe.cause = cause;
            pipes.push_back(pipe);
          }
        }
      }
    }
  }
  return pipes;
}

std::string Describe(Profile profile, const Pipe& p, Trigger t) {
  return std::string(ToString(profile)) + " " + std::string(ToString(p.state)) + " mode=" +
         std::string(ToString(p.mode)) + " resync=" + std::to_string(p.in_resync) +
         " adding=" + std::to_string(p.adding_tables) +
         " kept=" + std::to_string(p.resume_point_in_oplog) + " cause=" +
         std::string(ToString(p.cause)) + " --" + std::string(ToString(t)) + "-->";
}

void CheckMatrix(Profile profile, Expected (*oracle)(const Pipe&, Trigger)) {
  const Table& table = TableOf(profile);
  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (const Pipe& pipe : WellFormedPipes(profile)) {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const auto trigger = static_cast<Trigger>(t);
      const Expected expected = oracle(pipe, trigger);
      const StepResult result = Step(table, pipe, trigger);
      const std::string where = Describe(profile, pipe, trigger);
      ASSERT_EQ(result.accepted, expected.accepted) << where;
      if (expected.accepted) {
        ++accepted;
        EXPECT_EQ(result.next.state, expected.to) << where;
        EXPECT_EQ(table.rows()[result.row].from, pipe.state) << where;
        EXPECT_EQ(table.rows()[result.row].trigger, trigger) << where;
      } else {
        ++refused;
        EXPECT_EQ(result.next, pipe) << where << " refused but changed the pipe";
        const RefusalText text = Explain(pipe, trigger, result.refusal);
        EXPECT_EQ(text.http_status, expected.http_status) << where << " " << text.message;
        EXPECT_NE(text.message.find(expected.message), std::string::npos)
            << where << " message '" << text.message << "' lacks '" << expected.message << "'";
      }
    }
  }
  // Both halves of the matrix are exercised, so neither check is vacuous.
  EXPECT_GT(accepted, 50U);
  EXPECT_GT(refused, 50U);
}

TEST(ClickPipeTable, CurrentProfileMatchesTheSpecForEveryStateTriggerAndContext) {
  CheckMatrix(Profile::kCurrent, &CurrentOracle);
}

TEST(ClickPipeTable, Profile2024MatchesTheSpecForEveryStateTriggerAndContext) {
  CheckMatrix(Profile::k2024, &OldOracle);
}

// Every context, well-formed or not: a pair never has two enabled rows, so
// the order of rows in the table can never change behaviour.
TEST(ClickPipeTable, AtMostOneRowIsEnabledInEveryContext) {
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    const Table& table = TableOf(profile);
    for (std::size_t s = 0; s < kStateCount; ++s) {
      for (std::size_t m = 0; m < kModeCount; ++m) {
        for (int bits = 0; bits < 8; ++bits) {
          for (std::size_t c = 0; c < kCauseNames.size(); ++c) {
            Pipe pipe{static_cast<State>(s), static_cast<Mode>(m), (bits & 1) != 0,
                      (bits & 2) != 0, (bits & 4) != 0, static_cast<Cause>(c)};
            for (std::size_t t = 0; t < kTriggerCount; ++t) {
              int enabled = 0;
              for (const auto index : table.RowsOf(pipe.state, static_cast<Trigger>(t))) {
                const Row& row = table.rows()[index];
                if (Contains(row.modes, pipe.mode) && Holds(row.guard, pipe)) ++enabled;
              }
              EXPECT_LE(enabled, 1) << Describe(profile, pipe, static_cast<Trigger>(t));
            }
          }
        }
      }
    }
  }
}

// Each row, for a pipe that satisfies its mode and guard, is the row Step
// takes: no row is shadowed, and each goes where it says.
TEST(ClickPipeTable, EveryRowIsTakenByStepWhenItsGuardHolds) {
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    const Table& table = TableOf(profile);
    std::set<std::size_t> taken;
    for (const Pipe& pipe : WellFormedPipes(profile)) {
      for (std::size_t t = 0; t < kTriggerCount; ++t) {
        const StepResult result = Step(table, pipe, static_cast<Trigger>(t));
        if (!result.accepted) continue;
        taken.insert(result.row);
        const Row& row = table.rows()[result.row];
        EXPECT_EQ(result.next.state, row.to);
        EXPECT_TRUE(Contains(row.modes, pipe.mode));
        EXPECT_TRUE(Holds(row.guard, pipe));
      }
    }
    for (std::size_t i = 0; i < table.rows().size(); ++i) {
      EXPECT_TRUE(taken.count(i)) << ToString(profile) << " row " << i << " ("
                                  << ToString(table.rows()[i].from) << " --"
                                  << ToString(table.rows()[i].trigger) << "-->) is never taken";
    }
  }
}

TEST(ClickPipeTable, EveryRowCitesASourceAndInferredRowsNameTheirDecision) {
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    for (const Row& row : TableOf(profile).rows()) {
      EXPECT_FALSE(row.evidence.source.empty());
      EXPECT_EQ(row.evidence.status() == Status::kInferred, !row.evidence.decision.empty());
      EXPECT_TRUE(Declares(profile, row.to));
      EXPECT_TRUE(row.from == S::kNone || Declares(profile, row.from));
      EXPECT_NE(row.modes, 0);
    }
  }
}

TEST(ClickPipeTable, ProfilesDeclareTheSpecStates) {
  EXPECT_EQ(States(Profile::kCurrent).size(), 10U);
  EXPECT_EQ(States(Profile::k2024).size(), 7U);
  EXPECT_FALSE(Declares(Profile::kCurrent, S::kDegraded));
  EXPECT_TRUE(Declares(Profile::k2024, S::kDegraded));
  EXPECT_EQ(KindOf(S::kDegraded), StateKind::kDeclaredOnly);
  for (const State gone : {S::kPausing, S::kModifying, S::kResync, S::kCompleted}) {
    EXPECT_FALSE(Declares(Profile::k2024, gone)) << ToString(gone);
  }
  // Nothing moves into Degraded: it is declared and unreachable.
  for (const Row& row : TableOf(Profile::k2024).rows()) EXPECT_NE(row.to, S::kDegraded);
}

TEST(ClickPipeTable, NamesRoundTrip) {
  for (std::size_t s = 1; s < kStateCount; ++s) {
    EXPECT_EQ(ParseState(kStateNames[s]), static_cast<State>(s));
  }
  for (std::size_t t = 0; t < kTriggerCount; ++t) {
    EXPECT_EQ(ParseTrigger(kTriggerNames[t]), static_cast<Trigger>(t));
  }
  EXPECT_EQ(ParseState("none"), S::kNone);
  EXPECT_FALSE(ParseState("running").has_value());  // Spelled as the API spells it.
  EXPECT_FALSE(ParseState("Stopped").has_value());
}

// The guards the issue names, as claims.
TEST(ClickPipeGuards, ResumeFromPausedWithTheResumePointLostFailsWithThatCause) {
  Pipe pipe{S::kPaused, Mode::kCdc, false, false, false, Cause::kNone};
  const StepResult result = Step(TableOf(Profile::kCurrent), pipe, T::kResume);
  ASSERT_TRUE(result.accepted);
  EXPECT_EQ(result.next.state, S::kFailed);
  EXPECT_EQ(result.next.cause, Cause::kResumePointLost);
  pipe.resume_point_in_oplog = true;
  EXPECT_EQ(Step(TableOf(Profile::kCurrent), pipe, T::kResume).next.state, S::kRunning);
}

TEST(ClickPipeGuards, ResumeFromFailedAfterALostResumePointIsRefusedWithTheFaqText) {
  Pipe pipe{S::kFailed, Mode::kCdc, false, false, false, Cause::kResumePointLost};
  const StepResult result = Step(TableOf(Profile::kCurrent), pipe, T::kResume);
  EXPECT_FALSE(result.accepted);
  EXPECT_EQ(Explain(pipe, T::kResume, result.refusal).message,
            "resume of change stream was not possible, as the resume point may no longer be in "
            "the oplog.");
}

TEST(ClickPipeGuards, OnlySnapshotModeReachesCompletedFromSnapshot) {
  for (const Mode mode : {Mode::kCdc, Mode::kCdcOnly, Mode::kSnapshot}) {
    const Pipe pipe{S::kSnapshot, mode, false, false, true, Cause::kNone};
    const StepResult result = Step(TableOf(Profile::kCurrent), pipe, T::kInitialLoadDone);
    ASSERT_TRUE(result.accepted);
    EXPECT_EQ(result.next.state == S::kCompleted, mode == Mode::kSnapshot) << ToString(mode);
  }
}

TEST(ClickPipeGuards, CdcOnlyPipeSkipsSnapshotOnCreateButNotOnResync) {
  Pipe pipe{S::kSetup, Mode::kCdcOnly, false, false, true, Cause::kNone};
  EXPECT_EQ(Step(TableOf(Profile::kCurrent), pipe, T::kTablesCreated).next.state, S::kRunning);
  pipe.in_resync = true;
  EXPECT_EQ(Step(TableOf(Profile::kCurrent), pipe, T::kTablesCreated).next.state, S::kSnapshot);
}

TEST(ClickPipeRows, RunningPauseRowIsStatedByTheLifecycleDoc) {
  const Pipe pipe{S::kRunning, Mode::kCdc, false, false, true, Cause::kNone};
  const Table& table = TableOf(Profile::kCurrent);
  const StepResult result = Step(table, pipe, T::kPause);
  ASSERT_TRUE(result.accepted);
  const Row& row = table.rows()[result.row];
  EXPECT_EQ(row.to, S::kPausing);
  EXPECT_EQ(row.evidence.source, "CP-LC");
  EXPECT_EQ(row.evidence.status(), Status::kStated);
}

}  // namespace
}  // namespace pipecheck::model::clickpipe
