// bindings/mongosync.h: the mongosync lifecycle's binding (see binding.h):
// one documented table, no profiles, modes or pipes; the explorable single
// sync, and `step` with its context and the /start request body.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bindings/binding.h"
#include "bindings/mongosync_generate.h"
#include "bindings/mongosync_mutation.h"
#include "model/describe.h"
#include "model/mongosync.h"
#include "model/mongosync_version.h"
#include "properties/mongosync_space.h"
#include "sim/scenario.h"
#include "validate/automaton.h"
#include "validate/history.h"

namespace pipecheck::bindings {

struct Mongosync {
  static constexpr std::string_view kName = "mongosync";
  static constexpr sim::ModelKind kKind = sim::ModelKind::kMongosync;

  // One table: --profile and --mode are refused with an InputError.
  struct Profile {
    friend bool operator==(const Profile&, const Profile&) = default;
  };
  static constexpr std::array<std::string_view, 0> kProfiles = {};
  static Profile ParseProfile(std::string_view flag);
  static void ParseMode(Profile profile, std::string_view flag);
  static model::TableView Describe(const Profile& profile);
  static void MatchScenario(const sim::Scenario& scenario, std::optional<Profile>& profile,
                            const std::string& where);

  using Space = properties::MongosyncSpace;
  static constexpr int kMaxPipes = 0;
  static Space MakeSpace(const ExploreFlags& flags);
  static Space MakeSpace(Profile profile, const ExploreFlags& flags);

  static StepAnswer Step(const StepFlags& flags);

  // The simulator: the monitor catalogue and what a seed draws (sim, replay).
  using Monitors = properties::MongosyncMonitors;
  using Generator = MongosyncGenerator;

  // `validate`: one subject as a poller sees it, and the facts a raw API
  // body reports beside the state (bits of the automaton's facts).
  static validate::Automaton Observable(Profile profile);
  // As the newest release judges it.
  static void ObservedFacts(const validate::Observation& seen, std::uint32_t& care,
                            std::uint32_t& value);
  // As `version` judges it: lag above 30 s is a fact only where it makes
  // canCommit false (model/mongosync_version.h).
  static void ObservedFactsAt(const validate::Observation& seen, std::uint32_t& care,
                              std::uint32_t& value, model::mongosync::Version version);

  // The mutation check of its tables (mutate).
  using Mutation = MongosyncMutation;
};

static_assert(Binding<Mongosync>);

}  // namespace pipecheck::bindings
