#pragma once

/// The two provider protocols, as pure functions from a prompt to an HTTP request and from an
/// HTTP response to reply text and token usage, plus the retry rules. No I/O here:
/// http_model_client drives these over http_client.
///
/// - OpenAI chat completions (GLM, Mistral/Codestral, OpenAI, vLLM, llama.cpp, Ollama): POST the
///   endpoint with `Authorization: Bearer <key>` (omitted for keyless local servers) and
///   {"model", "messages": [system, user], "temperature": 0.2, "max_tokens"}; the reply is at
///   choices[0].message.content, usage at usage.prompt_tokens / usage.completion_tokens.
/// - Gemini generateContent: POST the endpoint with the key in the `x-goog-api-key` header (never
///   in the URL) and {"contents": [{"role": "user", "parts": [{"text"}]}] (the prompt opens
///   with the role line, as the original's did; v1 endpoints take no system instruction),
///   "generationConfig": {temperature 0.2, topK 40, topP 0.95, maxOutputTokens}}; the reply is at
///   candidates[0].content.parts[0].text, usage at usageMetadata.promptTokenCount /
///   candidatesTokenCount.
///
/// @code
/// http_request req = build_provider_request(cfg, key, prompt, timeout, connect_timeout);
/// // ... on the response:
/// auto reply = read_provider_response(cfg, res, {key});
/// if (!reply && reply.error().retryable) schedule_retry(retry_delay(res, attempt, policy, rng));
/// @endcode

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/quorum/http_client.hpp"
#include "runtime/quorum/quorum_config.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

/// The request for one attempt. `api_key` may be empty (no auth header then).
http_request build_provider_request(const model_config& model, const std::string& api_key,
                                    const std::string& prompt, std::chrono::nanoseconds timeout,
                                    std::chrono::nanoseconds connect_timeout);

/// What a provider answered.
struct provider_reply {
  std::string text;
  token_usage usage;
};

/// Reads a response: a transfer error passes through; HTTP 429 is quorum.rate_limited and 5xx
/// quorum.server_error (both retryable); 401/403 quorum.auth and other non-2xx
/// quorum.bad_request (never retryable); a 2xx body without the protocol's fields is
/// quorum.bad_reply, a Gemini refusal quorum.blocked. Provider error messages are quoted with
/// every secret redacted. The usage of a 2xx body is stored in `*usage_out` (when given) even if
/// its text is missing: those tokens were billed.
expected<provider_reply> read_provider_response(const model_config& model,
                                                const http_response& response,
                                                const std::vector<std::string>& secrets,
                                                token_usage* usage_out = nullptr);

/// The Retry-After header of a response as a wait from `now`: delta-seconds or an HTTP date
/// (a date in the past is a zero wait). nullopt when absent or malformed.
std::optional<std::chrono::nanoseconds>
retry_after(const http_response& response,
            std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// The wait before retry number `retry` (1 for the first retry): a random time in [d/2, d] with
/// d = min(policy.max, policy.base * 2^(retry-1)).
std::chrono::nanoseconds backoff_delay(int retry, const retry_policy& policy, std::mt19937_64& rng);

} // namespace genflow::quorum
