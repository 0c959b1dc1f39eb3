#include "properties/property.h"

#include "properties/explorer.h"

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

std::string_view ToString(PropertyKind kind) {
  switch (kind) {
    case PropertyKind::kAlways: return "always";
    case PropertyKind::kTransition: return "transition";
    case PropertyKind::kSometimes: return "sometimes";
    case PropertyKind::kEventually: return "eventually";
  }
  return "?";
}

}  // namespace pipecheck::properties
