#pragma once

/// A standalone node: one process holding the executor (with its worker pool), the profiler and
/// the handler registry — what `genflow run` starts. Blocking helpers let thin mains and
/// benchmarks drive it from outside the actor world.
///
/// @code
/// nodes::node_config cfg;
/// caf::actor_system sys{cfg};
/// nodes::standalone_node node{sys, {}};
/// workflow_result r = node.run(definition);
/// @endcode

#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/io/thread_pool.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow::nodes {

struct standalone_options {
  std::string node_name = "local";
  /// Local step workers started at once (more are started when a run needs them).
  std::uint32_t workers = 0; // 0: one per core
  /// Threads for blocking handler work (programs, file writes).
  std::size_t blocking_threads = 4;
};

class standalone_node {
public:
  /// Starts the node's actors on `sys`; `handlers` defaults to the built-in ones.
  standalone_node(caf::actor_system& sys, standalone_options opts,
                  std::shared_ptr<const workflow::handler_registry> handlers = nullptr);
  ~standalone_node();

  standalone_node(const standalone_node&) = delete;
  standalone_node& operator=(const standalone_node&) = delete;

  const workflow::handler_registry& handlers() const noexcept { return *handlers_; }
  workflow_executor_actor executor() const noexcept { return executor_; }
  profiler_actor profiler() const noexcept { return profiler_; }

  /// Runs a workflow and waits for its result (a caller outside the actor world). A request
  /// that cannot be answered yields a failed result naming why.
  workflow_result run(workflow_definition def, std::string correlation_id = {});

  executor_statistics statistics();
  profile_report profile(std::string operation = {});

private:
  caf::actor_system& sys_;
  std::shared_ptr<const workflow::handler_registry> handlers_;
  std::shared_ptr<io::thread_pool> blocking_;
  workflow_executor_actor executor_;
  profiler_actor profiler_;
};

} // namespace genflow::nodes
