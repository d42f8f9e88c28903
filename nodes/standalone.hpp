#pragma once

/// A standalone node: one process holding the executor (with its worker pool), the profiler,
/// the template cache, the validation pipeline, the AI quorum and the handler registry (built-in
/// and code-generation handlers) — what `genflow run` starts. Blocking helpers let thin mains
/// and benchmarks drive it from outside the actor world.
///
/// @code
/// nodes::node_config cfg;
/// caf::actor_system sys{cfg};
/// nodes::standalone_node node{sys, {}};
/// workflow_result r = node.run(definition);
/// @endcode

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/analysis/pipeline.hpp"
#include "runtime/io/thread_pool.hpp"
#include "runtime/quorum/quorum_config.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow::nodes {

struct standalone_options {
  std::string node_name = "local";
  /// Local step workers started at once (more are started when a run needs them).
  std::uint32_t workers = 0; // 0: one per core
  /// Threads for blocking handler work (programs, file reads and writes).
  std::size_t blocking_threads = 4;
  /// Templates: a directory, or "embedded:configs/templates" (compiled into the binary).
  std::string template_dir = "embedded:configs/templates";
  /// The validators and their thresholds.
  analysis::pipeline_config validation;
  /// The AI quorum; none: validators only.
  std::optional<quorum::quorum_config> quorum;
};

class standalone_node {
public:
  /// Starts the node's actors on `sys`. Errors: a quorum that cannot start (missing API key).
  static expected<std::unique_ptr<standalone_node>> start(caf::actor_system& sys,
                                                          standalone_options opts);

  ~standalone_node();

  standalone_node(const standalone_node&) = delete;
  standalone_node& operator=(const standalone_node&) = delete;

  const workflow::handler_registry& handlers() const noexcept { return *handlers_; }
  workflow_executor_actor executor() const noexcept { return executor_; }
  profiler_actor profiler() const noexcept { return profiler_; }
  template_cache_actor templates() const noexcept { return templates_; }
  quorum_actor quorum() const noexcept { return quorum_; }

  /// Called about ten times a second while a run is in flight.
  using progress_callback = std::function<void(const run_progress&)>;

  /// Runs a workflow and waits for its result (a caller outside the actor world). A request
  /// that cannot be answered yields a failed result naming why.
  workflow_result run(workflow_definition def, std::string correlation_id = {},
                      progress_callback progress = nullptr);

  executor_statistics statistics();
  profile_report profile(std::string operation = {});
  template_statistics template_cache_statistics();
  /// Empty when the node has no quorum.
  std::optional<quorum::quorum_statistics_snapshot> quorum_statistics();

private:
  standalone_node(caf::actor_system& sys, standalone_options opts);

  caf::actor_system& sys_;
  std::shared_ptr<workflow::handler_registry> handlers_;
  std::string opts_node_name_;
  std::uint32_t initial_workers_;
  std::shared_ptr<io::thread_pool> blocking_;
  workflow_executor_actor executor_;
  profiler_actor profiler_;
  template_cache_actor templates_;
  validation_pipeline_actor validation_;
  quorum_actor quorum_;
};

} // namespace genflow::nodes
