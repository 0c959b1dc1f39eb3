// tests/catalogue_test.cc: the two layers' property catalogues speak one
// vocabulary.
//
// The explorer (the lifecycle's Space) and the simulator's monitors (its
// monitor catalogue) judge claims at two layers. Where both can judge a
// claim, or witness a premise, they must call it by the same name with the
// same expectation, so that a verdict of one layer is found in the other by
// name. Claims only the simulator can judge are listed here, each with the
// reason; the explorer's state has no documents, oplog, tables or
// timestamps.
#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "bindings/registry.h"
#include "properties/property.h"

namespace pipecheck {
namespace {

using properties::Expectation;
using properties::Property;

struct Listed {
  std::string_view model;
  std::string_view property;
  std::string_view reason;
};

// Monitor properties with no explorer property of the same name.
constexpr Listed kMonitorOnly[] = {
    {"clickpipe", "paused_while_source_writes", "source writes are data"},
    {"clickpipe", "resync_swaps_with_soft_deleted_rows", "soft-deleted rows are data"},
    {"clickpipe", "lower_version_never_hides_higher", "document versions in FINAL are data"},
    {"clickpipe", "an_id_carries_several_versions", "document versions are data"},
    {"clickpipe", "changes_apply_in_oplog_order", "oplog entries and their order are data"},
    {"clickpipe", "batch_reapplied_after_crash", "written batches are data"},
    {"clickpipe", "committed_resume_point_has_its_batch_written",
     "resume timestamps and batches are data"},
    {"clickpipe", "outage_falls_between_pull_and_write", "a batch in flight is data"},
    {"clickpipe", "committed_resume_point_never_moves_back", "resume timestamps are data"},
    {"clickpipe", "compute_crash_with_a_committed_point", "a committed resume timestamp is data"},
    {"clickpipe", "converges_when_quiet", "destination tables against source documents"},
    {"clickpipe", "quiet_and_caught_up", "catching up is a resume timestamp reaching the oplog's end"},
    {"clickpipe", "every_step_is_a_table_row",
     "judges the world's trace; the explorer's steps are table rows by construction"},
    {"clickpipe", "a_fault_step_is_taken", "the premise of every_step_is_a_table_row, in a trace"},
    {"clickpipe", "failed_names_its_cause",
     "half of the explorer's a_pipe_reports_a_cause_exactly_when_failed, judged on the world"},
    {"mongosync", "committed_means_destination_caught_up", "destination documents are data"},
    {"mongosync", "nothing_applied_after_committed", "applied oplog entries are data"},
    {"mongosync", "source_written_after_commit", "source writes are data"},
    {"mongosync", "rollover_never_applies_past_a_gap", "oplog positions are data"},
    {"mongosync", "oplog_rollover_occurs", "the premise of an oplog-position claim"},
    {"mongosync", "every_step_is_a_table_row",
     "judges the world's trace; the explorer's steps are table rows by construction"},
    {"mongosync", "a_fault_step_is_taken", "the premise of every_step_is_a_table_row, in a trace"},
    {"mongosync", "converges_when_quiet", "destination documents against the source"},
    {"mongosync", "quiet_and_caught_up", "catching up is the applied point reaching the oplog's end"},
};

// Explorer witnesses of a premise of a monitor invariant that the monitors
// do not witness under the explorer's name.
constexpr Listed kExplorerWitnessOnly[] = {
    {"clickpipe", "a_resync_swaps",
     "the monitors witness the swap's data premise, resync_swaps_with_soft_deleted_rows"},
};

bool IsListed(std::span<const Listed> list, std::string_view model, std::string_view property) {
  return std::any_of(list.begin(), list.end(), [&](const Listed& listed) {
    return listed.model == model && listed.property == property;
  });
}

const Property* Named(std::span<const Property> catalogue, std::string_view name) {
  const auto it = std::find_if(catalogue.begin(), catalogue.end(),
                               [&](const Property& p) { return p.name == name; });
  return it == catalogue.end() ? nullptr : &*it;
}

bool IsInvariant(Expectation expectation) {
  return expectation == Expectation::kAlways || expectation == Expectation::kTransition;
}

// Calls f(model name, monitor catalogue, explorer catalogue) for every
// lifecycle, its explorer at the default flags.
template <class F>
void ForEachLifecycle(F&& f) {
  bindings::ForEachBinding([&]<class B>(B) {
    const auto space = B::MakeSpace(bindings::ExploreFlags{});
    f(B::kName, B::Monitors::Catalogue(), space.Properties());
  });
}

TEST(Catalogues, EveryMonitorPropertyHasAnExplorerPropertyOfTheSameNameAndExpectation) {
  ForEachLifecycle([](std::string_view model, std::span<const Property> monitors,
                      std::span<const Property> explorer) {
    for (const Property& monitor : monitors) {
      const Property* counterpart = Named(explorer, monitor.name);
      if (counterpart == nullptr) {
        EXPECT_TRUE(IsListed(kMonitorOnly, model, monitor.name))
            << model << ": monitor property " << monitor.name
            << " has no explorer property of that name and is not listed as monitor-only";
        continue;
      }
      EXPECT_EQ(counterpart->expectation, monitor.expectation)
          << model << ": " << monitor.name << " is " << ToString(monitor.expectation)
          << " in the monitors but " << ToString(counterpart->expectation) << " in the explorer";
    }
  });
}

TEST(Catalogues, EveryExplorerWitnessOfAMonitoredInvariantHasAMonitorWitnessOfTheSameName) {
  ForEachLifecycle([](std::string_view model, std::span<const Property> monitors,
                      std::span<const Property> explorer) {
    for (const Property& witness : explorer) {
      if (witness.expectation != Expectation::kSometimes || witness.premise_of.empty()) continue;
      const Property* premise = Named(monitors, witness.premise_of);
      if (premise == nullptr || !IsInvariant(premise->expectation)) continue;
      EXPECT_TRUE(Named(monitors, witness.name) != nullptr ||
                  IsListed(kExplorerWitnessOnly, model, witness.name))
          << model << ": the explorer witnesses " << witness.premise_of << " with " << witness.name
          << ", which the monitors do not have and which is not listed";
    }
  });
}

// A listed exception that has a counterpart after all, or names nothing, is
// stale: the lists stay exactly the gaps.
TEST(Catalogues, EveryListedExceptionIsAGap) {
  ForEachLifecycle([](std::string_view model, std::span<const Property> monitors,
                      std::span<const Property> explorer) {
    for (const Listed& listed : kMonitorOnly) {
      if (listed.model != model) continue;
      EXPECT_NE(Named(monitors, listed.property), nullptr) << model << ": " << listed.property;
      EXPECT_EQ(Named(explorer, listed.property), nullptr)
          << model << ": " << listed.property << " is listed as monitor-only but the explorer has it";
    }
    for (const Listed& listed : kExplorerWitnessOnly) {
      if (listed.model != model) continue;
      EXPECT_NE(Named(explorer, listed.property), nullptr) << model << ": " << listed.property;
      EXPECT_EQ(Named(monitors, listed.property), nullptr)
          << model << ": " << listed.property << " is listed but the monitors have it";
    }
  });
}

}  // namespace
}  // namespace pipecheck
