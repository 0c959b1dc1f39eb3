// properties/mutate.cc: the mutation check (see the header).
#include "properties/mutate.h"

#include <algorithm>

#include <fmt/format.h>

namespace pipecheck::properties {

namespace {

std::string BoundsText(const CheckReport& report) {
  std::string out;
  for (const auto& [name, value] : report.bounds) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  }
  return out;
}

}  // namespace

Judgement Judge(const CheckReport& original, const CheckReport& mutant,
                std::span<const std::string_view> copy, const std::vector<std::string>& ignore) {
  Judgement judgement;
  PIPECHECK_ASSERT(original.properties.size() == mutant.properties.size());
  auto ignored = [&](const std::string& name) {
    return std::find(ignore.begin(), ignore.end(), name) != ignore.end();
  };
  auto add = [&](const std::string& reason, const std::string& name) {
    judgement.reasons.push_back(reason);
    if (std::find(copy.begin(), copy.end(), name) == copy.end()) {
      judgement.behavioural.push_back(reason);
    }
  };
  for (std::size_t p = 0; p < mutant.properties.size(); ++p) {
    const PropertyReport& was = original.properties[p];
    const PropertyReport& now = mutant.properties[p];
    PIPECHECK_ASSERT(was.name == now.name);
    if (ignored(now.name)) continue;
    if (now.expectation == Expectation::kSometimes) {
      if (was.verdict == Verdict::kWitnessed && now.verdict != Verdict::kWitnessed) {
        add("unwitnessed: " + now.name, now.name);
      }
    } else if (now.verdict == Verdict::kViolated && was.verdict != Verdict::kViolated) {
      add("violated: " + now.name, now.name);
    }
  }
  if (!ignored("deadlock") && !mutant.deadlocks.empty() && original.deadlocks.empty()) {
    add("deadlock: " + mutant.deadlocks.front(), "deadlock");
  }
  return judgement;
}

MutationReport StartReport(const CheckReport& original, std::span<const std::string_view> copy) {
  MutationReport report;
  report.model = original.model;
  report.profile = original.profile;
  report.bounds = BoundsText(original);
  report.documented_copy_comparisons.assign(copy.begin(), copy.end());
  return report;
}

void AddVerdict(const CheckReport& original, const CheckReport& explored, const Mutant& mutant,
                std::span<const std::string_view> copy, std::span<const KnownEquivalent> known,
                const MutateOptions& options, MutationReport& report) {
  MutantVerdict verdict;
  verdict.mutant = mutant;
  Judgement judgement = Judge(original, explored, copy, options.ignore);
  verdict.killed_by = std::move(judgement.reasons);
  verdict.killed = !verdict.killed_by.empty();
  verdict.killed_by_behaviour = std::move(judgement.behavioural);
  for (const KnownEquivalent& equivalent : known) {
    if (equivalent.model != report.model || equivalent.profile != report.profile ||
        equivalent.mutant != mutant.name) {
      continue;
    }
    if (verdict.killed) {
      report.stale_equivalents.push_back(mutant.name);
    } else {
      verdict.equivalent = std::string(equivalent.why);
    }
  }
  report.verdicts.push_back(std::move(verdict));
}

std::string_view ToString(MutationKind kind) {
  switch (kind) {
    case MutationKind::kDrop:
      return "drop";
    case MutationKind::kRetarget:
      return "retarget";
    case MutationKind::kRetargetProcess:
      return "retarget_process";
    case MutationKind::kDropGuard:
      return "drop_guard";
    case MutationKind::kWidenModes:
      return "widen_modes";
    case MutationKind::kDropEffect:
      return "drop_effect";
    case MutationKind::kSwapEffect:
      return "swap_effect";
  }
  PIPECHECK_ASSERT(false);
}

std::size_t MutationReport::killed() const {
  return static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(),
                                                [](const MutantVerdict& v) { return v.killed; }));
}

std::size_t MutationReport::killed_behaviourally() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(),
                    [](const MutantVerdict& v) { return v.killed_behaviourally(); }));
}

std::size_t MutationReport::documented_copy_only() const {
  return killed() - killed_behaviourally();
}

std::size_t MutationReport::effect_mutants_killed_only_by_the_copy() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(), [](const MutantVerdict& v) {
        return v.mutant.effect() && v.documented_copy_only();
      }));
}

std::size_t MutationReport::equivalent() const {
  return static_cast<std::size_t>(
      std::count_if(verdicts.begin(), verdicts.end(),
                    [](const MutantVerdict& v) { return !v.killed && !v.equivalent.empty(); }));
}

std::size_t MutationReport::survivors() const { return mutants() - killed() - equivalent(); }

Mutant MakeMutant(std::size_t row, MutationKind kind, std::size_t target, std::string name) {
  Mutant mutant;
  mutant.row = row;
  mutant.kind = kind;
  mutant.target = target;
  mutant.name = std::move(name);
  return mutant;
}

Mutant DropMutant(std::size_t row, std::string_view text) {
  return MakeMutant(row, MutationKind::kDrop, 0, fmt::format("{}: dropped", text));
}

Mutant RetargetMutant(std::size_t row, std::string_view text, MutationKind kind,
                      std::size_t target, std::string_view target_name) {
  return MakeMutant(row, kind, target, fmt::format("{}: to {}", text, target_name));
}

Mutant DropGuardMutant(std::size_t row, std::string_view text, std::string_view guard) {
  return MakeMutant(row, MutationKind::kDropGuard, 0,
                    fmt::format("{}: guard dropped ({})", text, guard));
}

void AddEffectMutants(std::size_t row, std::string_view text, std::size_t effect,
                      std::span<const std::string_view> effects, std::vector<Mutant>& mutants) {
  PIPECHECK_ASSERT(effect < effects.size());
  if (effect != 0) {
    mutants.push_back(MakeMutant(row, MutationKind::kDropEffect, 0,
                                 fmt::format("{}: effect {} -> none", text, effects[effect])));
  }
  for (std::size_t e = 1; e < effects.size(); ++e) {
    if (e == effect) continue;
    mutants.push_back(MakeMutant(row, MutationKind::kSwapEffect, e,
                                 fmt::format("{}: effect {} -> {}", text, effects[effect],
                                             effects[e])));
  }
}

}  // namespace pipecheck::properties
