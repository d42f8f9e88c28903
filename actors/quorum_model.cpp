#include "actors/quorum_model.hpp"

#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

namespace genflow::detail {

/// A client finished call `id` on its own thread.
struct vote_finished {
  std::uint64_t id;
  quorum::vote_outcome outcome;
};

} // namespace genflow::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::vote_finished)

namespace genflow {

namespace {

using detail::vote_finished;

using quorum_model_impl = quorum_model_actor::extend<caf::reacts_to<vote_finished>>;

struct quorum_model_state {
  static constexpr const char* name = "genflow.quorum_model";

  struct call {
    quorum::model_client::vote_handle handle = 0;
    caf::typed_response_promise<vote_cast> promise;
  };

  /// Calls still running when the actor goes are cancelled (their callbacks find no one).
  ~quorum_model_state() {
    for (auto& [id, c] : calls)
      client->cancel(c.handle);
  }

  std::shared_ptr<quorum::model_client> client;
  std::unordered_map<std::uint64_t, call> calls;
};

using model_pointer = quorum_model_impl::stateful_pointer<quorum_model_state>;

quorum_model_impl::behavior_type quorum_model(model_pointer self,
                                              std::shared_ptr<quorum::model_client> client) {
  self->state.client = std::move(client);
  return {
    [self](cast_vote& req) -> caf::typed_response_promise<vote_cast> {
      auto rp = self->make_response_promise<vote_cast>();
      auto me = caf::actor_cast<quorum_model_impl>(self);
      auto id = req.id;
      auto& c = self->state.calls[id];
      c.promise = rp;
      c.handle = self->state.client->start_vote(req.request, [me, id](quorum::vote_outcome out) {
        caf::anon_send(me, vote_finished{id, std::move(out)});
      });
      return rp;
    },
    [self](const withdraw_vote& w) {
      auto it = self->state.calls.find(w.id);
      if (it != self->state.calls.end())
        self->state.client->cancel(it->second.handle);
    },
    [self](vote_finished& f) {
      auto it = self->state.calls.find(f.id);
      if (it == self->state.calls.end())
        return;
      it->second.promise.deliver(vote_cast{std::move(f.outcome)});
      self->state.calls.erase(it);
    },
  };
}

} // namespace

quorum_model_actor spawn_quorum_model(caf::actor_system& sys,
                                      std::shared_ptr<quorum::model_client> client) {
  return sys.spawn(quorum_model, std::move(client));
}

} // namespace genflow
