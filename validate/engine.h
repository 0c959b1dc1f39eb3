// validate/engine.h: judge observed histories against an Automaton.
//
// A poller sees a subject only now and then, so two consecutive observations
// of one subject are consistent when the automaton has a path from the first
// to the second. The engine keeps, per subject, the set of abstract states
// consistent with everything observed so far (its belief: a bit set over the
// automaton's nodes) and on each observation replaces it with the states
// reachable from it that match what was seen. Beliefs are interned and every
// (belief, observation) answer is remembered, so after the first few lines an
// observation costs one table lookup, and memory does not grow with the
// length of the history: it is bounded by the number of subjects and of
// distinct beliefs, which the automaton bounds.
//
// A history starts wherever its first observation is: any reachable state
// that matches it. The modes still in a subject's belief at the end are
// exactly the modes its whole history is consistent with, since a mode never
// changes along a path.
//
// Each gap between two observations that differ is classified: nothing was
// needed (the same state), internal events and faults suffice, a user
// operation is needed (someone acted between polls), or no path exists (the
// subject's first impossible step, explained with rows and sources). Gaps are
// reported by kind (from, to, what was needed), with a count and the first
// occurrence's shortest path, so a year of polls gives a short report.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "validate/automaton.h"

namespace pipecheck::validate {

// What one observation says: a lifecycle state and the facts seen beside it
// (a node matches when (facts & care) == value).
struct Label {
  std::uint8_t state = 0;  // Index into the automaton's table.states.
  std::uint32_t care = 0;
  std::uint32_t value = 0;
  auto operator<=>(const Label&) const = default;
};

enum class Need : std::uint8_t { kNothing, kInternal, kOperation, kImpossible };
std::string_view ToString(Need need);  // "nothing", "internal", "operation", "impossible".

struct PathStep {
  std::uint32_t from = 0;  // Nodes.
  std::uint32_t to = 0;
  std::uint16_t trigger = 0;
  std::uint16_t row = 0;
};

struct Observed {
  std::size_t line = 0;
  std::int64_t t_ms = 0;
  std::uint32_t label = 0;
};

// One kind of gap of one subject: every pair of consecutive observations
// with these labels that needed this much.
struct GapKind {
  std::uint32_t from_label = 0;
  std::uint32_t to_label = 0;
  Need need = Need::kNothing;
  std::uint64_t count = 0;
  Observed first;                  // The first occurrence's later observation.
  std::vector<PathStep> path;      // Its shortest path (internal steps only when they suffice).
  // States the path passes through that were not observed; the ones the
  // service may not report yet (Automaton::coming_soon) are named as such.
  std::vector<std::uint8_t> unobserved;
};

struct Impossible {
  bool found = false;
  bool has_from = false;  // False: the first observation is itself impossible.
  Observed from;
  Observed to;
  std::string why;
  std::string nearest;
  std::vector<std::string> sources;
};

struct LongTransient {
  std::uint8_t state = 0;
  Observed first;
  std::int64_t for_ms = 0;
};

struct UnknownState {
  std::size_t line = 0;
  std::string state;
  std::string why;  // Empty, or why a declared state is outside the lifecycle.
};

struct SubjectVerdict {
  std::string name;
  std::size_t file = 0;
  std::uint64_t observations = 0;
  Observed first;
  Observed last;
  // Bit m: the history (up to its first impossible step) fits modes[m]; 0
  // when the first observation is itself impossible.
  std::uint32_t modes = 0;
  // Among those, the ones whose best explanation needs the fewest user
  // operations, then the fewest unobserved steps.
  std::uint32_t likely = 0;
  // The fewest user operations that explain the whole history (up to its
  // first impossible step). Gaps are classed one by one (GapKind::need), so
  // this may exceed the gaps that need one: a step no single gap needs can be
  // the only way to explain two of them together.
  std::uint64_t operations_needed = 0;
  Impossible first_impossible;
  std::vector<GapKind> gaps;  // In order of first occurrence.
  std::vector<LongTransient> long_transients;  // The first kMaxListed.
  std::uint64_t long_transients_total = 0;
  std::vector<UnknownState> unknown_states;    // The first kMaxListed.
  std::uint64_t unknown_states_total = 0;
  bool valid() const { return !first_impossible.found && unknown_states_total == 0; }
  std::uint64_t GapsNeeding(Need need) const;
};

class Judge {
 public:
  static constexpr std::size_t kMaxListed = 20;
  struct Options {
    std::uint32_t modes = ~0U;     // The modes a subject may have (--mode).
    std::int64_t max_gap_ms = -1;  // Flag transient states seen for longer; -1: off.
  };

  Judge(const Automaton& automaton, Options options);

  // The label of a state name with facts, or -1 when the state is outside the
  // lifecycle (`why` says so for a declared state no row enters).
  int LabelOf(std::string_view state, std::uint32_t care, std::uint32_t value, std::string& why);
  const Label& label(std::uint32_t id) const { return labels_[id]; }
  // "RUNNING canCommit=true": the state and the facts seen beside it.
  std::string LabelText(std::uint32_t label) const;

  // Subjects are named per file: a new file starts a new set of names.
  void BeginFile(std::size_t file) {
    file_ = file;
    names_.clear();
  }
  std::uint32_t Subject(std::string_view name);
  // The subject's latest observation, or null before its first.
  const Observed* Last(std::uint32_t subject) const {
    const SubjectVerdict& verdict = tracks_[subject].verdict;
    return verdict.observations == 0 ? nullptr : &verdict.last;
  }

  void Observe(std::uint32_t subject, std::uint32_t label, std::size_t line, std::int64_t t_ms);
  void Unknown(std::uint32_t subject, std::string_view state, std::string_view why,
               std::size_t line, std::int64_t t_ms);
  // Closes open runs (long transients) and returns every subject in order of
  // first appearance.
  std::vector<SubjectVerdict> Finish();

  const Automaton& automaton() const { return automaton_; }

 private:
  using Bits = std::vector<std::uint64_t>;
  struct Answer {
    std::uint32_t next = 0;
    Need need = Need::kImpossible;
    bool known = false;
    std::array<std::uint8_t, 4> hops{};  // Per mode: steps needed (255: none).
    std::uint16_t operations = 0;         // Added to the fewest that explain the history.
  };
  struct Track {
    SubjectVerdict verdict;
    bool started = false;
    std::uint32_t belief = 0;
    Observed previous;
    Observed run_start;  // The first observation of the current run of one state.
    std::array<std::uint64_t, 4> unobserved_steps{};  // Per mode, summed over gaps.
    std::uint64_t operations = 0;                     // The fewest that explain the history.
    std::array<Observed, 4> ruled_out{};              // Per mode: where it was ruled out.
    std::array<bool, 4> never_in{};                   // ... by a state that mode never has.
  };

  bool Has(const Bits& bits, std::uint32_t node) const {
    return (bits[node / 64] >> (node % 64)) & 1U;
  }
  // Per node: absent from the belief, or the fewest user operations that
  // explain the history so far ending there, less the fewest over all nodes
  // (so the cheapest node costs 0), at most kCostCap.
  using Costs = std::vector<std::uint8_t>;
  // Costs by size, then byte by byte: std::less<Costs> draws a false
  // -Wstringop-overread from GCC 12 at -O3 (the Release build).
  struct CostsLess {
    bool operator()(const Costs& a, const Costs& b) const {
      if (a.size() != b.size()) return a.size() < b.size();
      return std::memcmp(a.data(), b.data(), a.size()) < 0;
    }
  };
  static constexpr std::uint8_t kAbsent = 0xFF;
  static constexpr std::uint8_t kCostCap = 8;
  std::uint32_t Intern(Costs costs);
  const Answer& Ask(std::uint32_t belief, std::uint32_t label);
  std::uint32_t ModesOf(const Bits& bits) const;
  std::vector<PathStep> ShortestPath(const Bits& from, std::uint32_t label, bool internal_only) const;
  void CloseRun(Track& track);
  void Explain(const Track& track, std::uint32_t label, Impossible& impossible) const;
  std::string RowsInto(std::uint8_t state, std::uint32_t modes, std::vector<std::string>& sources,
                       bool mode_rows_only) const;
  std::string ModeList(std::uint32_t modes) const;

  const Automaton& automaton_;
  Options options_;
  std::size_t words_ = 0;
  std::vector<Bits> reach_;           // Per node: every node reachable from it (itself included).
  std::vector<Bits> reach_internal_;  // ... by events and faults only.
  std::vector<bool> observable_;      // Per table state: some node is in it.
  Bits allowed_;                      // The nodes of the allowed modes.
  std::vector<Label> labels_;
  std::map<Label, std::uint32_t> label_ids_;
  std::vector<std::int32_t> plain_labels_;  // Per table state: its label without facts, or -1.
  std::vector<Bits> label_nodes_;     // Per label: its matching allowed nodes.
  std::vector<Bits> beliefs_;         // Per belief: its nodes.
  std::vector<Costs> belief_costs_;
  std::map<Costs, std::uint32_t, CostsLess> belief_ids_;
  std::vector<std::uint32_t> belief_modes_;
  std::vector<std::vector<Answer>> answers_;  // [belief][label].
  std::vector<Track> tracks_;
  std::size_t file_ = 0;
  struct NameHash {
    using is_transparent = void;
    // Runs once a line, so it reads at most 16 bytes: the length and the
    // first and last 8 bytes (where pipe ids differ). Names that agree there
    // share a bucket and are told apart by comparison.
    std::size_t operator()(std::string_view name) const {
      std::uint64_t head = 0;
      std::uint64_t tail = 0;
      const std::size_t n = name.size();
      // An empty name may have no data at all: memcpy must not see its null pointer.
      if (n > 0) std::memcpy(&head, name.data(), n < 8 ? n : 8);
      if (n > 8) std::memcpy(&tail, name.data() + (n < 16 ? 8 : n - 8), n < 16 ? n - 8 : 8);
      std::uint64_t hash = (head * 0x9E3779B97F4A7C15ULL) ^ (tail + n) * 0xC2B2AE3D27D4EB4FULL;
      hash ^= hash >> 29;
      return static_cast<std::size_t>(hash * 0x165667B19E3779F9ULL);
    }
  };
  // Lookup only: subjects are listed from tracks_, in order of appearance.
  std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>> names_;
};

// RFC 3339 in UTC with milliseconds when there are any: "2026-05-01T10:00:00Z".
std::string FormatTime(std::int64_t t_ms);
// A duration as an operator reads it: "26h", "1d2h", "3m20s", "250ms".
std::string FormatSpan(std::int64_t ms);

}  // namespace pipecheck::validate
