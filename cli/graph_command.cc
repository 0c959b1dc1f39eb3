#include "cli/graph_command.h"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/options.h"
#include "graphs/explored.h"
#include "graphs/lifecycle.h"
#include "graphs/render.h"
#include "model/describe.h"
#include "model/input_error.h"
#include "properties/runner.h"
#include "sim/scenario.h"

namespace pipecheck::cli {

namespace cp = model::clickpipe;
namespace ms = model::mongosync;

namespace {

// Explored graphs are drawn in full up to these sizes; SVG lays out far
// fewer nodes readably (and in reasonable time) than a tool reads from DOT.
constexpr std::size_t kFullLimit = 10'000;
constexpr std::size_t kFullLimitSvg = 1'000;

void Validate(const GraphRequest& request, ModelName model) {
  if (request.format != "dot" && request.format != "svg" && request.format != "json") {
    throw InputError(fmt::format("unknown format '{}'; expected dot, svg or json", request.format),
                     "--format");
  }
  if (!request.diff.empty()) {
    if (model != ModelName::kClickPipe) {
      throw InputError("only the clickpipe model has two profiles to compare", "--diff");
    }
    if (request.diff != "2024..current" && request.diff != "current..2024") {
      throw InputError(
          fmt::format("unknown range '{}'; expected 2024..current or current..2024", request.diff),
          "--diff");
    }
    if (!request.profile.empty()) throw InputError("--diff names both profiles", "--profile");
    if (request.explored) throw InputError("--diff compares the tables, not explored graphs", "--explored");
    if (!request.highlight.empty()) throw InputError("a run cannot be drawn on a diff", "--highlight");
  }
  if (request.pipes != 0) {
    if (model != ModelName::kClickPipe) throw InputError("only the clickpipe model has pipes", "--pipes");
    if (!request.explored) throw InputError("--pipes bounds the explored graph; add --explored", "--pipes");
    if (request.pipes < 1 || request.pipes > properties::ClickPipeSpace::kMaxPipes) {
      throw InputError(fmt::format("{} pipes: expected 1 to {}", request.pipes,
                                   properties::ClickPipeSpace::kMaxPipes),
                       "--pipes");
    }
  }
  if (request.format == "svg" && graphs::FindDot().empty()) {
    throw InputError(graphs::kDotMissing, "--format svg");
  }
}

// The run of a scenario file, checked against the command line first.
std::optional<graphs::Highlight> LoadHighlight(const GraphRequest& request, ModelName model,
                                               std::optional<cp::Profile>& profile) {
  if (request.highlight.empty()) return std::nullopt;
  const sim::Scenario scenario = sim::LoadScenario(request.highlight);
  const bool clickpipe = model == ModelName::kClickPipe;
  if ((scenario.model == sim::ModelKind::kClickPipe) != clickpipe) {
    throw InputError(fmt::format("the scenario is for {}, not {}", sim::ToString(scenario.model),
                                 clickpipe ? "clickpipe" : "mongosync"),
                     request.highlight);
  }
  if (clickpipe) {
    if (profile && *profile != scenario.profile) {
      throw InputError(fmt::format("the scenario is for profile {}, not {}", cp::ToString(scenario.profile),
                                   cp::ToString(*profile)),
                       request.highlight);
    }
    profile = scenario.profile;
  }
  const properties::RunResult run = properties::RunScenario(scenario);
  return graphs::HighlightFromTrace(fmt::format("scenario {}", scenario.name), run.trace);
}

}  // namespace

int RunGraph(const GraphRequest& request, std::ostream& out, std::ostream& err) {
  const ModelName model = ParseModelFlag(request.model);
  std::optional<cp::Profile> profile;
  if (!request.profile.empty()) profile = ParseProfileFlag(model, request.profile);
  Validate(request, model);
  const std::optional<graphs::Highlight> highlight = LoadHighlight(request, model, profile);
  const graphs::Highlight* shown = highlight ? &*highlight : nullptr;
  const cp::Profile chosen = profile.value_or(cp::Profile::kCurrent);

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
    const bool forward = request.diff == "2024..current";
    const model::TableView old_view = model::Describe(cp::TableOf(cp::Profile::k2024));
    const model::TableView new_view = model::Describe(cp::TableOf(cp::Profile::kCurrent));
    write(forward ? graphs::DiffGraph(old_view, new_view) : graphs::DiffGraph(new_view, old_view));
  } else if (request.explored) {
    graphs::ExploredOptions options;
    options.full_limit = request.format == "svg" ? kFullLimitSvg : kFullLimit;
    properties::ClickPipeBounds bounds;
    if (request.pipes != 0) bounds.pipes = request.pipes;
    const graphs::ExploredGraph explored =
        model == ModelName::kClickPipe
            ? graphs::ExploredClickPipe(cp::TableOf(chosen), bounds, options, shown)
            : graphs::ExploredMongosync(ms::DefaultTable(), {}, options, shown);
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
    const model::TableView view = model == ModelName::kClickPipe
                                      ? model::Describe(cp::TableOf(chosen))
                                      : model::Describe(ms::DefaultTable());
    write(graphs::LifecycleGraph(view, shown));
  }
  return 0;
}

}  // namespace pipecheck::cli
