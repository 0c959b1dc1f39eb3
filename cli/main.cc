// cli/main.cc: the pipecheck command line (interfaces.md section 1).
//
// Thin: parses flags with CLI11, hands them to a command, and turns bad
// input into one line `pipecheck: error: WHAT (WHERE)` and exit code 2.
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/options.h"
#include "cli/report_command.h"
#include "cli/spec_format.h"
#include "cli/step_command.h"
#include "model/describe.h"
#include "model/input_error.h"

namespace pipecheck::cli {
namespace {

struct SpecRequest {
  std::string model;
  std::string profile;
  std::string format = "json";
};

int RunSpec(const SpecRequest& request, std::ostream& out) {
  if (request.format != "json" && request.format != "md") {
    throw InputError(fmt::format("unknown format '{}'; expected json or md", request.format),
                     "--format");
  }
  const ModelName model = ParseModelFlag(request.model);
  const model::TableView view =
      model == ModelName::kClickPipe
          ? model::Describe(model::clickpipe::TableOf(ParseProfileFlag(model, request.profile)))
          : (ParseProfileFlag(model, request.profile), model::Describe(model::mongosync::DefaultTable()));
  if (request.format == "json") {
    out << SpecJson(view).dump(2) << "\n";
  } else {
    out << SpecMarkdown(view);
  }
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"pipecheck: deterministic simulation and model checking of the MongoDB ClickPipe "
               "and mongosync lifecycles"};
  app.name("pipecheck");
  app.require_subcommand(1);

  SpecRequest spec;
  CLI::App* spec_command = app.add_subcommand("spec", "Print a lifecycle's transition table");
  spec_command->add_option("--model", spec.model, "clickpipe or mongosync")->required();
  spec_command->add_option("--profile", spec.profile, "ClickPipe profile: current (default) or 2024");
  spec_command->add_option("--format", spec.format, "json (default) or md");

  StepRequest step;
  CLI::App* step_command =
      app.add_subcommand("step", "Answer one step of a lifecycle table: accepted or refused");
  step_command->add_option("--model", step.model, "clickpipe or mongosync")->required();
  step_command->add_option("--profile", step.profile, "ClickPipe profile: current (default) or 2024");
  step_command->add_option("--mode", step.mode, "ClickPipe mode: cdc (default), cdc_only, snapshot");
  step_command->add_option("--state", step.state, "the state before the step (or none)")->required();
  step_command->add_option("--do", step.trigger, "the operation, event or fault")->required();
  step_command->add_option("--set", step.settings, "context KEY=VALUE (repeatable)");
  step_command->add_option("--body", step.body, "mongosync start: the JSON request body");
  step_command->add_option("--format", step.format, "text (default) or json");

  std::string report_dir = "reports";
  CLI::App* report_command = app.add_subcommand(
      "report", "The main job on built-in defaults: summarise both models, write reports/");
  report_command->add_option("--out", report_dir, "the directory to write (default reports)");

  bool known = argc < 2 || argv[1][0] == '-';
  for (const CLI::App* command : app.get_subcommands({})) {
    if (argc > 1 && command->get_name() == argv[1]) known = true;
  }
  if (!known) {
    std::cerr << fmt::format(
        "pipecheck: error: unknown command '{}'; expected spec, step or report (command line)\n",
        argv[1]);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::cerr << fmt::format("pipecheck: error: {} (command line)\n", error.what());
    return 2;
  }

  try {
    if (*spec_command) return RunSpec(spec, std::cout);
    if (*step_command) return RunStep(step, std::cout);
    if (*report_command) return RunReport(report_dir, std::cout);
  } catch (const InputError& error) {
    std::cerr << fmt::format("pipecheck: error: {} ({})\n", error.what(), error.where());
    return 2;
  }
  return 2;
}

}  // namespace
}  // namespace pipecheck::cli

int main(int argc, char** argv) {
  try {
    return pipecheck::cli::Main(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << fmt::format("pipecheck: error: {} (internal)\n", error.what());
    return 2;
  }
}
