// tests/mongosync_table_test.cc: the mongosync table against the spec.
//
// Goal: every (state, process, trigger) of mongosync, in every context and
// for every /start body that matters, does what spec/lifecycles.md section 2
// says, and a refused call answers {success:false, error, errorDescription}
// with the sync unchanged.
//
// Method: as for ClickPipe, `Oracle` is an independent transcription of the
// spec's prose (the MS-ST table of permitted operations, the transitions of
// MS-TR, the process rules of MS-FAQ), compared with Step over the whole
// enumerated context space.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/mongosync.h"

namespace pipecheck::model::mongosync {
namespace {

using S = State;
using P = Process;
using T = Trigger;

struct Expected {
  bool accepted;
  State to = S::kNone;
  Process process = P::kUp;
  std::string error = {};  // The `error` name when refused; empty when not enabled.
};

Expected Go(State to, Process process = P::kUp) { return {true, to, process}; }
Expected Refuse(std::string error) { return {false, S::kNone, P::kUp, std::move(error)}; }
Expected NotEnabled() { return {false, S::kNone, P::kUp, ""}; }

bool IsApi(Trigger t) {
  return t == T::kStart || t == T::kPause || t == T::kResume || t == T::kCommit ||
         t == T::kReverse || t == T::kProgress;
}

Expected Oracle(const Sync& s, Trigger t, const StartOptions& body) {
  // While the process is not up, no API call connects; only the operator
  // can restart (down) or wipe and restart (exited).
  if (s.process == P::kDown) {
    if (t == T::kRestart && s.state != S::kNone) {
      if (s.state == S::kCommitting && s.options.verification) {
        return Go(S::kCommitting, P::kExited);  // MS-RN 1.10, D13.
      }
      return Go(s.state, P::kUp);  // D8: the persisted state.
    }
    return IsApi(t) ? Refuse("ConnectionRefused") : NotEnabled();
  }
  if (s.process == P::kExited) {
    if (t == T::kWipeDestinationAndRestart &&
        (s.state == S::kRunning || s.state == S::kPaused || s.state == S::kCommitting)) {
      return Go(S::kIdle, P::kUp);
    }
    return IsApi(t) ? Refuse("ConnectionRefused") : NotEnabled();
  }
  if (s.state == S::kNone) {
    if (t == T::kConnected) return Go(S::kIdle);
    return IsApi(t) ? Refuse("InvalidState") : NotEnabled();
  }
  const bool can_commit = s.state == S::kRunning &&
                          s.phase == Phase::kChangeEventApplication && !s.lag_high;
  switch (t) {
    case T::kProgress:
      return Go(s.state);  // Accepted in every state (MS-PROG).
    case T::kStart:
      if (s.state != S::kIdle) return Refuse("InvalidState");
      if (body.build_indexes == BuildIndexes::kNever && body.reversible) {
        return Refuse("InvalidStartOptions");
      }
      return Go(S::kRunning);
    case T::kPause:
      return s.state == S::kRunning ? Go(S::kPaused) : Refuse("InvalidState");
    case T::kResume:
      return s.state == S::kPaused ? Go(S::kRunning) : Refuse("InvalidState");
    case T::kCommit:
      if (s.state != S::kRunning) return Refuse("InvalidState");
      return can_commit ? Go(S::kCommitting) : Refuse("CommitNotReady");
    case T::kReverse:
      if (s.state != S::kCommitted) return Refuse("InvalidState");
      if (s.options.reversible &&
          s.options.write_blocking == WriteBlocking::kSourceAndDestination) {
        return Go(S::kReversing);
      }
      return Refuse("ReverseNotAllowed");
    case T::kCopyDone:
      return s.state == S::kRunning && s.phase == Phase::kCollectionCopy ? Go(S::kRunning)
                                                                          : NotEnabled();
    case T::kWritesEnabled:
      return s.state == S::kCommitting && !s.can_write ? Go(S::kCommitting) : NotEnabled();
    case T::kCommitDone:
      return s.state == S::kCommitting && s.can_write ? Go(S::kCommitted) : NotEnabled();
    case T::kReverseDone:
      return s.state == S::kReversing ? Go(S::kRunning) : NotEnabled();
    case T::kLag:
      return s.state == S::kRunning && !s.lag_high ? Go(S::kRunning) : NotEnabled();
    case T::kLagRecovered:
      return s.state == S::kRunning && s.lag_high ? Go(S::kRunning) : NotEnabled();
    case T::kCrash:
      return Go(s.state, P::kDown);
    case T::kOplogRollover:
      // RUNNING and PAUSED (MS-OPL); COMMITTING too (D15).
      return s.state == S::kRunning || s.state == S::kPaused || s.state == S::kCommitting
                 ? Go(s.state, P::kExited)
                 : NotEnabled();
    case T::kVerifierMismatch:
      return s.state == S::kCommitting && s.options.verification ? Go(s.state, P::kExited)
                                                                 : NotEnabled();
    case T::kRestart:
    case T::kWipeDestinationAndRestart:
    case T::kConnected:
      return NotEnabled();
  }
  ADD_FAILURE() << "oracle has no rule for " << ToString(t);
  return NotEnabled();
}

std::vector<Sync> AllSyncs() {
  std::vector<Sync> syncs;
  for (std::size_t s = 0; s < kStateCount; ++s) {
    for (const Process process : {P::kUp, P::kDown, P::kExited}) {
      for (int bits = 0; bits < 32; ++bits) {
        for (const WriteBlocking wb : {WriteBlocking::kNone, WriteBlocking::kDestinationOnly,
                                       WriteBlocking::kSourceAndDestination}) {
          Sync sync;
          sync.state = static_cast<State>(s);
          sync.process = process;
          sync.phase = (bits & 1) != 0 ? Phase::kChangeEventApplication : Phase::kCollectionCopy;
          sync.lag_high = (bits & 2) != 0;
          sync.can_write = (bits & 4) != 0;
          sync.options.reversible = (bits & 8) != 0;
          sync.options.verification = (bits & 16) != 0;
          sync.options.write_blocking = wb;
          syncs.push_back(sync);
        }
      }
    }
  }
  return syncs;
}

std::vector<StartOptions> Bodies() {
  std::vector<StartOptions> bodies;
  for (const BuildIndexes build : {BuildIndexes::kAfterDataCopy, BuildIndexes::kNever}) {
    for (const bool reversible : {false, true}) {
      StartOptions body;
      body.build_indexes = build;
      body.reversible = reversible;
      body.write_blocking = WriteBlocking::kSourceAndDestination;
      bodies.push_back(body);
    }
  }
  return bodies;
}

std::string Describe(const Sync& s, Trigger t) {
  return std::string(ToString(s.state)) + "/" + std::string(ToString(s.process)) +
         " phase=" + std::string(ToString(s.phase)) + " lag_high=" + std::to_string(s.lag_high) +
         " can_write=" + std::to_string(s.can_write) +
         " reversible=" + std::to_string(s.options.reversible) +
         " wb=" + std::string(ToString(s.options.write_blocking)) +
         " verification=" + std::to_string(s.options.verification) + " --" +
         std::string(ToString(t)) + "-->";
}

TEST(MongosyncTable, MatchesTheSpecForEveryStateProcessTriggerAndContext) {
  const Table& table = DefaultTable();
  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (const Sync& sync : AllSyncs()) {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const auto trigger = static_cast<Trigger>(t);
      for (const StartOptions& body : Bodies()) {
        const Expected expected = Oracle(sync, trigger, body);
        const StepResult result = Step(table, sync, trigger, body);
        const std::string where = Describe(sync, trigger);
        ASSERT_EQ(result.accepted, expected.accepted) << where;
        if (expected.accepted) {
          ++accepted;
          EXPECT_EQ(result.next.state, expected.to) << where;
          EXPECT_EQ(result.next.process, expected.process) << where;
        } else {
          ++refused;
          EXPECT_EQ(result.next, sync) << where << " refused but changed the sync";
          EXPECT_EQ(Explain(sync, trigger, result.refusal).error, expected.error) << where;
          EXPECT_FALSE(Explain(sync, trigger, result.refusal).description.empty()) << where;
        }
      }
    }
  }
  EXPECT_GT(accepted, 1000U);
  EXPECT_GT(refused, 1000U);
}

TEST(MongosyncTable, AtMostOneRowIsEnabledInEveryContext) {
  const Table& table = DefaultTable();
  for (const Sync& sync : AllSyncs()) {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      for (const StartOptions& body : Bodies()) {
        int enabled = 0;
        for (const auto index : table.RowsOf(sync.state, static_cast<Trigger>(t))) {
          const Row& row = table.rows()[index];
          if (row.process_from == sync.process && Holds(row.guard, sync, body)) ++enabled;
        }
        EXPECT_LE(enabled, 1) << Describe(sync, static_cast<Trigger>(t));
      }
    }
  }
}

TEST(MongosyncTable, EveryRowIsTakenByStepWhenItsGuardHolds) {
  const Table& table = DefaultTable();
  std::set<std::size_t> taken;
  for (const Sync& sync : AllSyncs()) {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      for (const StartOptions& body : Bodies()) {
        const StepResult result = Step(table, sync, static_cast<Trigger>(t), body);
        if (result.accepted) taken.insert(result.row);
      }
    }
  }
  for (std::size_t i = 0; i < table.rows().size(); ++i) {
    EXPECT_TRUE(taken.count(i)) << "row " << i << " is never taken";
  }
}

TEST(MongosyncTable, EveryRowCitesASourceAndInferredRowsNameTheirDecision) {
  for (const Row& row : DefaultTable().rows()) {
    EXPECT_FALSE(row.evidence.source.empty());
    EXPECT_EQ(row.evidence.status() == Status::kInferred, !row.evidence.decision.empty());
    EXPECT_NE(row.to, S::kNone);
  }
  EXPECT_EQ(States().size(), 6U);
}

// The guards the issue names, as claims.
TEST(MongosyncGuards, CommitWithCanCommitFalseIsRefusedAndTheSyncKeepsRunning) {
  Sync sync;
  sync.state = S::kRunning;
  sync.phase = Phase::kChangeEventApplication;
  sync.lag_high = true;
  ASSERT_FALSE(CanCommit(sync));
  const StepResult refused = Step(DefaultTable(), sync, T::kCommit);
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.next.state, S::kRunning);
  EXPECT_EQ(Explain(sync, T::kCommit, refused.refusal).error, "CommitNotReady");
  sync.lag_high = false;
  ASSERT_TRUE(CanCommit(sync));
  EXPECT_EQ(Step(DefaultTable(), sync, T::kCommit).next.state, S::kCommitting);
}

TEST(MongosyncGuards, ReverseWithoutReversibleIsRefused) {
  Sync sync;
  sync.state = S::kCommitted;
  sync.options.write_blocking = WriteBlocking::kSourceAndDestination;
  sync.options.reversible = false;
  const StepResult refused = Step(DefaultTable(), sync, T::kReverse);
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(Explain(sync, T::kReverse, refused.refusal).error, "ReverseNotAllowed");
  sync.options.reversible = true;
  EXPECT_EQ(Step(DefaultTable(), sync, T::kReverse).next.state, S::kReversing);
  sync.options.write_blocking = WriteBlocking::kDestinationOnly;  // Also required.
  EXPECT_FALSE(Step(DefaultTable(), sync, T::kReverse).accepted);
}

TEST(MongosyncGuards, StartWithBuildIndexesNeverAndReversibleIsRefused) {
  Sync sync;
  sync.state = S::kIdle;
  StartOptions body;
  body.build_indexes = BuildIndexes::kNever;
  body.reversible = true;
  const StepResult refused = Step(DefaultTable(), sync, T::kStart, body);
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.next, sync);
  EXPECT_EQ(Explain(sync, T::kStart, refused.refusal).error, "InvalidStartOptions");
  body.reversible = false;
  const StepResult started = Step(DefaultTable(), sync, T::kStart, body);
  ASSERT_TRUE(started.accepted);
  EXPECT_EQ(started.next.options.build_indexes, BuildIndexes::kNever);
  EXPECT_EQ(started.next.phase, Phase::kCollectionCopy);
}

TEST(MongosyncGuards, CanWriteComesTrueDuringCommittingBeforeCommitted) {
  Sync sync;
  sync.state = S::kCommitting;
  EXPECT_FALSE(Step(DefaultTable(), sync, T::kCommitDone).accepted);
  const StepResult writes = Step(DefaultTable(), sync, T::kWritesEnabled);
  ASSERT_TRUE(writes.accepted);
  EXPECT_TRUE(writes.next.can_write);
  EXPECT_EQ(writes.next.state, S::kCommitting);
  EXPECT_EQ(Step(DefaultTable(), writes.next, T::kCommitDone).next.state, S::kCommitted);
}

TEST(MongosyncGuards, ReverseDoneSwapsDirectionAndWithdrawsCanWrite) {
  Sync sync;
  sync.state = S::kReversing;
  sync.can_write = true;
  const StepResult done = Step(DefaultTable(), sync, T::kReverseDone);
  ASSERT_TRUE(done.accepted);
  EXPECT_EQ(done.next.state, S::kRunning);
  EXPECT_TRUE(done.next.reversed);
  EXPECT_FALSE(done.next.can_write);
  EXPECT_EQ(done.next.phase, Phase::kChangeEventApplication);
}

TEST(MongosyncNames, NamesRoundTrip) {
  for (std::size_t s = 1; s < kStateCount; ++s) {
    EXPECT_EQ(ParseState(kStateNames[s]), static_cast<State>(s));
  }
  for (std::size_t t = 0; t < kTriggerCount; ++t) {
    EXPECT_EQ(ParseTrigger(kTriggerNames[t]), static_cast<Trigger>(t));
  }
  EXPECT_FALSE(ParseState("Running").has_value());  // mongosync spells it RUNNING.
  EXPECT_FALSE(ParseState("INITIALIZING").has_value());
}

}  // namespace
}  // namespace pipecheck::model::mongosync
