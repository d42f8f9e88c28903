#include <CLI/CLI.hpp>

#include "tools/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"genflow: node contracts in, generated, validated and reviewed code out"};
  app.set_version_flag("--version", std::string{"genflow "} + GENFLOW_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  genflow::cli::add_run_command(app, exit_code);
  genflow::cli::add_render_command(app, exit_code);
  genflow::cli::add_validate_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2.
    auto rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
