// properties/clickpipe_space.h: the explorable ClickPipe service.
//
// N pipes share one ClickHouse service's compute. The state is every pipe's
// abstract Pipe (lifecycle state plus the context guards read) and the fault
// budget spent so far. Every action goes through model::clickpipe::Step with
// the table the space was given (the built-in one, or a test's mutant):
// per-pipe operations, internal events and faults, and the service-wide
// faults compute_crash and destination_unavailable, which step every pipe at
// once. A fault is enabled only while its budget lasts, so every fault-free
// suffix of a path is where liveness is judged.
//
// The catalogue (Properties()) is the named claims of the documents, each
// always or transition claim paired with the sometimes witness of its
// premise (among them the claims on what a step does to the pipe besides
// its state: the failure cause, the resume point, the load in progress, and
// the order in which states are entered); the reaches_<State> witnesses;
// liveness; and three claims that restate lifecycles.md 1.2-1.4 trigger by
// trigger (user operations, internal events, faults), judged in every
// reachable state by asking the table what it answers and comparing with a
// second transcription kept here (DocumentedCopyComparisons()), plus
// one_row_decides_each_step. The mutation check (properties/mutate.h) pins
// that every non-equivalent single-row mutant of the tables violates some
// claim or loses some witness, and counts apart the mutants that only the
// documented copy kills.
//
// The catalogue is written once, as a constexpr array in clickpipe_space.cc:
// each property with its judgement and the bounds under which it is listed.
// A space lists only the claims whose premise can occur with its bounds (its
// modes, its fault budgets, its profile's states), in catalogue order.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/clickpipe.h"
#include "properties/check.h"
#include "properties/explorer.h"
#include "properties/realize.h"

namespace pipecheck::properties {

// The fault kinds with budgets, in budget order.
enum class ClickPipeFault : std::uint8_t { kCrash, kExpiry, kIrrecoverable, kOutage, kLag };
inline constexpr std::size_t kClickPipeFaultCount = 5;
inline constexpr std::array<std::string_view, kClickPipeFaultCount> kClickPipeFaultNames = {
    "crash", "expiry", "irrecoverable", "outage", "lag"};

struct ClickPipeBounds {
  int pipes = 2;                                     // 1..8.
  std::array<std::uint8_t, kClickPipeFaultCount> budget = {1, 1, 1, 1, 1};  // Each 0..3.
  std::vector<model::clickpipe::Mode> modes;         // Modes explored (default: the profile's).
  // Symmetry reduction: pipes are interchangeable up to their own record
  // (state, mode, load flags, resume point, cause), so a state is stored as
  // one canonical representative of its orbit under permutations of the
  // pipes (see Pack). Applied only when every listed property is symmetric
  // (Reduced()); the fault budgets are the service's and are never permuted.
  bool symmetry = false;
};

class ClickPipeSpace {
 public:
  static constexpr int kMaxPipes = 8;
  static constexpr std::size_t kWords = 2;
  struct State {
    std::array<model::clickpipe::Pipe, kMaxPipes> pipes{};
    std::array<std::uint8_t, kClickPipeFaultCount> spent{};
  };

  ClickPipeSpace(const model::clickpipe::Table& table, ClickPipeBounds bounds);

  // With symmetry (Reduced()), Pack writes the pipes' records sorted by
  // their packed bits (a total order): every permutation of the pipes packs
  // the same, and Unpack gives the canonical representative.
  void Pack(const State& state, std::uint64_t* words) const;
  State Unpack(const std::uint64_t* words) const;

  // Symmetry (properties/check.h). Reduced(): states are stored one per
  // orbit. ConcreteAction: the action on `state` that an action stored on
  // `state`'s canonical form stands for (the same trigger on the pipe that
  // canonicalisation moved to the stored action's index); a trace of stored
  // actions is made concrete step by step with it. Unreduced(): the same
  // space without the reduction (liveness packs concrete states with it).
  bool Reduced() const { return reduced_; }
  Action ConcreteAction(const State& state, Action stored) const;
  ClickPipeSpace Unreduced() const;
  // Where canonicalisation puts `pipe` of `state`: the first index of its run
  // of equal records (the pipes whose records pack lower come first).
  int CanonicalPosition(const State& state, int pipe) const;
  void Initial(std::vector<State>& out) const;

  // Every enabled action in a fixed order: pipe by pipe, trigger by trigger,
  // then the service-wide faults.
  template <typename Emit>
  void Successors(const State& state, Emit&& emit) const {
    namespace cp = model::clickpipe;
    for (int p = 0; p < bounds_.pipes; ++p) {
      const auto pipe = static_cast<std::size_t>(p);
      for (const cp::Trigger trigger : triggers_[static_cast<std::size_t>(state.pipes[pipe].state)]) {
        const int fault = FaultOf(trigger);
        if (fault >= 0 && state.spent[static_cast<std::size_t>(fault)] >=
                              bounds_.budget[static_cast<std::size_t>(fault)]) {
          continue;
        }
        const cp::StepResult result = cp::Step(table_, state.pipes[pipe], trigger);
        if (!result.accepted) continue;
        State next = state;
        next.pipes[pipe] = result.next;
        if (fault >= 0) ++next.spent[static_cast<std::size_t>(fault)];
        RowMask rows;
        rows.Set(result.row);
        emit(ActionOf(p, trigger), next, rows);
      }
    }
    for (const cp::Trigger trigger : {cp::Trigger::kComputeCrash, cp::Trigger::kDestinationUnavailable}) {
      const auto fault = static_cast<std::size_t>(FaultOf(trigger));
      if (state.spent[fault] >= bounds_.budget[fault]) continue;
      State next = state;
      ++next.spent[fault];
      RowMask rows;
      bool any = false;
      for (int p = 0; p < bounds_.pipes; ++p) {
        const auto pipe = static_cast<std::size_t>(p);
        const cp::StepResult result = cp::Step(table_, state.pipes[pipe], trigger);
        if (!result.accepted) continue;
        any = true;
        next.pipes[pipe] = result.next;
        rows.Set(result.row);
      }
      if (any) emit(ActionOf(kMaxPipes, trigger), next, rows);
    }
  }

  // The actions of Successors that are not faults (!IsFault), in the same
  // order, without generating the faults (the liveness pass, liveness.h).
  template <typename Emit>
  void FaultFreeSuccessors(const State& state, Emit&& emit) const {
    namespace cp = model::clickpipe;
    for (int p = 0; p < bounds_.pipes; ++p) {
      const auto pipe = static_cast<std::size_t>(p);
      for (const cp::Trigger trigger : fault_free_triggers_[static_cast<std::size_t>(state.pipes[pipe].state)]) {
        const cp::StepResult result = cp::Step(table_, state.pipes[pipe], trigger);
        if (!result.accepted) continue;
        State next = state;
        next.pipes[pipe] = result.next;
        RowMask rows;
        rows.Set(result.row);
        emit(ActionOf(p, trigger), next, rows);
      }
    }
  }

  // The properties that compare the table with the documents' answers
  // transcribed a second time in clickpipe_space.cc (Documented*): they check the
  // table against that copy, trigger by trigger, rather than a behaviour.
  // The mutation check counts their kills apart.
  static std::span<const std::string_view> DocumentedCopyComparisons();

  std::span<const Property> Properties() const { return properties_; }
  // Only the properties in `open` are judged.
  std::uint64_t FoundIn(const State& state, std::uint64_t open) const;
  std::uint64_t ViolatedOver(const State& from, Action action, const State& to,
                             std::uint64_t open) const;
  bool HoldsIn(std::size_t property, const State& state) const;
  bool HoldsOver(std::size_t property, const State& from, Action action, const State& to) const;

  // Actions: pipe * kTriggerCount + trigger; pipe kMaxPipes is the service.
  static Action ActionOf(int pipe, model::clickpipe::Trigger trigger) {
    return static_cast<Action>(pipe * static_cast<int>(model::clickpipe::kTriggerCount) +
                               static_cast<int>(trigger));
  }
  static int PipeOf(Action action) {
    return action / static_cast<int>(model::clickpipe::kTriggerCount);
  }
  static model::clickpipe::Trigger TriggerOf(Action action) {
    return static_cast<model::clickpipe::Trigger>(action % model::clickpipe::kTriggerCount);
  }
  static bool IsServiceWide(model::clickpipe::Trigger trigger) {
    return trigger == model::clickpipe::Trigger::kComputeCrash ||
           trigger == model::clickpipe::Trigger::kDestinationUnavailable;
  }
  // The budget a trigger spends, or -1 for operations and events.
  static int FaultOf(model::clickpipe::Trigger trigger);
  // Weakly fair actions for liveness: internal events.
  static bool IsFair(Action action);

  std::string Describe(Action action) const;
  std::string Describe(const State& state) const;

  // Check (properties/check.h).
  std::string_view Model() const { return "clickpipe"; }
  std::string Profile() const;                    // "current", "2024".
  std::map<std::string, int> BoundsMap() const;   // pipes and the fault budgets.
  // The declared states a complete search should reach: Completed only when
  // the snapshot mode is explored (otherwise it is out of bounds rather than
  // unreachable).
  std::vector<std::string> DeclaredStates() const;
  // Adds the lifecycle states of `state`'s pipes not yet in `seen`.
  void LifecycleStates(const State& state, std::vector<std::string>& seen) const;
  // The rows an action takes from `state`, with source and status.
  std::string Explain(const State& state, Action action) const;
  std::vector<std::string> RowDescriptions() const;  // "Running --pause--> Pausing", per row.
  // Liveness subjects are the pipes; the key is the pipe's transient state or -1.
  int Subjects() const { return bounds_.pipes; }
  int TransientKey(const State& state, int subject) const;
  static bool IsFault(Action action) { return FaultOf(TriggerOf(action)) >= 0; }
  // The trace from `initial` along `path` as a ClickPipe scenario (see
  // realize.h): the pipe the trace ends on becomes pipe 0.
  Realized Realize(const State& initial, const std::vector<Action>& path,
                   const std::string& property) const;

  // Draw (graphs/explored.h).
  std::string Title() const;  // Profile, pipes, modes and fault budgets.
  // The quotient is by pipe 0's lifecycle state: the other pipes' steps and
  // the service-wide faults show as its self-loops.
  std::string QuotientBy() const { return "the lifecycle state of pipe 0"; }
  std::string QuotientKey(const State& state) const;
  std::string StateKind(const State& state) const;  // Pipe 0's; "start" before create.
  bool Dimmed(const State&) const { return false; }
  std::string ActionLine(Action action) const;  // Pipe 0's trigger, "service: ...", or the others'.
  std::string ActionKind(Action action) const;
  std::pair<std::string, std::string> RowKeys(std::size_t row) const;
  static bool ServiceWide(std::string_view trigger);
  static bool Takes(Action action, std::string_view trigger, int pipe, bool service_wide);

  const model::clickpipe::Table& table() const { return table_; }
  const ClickPipeBounds& bounds() const { return bounds_; }
  // The pipe (or -1) a lifecycle-state liveness check is about.
  int pipes() const { return bounds_.pipes; }

 private:
  const model::clickpipe::Table& table_;
  ClickPipeBounds bounds_;
  bool reduced_ = false;  // bounds_.symmetry, and every listed property is symmetric.
  // Per lifecycle state, the per-pipe triggers that have a row from it, in
  // trigger order: the only ones Step could accept.
  std::array<std::vector<model::clickpipe::Trigger>, model::clickpipe::kStateCount> triggers_;
  std::array<std::vector<model::clickpipe::Trigger>, model::clickpipe::kStateCount> fault_free_triggers_;  // Of those, no fault.
  // The catalogue's entries that these bounds list (see the .cc), in order.
  std::vector<Property> properties_;
  std::vector<std::size_t> entries_;                // Per property: its catalogue entry.
  std::vector<std::size_t> state_properties_;       // The always and sometimes ones.
  std::vector<std::size_t> transition_properties_;
  // What the table answers on a pipe, for the catalogue: computed on first
  // use, per packed pipe (see the .cc). A cache only: no verdict depends on
  // when an entry is filled.
  std::uint8_t TableFacts(const model::clickpipe::Pipe& pipe) const;
  mutable std::vector<std::uint8_t> facts_;
};

}  // namespace pipecheck::properties
