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
#include "actors/local_messages.hpp"

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
  caf::reacts_to<set_max_parallel>,
  // How far the run is: current stage, steps done of total.
  caf::replies_to<get_run_progress>::with<run_progress>>;

/// One per node: starts runs on its worker pool and keeps executor statistics.
using workflow_executor_actor = caf::typed_actor<
  // Runs a workflow; answers with its result (also when it failed: see the status).
  caf::replies_to<run_workflow>::with<workflow_result>,
  // Changes the concurrency limit of future runs and of running ones (all, or one by id).
  caf::reacts_to<set_max_parallel>,
  // Counters, averages and step latency percentiles since start.
  caf::replies_to<get_executor_statistics>::with<executor_statistics>,
  // How far a running workflow is (by correlation id).
  caf::replies_to<get_run_progress>::with<run_progress>>;

/// Aggregates timing spans from every actor on every node.
using profiler_actor = caf::typed_actor<
  // A batch of spans (actors batch them; never one message per span).
  caf::reacts_to<span_batch>,
  // Count, mean, p50, p95, p99 and max per operation.
  caf::replies_to<profile_query>::with<profile_report>>;

/// Compiled templates: an LRU by count and bytes over the template directory (or the embedded
/// templates), one lookup per request.
using template_cache_actor = caf::typed_actor<
  // Loads (compiles and caches) a template, or re-reads it with force_reload.
  caf::replies_to<load_template>::with<template_info>,
  // Renders a template with a context (for callers without a local compiled handle).
  caf::replies_to<render_template>::with<rendered_template>,
  // Loads a list of templates; reports how many loaded and why the others did not.
  caf::replies_to<preload_templates>::with<preload_report>,
  // Drops one template (not counted as an eviction).
  caf::replies_to<invalidate_template>::with<template_ack>,
  // Empties the cache; counters are kept.
  caf::replies_to<clear_templates>::with<template_ack>,
  // New count and byte limits, effective at once.
  caf::replies_to<resize_template_cache>::with<template_ack>,
  // Hits, misses, evictions, hit rate, size and bytes against limits, get latency.
  caf::replies_to<get_template_statistics>::with<template_statistics>,
  // Shared compiled templates for workers of this node (local only).
  caf::replies_to<fetch_templates>::with<fetched_templates>>;

/// Runs one validator kind on parsed modules (completeness, quality, ONEX, security).
using validator_actor = caf::typed_actor<
  // Runs the validator on a module parsed once by the pipeline (local only).
  caf::replies_to<run_validator>::with<validator_done>>;

/// The validation pipeline: parses each file once and runs the configured validators on it in
/// parallel (one actor per kind), with a per-validator timeout, fast-fail or collect-all.
using validation_pipeline_actor = caf::typed_actor<
  // Validates files; one result per file, in order (local only).
  caf::replies_to<validate_files>::with<files_validated>>;

/// One per configured quorum model: asks its model (network, program, or offline reviewer)
/// without blocking, and answers with the outcome.
using quorum_model_actor = caf::typed_actor<
  // Starts a call; answers with the model's vote or why it did not take part.
  caf::replies_to<cast_vote>::with<vote_cast>,
  // Cancels a call that is no longer needed; its answer then reports quorum.cancelled.
  caf::reacts_to<withdraw_vote>>;

/// The AI quorum: fans a review out to its model actors, decides as soon as the outcome is
/// certain (cancelling the rest), enforces the quorum deadline, and keeps statistics.
using quorum_actor = caf::typed_actor<
  // Reviews code; answers with the weighted verdict, every vote, tokens and cost.
  caf::replies_to<review_code>::with<review_result>,
  // Validations, pass rate, average consensus and duration, cost; per model: success rate,
  // latency percentiles, tokens, cost.
  caf::replies_to<get_quorum_statistics>::with<quorum::quorum_statistics_snapshot>>;

} // namespace genflow
