#include "cli/run_parts.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cli/flag_checks.h"
#include "model/input_error.h"
#include "sim/time.h"

namespace pipecheck::cli {

using nlohmann::ordered_json;
using properties::RunResult;

void PrintTrace(const sim::Trace& trace, bool verbose, std::ostream& out) {
  std::size_t hidden = 0;
  for (const auto& event : trace.events()) {
    if (!verbose && sim::Trace::IsData(event)) {
      ++hidden;
      continue;
    }
    out << sim::Trace::ToTextLine(event) << "\n";
  }
  if (hidden != 0) {
    out << fmt::format("{:>14} {} data event{} hidden; --verbose shows them\n", "...", hidden,
                       hidden == 1 ? "" : "s");
  }
}

void PrintVerdicts(const RunResult& result, std::ostream& out) {
  for (const auto& property : result.properties) {
    if (property.verdict == properties::Verdict::kViolated) {
      out << fmt::format("  VIOLATED {} at {}: {}\n", property.name,
                         sim::FormatClock(property.at), property.message);
    }
  }
  for (const auto& e : result.expectations) {
    out << (e.met ? fmt::format("  met: {}\n", e.what)
                  : fmt::format("  NOT MET: {} ({})\n", e.what, e.why));
  }
}

ordered_json PropertiesJson(const RunResult& result) {
  ordered_json list = ordered_json::array();
  for (const auto& property : result.properties) {
    ordered_json item{{"name", property.name},
                      {"expectation", std::string(ToString(property.expectation))},
                      {"verdict", std::string(ToString(property.verdict))},
                      {"source", property.source}};
    if (!property.premise_of.empty()) item["premise_of"] = property.premise_of;
    if (property.verdict == properties::Verdict::kViolated ||
        property.verdict == properties::Verdict::kWitnessed) {
      item["at_ms"] = property.at;
      item["message"] = property.message;
    }
    list.push_back(std::move(item));
  }
  return list;
}

namespace {

std::uint64_t ParseSeed(const std::string& text, const std::string& where) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw InputError(fmt::format("'{}' is not a seed (a whole number 0 or more)", text), where);
  }
  return value;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> ParseSeeds(const SimRequest& request) {
  if (request.seed.empty() == request.seeds.empty()) {
    throw InputError("give exactly one of --seed N and --seeds A..B", "--seed");
  }
  if (!request.seed.empty()) {
    const std::uint64_t seed = ParseSeed(request.seed.front(), "--seed");
    return {seed, seed};
  }
  const auto dots = request.seeds.find("..");
  if (dots == std::string::npos) throw InputError("expected A..B, such as 1..500", "--seeds");
  const std::uint64_t first = ParseSeed(request.seeds.substr(0, dots), "--seeds");
  const std::uint64_t last = ParseSeed(request.seeds.substr(dots + 2), "--seeds");
  if (last < first) throw InputError("the range A..B needs A <= B", "--seeds");
  return {first, last};
}

// --faults: swarm, all, none or a list of the lifecycle's fault kinds.
void ParseFaults(const std::string& text, std::span<const std::string_view> kinds,
                 properties::GenerateOptions& options) {
  if (text == "swarm") {
    options.swarm = true;
  } else if (text == "all") {
    for (const auto kind : kinds) options.faults.emplace(kind);
  } else if (text != "none") {
    std::string_view list = text;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string kind(list.substr(0, comma));
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        std::string known;
        for (const auto k : kinds) known += (known.empty() ? "" : ", ") + std::string(k);
        throw InputError(fmt::format("unknown fault '{}'; expected swarm, all, none or a list of {}",
                                     kind, known),
                         "--faults");
      }
      options.faults.insert(kind);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
}

RunLimits::RunLimits(const std::string& time_limit, const std::string& max_memory)
    : time_limit_text_(time_limit), max_memory_text_(max_memory) {
  if (!time_limit.empty()) {
    const auto limit = sim::ParseDuration(time_limit);
    if (!limit || *limit <= 0) throw InputError(fmt::format("bad duration '{}'", time_limit), "--time-limit");
    time_limit_seconds_ = static_cast<double>(*limit) / 1000;
  }
  max_memory_bytes_ = ParseBytes(max_memory, "--max-memory");
  if (max_memory_bytes_ == 0) throw InputError("no memory at all; expected more than 0, such as 4G", "--max-memory");
  CatchInterrupt();
}

properties::StopReason RunLimits::Reached() {
  using properties::StopReason;
  if (reason_ != StopReason::kNone) return reason_;
  const double now = clock_.Seconds();
  if (Interrupted()) {
    reason_ = StopReason::kInterrupt;
  } else if (time_limit_seconds_ && now > *time_limit_seconds_) {
    reason_ = StopReason::kTimeLimit;
  } else if (memory_read_at_ < 0 || now - memory_read_at_ >= 0.005) {
    // A run grows by a few megabytes in 5 ms at most, well within a limit's slack.
    memory_read_at_ = now;
    const std::uint64_t resident = ResidentBytes();
    if (resident > max_memory_bytes_) {
      reason_ = StopReason::kMaxMemory;
      memory_at_stop_ = resident;
    }
  }
  if (reason_ != StopReason::kNone && memory_at_stop_ == 0) memory_at_stop_ = ResidentBytes();
  return reason_;
}

properties::RunStop RunLimits::Stop() {
  properties::RunStop stop;
  stop.requested = [this] { return Reached(); };
  return stop;
}

std::string RunLimits::LimitText() const {
  switch (reason_) {
    case properties::StopReason::kTimeLimit: return "--time-limit " + time_limit_text_;
    case properties::StopReason::kMaxMemory: return "--max-memory " + max_memory_text_;
    case properties::StopReason::kInterrupt: return InterruptName();
    default: return "";
  }
}

}  // namespace pipecheck::cli
