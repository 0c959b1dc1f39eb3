// serve/session.h: one live simulated world behind `pipecheck serve`.
//
// A Session is a world made from a scenario with no steps (its seed and
// configuration), its live property monitor, a virtual clock that moves only
// when told (Advance), and the record of every step applied: each request
// the API accepted or refused and each fault, at its virtual time. The
// record is a `pipecheck-scenario/1` file whose replay gives the same trace,
// because a step is applied exactly as `replay` applies it: internal events
// due up to now first, then the step (properties/runner.cc).
//
// Not thread-safe by itself: `serve` takes requests on several threads and
// applies them one at a time under mutex(), in arrival order. The real
// clock (--clock real) lives outside: a thread that calls Advance.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "properties/monitors.h"
#include "properties/property.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace pipecheck::serve {

class Session {
 public:
  // `base` gives the model, profile, seed and configuration; its steps are
  // ignored. The world and monitor are the binding's (Monitors::MakeWorld,
  // Monitors::MakeMonitor) for `base`.
  template <class Monitors>
  static std::unique_ptr<Session> Make(sim::Scenario base) {
    base.steps.clear();
    // The workload does not stop by itself in a live session: writes_until
    // is written into the record, so replay keeps the same workload.
    if (!base.config.writes_until) base.config.writes_until = kForever;
    auto session = std::unique_ptr<Session>(new Session(std::move(base)));
    session->world_ = Monitors::MakeWorld(session->base_, {});
    session->monitor_ = Monitors::MakeMonitor(session->base_, *session->world_);
    session->catalogue_ = Monitors::Catalogue();
    return session;
  }

  std::mutex& mutex() { return mutex_; }

  sim::Millis now() const { return world_->now(); }
  // Applies `step` at now() (its `at` is set to now) and records it, with
  // the outcome as its expectation, so that replay checks the same answer.
  sim::StepOutcome Do(sim::Step step);
  // Moves the clock forward by `by`, processing every internal event due.
  void Advance(sim::Millis by);

  const sim::World& world() const { return *world_; }
  const sim::Scenario& base() const { return base_; }
  std::size_t steps() const { return steps_.size(); }

  // The session so far as a scenario: the base, every step, run_until now;
  // expect.properties names the first violated property, if any.
  sim::Scenario Recording() const;
  // The always-properties violated so far, in catalogue order.
  std::vector<properties::PropertyResult> Violations() const;
  std::uint64_t TraceHash() const { return world_->trace().Hash(); }

  // Called (with the session locked) the first time each always-property is
  // violated, after the step or advance that violated it.
  std::function<void(const properties::PropertyResult&)> on_violation;

  static constexpr sim::Millis kForever = 3650 * sim::kDay;  // The longest duration a scenario holds.

 private:
  explicit Session(sim::Scenario base) : base_(std::move(base)) {}
  void Drain(sim::Millis until);
  void Judge();  // Calls on_violation for violations not seen before.

  std::mutex mutex_;
  sim::Scenario base_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<properties::Monitor> monitor_;
  std::span<const properties::Property> catalogue_;
  std::vector<sim::Step> steps_;
  std::vector<std::string> reported_;  // Violated properties already reported.
};

}  // namespace pipecheck::serve
