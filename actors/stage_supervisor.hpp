#pragma once

/// The stage supervisor: one per workflow run. It owns the run's `run_scheduler` (the policy,
/// runtime/workflow) and carries out what it asks — leases to step workers, cancels, timers —
/// and feeds it worker reports, timer expiries, worker failures (monitored: a worker on a node
/// that goes down fails its leases as retryable) and concurrency changes. It answers the
/// `run_workflow` request it is started with and quits when the run ends.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/io/timer_thread.hpp"
#include "runtime/workflow/plan.hpp"

namespace genflow {

/// A worker and how many leases it may hold at once.
struct worker_slot {
  step_worker_actor handle;
  std::uint32_t credits = 1;
};

struct stage_supervisor_config {
  workflow::execution_plan plan;
  std::string correlation_id;
  /// "<node>/supervisor": names the supervisor in spans and logs.
  std::string node_name;
  std::vector<worker_slot> workers;
  /// Receives span batches at every stage end; may be null.
  profiler_actor profiler;
  /// Seeds the backoff jitter.
  std::uint64_t seed = 0;
  /// Runs the supervisor's deadline timer, cancelled when the run ends. Null: the actor
  /// system's clock (deterministic tests), whose entries cannot be cancelled: each run's
  /// supervisor then stays in memory until its earliest deadline passes.
  std::shared_ptr<io::timer_thread> timers;
};

stage_supervisor_actor spawn_stage_supervisor(caf::actor_system& sys,
                                              stage_supervisor_config cfg);

/// Hands more workers to a running supervisor (e.g. after the concurrency limit was raised).
void add_workers(const stage_supervisor_actor& supervisor, std::vector<worker_slot> workers);

} // namespace genflow
