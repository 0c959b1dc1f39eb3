// validate/feed.h: read history files into a Judge, one observation at a time.
//
// The loop `validate` runs, written once for the command line, the tests and
// the benchmark: each file is read in streaming (history.h); an unanswered
// poll is counted and skipped; an observation goes to its subject's track,
// as a label when its state is in the lifecycle and as an unknown state
// otherwise. `facts(observation, care, value)` is the binding's
// ObservedFacts. A malformed line, or a time before the same subject's
// previous observation, is an InputError naming the file and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/input_error.h"
#include "validate/engine.h"
#include "validate/history.h"

namespace pipecheck::validate {

struct FeedTotals {
  std::uint64_t lines = 0;
  std::uint64_t observations = 0;  // Answered polls.
  std::uint64_t unanswered = 0;
  std::vector<std::uint64_t> file_observations;  // Answered polls, file by file.
};

template <class Facts>
FeedTotals Feed(Judge& judge, const std::vector<std::string>& files, Facts&& facts) {
  FeedTotals totals;
  Observation seen;
  std::string why;
  for (std::size_t f = 0; f < files.size(); ++f) {
    judge.BeginFile(f);
    HistoryReader reader(files[f]);
    const std::uint64_t before = totals.observations;
    while (reader.Next(seen)) {
      if (!seen.answered) {
        ++totals.unanswered;
        continue;
      }
      ++totals.observations;
      const std::uint32_t subject = judge.Subject(seen.pipe);
      if (const Observed* last = judge.Last(subject); last != nullptr && seen.t_ms < last->t_ms) {
        throw InputError(fmt::format("time {} is before the previous observation of pipe '{}' (line {}); "
                                     "a history is in time order",
                                     PrintableName(seen.time), PrintableName(seen.pipe), last->line),
                         fmt::format("{}:{}", files[f], seen.line));
      }
      std::uint32_t care = 0;
      std::uint32_t value = 0;
      facts(seen, care, value);
      const int label = judge.LabelOf(seen.state, care, value, why);
      if (label < 0) {
        judge.Unknown(subject, seen.state, why, seen.line, seen.t_ms);
      } else {
        judge.Observe(subject, static_cast<std::uint32_t>(label), seen.line, seen.t_ms);
      }
    }
    totals.lines += reader.lines();
    totals.file_observations.push_back(totals.observations - before);
  }
  return totals;
}

}  // namespace pipecheck::validate
