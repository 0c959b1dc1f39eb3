#include "cli/graph_command.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "bindings/registry.h"
#include "graphs/explored.h"
#include "graphs/lifecycle.h"
#include "graphs/render.h"
#include "model/input_error.h"
#include "properties/runner.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

namespace {

// Explored graphs are drawn in full up to these sizes; SVG lays out far
// fewer nodes readably (and in reasonable time) than a tool reads from DOT.
constexpr std::size_t kFullLimit = 10'000;
constexpr std::size_t kFullLimitSvg = 1'000;

// "a..b" for every two different profiles of B, oldest first.
template <class B>
std::vector<std::string> DiffRanges() {
  std::vector<std::string> ranges;
  for (const std::string_view from : B::kProfiles) {
    for (const std::string_view to : B::kProfiles) {
      if (from != to) ranges.push_back(fmt::format("{}..{}", from, to));
    }
  }
  return ranges;
}

template <class B>
void Validate(const GraphRequest& request) {
  if (request.format != "dot" && request.format != "svg" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected dot, svg or json", request.format),
                     "--format");
  }
  if (!request.diff.empty()) {
    if (B::kProfiles.size() < 2) {
      const std::string models =
          bindings::BindingNames([](auto b) { return decltype(b)::kProfiles.size() >= 2; });
      throw InputError(fmt::format("only the {} model has two profiles to compare", models), "--diff");
    }
    const std::vector<std::string> ranges = DiffRanges<B>();
    if (std::find(ranges.begin(), ranges.end(), request.diff) == ranges.end()) {
      throw InputError(fmt::format("unknown range '{}'; expected {}", request.diff,
                                   fmt::join(ranges, " or ")),
                       "--diff");
    }
    if (!request.profile.empty()) throw InputError("--diff names both profiles", "--profile");
    if (request.explored) throw InputError("--diff compares the tables, not explored graphs", "--explored");
    if (!request.highlight.empty()) throw InputError("a run cannot be drawn on a diff", "--highlight");
  }
  if (request.pipes != 0) {
    if (B::kMaxPipes == 0) {
      const std::string models =
          bindings::BindingNames([](auto b) { return decltype(b)::kMaxPipes > 0; });
      throw InputError(fmt::format("only the {} model has pipes", models), "--pipes");
    }
    if (!request.explored) throw InputError("--pipes bounds the explored graph; add --explored", "--pipes");
    if (request.pipes < 1 || request.pipes > B::kMaxPipes) {
      throw InputError(fmt::format("{} pipes: expected 1 to {}", request.pipes, B::kMaxPipes), "--pipes");
    }
  }
  if (request.format == "svg" && graphs::FindDot().empty()) {
    throw InputError(graphs::kDotMissing, "--format svg");
  }
}

// The run of a scenario file, checked against the command line first.
template <class B>
std::optional<graphs::Highlight> LoadHighlight(const GraphRequest& request,
                                               std::optional<typename B::Profile>& profile) {
  if (request.highlight.empty()) return std::nullopt;
  const sim::Scenario scenario = sim::LoadScenario(request.highlight);
  if (scenario.model != B::kKind) {
    throw InputError(fmt::format("the scenario is for {}, not {}", sim::ToString(scenario.model), B::kName),
                     request.highlight);
  }
  B::MatchScenario(scenario, profile, request.highlight);
  const properties::RunResult run = properties::RunScenario<typename B::Monitors>(scenario);
  return graphs::HighlightFromTrace(fmt::format("scenario {}", scenario.name), run.trace);
}

template <class B>
int Graph(const GraphRequest& request, std::ostream& out, std::ostream& err) {
  std::optional<typename B::Profile> profile;
  if (!request.profile.empty()) profile = B::ParseProfile(request.profile);
  Validate<B>(request);
  const std::optional<graphs::Highlight> highlight = LoadHighlight<B>(request, profile);
  const graphs::Highlight* shown = highlight ? &*highlight : nullptr;
  const typename B::Profile chosen = profile ? *profile : B::ParseProfile("");

  // Each branch writes its graph where it is built: a Graph is never copied
  // or moved here (GCC 12 warns falsely inside Boost.Graph's edge copying).
  auto write = [&](const graphs::Graph& graph) {
    if (request.format == "json") {
      out << graphs::ToJson(graph).dump(2) << "\n";
    } else if (request.format == "dot") {
      out << graphs::ToDot(graph);
    } else {
      const graphs::SvgResult svg = graphs::RenderSvg(graphs::ToDot(graph, /*html_legend=*/true));
      if (!svg.ok) throw InputError(svg.error, "--format svg");
      out << svg.svg;
    }
  };
  if (!request.diff.empty()) {
    const std::size_t dots = request.diff.find("..");
    const model::TableView before = B::Describe(B::ParseProfile(request.diff.substr(0, dots)));
    const model::TableView after = B::Describe(B::ParseProfile(request.diff.substr(dots + 2)));
    write(graphs::DiffGraph(before, after));
  } else if (request.explored) {
    graphs::ExploredOptions options;
    options.full_limit = request.format == "svg" ? kFullLimitSvg : kFullLimit;
    bindings::ExploreFlags flags;
    flags.pipes = request.pipes;
    const typename B::Space space = B::MakeSpace(chosen, flags);
    const graphs::ExploredGraph explored = graphs::Explored(space, options, shown);
    if (!explored.complete) {
      err << fmt::format(
          "pipecheck graph: incomplete: the explored space has more than {} states; nothing drawn "
          "(use fewer --pipes)\n",
          graphs::Thousands(options.max_states));
      return 3;
    }
    if (explored.quotient && explored.states <= kFullLimit) {
      err << fmt::format(
          "pipecheck graph: {} states are too many to lay out as SVG; drawn quotiented by {} "
          "(--format dot or json has every state)\n",
          explored.states, explored.quotient_by);
    }
    write(explored.graph);
  } else {
    write(graphs::LifecycleGraph(B::Describe(chosen), shown));
  }
  return 0;
}

}  // namespace

int RunGraph(const GraphRequest& request, std::ostream& out, std::ostream& err) {
  return bindings::WithBinding(request.model,
                               [&]<class B>(B) { return Graph<B>(request, out, err); });
}

}  // namespace pipecheck::cli
