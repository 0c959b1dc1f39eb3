// tests/clickpipe_table_test.cc: the ClickPipe table against the spec.
//
// Goal: every (state, trigger) pair of both profiles, in every well-formed
// context, does what spec/lifecycles.md section 1 (and docs/decisions.md)
// says: accepted pairs go to the whole next context the spec describes (state,
// resync, added tables, resume point, cause), on the decision the spec names
// when it rests on one; refused pairs give the API's error and leave the pipe
// unchanged; every source and decision a row cites is one the documents define.
//
// Method: the oracle (tests/oracle/clickpipe_oracle.h) is a second,
// independent transcription of the spec, written as the prose rules of the
// documents rather than as rows; the stateful tests use the same oracle as
// their shadow model. The test enumerates every state, trigger, mode and
// context and compares Step with the oracle. Further tests check each row is
// reachable through Step, that no two rows are ever enabled together, and the
// named guards of the issue.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "bindings/clickpipe.h"
#include "model/clickpipe.h"
#include "model/input_error.h"
#include "properties/clickpipe_space.h"
#include "properties/explorer.h"
#include "tests/oracle/clickpipe_oracle.h"
#include "tests/oracle/divergences.h"
#include "tests/oracle/spec_files.h"

namespace pipecheck::model::clickpipe {
namespace {

using S = State;
using T = Trigger;

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

std::string Describe(const Pipe& p) {
  return std::string(ToString(p.state)) + " mode=" + std::string(ToString(p.mode)) +
         " resync=" + std::to_string(p.in_resync) + " adding=" + std::to_string(p.adding_tables) +
         " kept=" + std::to_string(p.resume_point_in_oplog) +
         " cause=" + std::string(ToString(p.cause));
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : " or ") + name;
  return text.empty() ? "none (stated)" : text;
}

// Step against the oracle for every well-formed pipe and trigger: the same
// answer, the same whole next context (state, mode, resync, added tables,
// resume point, cause), the same refusal, and an accepted step's row is
// inferred exactly when the oracle rests the transition on a decision, and
// cites one of the decisions the oracle names. Where the model knowingly
// departs from the spec (tests/oracle/divergences.h) it must still depart.
void CheckMatrix(Profile profile) {
  const Table& table = TableOf(profile);
  std::size_t accepted = 0;
  std::size_t refused = 0;
  std::size_t departures = 0;
  for (const Pipe& pipe : WellFormedPipes(profile)) {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const auto trigger = static_cast<Trigger>(t);
      const oracle::ClickPipeVerdict expected = oracle::ClickPipeNext(profile, pipe, trigger);
      const StepResult result = Step(table, pipe, trigger);
      const std::string where = Describe(profile, pipe, trigger);
      if (oracle::ClickPipeModelDepartsFromSpec(profile, pipe, trigger)) {
        ++departures;
        EXPECT_FALSE(result.accepted == expected.accepted && result.next == expected.next)
            << where << ": the table now follows the spec here; remove the entry from "
            << "tests/oracle/divergences.h";
        continue;
      }
      ASSERT_EQ(result.accepted, expected.accepted) << where;
      EXPECT_EQ(result.next, expected.next)
          << where << "\n  table:  " << Describe(result.next)
          << "\n  oracle: " << Describe(expected.next);
      if (expected.accepted) {
        ++accepted;
        const Row& row = table.rows()[result.row];
        EXPECT_EQ(row.from, pipe.state) << where;
        EXPECT_EQ(row.trigger, trigger) << where;
        EXPECT_EQ(row.evidence.decision.empty(), expected.decisions.empty())
            << where << " row cites '" << row.evidence.decision << "', the spec rests it on "
            << Join(expected.decisions);
        if (!expected.decisions.empty()) {
          EXPECT_TRUE(Contains(expected.decisions, row.evidence.decision))
              << where << " row cites '" << row.evidence.decision << "', the spec rests it on "
              << Join(expected.decisions);
        }
      } else {
        ++refused;
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
  // No open divergence today (tests/oracle/divergences.h).
  EXPECT_EQ(departures, 0U);
}

TEST(ClickPipeTable, CurrentProfileMatchesTheSpecForEveryStateTriggerAndContext) {
  CheckMatrix(Profile::kCurrent);
}

TEST(ClickPipeTable, Profile2024MatchesTheSpecForEveryStateTriggerAndContext) {
  CheckMatrix(Profile::k2024);
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

// The evidence a row cites exists: each source key is one of the keys of
// spec/sources.md, each decision one that spec/lifecycles.md section 4 or
// docs/decisions.md defines (both read at test time). Whether a row should be
// inferred at all, and on which decision, the matrix asks the oracle.
TEST(ClickPipeTable, EveryRowCitesSourcesAndDecisionsTheSpecDefines) {
  const auto spec = oracle::SpecFiles::Read(PIPECHECK_SPEC_DIR, PIPECHECK_SOURCE_DIR);
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    const auto rows = TableOf(profile).rows();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& row = rows[i];
      const std::string where = std::string(ToString(profile)) + " row " + std::to_string(i) +
                                " (" + std::string(ToString(row.from)) + " --" +
                                std::string(ToString(row.trigger)) + "-->)";
      EXPECT_FALSE(row.evidence.source.empty()) << where;
      for (const std::string& key : oracle::SplitKeys(row.evidence.source)) {
        EXPECT_TRUE(spec.DefinesSource(key)) << where << " cites source '" << key
                                             << "', which spec/sources.md does not define";
      }
      if (!row.evidence.decision.empty()) {
        EXPECT_TRUE(spec.DefinesDecision(row.evidence.decision))
            << where << " cites decision '" << row.evidence.decision
            << "', which neither spec/lifecycles.md nor docs/decisions.md defines";
      }
      EXPECT_TRUE(Declares(profile, row.to)) << where;
      EXPECT_TRUE(row.from == S::kNone || Declares(profile, row.from)) << where;
      EXPECT_NE(row.modes, 0) << where;
    }
  }
}

// The reader of the documents is not vacuous: it knows the keys and
// decisions the documents define and nothing else.
TEST(ClickPipeTable, TheSpecReaderTellsDefinedFromUndefinedNames) {
  const auto spec = oracle::SpecFiles::Read(PIPECHECK_SPEC_DIR, PIPECHECK_SOURCE_DIR);
  for (const char* key : {"CP-LC", "CP-LC-OLD", "CP-FAQ", "OAS", "TF", "PG-FAQ", "MS-PT21"}) {
    EXPECT_TRUE(spec.DefinesSource(key)) << key;
  }
  for (const char* key : {"CP-L", "CP-LC-NEW", "CP", "D1", ""}) {
    EXPECT_FALSE(spec.DefinesSource(key)) << key;
  }
  for (const char* decision : {"D1", "D2", "D10", "D11", "D15", "D16", "D18"}) {
    EXPECT_TRUE(spec.DefinesDecision(decision)) << decision;
  }
  for (const char* decision : {"D0", "D99", "D", "Q7", "D1-D10"}) {
    EXPECT_FALSE(spec.DefinesDecision(decision)) << decision;
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


// A stated row is one its source states whole, its condition included. The
// guards the documents word themselves are these; any other guard (the
// resume point's, a failure cause's) is a decision's, and a row using it
// cites that decision.
TEST(ClickPipeRows, AStatedRowHasOnlyAGuardTheDocumentsWord) {
  const std::set<std::string_view> worded = {"", "in a resync", "not in a resync",
                                             "adding tables"};
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    const auto rows = TableOf(profile).rows();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].evidence.status() != Status::kStated) continue;
      EXPECT_TRUE(worded.count(Describe(rows[i].guard)))
          << ToString(profile) << " row " << i << " (" << ToString(rows[i].from) << " --"
          << ToString(rows[i].trigger) << "-->) is stated but its guard '"
          << Describe(rows[i].guard) << "' comes from a decision";
    }
  }
}

// The resume point's guard is D1's and D11's (D2's from Failed): every row
// whose guard reads it is inferred and cites one of them, the rows into
// Running with the point kept included (current rows 8, 13, 33, 41, 46;
// 2024 rows 9, 24).
TEST(ClickPipeRows, EveryRowGuardedByTheResumePointIsInferredAndCitesItsDecision) {
  std::size_t guarded = 0;
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    const auto rows = TableOf(profile).rows();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (Describe(rows[i].guard).find("resume point") == std::string_view::npos) continue;
      ++guarded;
      const std::string where = std::string(ToString(profile)) + " row " + std::to_string(i) +
                                " (" + std::string(ToString(rows[i].from)) + " --" +
                                std::string(ToString(rows[i].trigger)) + "-->)";
      EXPECT_EQ(rows[i].evidence.status(), Status::kInferred) << where;
      const std::string_view decision = rows[i].evidence.decision;
      EXPECT_TRUE(decision == "D1" || decision == "D11" || decision == "D2")
          << where << " cites '" << decision << "'";
    }
  }
  EXPECT_GE(guarded, 20U);
  // The rows the documents state but for the point's check.
  const std::vector<std::pair<Profile, std::size_t>> into_running = {
      {Profile::kCurrent, 8},  {Profile::kCurrent, 13}, {Profile::kCurrent, 33},
      {Profile::kCurrent, 41}, {Profile::kCurrent, 46}, {Profile::k2024, 9},
      {Profile::k2024, 24}};
  for (const auto& [profile, index] : into_running) {
    const Row& row = TableOf(profile).rows()[index];
    EXPECT_EQ(row.to, S::kRunning) << ToString(profile) << " row " << index;
    EXPECT_EQ(row.guard == Guard::kPointKept || row.guard == Guard::kOnCreatePointKept ||
                  row.guard == Guard::kNotInResyncPointKept,
              true)
        << ToString(profile) << " row " << index;
    EXPECT_EQ(row.evidence.status(), Status::kInferred) << ToString(profile) << " row " << index;
  }
}

// The 2024 document says a resync or added tables enter Snapshot, from no
// named state: resync from Running rests on D3, add_tables from Running on
// D16. Resync from Failed is the document's own ("resync your pipe").
TEST(ClickPipeRows, Profile2024StartingStatesTheDocumentDoesNotNameCiteTheirDecision) {
  const Table& table = TableOf(Profile::k2024);
  const Pipe running{S::kRunning, Mode::kCdc, false, false, true, Cause::kNone};
  const StepResult resync = Step(table, running, T::kResync);
  ASSERT_TRUE(resync.accepted);
  EXPECT_EQ(table.rows()[resync.row].evidence.decision, "D3");
  const StepResult add = Step(table, running, T::kAddTables);
  ASSERT_TRUE(add.accepted);
  EXPECT_EQ(table.rows()[add.row].evidence.decision, "D16");
  const Pipe failed{S::kFailed, Mode::kCdc, false, false, true, Cause::kIrrecoverableError};
  const StepResult out = Step(table, failed, T::kResync);
  ASSERT_TRUE(out.accepted);
  EXPECT_EQ(table.rows()[out.row].evidence.status(), Status::kStated);
}

// Every pipe context of a profile, possible or not.
std::vector<Pipe> EveryContext(Profile profile) {
  std::vector<Pipe> out;
  for (std::size_t s = 0; s < kStateCount; ++s) {
    for (std::size_t m = 0; m < kModeCount; ++m) {
      if (!HasModes(profile) && static_cast<Mode>(m) != Mode::kCdc) continue;
      for (int bits = 0; bits < 8; ++bits) {
        for (std::size_t c = 0; c < kCauseNames.size(); ++c) {
          out.push_back(Pipe{static_cast<State>(s), static_cast<Mode>(m), (bits & 1) != 0,
                             (bits & 2) != 0, (bits & 4) != 0, static_cast<Cause>(c)});
        }
      }
    }
  }
  return out;
}

// The contexts some run produces: from a pipe before create, in each mode,
// every trigger Step accepts, faults unbounded.
std::set<Pipe> Reachable(Profile profile) {
  std::set<Pipe> seen;
  std::vector<Pipe> frontier;
  for (std::size_t m = 0; m < kModeCount; ++m) {
    if (!HasModes(profile) && static_cast<Mode>(m) != Mode::kCdc) continue;
    Pipe start;
    start.mode = static_cast<Mode>(m);
    if (seen.insert(start).second) frontier.push_back(start);
  }
  while (!frontier.empty()) {
    const Pipe pipe = frontier.back();
    frontier.pop_back();
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const StepResult result = Step(TableOf(profile), pipe, static_cast<Trigger>(t));
      if (result.accepted && seen.insert(result.next).second) frontier.push_back(result.next);
    }
  }
  return seen;
}

// FindImpossibleContext refuses exactly the contexts no run reaches: no
// reachable context is refused, no unreachable one accepted.
TEST(ClickPipeContexts, ExactlyTheContextsNoRunReachesAreImpossible) {
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    const std::set<Pipe> reachable = Reachable(profile);
    std::size_t possible = 0;
    for (const Pipe& pipe : EveryContext(profile)) {
      const auto conflict = FindImpossibleContext(profile, pipe);
      const bool reached = reachable.count(pipe) != 0;
      possible += reached ? 1 : 0;
      EXPECT_EQ(!conflict.has_value(), reached)
          << ToString(profile) << " " << Describe(pipe) << ": "
          << (conflict ? "refused (" + conflict->key + ": " + conflict->message + ")"
                       : std::string("accepted"))
          << " but " << (reached ? "a run reaches it" : "no run reaches it");
    }
    EXPECT_GT(possible, 10U) << ToString(profile);
  }
}

// The checker's own search agrees: every pipe of every state it explores
// (several pipes, fault budgets spent) is a context step accepts.
TEST(ClickPipeContexts, EveryExploredPipeContextIsPossible) {
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    for (const int pipes : {1, 2}) {
      properties::ClickPipeBounds bounds;
      bounds.pipes = pipes;
      if (pipes == 1) bounds.budget = {3, 3, 3, 3, 3};
      const properties::ClickPipeSpace space(TableOf(profile), bounds);
      properties::Explorer<properties::ClickPipeSpace> explorer(space);
      ASSERT_TRUE(explorer.Run({}));
      for (std::uint32_t i = 0; i < explorer.states(); ++i) {
        const auto state = explorer.Unpack(i);
        for (int p = 0; p < pipes; ++p) {
          const Pipe& pipe = state.pipes[static_cast<std::size_t>(p)];
          const auto conflict = FindImpossibleContext(profile, pipe);
          ASSERT_FALSE(conflict) << ToString(profile) << " explored " << Describe(pipe)
                                 << " refused: " << conflict->message;
        }
      }
    }
  }
}

// `step` refuses each impossible context with an input error naming the flag
// to change, and still answers the possible ones.
std::optional<InputError> StepError(std::vector<std::string> settings, std::string state,
                                    std::string trigger, std::string mode = "",
                                    std::string profile = "") {
  bindings::StepFlags flags;
  flags.profile = std::move(profile);
  flags.mode = std::move(mode);
  flags.state = std::move(state);
  flags.trigger = std::move(trigger);
  flags.settings = std::move(settings);
  try {
    bindings::ClickPipe::Step(flags);
  } catch (const InputError& error) {
    return error;
  }
  return std::nullopt;
}

TEST(ClickPipeContexts, StepRefusesAFailedPipeWithoutACause) {
  const auto error = StepError({}, "Failed", "resume");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->where(), "--set failure_cause");
  EXPECT_NE(std::string(error->what()).find("failure_cause=irrecoverable_error"),
            std::string::npos);
}

TEST(ClickPipeContexts, StepRefusesACauseOfLostResumePointWithThePointStillInTheOplog) {
  const auto error = StepError({"failure_cause=resume_point_lost"}, "Failed", "resume");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->where(), "--set resume_point_in_oplog");
  EXPECT_FALSE(StepError({"failure_cause=resume_point_lost", "resume_point_in_oplog=false"},
                         "Failed", "resume"));
}

TEST(ClickPipeContexts, StepRefusesEveryOtherContextNoRunProduces) {
  struct Case {
    std::vector<std::string> settings;
    std::string state, mode, profile, where;
  };
  const std::vector<Case> cases = {
      {{"failure_cause=irrecoverable_error"}, "Running", "", "", "--set failure_cause"},
      {{"failure_cause=irrecoverable_error"}, "Paused", "", "", "--set failure_cause"},
      {{"resume_point_in_oplog=false"}, "Running", "", "", "--set resume_point_in_oplog"},
      {{"resume_point_in_oplog=false"}, "Snapshot", "snapshot", "", "--set resume_point_in_oplog"},
      {{"in_resync=true"}, "Paused", "", "", "--set in_resync"},
      {{"in_resync=true"}, "Setup", "", "2024", "--set in_resync"},
      {{}, "Resync", "", "", "--set in_resync"},
      {{"adding_tables=true"}, "Running", "", "", "--set adding_tables"},
      {{"adding_tables=true", "in_resync=true"}, "Snapshot", "", "", "--set adding_tables"},
      {{"adding_tables=true"}, "Setup", "snapshot", "", "--set adding_tables"},
      {{}, "Running", "snapshot", "", "--mode"},
      {{}, "Paused", "snapshot", "", "--mode"},
      {{}, "Completed", "", "", "--mode"},
      {{}, "Snapshot", "cdc_only", "", "--mode"},
      {{}, "Degraded", "", "2024", "--state"},
      {{"resume_point_in_oplog=false"}, "none", "", "", "--set resume_point_in_oplog"},
  };
  for (const Case& c : cases) {
    const auto error = StepError(c.settings, c.state, "irrecoverable_error", c.mode, c.profile);
    ASSERT_TRUE(error) << c.state << " " << c.where;
    EXPECT_EQ(error->where(), c.where) << c.state;
    const std::string what = error->what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

// Every reachable context is accepted by step, through its flags.
TEST(ClickPipeContexts, StepAcceptsEveryContextSomeRunReaches) {
  for (const Profile profile : {Profile::kCurrent, Profile::k2024}) {
    for (const Pipe& pipe : Reachable(profile)) {
      const std::string state = pipe.state == S::kNone ? "none" : std::string(ToString(pipe.state));
      const std::vector<std::string> settings = {
          "resume_point_in_oplog=" + std::string(pipe.resume_point_in_oplog ? "true" : "false"),
          "failure_cause=" + std::string(ToString(pipe.cause)),
          "in_resync=" + std::string(pipe.in_resync ? "true" : "false"),
          "adding_tables=" + std::string(pipe.adding_tables ? "true" : "false")};
      const auto error = StepError(settings, state, "resync", std::string(ToString(pipe.mode)),
                                   std::string(ToString(profile)));
      EXPECT_FALSE(error) << ToString(profile) << " " << Describe(pipe) << ": "
                          << (error ? error->what() : "");
    }
  }
}

}  // namespace
}  // namespace pipecheck::model::clickpipe
