#include "properties/generate.h"

#include <algorithm>
#include <utility>

namespace pipecheck::properties {

sim::Prng SeedPrng(std::uint64_t seed) {
  // Mix the seed so that neighbouring seeds start far apart.
  return sim::Prng(seed ^ 0x5eed5eed5eed5eedULL);
}

sim::Step Operation(sim::Millis at, std::string action, int pipe) {
  sim::Step step;
  step.at = at;
  step.action = std::move(action);
  step.pipe = pipe;
  return step;
}

sim::Step Fault(sim::Millis at, std::string action, std::optional<sim::Millis> duration, int pipe) {
  sim::Step step = Operation(at, std::move(action), pipe);
  step.is_fault = true;
  step.duration = duration;
  return step;
}

std::vector<std::string> ChosenFaults(std::span<const std::string_view> kinds,
                                      const GenerateOptions& options, sim::Prng& prng) {
  std::vector<std::string> chosen;
  for (const std::string_view kind : kinds) {
    const bool allowed = options.swarm || options.faults.count(std::string(kind)) > 0;
    const bool on = options.swarm ? prng.Chance(500000) : true;
    if (allowed && on) chosen.emplace_back(kind);
  }
  return chosen;
}

sim::Millis SomeTime(sim::Prng& prng, sim::Millis start, sim::Millis duration) {
  const sim::Millis end = std::max(start + sim::kMinute, duration - sim::kHour);
  return prng.Between(start, end);
}

void SortByTime(std::vector<sim::Step>& steps) {
  std::stable_sort(steps.begin(), steps.end(),
                   [](const sim::Step& a, const sim::Step& b) { return a.at < b.at; });
}

}  // namespace pipecheck::properties
