#include "actors/step_worker.hpp"

#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/io/log.hpp"

namespace genflow::detail {

// -- internal messages (never leave the process) ----------------------------------

/// A handler timer is due.
struct worker_wakeup {
  std::uint64_t token;
};

/// Blocking work finished on the pool.
struct blocking_finished {
  std::uint64_t token;
  workflow::step_outcome outcome;
};

} // namespace genflow::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::worker_wakeup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::blocking_finished)

namespace genflow {

namespace {

using detail::blocking_finished;
using detail::worker_wakeup;

using step_worker_impl = step_worker_actor::extend<caf::reacts_to<worker_wakeup>,
                                                   caf::reacts_to<blocking_finished>>;

struct step_worker_state;
using worker_pointer = step_worker_impl::stateful_pointer<step_worker_state>;

/// Timers, the blocking pool and the node's services (templates, validation, review), as
/// handlers see them. One per worker: the step's identity travels in the completion, not here.
/// Service requests go out from the worker, so their continuations run on it.
class worker_services final : public workflow::step_services,
                              public codegen::template_service,
                              public codegen::validation_service,
                              public codegen::review_service {
public:
  worker_services(worker_pointer self, step_worker_config& cfg) : self_(self), cfg_(cfg) {}

  void after(std::chrono::nanoseconds delay, std::function<void()> fn) override;
  void run_blocking(std::function<workflow::step_outcome()> fn,
                    workflow::step_completion done) override;
  const std::string& worker_name() const noexcept override { return cfg_.name; }

  void fetch(std::vector<codegen::template_key> keys,
             std::function<void(expected<codegen::template_set>)> done) override;
  void preload(std::vector<codegen::template_key> keys) override;
  void validate(std::vector<codegen::source_file> files,
                std::function<void(expected<std::vector<analysis::file_validation>>)> done) override;
  void review(quorum::vote_request request,
              std::function<void(expected<quorum::quorum_result>)> done) override;

protected:
  void* find_service(const std::type_info& interface) noexcept override;

private:
  error_info unanswered(const char* service, const caf::error& err) const;

  worker_pointer self_;
  step_worker_config& cfg_;
};

struct step_worker_state {
  // -- member types -------------------------------------------------------------

  struct active_step {
    caf::strong_actor_ptr supervisor;
    std::string correlation_id;
    std::uint32_t step_index = 0;
    std::uint32_t attempt = 0;
    std::string step_id;
    std::shared_ptr<std::atomic<bool>> cancelled;
    caf::actor_clock::time_point started;
  };

  // -- constants ------------------------------------------------------------------

  static constexpr const char* name = "genflow.step_worker";

  // -- constructors ---------------------------------------------------------------

  explicit step_worker_state(worker_pointer self) : self(self) {}

  // -- message handlers -------------------------------------------------------------

  void on_lease(step_lease& lease) {
    auto token = next_token++;
    active_step a;
    a.supervisor = self->current_sender();
    a.correlation_id = lease.correlation_id;
    a.step_index = lease.step_index;
    a.attempt = lease.attempt;
    a.step_id = lease.step_id;
    a.cancelled = std::make_shared<std::atomic<bool>>(false);
    a.started = self->clock().now();
    workflow::step_invocation inv;
    inv.correlation_id = std::move(lease.correlation_id);
    inv.step_id = lease.step_id;
    inv.inputs = std::move(lease.inputs);
    inv.upstream = std::move(lease.upstream);
    inv.attempt = lease.attempt;
    inv.timeout = lease.timeout;
    inv.cancelled = a.cancelled;
    active.emplace(token, std::move(a));
    const auto* handler = cfg.handlers ? cfg.handlers->find(lease.handler) : nullptr;
    if (!handler) {
      complete(token, workflow::step_outcome::failure(
                        error_info{"step.unknown_handler",
                                   "worker " + cfg.name + " has no handler '" + lease.handler + "'",
                                   lease.step_id, false}));
      return;
    }
    try {
      handler->start(inv, *services,
                     [self = self, token](workflow::step_outcome o) {
                       self->state.complete(token, std::move(o));
                     });
    } catch (const std::exception& e) {
      complete(token, workflow::step_outcome::failure(error_info{
                        "step.handler_exception",
                        "handler '" + lease.handler + "' threw: " + e.what(), lease.step_id}));
    }
  }

  void on_cancel(const cancel_step& c) {
    for (auto it = active.begin(); it != active.end(); ++it) {
      const auto& a = it->second;
      if (a.step_index == c.step_index && a.attempt == c.attempt
          && a.correlation_id == c.correlation_id) {
        a.cancelled->store(true);
        complete(it->first, workflow::step_outcome::failure(
                              error_info{"step.cancelled", "lease withdrawn", a.step_id}));
        return;
      }
    }
  }

  void on_wakeup(const worker_wakeup& w) {
    auto it = timers.find(w.token);
    if (it == timers.end())
      return;
    auto fn = std::move(it->second);
    timers.erase(it);
    fn();
  }

  void on_blocking_finished(blocking_finished& b) {
    auto it = blocking.find(b.token);
    if (it == blocking.end())
      return;
    auto done = std::move(it->second);
    blocking.erase(it);
    done(std::move(b.outcome));
  }

  /// Sends the report of step `token` (once; later completions are dropped).
  void complete(std::uint64_t token, workflow::step_outcome outcome) {
    auto it = active.find(token);
    if (it == active.end())
      return;
    auto& a = it->second;
    step_report report;
    report.correlation_id = std::move(a.correlation_id);
    report.step_index = a.step_index;
    report.attempt = a.attempt;
    report.error = std::move(outcome.error);
    report.outputs = std::move(outcome.outputs);
    report.execution_time = std::chrono::duration_cast<std::chrono::nanoseconds>(
      self->clock().now() - a.started);
    report.worker = cfg.name;
    report.spans = std::move(outcome.spans);
    if (auto sup = caf::actor_cast<stage_supervisor_actor>(a.supervisor))
      self->send(sup, std::move(report));
    else
      log::warn("[{}] {}: lease of step '{}' had no sender to report to", report.correlation_id,
                cfg.name, a.step_id);
    active.erase(it);
  }

  // -- member variables -----------------------------------------------------------

  worker_pointer self;
  step_worker_config cfg;
  std::unique_ptr<worker_services> services;
  std::uint64_t next_token = 1;
  std::unordered_map<std::uint64_t, active_step> active;
  std::unordered_map<std::uint64_t, std::function<void()>> timers;
  std::unordered_map<std::uint64_t, workflow::step_completion> blocking;
};

void worker_services::after(std::chrono::nanoseconds delay, std::function<void()> fn) {
  auto token = self_->state.next_token++;
  self_->state.timers.emplace(token, std::move(fn));
  if (cfg_.timers)
    cfg_.timers->schedule(delay, [handle = caf::actor_cast<step_worker_impl>(self_), token] {
      caf::anon_send(handle, worker_wakeup{token});
    });
  else
    self_->delayed_send(self_, delay, worker_wakeup{token});
}

void worker_services::run_blocking(std::function<workflow::step_outcome()> fn,
                                   workflow::step_completion done) {
  auto token = self_->state.next_token++;
  self_->state.blocking.emplace(token, std::move(done));
  auto handle = caf::actor_cast<step_worker_impl>(self_);
  cfg_.blocking->post([fn = std::move(fn), handle, token] {
    workflow::step_outcome outcome;
    try {
      outcome = fn();
    } catch (const std::exception& e) {
      outcome = workflow::step_outcome::failure(
        error_info{"step.handler_exception", std::string{"blocking work threw: "} + e.what()});
    }
    caf::anon_send(handle, blocking_finished{token, std::move(outcome)});
  });
}

void* worker_services::find_service(const std::type_info& interface) noexcept {
  if (interface == typeid(codegen::template_service))
    return cfg_.templates ? static_cast<codegen::template_service*>(this) : nullptr;
  if (interface == typeid(codegen::validation_service))
    return cfg_.validation ? static_cast<codegen::validation_service*>(this) : nullptr;
  if (interface == typeid(codegen::review_service))
    return cfg_.quorum ? static_cast<codegen::review_service*>(this) : nullptr;
  return nullptr;
}

error_info worker_services::unanswered(const char* service, const caf::error& err) const {
  return error_info{"step.service", std::string{"the "} + service + " did not answer: "
                                      + self_->system().render(err),
                    cfg_.name, true};
}

void worker_services::fetch(std::vector<codegen::template_key> keys,
                            std::function<void(expected<codegen::template_set>)> done) {
  self_->request(cfg_.templates, caf::infinite, fetch_templates{std::move(keys)})
    .then(
      [done](fetched_templates& r) {
        if (r.error)
          done(std::move(*r.error));
        else
          done(std::move(r.set));
      },
      [this, done](caf::error& err) { done(unanswered("template cache", err)); });
}

void worker_services::preload(std::vector<codegen::template_key> keys) {
  preload_templates req;
  for (auto& k : keys)
    req.refs.push_back(template_ref{std::move(k.id), std::move(k.type)});
  // A hint: nobody waits for the report, and the fetch that needs a template reports its error.
  self_->request(cfg_.templates, caf::infinite, std::move(req))
    .then([](const preload_report&) {}, [](const caf::error&) {});
}

void worker_services::validate(
  std::vector<codegen::source_file> files,
  std::function<void(expected<std::vector<analysis::file_validation>>)> done) {
  self_->request(cfg_.validation, caf::infinite, validate_files{std::move(files)})
    .then([done](files_validated& r) { done(std::move(r.results)); },
          [this, done](caf::error& err) { done(unanswered("validation pipeline", err)); });
}

void worker_services::review(quorum::vote_request request,
                             std::function<void(expected<quorum::quorum_result>)> done) {
  self_->request(cfg_.quorum, caf::infinite, review_code{std::move(request)})
    .then([done](review_result& r) { done(std::move(r.result)); },
          [this, done](caf::error& err) { done(unanswered("AI quorum", err)); });
}

step_worker_impl::behavior_type step_worker(worker_pointer self, step_worker_config cfg) {
  self->state.cfg = std::move(cfg);
  self->state.services = std::make_unique<worker_services>(self, self->state.cfg);
  return {
    [self](step_lease& lease) { self->state.on_lease(lease); },
    [self](const cancel_step& c) { self->state.on_cancel(c); },
    [self](const worker_wakeup& w) { self->state.on_wakeup(w); },
    [self](blocking_finished& b) { self->state.on_blocking_finished(b); },
  };
}

} // namespace

step_worker_actor spawn_step_worker(caf::actor_system& sys, step_worker_config cfg) {
  return sys.spawn(step_worker, std::move(cfg));
}

} // namespace genflow
