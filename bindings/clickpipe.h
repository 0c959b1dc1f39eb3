// bindings/clickpipe.h: the ClickPipe lifecycle's binding (see binding.h):
// its two documented tables (profiles current and 2024), the pipe modes, the
// explorable service of N pipes, and `step` on one pipe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bindings/binding.h"
#include "bindings/clickpipe_generate.h"
#include "bindings/clickpipe_mutation.h"
#include "model/clickpipe.h"
#include "model/describe.h"
#include "properties/clickpipe_space.h"
#include "sim/scenario.h"
#include "validate/automaton.h"
#include "validate/history.h"

namespace pipecheck::bindings {

struct ClickPipe {
  static constexpr std::string_view kName = "clickpipe";
  static constexpr sim::ModelKind kKind = sim::ModelKind::kClickPipe;

  using Profile = model::clickpipe::Profile;
  static constexpr std::array<std::string_view, 2> kProfiles = {"2024", "current"};
  // --profile: "" is current.
  static Profile ParseProfile(std::string_view flag);
  // --mode: "" is cdc; a profile without modes accepts only cdc.
  static model::clickpipe::Mode ParseMode(Profile profile, std::string_view flag);
  static model::TableView Describe(const Profile& profile);
  static void MatchScenario(const sim::Scenario& scenario, std::optional<Profile>& profile,
                            const std::string& where);

  using Space = properties::ClickPipeSpace;
  static constexpr int kMaxPipes = Space::kMaxPipes;
  static Space MakeSpace(const ExploreFlags& flags);
  static Space MakeSpace(Profile profile, const ExploreFlags& flags);

  static StepAnswer Step(const StepFlags& flags);

  // The simulator: the monitor catalogue and what a seed draws (sim, replay).
  using Monitors = properties::ClickPipeMonitors;
  using Generator = ClickPipeGenerator;

  // `validate`: one subject as a poller sees it, and the facts a raw API
  // body reports beside the state (bits of the automaton's facts).
  static validate::Automaton Observable(Profile profile);
  static void ObservedFacts(const validate::Observation& seen, std::uint32_t& care,
                            std::uint32_t& value);

  // The mutation check of its tables (mutate).
  using Mutation = ClickPipeMutation;
};

static_assert(Binding<ClickPipe>);

}  // namespace pipecheck::bindings
