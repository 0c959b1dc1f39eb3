// properties/monitors.h: the property monitors of one run.
//
// A Monitor object watches one world from outside, like an outside state
// checker: the runner calls AfterEvent() after every internal event and every
// applied scenario step, and AtEnd() once when the run stops. Monitors read
// the world and its trace; they never change them, and draw no randomness.
//
// Each lifecycle gives a monitor catalogue (a constexpr array of Property)
// and a type that the generic runner (runner.h) is a template over:
//
//   struct Monitors {
//     static constexpr int kExpectPipe;  // The pipe a scenario's expect speaks of (-1: none).
//     static std::unique_ptr<sim::World> MakeWorld(const sim::Scenario&, const sim::WorldTables&);
//     static std::unique_ptr<Monitor> MakeMonitor(const sim::Scenario&, const sim::World&);
//     static std::span<const Property> Catalogue();  // In Results() order.
//   };
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "properties/property.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "sim/world.h"

namespace pipecheck::properties {

class Monitor {
 public:
  virtual ~Monitor() = default;
  virtual void AfterEvent() = 0;
  virtual void AtEnd() = 0;
  // Every property of the catalogue, always-properties paired with the
  // sometimes-properties that witness their premises, in catalogue order.
  virtual std::vector<PropertyResult> Results() const = 0;
};

template <class M>
concept MonitorCatalogue = requires(const sim::Scenario& scenario, const sim::WorldTables& tables,
                                    const sim::World& world) {
  { M::kExpectPipe } -> std::convertible_to<int>;
  { M::MakeWorld(scenario, tables) } -> std::same_as<std::unique_ptr<sim::World>>;
  { M::MakeMonitor(scenario, world) } -> std::same_as<std::unique_ptr<Monitor>>;
  { M::Catalogue() } -> std::same_as<std::span<const Property>>;
};

// The first violation or witness of each property of a catalogue: a monitor
// records hits by catalogue index, and the results follow the catalogue.
class FirstHits {
 public:
  explicit FirstHits(std::span<const Property> catalogue);

  bool hit(std::size_t index) const { return hits_[index].hit; }
  // Records the first hit of `index`; later ones are dropped.
  void Record(std::size_t index, sim::Millis at, std::string message);
  // A violation for an always or transition property, a witness otherwise.
  std::vector<PropertyResult> Results() const;

 private:
  struct Hit {
    bool hit = false;
    sim::Millis at = 0;
    std::string message;
  };
  std::span<const Property> catalogue_;
  std::vector<Hit> hits_;
};

}  // namespace pipecheck::properties
