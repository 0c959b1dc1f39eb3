#include "properties/realize.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "properties/runner.h"
#include "sim/world.h"

namespace pipecheck::properties {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

namespace {

// One abstract action as the world should see it.
struct WorldAction {
  std::string name;
  model::TriggerKind kind;
  int pipe;          // World pipe index, or -1 (mongosync).
  bool service_wide;
  std::optional<ms::StartOptions> body;
};

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
                        sim::FormatDuration(world.now()), next, action.name);
      return false;
    }
    if (!world.ProcessNext(deadline)) {
      why = fmt::format("the world never took {} (waited until {})", action.name,
                        sim::FormatDuration(deadline));
      return false;
    }
  }
}

Realized Drive(sim::Scenario scenario, const sim::WorldTables& tables,
               const std::vector<WorldAction>& actions, const std::vector<std::string>& visits,
               const std::string& property) {
  Realized out;
  const auto world = sim::MakeWorld(scenario, tables);
  std::size_t seen = 0;
  for (const WorldAction& action : actions) {
    if (action.kind == model::TriggerKind::kEvent) {
      if (!WaitFor(*world, action, seen, out.why)) return out;
      continue;
    }
    sim::Step step;
    step.at = world->now();
    step.action = action.name;
    step.is_fault = action.kind == model::TriggerKind::kFault;
    step.pipe = std::max(action.pipe, 0);
    step.body = action.body;
    seen = world->trace().size();
    const sim::StepOutcome outcome = world->Apply(step);
    if (!outcome.accepted) {
      out.why = fmt::format("at {} the world refused {}: {}", sim::FormatDuration(step.at),
                            action.name, outcome.message);
      return out;
    }
    scenario.steps.push_back(step);
    // A fault whose row the world steps later (mongosync lag, a verifier
    // mismatch found in COMMITTING) is awaited like an event.
    std::size_t probe = seen;
    bool taken = false;
    while (probe < world->trace().size()) {
      const sim::TraceEvent& event = world->trace().events()[probe++];
      if (event.pipe == action.pipe && event.accepted && event.row >= 0 && event.what == action.name) {
        taken = true;
      }
    }
    seen = probe;
    if (!taken && !action.service_wide) {
      std::size_t from = seen;
      if (!WaitFor(*world, action, from, out.why)) return out;
      seen = from;
    }
  }
  scenario.run_until = world->now();
  // The visits end with the state the trace ends in; no final_state is
  // expected because the world goes on to its next event at the same time.
  scenario.expect.visits = visits;
  const auto names = PropertyNames(scenario.model);
  scenario.expect.properties =
      std::find(names.begin(), names.end(), property) != names.end() ? property : "hold";
  const RunResult replay = RunScenario(scenario, tables);
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

}  // namespace

Realized RealizeClickPipe(const ClickPipeSpace& space, const ClickPipeSpace::State& initial,
                          const std::vector<Action>& path, const std::string& property) {
  // The pipe the trace ends on becomes pipe 0 of the scenario (expectations
  // speak of pipe 0); the other pipes follow in order of first use.
  int last = -1;
  std::vector<int> used;
  for (const Action action : path) {
    const int pipe = ClickPipeSpace::PipeOf(action);
    if (pipe == ClickPipeSpace::kMaxPipes) continue;
    last = pipe;
    if (std::find(used.begin(), used.end(), pipe) == used.end()) used.push_back(pipe);
  }
  Realized out;
  if (last < 0) {
    out.why = "the trace acts on no pipe";
    return out;
  }
  std::vector<int> order = {last};
  for (const int pipe : used) {
    if (pipe != last) order.push_back(pipe);
  }
  auto map = [&](int pipe) {
    return static_cast<int>(std::find(order.begin(), order.end(), pipe) - order.begin());
  };
  const cp::Mode mode = initial.pipes[static_cast<std::size_t>(last)].mode;
  for (const int pipe : order) {
    if (initial.pipes[static_cast<std::size_t>(pipe)].mode != mode) {
      out.why = "the trace's pipes have different modes, which one scenario config cannot express";
      return out;
    }
  }
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kClickPipe;
  scenario.profile = space.table().profile();
  scenario.seed = 1;
  scenario.name = fmt::format("counterexample-{}", property);
  scenario.config.mode = mode;
  scenario.config.pipes = static_cast<int>(order.size());
  scenario.config.collections = 1;
  scenario.config.documents = 20;
  scenario.config.writes_per_hour = 3600;
  scenario.config.writes_until = 0;  // A quiet source: only the lifecycle matters here.

  std::vector<WorldAction> actions;
  std::vector<std::string> visits;
  ClickPipeSpace::State state = initial;
  for (const Action action : path) {
    const int pipe = ClickPipeSpace::PipeOf(action);
    const cp::Trigger trigger = ClickPipeSpace::TriggerOf(action);
    const bool service = pipe == ClickPipeSpace::kMaxPipes;
    actions.push_back({std::string(cp::ToString(trigger)), cp::KindOf(trigger),
                       service ? 0 : map(pipe), service, std::nullopt});
    space.Successors(state, [&, done = false](Action a, const ClickPipeSpace::State& next,
                                               const RowMask&) mutable {
      if (a != action || done) return;
      done = true;
      const cp::State before = state.pipes[static_cast<std::size_t>(last)].state;
      const cp::State after = next.pipes[static_cast<std::size_t>(last)].state;
      if (after != before && after != cp::State::kNone) visits.emplace_back(cp::ToString(after));
      state = next;
    });
  }
  return Drive(std::move(scenario), {&space.table(), nullptr}, actions, visits, property);
}

Realized RealizeMongosync(const MongosyncSpace& space, const MongosyncSpace::State& initial,
                          const std::vector<Action>& path, const std::string& property) {
  sim::Scenario scenario;
  scenario.model = sim::ModelKind::kMongosync;
  scenario.seed = 1;
  scenario.name = fmt::format("counterexample-{}", property);
  scenario.config.collections = 1;
  scenario.config.documents = 20;
  scenario.config.writes_per_hour = 3600;
  std::vector<WorldAction> actions;
  std::vector<std::string> visits;
  MongosyncSpace::State state = initial;
  for (const Action action : path) {
    const ms::Trigger trigger = MongosyncSpace::TriggerOf(action);
    std::optional<ms::StartOptions> body;
    if (trigger == ms::Trigger::kStart) body = MongosyncSpace::Body(MongosyncSpace::BodyOf(action));
    actions.push_back({std::string(ms::ToString(trigger)), ms::KindOf(trigger), -1, false, body});
    space.Successors(state, [&, done = false](Action a, const MongosyncSpace::State& next,
                                               const RowMask&) mutable {
      if (a != action || done) return;
      done = true;
      if (next.sync.state != state.sync.state) visits.emplace_back(ms::ToString(next.sync.state));
      state = next;
    });
  }
  return Drive(std::move(scenario), {nullptr, &space.table()}, actions, visits, property);
}

}  // namespace pipecheck::properties
