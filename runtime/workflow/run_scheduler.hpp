#pragma once

/// The scheduling policy of one workflow run, as a plain state machine: the stage supervisor
/// actor feeds it events (worker reports, timers, a new concurrency limit) and carries out the
/// effects it asks for (lease a step to a worker, cancel a lease, arm a timer). Keeping the
/// policy here, free of CAF, makes every rule testable on its own and the actor a thin shell.
///
/// Semantics (ARCHITECTURE.md §6):
/// - stages are barriers, run in number order; a stage runs only when every stage it depends on
///   succeeded or partially succeeded, else all its steps are skipped with the cause;
/// - inside a stage, ready steps run in definition order, at most `max_parallel` at once (0 =
///   unbounded) and at most one per free worker credit; the limit can change at any time;
/// - a step's outputs reach its dependents (any later step that depends on it);
/// - deadlines per step attempt, per stage and per run; a timed-out attempt is cancelled on its
///   worker and, like any retryable failure, retried after a capped exponential backoff with
///   jitter — the concurrency slot is free while the retry waits;
/// - a failed step's dependents are skipped with the cause; with fast_fail the run stops at the
///   first failure and everything in flight is cancelled; otherwise every independent branch
///   finishes and every error is reported; a stage with allow_partial_failure ends `partial`
///   (and counts as success) when some of its steps failed or were skipped.
///
/// Worker credits: each worker has a number of credits (steps it may hold at once). A credit
/// comes back only with the worker's report for that lease, even after a cancel, so a slow
/// worker never receives more than it asked for.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "messages/execution.hpp"
#include "runtime/workflow/plan.hpp"

namespace genflow::workflow {

/// A timer the scheduler asks for; delivered back through `run_scheduler::on_timer`.
struct run_timer {
  enum class kind : std::uint8_t { step_deadline, retry, stage_deadline, workflow_deadline };
  kind what = kind::step_deadline;
  /// Step index (step_deadline, retry) or stage index (stage_deadline).
  std::uint32_t index = 0;
  std::uint32_t attempt = 0;
};

/// What the scheduler asks its host to do.
class run_effects {
public:
  virtual ~run_effects() = default;
  /// Send attempt `attempt` of step `step` to worker `worker`.
  virtual void lease(std::uint32_t step, std::uint32_t attempt, std::uint32_t worker) = 0;
  /// Withdraw that lease (the worker still reports).
  virtual void cancel(std::uint32_t step, std::uint32_t attempt, std::uint32_t worker) = 0;
  /// Deliver `t` to on_timer after `delay`.
  virtual void arm(run_timer t, std::chrono::nanoseconds delay) = 0;
  /// A stage reached its final status (a good moment to flush spans).
  virtual void stage_finished(std::uint32_t stage) = 0;
  /// The run is over; `result()` is final.
  virtual void run_finished() = 0;
};

class run_scheduler {
public:
  /// Monotonic time source (the actor clock, so that tests control it).
  using clock_function = std::function<std::chrono::nanoseconds()>;

  /// `node_name` names the host in the spans the scheduler records ("node/supervisor").
  run_scheduler(const execution_plan& plan, executor_options options, std::string correlation_id,
                std::string node_name, run_effects& effects, clock_function clock,
                std::uint64_t seed);

  // -- setup --------------------------------------------------------------------

  /// Adds a worker with `credits` concurrent leases; returns its index.
  std::uint32_t add_worker(std::uint32_t credits);

  /// Starts the run (arms the workflow deadline, starts the first stage).
  void start();

  // -- events -------------------------------------------------------------------

  /// A worker's report. Reports for withdrawn or unknown leases only return the credit.
  void on_report(step_report report);

  void on_timer(const run_timer& t);

  /// New concurrency limit (0 = unbounded); takes effect at once.
  void set_max_parallel(std::uint32_t n);

  /// A worker is gone: its leases fail as retryable errors and its credits are dropped.
  void on_worker_down(std::uint32_t worker, const std::string& reason);

  // -- properties -----------------------------------------------------------------

  bool finished() const noexcept { return finished_; }
  const workflow_result& result() const noexcept { return result_; }
  /// Moves the final result out (once the run is over; `result()` is then empty).
  workflow_result take_result() noexcept { return std::move(result_); }
  const std::string& correlation_id() const noexcept { return correlation_id_; }
  std::uint32_t max_parallel() const noexcept { return options_.max_parallel; }
  std::uint32_t in_flight() const noexcept { return in_flight_; }
  const execution_plan& plan() const noexcept { return plan_; }

  /// How far the run is (for progress displays).
  run_progress progress() const;

  /// Outputs of a finished step (null until it succeeded).
  const value& outputs(std::uint32_t step) const noexcept { return steps_[step].outputs; }

  /// Upstream outputs for a lease of `step`, in depends_on order.
  std::vector<step_output> upstream(std::uint32_t step) const;

  /// The per-attempt deadline of `step`.
  std::chrono::nanoseconds step_timeout(std::uint32_t step) const noexcept;

  /// Spans recorded since the last call (stage.run, step.queue, step.execute, workflow.run).
  std::vector<timing_span> take_spans();

  /// Backoff before attempt `attempt` (>= 2) with jitter factor `u` in [0, 1).
  static std::chrono::nanoseconds backoff_delay(const backoff_policy& p, std::uint32_t attempt,
                                                double u) noexcept;

private:
  // -- member types ---------------------------------------------------------------

  struct step_state {
    step_status status = step_status::pending;
    std::uint32_t attempt = 0;
    /// Unsatisfied dependencies inside the step's own stage.
    std::uint32_t waiting_on = 0;
    bool waiting_retry = false;
    std::chrono::nanoseconds ready_at{0};
    std::chrono::nanoseconds leased_at{0};
    std::chrono::nanoseconds execution_time{0};
    std::chrono::nanoseconds finished_at{0};
    value outputs;
    error_info error;
    std::string worker;
  };

  struct stage_state {
    stage_status status = stage_status::pending;
    std::uint32_t open = 0; // steps not yet terminal
    std::uint32_t failed = 0;
    std::uint32_t skipped = 0;
    std::chrono::nanoseconds started_at{0};
    std::chrono::nanoseconds finished_at{0};
    bool first_lease_seen = false;
    error_info error;
  };

  struct lease_record {
    std::uint32_t step;
    std::uint32_t attempt;
    std::uint32_t worker;
  };

  struct worker_state {
    std::uint32_t credits = 0;
    std::uint32_t busy = 0;
    bool alive = true;
  };

  // -- internals ------------------------------------------------------------------

  std::chrono::nanoseconds now() const { return clock_(); }
  bool terminal(std::uint32_t step) const noexcept;
  void begin_stages();
  void begin_stage(std::uint32_t stage);
  void dispatch();
  bool has_capacity() const noexcept;
  std::uint32_t take_worker();
  void step_succeeded(std::uint32_t step, value outputs);
  void step_failed(std::uint32_t step, error_info error, step_status status);
  void finish_step(std::uint32_t step, step_status status, error_info error);
  void skip_dependents(std::uint32_t step);
  void maybe_finish_stage(std::uint32_t stage);
  void withdraw(std::uint32_t step, bool free_slot);
  void stop_everything(step_status status, const error_info& cause);
  void finish_run(workflow_status status);
  void record_span(std::string operation, std::chrono::nanoseconds start,
                   std::chrono::nanoseconds duration, std::string node = {});

  // -- member variables -------------------------------------------------------------

  const execution_plan& plan_;
  executor_options options_;
  std::string correlation_id_;
  std::string node_name_;
  run_effects& effects_;
  clock_function clock_;
  std::mt19937_64 rng_;

  std::vector<step_state> steps_;
  std::vector<stage_state> stages_;
  std::vector<worker_state> workers_;
  /// Workers with a free credit, one entry per credit (LIFO: reuses warm workers).
  std::vector<std::uint32_t> free_credits_;
  std::vector<lease_record> leases_;
  std::deque<std::uint32_t> ready_;
  std::uint32_t in_flight_ = 0;
  std::uint32_t current_stage_ = 0;
  bool started_ = false;
  bool finished_ = false;
  std::chrono::nanoseconds started_at_{0};
  std::int64_t unix_offset_ns_ = 0;
  std::vector<timing_span> spans_;
  workflow_result result_;
};

} // namespace genflow::workflow
