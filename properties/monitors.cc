#include "properties/monitors.h"

#include <utility>

namespace pipecheck::properties {

FirstHits::FirstHits(std::span<const Property> catalogue)
    : catalogue_(catalogue), hits_(catalogue.size()) {}

void FirstHits::Record(std::size_t index, sim::Millis at, std::string message) {
  Hit& hit = hits_[index];
  if (hit.hit) return;
  hit.hit = true;
  hit.at = at;
  hit.message = std::move(message);
}

std::vector<PropertyResult> FirstHits::Results() const {
  std::vector<PropertyResult> results;
  results.reserve(catalogue_.size());
  for (std::size_t i = 0; i < catalogue_.size(); ++i) {
    const Property& property = catalogue_[i];
    const Hit& hit = hits_[i];
    PropertyResult result;
    result.name = std::string(property.name);
    result.expectation = property.expectation;
    result.source = std::string(property.source);
    result.premise_of = std::string(property.premise_of);
    result.at = hit.hit ? hit.at : 0;
    result.message = hit.message;
    const bool invariant = property.expectation == Expectation::kAlways ||
                           property.expectation == Expectation::kTransition;
    if (invariant) {
      result.verdict = hit.hit ? Verdict::kViolated : Verdict::kHolds;
    } else {
      result.verdict = hit.hit ? Verdict::kWitnessed : Verdict::kUnwitnessed;
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace pipecheck::properties
