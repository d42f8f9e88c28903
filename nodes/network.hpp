#pragma once

/// Networking for a genflow process: CAF's middleman (remote actors, the cluster) with genflow's
/// heartbeat and connection timeouts. Kept apart from node_config so that processes which never
/// leave the machine neither load nor link libcaf_io: with it, every start pays ~2 ms more for
/// loading and symbol lookup (tools/bench/run-all.sh, main job).
///
/// @code
/// nodes::node_config cfg;
/// nodes::load_network(cfg);   // before the actor_system is built
/// caf::actor_system sys{cfg};
/// @endcode

#include "nodes/node_config.hpp"

namespace genflow::nodes {

void load_network(node_config& cfg);

} // namespace genflow::nodes
