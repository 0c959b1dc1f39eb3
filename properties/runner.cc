#include "properties/runner.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/input_error.h"
#include "properties/monitors.h"
#include "sim/world.h"

namespace pipecheck::properties {

namespace {

// The states one pipe entered, in order, from the trace (self-loops dropped).
std::vector<std::string_view> Visits(const sim::Trace& trace, int pipe) {
  std::vector<std::string_view> visits;
  for (const sim::TraceEvent& event : trace.events()) {
    if (event.pipe != pipe || !event.accepted || event.row < 0) continue;
    if (event.to.empty() || event.to == event.from) continue;
    if (!visits.empty() && visits.back() == event.to) continue;
    visits.push_back(event.to);
  }
  return visits;
}

std::string Join(const std::vector<std::string_view>& words) {
  std::string out;
  for (const auto word : words) out += (out.empty() ? "" : ", ") + std::string(word);
  return out.empty() ? "(none)" : out;
}

void CheckExpect(const sim::Scenario& scenario, const sim::World& world, int pipe,
                 RunResult& result) {
  const sim::Expect& expect = scenario.expect;
  const std::vector<std::string_view> visits = Visits(result.trace, pipe);
  if (expect.final_state) {
    const bool met = result.final_state == *expect.final_state;
    result.expectations.push_back({fmt::format("final_state {}", *expect.final_state), met,
                                   fmt::format("final state is {}", result.final_state)});
  }
  if (!expect.visits.empty()) {
    std::size_t next = 0;
    for (const auto state : visits) {
      if (next < expect.visits.size() && state == expect.visits[next]) ++next;
    }
    std::vector<std::string_view> wanted(expect.visits.begin(), expect.visits.end());
    result.expectations.push_back(
        {fmt::format("visits {} in order", Join(wanted)), next == expect.visits.size(),
         fmt::format("visited {}", Join(visits))});
  }
  for (const std::string& state : expect.never_visits) {
    const bool met = std::find(visits.begin(), visits.end(), state) == visits.end();
    result.expectations.push_back({fmt::format("never visits {}", state), met,
                                   fmt::format("visited {}", Join(visits))});
  }
  if (expect.data == "converged") {
    std::string why;
    const bool met = world.DataConverged(&why);
    result.expectations.push_back({"data converged", met, why});
  }
  if (expect.process) {
    result.expectations.push_back({fmt::format("process {}", *expect.process),
                                   result.process == *expect.process,
                                   fmt::format("process is {}", result.process)});
  }
  const auto violations = result.violations();
  if (expect.properties == "hold") {
    std::string why;
    for (const PropertyResult* violated : violations) {
      why += fmt::format("{}{} violated at {}: {}", why.empty() ? "" : "; ", violated->name,
                         sim::FormatClock(violated->at), violated->message);
    }
    result.expectations.push_back({"every always-property holds", violations.empty(), why});
  } else {
    const bool met = std::any_of(violations.begin(), violations.end(), [&](const auto* violated) {
      return violated->name == expect.properties;
    });
    result.expectations.push_back({fmt::format("property {} violated", expect.properties), met,
                                   fmt::format("{} held", expect.properties)});
  }
}

// Counts events and asks RunStop every `every` of them. The count, not the
// clock, decides when to ask, so asking never depends on the machine.
class StopPoll {
 public:
  explicit StopPoll(const RunStop& stop) : stop_(stop) {}
  // After an event: true when the run is to stop here.
  bool Due() {
    if (!stop_.requested || ++since_ < stop_.every) return false;
    since_ = 0;
    reason_ = stop_.requested();
    return reason_ != StopReason::kNone;
  }
  StopReason reason() const { return reason_; }

 private:
  const RunStop& stop_;
  std::uint64_t since_ = 0;
  StopReason reason_ = StopReason::kNone;
};

// The expectations of scenario step `i` about its outcomes: one for each
// kind of expectation, met when every occurrence of the step (its repeats,
// `outcomes`, in order) met it; `why` is the first occurrence that did not,
// or the last one seen.
using Occurrence = std::pair<std::int64_t, sim::StepOutcome>;  // Which repeat, and its outcome.
void JudgeStep(const sim::Step& step, std::size_t i, const std::vector<Occurrence>& outcomes,
               std::vector<ExpectationResult>& expectations) {
  if (outcomes.empty()) return;
  const std::string repeats =
      step.repeat > 1 ? fmt::format(", {} times every {}", step.repeat, sim::FormatDuration(step.every)) : "";
  const std::string label = fmt::format("step {} ({} {} at {}{})", i, step.is_fault ? "fault" : "do",
                                        step.action, sim::FormatDuration(step.at), repeats);
  const auto judge = [&](const std::string& what, const auto& met) {
    for (const auto& [k, outcome] : outcomes) {
      if (met(outcome)) continue;
      const std::string seen = outcome.accepted ? "accepted" : "refused: " + outcome.message;
      expectations.push_back({what, false,
                              step.repeat > 1 ? fmt::format("at {}: {}", sim::FormatDuration(step.at + k * step.every), seen)
                                              : seen});
      return;
    }
    const sim::StepOutcome& last = outcomes.back().second;
    expectations.push_back({what, true, last.accepted ? "accepted" : "refused: " + last.message});
  };
  if (step.expect.accepted) {
    const bool accepted = *step.expect.accepted;
    judge(fmt::format("{} {}", label, accepted ? "accepted" : "refused"),
          [&](const sim::StepOutcome& outcome) { return outcome.accepted == accepted; });
  }
  if (step.expect.error) {
    const std::string& error = *step.expect.error;
    judge(fmt::format("{} error contains \"{}\"", label, error), [&](const sim::StepOutcome& outcome) {
      return !outcome.accepted && outcome.message.find(error) != std::string::npos;
    });
  }
}

}  // namespace

bool RunResult::passed() const {
  return stopped_by == StopReason::kNone &&
         std::all_of(expectations.begin(), expectations.end(),
                     [](const ExpectationResult& e) { return e.met; });
}

std::vector<const PropertyResult*> RunResult::violations() const {
  std::vector<const PropertyResult*> out;
  for (const PropertyResult& property : properties) {
    if (property.verdict == Verdict::kViolated) out.push_back(&property);
  }
  return out;
}

std::vector<std::string> PropertyNames(std::span<const Property> catalogue) {
  std::vector<std::string> names;
  names.reserve(catalogue.size());
  for (const Property& property : catalogue) names.emplace_back(property.name);
  return names;
}

void RequireKnownProperty(const sim::Scenario& scenario, std::span<const Property> catalogue) {
  if (scenario.expect.properties == "hold") return;
  const bool known = std::any_of(catalogue.begin(), catalogue.end(), [&](const Property& p) {
    return p.name == scenario.expect.properties;
  });
  if (!known) {
    throw InputError(fmt::format("unknown property \"{}\" for {}", scenario.expect.properties,
                                 sim::ToString(scenario.model)),
                     "$.expect.properties");
  }
}

RunResult Run(const sim::Scenario& scenario, sim::World& world, Monitor& monitor, int expect_pipe,
              const RunStop& stop) {
  RunResult result;
  StopPoll poll(stop);
  // Internal events up to `until`, then time moves there; false when told to stop.
  const auto process_until = [&](sim::Millis until) {
    while (world.ProcessNext(until)) {
      monitor.AfterEvent();
      if (poll.Due()) return false;
    }
    world.AdvanceTo(until);
    return true;
  };
  std::vector<ExpectationResult> step_expectations;
  bool complete = true;
  std::vector<Occurrence> outcomes;
  for (std::size_t i = 0; complete && i < scenario.steps.size(); ++i) {
    const sim::Step& step = scenario.steps[i];
    // A repeated step's occurrences are steps of their own (sim/scenario.h);
    // an expectation is judged on all of them, and only the outcomes that
    // differ from the one before are kept (enough for JudgeStep's verdict).
    outcomes.clear();
    for (std::int64_t k = 0; k < step.repeat; ++k) {
      if (!process_until(step.at + k * step.every)) {
        complete = false;
        break;
      }
      sim::StepOutcome outcome = world.Apply(step);
      monitor.AfterEvent();
      if (step.is_fault) ++result.faults[step.action];
      if (outcomes.empty() || outcomes.back().second.accepted != outcome.accepted ||
          outcomes.back().second.message != outcome.message) {
        outcomes.emplace_back(k, std::move(outcome));
      }
      if (poll.Due()) {
        complete = false;
        break;
      }
    }
    JudgeStep(step, i, outcomes, step_expectations);
  }
  complete = complete && process_until(scenario.run_until);
  if (complete) monitor.AtEnd();

  result.trace = world.trace();
  result.properties = monitor.Results();
  result.events = world.events_processed();
  result.final_state = std::string(world.LifecycleState(0));
  result.process = std::string(world.ProcessStatus());
  result.expectations = std::move(step_expectations);
  if (complete) {
    CheckExpect(scenario, world, expect_pipe, result);
    return result;
  }
  // What the rest of the run would have shown is not known: only the hits stand.
  result.stopped_by = poll.reason();
  result.stopped_at = world.now();
  for (PropertyResult& property : result.properties) {
    if (property.verdict == Verdict::kHolds || property.verdict == Verdict::kUnwitnessed) {
      property.verdict = Verdict::kUnknown;
    }
  }
  return result;
}

}  // namespace pipecheck::properties
