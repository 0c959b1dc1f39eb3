// bindings/binding.h: what a lifecycle binding is.
//
// A binding is one empty type per lifecycle (bindings/clickpipe.h,
// bindings/mongosync.h) that gives the generic code everything it needs about
// that lifecycle, as static members. The command line chooses one by name in
// bindings/registry.h and then runs code written once, as templates over it.
// Nothing here names a lifecycle; each binding's files do.
//
// What a binding provides, and who uses it:
//
//   kName         the --model word ("clickpipe"), in help and error text.  every command
//   kKind         the scenario file's "model" value.              replay, graph --highlight
//   Profile       the table variants the lifecycle documents (a type with
//                 ==; an empty struct for a lifecycle with one table).
//   kProfiles     the --profile words, oldest first (empty: no --profile).  graph --diff
//   ParseProfile  --profile: "" is the default; anything else unknown, or
//                 any word for a lifecycle without profiles, is an InputError.
//   Describe      the table of a profile as a model::TableView.   spec, graph
//   MatchScenario checks a scenario drawn with --highlight against the
//                 --profile given, and adopts the scenario's profile.  graph
//   Space         the explorer's Space (properties/explorer.h).   check, graph --explored
//   kMaxPipes     how many instances --pipes may ask for (0: no --pipes).  graph
//   MakeSpace     the Space for ExploreFlags: --profile, --mode, --pipes and
//                 --budget, each refused with an InputError when bad.  check, graph --explored
//   Step          one step of the table, from StepFlags to a StepAnswer. step
//   Monitors      the simulated world and its monitor catalogue
//                 (properties/monitors.h).                       sim, replay, graph --highlight
//   Generator     what a seed draws: FromFlags(--profile, --mode).  sim
//   Mutation      the mutation check of a table (properties/mutate.h):
//                 FromFlags(--profile, --pipes).                  mutate
//   Observable    one subject (a pipe, a process) as a poller sees it: the
//                 automaton `validate` judges histories with
//                 (validate/automaton.h), for a profile.         validate
//   ObservedFacts the facts a raw API body reports beside the state, as
//                 (care, value) bits of Observable's facts.       validate
//
// The concept Binding below states the same list to the compiler; each
// binding's header asserts it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/describe.h"
#include "properties/generate.h"
#include "properties/monitors.h"
#include "properties/mutate.h"
#include "sim/scenario.h"
#include "validate/automaton.h"
#include "validate/history.h"

namespace pipecheck::bindings {

// The flags of `check` and `graph --explored` that shape the explored space.
// Empty strings and 0 mean the binding's defaults.
struct ExploreFlags {
  std::string profile;
  std::string mode;    // Explore one mode only (default: every mode of the profile).
  int pipes = 0;       // Instances sharing one service (0: the default).
  std::string budget;  // "crash=1,expiry=1": fault budgets, each 0..3.
  // Store one state per orbit of interchangeable instances where the
  // catalogue allows it (check --symmetry; a no-op with one instance kind
  // of process, as in mongosync).
  bool symmetry = false;
};

// The flags of `step`.
struct StepFlags {
  std::string profile;
  std::string mode;
  std::string state;
  std::string trigger;                // --do.
  std::vector<std::string> settings;  // KEY=VALUE words of --set.
  std::string body;                   // A JSON request body, where an operation takes one.
};

// What `step` answers, in a form one printer writes as text or JSON:
//   text, accepted: "accepted: FROM --TRIGGER--> TO<to_note>  (row R, SOURCE, STATUS[ DECISION])"
//   text, refused:  "refused: <refusal> (state stays FROM)"
//   JSON: {"accepted", "from", "to", <after_to...>, then either "source",
//          "status", ["decision",] "row", <extra...>, or "error": <error>}
struct StepAnswer {
  bool accepted = false;
  std::string from;
  std::string to;
  std::string to_note;  // Text after the target state, e.g. " (process down)".
  nlohmann::ordered_json after_to = nlohmann::ordered_json::object();
  // Accepted: the row taken and its evidence.
  std::size_t row = 0;
  std::string source;
  std::string status;
  std::string decision;  // Empty: the row cites no decision.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  // Refused: the error as the service returns it, and as one line.
  nlohmann::ordered_json error = nlohmann::ordered_json::object();
  std::string refusal;
};

// Fills the accepted half of `answer` from the row a step took.
template <class Row>
void SetRow(StepAnswer& answer, std::size_t index, const Row& row) {
  answer.row = index;
  answer.source = std::string(row.evidence.source);
  answer.status = std::string(ToString(row.evidence.status()));
  answer.decision = std::string(row.evidence.decision);
}

template <class B>
concept Binding = requires(std::string_view word, const typename B::Profile& profile,
                           std::optional<typename B::Profile>& chosen, const sim::Scenario& scenario,
                           const ExploreFlags& explore, const StepFlags& step,
                           const validate::Observation& observation, std::uint32_t& care) {
  { B::kName } -> std::convertible_to<std::string_view>;
  { B::kKind } -> std::convertible_to<sim::ModelKind>;
  { B::kMaxPipes } -> std::convertible_to<int>;
  { B::kProfiles.size() } -> std::convertible_to<std::size_t>;
  { B::ParseProfile(word) } -> std::same_as<typename B::Profile>;
  { profile == profile } -> std::convertible_to<bool>;
  { B::Describe(profile) } -> std::same_as<model::TableView>;
  { B::MatchScenario(scenario, chosen, std::string()) };
  { B::MakeSpace(explore) } -> std::same_as<typename B::Space>;
  { B::Step(step) } -> std::same_as<StepAnswer>;
  requires properties::MonitorCatalogue<typename B::Monitors>;
  requires properties::ScenarioGenerator<typename B::Generator>;
  requires properties::Mutation<typename B::Mutation>;
  { B::Mutation::FromFlags(std::string(), 0) } -> std::same_as<typename B::Mutation>;
  { B::Generator::FromFlags(std::string(), std::string()) } -> std::same_as<typename B::Generator>;
  { B::Observable(profile) } -> std::same_as<validate::Automaton>;
  { B::ObservedFacts(observation, care, care) };
};

}  // namespace pipecheck::bindings
