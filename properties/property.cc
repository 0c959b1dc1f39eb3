#include "properties/property.h"

namespace pipecheck::properties {

std::string_view ToString(Expectation expectation) {
  return expectation == Expectation::kAlways ? "always" : "sometimes";
}

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kHolds: return "holds";
    case Verdict::kViolated: return "violated";
    case Verdict::kWitnessed: return "witnessed";
    case Verdict::kUnwitnessed: return "unwitnessed";
  }
  return "?";
}

}  // namespace pipecheck::properties
