#include "runtime/io/process.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace genflow::io {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

/// A fresh, empty directory removed at the end of the test.
class temp_dir {
public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "genflow-process-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

/// Waits until `pred` holds or 10 s pass; true when it held.
template <class Pred>
bool eventually(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

/// True while a process with this pid exists and is not a zombie.
bool alive(pid_t pid) {
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string content;
  if (!std::getline(stat, content))
    return false;
  auto close = content.rfind(')');
  return close != std::string::npos && close + 2 < content.size() && content[close + 2] != 'Z';
}

process_request shell(std::string script) {
  process_request req;
  req.argv = {"sh", "-c", std::move(script)};
  return req;
}

TEST(RunProcess, ReportsTheExitCode) {
  auto ok = run_process(shell("exit 0"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->exit_code, 0);
  EXPECT_TRUE(ok->succeeded());
  auto failed = run_process(shell("exit 3"));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->exit_code, 3);
  EXPECT_EQ(failed->term_signal, 0);
  EXPECT_FALSE(failed->succeeded());
}

TEST(RunProcess, ReportsTheSignalThatEndedTheProgram) {
  auto res = run_process(shell("kill -TERM $$"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->exit_code, -1);
  EXPECT_EQ(res->term_signal, SIGTERM);
  EXPECT_FALSE(res->timed_out);
}

TEST(RunProcess, EchoesStdinThroughCat) {
  process_request req;
  req.argv = {"cat"};
  req.stdin_data = "line one\nline two\n";
  auto res = run_process(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->stdout_data, req.stdin_data);
  EXPECT_TRUE(res->stderr_data.empty());
  EXPECT_EQ(res->exit_code, 0);
}

TEST(RunProcess, CapturesStdoutAndStderrSeparately) {
  auto res = run_process(shell("echo out; echo err >&2"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->stdout_data, "out\n");
  EXPECT_EQ(res->stderr_data, "err\n");
}

TEST(RunProcess, MovesLargeInputAndOutputWithoutDeadlock) {
  // 8 MiB in and out at once: far beyond the pipe buffers, so a writer that waits for the reader
  // (or the reverse) would hang here.
  process_request req;
  req.argv = {"cat"};
  req.stdin_data.resize(8u << 20);
  for (std::size_t i = 0; i < req.stdin_data.size(); ++i)
    req.stdin_data[i] = static_cast<char>('a' + i % 26);
  auto res = run_process(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->stdout_data.size(), req.stdin_data.size());
  EXPECT_TRUE(res->stdout_data == req.stdin_data);
  EXPECT_FALSE(res->output_truncated);
}

TEST(RunProcess, CutsOutputAtTheLimitAndSaysSo) {
  auto req = shell("head -c 300000 /dev/zero; echo tail >&2");
  req.max_output = 1000;
  auto res = run_process(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->stdout_data.size(), 1000u);
  EXPECT_TRUE(res->output_truncated);
  EXPECT_EQ(res->stderr_data, "tail\n");
  EXPECT_EQ(res->exit_code, 0); // the program was never blocked by the cut
}

TEST(RunProcess, SurvivesAProgramThatClosesStdinEarly) {
  process_request req;
  req.argv = {"true"};
  req.stdin_data.assign(4u << 20, 'x');
  auto res = run_process(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->exit_code, 0);
}

TEST(RunProcess, KillsTheProcessGroupAtTheTimeout) {
  temp_dir dir;
  auto pid_file = dir.path() / "child.pid";
  auto req = shell("sleep 30 & echo $! > '" + pid_file.string() + "'; wait");
  req.timeout = 200ms;
  auto res = run_process(req);
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->timed_out);
  EXPECT_EQ(res->term_signal, SIGKILL);
  EXPECT_FALSE(res->succeeded());
  std::ifstream in{pid_file};
  pid_t grandchild = 0;
  ASSERT_TRUE(in >> grandchild);
  EXPECT_TRUE(eventually([&] { return !alive(grandchild); }));
}

TEST(RunProcess, StopsWhenTheCancelFlagIsRaised) {
  temp_dir dir;
  auto marker = dir.path() / "started";
  auto req = shell("touch '" + marker.string() + "'; exec sleep 30");
  std::atomic<bool> cancel{false};
  std::thread canceller{[&] {
    eventually([&] { return fs::exists(marker); });
    cancel = true;
  }};
  auto res = run_process(req, &cancel);
  canceller.join();
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->cancelled);
  EXPECT_FALSE(res->timed_out);
  EXPECT_EQ(res->term_signal, SIGKILL);
}

TEST(RunProcess, DoesNotWaitForBackgroundDescendantsHoldingItsOutput) {
  auto res = run_process(shell("echo done; sleep 30 &"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->stdout_data, "done\n");
  EXPECT_EQ(res->exit_code, 0);
  EXPECT_FALSE(res->timed_out);
}

TEST(RunProcess, RunsInTheRequestedWorkingDirectory) {
  temp_dir dir;
  process_request req;
  req.argv = {"pwd", "-P"};
  req.working_dir = dir.path().string();
  auto res = run_process(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->stdout_data, fs::canonical(dir.path()).string() + "\n");
}

TEST(RunProcess, FailsToStartAMissingProgramAndNamesIt) {
  process_request req;
  req.argv = {"genflow-no-such-program-42"};
  auto res = run_process(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, "io.spawn");
  EXPECT_NE(res.error().message.find("genflow-no-such-program-42"), std::string::npos);
}

TEST(RunProcess, FailsToStartInAMissingDirectory) {
  process_request req;
  req.argv = {"true"};
  req.working_dir = "/nonexistent/genflow/dir";
  auto res = run_process(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, "io.spawn");
  EXPECT_NE(res.error().message.find("/nonexistent/genflow/dir"), std::string::npos);
}

TEST(RunProcess, RejectsAnEmptyArgumentList) {
  auto res = run_process(process_request{});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, "io.spawn");
}

} // namespace
} // namespace genflow::io
