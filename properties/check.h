// properties/check.h: `pipecheck check`, exhaustive exploration and every
// property of the catalogue, as a report (interfaces.md section 6).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "properties/explorer.h"
#include "properties/liveness.h"
#include "properties/realize.h"
#include "sim/scenario.h"

namespace pipecheck::properties {

struct TraceStep {
  std::string action;  // "pipe 0: pause", "POST /commit" ...
  std::string rows;    // The table rows taken, with source and status.
  std::string state;   // The whole state after the step.
};

struct PropertyReport {
  std::string name;
  Expectation expectation = Expectation::kAlways;
  Verdict verdict = Verdict::kHolds;  // kUnknown: the search was incomplete.
  std::string source;
  std::string premise_of;
  std::string initial;            // The initial state of the trace.
  std::vector<TraceStep> trace;   // Shortest path to the violation or witness.
  std::vector<TraceStep> cycle;   // Liveness: the repeated part of the lasso (empty: stutters).
  std::vector<Action> path;       // The actions of `trace`.
  // A violated safety property's trace as a scenario that `replay` was
  // seen to reproduce, or why none could be written.
  std::optional<sim::Scenario> scenario;
  std::string scenario_why;
  std::string scenario_file;  // Where the command line wrote it.
};

struct RowCoverage {
  std::size_t index;
  std::string description;  // "Running --pause--> Pausing"
  bool taken;
};

struct CheckReport {
  std::string model;
  std::string profile;
  std::map<std::string, int> bounds;
  bool complete = false;
  // Whether states were stored one per orbit of interchangeable subjects
  // (the space's Reduced(); see Check below).
  bool symmetry = false;
  // Why an incomplete check stopped (kNone when complete), and in which
  // pass: "search" (breadth-first; the counts are where it stopped) or
  // "liveness" (the search was complete; only liveness is unknown).
  StopReason stopped_by = StopReason::kNone;
  std::string stopped_in;
  std::uint64_t frontier = 0;  // States stored but never expanded.
  // The memory the limit was judged on when a limit stopped the check (the
  // process's when the caller measures it, else the tables').
  std::uint64_t memory_at_stop = 0;
  CheckVerdict verdict = CheckVerdict::kPass;
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::uint32_t depth = 0;
  std::uint64_t memory_bytes = 0;
  std::vector<std::string> reachable;             // Lifecycle states reached.
  std::vector<std::string> unreachable_declared;  // Declared states never reached.
  std::vector<std::string> deadlocks;             // States with no enabled action.
  std::vector<RowCoverage> rows;
  std::vector<PropertyReport> properties;
};

namespace check_detail {

// The state `action` leads to from `state`. REQUIRES: the action is enabled there.
template <class Space>
typename Space::State Take(const Space& space, const typename Space::State& state, Action action) {
  typename Space::State next = state;
  bool found = false;
  space.Successors(state, [&](Action a, const typename Space::State& candidate, const RowMask&) {
    if (a == action && !found) {
      next = candidate;
      found = true;
    }
  });
  PIPECHECK_ASSERT(found);
  return next;
}

// The trace of `actions` from `state`, each step described by the space.
template <class Space>
std::vector<TraceStep> Steps(const Space& space, typename Space::State state,
                             const std::vector<Action>& actions) {
  std::vector<TraceStep> steps;
  for (const Action action : actions) {
    const typename Space::State next = Take(space, state, action);
    steps.push_back({space.Describe(action), space.Explain(state, action), space.Describe(next)});
    state = next;
  }
  return steps;
}

// Whether the space stores one state per orbit of interchangeable subjects.
template <class Space>
bool Reduced(const Space& space) {
  if constexpr (requires { space.Reduced(); }) {
    return space.Reduced();
  } else {
    return false;
  }
}

// A path of stored actions from the stored (canonical) `initial` made
// concrete: each stored action was taken on the canonical form of the state
// the concrete trace has reached, and stands for the action the space's
// ConcreteAction names on that state. The result is a trace of the
// unreduced space of the same length.
// `state` ends as the state the trace reaches.
template <class Space>
std::vector<Action> Concrete(const Space& space, typename Space::State& state,
                             const std::vector<Action>& stored) {
  if constexpr (!requires { space.ConcreteAction(state, Action{}); }) {
    return stored;
  } else {
  if (!Reduced(space)) return stored;
  std::vector<Action> concrete;
  for (const Action action : stored) {
    const Action taken = space.ConcreteAction(state, action);
    state = Take(space, state, taken);
    concrete.push_back(taken);
  }
  return concrete;
  }
}

}  // namespace check_detail

// Explores `space` and judges every property of its catalogue. The Space
// provides the explore and check members listed in explorer.h. With
// `scenarios`, each violated always or transition property's trace is
// realized as a scenario by the space's Realize (see realize.h).
//
// Symmetry: a space whose Reduced() is true stores one state per orbit of
// its interchangeable subjects (its Pack canonicalises), and lists only
// properties that judge every subject alike, so each verdict, witness and
// shortest trace length is that of the unreduced space (BFS depths are
// preserved because the initial states are closed under the permutations).
// Traces are made concrete while walking the parent links forward
// (check_detail::Concrete). Liveness tracks its subject through the
// permutations (liveness.h), and a lasso's cycle, found in the frame of the
// stored state, is carried over to the concrete state the trace reaches.
template <class Space>
CheckReport Check(const Space& space, const ExploreLimits& limits, bool scenarios = false) {
  Explorer<Space> explorer(space);
  const bool complete = explorer.Run(limits);
  CheckReport report;
  report.stopped_by = explorer.stopped_by();
  if (!complete) report.stopped_in = "search";
  report.frontier = explorer.frontier();
  if (!complete) report.memory_at_stop = explorer.Progress().memory_bytes;
  report.model = std::string(space.Model());
  report.profile = space.Profile();
  report.bounds = space.BoundsMap();
  report.complete = complete;
  report.symmetry = check_detail::Reduced(space);
  report.states = explorer.states();
  report.transitions = explorer.transitions();
  report.depth = explorer.depth();
  report.memory_bytes = explorer.MemoryBytes();

  const std::vector<std::string> declared = space.DeclaredStates();
  std::vector<std::string> seen;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    space.LifecycleStates(explorer.Unpack(s), seen);
    if (seen.size() >= declared.size()) break;  // Everything declared is reached.
  }
  for (const std::string& name : declared) {
    const bool reached = std::find(seen.begin(), seen.end(), name) != seen.end();
    (reached ? report.reachable : report.unreachable_declared).push_back(name);
  }
  for (const std::uint32_t s : explorer.deadlocks()) {
    report.deadlocks.push_back(space.Describe(explorer.Unpack(s)));
  }
  const std::vector<std::string> rows = space.RowDescriptions();
  for (std::size_t row = 0; row < rows.size(); ++row) {
    report.rows.push_back({row, rows[row], explorer.rows_taken().Has(row)});
  }

  bool failed = !report.deadlocks.empty();
  bool unknown = false;
  const auto specs = space.Properties();
  for (std::size_t p = 0; p < specs.size(); ++p) {
    const Property& spec = specs[p];
    PropertyReport out;
    out.name = std::string(spec.name);
    out.expectation = spec.expectation;
    out.source = std::string(spec.source);
    out.premise_of = std::string(spec.premise_of);
    FirstFound finding = explorer.findings()[p];
    Lasso lasso;
    bool judged = complete;  // Whether this property's verdict is established (found or not).
    if (spec.expectation == Expectation::kEventually && complete) {
      lasso = FindFairTrap(explorer, space, limits);
      finding = FirstFound{lasso.found, lasso.entry, 0, 0};
      if (lasso.stopped_by != StopReason::kNone) {
        judged = false;
        report.complete = false;
        report.stopped_by = lasso.stopped_by;
        report.stopped_in = "liveness";
        report.memory_at_stop = lasso.memory_bytes;
      }
    }
    if (finding.found) {
      out.path = explorer.PathTo(finding.state);
      if (spec.expectation == Expectation::kTransition) {
        out.path = explorer.PathTo(finding.from);
        out.path.push_back(finding.action);
      }
      const auto initial = explorer.Unpack(explorer.RootOf(finding.state));
      auto reached = initial;  // The concrete state the trace ends in.
      out.path = check_detail::Concrete(space, reached, out.path);
      out.initial = space.Describe(initial);
      out.trace = check_detail::Steps(space, initial, out.path);
      const bool safety =
          spec.expectation == Expectation::kAlways || spec.expectation == Expectation::kTransition;
      if (safety && scenarios) {
        Realized realized = space.Realize(initial, out.path, out.name);
        if (realized.ok) {
          out.scenario = std::move(realized.scenario);
        } else {
          out.scenario_why = realized.why;
        }
      }
      if (lasso.found) {
        std::vector<Action> cycle = lasso.cycle;
        if constexpr (requires { space.ConcreteAction(reached, Action{}); }) {
          // The cycle leaves the stored state; the trace reached a permutation of it.
          if (check_detail::Reduced(space)) {
            for (Action& action : cycle) action = space.ConcreteAction(reached, action);
          } else {
            reached = explorer.Unpack(lasso.entry);
          }
        } else {
          reached = explorer.Unpack(lasso.entry);
        }
        out.cycle = check_detail::Steps(space, reached, cycle);
      }
    }
    switch (spec.expectation) {
      case Expectation::kSometimes:
        out.verdict = finding.found ? Verdict::kWitnessed : judged ? Verdict::kUnwitnessed : Verdict::kUnknown;
        failed |= judged && !finding.found;
        unknown |= !judged && !finding.found;
        break;
      default:
        out.verdict = finding.found ? Verdict::kViolated : judged ? Verdict::kHolds : Verdict::kUnknown;
        failed |= finding.found;
        unknown |= !judged && !finding.found;
        break;
    }
    report.properties.push_back(std::move(out));
  }
  report.verdict = failed ? CheckVerdict::kFail
                 : (report.complete && !unknown) ? CheckVerdict::kPass
                                          : CheckVerdict::kIncomplete;
  return report;
}

}  // namespace pipecheck::properties
