#pragma once

/// Execution messages: leasing steps to workers, their reports, and the results of steps, stages
/// and whole runs. Every message carries the run's correlation id.
///
/// Flow: a client sends `run_workflow` to the executor, which starts a stage supervisor; the
/// supervisor sends `step_lease`s to step workers (local or remote), each answering with one
/// `step_report` per lease; `cancel_step` withdraws a lease. The run ends in a `workflow_result`.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/chrono.hpp"
#include "messages/error.hpp"
#include "messages/profiling.hpp"
#include "messages/value.hpp"
#include "messages/workflow.hpp"

namespace genflow {

// -- statuses -----------------------------------------------------------------

enum class step_status : std::uint8_t {
  pending,
  running,
  succeeded,
  failed,
  timed_out,
  /// Not run because something it needs failed, or its stage was skipped.
  skipped,
  /// Stopped by fast-fail, a stage or workflow deadline.
  cancelled,
};

enum class stage_status : std::uint8_t {
  pending,
  running,
  succeeded,
  /// Some steps failed but the stage allows partial failure.
  partial,
  failed,
  timed_out,
  skipped,
  cancelled,
};

enum class workflow_status : std::uint8_t { succeeded, failed, timed_out, cancelled };

const char* to_string(step_status x) noexcept;
const char* to_string(stage_status x) noexcept;
const char* to_string(workflow_status x) noexcept;

} // namespace genflow

MSGPACK_ADD_ENUM(genflow::step_status);
MSGPACK_ADD_ENUM(genflow::stage_status);
MSGPACK_ADD_ENUM(genflow::workflow_status);

namespace genflow {

// -- requests -----------------------------------------------------------------

/// Starts a run; answered with a `workflow_result`.
struct run_workflow {
  workflow_definition definition;
  /// Empty: the executor makes one up.
  std::string correlation_id;

  MSGPACK_DEFINE_ARRAY(definition, correlation_id)
};

/// Changes the concurrency limit of running and future runs (0 = unbounded). With a
/// correlation id, only that run.
struct set_max_parallel {
  std::uint32_t max_parallel = 0;
  std::string correlation_id;

  MSGPACK_DEFINE_ARRAY(max_parallel, correlation_id)
};

/// Asks how far a run is; answered with run_progress.
struct get_run_progress {
  std::string correlation_id;

  MSGPACK_DEFINE_ARRAY(correlation_id)
};

struct run_progress {
  std::string correlation_id;
  /// False when no such run is in flight (finished or never started).
  bool running = false;
  /// The stage running now (1-based position in run order) and how many there are.
  std::uint32_t stage_position = 0;
  std::uint32_t stage_count = 0;
  std::string stage_id;
  /// Steps of the current stage that are finished (any status), and its size.
  std::uint32_t stage_done = 0;
  std::uint32_t stage_total = 0;
  /// Over the whole run.
  std::uint32_t done = 0;
  std::uint32_t total = 0;

  MSGPACK_DEFINE_ARRAY(correlation_id, running, stage_position, stage_count, stage_id, stage_done,
                       stage_total, done, total)
};

// -- leasing steps to workers ---------------------------------------------------

/// The output of a finished dependency, handed to its dependents.
struct step_output {
  std::string step_id;
  value outputs;

  friend bool operator==(const step_output&, const step_output&) = default;
  MSGPACK_DEFINE_ARRAY(step_id, outputs)
};

/// One attempt of one step, leased to a worker.
struct step_lease {
  std::string correlation_id;
  /// The supervisor's index of the step; with `attempt` it keys the report.
  std::uint32_t step_index = 0;
  std::uint32_t attempt = 1;
  std::string step_id;
  std::string handler;
  value inputs;
  /// Outputs of the step's dependencies, in `depends_on` order.
  std::vector<step_output> upstream;
  /// The lease's deadline, for handlers that bound their own work (e.g. exec).
  std::chrono::nanoseconds timeout{0};

  MSGPACK_DEFINE_ARRAY(correlation_id, step_index, attempt, step_id, handler, inputs, upstream,
                       timeout)
};

/// Withdraws a lease (deadline, fast-fail); the worker still answers with a report.
struct cancel_step {
  std::string correlation_id;
  std::uint32_t step_index = 0;
  std::uint32_t attempt = 0;

  MSGPACK_DEFINE_ARRAY(correlation_id, step_index, attempt)
};

/// A worker's answer to a lease.
struct step_report {
  std::string correlation_id;
  std::uint32_t step_index = 0;
  std::uint32_t attempt = 0;
  /// Empty code: success.
  error_info error;
  value outputs;
  /// Time the handler ran (not queueing, not backoff).
  std::chrono::nanoseconds execution_time{0};
  /// The worker's name ("node/worker-3").
  std::string worker;
  /// Spans the handler recorded, forwarded to the profiler.
  std::vector<timing_span> spans;

  bool ok() const noexcept { return error.code.empty(); }

  MSGPACK_DEFINE_ARRAY(correlation_id, step_index, attempt, error, outputs, execution_time, worker,
                       spans)
};

// -- results --------------------------------------------------------------------

struct step_result {
  std::string step_id;
  step_status status = step_status::pending;
  value outputs;
  /// Why it failed, timed out, was skipped or cancelled.
  error_info error;
  std::uint32_t attempts = 0;
  /// Handler time summed over attempts.
  std::chrono::nanoseconds execution_time{0};
  /// From becoming ready to its final report (includes queueing and backoff).
  std::chrono::nanoseconds duration{0};
  std::string worker;

  MSGPACK_DEFINE_ARRAY(step_id, status, outputs, error, attempts, execution_time, duration, worker)
};

struct stage_result {
  std::string stage_id;
  std::uint32_t number = 0;
  stage_status status = stage_status::pending;
  std::vector<step_result> steps;
  std::chrono::nanoseconds duration{0};
  std::uint32_t succeeded = 0;
  std::uint32_t failed = 0;
  std::uint32_t skipped = 0;
  /// Set when the stage itself timed out, was skipped or cancelled.
  error_info error;

  MSGPACK_DEFINE_ARRAY(stage_id, number, status, steps, duration, succeeded, failed, skipped,
                       error)
};

struct workflow_result {
  std::string workflow_id;
  std::string correlation_id;
  workflow_status status = workflow_status::succeeded;
  std::vector<stage_result> stages;
  /// Wall time of the run.
  std::chrono::nanoseconds wall_time{0};
  /// Sum of handler execution time over all steps and attempts.
  std::chrono::nanoseconds execution_time{0};
  /// Lower bound on wall time: the longest chain of execution times through the DAG, with
  /// stages as barriers.
  std::chrono::nanoseconds critical_path{0};
  /// Largest gap between the end of one stage and the first lease of the next.
  std::chrono::nanoseconds max_stage_transition{0};
  std::uint32_t steps_total = 0;
  std::uint32_t steps_succeeded = 0;
  std::uint32_t steps_failed = 0;
  std::uint32_t steps_skipped = 0;
  std::uint32_t retries = 0;
  /// Every error of the run (failed, timed out steps; stage and workflow deadlines).
  std::vector<error_info> errors;

  /// execution_time / wall_time: how much work overlapped.
  double speedup() const noexcept;
  /// execution_time / critical_path: the most any schedule could overlap.
  double speedup_bound() const noexcept;

  MSGPACK_DEFINE_ARRAY(workflow_id, correlation_id, status, stages, wall_time, execution_time,
                       critical_path, max_stage_transition, steps_total, steps_succeeded,
                       steps_failed, steps_skipped, retries, errors)
};

// -- statistics -------------------------------------------------------------------

struct get_executor_statistics {
  MSGPACK_DEFINE_ARRAY()
};

struct latency_summary {
  std::uint64_t count = 0;
  std::chrono::nanoseconds mean{0};
  std::chrono::nanoseconds p50{0};
  std::chrono::nanoseconds p95{0};
  std::chrono::nanoseconds p99{0};
  std::chrono::nanoseconds max{0};

  MSGPACK_DEFINE_ARRAY(count, mean, p50, p95, p99, max)
};

struct executor_statistics {
  std::uint64_t workflows = 0;
  std::uint64_t workflows_failed = 0;
  std::uint64_t stages = 0;
  std::uint64_t steps = 0;
  std::uint64_t steps_failed = 0;
  std::uint64_t retries = 0;
  std::chrono::nanoseconds average_workflow_duration{0};
  std::chrono::nanoseconds average_stage_duration{0};
  /// Handler execution time per step attempt.
  latency_summary step_latency;
  /// Of the last finished run.
  double last_speedup = 0;
  double last_speedup_bound = 0;
  std::uint32_t max_parallel = 0;
  std::uint32_t runs_in_flight = 0;
  std::uint32_t workers = 0;

  MSGPACK_DEFINE_ARRAY(workflows, workflows_failed, stages, steps, steps_failed, retries,
                       average_workflow_duration, average_stage_duration, step_latency,
                       last_speedup, last_speedup_bound, max_parallel, runs_in_flight, workers)
};

} // namespace genflow
