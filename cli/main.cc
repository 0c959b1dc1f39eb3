// cli/main.cc: the pipecheck command line (interfaces.md section 1).
//
// Thin: parses flags with CLI11, hands them to a command, and turns bad
// input into one line `pipecheck: error: WHAT (WHERE)` and exit code 2.
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <limits>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bindings/registry.h"
#include "cli/check_command.h"
#include "cli/flag_checks.h"
#include "cli/graph_command.h"
#include "cli/mutate_command.h"
#include "cli/report_command.h"
#include "cli/run_commands.h"
#include "cli/serve_command.h"
#include "cli/step_command.h"
#include "cli/validate_command.h"
#include "model/describe.h"
#include "model/input_error.h"
#include "report/table_format.h"

#ifndef PIPECHECK_VERSION
#define PIPECHECK_VERSION "unknown"
#endif

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
  const model::TableView view = bindings::WithBinding(
      request.model, [&]<class B>(B) { return B::Describe(B::ParseProfile(request.profile)); });
  if (request.format == "json") {
    out << report::TableJson(view).dump(2) << "\n";
  } else {
    out << report::TableMarkdown(view);
  }
  return 0;
}

constexpr long long kMaxPipesFlag = 8;
constexpr long long kNoLimit = std::numeric_limits<long long>::max();

int Main(int argc, char** argv) {
  CLI::App app{"pipecheck: deterministic simulation and model checking of the MongoDB ClickPipe "
               "and mongosync lifecycles"};
  app.name("pipecheck");
  app.require_subcommand(1);
  app.set_version_flag("--version", "pipecheck " PIPECHECK_VERSION, "print the version and exit");

  SpecRequest spec;
  CLI::App* spec_command = app.add_subcommand("spec", "Print a lifecycle's transition table");
  spec_command->add_option("--model", spec.model, bindings::BindingNames())->required();
  spec_command->add_option("--profile", spec.profile, "ClickPipe profile: current (default) or 2024");
  spec_command->add_option("--format", spec.format, "json (default) or md");

  StepRequest step;
  CLI::App* step_command =
      app.add_subcommand("step", "Answer one step of a lifecycle table: accepted or refused");
  step_command->add_option("--model", step.model, bindings::BindingNames())->required();
  step_command->add_option("--profile", step.flags.profile, "ClickPipe profile: current (default) or 2024");
  step_command->add_option("--mode", step.flags.mode, "ClickPipe mode: cdc (default), cdc_only, snapshot");
  step_command->add_option("--state", step.flags.state, "the state before the step (or none)")->required();
  step_command->add_option("--do", step.flags.trigger, "the operation, event or fault")->required();
  step_command->add_option("--set", step.flags.settings, "context KEY=VALUE, repeatable (default: each key's documented default, "
                            "such as resume_point_in_oplog=true)");
  step_command->add_option("--body", step.flags.body, "mongosync start: the JSON request body (default: {})");
  step_command->add_option("--format", step.format, "text (default) or json");

  std::string report_dir = "reports";
  CLI::App* report_command = app.add_subcommand(
      "report", "The main job on built-in defaults: summarise both models, write reports/");
  report_command->add_option("--out", report_dir, "the directory to write (default reports)");

  GraphRequest graph;
  CLI::App* graph_command = app.add_subcommand(
      "graph", "Diagrams: a lifecycle, the explored state graph, or the profile diff (DOT, SVG, JSON)");
  graph_command->add_option("--model", graph.model, bindings::BindingNames())->required();
  graph_command->add_option("--profile", graph.profile, "ClickPipe profile: current (default) or 2024");
  graph_command->add_flag("--explored", graph.explored,
                          "the explored state graph (in full up to 10,000 states, 1,000 for SVG; "
                          "otherwise quotiented; default: the lifecycle table)");
  graph_command->add_option("--pipes", graph.pipes, "with --explored: ClickPipes sharing the service (default 2, max 8)")
      ->check(WholeNumber("--pipes", 1, kMaxPipesFlag));
  graph_command->add_option("--diff", graph.diff, "ClickPipe profiles: 2024..current or current..2024 (default: none)");
  graph_command->add_option("--highlight", graph.highlight,
                            "a scenario file (or a counterexample check wrote): draw its run (default: none)");
  graph_command->add_option("--format", graph.format, "dot (default), svg (needs Graphviz) or json");

  ReplayRequest replay;
  CLI::App* replay_command =
      app.add_subcommand("replay", "Run scenario files, print their traces, check expectations");
  replay_command->add_option("files", replay.files, "pipecheck-scenario/1 files")->required();
  replay_command->add_option("--format", replay.format, "text (default) or json");
  replay_command->add_flag("--quiet", replay.quiet, "print only the verdicts, not the traces (default: off)");
  replay_command->add_flag("--verbose", replay.verbose,
                           "also print the data events (CDC batches, copy progress ...) of the traces");
  replay_command->add_option("--time-limit", replay.time_limit,
                             "stop (exit 3, the run so far) after this long, e.g. 10m (default: none)")
      ->check(TimeLimit("--time-limit"));
  replay_command->add_option("--max-memory", replay.max_memory,
                             "stop (exit 3, the run so far) past this much resident memory, e.g. 4G (default 8G)")
      ->check(MemoryLimit("--max-memory"));

  SimRequest sim;
  CLI::App* sim_command =
      app.add_subcommand("sim", "Seeded random runs with injected faults, every property checked");
  sim_command->add_option("--model", sim.model, bindings::BindingNames())->required();
  sim_command->add_option("--profile", sim.profile, "ClickPipe profile: current (default) or 2024");
  sim_command->add_option("--mode", sim.mode, "ClickPipe mode (default: drawn from each seed)");
  sim_command->add_option("--seed", sim.seed, "run one seed and print its trace (default: none; give --seed or --seeds)")->expected(1);
  sim_command->add_option("--seeds", sim.seeds, "run a range of seeds A..B and summarise (default: none)");
  sim_command->add_option("--duration", sim.duration, "virtual time per run (default 24h)");
  sim_command->add_option("--faults", sim.faults,
                          "fault kinds: a comma list, all (default), none, or swarm (on/off per seed)");
  sim_command->add_option("--format", sim.format,
                          "text (default), jsonl (one seed's trace) or json (the summary as one object)");
  sim_command->add_option("--save-failures", sim.save_failures,
                          "write each failing run as a scenario file into this directory (default: none)");
  sim_command->add_flag("--check-determinism", sim.check_determinism,
                        "run each seed twice and compare trace hashes (default: off)");
  sim_command->add_flag("--verbose", sim.verbose,
                        "with --seed: also print the data events (CDC batches, copy progress ...)");
  sim_command->add_option("--time-limit", sim.time_limit,
                          "stop (exit 3, summary so far, inside a seed too) after this long, e.g. 10m "
                          "(default: none)")
      ->check(TimeLimit("--time-limit"));
  sim_command->add_option("--max-memory", sim.max_memory,
                          "stop (exit 3, summary so far) past this much resident memory, e.g. 4G (default 8G)")
      ->check(MemoryLimit("--max-memory"));
  sim_command->add_flag("--progress{on}", sim.progress,
                        "progress on stderr: --progress=bar (one line redrawn), =lines (a line every "
                        "5 s, for logs) or =off; the flag alone: bar on a terminal, else lines "
                        "(default: bar on a terminal for a range, else off)");

  CheckRequest check;
  CLI::App* check_command = app.add_subcommand(
      "check", "Explore every reachable state and judge every property (exit 3: incomplete)");
  check_command->add_option("--model", check.model, bindings::BindingNames())->required();
  check_command->add_option("--profile", check.explore.profile, "ClickPipe profile: current (default) or 2024");
  check_command->add_option("--mode", check.explore.mode, "explore one ClickPipe mode (default: all)");
  check_command->add_option("--pipes", check.explore.pipes, "ClickPipes sharing the service (default 2, max 8)")
      ->check(WholeNumber("--pipes", 1, kMaxPipesFlag));
  check_command->add_option("--budget", check.explore.budget,
                            "fault budgets, e.g. crash=1,expiry=1,irrecoverable=1,outage=1,lag=1 "
                            "(mongosync: crash,rollover,mismatch,lag); each 0-3, default 1");
  check_command->add_option("--max-states", check.max_states, "stop (incomplete) past this many states (default 50,000,000)")
      ->check(WholeNumber("--max-states", 1, kNoLimit));
  check_command->add_option("--max-memory", check.max_memory, "stop (incomplete) past this much memory, e.g. 4G (default 8G)")
      ->check(MemoryLimit("--max-memory"));
  check_command->add_option("--time-limit", check.time_limit, "stop (incomplete) after this long, e.g. 10m (default: none)")
      ->check(TimeLimit("--time-limit"));
  check_command->add_option("--symmetry", check.symmetry,
                            "on (default): store one state per orbit of interchangeable pipes (the "
                            "counts are of orbits; verdicts and shortest traces are unchanged); off: "
                            "every state");
  check_command->add_option("--workers", check.workers,
                            "threads that expand states (default: the machine's cores); every count "
                            "gives the same report")
      ->check(WholeNumber("--workers", 1, 256));
  check_command->add_option("--format", check.format, "text (default) or json");
  check_command->add_flag("--progress{on}", check.progress,
                          "progress on stderr: --progress=bar (one line redrawn), =lines (a line every "
                          "5 s, for logs) or =off; the flag alone: bar on a terminal, else lines "
                          "(default: bar on a terminal, else off)");

  MutateRequest mutate;
  CLI::App* mutate_command = app.add_subcommand(
      "mutate",
      "Every single-row mutant of a table, explored with the whole catalogue: which properties "
      "kill it (exit 0: every survivor is a known equivalent; 1: a mutant survived unexplained "
      "or a listed equivalent was killed)");
  mutate_command->add_option("--model", mutate.model, bindings::BindingNames())->required();
  mutate_command->add_option("--profile", mutate.profile, "ClickPipe profile: current (default) or 2024");
  mutate_command->add_option("--pipes", mutate.pipes, "ClickPipes explored per mutant (default 1, max 8)")
      ->check(WholeNumber("--pipes", 1, kMaxPipesFlag));
  mutate_command->add_option("--format", mutate.format, "text (default) or json");
  mutate_command->add_flag("--progress", mutate.progress, "a progress line on stderr (default: off)");

  ValidateRequest validate;
  CLI::App* validate_command = app.add_subcommand(
      "validate",
      "Check recorded status histories (JSON lines, CSV or saved API bodies) against the lifecycle "
      "(exit 0: every pipe valid; 1: some pipe took an impossible step)");
  validate_command->add_option("files", validate.files, "history files, one observation a line")->required();
  validate_command->add_option("--model", validate.model, bindings::BindingNames())->required();
  validate_command->add_option("--profile", validate.profile, "ClickPipe profile: current (default) or 2024");
  validate_command->add_option("--mode", validate.mode,
                               "ClickPipe mode of every pipe (default: any; the output says which fit)");
  validate_command->add_option("--max-gap", validate.max_gap,
                               "flag a transient state seen for longer than this, e.g. 1h (default: off)");
  validate_command->add_option("--format", validate.format, "text (default) or json");
  validate_command->add_option("--mongosync-version", validate.mongosync_version,
                               "the mongosync release whose /progress rules judge the history, 1.8 to 1.21 (default 1.21)");

  ServeRequest serve;
  CLI::App* serve_command = app.add_subcommand(
      "serve",
      "The simulator behind the product's HTTP API (mongosync /api/v1/, ClickPipes /v1/...), with a "
      "control API for time and faults; every session is a replayable scenario");
  serve_command->add_option("--model", serve.model, bindings::BindingNames())->required();
  serve_command->add_option("--profile", serve.profile, "ClickPipe profile: current (default) or 2024");
  serve_command->add_option("--port", serve.port, "API port (default: mongosync 27182, clickpipe 18123; 0: any)")
      ->check(WholeNumber("--port", 0, 65535));
  serve_command->add_option("--bind", serve.bind, "address to listen on (default 127.0.0.1)");
  serve_command->add_option("--control-port", serve.control_port, "control API port (default: API port + 1000)")
      ->check(WholeNumber("--control-port", 0, 65535));
  serve_command->add_option("--seed", serve.seed, "the world's seed (default 1)")->check(Seed("--seed"));
  serve_command->add_option("--config", serve.config,
                            "a JSON file: an object of scenario config keys (default: each key's documented default)");
  serve_command->add_option("--clock", serve.clock, "manual (default: POST /pipecheck/v1/advance) or real");
  serve_command->add_option("--speed", serve.speed, "with --clock real: simulated seconds per real second (default 1)")
      ->check(PositiveDecimal("--speed", 1e6));
  serve_command->add_option("--record", serve.record, "write the session as a scenario file at exit (default: none)");
  serve_command->add_option("--api-key", serve.api_key,
                            "require HTTP Basic auth ID:SECRET on every API and control route (default: none)");
  serve_command->add_option("--control-key", serve.control_key,
                            "require HTTP Basic auth ID:SECRET on the control API instead (default: --api-key)");
  serve_command->add_option("--record-dir", serve.record_dir,
                            "the one directory that save and the journal write in (default: the working directory)");
  serve_command->add_option("--journal", serve.journal,
                            "the journal's file name in --record-dir, or none (default: pipecheck-serve-PID.journal)");
  serve_command->add_option("--read-timeout", serve.read_timeout,
                            "the longest a client may take to send a request's head, or its body (default 10s)")
      ->check(TimeLimit("--read-timeout"));
  serve_command->add_option("--max-connections", serve.max_connections,
                            "open connections at once; past it a client is answered 503 (default 1024)")
      ->check(WholeNumber("--max-connections", 1, 100000));
  serve_command->add_option("--mongosync-version", serve.mongosync_version,
                            "the mongosync release emulated: its /progress fields and rules, 1.8 to 1.21 (default 1.21)");

  bool known = argc < 2 || argv[1][0] == '-';
  for (const CLI::App* command : app.get_subcommands({})) {
    if (argc > 1 && command->get_name() == argv[1]) known = true;
  }
  if (!known) {
    std::cerr << fmt::format(
        "pipecheck: error: unknown command '{}'; expected spec, step, check, sim, replay, report, graph, validate, serve or mutate (command line)\n",
        PrintableText(argv[1]));
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::cerr << fmt::format("pipecheck: error: {} (command line)\n", PrintableText(error.what()));
    return 2;
  } catch (const InputError& error) {
    std::cerr << fmt::format("pipecheck: error: {} ({})\n", error.what(), error.where());
    return 2;
  }

  try {
    if (*spec_command) return RunSpec(spec, std::cout);
    if (*step_command) return RunStep(step, std::cout);
    if (*report_command) return RunReport(report_dir, std::cout);
    if (*graph_command) return RunGraph(graph, std::cout, std::cerr);
    if (*replay_command) return RunReplay(replay, std::cout);
    if (*sim_command) return RunSim(sim, std::cout, std::cerr);
    if (*check_command) return RunCheck(check, std::cout, std::cerr);
    if (*mutate_command) return RunMutate(mutate, std::cout, std::cerr);
    if (*validate_command) return RunValidate(validate, std::cout);
    if (*serve_command) return RunServe(serve, std::cerr);
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
    std::cerr << fmt::format("pipecheck: error: {} (internal)\n", pipecheck::PrintableText(error.what()));
    return 2;
  }
}
