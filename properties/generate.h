// properties/generate.h: random scenarios from a seed.
//
// A campaign run is a generated scenario: the seed decides the configuration,
// the operator's operations and the injected faults, and the same seed gives
// the same scenario byte for byte. Because the scenario is an ordinary
// `pipecheck-scenario/1` value, a failing seed is saved and replayed exactly.
//
// What a seed draws is the lifecycle's: each gives a generator (a
// ScenarioGenerator below); this file holds the generic part and the pieces
// every generator uses.
//
// Swarm testing: with `swarm` each fault kind is switched on or off per seed,
// from the seed itself, so some runs see one fault often and others never
// see it.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "sim/prng.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::properties {

struct GenerateOptions {
  sim::Millis duration = 24 * sim::kHour;
  bool swarm = false;               // Each fault kind on or off per seed.
  std::set<std::string> faults;     // The fault kinds allowed (all when swarm).
};

// A lifecycle's generator: the fault kinds its scenarios can inject, and the
// scenario of a seed, drawn from `prng` only.
template <class G>
concept ScenarioGenerator = requires(const G& generator, const GenerateOptions& options,
                                     std::uint64_t seed, sim::Prng& prng) {
  { G::FaultKinds() } -> std::same_as<std::span<const std::string_view>>;
  { generator.Generate(options, seed, prng) } -> std::same_as<sim::Scenario>;
};

// The generator's random source for `seed`.
sim::Prng SeedPrng(std::uint64_t seed);

template <ScenarioGenerator G>
sim::Scenario GenerateScenario(const G& generator, const GenerateOptions& options,
                               std::uint64_t seed) {
  PIPECHECK_ASSERT(options.duration >= sim::kHour);
  sim::Prng prng = SeedPrng(seed);
  return generator.Generate(options, seed, prng);
}

// The pieces of a generator.

// An operator's operation on `pipe` at `at`.
sim::Step Operation(sim::Millis at, std::string action, int pipe = 0);
// An injected fault, lasting `duration` where the fault has a length.
sim::Step Fault(sim::Millis at, std::string action, std::optional<sim::Millis> duration,
                int pipe = 0);
// The fault kinds of this seed, in the order of `kinds`: every allowed kind,
// or under swarm a subset drawn from the seed (each kind with probability
// one half).
std::vector<std::string> ChosenFaults(std::span<const std::string_view> kinds,
                                      const GenerateOptions& options, sim::Prng& prng);
// A time uniformly inside the run, leaving its last hour quiet.
sim::Millis SomeTime(sim::Prng& prng, sim::Millis start, sim::Millis duration);
// Orders the steps by time, keeping the order of steps at the same time.
void SortByTime(std::vector<sim::Step>& steps);

}  // namespace pipecheck::properties
