#pragma once

/// The step worker: runs the steps that stage supervisors lease to it (locally or from another
/// node) by looking up the named handler and giving it timers and a blocking pool, so that no
/// handler ever blocks a scheduler thread. Each lease gets exactly one step_report, sent to the
/// lease's sender; a cancelled lease is reported at once and its late completion dropped.

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/io/thread_pool.hpp"
#include "runtime/io/timer_thread.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow {

struct step_worker_config {
  /// "node/worker-3": appears in reports and spans.
  std::string name;
  std::shared_ptr<const workflow::handler_registry> handlers;
  /// Where blocking handler work runs (exec, file I/O). Required.
  std::shared_ptr<io::thread_pool> blocking;
  /// The node's timer thread for handler timers (`sleep`); null: the actor system's clock
  /// (what deterministic tests drive).
  std::shared_ptr<io::timer_thread> timers;
  /// Node services offered to handlers (codegen); null handles: not offered. Requests to them
  /// carry no timeout: each bounds its own answer (the template cache answers at once, the
  /// validation pipeline has its per-validator deadline, the quorum its deadline) and the
  /// step's deadline bounds the step; a request timeout would cost two wake-ups of CAF's clock
  /// thread per request.
  template_cache_actor templates;
  validation_pipeline_actor validation;
  quorum_actor quorum;
};

step_worker_actor spawn_step_worker(caf::actor_system& sys, step_worker_config cfg);

} // namespace genflow
