#pragma once

/// One voting model behind an asynchronous interface: `start_vote` returns at once, and the
/// outcome arrives later through a callback run on the client's own thread (the HTTP I/O thread,
/// a command's worker thread...), never inside start_vote. That is the shape an actor wraps: one
/// model actor owns one client and turns each callback into a message to itself.
///
/// Kinds (see quorum_config.hpp): `openai` and `gemini` (http_model_client), `command`
/// (command_model_client), `offline` (offline_reviewer).
///
/// @code
/// auto http = std::make_shared<http_client>();
/// auto clients = make_model_clients(config, http);          // one per enabled model
/// if (!clients) fail(clients.error());
/// auto h = (*clients)[0]->start_vote(request, [](vote_outcome out) { ... });
/// (*clients)[0]->cancel(h);   // the callback still runs once, with quorum.cancelled
/// @endcode

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/quorum/http_client.hpp"
#include "runtime/quorum/quorum_config.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

class model_client {
public:
  using vote_handle = std::uint64_t;
  using vote_callback = std::function<void(vote_outcome)>;

  virtual ~model_client() = default;

  /// The model this client speaks for.
  virtual const model_config& config() const noexcept = 0;

  /// Asks the model for a vote. `done` runs exactly once, on the client's thread, never inside
  /// this call, and must not throw. The outcome comes by `request.deadline` at the latest (a
  /// quorum.deadline error then). Callable from any thread.
  virtual vote_handle start_vote(const vote_request& request, vote_callback done) = 0;

  /// Stops a vote; its callback runs with quorum.cancelled unless it already ran. Callable from
  /// any thread, also with a handle that has finished.
  virtual void cancel(vote_handle handle) = 0;
};

/// Creates a client for every enabled model of `config`, in file order. Network models share
/// `http` (one is created when it is null and needed); their API keys are read from `env` now
/// (quorum.missing_key when unset).
expected<std::vector<std::shared_ptr<model_client>>>
make_model_clients(const quorum_config& config, std::shared_ptr<http_client> http = nullptr,
                   const env_lookup& env = process_environment());

} // namespace genflow::quorum
