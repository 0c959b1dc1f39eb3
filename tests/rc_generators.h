// tests/rc_generators.h: RapidCheck generators for scenarios.
//
// Generators of configurations, operations, faults (with their durations),
// waits and whole `pipecheck-scenario/1` scenarios, for tests and users that
// drive the simulator with RapidCheck. Header-only, so that the properties
// library itself does not link RapidCheck: include it from a test that links
// `rapidcheck`.
//
// Contract:
//  - Everything generated is valid by construction: a scenario parses (its
//    JSON round-trips through ParseScenario), its steps are in time order,
//    every step names a pipe the configuration has, and every name is in the
//    model's vocabulary. Shrinking keeps it so, because shrinking only
//    removes steps, moves values toward the small end of their ranges, and
//    everything that depends on another value is drawn after it (a step's
//    pipe after the number of pipes), so a shrunk value is redrawn within the
//    new range.
//  - Worlds are small (one or two collections of 20 to 50 documents, at most
//    one write a second), so that a thousand runs of hours of virtual time
//    take seconds; retention is sometimes a few hours, so that oplog expiry
//    is reachable.
//  - Shrinking goes toward short waits, short faults, one pipe, one
//    collection and no writes.
//  - Whole scenarios leave out a documented finding, which would fail every
//    property that runs it: a verifier_mismatch under disabled verification
//    (MongosyncFault).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace pipecheck::properties::rcgen {

// RapidCheck scales ranges and element choices with the size of a case, so
// that early cases are small. A scenario's values are not "larger" in any
// useful sense (a small size would only ever pick the first operation), so
// every generator here draws from its whole range at any size; what grows
// with the size is how many steps a caller asks for.
template <typename T>
rc::Gen<T> AnySize(rc::Gen<T> gen) {
  return rc::gen::resize(rc::kNominalSize, std::move(gen));
}

// Whole seconds in [low, high], shrinking toward `low`.
inline rc::Gen<sim::Millis> Seconds(std::int64_t low, std::int64_t high) {
  return AnySize(rc::gen::map(rc::gen::inRange<std::int64_t>(low, high + 1),
                              [](std::int64_t seconds) { return seconds * sim::kSecond; }));
}

// How long the operator waits between two actions: mostly seconds to
// minutes, sometimes hours (long enough to outlive a short retention).
inline rc::Gen<sim::Millis> Wait() {
  return AnySize(rc::gen::weightedOneOf<sim::Millis>({
      {5, Seconds(1, 120)},
      {3, Seconds(120, 3600)},
      {2, Seconds(3600, 6 * 3600)},
  }));
}

// A fault's `for` (outages, lag, crash downtime), or none: the world's default.
inline rc::Gen<std::optional<sim::Millis>> FaultDuration() {
  return AnySize(rc::gen::weightedOneOf<std::optional<sim::Millis>>({
      {1, rc::gen::just(std::optional<sim::Millis>())},
      {3, rc::gen::map(rc::gen::weightedOneOf<sim::Millis>(
                           {{3, Seconds(10, 3600)}, {1, Seconds(3600, 8 * 3600)}}),
                       [](sim::Millis millis) { return std::optional<sim::Millis>(millis); })},
  }));
}

// An oplog retention: a few hours (expiry is reachable) or the 24 h minimum.
inline rc::Gen<sim::Millis> OplogRetention() {
  return AnySize(rc::gen::weightedOneOf<sim::Millis>({
      {1, rc::gen::just(24 * sim::kHour)},
      {1, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 7),
                       [](std::int64_t hours) { return hours * sim::kHour; })},
  }));
}

// The workload: 0 to 1 write a second, in steps of 0.1 (exact in the file format).
inline rc::Gen<std::int64_t> WritesPerHour() {
  return AnySize(rc::gen::map(rc::gen::inRange<std::int64_t>(0, 11),
                              [](std::int64_t tenths) { return tenths * 360; }));
}

// When the workload stops: never in a run (none: the scenario's default,
// 10 minutes before its end), or after a few hours, so that quiet periods,
// where convergence is judged, come inside a run.
inline rc::Gen<std::optional<sim::Millis>> WritesUntil() {
  return AnySize(rc::gen::weightedOneOf<std::optional<sim::Millis>>({
      {1, rc::gen::just(std::optional<sim::Millis>())},
      {1, rc::gen::map(Seconds(10 * 60, 12 * 3600),
                       [](sim::Millis millis) { return std::optional<sim::Millis>(millis); })},
  }));
}

// A small ClickPipe service: one or two pipes over one or two collections.
inline rc::Gen<sim::Config> ClickPipeConfig(model::clickpipe::Profile profile) {
  namespace cp = model::clickpipe;
  return AnySize(rc::gen::exec([profile] {
    sim::Config config;
    config.pipes = *rc::gen::inRange(1, 3);
    config.collections = *rc::gen::inRange(1, 3);
    config.documents = *rc::gen::inRange(20, 51);
    config.writes_per_hour = *WritesPerHour();
    config.oplog_retention = *OplogRetention();
    config.writes_until = *WritesUntil();
    config.mode = cp::HasModes(profile)
                      ? *rc::gen::element(cp::Mode::kCdc, cp::Mode::kCdcOnly, cp::Mode::kSnapshot)
                      : cp::Mode::kCdc;
    config.sync_interval = *Seconds(10, 120);
    config.pull_batch_size =
        *rc::gen::weightedOneOf<int>({{3, rc::gen::just(100000)}, {1, rc::gen::inRange(5, 51)}});
    // A slow initial load can outlive a short retention (D11).
    config.snapshot_rows_per_second =
        *rc::gen::weightedOneOf<int>({{3, rc::gen::just(2000)}, {1, rc::gen::inRange(1, 6)}});
    return config;
  }));
}

// A small mongosync migration: one or two collections, sometimes a slow
// change event application (lag above the 30 s that canCommit allows).
inline rc::Gen<sim::Config> MongosyncConfig() {
  return AnySize(rc::gen::exec([] {
    sim::Config config;
    config.collections = *rc::gen::inRange(1, 3);
    config.documents = *rc::gen::inRange(20, 51);
    config.writes_per_hour = *WritesPerHour();
    config.oplog_retention = *OplogRetention();
    config.writes_until = *WritesUntil();
    config.copy_documents_per_second =
        *rc::gen::weightedOneOf<int>({{3, rc::gen::just(2000)}, {1, rc::gen::inRange(1, 11)}});
    config.apply_events_per_second =
        *rc::gen::weightedOneOf<int>({{3, rc::gen::just(500)}, {1, rc::gen::inRange(1, 4)}});
    return config;
  }));
}

// One of `names`, each as often as it is listed; shrinks toward the first.
inline rc::Gen<std::string> Name(std::vector<std::string> names) {
  return AnySize(rc::gen::elementOf(std::move(names)));
}

// A ClickPipe user operation on one of `pipes` pipes, at 0 (the caller sets
// `at`): mostly pause and resume, the operations the lifecycle turns on.
// REQUIRES: pipes >= 1.
inline rc::Gen<sim::Step> ClickPipeOperation(int pipes) {
  return AnySize(rc::gen::exec([pipes] {
    sim::Step step;
    step.action = *Name({"pause", "pause", "pause", "resume", "resume", "resume", "resync",
                         "resync", "add_tables", "add_tables", "remove_tables", "remove_tables",
                         "edit_settings", "create"});
    step.pipe = *rc::gen::inRange(0, pipes);
    return step;
  }));
}

// A ClickPipe fault. compute_crash and destination_unavailable strike the
// whole service; the others one pipe.
inline rc::Gen<sim::Step> ClickPipeFault(int pipes) {
  return AnySize(rc::gen::exec([pipes] {
    sim::Step step;
    step.is_fault = true;
    step.action = *Name({"compute_crash", "destination_unavailable", "lag", "resume_point_lost",
                         "irrecoverable_error"});
    step.pipe = *rc::gen::inRange(0, pipes);
    if (step.action == "compute_crash" || step.action == "destination_unavailable" ||
        step.action == "lag") {
      step.duration = *FaultDuration();
    }
    return step;
  }));
}

// A /start body: every option that decides a guard, verification on or off.
// Reversible starts with sourceAndDestination are frequent, so that /reverse
// is reached; shrinks toward the documented defaults.
inline rc::Gen<model::mongosync::StartOptions> StartBody(bool verification_only = false) {
  namespace ms = model::mongosync;
  return AnySize(rc::gen::exec([verification_only] {
    ms::StartOptions body;
    body.reversible = *rc::gen::elementOf(std::vector<bool>{false, true, true});
    body.write_blocking = *rc::gen::elementOf(std::vector<ms::WriteBlocking>{
        ms::WriteBlocking::kDestinationOnly, ms::WriteBlocking::kSourceAndDestination,
        ms::WriteBlocking::kSourceAndDestination, ms::WriteBlocking::kNone});
    body.build_indexes = *rc::gen::elementOf(std::vector<ms::BuildIndexes>{
        ms::BuildIndexes::kAfterDataCopy, ms::BuildIndexes::kAfterDataCopy,
        ms::BuildIndexes::kAfterDataCopy, ms::BuildIndexes::kNever});
    body.verification =
        verification_only || *rc::gen::elementOf(std::vector<bool>{true, true, true, false});
    return body;
  }));
}

// A mongosync operation (API call or operator action), at 0. `start` carries
// a body; with `verification_only` the body keeps verification enabled.
inline rc::Gen<sim::Step> MongosyncOperation(bool verification_only = false) {
  return AnySize(rc::gen::exec([verification_only] {
    sim::Step step;
    step.action = *Name({"start", "start", "start", "commit", "commit", "commit", "pause", "pause",
                         "resume", "resume", "reverse", "reverse", "progress", "restart", "restart",
                         "wipe_destination_and_restart", "wipe_destination_and_restart"});
    if (step.action == "start") step.body = *StartBody(verification_only);
    return step;
  }));
}

// A mongosync fault. A crash with a `for` is followed by the operator's
// restart after it; without one the process stays down until a `restart`.
// `verifier_mismatch` is drawn only when `mismatch` is true (a mismatch under
// disabled verification is committed: a documented finding, scenario
// ms-verification-disabled-commits-a-corrupted-destination).
inline rc::Gen<sim::Step> MongosyncFault(bool mismatch = true) {
  return AnySize(rc::gen::exec([mismatch] {
    sim::Step step;
    step.is_fault = true;
    std::vector<std::string> faults = {"crash", "oplog_rollover", "lag", "destination_unavailable"};
    if (mismatch) faults.push_back("verifier_mismatch");
    step.action = *Name(std::move(faults));
    if (step.action != "oplog_rollover" && step.action != "verifier_mismatch") {
      step.duration = *FaultDuration();
    }
    return step;
  }));
}

// A whole ClickPipe scenario: every pipe created at 0, then operations and
// faults at increasing times, then a quiet hour (the writes stop 10 minutes
// before the end, so convergence is judged). Expects every always-property
// to hold.
inline rc::Gen<sim::Scenario> ClickPipeScenario(model::clickpipe::Profile profile) {
  return AnySize(rc::gen::exec([profile] {
    sim::Scenario scenario;
    scenario.name = "rapidcheck-clickpipe";
    scenario.model = sim::ModelKind::kClickPipe;
    scenario.profile = profile;
    scenario.seed = *rc::gen::inRange<std::uint64_t>(0, 1000);
    scenario.config = *ClickPipeConfig(profile);
    const int pipes = scenario.config.pipes;
    for (int pipe = 0; pipe < pipes; ++pipe) {
      sim::Step create;
      create.action = "create";
      create.pipe = pipe;
      scenario.steps.push_back(create);
    }
    const auto count = *rc::gen::inRange<std::size_t>(0, 13);
    sim::Millis at = 0;
    for (std::size_t i = 0; i < count; ++i) {
      at += *Wait();
      sim::Step step = *rc::gen::weightedOneOf<sim::Step>(
          {{3, ClickPipeOperation(pipes)}, {1, ClickPipeFault(pipes)}});
      step.at = at;
      scenario.steps.push_back(std::move(step));
    }
    scenario.run_until = at + sim::kHour;
    return scenario;
  }));
}

// A whole mongosync scenario: operations and faults at increasing times,
// then a quiet hour. Bodies keep verification enabled whenever a
// verifier_mismatch is injected.
inline rc::Gen<sim::Scenario> MongosyncScenario() {
  return AnySize(rc::gen::exec([] {
    sim::Scenario scenario;
    scenario.name = "rapidcheck-mongosync";
    scenario.model = sim::ModelKind::kMongosync;
    scenario.seed = *rc::gen::inRange<std::uint64_t>(0, 1000);
    scenario.config = *MongosyncConfig();
    const bool mismatch = *rc::gen::arbitrary<bool>();
    const auto count = *rc::gen::inRange<std::size_t>(0, 13);
    sim::Millis at = 0;
    for (std::size_t i = 0; i < count; ++i) {
      at += *Wait();
      sim::Step step = *rc::gen::weightedOneOf<sim::Step>(
          {{3, MongosyncOperation(mismatch)}, {1, MongosyncFault(mismatch)}});
      step.at = at;
      scenario.steps.push_back(std::move(step));
    }
    scenario.run_until = at + sim::kHour;
    return scenario;
  }));
}

}  // namespace pipecheck::properties::rcgen
