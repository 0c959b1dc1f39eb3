#include "properties/check.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "properties/liveness.h"
#include "properties/realize.h"

namespace pipecheck::properties {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

namespace {

// What the generic report needs to know of one model.
template <typename Space>
struct Adapter {
  using State = typename Space::State;
  std::string model;
  std::string profile;
  std::map<std::string, int> bounds;
  std::vector<std::pair<std::string, model::StateKind>> declared;  // Name, kind.
  std::function<void(const State&, std::vector<std::string>&)> lifecycle_states;
  std::function<std::string(const State&, Action)> explain;  // Rows taken by an action.
  std::vector<std::string> row_descriptions;
  int subjects = 1;
  std::function<int(const State&, int)> transient_key;
  std::function<bool(Action)> is_fault;
  std::function<bool(Action)> is_fair;
  // Realizes a trace as a scenario (empty: do not).
  std::function<Realized(const State&, const std::vector<Action>&, const std::string&)> realize;
};

template <typename Space>
std::vector<TraceStep> Steps(const Space& space, const Adapter<Space>& adapter,
                             typename Space::State state,
                             const std::vector<Action>& actions) {
  std::vector<TraceStep> steps;
  for (const Action action : actions) {
    typename Space::State next = state;
    bool found = false;
    space.Successors(state, [&](Action a, const typename Space::State& candidate, const RowMask&) {
      if (a == action && !found) {
        next = candidate;
        found = true;
      }
    });
    PIPECHECK_ASSERT(found);
    steps.push_back({space.Describe(action), adapter.explain(state, action), space.Describe(next)});
    state = next;
  }
  return steps;
}

template <typename Space>
CheckReport Check(const Space& space, const Adapter<Space>& adapter, const ExploreLimits& limits) {
  Explorer<Space> explorer(space);
  const bool complete = explorer.Run(limits);
  CheckReport report;
  report.model = adapter.model;
  report.profile = adapter.profile;
  report.bounds = adapter.bounds;
  report.complete = complete;
  report.states = explorer.states();
  report.transitions = explorer.transitions();
  report.depth = explorer.depth();
  report.memory_bytes = explorer.MemoryBytes();

  std::vector<std::string> seen;
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    adapter.lifecycle_states(explorer.Unpack(s), seen);
    if (seen.size() >= adapter.declared.size()) break;  // Everything declared is reached.
  }
  for (const auto& [name, kind] : adapter.declared) {
    const bool reached = std::find(seen.begin(), seen.end(), name) != seen.end();
    (reached ? report.reachable : report.unreachable_declared).push_back(name);
  }
  for (const std::uint32_t s : explorer.deadlocks()) {
    report.deadlocks.push_back(space.Describe(explorer.Unpack(s)));
  }
  for (std::size_t row = 0; row < adapter.row_descriptions.size(); ++row) {
    report.rows.push_back({row, adapter.row_descriptions[row], explorer.rows_taken().Has(row)});
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
    Finding finding = explorer.findings()[p];
    Lasso lasso;
    if (spec.expectation == Expectation::kEventually && complete) {
      lasso = FindFairTrap(explorer, space, adapter.subjects, adapter.transient_key,
                           adapter.is_fault, adapter.is_fair);
      finding = Finding{lasso.found, lasso.entry, 0, 0};
    }
    if (finding.found) {
      out.path = explorer.PathTo(finding.state);
      if (spec.expectation == Expectation::kTransition) {
        out.path = explorer.PathTo(finding.from);
        out.path.push_back(finding.action);
      }
      const auto initial = explorer.Unpack(explorer.RootOf(finding.state));
      out.initial = space.Describe(initial);
      out.trace = Steps(space, adapter, initial, out.path);
      const bool safety =
          spec.expectation == Expectation::kAlways || spec.expectation == Expectation::kTransition;
      if (safety && adapter.realize) {
        Realized realized = adapter.realize(initial, out.path, out.name);
        if (realized.ok) {
          out.scenario = std::move(realized.scenario);
        } else {
          out.scenario_why = realized.why;
        }
      }
      if (lasso.found) {
        out.cycle = Steps(space, adapter, explorer.Unpack(lasso.entry), lasso.cycle);
      }
    }
    switch (spec.expectation) {
      case Expectation::kSometimes:
        out.verdict = finding.found ? Verdict::kWitnessed : complete ? Verdict::kUnwitnessed : Verdict::kUnknown;
        failed |= complete && !finding.found;
        unknown |= !complete && !finding.found;
        break;
      default:
        out.verdict = finding.found ? Verdict::kViolated : complete ? Verdict::kHolds : Verdict::kUnknown;
        failed |= finding.found;
        unknown |= !complete && !finding.found;
        break;
    }
    report.properties.push_back(std::move(out));
  }
  report.verdict = failed ? CheckVerdict::kFail
                 : (complete && !unknown) ? CheckVerdict::kPass
                                          : CheckVerdict::kIncomplete;
  return report;
}

}  // namespace

CheckReport CheckClickPipe(const cp::Table& table, const ClickPipeBounds& bounds,
                           const ExploreLimits& limits, bool scenarios) {
  const ClickPipeSpace space(table, bounds);
  Adapter<ClickPipeSpace> adapter;
  adapter.model = "clickpipe";
  adapter.profile = std::string(cp::ToString(table.profile()));
  adapter.bounds["pipes"] = bounds.pipes;
  for (std::size_t f = 0; f < kClickPipeFaultCount; ++f) {
    adapter.bounds[std::string(kClickPipeFaultNames[f])] = bounds.budget[f];
  }
  const auto& modes = space.bounds().modes;
  const bool snapshot = std::find(modes.begin(), modes.end(), cp::Mode::kSnapshot) != modes.end();
  for (const cp::State state : cp::States(table.profile())) {
    // Only snapshot pipes complete: with that mode unexplored, Completed is
    // out of bounds rather than unreachable.
    if (state == cp::State::kCompleted && !snapshot) continue;
    adapter.declared.emplace_back(std::string(cp::ToString(state)), cp::KindOf(state));
  }
  adapter.lifecycle_states = [&](const ClickPipeSpace::State& state, std::vector<std::string>& seen) {
    for (int p = 0; p < bounds.pipes; ++p) {
      const cp::State s = state.pipes[static_cast<std::size_t>(p)].state;
      if (s == cp::State::kNone) continue;
      const std::string name(cp::ToString(s));
      if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
    }
  };
  adapter.explain = [&](const ClickPipeSpace::State& state, Action action) {
    std::string out;
    const int pipe = ClickPipeSpace::PipeOf(action);
    const cp::Trigger trigger = ClickPipeSpace::TriggerOf(action);
    for (int p = 0; p < bounds.pipes; ++p) {
      if (pipe != ClickPipeSpace::kMaxPipes && p != pipe) continue;
      const cp::StepResult result = cp::Step(table, state.pipes[static_cast<std::size_t>(p)], trigger);
      if (!result.accepted) continue;
      const cp::Row& row = table.rows()[result.row];
      out += fmt::format("{}pipe {}: row {} {} --{}--> {} [{}, {}{}]", out.empty() ? "" : "; ", p,
                         result.row, cp::ToString(row.from), cp::ToString(row.trigger),
                         cp::ToString(row.to), row.evidence.source, ToString(row.evidence.status()),
                         row.evidence.decision.empty() ? "" : " " + std::string(row.evidence.decision));
    }
    return out;
  };
  for (const cp::Row& row : table.rows()) {
    adapter.row_descriptions.push_back(fmt::format("{} --{}--> {}", cp::ToString(row.from),
                                                   cp::ToString(row.trigger), cp::ToString(row.to)));
  }
  adapter.subjects = bounds.pipes;
  adapter.transient_key = [](const ClickPipeSpace::State& state, int pipe) {
    const cp::State s = state.pipes[static_cast<std::size_t>(pipe)].state;
    if (s == cp::State::kNone || cp::KindOf(s) != model::StateKind::kTransient) return -1;
    return static_cast<int>(s);
  };
  adapter.is_fault = [](Action action) {
    return ClickPipeSpace::FaultOf(ClickPipeSpace::TriggerOf(action)) >= 0;
  };
  adapter.is_fair = &ClickPipeSpace::IsFair;
  if (scenarios) {
    adapter.realize = [&space](const ClickPipeSpace::State& initial, const std::vector<Action>& path,
                               const std::string& property) {
      return RealizeClickPipe(space, initial, path, property);
    };
  }
  return Check(space, adapter, limits);
}

CheckReport CheckMongosync(const ms::Table& table, const MongosyncBounds& bounds,
                           const ExploreLimits& limits, bool scenarios) {
  const MongosyncSpace space(table, bounds);
  Adapter<MongosyncSpace> adapter;
  adapter.model = "mongosync";
  for (std::size_t f = 0; f < kMongosyncFaultCount; ++f) {
    adapter.bounds[std::string(kMongosyncFaultNames[f])] = bounds.budget[f];
  }
  for (const ms::State state : ms::States()) {
    adapter.declared.emplace_back(std::string(ms::ToString(state)), ms::KindOf(state));
  }
  adapter.lifecycle_states = [](const MongosyncSpace::State& state, std::vector<std::string>& seen) {
    if (state.sync.state == ms::State::kNone) return;
    const std::string name(ms::ToString(state.sync.state));
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
  };
  adapter.explain = [&](const MongosyncSpace::State& state, Action action) {
    const ms::StepResult result = ms::Step(table, state.sync, MongosyncSpace::TriggerOf(action),
                                           MongosyncSpace::Body(MongosyncSpace::BodyOf(action)));
    if (!result.accepted) return std::string("(refused)");
    const ms::Row& row = table.rows()[result.row];
    return fmt::format("row {} {}/{} --{}--> {}/{} [{}, {}{}]", result.row, ms::ToString(row.from),
                       ms::ToString(row.process_from), ms::ToString(row.trigger), ms::ToString(row.to),
                       ms::ToString(row.process_to), row.evidence.source,
                       ToString(row.evidence.status()),
                       row.evidence.decision.empty() ? "" : " " + std::string(row.evidence.decision));
  };
  for (const ms::Row& row : table.rows()) {
    adapter.row_descriptions.push_back(fmt::format("{}/{} --{}--> {}/{}", ms::ToString(row.from),
                                                   ms::ToString(row.process_from),
                                                   ms::ToString(row.trigger), ms::ToString(row.to),
                                                   ms::ToString(row.process_to)));
  }
  adapter.subjects = 1;
  adapter.transient_key = [](const MongosyncSpace::State& state, int) {
    const ms::State s = state.sync.state;
    return ms::KindOf(s) == model::StateKind::kTransient ? static_cast<int>(s) : -1;
  };
  adapter.is_fault = [](Action action) {
    return MongosyncSpace::FaultOf(MongosyncSpace::TriggerOf(action)) >= 0;
  };
  adapter.is_fair = &MongosyncSpace::IsFair;
  if (scenarios) {
    adapter.realize = [&space](const MongosyncSpace::State& initial, const std::vector<Action>& path,
                               const std::string& property) {
      return RealizeMongosync(space, initial, path, property);
    };
  }
  return Check(space, adapter, limits);
}

}  // namespace pipecheck::properties
