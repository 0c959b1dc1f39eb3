// bindings/clickpipe_observe.cc: one ClickPipe pipe as `validate` sees it.
#include <vector>

#include "bindings/clickpipe.h"
#include "model/describe.h"

namespace pipecheck::bindings {

namespace cp = model::clickpipe;

validate::Automaton ClickPipe::Observable(Profile profile) {
  const cp::Table& table = cp::TableOf(profile);
  validate::Automaton automaton;
  automaton.table = model::Describe(table);
  automaton.modes = automaton.table.modes;
  // D19: the current documents mark these states "coming soon"; the service
  // may not report them yet, so a poller may never see them.
  if (profile == Profile::kCurrent) automaton.coming_soon = {"Pausing", "Modifying", "Resync"};
  std::vector<cp::Pipe> initial;
  for (std::size_t m = 0; m < automaton.modes.size(); ++m) {
    cp::Pipe pipe;
    pipe.mode = static_cast<cp::Mode>(m);
    initial.push_back(pipe);
  }
  validate::Build(
      automaton, initial,
      [&](const cp::Pipe& pipe, auto&& emit) {
        for (std::size_t t = 0; t < cp::kTriggerCount; ++t) {
          const cp::StepResult result = cp::Step(table, pipe, static_cast<cp::Trigger>(t));
          if (result.accepted) emit(t, result.row, result.next);
        }
      },
      [](const cp::Pipe& pipe) {
        validate::NodeView view;
        if (pipe.state != cp::State::kNone) view.state = cp::ToString(pipe.state);
        view.mode = static_cast<std::uint8_t>(pipe.mode);
        return view;
      });
  return automaton;
}

void ClickPipe::ObservedFacts(const validate::Observation&, std::uint32_t& care, std::uint32_t& value) {
  // A ClickPipes GET body reports the state; nothing else it has is modelled.
  care = 0;
  value = 0;
}

}  // namespace pipecheck::bindings
