#pragma once

/// The actor-system configuration every genflow process starts from: all message types
/// registered, failure detection on (CAF-0.17.md pitfall 1), and the scheduler tuned for low
/// latency (no 50 µs "moderate" polling sleeps; pitfall notes on latency).
///
/// A process that talks to other machines also calls `load_network` (nodes/network.hpp,
/// library genflow_network); one that never leaves the machine does not link libcaf_io at all.

#include <cstddef>

#include <caf/actor_system_config.hpp>

namespace genflow::nodes {

class node_config : public caf::actor_system_config {
public:
  /// `threads` scheduler threads (0: one per core).
  explicit node_config(std::size_t threads = 0);
};

} // namespace genflow::nodes
