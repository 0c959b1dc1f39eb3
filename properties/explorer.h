// properties/explorer.h: exhaustive breadth-first exploration of a model.
//
// The explorer enumerates every state reachable from a Space's initial
// states, judges every property on every state and every transition, and
// keeps a parent link per state so that a violation comes with the shortest
// trace that reaches it (BFS finds violations in order of depth).
//
// Contract:
//  - Single-threaded and deterministic: the same Space and bounds give the
//    same counts, verdicts and counterexamples on every run. Successors are
//    generated in the Space's fixed action order; the state store is a flat
//    open-addressing table with a fixed hash; nothing depends on addresses.
//  - Limits (states, memory, an external interrupt such as a time limit)
//    stop the search and make the result incomplete; an incomplete search
//    never reports that an always-property holds.
//  - The Space is the only place that knows the model; it drives the
//    model's Step with the lifecycle table, so there is no second copy of
//    the transition logic here.
//
// A Space provides (the explored lifecycle's file properties/<model>_space.h
// is the one place that knows the model):
//
//  Explore (required by Explorer):
//   using State; static constexpr std::size_t kWords;
//   void Pack(const State&, std::uint64_t* words) const;
//   State Unpack(const std::uint64_t* words) const;
//   void Initial(std::vector<State>&) const;
//   template <class Emit> void Successors(const State&, Emit&& emit) const;
//       emit(Action action, const State& next, const RowMask& rows)
//   std::span<const Property> Properties() const;   // At most 64 (property.h).
//   std::uint64_t FoundIn(const State&, std::uint64_t open) const;
//       bit p set: always-property p fails here, or sometimes-property p holds here
//   std::uint64_t ViolatedOver(const State&, Action, const State&, std::uint64_t open) const;
//       bit p set: transition-property p fails on this step
//
//  Check (properties::Check in check.h, liveness.h, realize.h):
//   std::string Describe(const State&) const; std::string Describe(Action) const;
//   std::string_view Model() const;                  // The model's name.
//   std::string Profile() const;                     // Empty when the model has one table.
//   std::map<std::string, int> BoundsMap() const;    // The bounds, by name.
//   std::vector<std::string> DeclaredStates() const; // The states a complete search should reach.
//   void LifecycleStates(const State&, std::vector<std::string>& seen) const;
//       adds the lifecycle states present in the state that `seen` lacks
//   std::string Explain(const State&, Action) const; // The rows the action takes, with evidence.
//   std::vector<std::string> RowDescriptions() const;  // One line per table row.
//   int Subjects() const;                            // Parallel instances of the lifecycle.
//   int TransientKey(const State&, int subject) const;  // The subject's transient state, or -1.
//   static bool IsFault(Action); static bool IsFair(Action);  // Liveness classes.
//   Realized Realize(const State& initial, const std::vector<Action>& path,
//                    const std::string& property) const;
//       the trace as a scenario; a space that cannot returns Realized{false, {}, why}
//
//  Draw (graphs::Explored in graphs/explored.h):
//   std::string Title() const;                       // The legend's title.
//   std::string QuotientBy() const;                  // What a quotient vertex stands for.
//   std::string QuotientKey(const State&) const;     // The quotient vertex of a state.
//   std::string StateKind(const State&) const;       // Style kind; "start" before the lifecycle.
//   bool Dimmed(const State&) const;                 // Drawn dashed and grey.
//   std::string ActionLine(Action) const;            // A quotient edge's label line.
//   std::string ActionKind(Action) const;            // operation, event or fault.
//   std::pair<std::string, std::string> RowKeys(std::size_t row) const;
//       the quotient keys of a table row's ends
//   static bool ServiceWide(std::string_view trigger);  // Steps every subject at once.
//   static bool Takes(Action, std::string_view trigger, int subject, bool service_wide);
//       whether the action is a run's step of that trigger and subject
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "properties/property.h"

namespace pipecheck::properties {

using Action = std::uint16_t;

// The table rows one transition took (a service-wide fault steps several subjects).
struct RowMask {
  std::uint64_t bits[2] = {0, 0};
  void Set(std::size_t row) {
    PIPECHECK_ASSERT(row < 128);
    bits[row / 64] |= std::uint64_t{1} << (row % 64);
  }
  bool Has(std::size_t row) const { return (bits[row / 64] >> (row % 64)) & 1U; }
};

struct ExploreLimits {
  std::uint64_t max_states = 50'000'000;
  std::uint64_t max_memory_bytes = 8ULL << 30;
  // Polled every few thousand states; returning true stops the search
  // (a time limit lives in the caller, which may read a clock).
  std::function<bool()> interrupted;
  // Called every few thousand states with (states, frontier, depth, bytes).
  std::function<void(std::uint64_t, std::uint64_t, std::uint32_t, std::uint64_t)> progress;
};

// Where the search first met a property: the state (and for a transition the edge)
// where a property was violated or witnessed first.
struct FirstFound {
  bool found = false;
  std::uint32_t state = 0;       // Index of the state (the target of the edge).
  std::uint32_t from = 0;        // For a transition: the source state.
  Action action = 0;             // For a transition: the action.
};

template <typename Space>
class Explorer {
 public:
  using State = typename Space::State;
  static constexpr std::size_t kWords = Space::kWords;

  explicit Explorer(const Space& space) : space_(space) {}

  // Runs the search. Returns false when a limit stopped it.
  bool Run(const ExploreLimits& limits) {
    const auto properties = space_.Properties();
    findings_.assign(properties.size(), FirstFound{});
    PIPECHECK_ASSERT(properties.size() <= 64);
    std::uint64_t open_transitions = 0;  // Transition properties not yet violated.
    open_states_ = 0;                    // State properties not yet found.
    for (std::size_t p = 0; p < properties.size(); ++p) {
      const Expectation expectation = properties[p].expectation;
      if (expectation == Expectation::kTransition) open_transitions |= std::uint64_t{1} << p;
      if (expectation == Expectation::kAlways || expectation == Expectation::kSometimes) {
        open_states_ |= std::uint64_t{1} << p;
      }
    }
    Grow(1U << 16);
    std::vector<State> initial;
    space_.Initial(initial);
    for (const State& state : initial) Insert(state, kNoParent, 0);
    std::uint64_t level_end = count_;
    complete_ = true;
    for (std::uint64_t index = 0; index < count_; ++index) {
      if (index == level_end) {
        ++depth_;
        level_end = count_;
      }
      if (count_ > limits.max_states || MemoryBytes() > limits.max_memory_bytes) {
        complete_ = false;  // States remain that were never expanded.
        break;
      }
      if ((index & 4095U) == 0) {
        if (limits.progress) limits.progress(count_, count_ - index, depth_, MemoryBytes());
        if (limits.interrupted && limits.interrupted()) {
          complete_ = false;
          break;
        }
      }
      const State state = Unpack(static_cast<std::uint32_t>(index));
      bool any = false;
      space_.Successors(state, [&](Action action, const State& next, const RowMask& rows) {
        any = true;
        ++transitions_;
        for (std::size_t w = 0; w < 2; ++w) rows_taken_.bits[w] |= rows.bits[w];
        const std::uint32_t target = Insert(next, static_cast<std::uint32_t>(index), action);
        if (open_transitions == 0) return;
        std::uint64_t violated = space_.ViolatedOver(state, action, next, open_transitions) & open_transitions;
        open_transitions &= ~violated;
        for (; violated != 0; violated &= violated - 1) {
          const auto p = static_cast<std::size_t>(__builtin_ctzll(violated));
          findings_[p] = FirstFound{true, target, static_cast<std::uint32_t>(index), action};
        }
      });
      if (!any) deadlocks_.push_back(static_cast<std::uint32_t>(index));
    }
    return complete_;
  }

  std::uint64_t states() const { return count_; }
  std::uint64_t transitions() const { return transitions_; }
  std::uint32_t depth() const { return depth_; }
  bool complete() const { return complete_; }
  const RowMask& rows_taken() const { return rows_taken_; }
  const std::vector<std::uint32_t>& deadlocks() const { return deadlocks_; }
  const std::vector<FirstFound>& findings() const { return findings_; }

  std::uint64_t MemoryBytes() const {
    return words_.capacity() * sizeof(std::uint64_t) + parent_.capacity() * sizeof(std::uint32_t) +
           action_.capacity() * sizeof(Action) + slots_.capacity() * sizeof(std::uint32_t);
  }

  State Unpack(std::uint32_t index) const { return space_.Unpack(&words_[index * kWords]); }
  std::uint32_t parent(std::uint32_t index) const { return parent_[index]; }
  Action action(std::uint32_t index) const { return action_[index]; }
  bool is_initial(std::uint32_t index) const { return parent_[index] == kNoParent; }

  // The actions from an initial state to `index`, in order.
  std::vector<Action> PathTo(std::uint32_t index) const {
    std::vector<Action> path;
    while (!is_initial(index)) {
      path.push_back(action_[index]);
      index = parent_[index];
    }
    return {path.rbegin(), path.rend()};
  }
  std::uint32_t RootOf(std::uint32_t index) const {
    while (!is_initial(index)) index = parent_[index];
    return index;
  }

  // The index of a state already stored, or kNoParent.
  std::uint32_t Find(const State& state) const {
    std::uint64_t packed[kWords] = {};
    space_.Pack(state, packed);
    for (std::size_t slot = Hash(packed) & mask_;; slot = (slot + 1) & mask_) {
      const std::uint32_t entry = slots_[slot];
      if (entry == 0) return kNoParent;
      if (Equal(&words_[(entry - 1) * kWords], packed)) return entry - 1;
    }
  }

  static constexpr std::uint32_t kNoParent = 0xffffffffU;

 private:
  static std::uint64_t Hash(const std::uint64_t* words) {
    std::uint64_t hash = 0x243f6a8885a308d3ULL;
    for (std::size_t w = 0; w < kWords; ++w) {
      hash ^= words[w];
      hash *= 0x9e3779b97f4a7c15ULL;
      hash ^= hash >> 29;
    }
    return hash;
  }
  static bool Equal(const std::uint64_t* a, const std::uint64_t* b) {
    for (std::size_t w = 0; w < kWords; ++w) {
      if (a[w] != b[w]) return false;
    }
    return true;
  }

  void Grow(std::size_t capacity) {
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (std::uint32_t index = 0; index < count_; ++index) {
      std::size_t slot = Hash(&words_[index * kWords]) & mask_;
      while (slots_[slot] != 0) slot = (slot + 1) & mask_;
      slots_[slot] = index + 1;
    }
  }

  // Stores `state` if new (judging the state properties on it) and returns its index.
  std::uint32_t Insert(const State& state, std::uint32_t parent, Action action) {
    std::uint64_t packed[kWords] = {};
    space_.Pack(state, packed);
    std::size_t slot = Hash(packed) & mask_;
    for (;; slot = (slot + 1) & mask_) {
      const std::uint32_t entry = slots_[slot];
      if (entry == 0) break;
      if (Equal(&words_[(entry - 1) * kWords], packed)) return entry - 1;
    }
    PIPECHECK_ASSERT(count_ < kNoParent - 1);
    const auto index = static_cast<std::uint32_t>(count_++);
    words_.insert(words_.end(), packed, packed + kWords);
    parent_.push_back(parent);
    action_.push_back(action);
    slots_[slot] = index + 1;
    if (open_states_ != 0) {
      std::uint64_t found = space_.FoundIn(state, open_states_) & open_states_;
      open_states_ &= ~found;
      for (; found != 0; found &= found - 1) {
        findings_[static_cast<std::size_t>(__builtin_ctzll(found))] = FirstFound{true, index, 0, 0};
      }
    }
    if (count_ * 2 > slots_.size()) Grow(slots_.size() * 2);
    return index;
  }

  const Space& space_;
  std::vector<std::uint64_t> words_;
  std::vector<std::uint32_t> parent_;
  std::vector<Action> action_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t transitions_ = 0;
  std::uint32_t depth_ = 0;
  bool complete_ = false;
  RowMask rows_taken_;
  std::uint64_t open_states_ = 0;  // State properties not yet found, one bit each.
  std::vector<std::uint32_t> deadlocks_;
  std::vector<FirstFound> findings_;
};

}  // namespace pipecheck::properties
