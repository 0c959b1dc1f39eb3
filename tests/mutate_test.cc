// tests/mutate_test.cc: the mutation check of the property catalogue.
//
// Goal: every single-row mutant of every lifecycle table (drop the row, send
// it to each other state, drop its guard, widen its modes, drop its effect or
// swap it for each other effect) is killed by the explorer's catalogue,
// except the equivalent mutants listed in bindings/clickpipe_mutation.cc and
// bindings/mongosync_mutation.cc, each with the reason it is equivalent;
// and every effect mutant is killed by a behavioural property, not only by
// the comparison with the documented copy. The counts
// per kind, the behavioural and overall kill rates and the list are pinned,
// so a weakened property (a mutant that now survives, or is killed only by
// the copy) or a stale list (an "equivalent" mutant that is now killed)
// fails CI. Each listed equivalent is proved here: its reachable graph is the
// built-in table's, state for state and step for step, so no property over
// the explored graph can tell it apart.
//
// Method: properties::Mutate, over each lifecycle's mutation
// (bindings::ClickPipeMutation, bindings::MongosyncMutation), explores each
// mutant with the default bounds (one pipe, every fault budget 1) and
// compares the verdicts with those of the built-in table.
#include <algorithm>
#include <array>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bindings/clickpipe_mutation.h"
#include "bindings/mongosync_mutation.h"
#include "cli/mutate_command.h"
#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "properties/explorer.h"
#include "properties/mutate.h"

namespace pipecheck::properties {
namespace {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;
using bindings::ClickPipeMutation;
using bindings::MongosyncMutation;

MutationReport MutateClickPipe(cp::Profile profile, const MutateOptions& options) {
  return Mutate(ClickPipeMutation(profile, ClickPipeMutation::DefaultBounds()), options);
}

MutationReport MutateMongosync(const MutateOptions& options) {
  return Mutate(MongosyncMutation(MongosyncMutation::DefaultBounds()), options);
}

// The known equivalents of every lifecycle.
std::vector<KnownEquivalent> KnownEquivalents() {
  std::vector<KnownEquivalent> all(ClickPipeMutation::KnownEquivalents().begin(),
                                   ClickPipeMutation::KnownEquivalents().end());
  all.insert(all.end(), MongosyncMutation::KnownEquivalents().begin(),
             MongosyncMutation::KnownEquivalents().end());
  return all;
}

std::vector<std::string> Sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Survivors(const MutationReport& report) {
  std::vector<std::string> names;
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.killed) names.push_back(verdict.mutant.name);
  }
  return names;
}

std::vector<std::string> Unexplained(const MutationReport& report) {
  std::vector<std::string> names;
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.killed && verdict.equivalent.empty()) names.push_back(verdict.mutant.name);
  }
  return names;
}

std::vector<std::string> Listed(std::string_view model, std::string_view profile) {
  std::vector<std::string> names;
  for (const KnownEquivalent& known : KnownEquivalents()) {
    if (known.model == model && known.profile == profile) names.emplace_back(known.mutant);
  }
  return names;
}

// The reports with the default options, explored once for all tests.
const MutationReport& Report(cp::Profile profile) {
  static const MutationReport current =
      MutateClickPipe(cp::Profile::kCurrent, MutateOptions{});
  static const MutationReport old = MutateClickPipe(cp::Profile::k2024, MutateOptions{});
  return profile == cp::Profile::kCurrent ? current : old;
}

const MutantVerdict& Verdict(const MutationReport& report, const std::string& name) {
  const auto it = std::find_if(report.verdicts.begin(), report.verdicts.end(),
                               [&](const MutantVerdict& v) { return v.mutant.name == name; });
  EXPECT_NE(it, report.verdicts.end()) << name;
  return *it;
}

// Per mutation kind: mutants, killed, killed behaviourally, equivalent.
struct Counts {
  std::size_t mutants = 0;
  std::size_t killed = 0;
  std::size_t behavioural = 0;
  std::size_t equivalent = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << "{" << c.mutants << ", " << c.killed << ", " << c.behavioural << ", "
             << c.equivalent << "}";
}

Counts CountOf(const MutationReport& report, MutationKind kind) {
  Counts counts;
  for (const MutantVerdict& verdict : report.verdicts) {
    if (verdict.mutant.kind != kind) continue;
    ++counts.mutants;
    counts.killed += verdict.killed ? 1U : 0U;
    counts.behavioural += verdict.killed_behaviourally() ? 1U : 0U;
    counts.equivalent += !verdict.killed && !verdict.equivalent.empty() ? 1U : 0U;
  }
  return counts;
}

// What every pinned report must say: each survivor is a listed equivalent,
// each listed one survives, and no effect mutant rests on the copy alone.
void ExpectPasses(const MutationReport& report, std::string_view model,
                  std::string_view profile) {
  EXPECT_TRUE(Unexplained(report).empty());
  EXPECT_TRUE(report.stale_equivalents.empty());
  EXPECT_EQ(report.effect_mutants_killed_only_by_the_copy(), 0U);
  EXPECT_EQ(Sorted(Survivors(report)), Sorted(Listed(model, profile)));
  EXPECT_TRUE(report.passes());
  EXPECT_EQ(report.killed(), report.killed_behaviourally() + report.documented_copy_only());
}

// The row mutants of profile `current` that are equivalent (the effect
// mutants that are equivalent are proved below, with the rest of the list).
// Each changes nothing any reachable pipe can do:
const std::vector<std::string> kCurrentRowEquivalents = {
    // A snapshot pipe's resume point is never lost (it holds none, D11: no
    // resume_point_lost row applies to it), so "point lost" never holds for
    // a snapshot pipe in Snapshot, and rows 15 and 13 decide as before.
    "row 14 Snapshot --initial_load_done--> Failed: all modes (was cdc,cdc_only)",
    // A snapshot pipe is never Running: its load and its resyncs end in
    // Completed (rows 15, 48), and the only other way in, row 54, is dead.
    "row 21 Running --pause--> Pausing: all modes (was cdc,cdc_only)",
    "row 24 Running --resume_point_lost--> Failed: all modes (was cdc,cdc_only)",
    // Nor, therefore, Pausing, Paused or Modifying, which only Running leads to.
    "row 30 Pausing --resume_point_lost--> Pausing: all modes (was cdc,cdc_only)",
    "row 40 Paused --resume_point_lost--> Paused: all modes (was cdc,cdc_only)",
    "row 44 Modifying --resume_point_lost--> Modifying: all modes (was cdc,cdc_only)",
    // As row 14: a snapshot pipe in Resync never has its point lost; row 48
    // completes it as before.
    "row 47 Resync --swap_done--> Failed: all modes (was cdc,cdc_only)",
    // Row 54 (D2: resume from Failed) is dead: the only failure that keeps
    // the resume point is irrecoverable_error, which D2 excludes, and every
    // other failure loses the point. No reachable Failed pipe satisfies its
    // guard, so no change to the row, not even dropping it, is observable.
    // (A finding about the model: D2's accepted resume cannot happen.)
    "row 54 Failed --resume--> Running: dropped",
    "row 54 Failed --resume--> Running: to Provisioning",
    "row 54 Failed --resume--> Running: to Setup",
    "row 54 Failed --resume--> Running: to Snapshot",
    "row 54 Failed --resume--> Running: to Pausing",
    "row 54 Failed --resume--> Running: to Paused",
    "row 54 Failed --resume--> Running: to Modifying",
    "row 54 Failed --resume--> Running: to Resync",
    "row 54 Failed --resume--> Running: to Completed",
    "row 54 Failed --resume--> Running: to Failed",
    "row 54 Failed --resume--> Running: all modes (was cdc,cdc_only)",
};

// Profile `current`: 57 rows, 1071 mutants. The documented copy alone kills
// 41 (fault, read and operation rows dropped, fault guards dropped: a step
// that no longer happens, or happens as a no-op, which the explored graph
// cannot show); every other kill is behavioural.
TEST(Mutate, ClickPipeCurrentKillsEveryMutantButTheListedEquivalents) {
  const MutationReport& report = Report(cp::Profile::kCurrent);
  EXPECT_EQ(report.mutants(), 1071U);
  EXPECT_EQ(report.killed(), 989U);
  EXPECT_EQ(report.killed_behaviourally(), 948U);
  EXPECT_EQ(report.documented_copy_only(), 41U);
  EXPECT_EQ(report.equivalent(), 82U);
  EXPECT_EQ(CountOf(report, MutationKind::kDrop), (Counts{57, 56, 23, 1}));
  EXPECT_EQ(CountOf(report, MutationKind::kRetarget), (Counts{513, 504, 504, 9}));
  EXPECT_EQ(CountOf(report, MutationKind::kDropGuard), (Counts{23, 23, 15, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kWidenModes), (Counts{22, 14, 14, 8}));
  EXPECT_EQ(CountOf(report, MutationKind::kDropEffect), (Counts{33, 30, 30, 3}));
  EXPECT_EQ(CountOf(report, MutationKind::kSwapEffect), (Counts{423, 362, 362, 61}));
  ExpectPasses(report, "clickpipe", "current");
  std::vector<std::string> row_equivalents;
  for (const MutantVerdict& verdict : report.verdicts) {
    if (!verdict.killed && !verdict.mutant.effect()) row_equivalents.push_back(verdict.mutant.name);
  }
  EXPECT_EQ(row_equivalents, kCurrentRowEquivalents);
}

// Profile 2024 has no modes, no Pausing, Modifying, Resync or Completed, and
// no dead row: every row mutant is killed, and only effect mutants that
// change nothing survive.
TEST(Mutate, ClickPipe2024KillsEveryMutantButTheListedEquivalents) {
  const MutationReport& report = Report(cp::Profile::k2024);
  EXPECT_EQ(report.mutants(), 459U);
  EXPECT_EQ(report.killed(), 428U);
  EXPECT_EQ(report.killed_behaviourally(), 404U);
  EXPECT_EQ(report.documented_copy_only(), 24U);
  EXPECT_EQ(report.equivalent(), 31U);
  EXPECT_EQ(CountOf(report, MutationKind::kDrop), (Counts{30, 30, 11, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kRetarget), (Counts{180, 180, 180, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kDropGuard), (Counts{9, 9, 4, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kDropEffect), (Counts{18, 17, 17, 1}));
  EXPECT_EQ(CountOf(report, MutationKind::kSwapEffect), (Counts{222, 192, 192, 30}));
  ExpectPasses(report, "clickpipe", "2024");
}

// mongosync: every row mutant, process retargets included, is killed, and
// every effect mutant but the listed ones.
TEST(Mutate, MongosyncKillsEveryMutantButTheListedEquivalents) {
  const MutationReport report = MutateMongosync(MutateOptions{});
  EXPECT_EQ(report.mutants(), 581U);
  EXPECT_EQ(report.killed(), 535U);
  EXPECT_EQ(report.killed_behaviourally(), 515U);
  EXPECT_EQ(report.documented_copy_only(), 20U);
  EXPECT_EQ(report.equivalent(), 46U);
  EXPECT_EQ(CountOf(report, MutationKind::kDrop), (Counts{38, 38, 22, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kRetarget), (Counts{190, 190, 190, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kRetargetProcess), (Counts{76, 76, 76, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kDropGuard), (Counts{11, 11, 7, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kDropEffect), (Counts{9, 9, 9, 0}));
  EXPECT_EQ(CountOf(report, MutationKind::kSwapEffect), (Counts{257, 211, 211, 46}));
  ExpectPasses(report, "mongosync", "");
}

// The mutant the issue found: dropping row 36's begin_add_tables passed every
// model, scenario and stateful test. Behavioural claims kill it, not only
// the documented copy.
TEST(Mutate, DroppingTheAddTablesEffectIsKilledByBehaviouralClaims) {
  const MutationReport& report = Report(cp::Profile::kCurrent);
  const MutantVerdict& verdict =
      Verdict(report, "row 36 Paused --add_tables--> Setup: effect begin_add_tables -> none");
  EXPECT_EQ(verdict.mutant.kind, MutationKind::kDropEffect);
  EXPECT_TRUE(verdict.killed_behaviourally());
  const auto& by = verdict.killed_by_behaviour;
  EXPECT_NE(std::find(by.begin(), by.end(), "violated: adding_tables_keeps_the_resume_point"),
            by.end());
  EXPECT_NE(std::find(by.begin(), by.end(), "unwitnessed: added_tables_are_snapshotted"),
            by.end());
}

// Every listed equivalent is proved equivalent: in every state the built-in
// table reaches, the mutant table enables the same actions leading to the
// same states. By induction the two reachable graphs are one, so no
// property judged on it (the documented copy included) can tell them apart.
template <typename Space, typename Table>
bool SameReachableGraph(const Space& original, const Space& mutant) {
  Explorer<Space> explorer(original);
  EXPECT_TRUE(explorer.Run(ExploreLimits{}));
  using Step = std::pair<Action, std::array<std::uint64_t, Space::kWords>>;
  auto steps = [](const Space& space, const typename Space::State& state) {
    std::vector<Step> out;
    space.Successors(state, [&](Action action, const typename Space::State& next, const RowMask&) {
      Step step{action, {}};
      space.Pack(next, step.second.data());
      out.push_back(step);
    });
    return out;
  };
  for (std::uint32_t s = 0; s < explorer.states(); ++s) {
    const typename Space::State state = explorer.Unpack(s);
    if (steps(original, state) != steps(mutant, state)) return false;
  }
  return true;
}

bool ClickPipeUnchanged(cp::Profile profile, const Mutant& mutant) {
  const cp::Table& table = cp::TableOf(profile);
  const ClickPipeBounds bounds = ClickPipeMutation::DefaultBounds();
  const cp::Table mutated = ClickPipeMutation(profile, bounds).Apply(mutant);
  return SameReachableGraph<ClickPipeSpace, cp::Table>(ClickPipeSpace(table, bounds),
                                                       ClickPipeSpace(mutated, bounds));
}

bool MongosyncUnchanged(const Mutant& mutant) {
  const ms::Table& table = ms::DefaultTable();
  const MongosyncBounds bounds = MongosyncMutation::DefaultBounds();
  const ms::Table mutated = MongosyncMutation(bounds).Apply(mutant);
  return SameReachableGraph<MongosyncSpace, ms::Table>(MongosyncSpace(table, bounds),
                                                       MongosyncSpace(mutated, bounds));
}

TEST(Mutate, EveryListedEquivalentLeavesTheReachableGraphUnchanged) {
  std::size_t proved = 0;
  for (const cp::Profile profile : {cp::Profile::kCurrent, cp::Profile::k2024}) {
    const std::vector<std::string> listed = Listed("clickpipe", cp::ToString(profile));
    const ClickPipeMutation mutation(profile, ClickPipeMutation::DefaultBounds());
    for (const Mutant& mutant : mutation.Mutants()) {
      if (std::find(listed.begin(), listed.end(), mutant.name) == listed.end()) continue;
      EXPECT_TRUE(ClickPipeUnchanged(profile, mutant)) << mutant.name;
      ++proved;
    }
  }
  const std::vector<std::string> listed = Listed("mongosync", "");
  for (const Mutant& mutant : MongosyncMutation(MongosyncMutation::DefaultBounds()).Mutants()) {
    if (std::find(listed.begin(), listed.end(), mutant.name) != listed.end()) {
      EXPECT_TRUE(MongosyncUnchanged(mutant)) << mutant.name;
      ++proved;
    }
  }
  // Every entry names a mutant that exists, and each has its reason.
  EXPECT_EQ(proved, KnownEquivalents().size());
  EXPECT_EQ(proved, 82U + 31U + 46U);
  for (const KnownEquivalent& known : KnownEquivalents()) EXPECT_FALSE(known.why.empty());
}

// The proof can fail: a killed effect mutant changes the reachable graph.
TEST(Mutate, AKilledEffectMutantChangesTheReachableGraph) {
  const ClickPipeMutation mutation(cp::Profile::kCurrent, ClickPipeMutation::DefaultBounds());
  for (const Mutant& mutant : mutation.Mutants()) {
    if (mutant.name == "row 36 Paused --add_tables--> Setup: effect begin_add_tables -> none") {
      EXPECT_FALSE(ClickPipeUnchanged(cp::Profile::kCurrent, mutant));
    }
  }
}

// A weakened behavioural catalogue is noticed: without the claims on a
// failed pipe's cause and on the resume point, the mutants that give a
// failure the wrong cause are killed only by the documented copy, others
// survive, the behavioural kill rate drops, and the check fails. (Profile
// 2024: the same claims, a quicker run.)
TEST(Mutate, AWeakenedBehaviouralCatalogueLowersTheBehaviouralKillRate) {
  const MutationReport& full = Report(cp::Profile::k2024);
  MutateOptions options = MutateOptions{};
  options.ignore = {"a_pipe_fails_with_the_fault_it_met",
                    "a_pipe_reports_a_cause_exactly_when_failed",
                    "the_resume_point_is_lost_only_to_the_oplog"};
  const MutationReport weak = MutateClickPipe(cp::Profile::k2024, options);
  EXPECT_LT(weak.killed_behaviourally(), full.killed_behaviourally());
  EXPECT_LT(weak.killed_behaviourally() * 100, full.killed_behaviourally() * 95);
  EXPECT_GT(weak.effect_mutants_killed_only_by_the_copy(), 0U);
  EXPECT_FALSE(Unexplained(weak).empty());
  EXPECT_FALSE(weak.passes());
  EXPECT_TRUE(Verdict(weak, "row 18 Running --irrecoverable_error--> Failed: effect "
                            "fail_irrecoverable -> fail_point_lost")
                  .documented_copy_only());
}

// The two figures partition the kills: without the documented-copy
// comparisons, what they alone killed survives, and every other kill stays.
TEST(Mutate, WithoutTheDocumentedCopyOnlyBehaviouralKillsRemain) {
  const MutationReport& full = Report(cp::Profile::k2024);
  MutateOptions options = MutateOptions{};
  for (const std::string_view name : ClickPipeSpace::DocumentedCopyComparisons()) {
    options.ignore.emplace_back(name);
  }
  const MutationReport behavioural = MutateClickPipe(cp::Profile::k2024, options);
  EXPECT_EQ(behavioural.killed(), full.killed_behaviourally());
  EXPECT_EQ(behavioural.killed_behaviourally(), full.killed_behaviourally());
  const std::vector<std::string> unexplained = Unexplained(behavioural);
  EXPECT_EQ(unexplained.size(), full.documented_copy_only());
  EXPECT_NE(std::find(unexplained.begin(), unexplained.end(),
                      "row 4 Provisioning --compute_crash--> Provisioning: dropped"),
            unexplained.end());
}

// The documented-copy comparisons are the three that ask the table for its
// answer to every trigger, in each catalogue.
TEST(Mutate, TheDocumentedCopyComparisonsAreTheAnswerClaims) {
  const std::vector<std::string_view> clickpipe(ClickPipeSpace::DocumentedCopyComparisons().begin(),
                                                ClickPipeSpace::DocumentedCopyComparisons().end());
  EXPECT_EQ(clickpipe, (std::vector<std::string_view>{"user_operations_answer_as_documented",
                                                      "internal_events_follow_the_lifecycle",
                                                      "faults_strike_as_documented"}));
  const std::vector<std::string_view> mongosync(MongosyncSpace::DocumentedCopyComparisons().begin(),
                                                MongosyncSpace::DocumentedCopyComparisons().end());
  EXPECT_EQ(mongosync, (std::vector<std::string_view>{"operations_answer_as_documented",
                                                      "internal_events_follow_the_lifecycle",
                                                      "faults_strike_as_documented"}));
  // Each is a property of its catalogue.
  const ClickPipeSpace cp_space(cp::TableOf(cp::Profile::kCurrent), ClickPipeBounds{});
  const MongosyncSpace ms_space(ms::DefaultTable(), MongosyncBounds{});
  for (const std::string_view name : clickpipe) {
    EXPECT_TRUE(std::any_of(cp_space.Properties().begin(), cp_space.Properties().end(),
                            [&](const Property& p) { return p.name == name; }))
        << name;
  }
  for (const std::string_view name : mongosync) {
    EXPECT_TRUE(std::any_of(ms_space.Properties().begin(), ms_space.Properties().end(),
                            [&](const Property& p) { return p.name == name; }))
        << name;
  }
}

// Each mutant changes one row, in one way, and the names are unique; every
// row has one effect mutant per other effect.
TEST(Mutate, MutantsChangeOneRowEach) {
  const ClickPipeMutation mutation(cp::Profile::kCurrent, ClickPipeMutation::DefaultBounds());
  const cp::Table& table = mutation.table();
  const std::vector<Mutant> mutants = mutation.Mutants();
  std::vector<std::string> names;
  std::size_t effect_mutants = 0;
  for (const Mutant& mutant : mutants) {
    names.push_back(mutant.name);
    const cp::Table mutated = mutation.Apply(mutant);
    const auto rows = mutated.rows();
    if (mutant.kind == MutationKind::kDrop) {
      EXPECT_EQ(rows.size() + 1, table.rows().size());
      continue;
    }
    ASSERT_EQ(rows.size(), table.rows().size());
    int changed = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const cp::Row& a = rows[r];
      const cp::Row& b = table.rows()[r];
      if (a.to != b.to || a.guard != b.guard || a.modes != b.modes || a.effect != b.effect) {
        ++changed;
        EXPECT_EQ(r, mutant.row);
        EXPECT_EQ(a.effect != b.effect, mutant.effect()) << mutant.name;
        if (mutant.kind == MutationKind::kDropEffect) {
          EXPECT_EQ(a.effect, cp::Effect::kNone);
        }
      }
    }
    EXPECT_EQ(changed, 1) << mutant.name;
    effect_mutants += mutant.effect() ? 1U : 0U;
  }
  // Nine effects: eight effect mutants per row.
  EXPECT_EQ(effect_mutants, 8 * table.rows().size());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  const std::vector<Mutant> sync = MongosyncMutation(MongosyncMutation::DefaultBounds()).Mutants();
  EXPECT_EQ(sync.size(), 581U);
  // Eight effects: seven effect mutants per row.
  EXPECT_EQ(std::count_if(sync.begin(), sync.end(), [](const Mutant& m) { return m.effect(); }),
            static_cast<std::ptrdiff_t>(7 * ms::DefaultTable().rows().size()));
}

// The names say what changed.
TEST(Mutate, EffectMutantsAreNamedByTheirEffects) {
  const std::vector<Mutant> mutants =
      ClickPipeMutation(cp::Profile::kCurrent, ClickPipeMutation::DefaultBounds()).Mutants();
  auto named = [&](const std::string& name) {
    return std::any_of(mutants.begin(), mutants.end(),
                       [&](const Mutant& m) { return m.name == name; });
  };
  EXPECT_TRUE(named("row 36 Paused --add_tables--> Setup: effect begin_add_tables -> none"));
  EXPECT_TRUE(named("row 36 Paused --add_tables--> Setup: effect begin_add_tables -> end_load"));
  EXPECT_TRUE(named("row 25 Running --compute_crash--> Running: effect none -> lose_point"));
  EXPECT_FALSE(named("row 25 Running --compute_crash--> Running: effect none -> none"));
  EXPECT_EQ(ToString(MutationKind::kDropEffect), "drop_effect");
  EXPECT_EQ(ToString(MutationKind::kSwapEffect), "swap_effect");
}

// `pipecheck mutate --format json` (interfaces.md section 8): every mutant is
// killed, equivalent or a survivor; the behavioural figures are given beside
// the overall ones; and the exit code says whether any survivor is
// unexplained or any effect mutant rests on the documented copy alone.
TEST(Mutate, TheJsonReportAccountsForEveryMutant) {
  // mongosync's exit code is the ctest mutate.mongosync; its report is
  // pinned above.
  for (const auto& [model, profile] : std::vector<std::pair<std::string, std::string>>{
           {"clickpipe", ""}, {"clickpipe", "2024"}}) {
    cli::MutateRequest request;
    request.model = model;
    request.profile = profile;
    request.format = "json";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::RunMutate(request, out, err), 0) << model << " " << profile;
    const nlohmann::json report = nlohmann::json::parse(out.str());
    EXPECT_EQ(report["model"], model);
    const auto mutants = report["mutants"].get<std::size_t>();
    const auto killed = report["killed"].get<std::size_t>();
    const auto behavioural = report["killed_behaviourally"].get<std::size_t>();
    EXPECT_EQ(killed + report["equivalent"].size() + report["survivors"].size(), mutants);
    EXPECT_EQ(behavioural + report["killed_only_by_the_documented_copy"].size(), killed);
    EXPECT_LT(behavioural, killed);
    EXPECT_DOUBLE_EQ(report["behavioural_kill_rate"].get<double>(),
                     static_cast<double>(behavioural) / static_cast<double>(mutants));
    EXPECT_EQ(report["documented_copy_comparisons"].size(), 3U);
    EXPECT_TRUE(report["survivors"].empty());
    EXPECT_TRUE(report["effect_mutants_killed_only_by_the_copy"].empty());
    std::size_t by_kind = 0;
    for (const auto& [kind, counts] : report["kinds"].items()) {
      by_kind += counts["mutants"].get<std::size_t>();
    }
    EXPECT_EQ(by_kind, mutants);
    EXPECT_TRUE(report["kinds"].contains("drop_effect"));
    EXPECT_TRUE(report["kinds"].contains("swap_effect"));
    for (const auto& equivalent : report["equivalent"]) {
      EXPECT_FALSE(equivalent["why"].get<std::string>().empty());
      EXPECT_TRUE(equivalent["mutant"].is_string());
    }
    for (const auto& copy_only : report["killed_only_by_the_documented_copy"]) {
      EXPECT_NE(copy_only["kind"], "drop_effect");
      EXPECT_NE(copy_only["kind"], "swap_effect");
    }
  }
}

}  // namespace
}  // namespace pipecheck::properties
