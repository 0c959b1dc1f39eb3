// properties/explorer.h: exhaustive breadth-first exploration of a model.
//
// The explorer enumerates every state reachable from a Space's initial
// states, judges every property on every state and every transition, and
// keeps a parent link per state so that a violation comes with the shortest
// trace that reaches it (BFS finds violations in order of depth).
//
// Contract:
//  - Deterministic, with any number of workers: the same Space and bounds
//    give the same counts, verdicts and counterexamples on every run and for
//    every worker count. Successors are generated in the Space's fixed action
//    order; the state store is a flat open-addressing table with a fixed
//    hash; nothing depends on addresses or on timing.
//  - Workers: the states are expanded in batches of consecutive indices.
//    Within a batch the workers expand disjoint slices at once, reading the
//    tables (never writing them): each generates its states' successors,
//    looks them up, and judges the properties on them. Then one thread
//    merges the slices in index order, storing the successors not yet stored
//    exactly as a single thread expanding the states one by one would store
//    them (a successor first generated in the same batch is found then). So
//    every index, parent link, depth and first finding is that of one
//    thread, and a limit stops at the same state: the limits are judged
//    during the merge, state by state, as before an expansion. The Space's
//    const members must be safe to call from several threads.
//  - Limits (states, memory, an external stop such as a time limit or an
//    interrupt) stop the search and make the result incomplete, saying which
//    limit stopped it; an incomplete search never reports that an
//    always-property holds. The memory limit is judged before each state is
//    expanded, on the tables plus the growth the expansion may need (and,
//    when the caller measures it, the rest of the process), so a search stops
//    before it exceeds the limit rather than after.
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
//   Optional, for symmetry reduction (check.h): bool Reduced() const; Pack then
//   packs every permutation of interchangeable subjects alike (the canonical
//   representative), and the space provides
//   Action ConcreteAction(const State&, Action stored) const;  // see check_detail::Concrete
//   Space Unreduced() const;                          // where liveness is judged
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

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
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

// What a search has done so far, for a progress line.
struct ExploreProgress {
  std::string_view pass;         // "search" (breadth-first) or "liveness".
  std::uint64_t generated = 0;   // search: successor states generated (initial states included).
  std::uint64_t states = 0;      // Distinct states stored.
  std::uint64_t frontier = 0;    // search: stored states not yet expanded.
  std::uint32_t depth = 0;       // search: the level being expanded.
  std::uint64_t memory_bytes = 0;  // The memory the limit is judged on.
  int subject = 0;               // liveness: the subject being judged, from 0 ...
  int subjects = 0;              // ... of this many.
  std::uint64_t visited = 0;     // liveness: states of that subject's pass visited.
};

struct ExploreLimits {
  std::uint64_t max_states = 50'000'000;
  std::uint64_t max_memory_bytes = 8ULL << 30;
  // Polled every few thousand states (and in the liveness pass); returning
  // anything but kNone stops the search with that reason. The caller may read
  // a clock or a signal flag here: it only ends a run, never changes it.
  std::function<StopReason()> stop_requested;
  // Called every few thousand states.
  std::function<void(const ExploreProgress&)> progress;
  // The process's resident memory in bytes, read by the caller (properties/
  // reads no operating-system state). With it, max_memory_bytes bounds the
  // whole process: the memory outside the explorer's tables is measured, and
  // a table is grown only when the growth fits. Without it, only the tables
  // are counted.
  std::function<std::uint64_t()> resident;
  // Threads that expand states, the calling thread included (at least 1).
  // Every count gives the same result (see Explorer).
  int workers = 1;
  // States each worker expands per batch (at least 1). Only speed depends
  // on it; the tests vary it to prove that.
  std::uint64_t batch_states = 8192;
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
    if (limits.resident) outside_ = limits.resident();
    Grow(1U << 16);
    std::vector<State> initial;
    space_.Initial(initial);
    for (const State& state : initial) Insert(state, kNoParent, 0);
    std::uint64_t level_end = count_;
    complete_ = true;
    stopped_by_ = StopReason::kNone;
    const auto workers = static_cast<std::size_t>(std::max(1, limits.workers));
    const std::uint64_t batch = std::max<std::uint64_t>(1, limits.batch_states);
    std::vector<Slice> slices(workers);
    std::vector<std::thread> threads;
    for (std::uint64_t begin = 0; begin < count_ && complete_;) {
      // Expand the batch [begin, end), a slice per worker, reading the tables only.
      const std::uint64_t end = std::min<std::uint64_t>(count_, begin + batch * workers);
      const std::uint64_t per = (end - begin + workers - 1) / workers;
      for (std::size_t w = 1; w < workers && begin + w * per < end; ++w) {
        threads.emplace_back([&, w] {
          Expand(begin + w * per, std::min(end, begin + (w + 1) * per), open_transitions, slices[w]);
        });
      }
      Expand(begin, std::min(end, begin + per), open_transitions, slices[0]);
      for (std::thread& thread : threads) thread.join();
      threads.clear();
      // Merge in index order, judging the limits before each state as a
      // single thread would before expanding it.
      std::uint64_t index = begin;
      for (std::size_t w = 0; w < workers && index < end && complete_; ++w) {
        const Slice& slice = slices[w];
        std::size_t record = 0;
        for (std::size_t j = 0; j < slice.sources.size(); ++j) {
          const SourceSummary& source = slice.sources[j];
          if (index == level_end) {
            ++depth_;
            level_end = count_;
          }
          expanded_ = index;
          if ((index & 4095U) == 0) {
            if (limits.resident) {
              const std::uint64_t resident = limits.resident();
              outside_ = resident > MemoryBytes() ? resident - MemoryBytes() : 0;
            }
            if (limits.progress) limits.progress(Progress());
            if (limits.stop_requested) stopped_by_ = limits.stop_requested();
          }
          if (stopped_by_ == StopReason::kNone && count_ > limits.max_states) stopped_by_ = StopReason::kMaxStates;
          if (stopped_by_ == StopReason::kNone && !MakeRoom(limits.max_memory_bytes)) {
            stopped_by_ = StopReason::kMaxMemory;
          }
          if (stopped_by_ != StopReason::kNone) {
            complete_ = false;  // States remain that were never expanded.
            break;
          }
          if (j + 1 < slice.sources.size()) {  // The next state's new successors' slots, ahead.
            for (std::size_t ahead = source.end; ahead < slice.sources[j + 1].end; ++ahead) {
              __builtin_prefetch(&slots_[slice.records[ahead].hash & mask_]);
            }
          }
          transitions_ += source.fanout;
          for (std::size_t w2 = 0; w2 < 2; ++w2) rows_taken_.bits[w2] |= source.rows.bits[w2];
          for (; record < source.end; ++record) {
            const Successor& next = slice.records[record];
            const std::uint32_t target = next.stored != kNoParent
                                             ? next.stored
                                             : InsertPacked(next.words, next.hash,
                                                            static_cast<std::uint32_t>(index), next.action,
                                                            next.found);
            std::uint64_t violated = next.violated & open_transitions;
            open_transitions &= ~violated;
            for (; violated != 0; violated &= violated - 1) {
              const auto p = static_cast<std::size_t>(__builtin_ctzll(violated));
              findings_[p] = FirstFound{true, target, static_cast<std::uint32_t>(index), next.action};
            }
          }
          slack_ = std::max(slack_, 2 * std::uint64_t{source.fanout});
          if (source.fanout == 0) deadlocks_.push_back(static_cast<std::uint32_t>(index));
          ++index;
        }
      }
      begin = end;
    }
    if (complete_) expanded_ = count_;
    if (limits.progress) limits.progress(Progress());
    return complete_;
  }

  // The search's counts now, as a progress line shows them.
  ExploreProgress Progress() const {
    ExploreProgress progress;
    progress.pass = "search";
    progress.generated = transitions_ + initial_;
    progress.states = count_;
    progress.frontier = count_ - expanded_;
    progress.depth = depth_;
    progress.memory_bytes = outside_ + MemoryBytes();
    return progress;
  }

  std::uint64_t states() const { return count_; }
  std::uint64_t transitions() const { return transitions_; }
  std::uint32_t depth() const { return depth_; }
  bool complete() const { return complete_; }
  StopReason stopped_by() const { return stopped_by_; }
  std::uint64_t frontier() const { return count_ - expanded_; }
  // The process's memory outside the tables, as last measured (0 unmeasured).
  std::uint64_t outside_bytes() const { return outside_; }
  const RowMask& rows_taken() const { return rows_taken_; }
  const std::vector<std::uint32_t>& deadlocks() const { return deadlocks_; }
  const std::vector<FirstFound>& findings() const { return findings_; }

  // The bytes of the explorer's tables (states, parent links, actions, hash slots).
  std::uint64_t MemoryBytes() const {
    return chunks_.size() * kChunkBytes + chunks_.capacity() * sizeof(Chunk*) +
           slots_.capacity() * sizeof(std::uint32_t);
  }

  State Unpack(std::uint32_t index) const { return space_.Unpack(Words(index)); }
  std::uint32_t parent(std::uint32_t index) const { return Parent(index); }
  Action action(std::uint32_t index) const { return ActionOf(index); }
  bool is_initial(std::uint32_t index) const { return Parent(index) == kNoParent; }

  // The actions from an initial state to `index`, in order.
  std::vector<Action> PathTo(std::uint32_t index) const {
    std::vector<Action> path;
    while (!is_initial(index)) {
      path.push_back(ActionOf(index));
      index = Parent(index);
    }
    return {path.rbegin(), path.rend()};
  }
  std::uint32_t RootOf(std::uint32_t index) const {
    while (!is_initial(index)) index = Parent(index);
    return index;
  }

  // The index of a state already stored, or kNoParent.
  std::uint32_t Find(const State& state) const {
    std::uint64_t packed[kWords] = {};
    space_.Pack(state, packed);
    return FindPacked(packed, Hash(packed));
  }

  static constexpr std::uint32_t kNoParent = 0xffffffffU;

 private:
  // States are stored in fixed-size chunks that never move: the tables grow
  // a chunk at a time, with no copy, so memory grows smoothly up to a limit.
  static constexpr std::size_t kChunkShift = 16;
  static constexpr std::size_t kChunkStates = std::size_t{1} << kChunkShift;
  struct Chunk {
    std::uint64_t words[kChunkStates * kWords];
    std::uint32_t parent[kChunkStates];
    Action action[kChunkStates];
  };
  static constexpr std::uint64_t kChunkBytes = sizeof(Chunk);

  const std::uint64_t* Words(std::uint64_t index) const {
    return &chunks_[index >> kChunkShift]->words[(index & (kChunkStates - 1)) * kWords];
  }
  std::uint32_t Parent(std::uint64_t index) const {
    return chunks_[index >> kChunkShift]->parent[index & (kChunkStates - 1)];
  }
  Action ActionOf(std::uint64_t index) const {
    return chunks_[index >> kChunkShift]->action[index & (kChunkStates - 1)];
  }

  // Before a state is expanded: grows the tables for the states its
  // expansion may add (at most slack_) when that growth fits in
  // `max_bytes` with the memory outside them; false when it does not.
  bool MakeRoom(std::uint64_t max_bytes) {
    const std::uint64_t ahead = count_ + slack_;
    std::uint64_t growth = 0;
    const bool new_chunk = ahead > chunks_.size() * kChunkStates;
    if (new_chunk) growth += kChunkBytes * ((ahead >> kChunkShift) + 1 - chunks_.size());
    const bool new_slots = ahead * 2 > slots_.size();
    // The new slot table is filled while the old one is still held.
    if (new_slots) growth += 2 * slots_.size() * sizeof(std::uint32_t);
    if (outside_ + MemoryBytes() + growth > max_bytes) return false;
    if (new_slots) Grow(slots_.size() * 2);
    while (ahead > chunks_.size() * kChunkStates) AddChunk();
    return true;
  }

  void AddChunk() { chunks_.push_back(std::unique_ptr<Chunk>(new Chunk)); }  // Not zeroed: written before read.
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
      std::size_t slot = Hash(Words(index)) & mask_;
      while (slots_[slot] != 0) slot = (slot + 1) & mask_;
      slots_[slot] = index + 1;
    }
  }

  // Stores `state` if new (judging the state properties on it) and returns its index.
  std::uint32_t Insert(const State& state, std::uint32_t parent, Action action) {
    std::uint64_t packed[kWords] = {};
    space_.Pack(state, packed);
    const std::uint64_t hash = Hash(packed);
    const std::uint32_t stored = FindPacked(packed, hash);
    if (stored != kNoParent) return stored;
    const std::uint64_t found = open_states_ != 0 ? space_.FoundIn(state, open_states_) : 0;
    return InsertPacked(packed, hash, parent, action, found);
  }

  // Stores the packed state if new and returns its index; `found` holds the
  // state properties found in it (FoundIn), applied when it is new.
  std::uint32_t InsertPacked(const std::uint64_t* packed, std::uint64_t hash, std::uint32_t parent, Action action,
                             std::uint64_t found) {
    std::size_t slot = hash & mask_;
    for (;; slot = (slot + 1) & mask_) {
      const std::uint32_t entry = slots_[slot];
      if (entry == 0) break;
      if (Equal(Words(entry - 1), packed)) return entry - 1;
    }
    PIPECHECK_ASSERT(count_ < kNoParent - 1);
    const auto index = static_cast<std::uint32_t>(count_++);
    if (parent == kNoParent) ++initial_;
    if (index >= chunks_.size() * kChunkStates) AddChunk();
    Chunk& chunk = *chunks_[index >> kChunkShift];
    const std::size_t at = index & (kChunkStates - 1);
    std::memcpy(&chunk.words[at * kWords], packed, kWords * sizeof(std::uint64_t));
    chunk.parent[at] = parent;
    chunk.action[at] = action;
    slots_[slot] = index + 1;
    found &= open_states_;
    open_states_ &= ~found;
    for (; found != 0; found &= found - 1) {
      findings_[static_cast<std::size_t>(__builtin_ctzll(found))] = FirstFound{true, index, 0, 0};
    }
    if (count_ * 2 > slots_.size()) Grow(slots_.size() * 2);
    return index;
  }

  std::uint32_t FindPacked(const std::uint64_t* packed, std::uint64_t hash) const {
    for (std::size_t slot = hash & mask_;; slot = (slot + 1) & mask_) {
      const std::uint32_t entry = slots_[slot];
      if (entry == 0) return kNoParent;
      if (Equal(Words(entry - 1), packed)) return entry - 1;
    }
  }

  // A worker's share of a batch: per state expanded, its successors that
  // the merge needs (those not yet stored, and those that violate a
  // transition property), in the order they were generated.
  struct Successor {
    std::uint64_t words[kWords];
    std::uint64_t hash;      // Hash(words).
    std::uint64_t found;     // State properties found in it (when not stored).
    std::uint64_t violated;  // Transition properties the step violates.
    std::uint32_t stored;    // Its index when already stored; kNoParent: the merge stores it.
    Action action;
  };
  struct SourceSummary {
    std::size_t end;      // One past its last record.
    std::uint32_t fanout;  // Successors generated.
    RowMask rows;          // The rows its transitions took.
  };
  struct Pending {  // A successor generated, not yet looked up.
    State next;
    Action action;
    Successor record;
  };
  struct Slice {
    std::vector<SourceSummary> sources;
    std::vector<Successor> records;
    std::vector<Pending> pending;  // Scratch: one state's successors.
  };

  // Expands the states [from, to) into `slice`, reading the tables only:
  // safe on several threads at once while nothing is stored.
  // A state's successors are generated first, each hash slot prefetched as
  // it is packed, and looked up after: the lookups' cache misses overlap
  // the generation of the next successors instead of following each other.
  void Expand(std::uint64_t from, std::uint64_t to, std::uint64_t open_transitions, Slice& slice) const {
    slice.sources.clear();
    slice.records.clear();
    const std::uint64_t open_states = open_states_;
    std::vector<Pending>& pending = slice.pending;
    for (std::uint64_t index = from; index < to; ++index) {
      SourceSummary source{0, 0, {}};
      const State state = Unpack(static_cast<std::uint32_t>(index));
      pending.clear();
      space_.Successors(state, [&](Action action, const State& next, const RowMask& rows) {
        for (std::size_t w = 0; w < 2; ++w) source.rows.bits[w] |= rows.bits[w];
        Pending& generated = pending.emplace_back();
        generated.next = next;
        generated.action = action;
        std::fill(std::begin(generated.record.words), std::end(generated.record.words), 0);
        space_.Pack(next, generated.record.words);
        generated.record.hash = Hash(generated.record.words);
        __builtin_prefetch(&slots_[generated.record.hash & mask_]);
      });
      source.fanout = static_cast<std::uint32_t>(pending.size());
      for (Pending& generated : pending) {
        Successor& record = generated.record;
        record.stored = FindPacked(record.words, record.hash);
        record.violated = open_transitions != 0 ? space_.ViolatedOver(state, generated.action, generated.next,
                                                                      open_transitions) &
                                                      open_transitions
                                                : 0;
        if (record.stored != kNoParent && record.violated == 0) continue;
        record.found =
            record.stored == kNoParent && open_states != 0 ? space_.FoundIn(generated.next, open_states) : 0;
        record.action = generated.action;
        slice.records.push_back(record);
      }
      source.end = slice.records.size();
      slice.sources.push_back(source);
    }
  }

  const Space& space_;
  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t transitions_ = 0;
  std::uint32_t depth_ = 0;
  bool complete_ = false;
  StopReason stopped_by_ = StopReason::kNone;
  std::uint64_t expanded_ = 0;   // States expanded so far.
  std::uint64_t initial_ = 0;    // Initial states stored.
  std::uint64_t slack_ = 256;    // States one expansion may add: twice the largest fan-out seen.
  std::uint64_t outside_ = 0;    // The process's memory outside the tables, as last measured.
  RowMask rows_taken_;
  std::uint64_t open_states_ = 0;  // State properties not yet found, one bit each.
  std::vector<std::uint32_t> deadlocks_;
  std::vector<FirstFound> findings_;
};

}  // namespace pipecheck::properties
