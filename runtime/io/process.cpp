#include "runtime/io/process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace genflow::io {

namespace {

using clock_type = std::chrono::steady_clock;

/// Owns a file descriptor.
class owned_fd {
public:
  owned_fd() noexcept = default;
  explicit owned_fd(int fd) noexcept : fd_(fd) {}
  owned_fd(const owned_fd&) = delete;
  owned_fd& operator=(const owned_fd&) = delete;
  ~owned_fd() { reset(); }

  int get() const noexcept { return fd_; }
  bool open() const noexcept { return fd_ >= 0; }

  void reset(int fd = -1) noexcept {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = fd;
  }

private:
  int fd_ = -1;
};

/// A pipe whose both ends are close-on-exec (posix_spawn's dup2 clears the flag on the child's copy).
bool make_pipe(owned_fd& read_end, owned_fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

error_info spawn_error(const process_request& req, int err) {
  std::string program = req.argv.empty() ? std::string{} : req.argv.front();
  std::string msg = "cannot start '" + program + "'";
  if (!req.working_dir.empty())
    msg += " in '" + req.working_dir + "'";
  msg += ": ";
  msg += err == ENOENT && req.working_dir.empty() ? "no such program in PATH" : std::strerror(err);
  return error_info{"io.spawn", std::move(msg), program, false};
}

/// Blocks SIGPIPE in the calling thread for the lifetime of the guard, so a write to a stdin pipe
/// the program has closed yields EPIPE instead of killing the caller; a SIGPIPE raised meanwhile is
/// consumed before the old mask comes back.
class sigpipe_guard {
public:
  sigpipe_guard() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask_);
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;

  ~sigpipe_guard() {
    if (raised_ && !was_pending_) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      timespec zero{0, 0};
      while (sigtimedwait(&pipe_set, nullptr, &zero) == -1 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  void raised() noexcept { raised_ = true; }

private:
  sigset_t old_mask_;
  bool was_pending_ = false;
  bool raised_ = false;
};

/// Reads what is available from `fd` into `out` (up to `limit` bytes kept). Closes `fd` at EOF.
void drain(owned_fd& fd, std::string& out, std::size_t limit, bool& truncated) {
  char buf[65536];
  for (;;) {
    auto n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      auto keep = std::min<std::size_t>(static_cast<std::size_t>(n), limit - std::min(limit, out.size()));
      out.append(buf, keep);
      if (keep < static_cast<std::size_t>(n))
        truncated = true;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    fd.reset(); // EOF or a read error: the stream is over either way
    return;
  }
}

/// True when the child has exited, without reaping it (its pid, which is also its process group
/// id, stays reserved until waitpid).
bool has_exited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return errno == ECHILD;
  return info.si_pid == pid;
}

} // namespace

expected<process_result> run_process(const process_request& req, const std::atomic<bool>* cancel) {
  if (req.argv.empty())
    return error_info{"io.spawn", "cannot start a program from an empty argument list", "", false};

  owned_fd in_read, in_write, out_read, out_write, err_read, err_write;
  if (!make_pipe(in_read, in_write) || !make_pipe(out_read, out_write)
      || !make_pipe(err_read, err_write))
    return spawn_error(req, errno);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  if (!req.working_dir.empty())
    posix_spawn_file_actions_addchdir_np(&actions, req.working_dir.c_str());

  // Own process group (so a kill reaches every descendant), default signal dispositions and an
  // empty mask (the caller's blocked SIGPIPE must not leak into the program).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2})
    sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> argv;
  argv.reserve(req.argv.size() + 1);
  for (const auto& arg : req.argv)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return spawn_error(req, rc);

  auto start = clock_type::now();
  in_read.reset();
  out_write.reset();
  err_write.reset();
  set_nonblocking(in_write.get());
  set_nonblocking(out_read.get());
  set_nonblocking(err_read.get());
  // glibc 2.36's <sys/pidfd.h> lacks C++ linkage, hence the raw system call. -1 on kernels without
  // pidfd: the exit is then polled every 10 ms instead.
  owned_fd exit_fd{static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};

  process_result res;
  sigpipe_guard guard;
  std::size_t written = 0;
  if (req.stdin_data.empty())
    in_write.reset();
  auto deadline = req.timeout > std::chrono::nanoseconds::zero() ? start + req.timeout
                                                                  : clock_type::time_point::max();
  bool exited = false;
  bool kill_group = false;

  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_acquire)) {
      res.cancelled = true;
      kill_group = true;
      break;
    }
    auto now = clock_type::now();
    if (now >= deadline) {
      res.timed_out = true;
      kill_group = true;
      break;
    }
    if (!exited && !exit_fd.open())
      exited = has_exited(pid);
    if (exited) {
      // The program is gone: take what its pipes still hold; descendants keeping them open
      // are killed with the group.
      if (out_read.open())
        drain(out_read, res.stdout_data, req.max_output, res.output_truncated);
      if (err_read.open())
        drain(err_read, res.stderr_data, req.max_output, res.output_truncated);
      kill_group = out_read.open() || err_read.open();
      break;
    }

    pollfd fds[4];
    nfds_t count = 0;
    int in_slot = -1, out_slot = -1, err_slot = -1, exit_slot = -1;
    if (in_write.open()) {
      in_slot = static_cast<int>(count);
      fds[count++] = pollfd{in_write.get(), POLLOUT, 0};
    }
    if (out_read.open()) {
      out_slot = static_cast<int>(count);
      fds[count++] = pollfd{out_read.get(), POLLIN, 0};
    }
    if (err_read.open()) {
      err_slot = static_cast<int>(count);
      fds[count++] = pollfd{err_read.get(), POLLIN, 0};
    }
    if (exit_fd.open()) {
      exit_slot = static_cast<int>(count);
      fds[count++] = pollfd{exit_fd.get(), POLLIN, 0};
    }

    int wait_ms = -1;
    if (deadline != clock_type::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
      wait_ms = static_cast<int>(std::min<long long>(left, 1'000'000));
    }
    if (cancel != nullptr || !exit_fd.open())
      wait_ms = wait_ms < 0 ? 10 : std::min(wait_ms, 10);

    int ready = ::poll(fds, count, wait_ms);
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      kill_group = true; // poll cannot fail on valid descriptors; never leave a child behind
      break;
    }
    if (ready == 0)
      continue;

    if (in_slot >= 0 && fds[in_slot].revents != 0) {
      for (;;) {
        auto n = ::write(in_write.get(), req.stdin_data.data() + written,
                         req.stdin_data.size() - written);
        if (n > 0) {
          written += static_cast<std::size_t>(n);
          if (written == req.stdin_data.size()) {
            in_write.reset();
            break;
          }
          continue;
        }
        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
          break;
        if (n < 0 && errno == EPIPE)
          guard.raised();
        in_write.reset(); // the program closed its stdin: stop feeding it
        break;
      }
    }
    if (out_slot >= 0 && fds[out_slot].revents != 0)
      drain(out_read, res.stdout_data, req.max_output, res.output_truncated);
    if (err_slot >= 0 && fds[err_slot].revents != 0)
      drain(err_read, res.stderr_data, req.max_output, res.output_truncated);
    if (exit_slot >= 0 && fds[exit_slot].revents != 0)
      exited = has_exited(pid);
  }

  if (kill_group)
    ::kill(-pid, SIGKILL);
  in_write.reset();
  out_read.reset();
  err_read.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  res.duration = clock_type::now() - start;
  if (WIFEXITED(status)) {
    res.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    res.exit_code = -1;
    res.term_signal = WTERMSIG(status);
  }
  return res;
}

} // namespace genflow::io
