#include "serve/session.h"

#include <algorithm>
#include <utility>

namespace pipecheck::serve {

void Session::Drain(sim::Millis until) {
  while (world_->ProcessNext(until)) monitor_->AfterEvent();
  world_->AdvanceTo(until);
}

sim::StepOutcome Session::Do(sim::Step step) {
  step.at = world_->now();
  Drain(step.at);
  const sim::StepOutcome outcome = world_->Apply(step);
  monitor_->AfterEvent();
  step.expect.accepted = outcome.accepted;
  step.expect.error.reset();
  steps_.push_back(std::move(step));
  Judge();
  return outcome;
}

void Session::Advance(sim::Millis by) {
  Drain(world_->now() + by);
  Judge();
}

void Session::Judge() {
  if (!on_violation) return;
  for (const properties::PropertyResult& violated : Violations()) {
    if (std::find(reported_.begin(), reported_.end(), violated.name) != reported_.end()) continue;
    reported_.push_back(violated.name);
    on_violation(violated);
  }
}

std::vector<properties::PropertyResult> Session::Violations() const {
  std::vector<properties::PropertyResult> violated;
  for (properties::PropertyResult& result : monitor_->Results()) {
    if (result.verdict == properties::Verdict::kViolated) violated.push_back(std::move(result));
  }
  return violated;
}

sim::Scenario Session::Recording() const {
  sim::Scenario scenario = base_;
  scenario.steps = steps_;
  scenario.run_until = world_->now();
  const std::vector<properties::PropertyResult> violated = Violations();
  if (!violated.empty()) scenario.expect.properties = violated.front().name;
  return scenario;
}

}  // namespace pipecheck::serve
