// bench/validate_bench.cc: lines per second of `validate`.
//
// A synthetic history of 50 pipes polled every 10 s (1,000,000 lines, about
// 2.3 days) is written once to a temporary file in each form `validate`
// reads: plain JSON lines with RFC 3339 times, the same with epoch
// milliseconds, CSV, and raw ClickPipes GET bodies. BM_Read* read a file
// from start to end through HistoryReader; BM_Validate* run the whole of
// `validate` on it (reader, ClickPipe automaton, judge, verdicts), as the
// command does. Items are lines.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>

#include "bindings/clickpipe.h"
#include "validate/engine.h"
#include "validate/feed.h"
#include "validate/history.h"

namespace pipecheck::validate {
namespace {

constexpr int kPipes = 50;
constexpr int kPolls = 20000;                     // Per pipe: 50 * 20,000 = 1,000,000 lines.
constexpr std::int64_t kStartMs = 1777629600000;  // 2026-05-01T10:00:00Z.
constexpr std::int64_t kPollMs = 10000;

enum class Form { kJson, kJsonEpoch, kCsv, kRawClickPipes };

// "YYYY-MM-DDThh:mm:ssZ" of epoch milliseconds (days to civil, proleptic Gregorian).
std::string Rfc3339(std::int64_t ms) {
  const std::int64_t seconds = ms / 1000;
  const std::int64_t z = seconds / 86400 + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const std::int64_t in_day = seconds % 86400;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, in_day / 3600,
                     in_day / 60 % 60, in_day % 60);
}

// Mostly Running, with a pause and resume now and then, as a week of polls looks.
std::string_view StateAt(int pipe, int poll) {
  static constexpr std::array<std::string_view, 8> kCycle = {
      "Running", "Running", "Running", "Running", "Pausing", "Paused", "Paused", "Running"};
  const int phase = (poll + pipe * 37) % 400;
  return phase < 392 ? std::string_view("Running") : kCycle[static_cast<std::size_t>(phase - 392)];
}

std::string PipeId(int pipe) { return fmt::format("3f1b2c4d-9e8a-4b7c-a6d5-{:012}", pipe); }

std::string WriteHistory(Form form) {
  static constexpr std::array<std::string_view, 4> kNames = {"plain.jsonl", "epoch.jsonl", "plain.csv",
                                                             "raw.jsonl"};
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     fmt::format("pipecheck_validate_bench_{}_{}", ::getpid(),
                                                 kNames[static_cast<std::size_t>(form)]);
  std::ofstream file(path, std::ios::binary);
  if (form == Form::kCsv) file << "t,pipe,state\n";
  std::string line;
  for (int poll = 0; poll < kPolls; ++poll) {
    for (int pipe = 0; pipe < kPipes; ++pipe) {
      const std::int64_t ms = kStartMs + poll * kPollMs + pipe * 150;
      const std::string_view state = StateAt(pipe, poll);
      switch (form) {
        case Form::kJson:
          line = fmt::format(R"({{"t": "{}", "pipe": "{}", "state": "{}"}})", Rfc3339(ms), PipeId(pipe), state);
          break;
        case Form::kJsonEpoch:
          line = fmt::format(R"({{"t": {}, "pipe": "{}", "state": "{}"}})", ms, PipeId(pipe), state);
          break;
        case Form::kCsv:
          line = fmt::format("{},{},{}", Rfc3339(ms), PipeId(pipe), state);
          break;
        case Form::kRawClickPipes:
          line = fmt::format(
              R"({{"t": "{}", "response": {{"status": 200, "requestId": "5e0c9a1b-{:08}", "result": )"
              R"({{"id": "{}", "serviceId": "c0ffee00-0000-4000-8000-000000000001", "name": "orders-{}", )"
              R"("state": "{}", "scaling": {{"replicas": 1, "concurrency": 1}}, )"
              R"("createdAt": "2026-04-01T00:00:00Z", "updatedAt": "2026-04-01T00:00:00Z"}}}}}})",
              Rfc3339(ms), poll, PipeId(pipe), pipe, state);
          break;
      }
      file << line << '\n';
    }
  }
  return path.string();
}

// The four files, written on first use and removed at exit.
struct Histories {
  std::array<std::string, 4> paths;
  ~Histories() {
    for (const std::string& path : paths) {
      if (!path.empty()) std::remove(path.c_str());
    }
  }
  const std::string& Of(Form form) {
    std::string& path = paths[static_cast<std::size_t>(form)];
    if (path.empty()) path = WriteHistory(form);
    return path;
  }
};

Histories& Files() {
  static Histories histories;
  return histories;
}

void ReadAll(benchmark::State& state, Form form) {
  const std::string& path = Files().Of(form);
  std::int64_t lines = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    HistoryReader reader(path);
    Observation observation;
    std::int64_t observations = 0;
    while (reader.Next(observation)) {
      benchmark::DoNotOptimize(observation.t_ms);
      benchmark::DoNotOptimize(observation.state.data());
      ++observations;
    }
    if (observations != std::int64_t{kPipes} * kPolls) state.SkipWithError("wrong number of observations");
    lines += static_cast<std::int64_t>(reader.lines());
  }
  bytes = static_cast<std::int64_t>(std::filesystem::file_size(path)) * state.iterations();
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(bytes);
}

void BM_ReadJsonLines(benchmark::State& state) { ReadAll(state, Form::kJson); }
void BM_ReadJsonLinesEpochMillis(benchmark::State& state) { ReadAll(state, Form::kJsonEpoch); }
void BM_ReadCsv(benchmark::State& state) { ReadAll(state, Form::kCsv); }
void BM_ReadRawClickPipesBodies(benchmark::State& state) { ReadAll(state, Form::kRawClickPipes); }

// The whole command: the automaton is built once, as the command builds it
// once per run; each iteration judges the file from a fresh Judge.
void ValidateAll(benchmark::State& state, Form form) {
  const std::string& path = Files().Of(form);
  const Automaton automaton = bindings::ClickPipe::Observable(model::clickpipe::Profile::kCurrent);
  std::int64_t lines = 0;
  for (auto _ : state) {
    Judge judge(automaton, Judge::Options{});
    const FeedTotals totals = Feed(judge, {path}, bindings::ClickPipe::ObservedFacts);
    const std::vector<SubjectVerdict> verdicts = judge.Finish();
    if (verdicts.size() != kPipes || !verdicts.front().valid()) state.SkipWithError("unexpected verdicts");
    lines += static_cast<std::int64_t>(totals.lines);
  }
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(static_cast<std::int64_t>(std::filesystem::file_size(path)) * state.iterations());
}

void BM_ValidateJsonLines(benchmark::State& state) { ValidateAll(state, Form::kJson); }
void BM_ValidateJsonLinesEpochMillis(benchmark::State& state) { ValidateAll(state, Form::kJsonEpoch); }
void BM_ValidateCsv(benchmark::State& state) { ValidateAll(state, Form::kCsv); }

BENCHMARK(BM_ReadJsonLines)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadJsonLinesEpochMillis)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadCsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadRawClickPipesBodies)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateJsonLines)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateJsonLinesEpochMillis)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateCsv)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pipecheck::validate

BENCHMARK_MAIN();
