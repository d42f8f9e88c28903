#include "nodes/node_config.hpp"

#include <chrono>
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
  // A worker waiting on its condition is woken only by messages from outside the scheduler; work
  // an actor hands to another (parse requests, step leases) goes to the sender's own queue, and
  // an idle worker steals it only when its wait times out: after up to 10 ms by default, while
  // the busy worker runs the queue alone. 1 ms bounds that (validate stage of the main job:
  // 10.5 -> 8.5 ms), for ~1000 wake-ups a second per idle worker.
  set("work-stealing.relaxed-sleep-duration", caf::timespan{std::chrono::milliseconds{1}});
  set("logger.verbosity", caf::atom("quiet"));
}

} // namespace genflow::nodes
