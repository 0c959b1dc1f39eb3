// properties/check.h: `pipecheck check`, exhaustive exploration and every
// property of the catalogue, as a report (interfaces.md section 6).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clickpipe.h"
#include "model/mongosync.h"
#include "properties/clickpipe_space.h"
#include "properties/explorer.h"
#include "properties/mongosync_space.h"
#include "sim/scenario.h"

namespace pipecheck::properties {

struct TraceStep {
  std::string action;  // "pipe 0: pause", "POST /commit" ...
  std::string rows;    // The table rows taken, with source and status.
  std::string state;   // The whole state after the step.
};

struct PropertyReport {
  std::string name;
  Expectation expectation = Expectation::kAlways;
  Verdict verdict = Verdict::kHolds;  // kUnknown: the search was incomplete.
  std::string source;
  std::string premise_of;
  std::string initial;            // The initial state of the trace.
  std::vector<TraceStep> trace;   // Shortest path to the violation or witness.
  std::vector<TraceStep> cycle;   // Liveness: the repeated part of the lasso (empty: stutters).
  std::vector<Action> path;       // The actions of `trace`.
  // A violated safety property's trace as a scenario that `replay` was
  // seen to reproduce, or why none could be written.
  std::optional<sim::Scenario> scenario;
  std::string scenario_why;
  std::string scenario_file;  // Where the command line wrote it.
};

struct RowCoverage {
  std::size_t index;
  std::string description;  // "Running --pause--> Pausing"
  bool taken;
};

struct CheckReport {
  std::string model;
  std::string profile;
  std::map<std::string, int> bounds;
  bool complete = false;
  CheckVerdict verdict = CheckVerdict::kPass;
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::uint32_t depth = 0;
  std::uint64_t memory_bytes = 0;
  std::vector<std::string> reachable;             // Lifecycle states reached.
  std::vector<std::string> unreachable_declared;  // Declared states never reached.
  std::vector<std::string> deadlocks;             // States with no enabled action.
  std::vector<RowCoverage> rows;
  std::vector<PropertyReport> properties;
};

// With `scenarios`, each violated always or transition property's trace is
// realized as a scenario (see realize.h).
CheckReport CheckClickPipe(const model::clickpipe::Table& table, const ClickPipeBounds& bounds,
                           const ExploreLimits& limits, bool scenarios = false);
CheckReport CheckMongosync(const model::mongosync::Table& table, const MongosyncBounds& bounds,
                           const ExploreLimits& limits, bool scenarios = false);

}  // namespace pipecheck::properties
