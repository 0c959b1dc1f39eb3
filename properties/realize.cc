#include "properties/realize.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "properties/runner.h"
#include "sim/world.h"

namespace pipecheck::properties {

namespace {

// The first accepted lifecycle event of `pipe` in the trace from `seen` on:
// its name, or "" if none yet. Advances `seen`.
// Operations are skipped: they are the scenario's own steps.
std::string NextLifecycleEvent(const sim::Trace& trace, std::size_t& seen, int pipe) {
  while (seen < trace.size()) {
    const sim::TraceEvent& event = trace.events()[seen++];
    if (event.pipe != pipe || !event.accepted || event.row < 0) continue;
    if (event.kind == sim::TraceKind::kOperation) continue;
    return std::string(event.what);
  }
  return "";
}

// Runs the world until it takes `action` itself for its pipe. Fails if it
// takes another lifecycle event of that pipe first, or stops.
bool WaitFor(sim::World& world, const WorldAction& action, std::size_t& seen, std::string& why) {
  constexpr sim::Millis kHorizon = 30 * sim::kDay;
  const sim::Millis deadline = world.now() + kHorizon;
  for (;;) {
    const std::string next = NextLifecycleEvent(world.trace(), seen, action.pipe);
    if (next == action.name) return true;
    if (!next.empty()) {
      why = fmt::format("at {} the world took {} where the trace takes {}",
                        sim::FormatClock(world.now()), next, action.name);
      return false;
    }
    if (!world.ProcessNext(deadline)) {
      why = fmt::format("the world never took {} (waited until {})", action.name,
                        sim::FormatClock(deadline));
      return false;
    }
  }
}

}  // namespace

bool DriveAlong(sim::World& world, const std::vector<WorldAction>& actions,
                const std::vector<std::string>& visits, sim::Scenario& scenario, std::string& why) {
  std::size_t seen = 0;
  for (const WorldAction& action : actions) {
    if (action.kind == model::TriggerKind::kEvent) {
      if (!WaitFor(world, action, seen, why)) return false;
      continue;
    }
    sim::Step step;
    step.at = world.now();
    step.action = action.name;
    step.is_fault = action.kind == model::TriggerKind::kFault;
    step.pipe = std::max(action.pipe, 0);
    step.body = action.body;
    seen = world.trace().size();
    const sim::StepOutcome outcome = world.Apply(step);
    if (!outcome.accepted) {
      why = fmt::format("at {} the world refused {}: {}", sim::FormatClock(step.at), action.name,
                        outcome.message);
      return false;
    }
    scenario.steps.push_back(step);
    // A fault whose row the world steps later (a lag that builds up, a
    // mismatch found only at a later step) is awaited like an event.
    std::size_t probe = seen;
    bool taken = false;
    while (probe < world.trace().size()) {
      const sim::TraceEvent& event = world.trace().events()[probe++];
      if (event.pipe == action.pipe && event.accepted && event.row >= 0 && event.what == action.name) {
        taken = true;
      }
    }
    seen = probe;
    if (!taken && !action.service_wide) {
      std::size_t from = seen;
      if (!WaitFor(world, action, from, why)) return false;
      seen = from;
    }
  }
  scenario.run_until = world.now();
  // The visits end with the state the trace ends in; no final_state is
  // expected because the world goes on to its next event at the same time.
  scenario.expect.visits = visits;
  return true;
}

Realized Confirmed(sim::Scenario scenario, const RunResult& replay) {
  Realized out;
  if (!replay.passed()) {
    for (const auto& expectation : replay.expectations) {
      if (!expectation.met) {
        out.why += fmt::format("{}replay: {} not met ({})", out.why.empty() ? "" : "; ",
                               expectation.what, expectation.why);
      }
    }
    return out;
  }
  out.ok = true;
  out.scenario = std::move(scenario);
  return out;
}

}  // namespace pipecheck::properties
