#include "nodes/standalone.hpp"

#include <cstdio>
#include <random>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/profiler.hpp"
#include "actors/quorum.hpp"
#include "actors/template_cache.hpp"
#include "actors/validation_pipeline.hpp"
#include "actors/workflow_executor.hpp"
#include "runtime/codegen/handlers.hpp"
#include "runtime/io/log.hpp"

namespace genflow::nodes {

expected<std::unique_ptr<standalone_node>> standalone_node::start(caf::actor_system& sys,
                                                                  standalone_options opts) {
  quorum_actor quorum;
  if (opts.quorum) {
    auto q = spawn_quorum(sys, *opts.quorum);
    if (!q)
      return q.error();
    quorum = *q;
  }
  std::unique_ptr<standalone_node> node{new standalone_node{sys, std::move(opts)}};
  node->quorum_ = quorum;
  // The executor comes last: its workers need every service handle.
  workflow_executor_config ec;
  ec.node_name = node->opts_node_name_;
  ec.handlers = node->handlers_;
  ec.blocking = node->blocking_;
  ec.timers = std::make_shared<io::timer_thread>();
  ec.initial_workers = node->initial_workers_;
  ec.profiler = node->profiler_;
  ec.templates = node->templates_;
  ec.validation = node->validation_;
  ec.quorum = node->quorum_;
  node->executor_ = spawn_workflow_executor(sys, std::move(ec));
  return node;
}

standalone_node::standalone_node(caf::actor_system& sys, standalone_options opts)
  : sys_(sys),
    handlers_(std::make_shared<workflow::handler_registry>()),
    opts_node_name_(opts.node_name),
    initial_workers_(opts.workers > 0 ? opts.workers
                                      : std::max(1u, std::thread::hardware_concurrency())) {
  workflow::add_builtin_handlers(*handlers_);
  codegen::add_codegen_handlers(*handlers_, std::make_shared<codegen::contract_store>());
  blocking_ = std::make_shared<io::thread_pool>(opts.blocking_threads);
  profiler_ = spawn_profiler(sys);
  template_cache_config tc;
  tc.template_dir = opts.template_dir;
  templates_ = spawn_template_cache(sys, std::move(tc));
  validation_ = spawn_validation_pipeline(sys, opts.validation);
}

standalone_node::~standalone_node() {
  for (const auto& a : {caf::actor_cast<caf::actor>(executor_), caf::actor_cast<caf::actor>(profiler_),
                        caf::actor_cast<caf::actor>(templates_),
                        caf::actor_cast<caf::actor>(validation_),
                        caf::actor_cast<caf::actor>(quorum_)})
    if (a)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

workflow_result standalone_node::run(workflow_definition def, std::string correlation_id,
                                     progress_callback progress) {
  caf::scoped_actor self{sys_};
  auto id = def.id;
  if (correlation_id.empty()) {
    std::random_device rd;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", rd());
    correlation_id = id + "-" + hex;
  }
  self->send(executor_, run_workflow{std::move(def), correlation_id});
  std::optional<workflow_result> out;
  while (!out) {
    bool poll = false;
    self->receive([&](workflow_result& r) { out = std::move(r); },
                  [&](caf::error& err) {
                    workflow_result bad;
                    bad.workflow_id = id;
                    bad.status = workflow_status::failed;
                    bad.errors.push_back(error_info{
                      "workflow.executor", "the executor did not answer: " + sys_.render(err), id});
                    out = std::move(bad);
                  },
                  caf::after(std::chrono::milliseconds{100}) >> [&] { poll = true; });
    if (poll && progress)
      self->request(executor_, std::chrono::seconds{1}, get_run_progress{correlation_id})
        .receive([&](run_progress& p) { progress(p); }, [](caf::error&) {});
  }
  return std::move(*out);
}

namespace {

/// Asks `handle` and waits for the answer (10 s at most); empty, with a warning, without one.
template <class Answer, class Handle, class Query>
std::optional<Answer> ask(caf::actor_system& sys, const Handle& handle, Query query) {
  caf::scoped_actor self{sys};
  std::optional<Answer> out;
  self->request(handle, std::chrono::seconds{10}, std::move(query))
    .receive(
      [&](Answer& a) { out = std::move(a); },
      [&](caf::error& err) { log::warn("a node service did not answer: {}", sys.render(err)); });
  return out;
}

} // namespace

executor_statistics standalone_node::statistics() {
  return ask<executor_statistics>(sys_, executor_, get_executor_statistics{})
    .value_or(executor_statistics{});
}

profile_report standalone_node::profile(std::string operation) {
  return ask<profile_report>(sys_, profiler_, profile_query{std::move(operation)})
    .value_or(profile_report{});
}

template_statistics standalone_node::template_cache_statistics() {
  return ask<template_statistics>(sys_, templates_, get_template_statistics{})
    .value_or(template_statistics{});
}

std::optional<quorum::quorum_statistics_snapshot> standalone_node::quorum_statistics() {
  if (!quorum_)
    return std::nullopt;
  return ask<quorum::quorum_statistics_snapshot>(sys_, quorum_, get_quorum_statistics{});
}

} // namespace genflow::nodes
