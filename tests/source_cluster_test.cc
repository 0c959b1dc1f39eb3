// tests/source_cluster_test.cc: the simulated source cluster both worlds
// replicate from (sim/source_cluster.h): the write mix, the draw order of a
// write, retention and the two kinds of truncation.
#include <array>
#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

#include "sim/prng.h"
#include "sim/source_cluster.h"

namespace pipecheck {
namespace {

using sim::OplogOp;
using sim::SourceCluster;

sim::SourceOptions Options(std::optional<std::uint64_t> value_bound = std::nullopt) {
  return sim::SourceOptions{1, 10 * sim::kSecond, 3600, value_bound};
}

TEST(SourceCluster, TheWriteMixGivesEachOpItsNamedShareOfTheDraws) {
  std::array<int, 4> count{};
  for (std::uint64_t draw = 0; draw < 100; ++draw) {
    ++count[static_cast<std::size_t>(sim::kWriteMix.OpOf(draw))];
  }
  EXPECT_EQ(count[static_cast<std::size_t>(OplogOp::kInsert)], 25);
  EXPECT_EQ(count[static_cast<std::size_t>(OplogOp::kUpdate)], 40);
  EXPECT_EQ(count[static_cast<std::size_t>(OplogOp::kReplace)], 15);
  EXPECT_EQ(count[static_cast<std::size_t>(OplogOp::kDelete)], 20);
}

// The traces depend on this order: the collection, the op, the document
// unless the op inserts, the value unless it deletes.
TEST(SourceCluster, AWriteDrawsTheCollectionTheOpTheDocumentThenTheValue) {
  for (const std::optional<std::uint64_t> bound : {std::optional<std::uint64_t>{},
                                                   std::optional<std::uint64_t>{1000}}) {
    SourceCluster cluster(Options(bound));
    sim::Prng data(7);
    cluster.AddCollection(50, data);
    cluster.AddCollection(50, data);
    sim::Prng workload(11);
    sim::Prng replay(11);
    for (int i = 0; i < 500; ++i) {
      const sim::Ts ts = cluster.next_ts();
      const auto c = static_cast<int>(replay.Below(2));
      const sim::Collection before = cluster.collection(c);
      OplogOp op = sim::kWriteMix.OpOf(replay.Below(100));
      if (before.live_count() == 0) op = OplogOp::kInsert;
      const sim::DocId id = op == OplogOp::kInsert
                                ? before.fresh_id()
                                : before.LiveId(replay.Below(before.live_count()));
      const std::uint64_t value =
          op == OplogOp::kDelete ? 0 : (bound ? replay.Below(*bound) : replay.Next());

      const sim::OplogEntry entry = cluster.Write(workload, static_cast<sim::Millis>(i));
      ASSERT_EQ(entry.ts, ts);
      ASSERT_EQ(entry.collection, c);
      ASSERT_EQ(entry.op, op);
      ASSERT_EQ(entry.id, id);
      ASSERT_EQ(entry.value, value);
      ASSERT_EQ(cluster.collection(c).Get(id),
                op == OplogOp::kDelete ? std::nullopt : std::optional<std::uint64_t>(value));
      ASSERT_EQ(cluster.collection(c).documents()[id].last_ts, ts);
    }
    EXPECT_EQ(workload.Next(), replay.Next());  // No draw more, no draw less.
  }
}

TEST(SourceCluster, RetentionDropsExactlyTheEntriesOlderThanTheWindow) {
  SourceCluster cluster(Options());
  sim::Prng data(1);
  cluster.AddCollection(10, data);
  sim::Prng workload(2);
  for (sim::Millis t = 0; t < 30 * sim::kSecond; t += sim::kSecond) cluster.Write(workload, t);
  EXPECT_EQ(cluster.Trim(20 * sim::kSecond), 10U);  // t < 10 s is older than 10 s of retention.
  EXPECT_EQ(cluster.first_kept_ts(), 11);
  EXPECT_EQ(cluster.Entry(11).t, 10 * sim::kSecond);
  EXPECT_FALSE(cluster.Holds(10));
  EXPECT_TRUE(cluster.Holds(11));
  EXPECT_EQ(cluster.Trim(20 * sim::kSecond), 0U);
  EXPECT_EQ(cluster.next_ts(), 31);
}

TEST(SourceCluster, TruncationThroughANoopLosesEvenACaughtUpPointAndAtTheHeadKeepsIt) {
  for (const SourceCluster::Cut cut : {SourceCluster::Cut::kAtHead,
                                       SourceCluster::Cut::kThroughNoop}) {
    SourceCluster cluster(Options());
    sim::Prng data(1);
    cluster.AddCollection(10, data);
    sim::Prng workload(2);
    for (int i = 0; i < 5; ++i) cluster.Write(workload, i);
    const sim::Ts caught_up = cluster.next_ts();
    EXPECT_EQ(cluster.TruncateToHead(cut), 5U);
    EXPECT_EQ(cluster.oplog_size(), 0U);
    EXPECT_FALSE(cluster.Holds(caught_up - 1));
    EXPECT_EQ(cluster.Holds(caught_up), cut == SourceCluster::Cut::kAtHead);
    EXPECT_TRUE(cluster.Holds(cluster.next_ts()));
    EXPECT_EQ(cluster.writes(), 5U);  // The no-op is no write.
  }
}

}  // namespace
}  // namespace pipecheck
