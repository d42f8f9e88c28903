// `genflow validate PATH [--contract FILE] [--node-type T] [--format text|json|sarif]
// [--config FILE]`: validates a Python file, or every *.py under a directory, with the four
// validators (completeness, quality, ONEX compliance, security) and prints a report.
// Exit code 0 when every file passes, 1 when any fails, 2 on usage errors (bad path, format,
// node type, contract or config).

#include <iostream>
#include <memory>

#include "runtime/analysis/report.hpp"
#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/json.hpp"
#include "tools/cli/commands.hpp"

namespace genflow::cli {

namespace {

constexpr int usage_error = 2;

struct validate_options {
  std::string path;
  std::string contract_path;
  std::string node_type;
  std::string format = "text";
  std::string config_path;
};

int run_validate(const validate_options& o) {
  using namespace analysis;
  if (o.format != "text" && o.format != "json" && o.format != "sarif") {
    std::cerr << "genflow validate: --format must be text, json or sarif, not '" << o.format
              << "'\n";
    return usage_error;
  }
  if (!o.node_type.empty() && !find_node_type(o.node_type)) {
    std::cerr
      << "genflow validate: --node-type must be effect, compute, reducer or orchestrator, not '"
      << o.node_type << "'\n";
    return usage_error;
  }

  pipeline_config config;
  if (!o.config_path.empty()) {
    auto loaded = load_validation_config(o.config_path);
    for (const auto& e : loaded.errors)
      std::cerr << e.to_string() << '\n';
    if (!loaded.config)
      return usage_error;
    config = std::move(*loaded.config);
  }

  validation_context ctx;
  if (!o.contract_path.empty()) {
    auto report = contracts::load_contract_file(o.contract_path);
    for (const auto& w : report.warnings)
      std::cerr << "warning: " << w.to_string() << '\n';
    for (const auto& e : report.errors)
      std::cerr << e.to_string() << '\n';
    if (!report.result)
      return usage_error;
    ctx = make_validation_context(*report.result);
    if (!o.node_type.empty() && o.node_type != ctx.node_type) {
      std::cerr << "genflow validate: --node-type " << o.node_type << " contradicts the contract's "
                << ctx.node_type << '\n';
      return usage_error;
    }
  } else if (!o.node_type.empty()) {
    ctx.node_type = o.node_type;
    ctx.require_node_class = true;
  }

  auto results = validate_path(o.path, ctx, config);
  if (!results) {
    std::cerr << results.error().to_string() << '\n';
    return usage_error;
  }

  report_options options;
  options.tool_version = GENFLOW_VERSION;
  if (o.format == "text")
    std::cout << format_text(*results, options);
  else if (o.format == "json")
    std::cout << io::to_json(to_json_report(*results, options), 2) << '\n';
  else
    std::cout << io::to_json(to_sarif(*results, options), 2) << '\n';
  std::cout.flush();
  return (all_passed(*results) && std::cout) ? 0 : 1;
}

} // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<validate_options>();
  auto* cmd = app.add_subcommand(
    "validate", "Check generated Python code: completeness, quality, ONEX compliance, security");
  cmd->add_option("path", opts->path, "A Python file, or a directory (every *.py under it)")
    ->required();
  cmd->add_option("--contract", opts->contract_path,
                  "Node contract (YAML): node type, class name, io operations and mixins to check");
  cmd->add_option("--node-type", opts->node_type,
                  "effect, compute, reducer or orchestrator (default: from the class name)");
  cmd->add_option("--format", opts->format, "Report format: text (default), json or sarif");
  cmd->add_option("--config", opts->config_path,
                  "Validation config (YAML, see configs/validation.yaml; default: built-in)");
  cmd->callback([opts, &exit_code] { exit_code = run_validate(*opts); });
}

} // namespace genflow::cli
