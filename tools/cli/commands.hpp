#pragma once

/// The genflow CLI's subcommands. Each `add_*_command` registers one subcommand on the app;
/// when it runs, it stores the process exit code in `exit_code` (0 = success). Wiring lives in
/// the command files; main.cpp only assembles them.

#include <CLI/CLI.hpp>

namespace genflow::cli {

void add_run_command(CLI::App& app, int& exit_code);
void add_render_command(CLI::App& app, int& exit_code);
void add_validate_command(CLI::App& app, int& exit_code);

} // namespace genflow::cli
