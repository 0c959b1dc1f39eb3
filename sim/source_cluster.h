// sim/source_cluster.h: the simulated MongoDB cluster that a lifecycle
// replicates from, the same for both worlds.
//
// A SourceCluster holds:
//  - collections of documents indexed by _id (dense from 0, never reused by
//    the workload), each with the ts of its last write;
//  - an oplog: one entry per write, consecutive ts from `first_ts`, oldest
//    first, trimmed by retention and cut by truncation;
//  - the write workload: a seeded stream of inserts, updates, replaces and
//    deletes in the proportions of kWriteMix, at a mean rate;
//  - a digest of every write, since writes are not traced.
// The ClickPipe world has one; the mongosync world has two, one of them the
// source at a time (the other is the destination until /reverse swaps them).
//
// Contract:
//  - Deterministic: every draw comes from the Prng the caller passes, in a
//    documented order (the traces depend on it); no clock, no unordered
//    container.
//  - Each write and each trim is O(1) amortized; AddCollection is
//    O(documents).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fnv1a.h"
#include "sim/prng.h"
#include "sim/time.h"

namespace pipecheck::sim {

// An oplog timestamp: consecutive per cluster in write order, never reused.
using Ts = std::int64_t;
using DocId = std::uint32_t;

enum class OplogOp : std::uint8_t { kInsert, kUpdate, kReplace, kDelete };

// The workload's proportions of writes, in percent; the rest are deletes. A
// write drawn as an update, replace or delete of an empty collection is an
// insert.
struct WriteMix {
  std::uint64_t insert_percent = 0;
  std::uint64_t update_percent = 0;
  std::uint64_t replace_percent = 0;

  // The op of a draw uniform in [0, 100).
  constexpr OplogOp OpOf(std::uint64_t draw) const {
    if (draw < insert_percent) return OplogOp::kInsert;
    if (draw < insert_percent + update_percent) return OplogOp::kUpdate;
    if (draw < insert_percent + update_percent + replace_percent) return OplogOp::kReplace;
    return OplogOp::kDelete;
  }
};

inline constexpr WriteMix kWriteMix{25, 40, 15};
static_assert(kWriteMix.insert_percent + kWriteMix.update_percent + kWriteMix.replace_percent <
              100);  // The rest deletes.

// One source change. `value` is the document after the change (a post-image;
// 0 for a delete), so applying an entry twice is harmless.
struct OplogEntry {
  Millis t = 0;
  Ts ts = 0;
  std::uint64_t value = 0;
  DocId id = 0;
  int collection = 0;
  OplogOp op = OplogOp::kInsert;
};

struct Document {
  std::uint64_t value = 0;       // Meaningful while live.
  Ts last_ts = 0;                // The last write to it; 0 for a document older than the oplog.
  std::int32_t live_index = -1;  // Position in the collection's live list; -1 when absent.
  bool live() const { return live_index >= 0; }
};

// The documents of one collection, by _id. A list of the live ids lets the
// workload pick a live document uniformly in O(1).
class Collection {
 public:
  // The value of a live document, nullopt for an absent one.
  std::optional<std::uint64_t> Get(DocId id) const;
  // Inserts or overwrites; `ts` is the write's oplog ts (0 when no entry of
  // this cluster's oplog records it).
  void Put(DocId id, std::uint64_t value, Ts ts);
  // Removes the document if it is live; it keeps `ts` as its last write.
  void Erase(DocId id, Ts ts);
  void Clear();

  // Every _id ever written (and the initial ones), live or not. A deque, not
  // a vector: it grows by blocks, so a collection of millions of documents
  // never stops a write to copy itself whole (a `serve` session's answers
  // waited 150 ms for that during a 100-day advance).
  const std::deque<Document>& documents() const { return documents_; }
  std::size_t live_count() const { return live_.size(); }
  // An _id no document of this collection has ever had.
  DocId fresh_id() const;
  // The id of the index-th live document, in no meaningful order.
  // REQUIRES: index < live_count().
  DocId LiveId(std::size_t index) const;

  // The first _id (ascending) where `a` and `b` differ in value or presence,
  // described with both values, or nullopt when they hold the same
  // documents. O(ids).
  static std::optional<std::string> Diff(const Collection& a, const Collection& b,
                                         std::string_view a_name, std::string_view b_name);

 private:
  std::deque<Document> documents_;  // By _id.
  std::vector<DocId> live_;          // The live ids.
};

struct SourceOptions {
  Ts first_ts = 0;                  // The ts of the first write.
  Millis retention = 0;             // The oplog keeps entries this long.
  std::int64_t writes_per_hour = 0; // The workload's mean rate.
  // Document values are drawn in [0, value_bound); any 64-bit value when
  // absent.
  std::optional<std::uint64_t> value_bound;
};

class SourceCluster {
 public:
  explicit SourceCluster(const SourceOptions& options);

  // --- Collections.
  // Appends a collection of `documents` documents, _ids 0 .. documents - 1,
  // older than the oplog: one value drawn from `data` per document, in _id
  // order.
  void AddCollection(std::int64_t documents, Prng& data);
  int collection_count() const { return static_cast<int>(collections_.size()); }
  const Collection& collection(int c) const;
  Collection& collection(int c);
  const std::vector<Collection>& collections() const { return collections_; }

  // --- The workload.
  // The time to the next write: uniform in [mean / 2, 3 * mean / 2] with
  // mean = 1 h / writes_per_hour, and at least 1 ms. One draw from
  // `arrivals`. REQUIRES: writes_per_hour > 0.
  Millis DrawWriteInterval(Prng& arrivals) const;
  // One write at time `t`, drawn from `workload` in this order: the
  // collection, the op (kWriteMix), the document unless the op inserts, the
  // new value unless it deletes. Appends the entry to the oplog and returns
  // it. REQUIRES: at least one collection.
  const OplogEntry& Write(Prng& workload, Millis t);
  std::uint64_t writes() const { return writes_; }
  // FNV-1a over every write (ts, collection, _id, op, value).
  std::uint64_t digest() const { return digest_.value(); }

  // --- The oplog: entries first_kept_ts() .. next_ts() - 1, no gaps.
  Ts next_ts() const { return next_ts_; }  // The ts the next write will take.
  Ts first_kept_ts() const { return next_ts_ - static_cast<Ts>(oplog_.size()); }
  // Whether a change stream can resume at `point`: no entry at or after it
  // has been dropped.
  bool Holds(Ts point) const { return point >= first_kept_ts(); }
  std::size_t oplog_size() const { return oplog_.size(); }
  // REQUIRES: first_kept_ts() <= ts < next_ts().
  const OplogEntry& Entry(Ts ts) const;
  // Drops the entries older than the retention at `now`; returns how many.
  std::size_t Trim(Millis now);
  // How TruncateToHead cuts.
  enum class Cut : std::uint8_t {
    kAtHead,       // A change stream caught up at next_ts() still resumes.
    kThroughNoop,  // Through a no-op entry written at the head for the purpose
                   // (it takes a ts and changes no document): no point taken
                   // before the cut is held, even a caught-up one.
  };
  // Drops every entry, as if the retention had shrunk to nothing; returns
  // how many entries were dropped (the no-op not counted).
  std::size_t TruncateToHead(Cut cut);

 private:
  std::uint64_t DrawValue(Prng& prng) const;

  SourceOptions options_;
  std::vector<Collection> collections_;
  std::deque<OplogEntry> oplog_;
  Ts next_ts_;
  std::uint64_t writes_ = 0;
  Fnv1a digest_;
};

}  // namespace pipecheck::sim
