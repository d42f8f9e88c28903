#pragma once

/// A model reached over HTTP (OpenAI-compatible chat completions or Gemini generateContent), with
/// retries: only on retryable failures (connection errors, timeouts, 429, 5xx), never on auth or
/// request errors. A wait is the server's Retry-After when it sends one (429, 503), else capped
/// exponential backoff with jitter; waits are timers on the HTTP I/O thread. No attempt and no
/// retry wait runs past the request's deadline. Every step of a vote runs on the I/O thread.
///
/// @code
/// auto http = std::make_shared<http_client>();
/// http_model_client glm{cfg.models[1], api_key, cfg.settings, http};
/// glm.start_vote(request, [](vote_outcome out) { ... });   // runs on http's I/O thread
/// @endcode

#include <memory>
#include <string>

#include "runtime/quorum/model_client.hpp"

namespace genflow::quorum {

class http_model_client final : public model_client {
public:
  /// `model.kind` is openai or gemini. `api_key` may be empty for keyless openai endpoints.
  /// `seed` seeds the backoff jitter.
  http_model_client(model_config model, std::string api_key, const quorum_settings& settings,
                    std::shared_ptr<http_client> http, std::uint64_t seed = 0);

  /// Cancels every vote in flight; their callbacks still run (with quorum.cancelled) on the I/O
  /// thread, possibly after this returns.
  ~http_model_client() override;

  const model_config& config() const noexcept override;
  vote_handle start_vote(const vote_request& request, vote_callback done) override;
  void cancel(vote_handle handle) override;

private:
  struct core;
  std::shared_ptr<core> core_;
};

} // namespace genflow::quorum
