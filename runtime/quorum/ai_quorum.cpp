#include "runtime/quorum/ai_quorum.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "runtime/quorum/quorum_errc.hpp"
#include "runtime/quorum/quorum_round.hpp"

namespace genflow::quorum {

namespace {

using clock_type = std::chrono::steady_clock;

/// One validation in flight.
struct validation {
  std::mutex mutex;
  // protected by mutex
  quorum_round round;
  std::vector<model_client::vote_handle> handles;
  ai_quorum::result_callback done;

  validation(const quorum_settings& settings, const std::vector<model_config>& models,
             std::string correlation_id)
    : round(settings, models, std::move(correlation_id), clock_type::now()),
      handles(models.size(), 0) {}
};

} // namespace

struct ai_quorum::core : std::enable_shared_from_this<core> {
  quorum_config config;
  /// Enabled models, in configuration order, with their clients.
  std::vector<model_config> models;
  std::vector<std::shared_ptr<model_client>> clients;

  mutable std::mutex mutex;
  // protected by mutex
  std::size_t calls_in_flight = 0; // model calls whose outcome has not been handled yet
  std::condition_variable calls_done;
  std::map<validation_handle, std::shared_ptr<validation>> running;
  validation_handle next_handle = 1;
  quorum_statistics stats;
  std::vector<model_statistics> model_stats;

  void deliver(const std::shared_ptr<validation>& v, validation_handle h, quorum_result r,
               const std::vector<std::size_t>& to_cancel) {
    for (auto i : to_cancel)
      clients[i]->cancel(v->handles[i]);
    auto done = std::move(v->done);
    {
      std::lock_guard<std::mutex> guard{mutex};
      running.erase(h);
      stats.record(r);
    }
    done(std::move(r));
  }

  void on_outcome(const std::shared_ptr<validation>& v, validation_handle h, std::size_t i,
                  vote_outcome out) {
    {
      std::lock_guard<std::mutex> guard{mutex};
      model_stats[i].record(out);
    }
    std::unique_lock<std::mutex> lock{v->mutex};
    if (v->round.concluded())
      return; // a call cancelled after the decision
    if (!v->round.record(i, std::move(out)))
      return;
    std::vector<std::size_t> to_cancel;
    auto r = v->round.conclude(std::nullopt, to_cancel);
    lock.unlock();
    deliver(v, h, std::move(r), to_cancel);
  }

  void cancel(validation_handle h) {
    std::shared_ptr<validation> v;
    {
      std::lock_guard<std::mutex> guard{mutex};
      auto it = running.find(h);
      if (it == running.end())
        return;
      v = it->second;
    }
    std::unique_lock<std::mutex> lock{v->mutex};
    if (v->round.concluded())
      return;
    std::vector<std::size_t> to_cancel;
    auto r = v->round.conclude(
      make_error(quorum_errc::cancelled, "the validation was cancelled", "quorum"), to_cancel);
    lock.unlock();
    deliver(v, h, std::move(r), to_cancel);
  }
};

expected<std::unique_ptr<ai_quorum>>
ai_quorum::create(quorum_config config, std::vector<std::shared_ptr<model_client>> clients) {
  auto state = std::make_shared<core>();
  const auto& s = config.settings;
  if (!(s.pass_threshold >= 0.0 && s.pass_threshold <= 1.0))
    return make_error(quorum_errc::config, "pass_threshold must be between 0 and 1",
                      "quorum.pass_threshold");
  for (const auto& m : config.models) {
    if (!m.enabled)
      continue;
    if (!(m.weight > 0.0 && m.weight <= 10.0))
      return make_error(quorum_errc::config, "weight must be greater than 0 and at most 10",
                        "model " + m.id);
    auto it = std::find_if(clients.begin(), clients.end(), [&](const auto& c) {
      return c != nullptr && c->config().id == m.id;
    });
    if (it == clients.end())
      return make_error(quorum_errc::config, "no client for the enabled model '" + m.id + "'",
                        "model " + m.id);
    state->models.push_back(m);
    state->clients.push_back(*it);
    state->model_stats.emplace_back(m.id);
  }
  if (state->clients.size() != clients.size())
    return make_error(quorum_errc::config,
                      "the clients do not match the enabled models one to one", "quorum");
  if (state->models.empty())
    return make_error(quorum_errc::config, "no model is enabled", "quorum");
  double total = config.total_enabled_weight();
  if (!(s.min_participating_weight >= 0.0)
      || s.min_participating_weight > total + consensus_epsilon)
    return make_error(quorum_errc::config,
                      fmt::format("min_participating_weight {:g} must be between 0 and the total "
                                  "enabled weight {:g}",
                                  s.min_participating_weight, total),
                      "quorum.min_participating_weight");
  state->config = std::move(config);
  return std::unique_ptr<ai_quorum>{new ai_quorum{std::move(state)}};
}

expected<std::unique_ptr<ai_quorum>> ai_quorum::create(quorum_config config,
                                                       std::shared_ptr<http_client> http,
                                                       const env_lookup& env) {
  auto clients = make_model_clients(config, std::move(http), env);
  if (!clients)
    return clients.error();
  return create(std::move(config), std::move(*clients));
}

ai_quorum::ai_quorum(std::shared_ptr<core> state) : core_(std::move(state)) {
}

namespace {

/// Non-zero while a model call's outcome is handled on this thread (calls may nest through
/// cancel): a quorum released from its own callback must not wait for that call.
thread_local int inside_outcome = 0;

} // namespace

ai_quorum::~ai_quorum() {
  std::vector<validation_handle> open;
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    for (const auto& kv : core_->running)
      open.push_back(kv.first);
  }
  for (auto h : open)
    core_->cancel(h);
  // Calls still running (cancelled, or no longer needed after an early decision) hold the core;
  // left alone they could outlive main and analyse code during static destruction.
  if (inside_outcome > 0)
    return;
  std::unique_lock<std::mutex> guard{core_->mutex};
  core_->calls_done.wait(guard, [this] { return core_->calls_in_flight == 0; });
}

const quorum_config& ai_quorum::config() const noexcept {
  return core_->config;
}

ai_quorum::validation_handle ai_quorum::validate(vote_request request, result_callback done) {
  auto deadline = clock_type::now() + core_->config.settings.deadline;
  request.deadline = std::min(request.deadline, deadline);
  auto v = std::make_shared<validation>(core_->config.settings, core_->models,
                                        request.correlation_id);
  v->done = std::move(done);
  validation_handle h = 0;
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    h = core_->next_handle++;
    core_->running.emplace(h, v);
  }
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    core_->calls_in_flight += core_->clients.size();
  }
  // Outcomes wait on v->mutex until every call has its handle.
  std::lock_guard<std::mutex> guard{v->mutex};
  for (std::size_t i = 0; i < core_->clients.size(); ++i)
    v->handles[i] = core_->clients[i]->start_vote(
      request, [state = core_, v, h, i](vote_outcome out) {
        ++inside_outcome;
        state->on_outcome(v, h, i, std::move(out));
        --inside_outcome;
        std::lock_guard<std::mutex> guard{state->mutex};
        if (--state->calls_in_flight == 0)
          state->calls_done.notify_all();
      });
  return h;
}

void ai_quorum::cancel(validation_handle handle) {
  core_->cancel(handle);
}

quorum_statistics_snapshot ai_quorum::statistics() const {
  std::lock_guard<std::mutex> guard{core_->mutex};
  return quorum_statistics_snapshot{core_->stats, core_->model_stats};
}

} // namespace genflow::quorum
