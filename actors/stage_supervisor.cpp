#include "actors/stage_supervisor.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "runtime/io/log.hpp"
#include "runtime/workflow/run_scheduler.hpp"

namespace genflow::detail {

// -- internal messages (never leave the process) ------------------------------------

/// More workers for a running supervisor.
struct worker_grant {
  std::vector<worker_slot> workers;
};

/// The supervisor's earliest timer is due (at `at` on the actor clock).
struct timer_tick {
  caf::actor_clock::time_point at;
};

} // namespace genflow::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::worker_grant)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::timer_tick)

namespace genflow {

namespace {

using detail::timer_tick;
using detail::worker_grant;

using stage_supervisor_impl =
  stage_supervisor_actor::extend<caf::reacts_to<timer_tick>, caf::reacts_to<worker_grant>>;

struct stage_supervisor_state;
using supervisor_pointer = stage_supervisor_impl::stateful_pointer<stage_supervisor_state>;

struct stage_supervisor_state : workflow::run_effects {
  // -- constants --------------------------------------------------------------------

  static constexpr const char* name = "genflow.stage_supervisor";

  // -- constructors -----------------------------------------------------------------

  explicit stage_supervisor_state(supervisor_pointer self) : self(self) {}

  /// Runs when the actor exits: a tick still pending holds this actor.
  ~stage_supervisor_state() {
    if (timer_thread && armed_id != 0)
      timer_thread->cancel(armed_id);
  }

  void init(stage_supervisor_config cfg) {
    timer_thread = std::move(cfg.timers);
    plan.emplace(std::move(cfg.plan));
    profiler = std::move(cfg.profiler);
    node_name = std::move(cfg.node_name);
    scheduler.emplace(*plan, plan->definition().options, cfg.correlation_id, node_name, *this,
                      [s = self] {
                        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                          s->clock().now().time_since_epoch());
                      },
                      cfg.seed);
    adopt(std::move(cfg.workers));
  }

  // -- message handlers ---------------------------------------------------------------

  caf::typed_response_promise<workflow_result> on_run() {
    auto rp = self->make_response_promise<workflow_result>();
    if (promise || scheduler->finished()) {
      rp.deliver(make_error(caf::sec::runtime_error, "this supervisor has already run"));
      return rp;
    }
    promise = rp;
    log::debug("[{}] run of '{}' starts: {} stages, {} steps, {} workers",
               scheduler->correlation_id(), plan->definition().id, plan->stage_count(),
               plan->step_count(), workers.size());
    scheduler->start();
    return rp;
  }

  void adopt(std::vector<worker_slot> slots) {
    for (auto& slot : slots) {
      if (!slot.handle)
        continue;
      auto index = scheduler->add_worker(slot.credits);
      self->monitor(slot.handle);
      workers.push_back(std::move(slot.handle));
      (void) index;
    }
  }

  void on_down(const caf::down_msg& msg) {
    for (std::uint32_t i = 0; i < workers.size(); ++i)
      if (workers[i] && workers[i].address() == msg.source) {
        scheduler->on_worker_down(i, to_string(msg.reason));
        workers[i] = nullptr;
      }
  }

  // -- run_effects ----------------------------------------------------------------------

  void lease(std::uint32_t step, std::uint32_t attempt, std::uint32_t worker) override {
    const auto& def = plan->step_def(step);
    step_lease l;
    l.correlation_id = scheduler->correlation_id();
    l.step_index = step;
    l.attempt = attempt;
    l.step_id = def.id;
    l.handler = def.handler;
    l.inputs = def.inputs;
    l.upstream = scheduler->upstream(step);
    l.timeout = scheduler->step_timeout(step);
    self->send(workers[worker], std::move(l));
  }

  void cancel(std::uint32_t step, std::uint32_t attempt, std::uint32_t worker) override {
    if (workers[worker])
      self->send(workers[worker], cancel_step{scheduler->correlation_id(), step, attempt});
  }

  // Every step arms a deadline, so timers are kept here and only the earliest one is scheduled:
  // one entry per supervisor instead of one per step. It goes to the node's timer thread, which
  // wakes only for a new earliest entry and lets the run cancel it when it ends: a deadline
  // minutes away would otherwise hold this actor's memory until then (the executor benchmark's
  // RSS grew 4.5 KB per run). Without a timer thread (tests), the actor clock.
  void arm(workflow::run_timer t, std::chrono::nanoseconds delay) override {
    auto at = self->clock().now() + delay;
    timers.emplace(at, t);
    if (!armed || at < *armed)
      schedule_tick(at);
  }

  void on_tick(const timer_tick& tick) {
    if (armed && *armed == tick.at) {
      armed.reset();
      armed_id = 0;
    }
    auto now = self->clock().now();
    while (!timers.empty() && timers.begin()->first <= now && !scheduler->finished()) {
      auto t = timers.begin()->second;
      timers.erase(timers.begin());
      scheduler->on_timer(t);
    }
    if (!timers.empty() && !scheduler->finished()
        && (!armed || timers.begin()->first < *armed))
      schedule_tick(timers.begin()->first);
  }

  void schedule_tick(caf::actor_clock::time_point at) {
    armed = at;
    auto delay = std::max(at - self->clock().now(), caf::actor_clock::duration_type::zero());
    if (!timer_thread) {
      self->delayed_send(self, delay, timer_tick{at});
      return;
    }
    if (armed_id != 0)
      timer_thread->cancel(armed_id); // superseded by this earlier tick
    armed_id = timer_thread->schedule(delay, [handle = caf::actor_cast<stage_supervisor_impl>(self),
                                              at] { caf::anon_send(handle, timer_tick{at}); });
  }

  void stage_finished(std::uint32_t stage) override {
    log::debug("[{}] stage '{}' done", scheduler->correlation_id(), plan->stage_def(stage).id);
    // The last stage's spans leave with the run's own (one batch fewer).
    if (stage + 1 < plan->stage_count())
      flush_spans();
  }

  void run_finished() override {
    flush_spans();
    // A monitor stays attached to the worker after this actor is gone: pooled workers outlive
    // many runs, so drop them here.
    for (const auto& w : workers)
      if (w)
        self->demonitor(w.address());
    if (timer_thread && armed_id != 0) {
      timer_thread->cancel(armed_id);
      armed_id = 0;
    }
    auto r = scheduler->take_result();
    log::debug("[{}] run of '{}' {}: {} ok, {} failed, {} skipped", r.correlation_id, r.workflow_id,
               to_string(r.status), r.steps_succeeded, r.steps_failed, r.steps_skipped);
    if (promise)
      promise->deliver(std::move(r));
    self->quit();
  }

  void flush_spans() {
    auto spans = scheduler->take_spans();
    if (profiler && !spans.empty())
      self->send(profiler, span_batch{std::move(spans)});
  }

  // -- member variables ---------------------------------------------------------------

  supervisor_pointer self;
  std::optional<workflow::execution_plan> plan;
  std::optional<workflow::run_scheduler> scheduler;
  std::vector<step_worker_actor> workers;
  profiler_actor profiler;
  std::string node_name;
  std::optional<caf::typed_response_promise<workflow_result>> promise;
  /// Armed timers by due time; `armed` is the due time of the earliest tick on the clock.
  std::multimap<caf::actor_clock::time_point, workflow::run_timer> timers;
  std::optional<caf::actor_clock::time_point> armed;
  std::shared_ptr<io::timer_thread> timer_thread;
  io::timer_thread::timer_id armed_id = 0; // the armed tick on timer_thread
};

stage_supervisor_impl::behavior_type stage_supervisor(supervisor_pointer self,
                                                      stage_supervisor_config cfg) {
  self->state.init(std::move(cfg));
  self->set_down_handler([self](caf::down_msg& msg) { self->state.on_down(msg); });
  return {
    [self](run_workflow&) { return self->state.on_run(); },
    [self](step_report& report) { self->state.scheduler->on_report(std::move(report)); },
    [self](const set_max_parallel& m) { self->state.scheduler->set_max_parallel(m.max_parallel); },
    [self](const get_run_progress&) { return self->state.scheduler->progress(); },
    [self](const timer_tick& t) { self->state.on_tick(t); },
    [self](worker_grant& g) { self->state.adopt(std::move(g.workers)); },
  };
}

} // namespace

stage_supervisor_actor spawn_stage_supervisor(caf::actor_system& sys,
                                              stage_supervisor_config cfg) {
  return sys.spawn(stage_supervisor, std::move(cfg));
}

void add_workers(const stage_supervisor_actor& supervisor, std::vector<worker_slot> workers) {
  caf::anon_send(caf::actor_cast<stage_supervisor_impl>(supervisor),
                 worker_grant{std::move(workers)});
}

} // namespace genflow
