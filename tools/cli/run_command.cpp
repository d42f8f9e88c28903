// genflow run [WORKFLOW.yaml] [--contracts DIR] [--out DIR] [--max-parallel N] [--fast-fail]
//             [--json] [--templates DIR] [--validation FILE] [--quorum FILE | --no-quorum]
//
// Without a workflow, or with --contracts, runs the code-generation job (configs/workflows/
// codegen.yaml) over the contracts of DIR — by default the example contracts embedded in the
// binary — and writes the node packages under --out. With a workflow and no --contracts, runs
// that workflow as it is.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include <unistd.h>

#include <caf/actor_system.hpp>

#include "nodes/node_config.hpp"
#include "nodes/standalone.hpp"
#include "runtime/codegen/run_summary.hpp"
#include "runtime/codegen/statistics_report.hpp"
#include "runtime/io/embedded_files.hpp"
#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/io/log.hpp"
#include "runtime/workflow/loader.hpp"
#include "runtime/workflow/report.hpp"
#include "tools/cli/commands.hpp"

namespace genflow::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view codegen_workflow = "configs/workflows/codegen.yaml";
constexpr std::string_view example_contracts = "configs/contracts/examples/";
constexpr std::string_view default_validation = "configs/validation.yaml";
constexpr std::string_view default_quorum = "configs/quorum/default.yaml";

struct run_options {
  std::string workflow;
  std::string contracts;
  std::string out = "genflow-out";
  std::optional<std::uint32_t> max_parallel;
  bool fast_fail = false;
  bool json = false;
  bool verbose = false;
  std::string templates;
  std::string validation;
  std::string quorum;
  bool no_quorum = false;
  bool durable = false;
  bool stats = false;
  std::string on_validation_failure = "fail";
};

void print_errors(const std::vector<error_info>& errors) {
  for (const auto& e : errors)
    std::cerr << "error: " << e.to_string() << '\n';
}

/// A step-id-safe name for a contract file ("order_sync" for "order-sync.v2.yaml" keeps dots).
std::string contract_name(const std::string& path) {
  auto stem = fs::path{path}.stem().string();
  for (auto& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      c = '_';
  return stem;
}

/// The contracts run parameter: every *.yaml / *.yml of `dir` (sorted), or the embedded
/// examples when `dir` is empty.
expected<value> contract_list(const std::string& dir) {
  std::vector<std::string> paths;
  if (dir.empty()) {
    for (const auto& f : io::embedded_files())
      if (f.path.rfind(example_contracts, 0) == 0)
        paths.push_back("embedded:" + std::string{f.path});
  } else {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      return error_info{"cli.contracts", "not a directory", dir};
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      auto ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
        paths.push_back(e.path().string());
    }
    if (ec)
      return error_info{"cli.contracts", ec.message(), dir};
  }
  std::sort(paths.begin(), paths.end());
  if (paths.empty())
    return error_info{"cli.contracts", "no contract files (*.yaml, *.yml) found",
                      dir.empty() ? std::string{"embedded examples"} : dir};
  value list = value::array_type{};
  std::vector<std::string> seen;
  for (const auto& p : paths) {
    auto name = contract_name(p);
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return error_info{"cli.contracts", "two contract files are both named '" + name + "'", p};
    seen.push_back(name);
    list.push_back(value::object_type{{"name", name}, {"path", p}});
  }
  return list;
}

/// Reads a config from a file, or from the embedded default.
expected<std::string> config_text(const std::string& path, std::string_view embedded,
                                  std::string& source) {
  if (!path.empty()) {
    source = path;
    return io::read_file(path);
  }
  source = "(embedded) " + std::string{embedded};
  if (auto text = io::find_embedded(embedded))
    return std::string{*text};
  return error_info{"io.not_found", "not embedded in this binary", std::string{embedded}};
}

/// Draws progress on stderr: one updating line on a terminal, a line per stage otherwise.
class progress_printer {
public:
  progress_printer() : tty_(::isatty(STDERR_FILENO) == 1) {}

  void operator()(const run_progress& p) {
    if (!p.running)
      return;
    if (tty_) {
      std::fprintf(stderr, "\r\033[2Kstage %u/%u %-10s %u/%u steps  (run: %u/%u)",
                   p.stage_position, p.stage_count, p.stage_id.c_str(), p.stage_done,
                   p.stage_total, p.done, p.total);
      drawn_ = true;
    } else if (p.stage_id != last_stage_) {
      std::fprintf(stderr, "stage %u/%u %s (%u steps)\n", p.stage_position, p.stage_count,
                   p.stage_id.c_str(), p.stage_total);
      last_stage_ = p.stage_id;
    }
  }

  void finish() {
    if (drawn_)
      std::fprintf(stderr, "\r\033[2K");
  }

private:
  bool tty_;
  bool drawn_ = false;
  std::string last_stage_;
};

/// Ends the process at once with `code`, its output flushed, when the binary is not built with
/// sanitizers. By then every file the run wrote is closed and renamed into place and its report
/// is printed; what remains is tearing down the node's actors and CAF's scheduler, ~2 ms of a
/// ~25 ms main job, which changes nothing outside the process (an HTTP request to a model the
/// quorum has already withdrawn is closed by the kernel instead of cancelled by libcurl).
/// Sanitizer builds, the test suite's, return instead: every system test still runs the
/// orderly shutdown and LeakSanitizer's check at exit.
void exit_without_teardown([[maybe_unused]] int code) {
#if !defined(__SANITIZE_ADDRESS__)
  std::cout.flush();
  std::fflush(nullptr);
  std::_Exit(code);
#endif
}

int run_command(const run_options& opts) {
  log::set_level(opts.verbose ? log::level::debug : log::level::warn);
  bool codegen = opts.workflow.empty() || !opts.contracts.empty();

  // Run parameters (the code-generation job's contracts and output directory).
  value params = value::object_type{};
  if (codegen) {
    auto list = contract_list(opts.contracts);
    if (!list) {
      print_errors({list.error()});
      return 2;
    }
    params.set("contracts", std::move(*list));
    params.set("out", fs::absolute(opts.out).lexically_normal().string());
    params.set("durable", opts.durable ? "true" : "false");
    params.set("on_validation_failure", opts.on_validation_failure);
  }

  // The node: validators, quorum, templates.
  nodes::standalone_options node_opts;
  if (!opts.templates.empty())
    node_opts.template_dir = opts.templates;
  std::string source;
  auto vtext = config_text(opts.validation, default_validation, source);
  if (!vtext) {
    print_errors({vtext.error()});
    return 2;
  }
  auto vcfg = analysis::parse_validation_config(*vtext, source);
  if (!vcfg.config) {
    print_errors(vcfg.errors);
    return 2;
  }
  node_opts.validation = std::move(*vcfg.config);
  if (!opts.no_quorum) {
    auto qtext = config_text(opts.quorum, default_quorum, source);
    if (!qtext) {
      print_errors({qtext.error()});
      return 2;
    }
    auto qcfg = quorum::parse_quorum_config(*qtext, source);
    if (!qcfg.config) {
      print_errors(qcfg.errors);
      return 2;
    }
    node_opts.quorum = std::move(*qcfg.config);
  }

  nodes::node_config cfg; // one process: no middleman, no libcaf_io
  caf::actor_system sys{cfg};
  auto node = nodes::standalone_node::start(sys, std::move(node_opts));
  if (!node) {
    print_errors({node.error()});
    return 2;
  }

  // The workflow.
  workflow::load_report loaded;
  if (opts.workflow.empty()) {
    auto text = io::find_embedded(codegen_workflow);
    loaded = workflow::parse_workflow(text.value_or(""), "(embedded) " + std::string{codegen_workflow},
                                      (*node)->handlers(), params);
  } else {
    loaded = workflow::load_workflow_file(opts.workflow, (*node)->handlers(), params);
  }
  if (!loaded.workflow) {
    print_errors(loaded.errors);
    return 2;
  }
  auto def = std::move(*loaded.workflow);
  if (opts.max_parallel)
    def.options.max_parallel = *opts.max_parallel;
  if (opts.fast_fail)
    def.options.fast_fail = true;

  progress_printer progress;
  auto result = (*node)->run(std::move(def), {}, std::ref(progress));
  progress.finish();

  codegen::run_statistics stats;
  if (opts.json || opts.stats) {
    stats.executor = (*node)->statistics();
    stats.templates = (*node)->template_cache_statistics();
    stats.quorum = (*node)->quorum_statistics();
    stats.profile = (*node)->profile();
  }
  if (opts.json) {
    value out = workflow::to_value(result, !codegen);
    if (codegen)
      out.set("nodes", codegen::summarize_nodes(result));
    out.set("statistics", codegen::to_value(stats));
    std::cout << io::to_json(out, 2) << '\n';
  } else {
    std::cout << workflow::format_table(result);
    if (codegen)
      std::cout << codegen::format_nodes(result);
    if (opts.stats)
      std::cout << codegen::format_statistics(stats);
  }
  int code = result.status == workflow_status::succeeded && result.steps_failed == 0 ? 0 : 1;
  exit_without_teardown(code);
  return code;
}

} // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<run_options>();
  auto* cmd = app.add_subcommand(
    "run", "Run the code-generation job (default: the bundled example contracts) or a workflow");
  cmd->add_option("workflow", opts->workflow, "Workflow YAML file (default: the code-generation job)")
    ->check(CLI::ExistingFile);
  cmd->add_option("--contracts", opts->contracts,
                  "Directory of ONEX contracts (*.yaml) to generate (default: bundled examples)")
    ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", opts->out, "Where node packages are written")->capture_default_str();
  cmd->add_option("--max-parallel", opts->max_parallel,
                  "Steps running at once (0 = unbounded); overrides the workflow");
  cmd->add_flag("--fast-fail", opts->fast_fail, "Stop at the first failed step");
  cmd->add_flag("--json", opts->json, "Print the result as JSON");
  cmd->add_option("--templates", opts->templates,
                  "Template directory (default: the templates built into genflow)")
    ->check(CLI::ExistingDirectory);
  cmd->add_option("--validation", opts->validation, "Validation config (default: built in)")
    ->check(CLI::ExistingFile);
  cmd->add_option("--quorum", opts->quorum,
                  "Quorum models config (default: built-in offline reviewers)")
    ->check(CLI::ExistingFile);
  cmd->add_flag("--no-quorum", opts->no_quorum, "Validate without the AI quorum");
  cmd->add_option("--on-validation-failure", opts->on_validation_failure,
                  "fail: a node whose code fails validation is not written; warn: written anyway")
    ->check(CLI::IsMember({"fail", "warn"}))
    ->capture_default_str();
  cmd->add_flag("--durable", opts->durable,
                "fsync every written file before renaming it into place (survives a machine "
                "crash, costs a disk flush per file)");
  cmd->add_flag("--stats", opts->stats,
                "Print executor, template cache, quorum and profiler statistics after the run");
  cmd->add_flag("-v,--verbose", opts->verbose, "Log progress with correlation ids to stderr");
  cmd->callback([opts, &exit_code] { exit_code = run_command(*opts); });
}

} // namespace genflow::cli
