#include "sim/trace.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/assert.h"
#include "sim/fnv1a.h"

namespace pipecheck::sim {

std::string_view ToString(TraceKind kind) {
  switch (kind) {
    case TraceKind::kOperation: return "operation";
    case TraceKind::kEvent: return "event";
    case TraceKind::kFault: return "fault";
    case TraceKind::kState: return "state";
    case TraceKind::kData: return "data";
  }
  return "?";
}

TraceKind TraceKindOf(model::TriggerKind kind) {
  switch (kind) {
    case model::TriggerKind::kOperation: return TraceKind::kOperation;
    case model::TriggerKind::kEvent: return TraceKind::kEvent;
    case model::TriggerKind::kFault: return TraceKind::kFault;
  }
  PIPECHECK_ASSERT(false);
}

std::string Trace::ToJsonLine(const TraceEvent& event) {
  nlohmann::ordered_json line;
  line["t_ms"] = event.t_ms;
  if (event.pipe >= 0) line["pipe"] = event.pipe;
  line["kind"] = std::string(ToString(event.kind));
  line["what"] = std::string(event.what);
  if (!event.from.empty()) line["from"] = std::string(event.from);
  if (!event.to.empty()) line["to"] = std::string(event.to);
  line["accepted"] = event.accepted;
  if (event.row >= 0) line["row"] = event.row;
  if (!event.detail.empty()) line["detail"] = event.detail;
  return line.dump();
}

std::string Trace::ToTextLine(const TraceEvent& event) {
  std::string where = event.pipe >= 0 ? fmt::format("pipe {} ", event.pipe) : std::string();
  std::string move;
  if (!event.from.empty() || !event.to.empty()) {
    move = event.from == event.to ? fmt::format(" [{}]", event.from)
                                  : fmt::format(" {} -> {}", event.from, event.to);
  }
  return fmt::format("{:>14} {}{:<9} {}{}{}{}{}", FormatClock(event.t_ms), where,
                     ToString(event.kind), event.what, event.accepted ? "" : " REFUSED", move,
                     event.row >= 0 ? fmt::format(" (row {})", event.row) : std::string(),
                     event.detail.empty() ? std::string() : ": " + event.detail);
}

const TraceEvent& Trace::at(std::size_t index) const {
  PIPECHECK_ASSERT(index >= given_ && index < size());
  return events_[index - given_];
}

const std::vector<TraceEvent>& Trace::events() const {
  PIPECHECK_ASSERT(given_ == 0);
  return events_;
}

std::string Trace::ToJsonl() const {
  PIPECHECK_ASSERT(given_ == 0);
  std::string out;
  for (const TraceEvent& event : events_) {
    out += ToJsonLine(event);
    out += '\n';
  }
  return out;
}

void Trace::HashLine(std::string_view line) const {
  hash_.AddBytes(line);
  hash_.AddByte('\n');
  ++hashed_;
}

std::uint64_t Trace::Hash() const {
  while (hashed_ < size()) HashLine(ToJsonLine(events_[hashed_ - given_]));
  return hash_.value();
}

void Trace::GiveAway(const std::function<void(std::string_view jsonl)>& sink) {
  if (events_.empty()) return;
  std::string lines;
  for (std::size_t i = given_; i < size(); ++i) {
    std::string line = ToJsonLine(events_[i - given_]);
    if (i == hashed_) HashLine(line);  // Hashed on the way out, as Hash() would have.
    lines += line;
    lines += '\n';
    if (lines.size() >= 64 * 1024) {
      sink(lines);
      lines.clear();
    }
  }
  if (!lines.empty()) sink(lines);
  given_ = size();
  events_.clear();
  events_.shrink_to_fit();
}

}  // namespace pipecheck::sim
