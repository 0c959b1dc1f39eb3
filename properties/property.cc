#include "properties/property.h"

namespace pipecheck::properties {

std::string_view ToString(Expectation expectation) {
  switch (expectation) {
    case Expectation::kAlways: return "always";
    case Expectation::kTransition: return "transition";
    case Expectation::kSometimes: return "sometimes";
    case Expectation::kEventually: return "eventually";
  }
  return "?";
}

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kHolds: return "holds";
    case Verdict::kViolated: return "violated";
    case Verdict::kWitnessed: return "witnessed";
    case Verdict::kUnwitnessed: return "unwitnessed";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

std::string_view ToString(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::kPass: return "pass";
    case CheckVerdict::kFail: return "fail";
    case CheckVerdict::kIncomplete: return "incomplete";
  }
  return "?";
}

}  // namespace pipecheck::properties
