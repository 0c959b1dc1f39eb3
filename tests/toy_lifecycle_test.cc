// tests/toy_lifecycle_test.cc: a third lifecycle, defined only here, goes
// through the same generic code as the two real ones.
//
// A batch job: Queued, Running, Done, Failed. The user starts, retries,
// discards and resubmits it (operations), it finishes by itself (an
// event), and a crash fails it (a fault with a budget). One guard: a
// failed job is retried only while it has attempts left. Two effects: a
// retry counts an attempt, a resubmit resets the count.
//
// This file is the worked example of docs/architecture.md: the table and
// its pure Step (what model/<lifecycle>.{h,cc} holds for a real one), the
// Space with its property catalogue (properties/<lifecycle>_space.{h,cc}),
// and the Mutation (bindings/<lifecycle>_mutation.{h,cc}). Everything it
// calls (Explorer, properties::Check, graphs::Explored, graphs::ToDot,
// properties::Mutate) is the code the real lifecycles use, unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "graphs/explored.h"
#include "graphs/graph.h"
#include "model/lifecycle.h"
#include "properties/check.h"
#include "properties/explorer.h"
#include "properties/mutate.h"
#include "properties/realize.h"

namespace pipecheck::toy {
namespace {

using properties::Action;
using properties::Expectation;
using properties::Property;
using properties::RowMask;

// ---- The lifecycle: table and Step (a real one lives in model/) ----------

enum class State : std::uint8_t { kQueued, kRunning, kDone, kFailed };
enum class Trigger : std::uint8_t { kStart, kFinish, kCrash, kRetry, kDiscard, kResubmit };
enum class Guard : std::uint8_t { kNone, kAttemptsLeft };
enum class Effect : std::uint8_t { kNone, kCountAttempt, kResetAttempts };
constexpr std::size_t kStateCount = 4;
constexpr std::size_t kTriggerCount = 6;
constexpr int kMaxAttempts = 2;

constexpr std::array<std::string_view, kStateCount> kStateNames = {"Queued", "Running", "Done",
                                                                   "Failed"};
constexpr std::array<std::string_view, kTriggerCount> kTriggerNames = {
    "start", "finish", "crash", "retry", "discard", "resubmit"};
constexpr std::array<model::TriggerKind, kTriggerCount> kTriggerKinds = {
    model::TriggerKind::kOperation, model::TriggerKind::kEvent,     model::TriggerKind::kFault,
    model::TriggerKind::kOperation, model::TriggerKind::kOperation, model::TriggerKind::kOperation};
constexpr std::array<model::StateKind, kStateCount> kStateKinds = {
    model::StateKind::kSteady, model::StateKind::kTransient, model::StateKind::kTerminal,
    model::StateKind::kNeedsAction};

std::string_view Name(State state) { return kStateNames[static_cast<std::size_t>(state)]; }
std::string_view Name(Trigger trigger) { return kTriggerNames[static_cast<std::size_t>(trigger)]; }

struct Row {
  State from;
  Trigger trigger;
  State to;
  Guard guard = Guard::kNone;
  Effect effect = Effect::kNone;
};

constexpr std::array<Row, 6> kRows = {{
    {State::kQueued, Trigger::kStart, State::kRunning},
    {State::kRunning, Trigger::kFinish, State::kDone},
    {State::kRunning, Trigger::kCrash, State::kFailed},
    {State::kFailed, Trigger::kRetry, State::kQueued, Guard::kAttemptsLeft, Effect::kCountAttempt},
    {State::kFailed, Trigger::kDiscard, State::kDone},
    {State::kDone, Trigger::kResubmit, State::kQueued, Guard::kNone, Effect::kResetAttempts},
}};

struct Job {
  State state = State::kQueued;
  std::uint8_t attempts = 0;  // Retries taken, 0..kMaxAttempts.
};

struct StepResult {
  bool accepted = false;
  Job next;
  std::size_t row = 0;
};

// The pure transition function: the first row from the state with the
// trigger whose guard holds.
StepResult Step(std::span<const Row> rows, const Job& job, Trigger trigger) {
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.from != job.state || row.trigger != trigger) continue;
    if (row.guard == Guard::kAttemptsLeft && job.attempts >= kMaxAttempts) continue;
    Job next = job;
    next.state = row.to;
    if (row.effect == Effect::kCountAttempt) ++next.attempts;
    if (row.effect == Effect::kResetAttempts) next.attempts = 0;
    return {true, next, r};
  }
  return {false, job, 0};
}

// ---- The Space: what the explorer, Check and Explored need ---------------

// Transition properties are judged by ViolatedOver, the others by FoundIn.
enum : std::size_t {
  kEntersRunningOnlyByStart,
  kAJobStarts,
  kAttemptsStayWithinTheLimit,
  kAJobRunsOutOfAttempts,
  kACrashFailsTheJob,
  kAJobCrashes,
  kReachesQueued,
  kReachesRunning,
  kReachesDone,
  kReachesFailed,
  kTransientStatesAreLeft,
  kAttemptsChangeOnlyByRetryOrResubmit,
  kARetryCountsAnAttempt,
  kStatesAreEnteredAsTheLifecycleLeads,
  kAResubmittedJobHasEveryAttempt,
  kAFailedJobIsResubmitted,
};
constexpr std::array<Property, 16> kCatalogue = {{
    {"a_job_enters_running_only_by_start", Expectation::kTransition, "toy", ""},
    {"a_job_starts", Expectation::kSometimes, "toy", "a_job_enters_running_only_by_start"},
    {"attempts_stay_within_the_limit", Expectation::kAlways, "toy", ""},
    {"a_job_runs_out_of_attempts", Expectation::kSometimes, "toy", "attempts_stay_within_the_limit"},
    {"a_crash_fails_the_job", Expectation::kTransition, "toy", ""},
    {"a_job_crashes", Expectation::kSometimes, "toy", "a_crash_fails_the_job"},
    {"reaches_Queued", Expectation::kSometimes, "toy", ""},
    {"reaches_Running", Expectation::kSometimes, "toy", ""},
    {"reaches_Done", Expectation::kSometimes, "toy", ""},
    {"reaches_Failed", Expectation::kSometimes, "toy", ""},
    {"transient_states_are_left", Expectation::kEventually, "toy", ""},
    {"attempts_change_only_by_retry_or_resubmit", Expectation::kTransition, "toy", ""},
    {"a_retry_counts_an_attempt", Expectation::kSometimes, "toy",
     "attempts_change_only_by_retry_or_resubmit"},
    {"states_are_entered_as_the_lifecycle_leads", Expectation::kTransition, "toy", ""},
    {"a_resubmitted_job_has_every_attempt", Expectation::kTransition, "toy", ""},
    {"a_failed_job_is_resubmitted", Expectation::kSometimes, "toy",
     "a_resubmitted_job_has_every_attempt"},
}};

// The state each trigger leads to, transcribed a second time from the
// lifecycle's prose: the comparison with the table is a documented-copy
// property, which the mutation check counts apart.
constexpr std::array<State, kTriggerCount> kDocumentedTarget = {
    State::kRunning, State::kDone, State::kFailed, State::kQueued, State::kDone, State::kQueued};

class JobSpace {
 public:
  static constexpr std::size_t kWords = 1;
  struct State {
    Job job;
    std::uint8_t crashes = 0;  // Fault budget spent.
  };

  JobSpace(std::vector<Row> rows, int crash_budget) : rows_(std::move(rows)), budget_(crash_budget) {}

  // Explore.
  void Pack(const State& state, std::uint64_t* words) const {
    words[0] = static_cast<std::uint64_t>(state.job.state) | (std::uint64_t{state.job.attempts} << 8) |
               (std::uint64_t{state.crashes} << 16);
  }
  State Unpack(const std::uint64_t* words) const {
    State state;
    state.job.state = static_cast<toy::State>(words[0] & 0xffU);
    state.job.attempts = static_cast<std::uint8_t>((words[0] >> 8) & 0xffU);
    state.crashes = static_cast<std::uint8_t>((words[0] >> 16) & 0xffU);
    return state;
  }
  void Initial(std::vector<State>& out) const { out.push_back(State{}); }
  template <typename Emit>
  void Successors(const State& state, Emit&& emit) const {
    for (std::size_t t = 0; t < kTriggerCount; ++t) {
      const auto trigger = static_cast<Trigger>(t);
      const bool fault = trigger == Trigger::kCrash;
      if (fault && state.crashes >= budget_) continue;
      const StepResult result = Step(rows_, state.job, trigger);
      if (!result.accepted) continue;
      State next = state;
      next.job = result.next;
      if (fault) ++next.crashes;
      RowMask rows;
      rows.Set(result.row);
      emit(static_cast<Action>(t), next, rows);
    }
  }
  std::span<const Property> Properties() const { return kCatalogue; }
  std::uint64_t FoundIn(const State& state, std::uint64_t open) const {
    std::uint64_t found = 0;
    auto set = [&](std::size_t p, bool holds) {
      if (holds && ((open >> p) & 1U)) found |= std::uint64_t{1} << p;
    };
    set(kAJobStarts, state.job.state == toy::State::kRunning);
    set(kAttemptsStayWithinTheLimit, state.job.attempts > kMaxAttempts);  // A violation.
    set(kAJobRunsOutOfAttempts,
        state.job.state == toy::State::kFailed && state.job.attempts == kMaxAttempts);
    set(kARetryCountsAnAttempt, state.job.attempts > 0);
    set(kAFailedJobIsResubmitted,
        state.job.state == toy::State::kQueued && state.job.attempts == 0 && state.crashes > 0);
    set(kAJobCrashes, state.job.state == toy::State::kFailed && state.crashes > 0);
    for (std::size_t s = 0; s < kStateCount; ++s) {
      set(kReachesQueued + s, state.job.state == static_cast<toy::State>(s));
    }
    return found;
  }
  std::uint64_t ViolatedOver(const State& from, Action action, const State& to,
                             std::uint64_t open) const {
    std::uint64_t violated = 0;
    const auto trigger = static_cast<Trigger>(action);
    if (to.job.state == toy::State::kRunning && from.job.state != toy::State::kRunning &&
        trigger != Trigger::kStart) {
      violated |= std::uint64_t{1} << kEntersRunningOnlyByStart;
    }
    if (trigger == Trigger::kCrash && to.job.state != toy::State::kFailed) {
      violated |= std::uint64_t{1} << kACrashFailsTheJob;
    }
    if (to.job.attempts != from.job.attempts && trigger != Trigger::kRetry &&
        trigger != Trigger::kResubmit) {
      violated |= std::uint64_t{1} << kAttemptsChangeOnlyByRetryOrResubmit;
    }
    if (trigger == Trigger::kResubmit && to.job.attempts != 0) {
      violated |= std::uint64_t{1} << kAResubmittedJobHasEveryAttempt;
    }
    if (to.job.state != kDocumentedTarget[action]) {
      violated |= std::uint64_t{1} << kStatesAreEnteredAsTheLifecycleLeads;
    }
    return violated & open;
  }

  // Check.
  std::string Describe(const State& state) const {
    return fmt::format("job {} (attempts {}); crashes {}", Name(state.job.state), state.job.attempts,
                       state.crashes);
  }
  std::string Describe(Action action) const { return std::string(Name(static_cast<Trigger>(action))); }
  std::string_view Model() const { return "job"; }
  std::string Profile() const { return ""; }
  std::map<std::string, int> BoundsMap() const { return {{"crash", budget_}}; }
  std::vector<std::string> DeclaredStates() const { return {kStateNames.begin(), kStateNames.end()}; }
  void LifecycleStates(const State& state, std::vector<std::string>& seen) const {
    const std::string name(Name(state.job.state));
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
  }
  std::string Explain(const State& state, Action action) const {
    const StepResult result = Step(rows_, state.job, static_cast<Trigger>(action));
    return result.accepted ? fmt::format("row {}", result.row) : "(refused)";
  }
  std::vector<std::string> RowDescriptions() const {
    std::vector<std::string> out;
    for (const Row& row : rows_) {
      out.push_back(fmt::format("{} --{}--> {}", Name(row.from), Name(row.trigger), Name(row.to)));
    }
    return out;
  }
  int Subjects() const { return 1; }
  int TransientKey(const State& state, int) const {
    return kStateKinds[static_cast<std::size_t>(state.job.state)] == model::StateKind::kTransient
               ? static_cast<int>(state.job.state)
               : -1;
  }
  static bool IsFault(Action action) { return static_cast<Trigger>(action) == Trigger::kCrash; }
  static bool IsFair(Action action) {
    return kTriggerKinds[action] == model::TriggerKind::kEvent;
  }
  properties::Realized Realize(const State&, const std::vector<Action>&, const std::string&) const {
    return {false, {}, "the job lifecycle has no simulated world"};
  }

  // Draw.
  std::string Title() const { return fmt::format("job, crash budget {}", budget_); }
  std::string QuotientBy() const { return "the job's state"; }
  std::string QuotientKey(const State& state) const { return std::string(Name(state.job.state)); }
  std::string StateKind(const State& state) const {
    return std::string(model::ToString(kStateKinds[static_cast<std::size_t>(state.job.state)]));
  }
  bool Dimmed(const State&) const { return false; }
  std::string ActionLine(Action action) const { return Describe(action); }
  std::string ActionKind(Action action) const {
    return std::string(model::ToString(kTriggerKinds[action]));
  }
  std::pair<std::string, std::string> RowKeys(std::size_t row) const {
    return {std::string(Name(rows_[row].from)), std::string(Name(rows_[row].to))};
  }
  static bool ServiceWide(std::string_view) { return false; }
  static bool Takes(Action action, std::string_view trigger, int, bool) {
    return Name(static_cast<Trigger>(action)) == trigger;
  }

 private:
  std::vector<Row> rows_;
  int budget_;
};

// Three crashes: enough for a job to use up its retries, so the guard decides.
JobSpace BuiltIn() { return JobSpace({kRows.begin(), kRows.end()}, 3); }

// ---- The Mutation: what the generic mutation check needs ------------------

constexpr std::array<std::string_view, 3> kEffectNames = {"none", "count_attempt",
                                                          "reset_attempts"};

class JobMutation {
 public:
  std::vector<properties::Mutant> Mutants() const {
    std::vector<properties::Mutant> out;
    for (std::size_t r = 0; r < kRows.size(); ++r) {
      const Row& row = kRows[r];
      const std::string text =
          fmt::format("row {} {} --{}--> {}", r, Name(row.from), Name(row.trigger), Name(row.to));
      out.push_back(properties::DropMutant(r, text));
      for (std::size_t s = 0; s < kStateCount; ++s) {
        if (static_cast<State>(s) == row.to) continue;
        out.push_back(properties::RetargetMutant(r, text, properties::MutationKind::kRetarget, s,
                                                 kStateNames[s]));
      }
      if (row.guard != Guard::kNone) out.push_back(properties::DropGuardMutant(r, text, "attempts_left"));
      properties::AddEffectMutants(r, text, static_cast<std::size_t>(row.effect), kEffectNames, out);
    }
    return out;
  }
  properties::CheckReport Check(const properties::Mutant* mutant) const {
    const std::vector<Row> rows(kRows.begin(), kRows.end());
    return properties::CheckMutant<JobSpace>(rows, 3, mutant, [&](const properties::Mutant& applied) {
      return properties::MutatedRows<Row>(kRows, applied, [&](Row& row) {
        switch (applied.kind) {
          case properties::MutationKind::kRetarget:
            row.to = static_cast<State>(applied.target);
            break;
          case properties::MutationKind::kDropGuard:
            row.guard = Guard::kNone;
            break;
          case properties::MutationKind::kDropEffect:
          case properties::MutationKind::kSwapEffect:
            row.effect = static_cast<Effect>(applied.target);
            break;
          default:
            FAIL() << "the job lifecycle makes no " << properties::ToString(applied.kind) << " mutant";
        }
      });
    });
  }
  std::span<const std::string_view> DocumentedCopyComparisons() const { return kCopy; }
  std::span<const properties::KnownEquivalent> KnownEquivalents() const { return kEquivalents; }

 private:
  static constexpr std::array<std::string_view, 1> kCopy = {"states_are_entered_as_the_lifecycle_leads"};
  static constexpr std::array<properties::KnownEquivalent, 0> kEquivalents = {};
};

// ---- Step -----------------------------------------------------------------

TEST(ToyLifecycle, StepAcceptsTheTableRowsAndRefusesTheRest) {
  const std::vector<Row> rows(kRows.begin(), kRows.end());
  EXPECT_TRUE(Step(rows, Job{State::kQueued, 0}, Trigger::kStart).accepted);
  EXPECT_FALSE(Step(rows, Job{State::kQueued, 0}, Trigger::kFinish).accepted);
  const StepResult retried = Step(rows, Job{State::kFailed, 1}, Trigger::kRetry);
  ASSERT_TRUE(retried.accepted);
  EXPECT_EQ(retried.next.state, State::kQueued);
  EXPECT_EQ(retried.next.attempts, 2);
  // The guard: no attempts left.
  EXPECT_FALSE(Step(rows, Job{State::kFailed, kMaxAttempts}, Trigger::kRetry).accepted);
}

// ---- The explorer and Check ------------------------------------------------

TEST(ToyLifecycle, TheGenericCheckExploresEveryStateAndJudgesTheToyCatalogue) {
  const JobSpace space = BuiltIn();
  const properties::CheckReport report = properties::Check(space, properties::ExploreLimits{});
  EXPECT_EQ(report.verdict, properties::CheckVerdict::kPass);
  EXPECT_EQ(report.model, "job");
  // Counted by hand-enumerating (state, attempts, crashes) outside the
  // explorer: attempts grow only by a retry after a crash, three crashes.
  EXPECT_EQ(report.states, 33U);
  EXPECT_EQ(report.transitions, 44U);
  EXPECT_TRUE(report.unreachable_declared.empty());
  EXPECT_TRUE(report.deadlocks.empty());
  for (const auto& row : report.rows) EXPECT_TRUE(row.taken) << row.description;
  ASSERT_EQ(report.properties.size(), kCatalogue.size());
  for (const auto& property : report.properties) {
    const bool witness = property.expectation == Expectation::kSometimes;
    EXPECT_EQ(property.verdict, witness ? properties::Verdict::kWitnessed : properties::Verdict::kHolds)
        << property.name;
  }
}

TEST(ToyLifecycle, ABrokenRowIsCaughtWithItsShortestTrace) {
  std::vector<Row> rows(kRows.begin(), kRows.end());
  rows[2].to = State::kDone;  // A crash completes the job.
  const properties::CheckReport report =
      properties::Check(JobSpace(std::move(rows), 1), properties::ExploreLimits{});
  EXPECT_EQ(report.verdict, properties::CheckVerdict::kFail);
  const auto violated = std::find_if(report.properties.begin(), report.properties.end(),
                                     [](const auto& p) { return p.name == "a_crash_fails_the_job"; });
  ASSERT_NE(violated, report.properties.end());
  EXPECT_EQ(violated->verdict, properties::Verdict::kViolated);
  ASSERT_EQ(violated->trace.size(), 2U);
  EXPECT_EQ(violated->trace[0].action, "start");
  EXPECT_EQ(violated->trace[1].action, "crash");
}

TEST(ToyLifecycle, AJobStuckInRunningFailsLiveness) {
  std::vector<Row> rows(kRows.begin(), kRows.end());
  rows.erase(rows.begin() + 1);  // No finish: only a crash leaves Running.
  const properties::CheckReport report =
      properties::Check(JobSpace(std::move(rows), 1), properties::ExploreLimits{});
  const auto liveness = std::find_if(report.properties.begin(), report.properties.end(),
                                     [](const auto& p) { return p.name == "transient_states_are_left"; });
  ASSERT_NE(liveness, report.properties.end());
  EXPECT_EQ(liveness->verdict, properties::Verdict::kViolated);
}

// ---- The explored graph and its DOT ----------------------------------------

TEST(ToyLifecycle, TheExploredGraphHasAVertexPerStateAndAnEdgePerTransition) {
  const JobSpace space = BuiltIn();
  const properties::CheckReport report = properties::Check(space, properties::ExploreLimits{});
  const graphs::ExploredGraph explored = graphs::Explored(space, graphs::ExploredOptions{});
  ASSERT_TRUE(explored.complete);
  EXPECT_FALSE(explored.quotient);
  EXPECT_EQ(boost::num_vertices(explored.graph), report.states);
  EXPECT_EQ(boost::num_edges(explored.graph), report.transitions);
  const std::string dot = graphs::ToDot(explored.graph);
  EXPECT_NE(dot.find("job Failed (attempts 0)"), std::string::npos);
  EXPECT_NE(dot.find("label=\"resubmit\""), std::string::npos);

  graphs::ExploredOptions quotiented;
  quotiented.quotient = true;
  const graphs::ExploredGraph quotient = graphs::Explored(space, quotiented);
  EXPECT_EQ(boost::num_vertices(quotient.graph), kStateCount);
  EXPECT_NE(graphs::ToDot(quotient.graph).find("Explored state graph: job, crash budget 3"),
            std::string::npos);
}

// ---- The mutation check ------------------------------------------------------

TEST(ToyLifecycle, TheGenericMutationCheckKillsEveryMutantOfTheToyTable) {
  const properties::MutationReport report = properties::Mutate(JobMutation{}, {});
  EXPECT_EQ(report.model, "job");
  for (const auto& verdict : report.verdicts) {
    EXPECT_TRUE(verdict.killed) << verdict.mutant.name;
  }
  EXPECT_TRUE(report.passes());
  // Per row: drop, 3 retargets, 2 effect mutants; row 3 also drops its guard.
  EXPECT_EQ(report.mutants(), 6U * (1 + 3 + 2) + 1);
  EXPECT_EQ(report.killed_behaviourally(), 32U);
  // Five retargets are seen only by the copy: a step that goes elsewhere
  // without breaking a behaviour the toy catalogue claims.
  EXPECT_EQ(report.documented_copy_only(), 5U);
}

TEST(ToyLifecycle, AMutantSurvivesWhenThePropertyThatKillsItIsIgnored) {
  properties::MutateOptions options;
  options.ignore = {"attempts_stay_within_the_limit"};
  const properties::MutationReport report = properties::Mutate(JobMutation{}, options);
  EXPECT_FALSE(report.passes());
  std::vector<std::string> survivors;
  for (const auto& verdict : report.verdicts) {
    if (!verdict.killed) survivors.push_back(verdict.mutant.name);
  }
  EXPECT_EQ(survivors,
            std::vector<std::string>{"row 3 Failed --retry--> Queued: guard dropped (attempts_left)"});
}

}  // namespace
}  // namespace pipecheck::toy
