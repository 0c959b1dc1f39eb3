// sim/trace.h: what a run did, one event a line (interfaces.md section 5).
//
// The trace is data: a vector of events with virtual times. Its JSONL form is
// the contract; its hash (FNV-1a 64, sim/fnv1a.h, over the JSONL bytes) is
// what the determinism tests compare. Names are string_views into the
// models' static name tables, so recording an event allocates only for
// `detail`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/lifecycle.h"
#include "sim/fnv1a.h"
#include "sim/time.h"

namespace pipecheck::sim {

enum class TraceKind : std::uint8_t { kOperation, kEvent, kFault, kState, kData };
std::string_view ToString(TraceKind kind);
// How a Step of a trigger of this kind is traced, for every model.
TraceKind TraceKindOf(model::TriggerKind kind);

struct TraceEvent {
  Millis t_ms = 0;
  int pipe = -1;  // ClickPipe pipe index; -1 for mongosync (omitted in JSON).
  TraceKind kind = TraceKind::kEvent;
  std::string_view what;  // Trigger or data event name.
  std::string_view from;  // Lifecycle state before (may be empty for data events).
  std::string_view to;    // Lifecycle state after.
  bool accepted = true;
  int row = -1;           // The table row taken, or -1.
  std::string detail;     // Free text: refusal message, batch size, cause ...
};

class Trace {
 public:
  void Add(TraceEvent event) { events_.push_back(std::move(event)); }
  // Every event added so far, held or given away (GiveAway).
  std::size_t size() const { return given_ + events_.size(); }
  // The index of the first event still held: 0 until GiveAway.
  std::size_t first_held() const { return given_; }
  // The event at `index`, counted from the first ever added.
  // REQUIRES: first_held() <= index < size().
  const TraceEvent& at(std::size_t index) const;
  // Every event. REQUIRES: none given away (sim, replay and check keep
  // their traces whole; only `serve` gives its away).
  const std::vector<TraceEvent>& events() const;

  static std::string ToJsonLine(const TraceEvent& event);
  // One line for people: the time as FormatClock spells it (right-aligned),
  // the pipe, the kind, the name, the state change, the row and the detail.
  static std::string ToTextLine(const TraceEvent& event);
  // A data event (kind `data`: CDC batches, applied changes, snapshot and
  // copy progress, swaps, oplog truncation, compute restarts) changes no
  // lifecycle state; text traces leave it out unless asked for it.
  static bool IsData(const TraceEvent& event) { return event.kind == TraceKind::kData; }
  // REQUIRES: none given away.
  std::string ToJsonl() const;
  // FNV-1a 64 of ToJsonl(), computed without building the whole string.
  // Events are only ever appended, so the hash of the events already hashed
  // is kept and a call hashes only those added since: a live session asks
  // for it at every answer, and a whole pass each time grew with the trace.
  // It covers the events given away too.
  std::uint64_t Hash() const;

  // Hands the events held to `sink`, in order, as the bytes ToJsonl() would
  // give for them (a line each), and stops holding them: a session left
  // running keeps its trace on disk, not in memory (serve/trace_file.h).
  // size(), Hash() and the events added later are as if nothing was given.
  // Whoever reads the trace by index (the monitors) must have read every
  // held event first: at() refuses what was given away.
  void GiveAway(const std::function<void(std::string_view jsonl)>& sink);

 private:
  void HashLine(std::string_view line) const;  // Adds the next event's line (and its newline) to hash_.

  std::vector<TraceEvent> events_;  // The events from first_held() on.
  std::size_t given_ = 0;
  mutable Fnv1a hash_;           // Of the events before hashed_ (an index as size() counts).
  mutable std::size_t hashed_ = 0;
};

}  // namespace pipecheck::sim
