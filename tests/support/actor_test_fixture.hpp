#pragma once

/// A GoogleTest fixture running an actor system on CAF's deterministic test_coordinator: nothing
/// runs until the test says so (`run()`), and time moves only when the test advances it
/// (`advance(d)`), so deadline and backoff tests need no real sleeps.

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/others.hpp>
#include <caf/scoped_actor.hpp>

#include <gtest/gtest.h>

#include "messages/caf_types.hpp"

namespace genflow::testing {

class deterministic_config : public caf::actor_system_config {
public:
  deterministic_config() {
    set("scheduler.policy", caf::atom("testing"));
    set("logger.verbosity", caf::atom("quiet"));
    register_message_types(*this);
  }
};

class ActorTest : public ::testing::Test {
protected:
  ActorTest()
    : sys(cfg),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
      self(sys) {}

  /// Fires what is still scheduled (a held step, a retry) so that every actor can terminate
  /// before the system shuts down.
  ~ActorTest() override {
    sched.run();
    while (sched.clock().has_pending_timeout()) {
      sched.clock().trigger_timeouts();
      sched.run();
    }
  }

  /// Runs every pending message (not timers).
  void run() { sched.run(); }

  /// Moves the clock forward, firing due timers, and runs what they trigger.
  void advance(std::chrono::nanoseconds d) {
    sched.clock().advance_time(d);
    sched.run();
  }

  /// Takes the next message, which must be a T (fails the test otherwise, never blocks).
  template <class T>
  T receive_one() {
    T out{};
    if (self->mailbox().empty()) {
      ADD_FAILURE() << "nothing received";
      return out;
    }
    self->receive([&](T& x) { out = std::move(x); },
                  [&](caf::error& err) { ADD_FAILURE() << "error: " << sys.render(err); },
                  caf::others >> [&](caf::message_view& x) -> caf::result<caf::message> {
                    ADD_FAILURE() << "unexpected message: " << to_string(x.content());
                    return caf::message{};
                  });
    return out;
  }

  /// Current time of the deterministic clock.
  std::chrono::nanoseconds now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
      sched.clock().now().time_since_epoch());
  }

  deterministic_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
};

} // namespace genflow::testing
