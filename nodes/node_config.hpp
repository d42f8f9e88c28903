#pragma once

/// The actor-system configuration every genflow process starts from: all message types
/// registered, failure detection on (CAF-0.17.md pitfall 1), and the scheduler tuned for low
/// latency (no 50 µs "moderate" polling sleeps; pitfall notes on latency).

#include <cstddef>

#include <caf/actor_system_config.hpp>

namespace genflow::nodes {

class node_config : public caf::actor_system_config {
public:
  /// `threads` scheduler threads (0: one per core). `networked` loads CAF's middleman (remote
  /// actors, the cluster); a process that never leaves the machine starts faster without it
  /// (no multiplexer thread, no node-id probing: about 1 ms).
  explicit node_config(std::size_t threads = 0, bool networked = true);
};

} // namespace genflow::nodes
