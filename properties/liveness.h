// properties/liveness.h: "eventually left" under weak fairness.
//
// After the breadth-first search, a liveness claim ("every transient state is
// eventually left once faults stop") fails exactly when some fault-free
// behaviour stays in one transient state forever while being fair: every
// weakly fair action that is enabled all along is also taken. Because fault
// budgets are finite, every infinite behaviour has a fault-free suffix, so
// only fault-free transitions are considered.
//
// Method: for each subject of the space (one of several parallel instances
// of the lifecycle, or the only one), restrict the explored
// graph to the states where the subject is in a transient state T and to
// the fault-free edges that keep it in T; find the strongly connected
// components (iterative Tarjan, successors recomputed on demand); a
// component is a fair trap when
//  - it has an internal edge and every fair action enabled in all of its
//    states is taken on one of its edges, or
//  - it is a single state without an internal edge and no fair action is
//    enabled there (the system may idle forever).
// The counterexample is a lasso: the shortest path to the component and a
// shortest cycle inside it (empty: the system stutters).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "properties/explorer.h"

namespace pipecheck::properties {

struct Lasso {
  bool found = false;
  std::uint32_t entry = 0;      // A state of the trap reached by the shortest path.
  std::vector<Action> cycle;    // Actions from `entry` back to `entry`; empty: stuttering.
  int subject = 0;              // Which subject of the space (0 when it has one).
  // Not kNone: a limit stopped the pass and nothing was established.
  StopReason stopped_by = StopReason::kNone;
  std::uint64_t memory_bytes = 0;  // When stopped: the memory judged at the stop.
};

// The space gives the subjects (`Subjects()`), the transient state a subject
// is in (`TransientKey(state, subject)`, or -1) and the classes of actions
// (`Space::IsFault(action)`, `Space::IsFair(action)`). The limits' memory
// bound, stop request and progress apply to this pass as to the search: it
// polls them every few thousand states and stops, before it allocates what
// would not fit, with `stopped_by` set.
template <typename Space>
Lasso FindFairTrap(const Explorer<Space>& explorer, const Space& space,
                   const ExploreLimits& limits = {}) {
  using State = typename Space::State;
  const int subjects = space.Subjects();
  auto key = [&space](const State& state, int subject) { return space.TransientKey(state, subject); };
  auto is_fault = [](Action action) { return Space::IsFault(action); };
  auto is_fair = [](Action action) { return Space::IsFair(action); };
  const auto count = static_cast<std::uint32_t>(explorer.states());
  constexpr std::uint32_t kUnseen = 0xffffffffU;
  Lasso best;
  struct Edge {
    std::uint32_t to;
    Action action;
  };
  struct Node {
    std::vector<Edge> edges;          // Restricted, fault-free, staying in T.
    std::vector<Action> enabled_fair;  // Sorted.
  };
  constexpr std::uint64_t kArrayBytes = 4 + 4 + 1 + 4 + 4;  // order, low, on_stack, component, keys.
  for (int subject = 0; subject < subjects; ++subject) {
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
    progress.subjects = subjects;
    if (memory() + count * kArrayBytes > limits.max_memory_bytes) {
      return Lasso{false, 0, {}, subject, StopReason::kMaxMemory, memory()};
    }
    std::vector<std::uint32_t> order(count, kUnseen);  // DFS index.
    std::vector<std::uint32_t> low(count, 0);
    std::vector<std::uint8_t> on_stack(count, 0);
    std::vector<std::uint32_t> component(count, kUnseen);
    std::vector<int> keys(count, -1);
    std::uint64_t transient = 0;
    for (std::uint32_t s = 0; s < count; ++s) {
      keys[s] = key(explorer.Unpack(s), subject);
      if (keys[s] >= 0) ++transient;
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

    auto expand = [&](std::uint32_t s) {
      Node node;
      const State state = explorer.Unpack(s);
      space.Successors(state, [&](Action action, const State& next, const RowMask&) {
        if (is_fault(action)) return;
        if (is_fair(action)) node.enabled_fair.push_back(action);
        const std::uint32_t target = explorer.Find(next);
        PIPECHECK_ASSERT(target != Explorer<Space>::kNoParent);
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

    auto judge = [&](const std::vector<std::uint32_t>& members, std::uint32_t id) {
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
  return best;
}

}  // namespace pipecheck::properties
