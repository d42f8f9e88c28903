#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"genflow: node contracts in, generated, validated and reviewed code out"};
  app.set_version_flag("--version", std::string{"genflow "} + GENFLOW_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  // (one add_*_command call per subcommand)
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
