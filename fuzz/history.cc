// fuzz/history.cc: recorded status histories as `validate` reads and judges
// them: validate::HistoryReader over the bytes (a file in memory), then
// validate::Feed into a Judge of each binding (ClickPipe current, mongosync),
// and the verdicts written out as the command line writes them.
//
// Expected: an InputError naming the file and line. Findings: any other
// exception or crash; an observation out of line order, without its time,
// or unanswered with a state;
// a verdict whose times or names cannot be written.
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#include <fmt/format.h>

#include "bindings/clickpipe.h"
#include "bindings/mongosync.h"
#include "fuzz/fuzz.h"
#include "model/input_error.h"
#include "validate/engine.h"
#include "validate/feed.h"
#include "validate/history.h"

namespace {

namespace validate = pipecheck::validate;
using pipecheck::fuzz::Finding;

void Read(const std::string& path) {
  validate::HistoryReader reader(path);
  validate::Observation seen;
  std::size_t previous = 0;
  while (reader.Next(seen)) {
    if (seen.line <= previous) Finding(fmt::format("line {} after line {}", seen.line, previous));
    if (seen.time.empty()) Finding(fmt::format("line {}: an observation without its time", seen.line));
    if (!seen.answered && !seen.state.empty()) {
      Finding(fmt::format("line {}: an unanswered poll with state '{}'", seen.line,
                          validate::PrintableName(seen.state)));
    }
    previous = seen.line;
  }
  if (reader.lines() < previous) Finding(fmt::format("{} lines read, but line {} seen", reader.lines(), previous));
}

template <class B>
void Judge(const std::string& path) {
  static const validate::Automaton automaton = B::Observable(typename B::Profile{});
  // A new Judge works out every node's reachable set; a copy of a fresh one
  // is the same Judge at a fraction of the cost.
  static const validate::Judge fresh = [] {
    validate::Judge::Options options;
    options.max_gap_ms = 60 * 60 * 1000;  // Long transients listed too.
    return validate::Judge(automaton, options);
  }();
  validate::Judge judge = fresh;
  try {
    validate::Feed(judge, {path}, B::ObservedFacts);
  } catch (const pipecheck::InputError&) {
    return;
  }
  for (const validate::SubjectVerdict& verdict : judge.Finish()) {
    std::string text = validate::PrintableName(verdict.name);
    text += validate::FormatTime(verdict.first.t_ms) + validate::FormatTime(verdict.last.t_ms);
    for (const validate::GapKind& gap : verdict.gaps) {
      text += judge.LabelText(gap.from_label) + judge.LabelText(gap.to_label);
      text += validate::FormatTime(gap.first.t_ms);
    }
    for (const validate::LongTransient& transient : verdict.long_transients) {
      text += validate::FormatSpan(transient.for_ms) + validate::FormatTime(transient.first.t_ms);
    }
    for (const validate::UnknownState& unknown : verdict.unknown_states) text += validate::PrintableName(unknown.state);
    if (verdict.first_impossible.found) text += verdict.first_impossible.why;
    if (verdict.observations == 0) Finding("a subject without observations");
  }
}

}  // namespace

PIPECHECK_FUZZ_TARGET(history) {
  static pipecheck::fuzz::MemoryFile file;
  file.Write(input);
  try {
    try {
      Read(file.path());
    } catch (const pipecheck::InputError&) {
    }
    Judge<pipecheck::bindings::ClickPipe>(file.path());
    Judge<pipecheck::bindings::Mongosync>(file.path());
  } catch (const std::exception& error) {
    Finding(fmt::format("unexpected {}: {}", typeid(error).name(), error.what()));
  }
}
