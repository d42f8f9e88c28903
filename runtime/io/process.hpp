#pragma once

/// Running external programs: argv without a shell, stdin fed from memory, stdout and stderr
/// captured, with a timeout and cooperative cancellation. The program runs in its own process
/// group, so a timeout or a cancel kills everything it started, not only the direct child.
///
/// @code
/// io::process_request req;
/// req.argv = {"ruff", "check", "-"};
/// req.stdin_data = source;
/// req.timeout = std::chrono::seconds{10};
/// auto res = io::run_process(req);        // blocking: call from a blocking thread
/// if (!res) report(res.error());          // could not start ("io.spawn")
/// else if (res->timed_out) ...;           // killed at the deadline
/// else use(res->exit_code, res->stdout_data);
/// @endcode
///
/// run_process blocks its caller until the program ends, so call it from a dedicated thread (a
/// CAF actor spawned with `detached`, a thread pool worker), never from a cooperative actor.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "messages/expected.hpp"

namespace genflow::io {

/// What to run and how.
struct process_request {
  /// Program and arguments; argv[0] is looked up in PATH when it has no slash.
  std::vector<std::string> argv;
  /// Written to the program's stdin, which is then closed (empty: stdin is closed at once).
  std::string stdin_data;
  /// Kills the process group when it runs longer; zero means no limit.
  std::chrono::nanoseconds timeout{0};
  /// Directory to run in; empty means the caller's.
  std::string working_dir;
  /// Bytes kept per output stream; the rest is read and discarded (the program never blocks).
  std::size_t max_output = std::size_t{16} << 20;
};

/// How the program ended and what it wrote.
struct process_result {
  /// Exit status when the program exited normally, -1 when a signal ended it.
  int exit_code = -1;
  /// The signal that ended the program, 0 when it exited normally.
  int term_signal = 0;
  /// The timeout expired and the process group was killed.
  bool timed_out = false;
  /// The cancel flag was raised and the process group was killed.
  bool cancelled = false;
  std::string stdout_data;
  std::string stderr_data;
  /// A stream exceeded `max_output` and was cut at that size.
  bool output_truncated = false;
  /// From the start of the program to its end.
  std::chrono::nanoseconds duration{0};

  /// True when the program exited by itself with status 0.
  bool succeeded() const noexcept {
    return exit_code == 0 && term_signal == 0 && !timed_out && !cancelled;
  }
};

/// Runs a program (no shell; argv[0] looked up in PATH), feeds stdin, captures stdout and stderr
/// (one poll loop, no deadlock on large outputs), kills the process group on timeout or when
/// `*cancel` becomes true (checked at least every 10 ms). Descendants that still hold the output
/// pipes once the program has exited are killed with it. Blocking: call it from a blocking thread,
/// never from an actor. Fails only when the program cannot start: "io.spawn", naming the program
/// and the OS reason (also for an empty argv or a missing working directory).
expected<process_result> run_process(const process_request& req,
                                     const std::atomic<bool>* cancel = nullptr);

} // namespace genflow::io
