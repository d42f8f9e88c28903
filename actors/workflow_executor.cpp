#include "actors/workflow_executor.hpp"

#include <algorithm>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/step_worker.hpp"
#include "runtime/profiling/latency_histogram.hpp"
#include "runtime/workflow/plan.hpp"

namespace genflow {

namespace {

using executor_pointer = workflow_executor_actor::stateful_pointer<struct workflow_executor_state>;

latency_summary to_summary(const profiling::latency_histogram& h) {
  auto s = h.summary();
  return latency_summary{s.count, s.mean, s.p50, s.p95, s.p99, s.max};
}

struct workflow_executor_state {
  // -- constants ------------------------------------------------------------------------

  static constexpr const char* name = "genflow.workflow_executor";

  // -- constructors -----------------------------------------------------------------------

  explicit workflow_executor_state(executor_pointer self) : self(self) {}

  /// Workers and supervisors go with their executor (a pending request timeout would otherwise
  /// keep a worker alive after the node shut down).
  ~workflow_executor_state() {
    for (const auto& w : pool)
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    for (const auto& [cid, sup] : running)
      caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  }

  void init(workflow_executor_config c) {
    cfg = std::move(c);
    grow_pool(cfg.initial_workers);
  }

  // -- message handlers ---------------------------------------------------------------------

  caf::typed_response_promise<workflow_result> on_run(run_workflow& req) {
    auto rp = self->make_response_promise<workflow_result>();
    auto cid = req.correlation_id.empty() ? make_correlation_id(req.definition.id)
                                          : req.correlation_id;
    if (max_parallel_override)
      req.definition.options.max_parallel = *max_parallel_override;
    auto plan = workflow::execution_plan::build(std::move(req.definition), cfg.handlers.get());
    if (!plan) {
      workflow_result bad;
      bad.correlation_id = cid;
      bad.status = workflow_status::failed;
      bad.errors.push_back(plan.error());
      rp.deliver(std::move(bad));
      return rp;
    }
    // Workers: as many as the run can use at once, within the configured bound.
    std::uint32_t widest = 0;
    for (std::uint32_t s = 0; s < plan->stage_count(); ++s)
      widest = std::max(widest, plan->stage(s).count);
    auto limit = plan->definition().options.max_parallel;
    grow_pool(limit == 0 ? widest : std::min(limit, widest));
    stage_supervisor_config sc;
    sc.correlation_id = cid;
    sc.node_name = cfg.node_name + "/supervisor";
    sc.profiler = cfg.profiler;
    sc.seed = std::hash<std::string>{}(cid);
    sc.timers = cfg.timers;
    for (const auto& w : pool)
      sc.workers.push_back(worker_slot{w, 1});
    for (const auto& w : cfg.remote_workers)
      sc.workers.push_back(w);
    sc.plan = std::move(*plan);
    auto sup = spawn_stage_supervisor(self->system(), std::move(sc));
    running.emplace(cid, sup);
    ++in_flight;
    self->request(sup, caf::infinite, run_workflow{})
      .then(
        [this, rp, cid](workflow_result& r) mutable {
          record(r);
          running.erase(cid);
          --in_flight;
          rp.deliver(std::move(r));
        },
        [this, rp, cid](caf::error& err) mutable {
          running.erase(cid);
          --in_flight;
          workflow_result bad;
          bad.correlation_id = cid;
          bad.status = workflow_status::failed;
          bad.errors.push_back(
            error_info{"workflow.supervisor", "the run's supervisor failed: " + to_string(err), cid});
          rp.deliver(std::move(bad));
        });
    return rp;
  }

  void on_set_max_parallel(const set_max_parallel& m) {
    if (m.correlation_id.empty())
      max_parallel_override = m.max_parallel;
    auto target = m.max_parallel == 0 ? cfg.max_workers : m.max_parallel;
    auto before = pool.size();
    grow_pool(target);
    std::vector<worker_slot> fresh;
    for (auto i = before; i < pool.size(); ++i)
      fresh.push_back(worker_slot{pool[i], 1});
    for (const auto& [cid, sup] : running) {
      if (!m.correlation_id.empty() && m.correlation_id != cid)
        continue;
      if (!fresh.empty())
        add_workers(sup, fresh);
      self->send(sup, m);
    }
  }

  executor_statistics on_statistics() const {
    executor_statistics s = stats;
    s.average_workflow_duration = workflow_time.mean();
    s.average_stage_duration = stage_time.mean();
    s.step_latency = to_summary(step_time);
    s.max_parallel = max_parallel_override ? *max_parallel_override : 0;
    s.runs_in_flight = in_flight;
    s.workers = static_cast<std::uint32_t>(pool.size() + cfg.remote_workers.size());
    return s;
  }

  // -- helpers --------------------------------------------------------------------------------

  void grow_pool(std::uint32_t target) {
    target = std::min(target, cfg.max_workers);
    while (pool.size() < target) {
      step_worker_config wc;
      wc.name = cfg.node_name + "/worker-" + std::to_string(pool.size() + 1);
      wc.handlers = cfg.handlers;
      wc.blocking = cfg.blocking;
      wc.timers = cfg.timers;
      wc.templates = cfg.templates;
      wc.validation = cfg.validation;
      wc.quorum = cfg.quorum;
      pool.push_back(spawn_step_worker(self->system(), std::move(wc)));
    }
  }

  std::string make_correlation_id(const std::string& workflow_id) {
    static constexpr char hex[] = "0123456789abcdef";
    auto n = (std::hash<std::string>{}(cfg.node_name) ^ ++run_counter * 0x9E3779B97F4A7C15ull)
             + static_cast<std::uint64_t>(self->clock().now().time_since_epoch().count());
    std::string out = workflow_id.empty() ? "run" : workflow_id;
    out += '-';
    for (int i = 0; i < 8; ++i, n >>= 4)
      out += hex[n & 0xF];
    return out;
  }

  void record(const workflow_result& r) {
    ++stats.workflows;
    if (r.status != workflow_status::succeeded)
      ++stats.workflows_failed;
    workflow_time.record(r.wall_time);
    for (const auto& st : r.stages) {
      if (st.status == stage_status::skipped)
        continue;
      ++stats.stages;
      stage_time.record(st.duration);
      for (const auto& sp : st.steps) {
        if (sp.attempts == 0)
          continue;
        ++stats.steps;
        step_time.record(sp.execution_time);
      }
    }
    stats.steps_failed += r.steps_failed;
    stats.retries += r.retries;
    stats.last_speedup = r.speedup();
    stats.last_speedup_bound = r.speedup_bound();
  }

  // -- member variables -------------------------------------------------------------------------

  executor_pointer self;
  workflow_executor_config cfg;
  std::vector<step_worker_actor> pool;
  std::unordered_map<std::string, stage_supervisor_actor> running;
  std::optional<std::uint32_t> max_parallel_override;
  std::uint32_t in_flight = 0;
  std::uint64_t run_counter = 0;
  executor_statistics stats;
  profiling::latency_histogram workflow_time;
  profiling::latency_histogram stage_time;
  profiling::latency_histogram step_time;
};

workflow_executor_actor::behavior_type workflow_executor(executor_pointer self,
                                                         workflow_executor_config cfg) {
  self->state.init(std::move(cfg));
  return {
    [self](run_workflow& req) { return self->state.on_run(req); },
    [self](const set_max_parallel& m) { self->state.on_set_max_parallel(m); },
    [self](const get_executor_statistics&) { return self->state.on_statistics(); },
    [self](const get_run_progress& q) -> caf::result<run_progress> {
      auto it = self->state.running.find(q.correlation_id);
      if (it == self->state.running.end()) {
        run_progress none;
        none.correlation_id = q.correlation_id;
        return none;
      }
      return self->delegate(it->second, q);
    },
  };
}

} // namespace

workflow_executor_actor spawn_workflow_executor(caf::actor_system& sys,
                                                workflow_executor_config cfg) {
  return sys.spawn(workflow_executor, std::move(cfg));
}

} // namespace genflow
