// properties/property.h: named claims judged over a run.
//
// A property is a named, positive claim (`paused_pulls_nothing`). An
// `always` property must hold after every event; a `sometimes` property is a
// witness that the premise of an `always` one really occurred, so that no
// always-property passes vacuously. Each result carries its source.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace pipecheck::properties {

enum class Expectation { kAlways, kSometimes };
enum class Verdict { kHolds, kViolated, kWitnessed, kUnwitnessed };

std::string_view ToString(Expectation expectation);
std::string_view ToString(Verdict verdict);

struct PropertyResult {
  std::string name;
  Expectation expectation = Expectation::kAlways;
  Verdict verdict = Verdict::kHolds;
  std::string source;       // Guarantee keys: "G1, CP-LC".
  std::string premise_of;   // For a sometimes: the always property it witnesses.
  sim::Millis at = 0;       // First violation or first witness.
  std::string message;      // What was seen.
};

}  // namespace pipecheck::properties
