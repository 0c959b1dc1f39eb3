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
// of the lifecycle, or the only one), restrict the explored graph to the
// states where the subject is in a transient state T and to the fault-free
// edges that keep it in T; find the strongly connected components; a
// component is a fair trap when
//  - it has an internal edge and every fair action enabled in all of its
//    states is taken on one of its edges, or
//  - it is a single state without an internal edge and no fair action is
//    enabled there (the system may idle forever).
// The counterexample is a lasso: the shortest path to the component and a
// shortest cycle inside it (empty: the system stutters).
//
// The components are found by Pearce's space-efficient variant of Tarjan's
// algorithm: one 32-bit word per node (its DFS index while the node is open,
// its component's number once closed, components numbered downwards from the
// top of the range so the two never meet) and one stack of open nodes. A
// node's restricted edges are generated when the DFS reaches it (the edges
// that leave T are dropped before the stored state is looked up) and held
// only while it is on the DFS path. What fairness needs is gathered on the
// way, per open component: the fair actions enabled in all of its nodes, the
// fair actions on its internal edges (an edge is internal exactly when its
// target is still open), and whether it has one. So nothing is kept per
// node but the one word, and a closed component is judged without looking
// at its states again; only a fair trap that gives a shorter lasso has its
// members' edges generated once more, to find the cycle (and every
// component, should a space have more fair actions than kFairBits).
//
// Symmetry: on a space whose Reduced() is true (one state stored per orbit
// of interchangeable subjects), the subject is tracked rather than named.
// One pass runs over the nodes (stored state, the subject's position in it),
// the position taken as the first of its run of equal records
// (CanonicalPosition), so that "some subject stays in T" is judged by orbit.
// A component of that quotient is the image of conjugate components of the
// unreduced graph, one of which is rebuilt concretely (from the stored
// state, following the tracked subject) to judge fairness on concrete
// actions and to find the cycle; the lasso's cycle is then in the frame of
// the stored state (check.h makes it concrete). Before that rebuild, a
// component is dismissed when the tracked subject has a fair action enabled
// in all of its nodes that no internal edge takes (for a space that names
// the subject and trigger of an action, Space::PipeOf and Space::TriggerOf):
// the rebuilt component would then leave that action enabled and untaken.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "properties/explorer.h"

namespace pipecheck::properties {

struct Lasso {
  bool found = false;
  std::uint32_t entry = 0;      // A state of the trap reached by the shortest path.
  std::vector<Action> cycle;    // Actions from `entry` back to `entry`; empty: stuttering.
  int subject = 0;              // Which subject of the space (0 when it has one); reduced: its position.
  // Not kNone: a limit stopped the pass and nothing was established.
  StopReason stopped_by = StopReason::kNone;
  std::uint64_t memory_bytes = 0;  // When stopped: the memory judged at the stop.
};

namespace liveness_detail {

// A set of fair actions, each given one of kBits bits (see FindFairTrap).
template <std::size_t kBits>
struct FairSet {
  std::array<std::uint64_t, (kBits + 63) / 64> words{};
  void Add(std::size_t bit) { words[bit / 64] |= std::uint64_t{1} << (bit % 64); }
  // Whether every action of this set is in `other`.
  bool Within(const FairSet& other) const {
    for (std::size_t w = 0; w < words.size(); ++w) {
      if ((words[w] & ~other.words[w]) != 0) return false;
    }
    return true;
  }
  void Intersect(const FairSet& other) {
    for (std::size_t w = 0; w < words.size(); ++w) words[w] &= other.words[w];
  }
  void Unite(const FairSet& other) {
    for (std::size_t w = 0; w < words.size(); ++w) words[w] |= other.words[w];
  }
};

// What fairness needs of an open component (its nodes so far).
template <std::size_t kBits>
struct Fairness {
  FairSet<kBits> enabled;    // Fair actions enabled in every node.
  FairSet<kBits> taken;      // Fair actions on an internal edge.
  bool internal = false;     // Some edge is internal.
  bool any_enabled = false;  // Some fair action is enabled (judged on a single node).
  void Merge(const Fairness& other) {
    enabled.Intersect(other.enabled);
    taken.Unite(other.taken);
    internal |= other.internal;
    any_enabled |= other.any_enabled;
  }
};

// Whether two objects hold the same bytes (word by word, inlined).
template <typename T>
bool SameBytes(const T& a, const T& b) {
  const auto* x = reinterpret_cast<const unsigned char*>(&a);
  const auto* y = reinterpret_cast<const unsigned char*>(&b);
  std::size_t at = 0;
  for (; at + 8 <= sizeof(T); at += 8) {
    std::uint64_t u = 0;
    std::uint64_t v = 0;
    std::memcpy(&u, x + at, 8);
    std::memcpy(&v, y + at, 8);
    if (u != v) return false;
  }
  for (; at < sizeof(T); ++at) {
    if (x[at] != y[at]) return false;
  }
  return true;
}

// A shortest cycle from node `start` back to it (breadth-first, edges in
// the order given), over nodes numbered from 0 with their edges
// (target, action); the component is strongly connected, so one exists.
inline std::vector<Action> ShortestCycle(
    const std::vector<std::vector<std::pair<std::uint32_t, Action>>>& edges, std::uint32_t start) {
  constexpr std::uint32_t kUnseen = 0xffffffffU;
  std::vector<std::uint32_t> previous(edges.size(), kUnseen);
  std::vector<Action> via(edges.size(), 0);
  std::deque<std::uint32_t> queue = {start};
  std::uint32_t closing = kUnseen;
  Action closing_action = 0;
  while (!queue.empty() && closing == kUnseen) {
    const std::uint32_t at = queue.front();
    queue.pop_front();
    for (const auto& [to, action] : edges[at]) {
      if (to == start) {
        closing = at;
        closing_action = action;
        break;
      }
      if (previous[to] != kUnseen) continue;
      previous[to] = at;
      via[to] = action;
      queue.push_back(to);
    }
  }
  PIPECHECK_ASSERT(closing != kUnseen);
  std::vector<Action> cycle = {closing_action};
  for (std::uint32_t at = closing; at != start; at = previous[at]) cycle.push_back(via[at]);
  return {cycle.rbegin(), cycle.rend()};
}

}  // namespace liveness_detail

// The space gives the subjects (`Subjects()`), the transient state a subject
// is in (`TransientKey(state, subject)`, or -1) and the classes of actions
// (`Space::IsFault(action)`, `Space::IsFair(action)`). The limits' memory
// bound, stop request and progress apply to this pass as to the search: it
// polls them every few thousand states and stops, before it allocates what
// would not fit, with `stopped_by` set.
//
// With `traps`, every stored state that lies in a fair trap (for some
// subject) is listed there, sorted: the tests compare these sets with and
// without symmetry.
//
// kFairBits: how many distinct fair actions a component's fairness is
// gathered for on the way (beyond them, components are judged by generating
// their edges again); a parameter so that the tests can reach that path.
template <typename Space, std::size_t kFairBits = 128>
Lasso FindFairTrap(const Explorer<Space>& explorer, const Space& space,
                   const ExploreLimits& limits = {}, std::vector<std::uint32_t>* traps = nullptr) {
  using State = typename Space::State;
  static_assert(kFairBits >= 1 && kFairBits < 0xff);
  using Fairness = liveness_detail::Fairness<kFairBits>;
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
  // The fault-free successors: without generating the faults where the space can.
  auto fault_free = [&space](const State& state, auto&& emit) {
    if constexpr (requires { space.FaultFreeSuccessors(state, emit); }) {
      space.FaultFreeSuccessors(state, emit);
    } else {
      space.Successors(state, [&](Action action, const State& next, const RowMask& rows) {
        if (!Space::IsFault(action)) emit(action, next, rows);
      });
    }
  };
  auto is_fair = [](Action action) { return Space::IsFair(action); };
  const auto stored = static_cast<std::uint32_t>(explorer.states());
  // DFS indices stay below 2^31, component numbers above.
  PIPECHECK_ASSERT(std::uint64_t{stored} * per < 0x80000000U);
  const std::uint32_t count = stored * per;  // Nodes.
  constexpr std::uint32_t kUnvisited = 0;
  constexpr std::uint32_t kFirstComponent = 0xfffffffeU;
  constexpr std::uint8_t kNoBit = 0xff;
  Lasso best;
  std::optional<Space> unreduced;  // Reduced: packs the rebuilt components' concrete states.
  struct Edge {
    std::uint32_t to;
    Action action;
    std::uint8_t bit;  // The bit of `taken` the edge sets when internal, or kNoBit.
  };

  // The bits of fair actions. Unreduced: each fair action has its own bit,
  // given as it is first met, so a component's fairness is judged exactly
  // (past kFairBits actions, `overflow`: by generating its edges again).
  // Reduced: the tracked subject's own triggers (see the header).
  constexpr bool kSubjectActions = requires(Action a) {
    Space::PipeOf(a);
    Space::TriggerOf(a);
  };
  std::vector<std::uint8_t> bit_of;  // Unreduced: by action.
  std::size_t bits_used = 0;
  bool overflow = false;
  if (!reduced) bit_of.assign(std::size_t{1} << (8 * sizeof(Action)), kNoBit);
  auto action_bit = [&](Action action) -> std::uint8_t {
    std::uint8_t& bit = bit_of[action];
    if (bit == kNoBit) {
      if (bits_used < kFairBits) {
        bit = static_cast<std::uint8_t>(bits_used++);
      } else {
        overflow = true;
      }
    }
    return bit;
  };
  // Reduced: the trigger's bit when `action` is the tracked subject's own.
  auto own_bit = [&](Action action, int tracked) -> std::uint8_t {
    if constexpr (kSubjectActions) {
      const auto trigger = static_cast<std::size_t>(Space::TriggerOf(action));
      if (Space::PipeOf(action) == tracked && trigger < kFairBits) return static_cast<std::uint8_t>(trigger);
    }
    return kNoBit;
  };

  // What the pass holds besides the explorer's tables: one word per node,
  // and (small) the DFS path's edges and the stack of open nodes.
  constexpr std::uint64_t kNodeBytes = sizeof(std::uint32_t);
  for (int subject = 0; subject < passes; ++subject) {
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
    if (memory() + count * kNodeBytes > limits.max_memory_bytes) {
      return Lasso{false, 0, {}, subject, StopReason::kMaxMemory, memory()};
    }
    // Open: the DFS index (from 1); closed: the component's number (from kFirstComponent down).
    std::vector<std::uint32_t> rindex(count, kUnvisited);
    held = count * kNodeBytes;
    std::uint32_t next_index = 1;
    std::uint32_t next_component = kFirstComponent;
    std::uint64_t visited = 0;
    StopReason stopped = StopReason::kNone;
    std::vector<std::uint32_t> open;  // Nodes done with but not yet in a closed component.
    struct Frame {
      std::uint32_t node;
      int key;                 // The transient state the node's subject is in.
      std::uint32_t first;     // The node's edges: edges[first, end) ...
      std::uint32_t next;      // ... the next one to follow ...
      std::uint32_t end;
      bool root;               // No edge so far reached an earlier open node.
      Fairness fairness;       // Of the node and the nodes it has taken into its component.
    };
    std::vector<Frame> frames;
    std::vector<Edge> edges;  // The edges of the nodes on the DFS path.
    struct Staying {
      State next;
      Action action;
      std::uint8_t bit;
      std::uint32_t at;  // Its place in `edges`.
    };
    std::vector<Staying> staying;  // The edges of the node being opened, before the lookup.

    // The node that (`next`, the subject at `tracked`) stands for.
    auto node_of = [&](const State& next, int tracked) {
      const std::uint32_t target = explorer.Find(next);
      PIPECHECK_ASSERT(target != Explorer<Space>::kNoParent);
      return reduced ? target * per + static_cast<std::uint32_t>(position(next, tracked)) : target;
    };
    // Every few thousand nodes: progress, a stop request, and whether the
    // next few thousand nodes fit.
    auto poll = [&]() {
      held = count * kNodeBytes + edges.capacity() * sizeof(Edge) + frames.capacity() * sizeof(Frame) +
             open.capacity() * sizeof(std::uint32_t);
      progress.visited = visited;
      progress.memory_bytes = memory();
      if (limits.progress) limits.progress(progress);
      if (limits.stop_requested) stopped = limits.stop_requested();
      const std::uint64_t ahead = 2 * 4096 * sizeof(std::uint32_t);
      if (stopped == StopReason::kNone && progress.memory_bytes + ahead > limits.max_memory_bytes) {
        stopped = StopReason::kMaxMemory;
      }
    };
    // Opens node `v` of key `k`: its index, its restricted edges, the fair
    // actions enabled there.
    auto visit = [&](std::uint32_t v, int k) {
      if ((visited & 4095U) == 0) poll();
      ++visited;
      rindex[v] = next_index++;
      Frame frame{v, k, static_cast<std::uint32_t>(edges.size()), 0, 0, true, {}};
      const State state = explorer.Unpack(v / per);
      const int tracked = reduced ? static_cast<int>(v % per) : subject;
      fault_free(state, [&](Action action, const State& next, const RowMask&) {
        std::uint8_t bit = kNoBit;
        if (is_fair(action)) {
          frame.fairness.any_enabled = true;
          bit = reduced ? own_bit(action, tracked) : action_bit(action);
          if (bit != kNoBit) frame.fairness.enabled.Add(bit);
        }
        if (key(next, tracked) != k) return;
        // A step that changes nothing leads back to the node itself.
        if constexpr (std::has_unique_object_representations_v<State>) {
          if (liveness_detail::SameBytes(next, state)) {
            edges.push_back({v, action, bit});
            return;
          }
        }
        staying.push_back({next, action, bit, static_cast<std::uint32_t>(edges.size())});
        edges.push_back({v, action, bit});
      });
      // Looked up together, so that the table's cache misses overlap.
      for (const Staying& edge : staying) edges[edge.at].to = node_of(edge.next, tracked);
      for (std::uint32_t e = frame.first; e < edges.size(); ++e) __builtin_prefetch(&rindex[edges[e].to]);
      staying.clear();
      frame.next = frame.first;
      frame.end = static_cast<std::uint32_t>(edges.size());
      frames.push_back(frame);
    };

    // The internal edges of a closed component's members (sorted), each as
    // (member's position, target's position, action), in the order the
    // space generates them; and each member's enabled fair actions.
    struct Rebuilt {
      std::vector<std::vector<std::pair<std::uint32_t, Action>>> edges;
      std::vector<std::vector<Action>> enabled_fair;
    };
    auto rebuild = [&](const std::vector<std::uint32_t>& members, std::uint32_t id, int k) {
      Rebuilt out;
      out.edges.resize(members.size());
      out.enabled_fair.resize(members.size());
      for (std::size_t m = 0; m < members.size(); ++m) {
        const State state = explorer.Unpack(members[m] / per);
        const int tracked = reduced ? static_cast<int>(members[m] % per) : subject;
        fault_free(state, [&](Action action, const State& next, const RowMask&) {
          if (is_fair(action)) out.enabled_fair[m].push_back(action);
          if (key(next, tracked) != k) return;
          const std::uint32_t target = node_of(next, tracked);
          if (rindex[target] != id) return;
          const auto at = std::lower_bound(members.begin(), members.end(), target) - members.begin();
          out.edges[m].push_back({static_cast<std::uint32_t>(at), action});
        });
        std::sort(out.enabled_fair[m].begin(), out.enabled_fair[m].end());
        out.enabled_fair[m].erase(std::unique(out.enabled_fair[m].begin(), out.enabled_fair[m].end()),
                                  out.enabled_fair[m].end());
      }
      return out;
    };

    // Reduced: the component rebuilt concretely from the stored state of its
    // first node, following the tracked subject; fairness is judged on its
    // concrete actions, and the cycle found in it.
    auto judge_lifted = [&](const std::vector<std::uint32_t>& members, std::uint32_t id, int k,
                            const Fairness& fairness) {
      const std::uint32_t first = members.front();
      const std::uint32_t entry = first / per;
      if (traps == nullptr && best.found && entry >= best.entry) return;
      const int tracked = static_cast<int>(first % per);
      if (!fairness.internal) {  // One state that nothing keeps in T: a trap when no fair action is enabled.
        if (fairness.any_enabled) return;
        if (traps != nullptr) traps->push_back(entry);
        if (!best.found || entry < best.entry) best = Lasso{true, entry, {}, tracked};
        return;
      }
      // The tracked subject leaves a fair action enabled and untaken.
      if (!fairness.enabled.Within(fairness.taken)) return;
      if constexpr (requires { space.Unreduced(); }) {
        if (!unreduced) unreduced.emplace(space.Unreduced());
        std::map<std::array<std::uint64_t, Space::kWords>, std::uint32_t> index;  // Concrete states.
        std::vector<State> states = {explorer.Unpack(entry)};
        std::vector<std::vector<std::pair<std::uint32_t, Action>>> lifted(1);
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
          fault_free(state, [&](Action action, const State& next, const RowMask&) {
            if (is_fair(action)) enabled.push_back(action);
            if (key(next, tracked) != k) return;
            if (rindex[node_of(next, tracked)] != id) return;
            const auto [it, added] = index.emplace(concrete_key(next), static_cast<std::uint32_t>(states.size()));
            if (added) {
              states.push_back(next);
              lifted.emplace_back();
            }
            lifted[at].push_back({it->second, action});
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
        best.cycle = liveness_detail::ShortestCycle(lifted, 0);
      }
    };

    // A closed component: its members (sorted), number and key, and what was
    // gathered for fairness.
    auto judge = [&](const std::vector<std::uint32_t>& members, std::uint32_t id, int k,
                     const Fairness& fairness) {
      if (reduced) {
        judge_lifted(members, id, k, fairness);
        return;
      }
      const std::uint32_t entry = members.front();
      std::optional<Rebuilt> rebuilt;
      bool fair = false;
      if (!overflow) {
        fair = fairness.enabled.Within(fairness.taken);
      } else {
        rebuilt = rebuild(members, id, k);
        std::vector<Action> required = rebuilt->enabled_fair.front();
        std::vector<Action> taken;
        for (std::size_t m = 0; m < members.size(); ++m) {
          std::vector<Action> both;
          std::set_intersection(required.begin(), required.end(), rebuilt->enabled_fair[m].begin(),
                                rebuilt->enabled_fair[m].end(), std::back_inserter(both));
          required = std::move(both);
          for (const auto& [to, action] : rebuilt->edges[m]) {
            if (is_fair(action)) taken.push_back(action);
          }
        }
        std::sort(taken.begin(), taken.end());
        fair = std::includes(taken.begin(), taken.end(), required.begin(), required.end());
      }
      if (!fair) return;
      if (traps != nullptr) traps->insert(traps->end(), members.begin(), members.end());
      if (best.found && entry >= best.entry) return;
      best = Lasso{true, entry, {}, subject};
      if (!fairness.internal) return;  // Stuttering.
      if (!rebuilt) rebuilt = rebuild(members, id, k);
      best.cycle = liveness_detail::ShortestCycle(rebuilt->edges, 0);
    };

    // Pearce's algorithm, iteratively. Roots in node order, edges in the
    // space's order: the same DFS as Tarjan's, closing the same components
    // in the same order.
    std::vector<std::uint32_t> members;
    for (std::uint32_t s = 0; s < stored && stopped == StopReason::kNone; ++s) {
      bool fresh = false;
      for (std::uint32_t p = 0; p < per; ++p) fresh |= rindex[s * per + p] == kUnvisited;
      if (!fresh) continue;
      const State root_state = explorer.Unpack(s);
      for (std::uint32_t p = 0; p < per && stopped == StopReason::kNone; ++p) {
        const std::uint32_t root = s * per + p;
        const int tracked = reduced ? static_cast<int>(p) : subject;
        if (rindex[root] != kUnvisited) continue;
        // Reduced: only the first of a run of equal records stands for the run.
        if (reduced && position(root_state, tracked) != tracked) continue;
        const int root_key = key(root_state, tracked);
        if (root_key < 0) continue;
        visit(root, root_key);
        while (!frames.empty() && stopped == StopReason::kNone) {
          Frame& frame = frames.back();
          if (frame.next < frame.end) {
            const Edge edge = edges[frame.next];
            if (rindex[edge.to] == kUnvisited) {
              visit(edge.to, frame.key);  // `frame` may move: continue from the top.
              continue;
            }
            ++frame.next;
            if (rindex[edge.to] > next_component) continue;  // A closed component: an edge out.
            frame.fairness.internal = true;
            if (edge.bit != kNoBit) frame.fairness.taken.Add(edge.bit);
            if (rindex[edge.to] < rindex[frame.node]) {
              rindex[frame.node] = rindex[edge.to];
              frame.root = false;
            }
            continue;
          }
          // Done with the node.
          const Frame done = frame;
          frames.pop_back();
          edges.resize(done.first);
          const std::uint32_t v = done.node;
          if (done.root) {
            // A component: v and the open nodes indexed from v's index on.
            --next_index;
            members.assign(1, v);
            while (!open.empty() && rindex[v] <= rindex[open.back()]) {
              members.push_back(open.back());
              rindex[open.back()] = next_component;
              open.pop_back();
              --next_index;
            }
            rindex[v] = next_component;
            std::sort(members.begin(), members.end());
            judge(members, next_component, done.key, done.fairness);
            --next_component;
          } else {
            open.push_back(v);
          }
          if (frames.empty()) break;
          // Back along the tree edge parent -> v.
          Frame& parent = frames.back();
          const Edge edge = edges[parent.next++];
          if (done.root) continue;  // v's component is closed: an edge out.
          parent.fairness.Merge(done.fairness);
          parent.fairness.internal = true;
          if (edge.bit != kNoBit) parent.fairness.taken.Add(edge.bit);
          if (rindex[v] < rindex[parent.node]) {
            rindex[parent.node] = rindex[v];
            parent.root = false;
          }
        }
      }
    }
    if (stopped != StopReason::kNone) return Lasso{false, 0, {}, subject, stopped, progress.memory_bytes};
    progress.visited = visited;
    if (limits.progress) limits.progress(progress);
  }
  if (traps != nullptr) {
    std::sort(traps->begin(), traps->end());
    traps->erase(std::unique(traps->begin(), traps->end()), traps->end());
  }
  return best;
}

}  // namespace pipecheck::properties
