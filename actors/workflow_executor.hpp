#pragma once

/// The workflow executor: one per node. It starts a stage supervisor per run on its pool of
/// step workers (grown on demand up to the run's concurrency, never per step), forwards live
/// concurrency changes, and keeps the executor statistics: workflows, stages and steps executed,
/// average workflow and stage duration, step latency percentiles, and the last run's speedup
/// beside its critical-path bound.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "actors/stage_supervisor.hpp"
#include "runtime/io/thread_pool.hpp"
#include "runtime/io/timer_thread.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow {

struct workflow_executor_config {
  /// Names this node in worker names, spans and logs.
  std::string node_name = "local";
  std::shared_ptr<const workflow::handler_registry> handlers;
  std::shared_ptr<io::thread_pool> blocking;
  /// Handler timers of the workers and the supervisors' deadlines (null: the actor system's
  /// clock).
  std::shared_ptr<io::timer_thread> timers;
  /// Local workers spawned at start; more are spawned when a run's concurrency needs them.
  std::uint32_t initial_workers = 2;
  /// Upper bound on local workers (a run with unbounded concurrency gets at most this many).
  std::uint32_t max_workers = 1024;
  /// Workers on other nodes, used by every run beside the local pool.
  std::vector<worker_slot> remote_workers;
  /// Receives span batches; may be null.
  profiler_actor profiler;
  /// Services the node offers to handlers (null: not offered).
  template_cache_actor templates;
  validation_pipeline_actor validation;
  quorum_actor quorum;
};

workflow_executor_actor spawn_workflow_executor(caf::actor_system& sys,
                                                workflow_executor_config cfg);

} // namespace genflow
