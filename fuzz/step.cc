// fuzz/step.cc: the flags of `pipecheck step` as the bindings read them:
// --model, --profile, --mode, --state, --do, --body and the KEY=VALUE words
// of --set (bindings/flags.h, Binding::Step).
//
// Input: one flag value per line, in the order model, profile, mode, state,
// do, body; every further line is one --set word.
// Expected: an InputError. Findings: any other exception or crash, and an
// answer that breaks StepAnswer's contract (bindings/binding.h): an accepted
// step names its row and its evidence, a refused one its refusal, on one line.
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <fmt/format.h>

#include "bindings/registry.h"
#include "fuzz/fuzz.h"
#include "model/input_error.h"

PIPECHECK_FUZZ_TARGET(step) {
  using pipecheck::fuzz::Finding;
  namespace bindings = pipecheck::bindings;
  std::vector<std::string> lines;
  std::string_view text = pipecheck::fuzz::Text(input);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  lines.resize(std::max<std::size_t>(lines.size(), 6));
  bindings::StepFlags flags;
  flags.profile = lines[1];
  flags.mode = lines[2];
  flags.state = lines[3];
  flags.trigger = lines[4];
  flags.body = lines[5];
  flags.settings.assign(lines.begin() + 6, lines.end());
  try {
    bindings::WithBinding(lines[0], [&]<class B>(B) {
      const bindings::StepAnswer answer = B::Step(flags);
      const auto rows = B::Describe(B::ParseProfile(flags.profile)).rows.size();
      if (answer.accepted && (answer.row >= rows || answer.source.empty() || answer.status.empty())) {
        Finding(fmt::format("accepted with row {} of {}, source '{}', status '{}'", answer.row, rows,
                            answer.source, answer.status));
      }
      if (!answer.accepted && (answer.refusal.empty() || answer.refusal.find('\n') != std::string::npos)) {
        Finding(fmt::format("refused without a one-line refusal: '{}'", answer.refusal));
      }
      if (answer.from.empty() || answer.to.empty()) Finding("an answer without its from and to states");
      (void)answer.error.dump();
    });
  } catch (const pipecheck::InputError&) {
  } catch (const std::exception& error) {
    Finding(fmt::format("unexpected {}: {}", typeid(error).name(), error.what()));
  }
}
