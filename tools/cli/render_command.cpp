// `genflow render TEMPLATE --context FILE.json [--template-dir DIR] [--strict] [--trim-blocks]
// [--lstrip-blocks] [--keep-trailing-newline] [--onex]`: renders one template to stdout.
// Errors go to stderr with their place; exit code 1, or 2 for usage errors (a missing template
// argument, an unknown option).

#include <filesystem>
#include <iostream>

#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/templating/environment.hpp"
#include "tools/cli/commands.hpp"

namespace genflow::cli {

namespace {

struct render_options {
  std::string template_path;
  std::string context_path;
  std::string template_dir;
  bool strict = false;
  bool trim_blocks = false;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
  bool onex = false;
};

int run_render(const render_options& o) {
  auto source = io::read_file(o.template_path);
  if (!source) {
    std::cerr << source.error().to_string() << '\n';
    return 1;
  }
  value context = value::object_type{};
  if (!o.context_path.empty()) {
    auto text = io::read_file(o.context_path);
    if (!text) {
      std::cerr << text.error().to_string() << '\n';
      return 1;
    }
    auto parsed = io::parse_json(*text, o.context_path);
    if (!parsed) {
      std::cerr << parsed.error().to_string() << '\n';
      return 1;
    }
    context = std::move(*parsed);
  }
  templating::environment_options opts;
  opts.trim_blocks = o.trim_blocks;
  opts.lstrip_blocks = o.lstrip_blocks;
  opts.keep_trailing_newline = o.keep_trailing_newline;
  opts.undefined =
    o.strict ? templating::undefined_policy::strict : templating::undefined_policy::lenient;
  opts.onex_filters = o.onex;
  templating::environment env{opts};
  // Includes and imports resolve in --template-dir, else beside the template.
  std::string dir = o.template_dir;
  if (dir.empty())
    dir = std::filesystem::path{o.template_path}.parent_path().string();
  env.set_loader(templating::directory_loader(dir.empty() ? "." : dir));
  auto tpl = env.compile(*source, o.template_path);
  if (!tpl) {
    std::cerr << tpl.error().to_string() << '\n';
    return 1;
  }
  auto out = env.render(**tpl, context);
  if (!out) {
    std::cerr << out.error().to_string() << '\n';
    return 1;
  }
  std::cout << *out;
  std::cout.flush();
  return std::cout ? 0 : 1;
}

} // namespace

void add_render_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<render_options>();
  auto* cmd = app.add_subcommand("render", "Render a Jinja2 template with a JSON context");
  cmd->add_option("template", opts->template_path, "Template file");
  cmd->add_option("--context", opts->context_path, "JSON file with the render context (an object)");
  cmd->add_option("--template-dir", opts->template_dir,
                  "Directory for include/import/extends (default: the template's directory)");
  cmd->add_flag("--strict", opts->strict, "Undefined variables are errors (StrictUndefined)");
  cmd->add_flag("--trim-blocks", opts->trim_blocks, "Remove the first newline after a block tag");
  cmd->add_flag("--lstrip-blocks", opts->lstrip_blocks,
                "Strip whitespace before a block tag at the start of a line");
  cmd->add_flag("--keep-trailing-newline", opts->keep_trailing_newline,
                "Keep the template's trailing newline");
  cmd->add_flag(
    "--onex", opts->onex,
    "Register the original system's filters (to_snake_case, sort_imports, repr, indent)");
  // Usage errors are checked here rather than by CLI11 so that they exit with 2.
  cmd->allow_extras();
  cmd->callback([cmd, opts, &exit_code] {
    if (!cmd->remaining().empty()) {
      std::cerr << "genflow render: unexpected argument '" << cmd->remaining().front() << "'\n"
                << cmd->help();
      exit_code = 2;
      return;
    }
    if (opts->template_path.empty()) {
      std::cerr << "genflow render: a TEMPLATE file is required\n" << cmd->help();
      exit_code = 2;
      return;
    }
    exit_code = run_render(*opts);
  });
}

} // namespace genflow::cli
