// tests/workers_test.cc: the explorer's workers change nothing but speed.
//
// Goal: `check --workers N` gives the same counts, verdicts, depth,
// coverage and counterexamples for every N, on every model and on every
// seeded bug of the mutation check, and a limit stops the search at the
// same state. This is the proof that lets properties/explorer.h use threads.
//
// Method: the same space is explored with 1 worker (the reference) and with
// 2 and 3 workers, with the default batch and with tiny batches (so that
// many batch boundaries fall inside levels and slices); the explorer's
// whole store (every state, parent link and action, in index order) and the
// check's whole report are compared.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "bindings/clickpipe_mutation.h"
#include "bindings/mongosync_mutation.h"
#include "properties/check.h"
#include "properties/clickpipe_space.h"
#include "properties/mongosync_space.h"

namespace pipecheck::properties {
namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

ExploreLimits Workers(int workers, std::uint64_t batch = 8192) {
  ExploreLimits limits;
  limits.workers = workers;
  limits.batch_states = batch;
  return limits;
}

// Everything a check reports, as text: two reports are the same exactly
// when their texts are.
std::string Text(const CheckReport& report) {
  std::string text = fmt::format("{} {} complete={} verdict={} states={} transitions={} depth={} frontier={}\n",
                                 report.model, report.profile, report.complete, ToString(report.verdict),
                                 report.states, report.transitions, report.depth, report.frontier);
  for (const std::string& s : report.reachable) text += "reached " + s + "\n";
  for (const std::string& s : report.unreachable_declared) text += "unreached " + s + "\n";
  for (const std::string& s : report.deadlocks) text += "deadlock " + s + "\n";
  for (const RowCoverage& row : report.rows) text += fmt::format("row {} {}\n", row.index, row.taken);
  for (const PropertyReport& p : report.properties) {
    text += fmt::format("{} {} from {}\n", p.name, ToString(p.verdict), p.initial);
    for (const TraceStep& step : p.trace) text += "  " + step.action + " | " + step.rows + " | " + step.state + "\n";
    for (const TraceStep& step : p.cycle) text += "  cycle " + step.action + " | " + step.state + "\n";
    text += fmt::format("  scenario {} {}\n", p.scenario.has_value(), p.scenario_why);
  }
  return text;
}

// The explorer's whole store and findings, as text.
template <class Space>
std::string Store(const Space& space, const ExploreLimits& limits) {
  Explorer<Space> explorer(space);
  const bool complete = explorer.Run(limits);
  std::string text = fmt::format("complete={} states={} transitions={} depth={} frontier={} rows={:x}{:x}\n",
                                 complete, explorer.states(), explorer.transitions(), explorer.depth(),
                                 explorer.frontier(), explorer.rows_taken().bits[0], explorer.rows_taken().bits[1]);
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    std::uint64_t words[Space::kWords] = {};
    space.Pack(explorer.Unpack(s), words);
    text += fmt::format("{} {}", explorer.parent(s), explorer.action(s));
    for (const std::uint64_t w : words) text += fmt::format(" {:x}", w);
    text += "\n";
  }
  for (const std::uint32_t d : explorer.deadlocks()) text += fmt::format("deadlock {}\n", d);
  for (const FirstFound& f : explorer.findings()) {
    text += fmt::format("found {} {} {} {}\n", f.found, f.state, f.from, f.action);
  }
  return text;
}

ClickPipeBounds Pipes(int pipes, bool symmetry) {
  ClickPipeBounds bounds;
  bounds.pipes = pipes;
  bounds.symmetry = symmetry;
  return bounds;
}

// The store of each explored space, with 2 and 3 workers and batches of
// 1, 7 and 8192 states, against 1 worker.
template <class Space>
void ExpectTheSameStore(const Space& space, const std::string& what) {
  const std::string reference = Store(space, Workers(1));
  for (const int workers : {1, 2, 3}) {
    for (const std::uint64_t batch : {std::uint64_t{1}, std::uint64_t{7}, std::uint64_t{8192}}) {
      if (workers == 1 && batch == 8192) continue;
      EXPECT_TRUE(Store(space, Workers(workers, batch)) == reference)
          << what << ": " << workers << " workers, batches of " << batch;
    }
  }
}

TEST(Workers, EveryWorkerCountStoresTheSameStatesInTheSameOrder) {
  ExpectTheSameStore(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), Pipes(2, false)), "current, 2 pipes");
  ExpectTheSameStore(ClickPipeSpace(cp::TableOf(cp::Profile::kCurrent), Pipes(2, true)),
                     "current, 2 pipes, symmetry");
  ExpectTheSameStore(ClickPipeSpace(cp::TableOf(cp::Profile::k2024), Pipes(3, true)), "2024, 3 pipes, symmetry");
  ExpectTheSameStore(MongosyncSpace(ms::DefaultTable(), MongosyncBounds{}), "mongosync");
}

// The whole report, on every model with its default bounds, symmetry on and
// off, for 1, 2 and 3 workers.
TEST(Workers, EveryWorkerCountGivesTheSameReportOnEveryModel) {
  auto same = [](const auto& space, const std::string& what) {
    const std::string reference = Text(Check(space, Workers(1), /*scenarios=*/true));
    for (const int workers : {2, 3}) {
      EXPECT_EQ(Text(Check(space, Workers(workers), true)), reference) << what << ", " << workers << " workers";
      EXPECT_EQ(Text(Check(space, Workers(workers, 5), true)), reference)
          << what << ", " << workers << " workers, batches of 5";
    }
  };
  for (const cp::Profile profile : {cp::Profile::kCurrent, cp::Profile::k2024}) {
    for (const bool symmetry : {false, true}) {
      same(ClickPipeSpace(cp::TableOf(profile), Pipes(2, symmetry)),
           fmt::format("{}, symmetry {}", cp::ToString(profile), symmetry));
    }
  }
  same(MongosyncSpace(ms::DefaultTable(), MongosyncBounds{}), "mongosync");
}

// Every seeded bug of `pipecheck mutate` (every single-row mutant of every
// table, one pipe): the same report, violations and counterexamples
// included, with 1, 2 and 3 workers, batches of 64 states. (As `mutate`
// does, the counterexamples are not realized as scenarios: the simulator
// runs the built-in tables.) Sometimes: most
// mutants are caught, so the compared reports do hold counterexamples.
//
// An unoptimised build (the sanitizer pass of scripts/test) takes every
// fifth mutant, so that pass stays within minutes; the optimised suite
// takes them all.
#ifdef NDEBUG
constexpr std::size_t kMutantStride = 1;
#else
constexpr std::size_t kMutantStride = 5;
#endif

template <class Mutation, class Space>
void ExpectEveryMutantTheSame(const Mutation& mutation, const std::string& what) {
  int failing = 0;
  int explored = 0;
  const std::vector<Mutant> mutants = mutation.Mutants();
  for (std::size_t m = 0; m < mutants.size(); m += kMutantStride) {
    const Mutant& mutant = mutants[m];
    ++explored;
    const auto table = mutation.Apply(mutant);  // The space keeps a reference to it.
    const Space space(table, mutation.bounds());
    const CheckReport one = Check(space, Workers(1));
    failing += one.verdict == CheckVerdict::kFail ? 1 : 0;
    const std::string reference = Text(one);
    for (const int workers : {2, 3}) {
      EXPECT_EQ(Text(Check(space, Workers(workers, 64))), reference)
          << what << ": " << mutant.name << ", " << workers << " workers";
    }
  }
  EXPECT_GT(failing, explored / 2) << what;
}

TEST(Workers, EverySeededClickPipeBugIsFoundTheSameWayByEveryWorkerCount) {
  ExpectEveryMutantTheSame<bindings::ClickPipeMutation, ClickPipeSpace>(
      bindings::ClickPipeMutation(cp::Profile::kCurrent, bindings::ClickPipeMutation::DefaultBounds()), "current");
}

TEST(Workers, EverySeededClickPipe2024BugIsFoundTheSameWayByEveryWorkerCount) {
  ExpectEveryMutantTheSame<bindings::ClickPipeMutation, ClickPipeSpace>(
      bindings::ClickPipeMutation(cp::Profile::k2024, bindings::ClickPipeMutation::DefaultBounds()), "2024");
}

TEST(Workers, EverySeededMongosyncBugIsFoundTheSameWayByEveryWorkerCount) {
  ExpectEveryMutantTheSame<bindings::MongosyncMutation, MongosyncSpace>(
      bindings::MongosyncMutation(bindings::MongosyncMutation::DefaultBounds()), "mongosync");
}

// A state limit stops the search at the same state, with the same counts
// and findings, whatever the workers and batches.
TEST(Workers, AStateLimitStopsAtTheSameStateForEveryWorkerCount) {
  const ClickPipeSpace space(cp::TableOf(cp::Profile::kCurrent), Pipes(2, false));
  for (const std::uint64_t limit : {std::uint64_t{1}, std::uint64_t{1000}, std::uint64_t{10007}}) {
    ExploreLimits one = Workers(1);
    one.max_states = limit;
    const std::string reference = Store(space, one);
    EXPECT_NE(reference.find("complete=false"), std::string::npos) << limit;
    for (const int workers : {2, 3}) {
      for (const std::uint64_t batch : {std::uint64_t{4}, std::uint64_t{8192}}) {
        ExploreLimits many = Workers(workers, batch);
        many.max_states = limit;
        EXPECT_TRUE(Store(space, many) == reference) << limit << ", " << workers << " workers, batches of " << batch;
      }
    }
  }
}

}  // namespace
}  // namespace pipecheck::properties
