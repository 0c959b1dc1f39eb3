// sim/scheduler.h: the discrete-event queue.
//
// Events are ordered by (time, sequence number): ties break in the order they
// were scheduled, never by address. Time moves only when an event is popped,
// and never backwards.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "model/assert.h"
#include "sim/time.h"

namespace pipecheck::sim {

template <typename Event>
class Scheduler {
 public:
  struct Entry {
    Millis at;
    std::uint64_t sequence;
    Event event;
  };

  // REQUIRES: at >= now().
  void Schedule(Millis at, Event event) {
    PIPECHECK_ASSERT(at >= now_);
    queue_.push(Entry{at, next_sequence_++, std::move(event)});
  }

  bool empty() const { return queue_.empty(); }
  Millis now() const { return now_; }
  // REQUIRES: !empty().
  Millis next_time() const { return queue_.top().at; }
  std::size_t size() const { return queue_.size(); }

  // Removes the earliest event and moves time to it. REQUIRES: !empty().
  Entry Pop() {
    PIPECHECK_ASSERT(!queue_.empty());
    Entry entry = queue_.top();
    queue_.pop();
    PIPECHECK_ASSERT(entry.at >= now_);
    now_ = entry.at;
    return entry;
  }

  // Moves time forward to `at` with no event (the end of a run, a scenario
  // step). REQUIRES: at >= now(), and no event is due before `at`.
  void AdvanceTo(Millis at) {
    PIPECHECK_ASSERT(at >= now_);
    PIPECHECK_ASSERT(queue_.empty() || queue_.top().at >= at);
    now_ = at;
  }

 private:
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.at != b.at) return a.at > b.at;
      return a.sequence > b.sequence;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
  std::uint64_t next_sequence_ = 0;
  Millis now_ = 0;
};

}  // namespace pipecheck::sim
