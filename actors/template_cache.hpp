#pragma once

/// The template cache actor: owns the template environment and a `templating::template_store`
/// (an LRU by count and bytes over a template directory, or over the templates embedded in the
/// binary), and answers loads, renders, preloads, invalidations, clears, resizes and statistics.
/// Workers of its node fetch shared compiled templates and render them in parallel themselves.

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/templating/environment.hpp"

namespace genflow {

struct template_cache_config {
  /// A directory, or "embedded:configs/templates" for the templates compiled into the binary.
  std::string template_dir = "embedded:configs/templates";
  templating::environment_options environment{.trim_blocks = true, .lstrip_blocks = true,
                                              .onex_filters = true};
  std::size_t max_entries = 100;
  std::size_t max_bytes = std::size_t{100} << 20;
  /// How often a cached template's file is checked for changes (zero: on every hit).
  std::chrono::milliseconds change_check_interval{1000};
};

template_cache_actor spawn_template_cache(caf::actor_system& sys, template_cache_config cfg);

} // namespace genflow
