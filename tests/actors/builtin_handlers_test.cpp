// The built-in handlers on a real node: exec runs programs without a shell and reports their
// exit status and output; a lease deadline kills the program; sleep waits without a thread.

#include <caf/actor_system.hpp>

#include <gtest/gtest.h>

#include "nodes/node_config.hpp"
#include "nodes/standalone.hpp"

namespace genflow {
namespace {

using namespace std::chrono_literals;

step_definition exec_step(std::string id, std::vector<std::string> argv) {
  value::array_type args;
  for (auto& a : argv)
    args.emplace_back(std::move(a));
  step_definition s;
  s.id = std::move(id);
  s.handler = "exec";
  s.inputs = value::object_type{{"argv", value{std::move(args)}}};
  return s;
}

workflow_result run_one_stage(std::vector<step_definition> steps,
                              std::chrono::nanoseconds step_timeout = 30s) {
  nodes::node_config cfg{2};
  caf::actor_system sys{cfg};
  nodes::standalone_options opts;
  opts.template_dir = "embedded:configs/templates";
  auto node = nodes::standalone_node::start(sys, opts);
  EXPECT_TRUE(node);
  workflow_definition w;
  w.id = "handlers";
  w.stages.push_back(stage_definition{"s", 1, {}, {}, true, std::move(steps)});
  w.options.step_timeout = step_timeout;
  return (*node)->run(std::move(w));
}

const step_result& find(const workflow_result& r, const std::string& id) {
  for (const auto& sp : r.stages[0].steps)
    if (sp.step_id == id)
      return sp;
  static step_result none;
  ADD_FAILURE() << "no step " << id;
  return none;
}

TEST(BuiltinHandlers, ExecCapturesOutputAndExitStatusWithoutAShell) {
  auto r = run_one_stage({exec_step("echo", {"echo", "a b", "$HOME"}),
                          exec_step("fail", {"sh", "-c", "echo oops >&2; exit 3"}),
                          exec_step("missing", {"/nonexistent/program"})});
  const auto& echo = find(r, "echo");
  EXPECT_EQ(echo.status, step_status::succeeded);
  EXPECT_EQ(echo.outputs.get_string("stdout"), "a b $HOME\n") << "no shell expands $HOME";
  EXPECT_EQ(echo.outputs.get("exit_code").as_int(), 0);
  const auto& fail = find(r, "fail");
  EXPECT_EQ(fail.status, step_status::failed);
  EXPECT_EQ(fail.error.code, "step.exit_code");
  EXPECT_NE(fail.error.message.find("exited with status 3: oops"), std::string::npos)
    << fail.error.message;
  EXPECT_EQ(fail.outputs.get("exit_code").as_int(), 3) << "a failure keeps its outputs";
  EXPECT_EQ(find(r, "missing").error.code, "io.spawn");
}

TEST(BuiltinHandlers, ALeaseDeadlineKillsTheProgram) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_one_stage({exec_step("stuck", {"sleep", "30"})}, 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  const auto& s = find(r, "stuck");
  EXPECT_EQ(s.status, step_status::timed_out);
  EXPECT_NE(s.error.message.find("300ms"), std::string::npos) << s.error.message;
}

TEST(BuiltinHandlers, SleepStepsOverlapWithoutHoldingThreads) {
  std::vector<step_definition> steps;
  for (int i = 0; i < 50; ++i) {
    step_definition s;
    s.id = "nap" + std::to_string(i);
    s.handler = "sleep";
    s.inputs = value::object_type{{"duration", "100ms"}};
    steps.push_back(std::move(s));
  }
  auto r = run_one_stage(std::move(steps));
  EXPECT_EQ(r.steps_succeeded, 50u);
  EXPECT_GT(r.speedup(), 5.0) << "50 sleeps of 100 ms on 2 scheduler threads must overlap";
}

TEST(BuiltinHandlers, TheSupervisorsDeadlineEndsASleepThatOutlivesIt) {
  // `sleep` ignores its deadline: the supervisor's timer (the node's timer thread) ends the step.
  step_definition nap;
  nap.id = "nap";
  nap.handler = "sleep";
  nap.inputs = value::object_type{{"duration", "20s"}};
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_one_stage({nap}, 200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  const auto& s = find(r, "nap");
  EXPECT_EQ(s.status, step_status::timed_out);
  EXPECT_NE(s.error.message.find("200ms"), std::string::npos) << s.error.message;
}

} // namespace
} // namespace genflow
