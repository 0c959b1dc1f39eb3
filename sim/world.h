// sim/world.h: what the runner needs of a simulated world.
//
// A world is one model's data under its lifecycle: the source, the oplog, the
// destination, the pipes or the mongosync process, driven by a scheduler in
// virtual time. Every lifecycle transition it takes goes through the model's
// Step with the built-in table (or the table it was given), and is recorded
// in its trace. A world draws randomness only from the Prng seeded by the
// scenario.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sim/scenario.h"
#include "sim/trace.h"

namespace pipecheck::sim {

struct StepOutcome {
  bool accepted = false;
  std::string message;  // The refusal's words (HTTP status and message, or error: description).
};

class World {
 public:
  virtual ~World() = default;

  // Applies a scenario step at now(): a user operation through Step, or an
  // injected fault. The step's own `at` is already now().
  virtual StepOutcome Apply(const Step& step) = 0;
  // Processes the earliest internal event if it is due at or before `limit`.
  // Returns false (and does nothing) when none is.
  virtual bool ProcessNext(Millis limit) = 0;
  // Moves time to `at`. REQUIRES: no internal event is due before `at`.
  virtual void AdvanceTo(Millis at) = 0;
  virtual Millis now() const = 0;

  virtual const Trace& trace() const = 0;
  // For a live session to give its trace away (Trace::GiveAway) once its
  // monitor has read it.
  virtual Trace& mutable_trace() = 0;
  // Internal events processed so far (the benchmark's "simulated events").
  virtual std::uint64_t events_processed() const = 0;

  // For expectations. ClickPipe: the pipe's state; mongosync: `pipe` is 0.
  virtual int pipe_count() const = 0;
  virtual std::string_view LifecycleState(int pipe) const = 0;
  virtual std::string_view ProcessStatus() const { return "up"; }
  // Whether the destination view equals the source now, per the model's
  // notion (ClickPipe: the FINAL view of every pipe created, whatever its
  // state, D18; mongosync: the destination collections). On false, `why`
  // says where they differ.
  virtual bool DataConverged(std::string* why) const = 0;
};

// The lifecycle tables a world steps with: the built-in ones unless a test,
// the explorer or the mutation check gives an altered copy. The tables must
// outlive the world.
struct WorldTables {
  const model::clickpipe::Table* clickpipe = nullptr;
  const model::mongosync::Table* mongosync = nullptr;
};

std::unique_ptr<World> MakeWorld(const Scenario& scenario, const WorldTables& tables = {});

}  // namespace pipecheck::sim
