// The staged parallel executor, end to end through its actors (stage supervisor, step workers,
// workflow executor, profiler) on CAF's deterministic scheduler: time moves only when a test
// advances it, so deadlines and backoff are checked exactly and without real sleeps.

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include "actors/profiler.hpp"
#include "actors/stage_supervisor.hpp"
#include "actors/step_worker.hpp"
#include "actors/workflow_executor.hpp"
#include "runtime/io/yaml_reader.hpp"
#include "runtime/workflow/plan.hpp"
#include "runtime/workflow/run_scheduler.hpp"
#include "tests/support/actor_test_fixture.hpp"

namespace genflow {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

/// What the probe handler saw of one attempt.
struct probe_event {
  std::string step;
  std::uint32_t attempt;
  nanoseconds started;
  std::string correlation_id;
  std::string worker;
};

/// A test handler: records each attempt (with the deterministic clock), waits `hold`, fails the
/// first `fail_first` attempts (retryable unless `retryable: false`) or always with `fail: true`,
/// and outputs its `value` plus what it received from upstream.
class probe_handler final : public workflow::step_handler {
public:
  probe_handler(std::vector<probe_event>& log, std::function<nanoseconds()> clock)
    : log_(log), clock_(std::move(clock)) {}

  std::string_view name() const noexcept override { return "probe"; }
  std::string_view summary() const noexcept override { return "test probe"; }

  void start(const workflow::step_invocation& inv, workflow::step_services& services,
             workflow::step_completion done) const override {
    log_.push_back(
      probe_event{inv.step_id, inv.attempt, clock_(), inv.correlation_id, services.worker_name()});
    auto hold = io::yaml_reader::parse_duration(inv.inputs.get_string("hold", "0s")).value();
    bool fail = inv.inputs.get("fail").is_bool() && inv.inputs.get("fail").as_bool();
    auto fail_first = inv.inputs.get("fail_first").is_int() ? inv.inputs.get("fail_first").as_int()
                                                             : 0;
    bool retryable = !inv.inputs.get("retryable").is_bool()
                     || inv.inputs.get("retryable").as_bool();
    value upstream = value::object_type{};
    for (const auto& up : inv.upstream)
      upstream.set(up.step_id, up.outputs.get("value"));
    workflow::step_outcome outcome;
    if (fail || static_cast<std::int64_t>(inv.attempt) <= fail_first)
      outcome = workflow::step_outcome::failure(
        error_info{"probe.failed", "probe failed on attempt " + std::to_string(inv.attempt),
                   inv.step_id, retryable});
    else
      outcome = workflow::step_outcome::success(
        value::object_type{{"value", inv.inputs.get("value")}, {"upstream", upstream}});
    if (hold.count() == 0) {
      done(std::move(outcome));
      return;
    }
    services.after(hold, [done = std::move(done), outcome = std::move(outcome)]() mutable {
      done(std::move(outcome));
    });
  }

private:
  std::vector<probe_event>& log_;
  std::function<nanoseconds()> clock_;
};

/// Builds definitions in code: stage("s1", {step("a", {{"hold","1s"}})}).
step_definition step(std::string id, value::object_type inputs = {},
                     std::vector<std::string> deps = {}) {
  step_definition s;
  s.id = std::move(id);
  s.handler = "probe";
  s.inputs = value{std::move(inputs)};
  s.depends_on = std::move(deps);
  return s;
}

stage_definition stage(std::string id, std::vector<step_definition> steps,
                       std::vector<std::string> deps = {}) {
  stage_definition s;
  s.id = std::move(id);
  s.steps = std::move(steps);
  s.depends_on = std::move(deps);
  return s;
}

workflow_definition workflow(std::vector<stage_definition> stages) {
  workflow_definition w;
  w.id = "test";
  for (std::size_t i = 0; i < stages.size(); ++i) {
    stages[i].number = static_cast<std::uint32_t>(i + 1);
    if (i > 0 && stages[i].depends_on.empty())
      stages[i].depends_on.push_back(stages[i - 1].id);
  }
  w.stages = std::move(stages);
  w.options.backoff.jitter = 0;
  return w;
}

class Executor : public testing::ActorTest {
protected:
  Executor() {
    auto registry = std::make_shared<workflow::handler_registry>();
    workflow::add_builtin_handlers(*registry);
    registry->add(std::make_shared<probe_handler>(log, [this] { return now(); }));
    handlers = registry;
    blocking = std::make_shared<io::thread_pool>(1);
  }

  std::vector<step_worker_actor> spawn_workers(std::size_t n, const std::string& node = "t") {
    std::vector<step_worker_actor> out;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(spawn_step_worker(
        sys, step_worker_config{node + "/worker-" + std::to_string(i + 1), handlers, blocking}));
    return out;
  }

  /// Starts a run on `workers` fresh workers; the result arrives in `self`'s mailbox.
  stage_supervisor_actor start(workflow_definition def, std::size_t workers = 8) {
    auto plan = workflow::execution_plan::build(std::move(def), handlers.get());
    EXPECT_TRUE(plan) << plan.error().to_string();
    stage_supervisor_config sc;
    sc.plan = std::move(*plan);
    sc.correlation_id = "cid-1";
    sc.node_name = "t/supervisor";
    sc.profiler = profiler;
    for (auto& w : spawn_workers(workers))
      sc.workers.push_back(worker_slot{w, 1});
    auto sup = spawn_stage_supervisor(sys, std::move(sc));
    self->send(sup, run_workflow{});
    run();
    return sup;
  }

  /// The run's result, once it is in the mailbox.
  workflow_result result() { return receive_one<workflow_result>(); }

  bool finished() { return !self->mailbox().empty(); }

  const step_result& find(const workflow_result& r, const std::string& id) {
    for (const auto& st : r.stages)
      for (const auto& sp : st.steps)
        if (sp.step_id == id)
          return sp;
    ADD_FAILURE() << "no step " << id;
    static step_result none;
    return none;
  }

  std::vector<nanoseconds> starts(const std::string& id) {
    std::vector<nanoseconds> out;
    for (const auto& e : log)
      if (e.step == id)
        out.push_back(e.started - t0);
    return out;
  }

  std::vector<probe_event> log;
  std::shared_ptr<const workflow::handler_registry> handlers;
  std::shared_ptr<io::thread_pool> blocking;
  profiler_actor profiler;
  nanoseconds t0{now()};
};

TEST_F(Executor, StagesAreBarriersThatRunInOrder) {
  start(workflow({stage("s1", {step("a", {{"hold", "10ms"}}), step("b", {{"hold", "30ms"}})}),
                  stage("s2", {step("c", {{"hold", "5ms"}})})}));
  EXPECT_EQ(starts("a"), std::vector<nanoseconds>{0ms});
  EXPECT_EQ(starts("b"), std::vector<nanoseconds>{0ms});
  EXPECT_TRUE(starts("c").empty());
  advance(10ms);
  EXPECT_TRUE(starts("c").empty()) << "stage 2 must wait for all of stage 1";
  advance(20ms);
  EXPECT_EQ(starts("c"), std::vector<nanoseconds>{30ms});
  advance(5ms);
  auto r = result();
  EXPECT_EQ(r.status, workflow_status::succeeded);
  EXPECT_EQ(r.wall_time, 35ms);
  EXPECT_EQ(r.steps_succeeded, 3u);
}

TEST_F(Executor, RunsReadyStepsInParallelUpToMaxParallel) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "10ms"}}), step("b", {{"hold", "10ms"}}),
                                    step("c", {{"hold", "10ms"}}), step("d", {{"hold", "10ms"}}),
                                    step("e", {{"hold", "10ms"}})})});
  def.options.max_parallel = 2;
  start(def);
  advance(10ms);
  advance(10ms);
  advance(10ms);
  EXPECT_EQ(starts("a")[0], 0ms);
  EXPECT_EQ(starts("b")[0], 0ms);
  EXPECT_EQ(starts("c")[0], 10ms);
  EXPECT_EQ(starts("d")[0], 10ms);
  EXPECT_EQ(starts("e")[0], 20ms);
  auto r = result();
  EXPECT_EQ(r.wall_time, 30ms);
}

TEST_F(Executor, OrdersStepsInsideAStageByTheirDependencies) {
  start(workflow({stage("s1", {step("late", {{"hold", "1ms"}}, {"early"}),
                               step("early", {{"hold", "4ms"}})})}));
  advance(4ms);
  advance(1ms);
  EXPECT_EQ(starts("early")[0], 0ms);
  EXPECT_EQ(starts("late")[0], 4ms);
  EXPECT_EQ(result().status, workflow_status::succeeded);
}

TEST_F(Executor, HandsOutputsToDependentsAcrossStages) {
  start(workflow({stage("s1", {step("a", {{"value", 41}}), step("b", {{"value", "x"}})}),
                  stage("s2", {step("c", {}, {"a"})}),
                  stage("s3", {step("d", {}, {"c", "b"})})}));
  auto r = result();
  ASSERT_EQ(r.status, workflow_status::succeeded);
  EXPECT_EQ(find(r, "c").outputs.get("upstream").get("a").as_int(), 41);
  const auto& d = find(r, "d").outputs.get("upstream");
  EXPECT_EQ(d.as_object()[0].first, "c") << "upstream comes in depends_on order";
  EXPECT_EQ(d.get("b").as_string(), "x");
}

TEST_F(Executor, CarriesTheCorrelationIdToEveryStep) {
  start(workflow({stage("s1", {step("a")}), stage("s2", {step("b")})}));
  auto r = result();
  EXPECT_EQ(r.correlation_id, "cid-1");
  ASSERT_EQ(log.size(), 2u);
  for (const auto& e : log)
    EXPECT_EQ(e.correlation_id, "cid-1");
}

TEST_F(Executor, ReportsAStepThatOutlivesItsDeadlineAsTimedOutWithTheLimit) {
  auto def = workflow({stage("s1", {step("slow", {{"hold", "5s"}})})});
  def.stages[0].steps[0].timeout = 1500ms;
  start(def);
  advance(1500ms);
  ASSERT_TRUE(finished());
  auto r = result();
  const auto& s = find(r, "slow");
  EXPECT_EQ(s.status, step_status::timed_out);
  EXPECT_EQ(s.error.code, "step.timeout");
  EXPECT_NE(s.error.message.find("1500ms"), std::string::npos) << s.error.message;
  EXPECT_EQ(r.status, workflow_status::failed);
  EXPECT_EQ(r.wall_time, 1500ms);
}

TEST_F(Executor, AppliesTheExecutorStepDeadlineByDefault) {
  auto def = workflow({stage("s1", {step("slow", {{"hold", "5s"}})})});
  def.options.step_timeout = 2s;
  start(def);
  advance(2s);
  auto r = result();
  EXPECT_EQ(find(r, "slow").status, step_status::timed_out);
  EXPECT_NE(find(r, "slow").error.message.find("2s"), std::string::npos);
}

TEST_F(Executor, TimesOutAStageAndSkipsWhatDependsOnIt) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "1s"}}), step("b", {{"hold", "10s"}})}),
                       stage("s2", {step("c")})});
  def.options.stage_timeout = 3s;
  start(def);
  advance(1s);
  EXPECT_FALSE(finished());
  advance(2s);
  auto r = result();
  EXPECT_EQ(r.stages[0].status, stage_status::timed_out);
  EXPECT_NE(r.stages[0].error.message.find("3s"), std::string::npos);
  EXPECT_EQ(find(r, "a").status, step_status::succeeded);
  EXPECT_EQ(find(r, "b").status, step_status::timed_out);
  EXPECT_EQ(r.stages[1].status, stage_status::skipped);
  EXPECT_EQ(find(r, "c").status, step_status::skipped);
  EXPECT_EQ(r.wall_time, 3s);
}

TEST_F(Executor, AStageOverridesTheExecutorStageDeadline) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "2s"}})})});
  def.options.stage_timeout = 1s;
  def.stages[0].timeout = 5s;
  start(def);
  advance(2s);
  EXPECT_EQ(result().status, workflow_status::succeeded);
}

TEST_F(Executor, StopsTheWholeRunAtTheWorkflowDeadline) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "2s"}})}),
                       stage("s2", {step("b", {{"hold", "2s"}})}),
                       stage("s3", {step("c")})});
  def.options.workflow_timeout = 3s;
  start(def);
  advance(2s);
  advance(1s);
  auto r = result();
  EXPECT_EQ(r.status, workflow_status::timed_out);
  EXPECT_EQ(r.wall_time, 3s);
  EXPECT_EQ(find(r, "a").status, step_status::succeeded);
  EXPECT_EQ(find(r, "b").status, step_status::timed_out);
  EXPECT_EQ(find(r, "c").status, step_status::cancelled);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors.back().code, "workflow.timeout");
}

TEST_F(Executor, RetriesWithCappedExponentialBackoffWithoutRealSleeps) {
  auto def = workflow({stage("s1", {step("flaky", {{"fail_first", 3}})})});
  def.stages[0].steps[0].retries = 4;
  def.options.backoff = backoff_policy{100ms, 250ms, 2.0, 0.0};
  start(def);
  advance(99ms);
  EXPECT_EQ(starts("flaky").size(), 1u);
  advance(1ms);   // 100ms: attempt 2
  advance(200ms); // +200ms: attempt 3
  advance(250ms); // +250ms (capped, not 400ms): attempt 4 succeeds
  EXPECT_EQ(starts("flaky"), (std::vector<nanoseconds>{0ms, 100ms, 300ms, 550ms}));
  auto r = result();
  EXPECT_EQ(find(r, "flaky").status, step_status::succeeded);
  EXPECT_EQ(find(r, "flaky").attempts, 4u);
  EXPECT_EQ(r.retries, 3u);
}

TEST_F(Executor, JitterShortensBackoffWithinItsBound) {
  backoff_policy p{1s, 10s, 2.0, 0.5};
  using workflow::run_scheduler;
  EXPECT_EQ(run_scheduler::backoff_delay(p, 2, 0.0), 1s);
  EXPECT_EQ(run_scheduler::backoff_delay(p, 3, 0.0), 2s);
  EXPECT_EQ(run_scheduler::backoff_delay(p, 3, 0.5), 1500ms);
  EXPECT_EQ(run_scheduler::backoff_delay(p, 9, 0.0), 10s);
}

TEST_F(Executor, ReleasesTheConcurrencySlotWhileARetryWaits) {
  auto def = workflow({stage("s1", {step("flaky", {{"fail_first", 1}}),
                                    step("other", {{"hold", "10ms"}})})});
  def.stages[0].steps[0].retries = 1;
  def.options.max_parallel = 1;
  def.options.backoff = backoff_policy{1s, 1s, 2.0, 0.0};
  start(def);
  EXPECT_EQ(starts("other"), std::vector<nanoseconds>{0ms}) << "the slot was held by a retry";
  advance(10ms);
  advance(990ms);
  EXPECT_EQ(starts("flaky"), (std::vector<nanoseconds>{0ms, 1s}));
  EXPECT_EQ(result().status, workflow_status::succeeded);
}

TEST_F(Executor, DoesNotRetryErrorsThatAreNotRetryable) {
  auto def = workflow({stage("s1", {step("bad", {{"fail", true}, {"retryable", false}})})});
  def.stages[0].steps[0].retries = 3;
  start(def);
  auto r = result();
  EXPECT_EQ(find(r, "bad").status, step_status::failed);
  EXPECT_EQ(find(r, "bad").attempts, 1u);
  EXPECT_EQ(r.retries, 0u);
}

TEST_F(Executor, RetriesATimedOutAttempt) {
  auto def = workflow({stage("s1", {step("slow", {{"hold", "2s"}})})});
  def.stages[0].steps[0].timeout = 1s;
  def.stages[0].steps[0].retries = 1;
  def.options.backoff = backoff_policy{100ms, 100ms, 2.0, 0.0};
  start(def);
  advance(1s);
  advance(100ms);
  EXPECT_EQ(starts("slow"), (std::vector<nanoseconds>{0ms, 1100ms}));
  advance(1s);
  auto r = result();
  EXPECT_EQ(find(r, "slow").status, step_status::timed_out);
  EXPECT_EQ(find(r, "slow").attempts, 2u);
}

TEST_F(Executor, SkipsTheDependentsOfAFailedStepWithTheCause) {
  auto def = workflow(
    {stage("s1", {step("a", {{"fail", true}, {"retryable", false}}), step("b", {}, {"a"}),
                  step("x", {{"value", 1}})},
           {}),
     stage("s2", {step("c", {}, {"b"}), step("y", {}, {"x"})})});
  def.stages[0].allow_partial_failure = true;
  start(def);
  auto r = result();
  EXPECT_EQ(find(r, "a").status, step_status::failed);
  EXPECT_EQ(find(r, "b").status, step_status::skipped);
  EXPECT_NE(find(r, "b").error.message.find("'a'"), std::string::npos) << find(r, "b").error.message;
  EXPECT_EQ(find(r, "c").status, step_status::skipped);
  EXPECT_NE(find(r, "c").error.message.find("'b'"), std::string::npos);
  EXPECT_EQ(find(r, "y").status, step_status::succeeded) << "independent branches finish";
}

TEST_F(Executor, FastFailStopsAtTheFirstFailureAndCancelsWhatIsInFlight) {
  auto def = workflow({stage("s1", {step("slow", {{"hold", "10s"}}),
                                    step("bad", {{"fail", true}, {"retryable", false}})}),
                       stage("s2", {step("later")})});
  def.options.fast_fail = true;
  start(def);
  ASSERT_TRUE(finished()) << "fast-fail must not wait for the slow step";
  auto r = result();
  EXPECT_EQ(r.status, workflow_status::failed);
  EXPECT_EQ(find(r, "bad").status, step_status::failed);
  EXPECT_EQ(find(r, "slow").status, step_status::cancelled);
  EXPECT_EQ(find(r, "later").status, step_status::cancelled);
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.wall_time, 0ms);
}

TEST_F(Executor, CollectAllFinishesEveryIndependentBranchAndReportsEveryError) {
  auto def = workflow({stage("s1", {step("bad1", {{"fail", true}, {"retryable", false}}),
                                    step("good", {{"hold", "5s"}}),
                                    step("bad2", {{"fail", true}, {"retryable", false}})})});
  start(def);
  EXPECT_FALSE(finished());
  advance(5s);
  auto r = result();
  EXPECT_EQ(r.status, workflow_status::failed);
  EXPECT_EQ(find(r, "good").status, step_status::succeeded);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].where, "bad1");
  EXPECT_EQ(r.errors[1].where, "bad2");
}

TEST_F(Executor, PartialFailureLetsAStageSucceedAndItsDependentsRun) {
  auto def = workflow({stage("s1", {step("bad", {{"fail", true}, {"retryable", false}}),
                                    step("ok", {{"value", 2}})}),
                       stage("s2", {step("next", {}, {"ok"})})});
  def.stages[0].allow_partial_failure = true;
  start(def);
  auto r = result();
  EXPECT_EQ(r.stages[0].status, stage_status::partial);
  EXPECT_EQ(r.stages[1].status, stage_status::succeeded);
  EXPECT_EQ(find(r, "next").status, step_status::succeeded);
  EXPECT_EQ(r.status, workflow_status::succeeded);
  EXPECT_EQ(r.steps_failed, 1u);
}

TEST_F(Executor, SkipsAStageWhoseDependencyFailed) {
  auto def = workflow({stage("s1", {step("bad", {{"fail", true}, {"retryable", false}}),
                                    step("ok")}),
                       stage("s2", {step("next")})});
  start(def);
  auto r = result();
  EXPECT_EQ(r.stages[0].status, stage_status::failed);
  EXPECT_EQ(r.stages[1].status, stage_status::skipped);
  EXPECT_NE(r.stages[1].error.message.find("'s1'"), std::string::npos);
  EXPECT_EQ(find(r, "next").status, step_status::skipped);
}

TEST_F(Executor, AppliesANewMaxParallelWhileTheRunIsInFlight) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "1s"}}), step("b", {{"hold", "1s"}}),
                                    step("c", {{"hold", "1s"}}), step("d", {{"hold", "1s"}})})});
  def.options.max_parallel = 1;
  auto sup = start(def);
  EXPECT_EQ(log.size(), 1u);
  self->send(sup, set_max_parallel{4, {}});
  run();
  EXPECT_EQ(log.size(), 4u) << "raising the limit must start waiting steps at once";
  advance(1s);
  auto r = result();
  EXPECT_EQ(r.wall_time, 1s);
}

TEST_F(Executor, ReportsSpeedupAsExecutionTimeOverWallBesideTheCriticalPathBound) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "1s"}}), step("b", {{"hold", "1s"}}),
                                    step("c", {{"hold", "1s"}}), step("d", {{"hold", "1s"}})}),
                       stage("s2", {step("e", {{"hold", "2s"}})})});
  def.options.max_parallel = 2;
  start(def);
  advance(1s);
  advance(1s);
  advance(2s);
  auto r = result();
  EXPECT_EQ(r.execution_time, 6s);
  EXPECT_EQ(r.wall_time, 4s);
  EXPECT_EQ(r.critical_path, 3s);
  EXPECT_DOUBLE_EQ(r.speedup(), 1.5);
  EXPECT_DOUBLE_EQ(r.speedup_bound(), 2.0);
}

TEST_F(Executor, RetriesTheLeaseOfAWorkerThatDiesOnAnotherWorker) {
  auto def = workflow({stage("s1", {step("a", {{"hold", "1s"}})})});
  def.stages[0].steps[0].retries = 1;
  def.options.backoff = backoff_policy{10ms, 10ms, 2.0, 0.0};
  auto plan = workflow::execution_plan::build(def, handlers.get());
  stage_supervisor_config sc;
  sc.plan = std::move(*plan);
  sc.correlation_id = "cid-2";
  auto workers = spawn_workers(2);
  sc.workers = {worker_slot{workers[0], 1}, worker_slot{workers[1], 1}};
  auto sup = spawn_stage_supervisor(sys, std::move(sc));
  self->send(sup, run_workflow{});
  run();
  ASSERT_EQ(log.size(), 1u);
  auto holder = log[0].worker == "t/worker-1" ? 0 : 1;
  caf::anon_send_exit(workers[holder], caf::exit_reason::kill);
  run();
  advance(10ms);
  ASSERT_EQ(log.size(), 2u) << "the lost lease must be retried";
  EXPECT_NE(log[1].worker, log[0].worker);
  advance(1s);
  auto r = result();
  EXPECT_EQ(find(r, "a").status, step_status::succeeded);
  EXPECT_EQ(find(r, "a").attempts, 2u);
}

TEST_F(Executor, SendsSpanBatchesToTheProfiler) {
  profiler = spawn_profiler(sys);
  start(workflow({stage("s1", {step("a", {{"hold", "3ms"}}), step("b", {{"hold", "5ms"}})}),
                  stage("s2", {step("c")})}));
  advance(5ms);
  result();
  self->send(profiler, profile_query{});
  run();
  auto report = receive_one<profile_report>();
  auto op = [&](const std::string& name) {
    for (const auto& o : report.operations)
      if (o.operation == name)
        return o;
    return operation_profile{};
  };
  EXPECT_EQ(op("step.execute").count, 3u);
  EXPECT_EQ(op("step.execute").max, 5ms);
  EXPECT_EQ(op("stage.run").count, 2u);
  EXPECT_EQ(op("workflow.run").count, 1u);
  EXPECT_EQ(report.batches_received, 2u) << "one batch per stage, not one message per span";
  EXPECT_EQ(report.spans_received, 3u + 2u + 1u + 3u) << "execute, stage, workflow and queue spans";
}

class ExecutorActor : public Executor {
protected:
  workflow_executor_actor spawn_executor(std::uint32_t workers = 2) {
    workflow_executor_config ec;
    ec.node_name = "n1";
    ec.handlers = handlers;
    ec.blocking = blocking;
    ec.initial_workers = workers;
    ec.profiler = profiler;
    return spawn_workflow_executor(sys, std::move(ec));
  }

  executor_statistics statistics(const workflow_executor_actor& ex) {
    self->send(ex, get_executor_statistics{});
    run();
    return receive_one<executor_statistics>();
  }
};

TEST_F(ExecutorActor, KeepsStatisticsOverRuns) {
  auto ex = spawn_executor();
  auto def = workflow({stage("s1", {step("a", {{"hold", "10ms"}}), step("b", {{"hold", "20ms"}})}),
                       stage("s2", {step("c", {{"hold", "30ms"}})})});
  for (int i = 0; i < 2; ++i) {
    self->send(ex, run_workflow{def, "run-" + std::to_string(i)});
    run();
    advance(10ms);
    advance(10ms);
    advance(30ms);
    auto r = result();
    EXPECT_EQ(r.correlation_id, "run-" + std::to_string(i));
    EXPECT_EQ(r.status, workflow_status::succeeded);
  }
  auto s = statistics(ex);
  EXPECT_EQ(s.workflows, 2u);
  EXPECT_EQ(s.workflows_failed, 0u);
  EXPECT_EQ(s.stages, 4u);
  EXPECT_EQ(s.steps, 6u);
  EXPECT_EQ(s.average_workflow_duration, 50ms);
  EXPECT_EQ(s.average_stage_duration, 25ms);
  EXPECT_EQ(s.step_latency.count, 6u);
  EXPECT_NEAR(s.step_latency.p50.count(), nanoseconds{20ms}.count(), 20e6 * 0.01);
  EXPECT_EQ(s.step_latency.max, 30ms);
  EXPECT_DOUBLE_EQ(s.last_speedup, 60.0 / 50.0);
  EXPECT_DOUBLE_EQ(s.last_speedup_bound, 60.0 / 50.0);
  EXPECT_EQ(s.runs_in_flight, 0u);
}

TEST_F(ExecutorActor, GrowsItsWorkerPoolForALiveConcurrencyIncrease) {
  auto ex = spawn_executor(1);
  auto def = workflow({stage("s1", {step("a", {{"hold", "1s"}}), step("b", {{"hold", "1s"}}),
                                    step("c", {{"hold", "1s"}})})});
  def.options.max_parallel = 1;
  self->send(ex, run_workflow{def, "live"});
  run();
  EXPECT_EQ(log.size(), 1u);
  self->send(ex, set_max_parallel{3, {}});
  run();
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(statistics(ex).workers, 3u);
  advance(1s);
  EXPECT_EQ(result().wall_time, 1s);
}

TEST_F(ExecutorActor, AnswersABadDefinitionWithItsErrors) {
  auto ex = spawn_executor();
  auto def = workflow({stage("s1", {step("a", {}, {"ghost"})})});
  self->send(ex, run_workflow{def, "bad"});
  run();
  auto r = result();
  EXPECT_EQ(r.status, workflow_status::failed);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "workflow.unknown_dependency");
  EXPECT_NE(r.errors[0].message.find("ghost"), std::string::npos);
}

} // namespace
} // namespace genflow
