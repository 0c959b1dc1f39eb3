// sim/source_cluster.cc: the simulated source cluster (see the header).
#include "sim/source_cluster.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::sim {
namespace {

std::string DocumentText(std::optional<std::uint64_t> value) {
  return value ? fmt::format("{}", *value) : std::string("no document");
}

}  // namespace

// --- Collection ---------------------------------------------------------

std::optional<std::uint64_t> Collection::Get(DocId id) const {
  if (id >= documents_.size() || !documents_[id].live()) return std::nullopt;
  return documents_[id].value;
}

void Collection::Put(DocId id, std::uint64_t value, Ts ts) {
  if (id >= documents_.size()) documents_.resize(std::size_t{id} + 1);
  Document& document = documents_[id];
  if (!document.live()) {
    PIPECHECK_ASSERT(live_.size() < 0x7fffffffU);
    document.live_index = static_cast<std::int32_t>(live_.size());
    live_.push_back(id);
  }
  document.value = value;
  document.last_ts = ts;
}

void Collection::Erase(DocId id, Ts ts) {
  if (id >= documents_.size() || !documents_[id].live()) return;
  Document& document = documents_[id];
  const auto position = static_cast<std::size_t>(document.live_index);
  PIPECHECK_ASSERT(position < live_.size());
  PIPECHECK_ASSERT(live_[position] == id);
  const DocId moved = live_.back();
  live_[position] = moved;
  documents_[moved].live_index = document.live_index;
  live_.pop_back();
  document.live_index = -1;
  document.value = 0;
  document.last_ts = ts;
}

void Collection::Clear() {
  documents_.clear();
  live_.clear();
}

DocId Collection::fresh_id() const {
  PIPECHECK_ASSERT(documents_.size() < 0xffffffffU);
  return static_cast<DocId>(documents_.size());
}

DocId Collection::LiveId(std::size_t index) const {
  PIPECHECK_ASSERT(index < live_.size());
  return live_[index];
}

std::optional<std::string> Collection::Diff(const Collection& a, const Collection& b,
                                            std::string_view a_name, std::string_view b_name) {
  // Equal live counts and every document of `a` in `b` means equal; the scan
  // in _id order then finds the first difference, so messages are stable.
  if (a.live_.size() == b.live_.size()) {
    bool same = true;
    for (const DocId id : a.live_) {
      if (a.Get(id) != b.Get(id)) {
        same = false;
        break;
      }
    }
    if (same) return std::nullopt;
  }
  const std::size_t ids = std::max(a.documents_.size(), b.documents_.size());
  for (std::size_t index = 0; index < ids; ++index) {
    const auto id = static_cast<DocId>(index);
    const auto in_a = a.Get(id);
    const auto in_b = b.Get(id);
    if (in_a != in_b) {
      return fmt::format("_id {}: {} has {}, {} has {}", id, a_name, DocumentText(in_a), b_name,
                         DocumentText(in_b));
    }
  }
  PIPECHECK_ASSERT(false);  // Different counts imply a differing _id.
}

// --- SourceCluster ------------------------------------------------------

SourceCluster::SourceCluster(const SourceOptions& options)
    : options_(options), next_ts_(options.first_ts) {
  PIPECHECK_ASSERT(options_.retention >= 0);
  PIPECHECK_ASSERT(options_.writes_per_hour >= 0);
  PIPECHECK_ASSERT(!options_.value_bound || *options_.value_bound > 0);
}

void SourceCluster::AddCollection(std::int64_t documents, Prng& data) {
  // The digest packs a collection index into 16 bits.
  PIPECHECK_ASSERT(collections_.size() < 0xffffU);
  PIPECHECK_ASSERT(documents >= 0);
  Collection& collection = collections_.emplace_back();
  for (std::int64_t id = 0; id < documents; ++id) {
    collection.Put(static_cast<DocId>(id), DrawValue(data), 0);
  }
}

const Collection& SourceCluster::collection(int c) const {
  PIPECHECK_ASSERT(c >= 0 && c < collection_count());
  return collections_[static_cast<std::size_t>(c)];
}

Collection& SourceCluster::collection(int c) {
  PIPECHECK_ASSERT(c >= 0 && c < collection_count());
  return collections_[static_cast<std::size_t>(c)];
}

Millis SourceCluster::DrawWriteInterval(Prng& arrivals) const {
  PIPECHECK_ASSERT(options_.writes_per_hour > 0);
  const Millis mean = kHour / options_.writes_per_hour;
  const Millis low = std::max<Millis>(1, mean / 2);
  const Millis high = std::max<Millis>(low, mean + mean / 2);
  return arrivals.Between(low, high);
}

std::uint64_t SourceCluster::DrawValue(Prng& prng) const {
  return options_.value_bound ? prng.Below(*options_.value_bound) : prng.Next();
}

const OplogEntry& SourceCluster::Write(Prng& workload, Millis t) {
  PIPECHECK_ASSERT(!collections_.empty());
  const std::uint64_t c = workload.Below(collections_.size());
  Collection& collection = collections_[c];
  OplogEntry entry;
  entry.t = t;
  entry.ts = next_ts_;
  entry.collection = static_cast<int>(c);
  entry.op = kWriteMix.OpOf(workload.Below(100));
  if (collection.live_count() == 0) entry.op = OplogOp::kInsert;
  entry.id = entry.op == OplogOp::kInsert
                 ? collection.fresh_id()
                 : collection.LiveId(workload.Below(collection.live_count()));
  if (entry.op == OplogOp::kDelete) {
    collection.Erase(entry.id, entry.ts);
  } else {
    entry.value = DrawValue(workload);
    collection.Put(entry.id, entry.value, entry.ts);
  }
  ++next_ts_;
  ++writes_;
  digest_.AddWord(static_cast<std::uint64_t>(entry.ts));
  digest_.AddWord((std::uint64_t{entry.id} << 24) | (c << 8) |
                  static_cast<std::uint64_t>(entry.op));
  digest_.AddWord(entry.value);
  oplog_.push_back(entry);
  return oplog_.back();
}

const OplogEntry& SourceCluster::Entry(Ts ts) const {
  PIPECHECK_ASSERT(ts >= first_kept_ts() && ts < next_ts_);
  const OplogEntry& entry = oplog_[static_cast<std::size_t>(ts - first_kept_ts())];
  PIPECHECK_ASSERT(entry.ts == ts);
  return entry;
}

std::size_t SourceCluster::Trim(Millis now) {
  const Millis horizon = now - options_.retention;
  std::size_t dropped = 0;
  while (!oplog_.empty() && oplog_.front().t < horizon) {
    oplog_.pop_front();
    ++dropped;
  }
  return dropped;
}

std::size_t SourceCluster::TruncateToHead(Cut cut) {
  if (cut == Cut::kThroughNoop) ++next_ts_;
  const std::size_t dropped = oplog_.size();
  oplog_.clear();
  return dropped;
}

}  // namespace pipecheck::sim
