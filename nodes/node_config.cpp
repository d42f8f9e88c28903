#include "nodes/node_config.hpp"

#include <thread>

#include <caf/atom.hpp>

#include "messages/caf_types.hpp"

namespace genflow::nodes {

node_config::node_config(std::size_t threads) {
  register_message_types(*this);
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  set("scheduler.max-threads", threads);
  // Idle workers go straight from busy polling to waiting on a condition: no 50 µs sleeps.
  set("work-stealing.moderate-poll-attempts", 0);
  set("logger.verbosity", caf::atom("quiet"));
}

} // namespace genflow::nodes
