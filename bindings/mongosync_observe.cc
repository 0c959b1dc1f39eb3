// bindings/mongosync_observe.cc: one mongosync process as `validate` sees it.
#include <vector>

#include "bindings/mongosync.h"
#include "model/describe.h"

namespace pipecheck::bindings {

namespace ms = model::mongosync;

namespace {
// Bits of an observed node's facts, in Automaton::facts order.
enum Fact : std::uint32_t {
  kCanCommit = 1U << 0,
  kCanWrite = 1U << 1,
  kCea = 1U << 2,
  kLagHigh = 1U << 3,
  kUp = 1U << 4,
};
}  // namespace

validate::Automaton Mongosync::Observable(Profile) {
  const ms::Table& table = ms::DefaultTable();
  validate::Automaton automaton;
  automaton.table = model::Describe(table);
  automaton.modes = {""};
  automaton.facts = {
      {"canCommit=true", "canCommit=false",
       "canCommit is true only in RUNNING, in change event application, with lag at most 30 s, "
       "while the process is up",
       "MS-PT21"},
      {"canWrite=true", "canWrite=false",
       "canWrite becomes true during COMMITTING, before COMMITTED, and stays true", "MS-CUT"},
      {"info=change event application", "info=collection copy",
       "RUNNING starts in collection copy and moves to change event application once the copy is "
       "done, never back",
       "MS-AB"},
      {"lagTimeSeconds>30", "lagTimeSeconds<=30",
       "lag above 30 s makes canCommit false", "MS-PT21"},
      // Every observation: /progress answers only while the process is up.
      {"", "", "GET /progress answers only while the mongosync process is up", "MS-PROG"},
  };
  validate::Build(
      automaton, std::vector<ms::Sync>{ms::Sync{}},
      [&](const ms::Sync& sync, auto&& emit) {
        for (std::size_t t = 0; t < ms::kTriggerCount; ++t) {
          const auto trigger = static_cast<ms::Trigger>(t);
          // `start` with every /start body that decides a guard, as `check` explores it.
          const std::size_t bodies = trigger == ms::Trigger::kStart ? Space::kBodies : 1;
          for (std::size_t b = 0; b < bodies; ++b) {
            const ms::StepResult result = ms::Step(table, sync, trigger, Space::Body(b));
            if (result.accepted) emit(t, result.row, result.next);
          }
        }
      },
      [](const ms::Sync& sync) {
        validate::NodeView view;
        if (sync.state != ms::State::kNone) view.state = ms::ToString(sync.state);
        view.facts = (ms::CanCommit(sync) ? kCanCommit : 0U) | (sync.can_write ? kCanWrite : 0U) |
                     (sync.phase == ms::Phase::kChangeEventApplication ? kCea : 0U) |
                     (sync.lag_high ? kLagHigh : 0U) | (sync.process == ms::Process::kUp ? kUp : 0U);
        return view;
      });
  return automaton;
}

void Mongosync::ObservedFacts(const validate::Observation& seen, std::uint32_t& care,
                              std::uint32_t& value) {
  ObservedFactsAt(seen, care, value, ms::kNewestVersion);
}

void Mongosync::ObservedFactsAt(const validate::Observation& seen, std::uint32_t& care,
                                std::uint32_t& value, ms::Version version) {
  // Whatever its form, an observation is an answer of GET /progress: the
  // process was up.
  care = kUp;
  value = kUp;
  if (!seen.raw_progress) return;
  if (seen.can_commit) {
    care |= kCanCommit;
    value |= *seen.can_commit ? kCanCommit : 0U;
  }
  if (seen.can_write) {
    care |= kCanWrite;
    value |= *seen.can_write ? kCanWrite : 0U;
  }
  if (seen.info) {
    if (const auto phase = ms::ParsePhase(*seen.info)) {
      care |= kCea;
      value |= *phase == ms::Phase::kChangeEventApplication ? kCea : 0U;
    }
  }
  // Only lag above 30 s is a fact: canCommit may be false for other reasons
  // (the verifier's lag, index builds) while lagTimeSeconds is low. The model
  // keeps lag for RUNNING, where it decides canCommit; elsewhere (COMMITTING
  // lasts about lagTimeSeconds, MS-COM) a high lag says nothing it has.
  // Before 1.21 lag never decides canCommit, so it says nothing at all.
  if (ms::Has(version, ms::Feature::kLagBlocksCommit) && seen.state == "RUNNING" &&
      seen.lag_seconds && *seen.lag_seconds > 30.0) {
    care |= kLagHigh;
    value |= kLagHigh;
  }
}

}  // namespace pipecheck::bindings
