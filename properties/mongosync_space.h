// properties/mongosync_space.h: the explorable mongosync.
//
// The state is the abstract Sync (state, process, phase, lag, canWrite,
// direction, /start options) and the fault budget spent. Every action goes
// through model::mongosync::Step with the space's table. `start` is explored
// with every /start body that decides a guard: reversible, each write
// blocking mode, verification on and off, buildIndexes afterDataCopy and
// never.
//
// The catalogue (Properties()): the named claims of the documents with their
// witnesses (among them the claims on what a step does besides the state:
// phase, lag, canWrite, direction, the /start options, the process, and the
// order in which states are entered), the reaches_<State> witnesses,
// liveness, and three claims that restate lifecycles.md 2.2 trigger by
// trigger (operations and operator actions, internal events, faults), judged
// in every reachable state by asking the table what it answers and comparing
// with a second transcription kept here (DocumentedCopyComparisons()), plus
// one_row_decides_each_step. The mutation check (properties/mutate.h) pins
// that every non-equivalent single-row mutant of the table violates some
// claim or loses some witness, and counts apart the mutants that only the
// documented copy kills.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/mongosync.h"
#include "properties/check.h"
#include "properties/explorer.h"
#include "properties/realize.h"

namespace pipecheck::properties {

enum class MongosyncFault : std::uint8_t { kCrash, kRollover, kMismatch, kLag };
inline constexpr std::size_t kMongosyncFaultCount = 4;
inline constexpr std::array<std::string_view, kMongosyncFaultCount> kMongosyncFaultNames = {
    "crash", "rollover", "mismatch", "lag"};

struct MongosyncBounds {
  std::array<std::uint8_t, kMongosyncFaultCount> budget = {1, 1, 1, 1};  // Each 0..3.
};

class MongosyncSpace {
 public:
  static constexpr std::size_t kWords = 1;
  static constexpr std::size_t kBodies = 24;
  struct State {
    model::mongosync::Sync sync;
    std::array<std::uint8_t, kMongosyncFaultCount> spent{};
  };

  MongosyncSpace(const model::mongosync::Table& table, MongosyncBounds bounds);

  void Pack(const State& state, std::uint64_t* words) const;
  State Unpack(const std::uint64_t* words) const;
  void Initial(std::vector<State>& out) const;

  template <typename Emit>
  void Successors(const State& state, Emit&& emit) const {
    namespace ms = model::mongosync;
    for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
      const auto trigger = static_cast<ms::Trigger>(t);
      // No row from this state: Step would refuse every body.
      if (table_.RowsOf(state.sync.state, trigger).empty()) continue;
      const int fault = FaultOf(trigger);
      if (fault >= 0 && state.spent[static_cast<std::size_t>(fault)] >=
                            bounds_.budget[static_cast<std::size_t>(fault)]) {
        continue;
      }
      const std::size_t bodies = trigger == ms::Trigger::kStart ? kBodies : 1;
      for (std::size_t b = 0; b < bodies; ++b) {
        const ms::StepResult result = ms::Step(table_, state.sync, trigger, Body(b));
        if (!result.accepted) continue;
        State next = state;
        next.sync = result.next;
        if (fault >= 0) ++next.spent[static_cast<std::size_t>(fault)];
        RowMask rows;
        rows.Set(result.row);
        emit(ActionOf(trigger, b), next, rows);
      }
    }
  }

  // The properties that compare the table with the documents' answers
  // transcribed a second time in mongosync_space.cc (Documented*): they check the
  // table against that copy, trigger by trigger, rather than a behaviour.
  // The mutation check counts their kills apart.
  static std::span<const std::string_view> DocumentedCopyComparisons();

  std::span<const Property> Properties() const;
  // Only the properties in `open` are judged.
  std::uint64_t FoundIn(const State& state, std::uint64_t open) const;
  std::uint64_t ViolatedOver(const State& from, Action action, const State& to,
                             std::uint64_t open) const;
  bool HoldsIn(std::size_t property, const State& state) const;
  bool HoldsOver(std::size_t property, const State& from, Action action, const State& to) const;

  static Action ActionOf(model::mongosync::Trigger trigger, std::size_t body) {
    return static_cast<Action>(static_cast<std::size_t>(trigger) + 32 * body);
  }
  static model::mongosync::Trigger TriggerOf(Action action) {
    return static_cast<model::mongosync::Trigger>(action % 32);
  }
  static std::size_t BodyOf(Action action) { return action / 32U; }
  static model::mongosync::StartOptions Body(std::size_t index);
  static int FaultOf(model::mongosync::Trigger trigger);
  // Weakly fair for liveness: internal events, and the operator's documented
  // recoveries (restart a crashed process, start anew after a fatal exit).
  static bool IsFair(Action action);

  std::string Describe(Action action) const;
  std::string Describe(const State& state) const;

  // Check (properties/check.h).
  std::string_view Model() const { return "mongosync"; }
  std::string Profile() const { return ""; }     // One table: no profile.
  std::map<std::string, int> BoundsMap() const;  // The fault budgets.
  std::vector<std::string> DeclaredStates() const;
  // Adds the sync's state to `seen` if it is not there yet.
  void LifecycleStates(const State& state, std::vector<std::string>& seen) const;
  // The row an action takes from `state`, with source and status.
  std::string Explain(const State& state, Action action) const;
  std::vector<std::string> RowDescriptions() const;  // "RUNNING/up --commit--> COMMITTING/up", per row.
  // One liveness subject, the sync; the key is its transient state or -1.
  int Subjects() const { return 1; }
  int TransientKey(const State& state, int subject) const;
  static bool IsFault(Action action) { return FaultOf(TriggerOf(action)) >= 0; }
  // The trace from `initial` along `path` as a mongosync scenario (see realize.h).
  Realized Realize(const State& initial, const std::vector<Action>& path,
                   const std::string& property) const;

  // Draw (graphs/explored.h).
  std::string Title() const;  // The /start bodies and fault budgets.
  // The quotient is by (state, process): "RUNNING", "RUNNING (process down)" ...
  std::string QuotientBy() const { return "(state, process)"; }
  std::string QuotientKey(const State& state) const;
  std::string StateKind(const State& state) const;  // "start" before the first /start.
  bool Dimmed(const State& state) const;  // The process is down or exited.
  std::string ActionLine(Action action) const;
  std::string ActionKind(Action action) const;
  std::pair<std::string, std::string> RowKeys(std::size_t row) const;
  static bool ServiceWide(std::string_view) { return false; }
  static bool Takes(Action action, std::string_view trigger, int subject, bool service_wide);

  const model::mongosync::Table& table() const { return table_; }

 private:
  const model::mongosync::Table& table_;
  MongosyncBounds bounds_;
  // What the table answers on a sync, for the catalogue: computed on first
  // use, per packed sync (see the .cc). A cache only: no verdict depends on
  // when an entry is filled.
  std::uint8_t TableFacts(const model::mongosync::Sync& sync) const;
  mutable std::vector<std::uint8_t> facts_;
};

}  // namespace pipecheck::properties
