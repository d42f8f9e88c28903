#include "nodes/network.hpp"

#include <chrono>

#include <caf/io/middleman.hpp>

namespace genflow::nodes {

void load_network(node_config& cfg) {
  using namespace std::chrono_literals;
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.workers", 0);
  cfg.set("middleman.heartbeat-interval", caf::timespan{1s});
  cfg.set("middleman.connection-timeout", caf::timespan{10s});
}

} // namespace genflow::nodes
