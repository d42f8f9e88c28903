#pragma once

/// Test helper: runs a shell command and returns what it printed on stdout, with its exit code.
/// Only tests use it, to compare genflow with the reference tools (mccabe, bandit) that the
/// setup script installs.

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace genflow::analysis::test_support {

struct command_output {
  std::string out;
  int exit_code = -1;
};

inline command_output run_command(const std::string& command) {
  command_output result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe)
    return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// Single-quotes a path for the shell.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

} // namespace genflow::analysis::test_support
