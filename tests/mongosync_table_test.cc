// tests/mongosync_table_test.cc: the mongosync table against the spec.
//
// Goal: every (state, process, trigger) of mongosync, in every well-formed
// context and for every /start body that matters, does what
// spec/lifecycles.md section 2 says: an accepted step gives the whole next
// Sync the spec describes, on the decision the spec names when it rests on
// one; a refused call answers {success:false, error, errorDescription} with
// the sync unchanged; every source and decision a row cites is one the
// documents define.
//
// Method: as for ClickPipe, the oracle (tests/oracle/mongosync_oracle.h) is an
// independent transcription of the spec's prose (the MS-ST table of permitted
// operations, the transitions of MS-TR, the process rules of MS-FAQ), compared
// with Step over the whole enumerated context space; the stateful test uses
// the same oracle as its shadow model.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "bindings/mongosync.h"
#include "model/input_error.h"
#include "model/mongosync.h"
#include "properties/explorer.h"
#include "properties/mongosync_space.h"
#include "tests/oracle/mongosync_oracle.h"
#include "tests/oracle/spec_files.h"

namespace pipecheck::model::mongosync {
namespace {

using S = State;
using P = Process;
using T = Trigger;

// Every well-formed sync: each state with each process, phase, lag, canWrite
// and start options, except a process that is down before it ever connected
// (a crash needs a lifecycle state) or that has exited where nothing exits (an
// exit happens in RUNNING and PAUSED, MS-OPL, and in COMMITTING, MS-EMB, D13,
// D15).
std::vector<Sync> AllSyncs() {
  std::vector<Sync> syncs;
  for (std::size_t s = 0; s < kStateCount; ++s) {
    const auto state = static_cast<State>(s);
    for (const Process process : {P::kUp, P::kDown, P::kExited}) {
      if (process == P::kDown && state == S::kNone) continue;
      if (process == P::kExited && state != S::kRunning && state != S::kPaused &&
          state != S::kCommitting) {
        continue;
      }
      for (int bits = 0; bits < 32; ++bits) {
        for (const WriteBlocking wb : {WriteBlocking::kNone, WriteBlocking::kDestinationOnly,
                                       WriteBlocking::kSourceAndDestination}) {
          Sync sync;
          sync.state = state;
          sync.process = process;
          sync.phase = (bits & 1) != 0 ? Phase::kChangeEventApplication : Phase::kCollectionCopy;
          sync.lag_high = (bits & 2) != 0;
          sync.can_write = (bits & 4) != 0;
          sync.options.reversible = (bits & 8) != 0;
          sync.options.verification = (bits & 16) != 0;
          sync.options.write_blocking = wb;
          for (const bool reversed : {false, true}) {
            sync.reversed = reversed;
            syncs.push_back(sync);
          }
        }
      }
    }
  }
  return syncs;
}

// /start bodies: the one refused combination and its neighbours, with options
// that differ from the defaults so that a start that drops them is seen.
std::vector<StartOptions> Bodies() {
  std::vector<StartOptions> bodies;
  for (const BuildIndexes build : {BuildIndexes::kAfterDataCopy, BuildIndexes::kNever}) {
    for (const bool reversible : {false, true}) {
      StartOptions body;
      body.build_indexes = build;
      body.reversible = reversible;
      body.write_blocking = WriteBlocking::kSourceAndDestination;
      body.verification = !reversible;
      bodies.push_back(body);
    }
  }
  return bodies;
}

std::string Describe(const Sync& s) {
  return std::string(ToString(s.state)) + "/" + std::string(ToString(s.process)) +
         " phase=" + std::string(ToString(s.phase)) + " lag_high=" + std::to_string(s.lag_high) +
         " can_write=" + std::to_string(s.can_write) + " reversed=" + std::to_string(s.reversed) +
         " reversible=" + std::to_string(s.options.reversible) +
         " wb=" + std::string(ToString(s.options.write_blocking)) +
         " build=" + std::string(ToString(s.options.build_indexes)) +
         " verification=" + std::to_string(s.options.verification);
}

std::string Describe(const Sync& s, Trigger t) {
  return Describe(s) + " --" + std::string(ToString(t)) + "-->";
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

// Step against the oracle for every well-formed sync, trigger and /start
// body: the same answer, the same whole next Sync (state, process, phase,
// lag, canWrite, direction, start options), the same `error` name, and an
// accepted step's row is inferred exactly when the oracle rests the
// transition on a decision, and cites one of the decisions the oracle names.
TEST(MongosyncTable, MatchesTheSpecForEveryStateProcessTriggerAndContext) {
  const Table& table = DefaultTable();
  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (const Sync& sync : AllSyncs()) {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const auto trigger = static_cast<Trigger>(t);
      for (const StartOptions& body : Bodies()) {
        const oracle::MongosyncVerdict expected = oracle::MongosyncNext(sync, trigger, body);
        const StepResult result = Step(table, sync, trigger, body);
        const std::string where = Describe(sync, trigger);
        ASSERT_EQ(result.accepted, expected.accepted) << where;
        EXPECT_EQ(result.next, expected.next)
            << where << "\n  table:  " << Describe(result.next)
            << "\n  oracle: " << Describe(expected.next);
        if (expected.accepted) {
          ++accepted;
          const Row& row = table.rows()[result.row];
          EXPECT_EQ(row.from, sync.state) << where;
          EXPECT_EQ(row.trigger, trigger) << where;
          EXPECT_EQ(row.evidence.decision.empty(), expected.decisions.empty())
              << where << " row cites '" << row.evidence.decision << "'";
          if (!expected.decisions.empty()) {
            EXPECT_TRUE(Contains(expected.decisions, row.evidence.decision))
                << where << " row cites '" << row.evidence.decision << "', the spec rests it on "
                << expected.decisions.front();
          }
        } else {
          ++refused;
          EXPECT_EQ(Explain(sync, trigger, result.refusal).error, expected.error) << where;
          EXPECT_FALSE(Explain(sync, trigger, result.refusal).message.empty()) << where;
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

// The evidence a row cites exists: each source key is one of the keys of
// spec/sources.md, each decision one that spec/lifecycles.md section 4 or
// docs/decisions.md defines (both read at test time). Whether a row should be
// inferred at all, and on which decision, the matrix asks the oracle.
TEST(MongosyncTable, EveryRowCitesSourcesAndDecisionsTheSpecDefines) {
  const auto spec = oracle::SpecFiles::Read(PIPECHECK_SPEC_DIR, PIPECHECK_SOURCE_DIR);
  const auto rows = DefaultTable().rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const std::string where = "row " + std::to_string(i) + " (" +
                              std::string(ToString(row.from)) + " --" +
                              std::string(ToString(row.trigger)) + "-->)";
    EXPECT_FALSE(row.evidence.source.empty()) << where;
    for (const std::string& key : oracle::SplitKeys(row.evidence.source)) {
      EXPECT_TRUE(spec.DefinesSource(key))
          << where << " cites source '" << key << "', which spec/sources.md does not define";
    }
    if (!row.evidence.decision.empty()) {
      EXPECT_TRUE(spec.DefinesDecision(row.evidence.decision))
          << where << " cites decision '" << row.evidence.decision
          << "', which neither spec/lifecycles.md nor docs/decisions.md defines";
    }
    EXPECT_NE(row.to, S::kNone) << where;
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


// Every /start body: each option with each of its values.
std::vector<StartOptions> EveryBody() {
  std::vector<StartOptions> bodies;
  for (std::size_t b = 0; b < kBuildIndexesNames.size(); ++b) {
    for (std::size_t w = 0; w < kWriteBlockingNames.size(); ++w) {
      for (const bool reversible : {false, true}) {
        for (const bool verification : {false, true}) {
          bodies.push_back(StartOptions{reversible, static_cast<WriteBlocking>(w),
                                        static_cast<BuildIndexes>(b), verification});
        }
      }
    }
  }
  return bodies;
}

// Every context, possible or not.
std::vector<Sync> EveryContext() {
  std::vector<Sync> out;
  for (std::size_t s = 0; s < kStateCount; ++s) {
    for (std::size_t p = 0; p < kProcessNames.size(); ++p) {
      for (int bits = 0; bits < 16; ++bits) {
        for (const StartOptions& options : EveryBody()) {
          Sync sync;
          sync.state = static_cast<State>(s);
          sync.process = static_cast<Process>(p);
          sync.phase = (bits & 1) != 0 ? Phase::kChangeEventApplication : Phase::kCollectionCopy;
          sync.lag_high = (bits & 2) != 0;
          sync.can_write = (bits & 4) != 0;
          sync.reversed = (bits & 8) != 0;
          sync.options = options;
          out.push_back(sync);
        }
      }
    }
  }
  return out;
}

// The contexts some run produces: from the process before it connects, every
// trigger Step accepts with every /start body, faults unbounded.
std::set<Sync> Reachable() {
  const std::vector<StartOptions> bodies = EveryBody();
  std::set<Sync> seen = {Sync{}};
  std::vector<Sync> frontier = {Sync{}};
  while (!frontier.empty()) {
    const Sync sync = frontier.back();
    frontier.pop_back();
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const auto trigger = static_cast<Trigger>(t);
      for (const StartOptions& body : bodies) {
        const StepResult result = Step(DefaultTable(), sync, trigger, body);
        if (result.accepted && seen.insert(result.next).second) frontier.push_back(result.next);
        if (trigger != T::kStart) break;
      }
    }
  }
  return seen;
}

// FindImpossibleContext refuses exactly the contexts no run reaches.
TEST(MongosyncContexts, ExactlyTheContextsNoRunReachesAreImpossible) {
  const std::set<Sync> reachable = Reachable();
  std::size_t possible = 0;
  for (const Sync& sync : EveryContext()) {
    const auto conflict = FindImpossibleContext(sync);
    const bool reached = reachable.count(sync) != 0;
    possible += reached ? 1 : 0;
    EXPECT_EQ(!conflict.has_value(), reached)
        << Describe(sync) << ": "
        << (conflict ? "refused (" + conflict->key + ": " + conflict->message + ")"
                     : std::string("accepted"))
        << " but " << (reached ? "a run reaches it" : "no run reaches it");
  }
  EXPECT_GT(possible, 100U);
}

// The checker's own search agrees: every state it explores is possible.
TEST(MongosyncContexts, EveryExploredContextIsPossible) {
  const properties::MongosyncSpace space(DefaultTable(), {});
  properties::Explorer<properties::MongosyncSpace> explorer(space);
  ASSERT_TRUE(explorer.Run({}));
  for (std::uint32_t i = 0; i < explorer.states(); ++i) {
    const Sync sync = explorer.Unpack(i).sync;
    const auto conflict = FindImpossibleContext(sync);
    ASSERT_FALSE(conflict) << "explored " << Describe(sync) << " refused: " << conflict->message;
  }
}

std::optional<InputError> StepError(std::string state, std::string trigger,
                                    std::vector<std::string> settings) {
  bindings::StepFlags flags;
  flags.state = std::move(state);
  flags.trigger = std::move(trigger);
  flags.settings = std::move(settings);
  try {
    bindings::Mongosync::Step(flags);
  } catch (const InputError& error) {
    return error;
  }
  return std::nullopt;
}

// `step` refuses each impossible context naming the setting to change.
TEST(MongosyncContexts, StepRefusesEveryContextNoRunProduces) {
  struct Case {
    std::string state;
    std::vector<std::string> settings;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"COMMITTED", {}, "--set phase"},
      {"COMMITTED", {"phase=cea"}, "--set can_write"},
      {"REVERSING", {"phase=cea", "can_write=true"}, "--set reversible"},
      {"RUNNING", {"can_write=true"}, "--set can_write"},
      {"PAUSED", {"can_write=true"}, "--set can_write"},
      {"IDLE", {"reversible=true"}, "--set reversible"},
      {"IDLE", {"phase=cea"}, "--set phase"},
      {"IDLE", {"process=exited"}, "--set process"},
      {"COMMITTED", {"phase=cea", "can_write=true", "process=exited"}, "--set process"},
      {"none", {"process=down"}, "--set process"},
      {"COMMITTING", {"phase=cea", "lag_high=true"}, "--set lag_high"},
      {"RUNNING", {"reversed=true"}, "--set reversible"},
      {"RUNNING",
       {"reversed=true", "reversible=true", "write_blocking=sourceAndDestination"},
       "--set phase"},
      {"RUNNING", {"build_indexes=never", "reversible=true"}, "--set reversible"},
      {"RUNNING", {"can_commit=true", "process=down"}, "--set can_commit"},
  };
  for (const Case& c : cases) {
    const auto error = StepError(c.state, "progress", c.settings);
    ASSERT_TRUE(error) << c.state << " " << c.where;
    EXPECT_EQ(error->where(), c.where) << c.state;
  }
  // The same states with the context they need are answered.
  EXPECT_FALSE(StepError("COMMITTED", "reverse", {"phase=cea", "can_write=true"}));
  EXPECT_FALSE(StepError("RUNNING", "commit", {"can_commit=true"}));
  EXPECT_FALSE(StepError("PAUSED", "resume", {"can_commit=false"}));
}

// Every reachable context is accepted by step, through its flags.
TEST(MongosyncContexts, StepAcceptsEveryContextSomeRunReaches) {
  for (const Sync& sync : Reachable()) {
    const std::string state =
        sync.state == S::kNone ? "none" : std::string(ToString(sync.state));
    const auto flag = [](bool value) { return std::string(value ? "true" : "false"); };
    const std::vector<std::string> settings = {
        "process=" + std::string(ToString(sync.process)),
        std::string("phase=") +
            (sync.phase == Phase::kCollectionCopy ? "collection_copy" : "cea"),
        "lag_high=" + flag(sync.lag_high),
        "can_write=" + flag(sync.can_write),
        "reversed=" + flag(sync.reversed),
        "reversible=" + flag(sync.options.reversible),
        "write_blocking=" + std::string(ToString(sync.options.write_blocking)),
        "build_indexes=" + std::string(ToString(sync.options.build_indexes)),
        "verification=" + flag(sync.options.verification)};
    const auto error = StepError(state, "progress", settings);
    EXPECT_FALSE(error) << Describe(sync) << ": " << (error ? error->what() : "");
  }
}

}  // namespace
}  // namespace pipecheck::model::mongosync
