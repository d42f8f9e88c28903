#pragma once

/// Workflow definitions: what `runtime/workflow` loads from YAML and what a `run_workflow` request
/// carries to the executor (possibly on another node).
///
/// A workflow is a list of stages; a stage is a barrier holding steps; a step runs one named
/// handler with inputs and may depend on any step of the same or an earlier stage. Durations of
/// zero mean "not set" (the executor default applies).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/chrono.hpp"
#include "messages/value.hpp"

namespace genflow {

/// Capped exponential backoff with jitter for retryable step failures:
/// delay(n) = min(max_delay, initial_delay * multiplier^(n-1)) * (1 - jitter * u), u in [0, 1).
struct backoff_policy {
  std::chrono::nanoseconds initial_delay = std::chrono::milliseconds{100};
  std::chrono::nanoseconds max_delay = std::chrono::seconds{10};
  double multiplier = 2.0;
  /// Fraction of the delay that is randomized away (0 = deterministic).
  double jitter = 0.5;

  friend bool operator==(const backoff_policy&, const backoff_policy&) = default;
  MSGPACK_DEFINE_ARRAY(initial_delay, max_delay, multiplier, jitter)
};

/// Executor settings; a workflow file may set them, the CLI may override them.
struct executor_options {
  /// Steps running at once across the run (0 = unbounded). Changeable while a run is in flight.
  std::uint32_t max_parallel = 10;
  /// Stop the run at the first failed step and cancel what is in flight.
  bool fast_fail = false;
  /// Default per-step deadline (per attempt).
  std::chrono::nanoseconds step_timeout = std::chrono::seconds{300};
  /// Default per-stage deadline (0 = none); a stage may override it.
  std::chrono::nanoseconds stage_timeout{0};
  /// Deadline of the whole run (0 = none).
  std::chrono::nanoseconds workflow_timeout{0};
  backoff_policy backoff;

  friend bool operator==(const executor_options&, const executor_options&) = default;
  MSGPACK_DEFINE_ARRAY(max_parallel, fast_fail, step_timeout, stage_timeout, workflow_timeout,
                       backoff)
};

struct step_definition {
  std::string id;
  /// Name of a registered handler ("exec", "sleep", "noop", ...).
  std::string handler;
  /// Handler arguments (an object); outputs of dependencies arrive separately.
  value inputs;
  /// Steps of this or an earlier stage whose outputs this step needs.
  std::vector<std::string> depends_on;
  /// Per-attempt deadline (0 = the executor's step_timeout).
  std::chrono::nanoseconds timeout{0};
  /// Extra attempts for retryable failures.
  std::uint32_t retries = 0;

  friend bool operator==(const step_definition&, const step_definition&) = default;
  MSGPACK_DEFINE_ARRAY(id, handler, inputs, depends_on, timeout, retries)
};

struct stage_definition {
  std::string id;
  /// Position of the stage (1..N, consecutive); stages run in this order.
  std::uint32_t number = 0;
  /// Stages that must have succeeded (or partially succeeded) for this one to run.
  std::vector<std::string> depends_on;
  /// Stage deadline (0 = the executor's stage_timeout).
  std::chrono::nanoseconds timeout{0};
  /// Succeed with some failed steps (their dependents are still skipped).
  bool allow_partial_failure = false;
  std::vector<step_definition> steps;

  friend bool operator==(const stage_definition&, const stage_definition&) = default;
  MSGPACK_DEFINE_ARRAY(id, number, depends_on, timeout, allow_partial_failure, steps)
};

struct workflow_definition {
  std::string id;
  std::string name;
  /// Where it was loaded from (for error messages); empty when built in code.
  std::string source;
  std::vector<stage_definition> stages;
  executor_options options;

  friend bool operator==(const workflow_definition&, const workflow_definition&) = default;
  MSGPACK_DEFINE_ARRAY(id, name, source, stages, options)
};

} // namespace genflow
