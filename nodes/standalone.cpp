#include "nodes/standalone.hpp"

#include <thread>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/profiler.hpp"
#include "actors/workflow_executor.hpp"

namespace genflow::nodes {

standalone_node::standalone_node(caf::actor_system& sys, standalone_options opts,
                                 std::shared_ptr<const workflow::handler_registry> handlers)
  : sys_(sys), handlers_(std::move(handlers)) {
  if (!handlers_) {
    auto builtin = std::make_shared<workflow::handler_registry>();
    workflow::add_builtin_handlers(*builtin);
    handlers_ = std::move(builtin);
  }
  blocking_ = std::make_shared<io::thread_pool>(opts.blocking_threads);
  profiler_ = spawn_profiler(sys);
  workflow_executor_config ec;
  ec.node_name = opts.node_name;
  ec.handlers = handlers_;
  ec.blocking = blocking_;
  ec.initial_workers =
    opts.workers > 0 ? opts.workers : std::max(1u, std::thread::hardware_concurrency());
  ec.profiler = profiler_;
  executor_ = spawn_workflow_executor(sys, std::move(ec));
}

standalone_node::~standalone_node() {
  caf::anon_send_exit(executor_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(profiler_, caf::exit_reason::user_shutdown);
}

workflow_result standalone_node::run(workflow_definition def, std::string correlation_id) {
  caf::scoped_actor self{sys_};
  workflow_result out;
  auto id = def.id;
  self->request(executor_, caf::infinite, run_workflow{std::move(def), std::move(correlation_id)})
    .receive([&](workflow_result& r) { out = std::move(r); },
             [&](caf::error& err) {
               out.workflow_id = id;
               out.status = workflow_status::failed;
               out.errors.push_back(
                 error_info{"workflow.executor", "the executor did not answer: " + sys_.render(err),
                            id});
             });
  return out;
}

executor_statistics standalone_node::statistics() {
  caf::scoped_actor self{sys_};
  executor_statistics out;
  self->request(executor_, std::chrono::seconds{10}, get_executor_statistics{})
    .receive([&](executor_statistics& s) { out = s; }, [](caf::error&) {});
  return out;
}

profile_report standalone_node::profile(std::string operation) {
  caf::scoped_actor self{sys_};
  profile_report out;
  self->request(profiler_, std::chrono::seconds{10}, profile_query{std::move(operation)})
    .receive([&](profile_report& r) { out = std::move(r); }, [](caf::error&) {});
  return out;
}

} // namespace genflow::nodes
