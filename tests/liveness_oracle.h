// tests/liveness_oracle.h: the liveness pass as it was first written, kept
// as an independent oracle for properties/liveness.h (check_test compares
// their lassos and trap sets): an iterative Tarjan per subject over the
// states where the subject is transient, every node's restricted edges and
// enabled fair actions held in memory, fairness judged from those lists.
// Slow and memory-hungry; used only by tests.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "properties/explorer.h"
#include "properties/liveness.h"

namespace pipecheck::properties::oracle {

// As properties::FindFairTrap. The space gives the subjects (`Subjects()`), the transient state a subject
// is in (`TransientKey(state, subject)`, or -1) and the classes of actions
// (`Space::IsFault(action)`, `Space::IsFair(action)`). The limits' memory
// bound, stop request and progress apply to this pass as to the search: it
// polls them every few thousand states and stops, before it allocates what
// would not fit, with `stopped_by` set.
//
// With `traps`, every stored state that lies in a fair trap (for some
// subject) is listed there, sorted: the tests compare these sets with and
// without symmetry.
template <typename Space>
Lasso FindFairTrap(const Explorer<Space>& explorer, const Space& space,
                   const ExploreLimits& limits = {}, std::vector<std::uint32_t>* traps = nullptr) {
  using State = typename Space::State;
  const int subjects = space.Subjects();
  bool reduced = false;
  if constexpr (requires { space.CanonicalPosition(State{}, 0); }) reduced = space.Reduced();
  // Reduced: one pass over (state, position) nodes; else a pass per subject over states.
  const int passes = reduced ? 1 : subjects;
  const auto per = static_cast<std::uint32_t>(reduced ? subjects : 1);  // Nodes per stored state.
  auto key = [&space](const State& state, int subject) { return space.TransientKey(state, subject); };
  auto position = [&space](const State& state, int subject) {
    if constexpr (requires { space.CanonicalPosition(state, subject); }) {
      return space.CanonicalPosition(state, subject);
    } else {
      return subject;
    }
  };
  auto is_fault = [](Action action) { return Space::IsFault(action); };
  auto is_fair = [](Action action) { return Space::IsFair(action); };
  const auto stored = static_cast<std::uint32_t>(explorer.states());
  PIPECHECK_ASSERT(std::uint64_t{stored} * per < 0xffffffffU);
  const std::uint32_t count = stored * per;  // Nodes.
  constexpr std::uint32_t kUnseen = 0xffffffffU;
  Lasso best;
  std::optional<Space> unreduced;  // Reduced: packs the rebuilt components' concrete states.
  struct Edge {
    std::uint32_t to;
    Action action;
  };
  struct Node {
    std::vector<Edge> edges;          // Restricted, fault-free, staying in T.
    std::vector<Action> enabled_fair;  // Sorted.
  };
  constexpr std::uint64_t kArrayBytes = 4 + 4 + 1 + 4 + 4;  // order, low, on_stack, component, keys.
  for (int subject = 0; subject < passes; ++subject) {
    // What the pass holds besides the explorer's tables: the arrays above,
    // the nodes and their edges (counted as allocated).
    std::uint64_t held = 0;
    auto memory = [&]() -> std::uint64_t {
      if (limits.resident) return limits.resident();
      return explorer.MemoryBytes() + held;
    };
    ExploreProgress progress;
    progress.pass = "liveness";
    progress.states = count;
    progress.subject = subject;
    progress.subjects = passes;
    if (memory() + count * kArrayBytes > limits.max_memory_bytes) {
      return Lasso{false, 0, {}, subject, StopReason::kMaxMemory, memory()};
    }
    std::vector<std::uint32_t> order(count, kUnseen);  // DFS index.
    std::vector<std::uint32_t> low(count, 0);
    std::vector<std::uint8_t> on_stack(count, 0);
    std::vector<std::uint32_t> component(count, kUnseen);
    std::vector<int> keys(count, -1);
    std::uint64_t transient = 0;
    for (std::uint32_t s = 0; s < stored; ++s) {
      const State state = explorer.Unpack(s);
      for (std::uint32_t p = 0; p < per; ++p) {
        const int tracked = reduced ? static_cast<int>(p) : subject;
        // Reduced: only the first of a run of equal records stands for the run.
        if (reduced && position(state, tracked) != tracked) continue;
        keys[s * per + p] = key(state, tracked);
        if (keys[s * per + p] >= 0) ++transient;
      }
    }
    held = count * kArrayBytes;
    if (memory() + transient * sizeof(Node) > limits.max_memory_bytes) {
      return Lasso{false, 0, {}, subject, StopReason::kMaxMemory, memory()};
    }
    std::vector<Node> nodes;  // Indexed by DFS index.
    nodes.reserve(transient);  // At most one node a transient state: one allocation, never moved.
    held += transient * sizeof(Node);
    std::uint64_t node_bytes = 0;  // Edges and fair actions of the nodes so far.
    StopReason stopped = StopReason::kNone;
    std::vector<std::uint32_t> stack;
    std::uint32_t next_order = 0;
    std::uint32_t next_component = 0;

    // The node that (`next`, the subject at `tracked`) stands for.
    auto node_of = [&](const State& next, int tracked) {
      const std::uint32_t target = explorer.Find(next);
      PIPECHECK_ASSERT(target != Explorer<Space>::kNoParent);
      return reduced ? target * per + static_cast<std::uint32_t>(position(next, tracked)) : target;
    };
    auto expand = [&](std::uint32_t s) {
      Node node;
      const State state = explorer.Unpack(s / per);
      const int tracked = reduced ? static_cast<int>(s % per) : subject;
      space.Successors(state, [&](Action action, const State& next, const RowMask&) {
        if (is_fault(action)) return;
        if (is_fair(action)) node.enabled_fair.push_back(action);
        if (reduced && key(next, tracked) != keys[s]) return;
        const std::uint32_t target = node_of(next, tracked);
        if (keys[target] == keys[s]) node.edges.push_back({target, action});
      });
      std::sort(node.enabled_fair.begin(), node.enabled_fair.end());
      node.enabled_fair.erase(std::unique(node.enabled_fair.begin(), node.enabled_fair.end()),
                              node.enabled_fair.end());
      node_bytes += node.edges.capacity() * sizeof(Edge) + node.enabled_fair.capacity() * sizeof(Action) +
                    (node.edges.empty() ? 0 : 32) + (node.enabled_fair.empty() ? 0 : 32);
      return node;
    };
    // Every few thousand states: progress, a stop request, and whether the
    // next few thousand nodes fit (judged by the nodes so far).
    auto poll = [&]() {
      held = count * kArrayBytes + transient * sizeof(Node) + node_bytes;
      progress.visited = next_order;
      progress.memory_bytes = memory();
      if (limits.progress) limits.progress(progress);
      if (limits.stop_requested) stopped = limits.stop_requested();
      const std::uint64_t ahead = next_order == 0 ? 0 : 2 * 4096 * (node_bytes / next_order + 1);
      if (stopped == StopReason::kNone && progress.memory_bytes + ahead > limits.max_memory_bytes) {
        stopped = StopReason::kMaxMemory;
      }
    };

    // Reduced: the component rebuilt concretely from the stored state of its
    // first node, following the tracked subject; fairness is judged on its
    // concrete actions, and the cycle found in it.
    auto judge_lifted = [&](const std::vector<std::uint32_t>& members, std::uint32_t id) {
      const std::uint32_t first = *std::min_element(members.begin(), members.end());
      const std::uint32_t entry = first / per;
      if (traps == nullptr && best.found && entry >= best.entry) return;
      const int tracked = static_cast<int>(first % per);
      bool internal = false;
      for (const std::uint32_t m : members) {
        for (const Edge& edge : nodes[order[m]].edges) internal |= component[edge.to] == id;
      }
      if (!internal) {  // One state that nothing keeps in T: a trap when no fair action is enabled.
        if (!nodes[order[first]].enabled_fair.empty()) return;
        if (traps != nullptr) traps->push_back(entry);
        if (!best.found || entry < best.entry) best = Lasso{true, entry, {}, tracked};
        return;
      }
      if constexpr (requires { space.Unreduced(); }) {
        if (!unreduced) unreduced.emplace(space.Unreduced());
        std::map<std::array<std::uint64_t, Space::kWords>, std::uint32_t> index;  // Concrete states.
        std::vector<State> states = {explorer.Unpack(entry)};
        std::vector<std::vector<Edge>> edges(1);
        auto concrete_key = [&](const State& state) {
          std::array<std::uint64_t, Space::kWords> words{};
          unreduced->Pack(state, words.data());
          return words;
        };
        index.emplace(concrete_key(states[0]), 0);
        std::vector<Action> required;
        std::vector<Action> taken;
        for (std::uint32_t at = 0; at < states.size(); ++at) {
          std::vector<Action> enabled;
          const State state = states[at];
          space.Successors(state, [&](Action action, const State& next, const RowMask&) {
            if (is_fault(action)) return;
            if (is_fair(action)) enabled.push_back(action);
            if (key(next, tracked) != keys[first]) return;
            if (component[node_of(next, tracked)] != id) return;
            const auto [it, added] = index.emplace(concrete_key(next), static_cast<std::uint32_t>(states.size()));
            if (added) {
              states.push_back(next);
              edges.emplace_back();
            }
            edges[at].push_back({it->second, action});
            if (is_fair(action)) taken.push_back(action);
          });
          std::sort(enabled.begin(), enabled.end());
          enabled.erase(std::unique(enabled.begin(), enabled.end()), enabled.end());
          if (at == 0) {
            required = std::move(enabled);
          } else {
            std::vector<Action> both;
            std::set_intersection(required.begin(), required.end(), enabled.begin(), enabled.end(),
                                  std::back_inserter(both));
            required = std::move(both);
          }
        }
        std::sort(taken.begin(), taken.end());
        if (!std::includes(taken.begin(), taken.end(), required.begin(), required.end())) return;
        if (traps != nullptr) {
          for (const std::uint32_t m : members) traps->push_back(m / per);
        }
        if (best.found && entry >= best.entry) return;
        best = Lasso{true, entry, {}, tracked};
        // A shortest cycle from the entry back to it, in the rebuilt component.
        std::vector<std::uint32_t> previous(states.size(), kUnseen);
        std::vector<Action> via(states.size(), 0);
        std::deque<std::uint32_t> queue = {0};
        std::uint32_t closing = kUnseen;
        Action closing_action = 0;
        while (!queue.empty() && closing == kUnseen) {
          const std::uint32_t at = queue.front();
          queue.pop_front();
          for (const Edge& edge : edges[at]) {
            if (edge.to == 0) {
              closing = at;
              closing_action = edge.action;
              break;
            }
            if (previous[edge.to] != kUnseen) continue;
            previous[edge.to] = at;
            via[edge.to] = edge.action;
            queue.push_back(edge.to);
          }
        }
        PIPECHECK_ASSERT(closing != kUnseen);
        std::vector<Action> cycle = {closing_action};
        for (std::uint32_t at = closing; at != 0; at = previous[at]) cycle.push_back(via[at]);
        best.cycle.assign(cycle.rbegin(), cycle.rend());
      }
    };

    auto judge = [&](const std::vector<std::uint32_t>& members, std::uint32_t id) {
      if (reduced) {
        judge_lifted(members, id);
        return;
      }
      std::vector<Action> required = nodes[order[members.front()]].enabled_fair;
      std::vector<Action> taken;
      bool internal = false;
      for (const std::uint32_t m : members) {
        const Node& node = nodes[order[m]];
        std::vector<Action> both;
        std::set_intersection(required.begin(), required.end(), node.enabled_fair.begin(),
                              node.enabled_fair.end(), std::back_inserter(both));
        required = std::move(both);
        for (const Edge& edge : node.edges) {
          if (component[edge.to] != id) continue;
          internal = true;
          if (is_fair(edge.action)) taken.push_back(edge.action);
        }
      }
      std::sort(taken.begin(), taken.end());
      const bool fair = std::includes(taken.begin(), taken.end(), required.begin(), required.end());
      if (!fair) return;
      if (traps != nullptr) traps->insert(traps->end(), members.begin(), members.end());
      const std::uint32_t entry = *std::min_element(members.begin(), members.end());
      if (best.found && entry >= best.entry) return;
      best = Lasso{true, entry, {}, subject};
      if (!internal) return;  // Stuttering.
      // A shortest cycle entry -> ... -> entry inside the component.
      std::vector<std::uint32_t> previous(count, kUnseen);
      std::vector<Action> via(count, 0);
      std::deque<std::uint32_t> queue = {entry};
      std::uint32_t closing = kUnseen;
      Action closing_action = 0;
      while (!queue.empty() && closing == kUnseen) {
        const std::uint32_t at = queue.front();
        queue.pop_front();
        for (const Edge& edge : nodes[order[at]].edges) {
          if (component[edge.to] != id) continue;
          if (edge.to == entry) {
            closing = at;
            closing_action = edge.action;
            break;
          }
          if (previous[edge.to] != kUnseen) continue;
          previous[edge.to] = at;
          via[edge.to] = edge.action;
          queue.push_back(edge.to);
        }
      }
      PIPECHECK_ASSERT(closing != kUnseen);
      std::vector<Action> cycle = {closing_action};
      for (std::uint32_t at = closing; at != entry; at = previous[at]) cycle.push_back(via[at]);
      best.cycle.assign(cycle.rbegin(), cycle.rend());
    };

    // Iterative Tarjan.
    struct Frame {
      std::uint32_t state;
      std::size_t next_edge;
    };
    for (std::uint32_t root = 0; root < count && stopped == StopReason::kNone; ++root) {
      if (keys[root] < 0 || order[root] != kUnseen) continue;
      std::vector<Frame> frames;
      auto visit = [&](std::uint32_t s) {
        if ((next_order & 4095U) == 0) poll();
        order[s] = low[s] = next_order++;
        nodes.push_back(expand(s));
        stack.push_back(s);
        on_stack[s] = 1;
        frames.push_back({s, 0});
      };
      visit(root);
      while (!frames.empty() && stopped == StopReason::kNone) {
        Frame& frame = frames.back();
        const Node& node = nodes[order[frame.state]];
        if (frame.next_edge < node.edges.size()) {
          const std::uint32_t to = node.edges[frame.next_edge++].to;
          if (order[to] == kUnseen) {
            visit(to);
          } else if (on_stack[to]) {
            low[frame.state] = std::min(low[frame.state], order[to]);
          }
          continue;
        }
        const std::uint32_t s = frame.state;
        frames.pop_back();
        if (!frames.empty()) low[frames.back().state] = std::min(low[frames.back().state], low[s]);
        if (low[s] != order[s]) continue;
        std::vector<std::uint32_t> members;
        std::uint32_t member = 0;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = 0;
          component[member] = next_component;
          members.push_back(member);
        } while (member != s);
        judge(members, next_component++);
      }
    }
    if (stopped != StopReason::kNone) return Lasso{false, 0, {}, subject, stopped, progress.memory_bytes};
    progress.visited = next_order;
    if (limits.progress) limits.progress(progress);
  }
  if (traps != nullptr) {
    std::sort(traps->begin(), traps->end());
    traps->erase(std::unique(traps->begin(), traps->end()), traps->end());
  }
  return best;
}

}  // namespace pipecheck::properties::oracle
