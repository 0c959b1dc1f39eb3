// sim/prng.h: the one source of randomness of the simulator.
//
// SplitMix64, written out so that a seed replays bit for bit on any
// toolchain and build type: the standard fixes what std::mt19937_64 emits
// but not what its distributions do with it. Components take a Prng& (or a
// Fork() of one), never a global.
#pragma once

#include <cstdint>
#include <limits>

#include "model/assert.h"

namespace pipecheck::sim {

class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound). Rejects the top sliver of the range: no bias.
  // REQUIRES: bound > 0.
  std::uint64_t Below(std::uint64_t bound) {
    PIPECHECK_ASSERT(bound > 0);
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t limit = kMax - kMax % bound;
    std::uint64_t draw = Next();
    while (draw >= limit) draw = Next();
    return draw % bound;
  }

  // Uniform in [low, high]. REQUIRES: low <= high.
  std::int64_t Between(std::int64_t low, std::int64_t high) {
    PIPECHECK_ASSERT(low <= high);
    return low + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(high - low) + 1));
  }

  // True with probability per_million / 1,000,000. REQUIRES: per_million <= 1e6.
  bool Chance(std::uint32_t per_million) {
    PIPECHECK_ASSERT(per_million <= 1000000);
    return Below(1000000) < per_million;
  }

  // A separate stream: draws made there shift nothing here.
  Prng Fork() { return Prng(Next()); }

 private:
  std::uint64_t state_;
};

}  // namespace pipecheck::sim
