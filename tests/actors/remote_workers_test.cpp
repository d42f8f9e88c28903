// Location transparency: step workers living in a second actor system, reached through CAF's
// middleman over loopback, are driven by the same stage supervisor as local ones.

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <gtest/gtest.h>

#include "actors/stage_supervisor.hpp"
#include "actors/step_worker.hpp"
#include "nodes/network.hpp"
#include "runtime/workflow/plan.hpp"

namespace genflow {
namespace {

using namespace std::chrono_literals;

/// genflow's own configuration with the middleman loaded, on two scheduler threads.
struct networked_config : nodes::node_config {
  networked_config() : nodes::node_config{2} { nodes::load_network(*this); }
};

TEST(RemoteWorkers, ASupervisorDrivesWorkersOfAnotherActorSystemOverLoopback) {
  auto handlers = std::make_shared<workflow::handler_registry>();
  workflow::add_builtin_handlers(*handlers);
  auto blocking = std::make_shared<io::thread_pool>(1);

  // Node B: two workers, each published on an ephemeral loopback port.
  networked_config cfg_b;
  caf::actor_system node_b{cfg_b};
  std::vector<std::uint16_t> ports;
  std::vector<step_worker_actor> workers_b;
  for (int i = 1; i <= 2; ++i) {
    auto w = spawn_step_worker(node_b, {"node-b/worker-" + std::to_string(i), handlers, blocking});
    workers_b.push_back(w);
    auto port = node_b.middleman().publish(w, 0, "127.0.0.1");
    ASSERT_TRUE(port) << node_b.render(port.error());
    ports.push_back(*port);
  }

  // Node A: connects to them and runs a workflow on them only.
  networked_config cfg_a;
  caf::actor_system node_a{cfg_a};
  std::vector<worker_slot> remote;
  for (auto port : ports) {
    auto w = node_a.middleman().remote_actor<step_worker_actor>("127.0.0.1", port);
    ASSERT_TRUE(w) << node_a.render(w.error());
    remote.push_back(worker_slot{*w, 1});
  }
  workflow_definition def;
  def.id = "remote";
  stage_definition s1{"s1", 1, {}, {}, false, {}};
  stage_definition s2{"s2", 2, {"s1"}, {}, false, {}};
  for (int i = 0; i < 4; ++i)
    s1.steps.push_back(step_definition{"a" + std::to_string(i), "noop",
                                       value::object_type{{"i", i}}, {}, {}, 0});
  s2.steps.push_back(step_definition{"join", "noop", value::object_type{}, {"a0", "a3"}, {}, 0});
  def.stages = {s1, s2};
  auto plan = workflow::execution_plan::build(def, handlers.get());
  ASSERT_TRUE(plan);
  stage_supervisor_config sc;
  sc.plan = std::move(*plan);
  sc.correlation_id = "remote-1";
  sc.node_name = "node-a/supervisor";
  sc.workers = remote;
  auto sup = spawn_stage_supervisor(node_a, std::move(sc));

  caf::scoped_actor self{node_a};
  workflow_result result;
  bool answered = false;
  self->request(sup, 10s, run_workflow{})
    .receive(
      [&](workflow_result& r) {
        result = std::move(r);
        answered = true;
      },
      [&](caf::error& err) { ADD_FAILURE() << node_a.render(err); });
  ASSERT_TRUE(answered);
  EXPECT_EQ(result.status, workflow_status::succeeded);
  EXPECT_EQ(result.steps_succeeded, 5u);
  for (const auto& st : result.stages)
    for (const auto& sp : st.steps)
      EXPECT_EQ(sp.worker.rfind("node-b/worker-", 0), 0u) << sp.step_id << " ran on " << sp.worker;
  // Outputs crossed the wire both ways: the join step saw a0's and a3's outputs as its inputs.
  const auto& join = result.stages[1].steps[0];
  EXPECT_EQ(join.status, step_status::succeeded);
  EXPECT_EQ(result.stages[0].steps[3].outputs.get("i").as_int(), 3);
  // Published actors live until told otherwise; the systems wait for them on shutdown.
  for (const auto& w : workers_b)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace genflow
