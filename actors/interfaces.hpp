#pragma once

/// Every genflow actor interface, in one place — the first place to look.
///
/// Handlers are listed with what they do. Messages are the named structs of messages/ (msgpack on
/// the wire, registered with CAF by `register_message_types`). Interfaces here are what other
/// actors and other nodes may send; an actor's implementation type may extend its interface with
/// internal messages (timers, completions) that never leave the process.

#include <caf/typed_actor.hpp>

#include "messages/caf_types.hpp"
#include "messages/catalogue.hpp"

namespace genflow {

/// Runs steps leased by stage supervisors, one lease per credit.
using step_worker_actor = caf::typed_actor<
  // Runs one attempt of a step; answers the sender with exactly one step_report.
  caf::reacts_to<step_lease>,
  // Withdraws a lease; the worker reports it cancelled at once and drops any later completion.
  caf::reacts_to<cancel_step>>;

/// One per workflow run: walks the DAG, leases steps, enforces deadlines, retries, failure rules.
using stage_supervisor_actor = caf::typed_actor<
  // Runs the workflow it was spawned for (once); answers with the run's result.
  caf::replies_to<run_workflow>::with<workflow_result>,
  // A worker's answer to a lease.
  caf::reacts_to<step_report>,
  // New concurrency limit for this run, effective at once.
  caf::reacts_to<set_max_parallel>>;

/// One per node: starts runs on its worker pool and keeps executor statistics.
using workflow_executor_actor = caf::typed_actor<
  // Runs a workflow; answers with its result (also when it failed: see the status).
  caf::replies_to<run_workflow>::with<workflow_result>,
  // Changes the concurrency limit of future runs and of running ones (all, or one by id).
  caf::reacts_to<set_max_parallel>,
  // Counters, averages and step latency percentiles since start.
  caf::replies_to<get_executor_statistics>::with<executor_statistics>>;

/// Aggregates timing spans from every actor on every node.
using profiler_actor = caf::typed_actor<
  // A batch of spans (actors batch them; never one message per span).
  caf::reacts_to<span_batch>,
  // Count, mean, p50, p95, p99 and max per operation.
  caf::replies_to<profile_query>::with<profile_report>>;

} // namespace genflow
