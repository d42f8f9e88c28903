#include "actors/quorum.hpp"

#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/quorum_model.hpp"
#include "runtime/quorum/quorum_errc.hpp"
#include "runtime/quorum/quorum_round.hpp"
#include "runtime/quorum/statistics.hpp"

namespace genflow::detail {

/// The quorum deadline of validation `id` passed.
struct quorum_deadline {
  std::uint64_t id;
};

} // namespace genflow::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::quorum_deadline)

namespace genflow {

namespace {

using detail::quorum_deadline;
using quorum_impl = quorum_actor::extend<caf::reacts_to<quorum_deadline>>;
using clock_type = std::chrono::steady_clock;

/// Extra time beyond the deadline for a model's answer to arrive before the quorum gives up on it.
constexpr auto deadline_grace = std::chrono::milliseconds{50};

struct quorum_state {
  static constexpr const char* name = "genflow.quorum";

  /// Model actors go with their quorum.
  ~quorum_state() {
    for (const auto& m : model_actors)
      caf::anon_send_exit(m, caf::exit_reason::user_shutdown);
  }

  struct validation {
    std::unique_ptr<quorum::quorum_round> round;
    std::vector<std::uint64_t> call_ids;
    caf::typed_response_promise<review_result> promise;
  };

  quorum::quorum_config config;
  /// Enabled models, in configuration order, and their actors.
  std::vector<quorum::model_config> models;
  std::vector<quorum_model_actor> model_actors;
  std::unordered_map<std::uint64_t, validation> running;
  std::uint64_t next_id = 1;
  quorum::quorum_statistics stats;
  std::vector<quorum::model_statistics> model_stats;
};

using quorum_pointer = quorum_impl::stateful_pointer<quorum_state>;

void conclude(quorum_pointer self, std::uint64_t id, std::optional<error_info> error) {
  auto& st = self->state;
  auto it = st.running.find(id);
  if (it == st.running.end())
    return;
  auto& v = it->second;
  std::vector<std::size_t> to_cancel;
  auto result = v.round->conclude(std::move(error), to_cancel);
  for (auto i : to_cancel)
    self->send(st.model_actors[i], withdraw_vote{v.call_ids[i]});
  st.stats.record(result);
  v.promise.deliver(review_result{std::move(result)});
  st.running.erase(it);
}

void on_outcome(quorum_pointer self, std::uint64_t id, std::size_t i, quorum::vote_outcome out) {
  auto& st = self->state;
  st.model_stats[i].record(out);
  auto it = st.running.find(id);
  if (it == st.running.end())
    return; // a late answer to a withdrawn call: counted above, nothing else to do
  if (it->second.round->record(i, std::move(out)))
    conclude(self, id, std::nullopt);
}

quorum_impl::behavior_type quorum_behavior(quorum_pointer self, quorum::quorum_config config,
                                  std::vector<quorum_model_actor> actors) {
  auto& st = self->state;
  st.config = std::move(config);
  for (const auto& m : st.config.models)
    if (m.enabled) {
      st.models.push_back(m);
      st.model_stats.emplace_back(m.id);
    }
  st.model_actors = std::move(actors);
  return {
    [self](review_code& req) -> caf::typed_response_promise<review_result> {
      auto& st = self->state;
      auto rp = self->make_response_promise<review_result>();
      auto id = st.next_id++;
      auto now = clock_type::now();
      req.request.deadline = std::min(req.request.deadline, now + st.config.settings.deadline);
      auto& v = st.running[id];
      v.promise = rp;
      v.round = std::make_unique<quorum::quorum_round>(st.config.settings, st.models,
                                                        req.request.correlation_id, now);
      for (std::size_t i = 0; i < st.model_actors.size(); ++i) {
        auto call = st.next_id++;
        v.call_ids.push_back(call);
        // No timeout of its own: quorum_deadline below ends the validation for every model that
        // has not answered (a request timeout costs two wake-ups of CAF's clock thread).
        self->request(st.model_actors[i], caf::infinite, cast_vote{call, req.request})
          .then([self, id, i](vote_cast& c) { on_outcome(self, id, i, std::move(c.outcome)); },
                [self, id, i](caf::error& err) {
                  quorum::vote_outcome out;
                  out.model_id = self->state.models[i].id;
                  out.error = quorum::make_error(quorum::quorum_errc::transport,
                                                 "no answer from the model actor: "
                                                   + self->system().render(err),
                                                 "model " + out.model_id);
                  on_outcome(self, id, i, std::move(out));
                });
      }
      self->delayed_send(self, std::chrono::duration_cast<caf::timespan>(req.request.deadline - now)
                                 + 2 * deadline_grace,
                         quorum_deadline{id});
      return rp;
    },
    [self](const quorum_deadline& d) {
      // Every model should have answered by now; whoever did not, did not take part.
      conclude(self, d.id, std::nullopt);
    },
    [self](const get_quorum_statistics&) {
      return quorum::quorum_statistics_snapshot{self->state.stats, self->state.model_stats};
    },
  };
}

} // namespace

expected<quorum_actor> spawn_quorum(caf::actor_system& sys, quorum::quorum_config config) {
  auto clients = quorum::make_model_clients(config);
  if (!clients)
    return clients.error();
  std::vector<quorum_model_actor> actors;
  for (auto& c : *clients)
    actors.push_back(spawn_quorum_model(sys, std::move(c)));
  return quorum_actor{sys.spawn(quorum_behavior, std::move(config), std::move(actors))};
}

} // namespace genflow
