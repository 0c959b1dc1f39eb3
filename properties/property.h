// properties/property.h: named claims judged over a run, and their verdicts.
//
// A property is a named, positive claim (`paused_pulls_nothing`). An
// `always` property must hold in every state (after every event); a
// `transition` property must hold on every step; a `sometimes` property is
// a witness that the premise of an `always` or `transition` one really
// occurred, so that no claim passes vacuously; an `eventually` property
// (liveness) must come true on every fair path. Each carries its source.
// The explorer (explorer.h), the simulator's monitors (monitors.h), the
// reports and `mutate` share this vocabulary; verdicts stay enums until
// they are printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace pipecheck::properties {

enum class Expectation : std::uint8_t { kAlways, kTransition, kSometimes, kEventually };
// kUnknown: an incomplete search neither found nor ruled out a violation or witness.
enum class Verdict : std::uint8_t { kHolds, kViolated, kWitnessed, kUnwitnessed, kUnknown };
// The verdict of a whole check: every property and deadlock judged.
enum class CheckVerdict : std::uint8_t { kPass, kFail, kIncomplete };

// Why a search or a run stopped before it was complete: a limit or a signal
// read in the front end (cli/), never by the model, the simulator or the
// properties themselves.
enum class StopReason { kNone, kMaxStates, kMaxMemory, kTimeLimit, kInterrupt };

// "max_states", "max_memory", "time_limit", "interrupt" (empty for kNone).
inline std::string_view ToString(StopReason reason) {
  switch (reason) {
    case StopReason::kNone: return "";
    case StopReason::kMaxStates: return "max_states";
    case StopReason::kMaxMemory: return "max_memory";
    case StopReason::kTimeLimit: return "time_limit";
    case StopReason::kInterrupt: return "interrupt";
  }
  return "";
}

std::string_view ToString(Expectation expectation);
std::string_view ToString(Verdict verdict);
std::string_view ToString(CheckVerdict verdict);

// One property of a catalogue.
struct Property {
  std::string_view name;
  Expectation expectation;
  std::string_view source;      // Guarantee keys: "G1, CP-LC".
  std::string_view premise_of;  // For a sometimes: the property whose premise it witnesses.
};

// The position of `name` in `catalogue`, at compile time: a name the
// catalogue does not have is not a constant expression, so it does not
// compile.
consteval std::size_t IndexOf(std::span<const Property> catalogue, std::string_view name) {
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    if (catalogue[i].name == name) return i;
  }
  throw "the catalogue has no property of this name";
}

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
