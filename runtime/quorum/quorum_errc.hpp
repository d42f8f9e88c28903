#pragma once

/// The quorum subsystem's error codes. Every error that leaves runtime/quorum is an `error_info`
/// whose `code` is one of the dotted names below ("quorum.timeout"); `where` names the model
/// ("model glm-4.5"), the endpoint ("https://host:443/path", never with a key) or, for
/// configuration problems, "file:line:column field.path". Messages never contain an API key: every
/// text that may echo one (provider error bodies, transport errors) passes through `redact`.
///
/// A model whose call ends with one of these errors did not participate in the vote; its outcome
/// carries the error, so no failure is ever dropped silently.

#include <string>
#include <string_view>
#include <vector>

#include "messages/error.hpp"

namespace genflow::quorum {

enum class quorum_errc {
  config,            ///< "quorum.config": an invalid quorum configuration (file:line:column field)
  missing_key,       ///< "quorum.missing_key": the API key variable of an enabled model is unset
  connect,           ///< "quorum.connect": connection refused, DNS, reset (retryable)
  timeout,           ///< "quorum.timeout": the call exceeded its timeout (retryable)
  tls,               ///< "quorum.tls": certificate or handshake failure
  transport,         ///< "quorum.transport": any other transfer failure
  too_large,         ///< "quorum.too_large": a reply above the size limit
  rate_limited,      ///< "quorum.rate_limited": HTTP 429 (retryable, honours Retry-After)
  server_error,      ///< "quorum.server_error": HTTP 5xx (retryable)
  auth,              ///< "quorum.auth": HTTP 401/403 (never retried)
  bad_request,       ///< "quorum.bad_request": any other HTTP 4xx (never retried)
  bad_reply,         ///< "quorum.bad_reply": a 2xx body without the protocol's fields
  blocked,           ///< "quorum.blocked": the provider refused to answer (safety filter)
  vote_unparseable,  ///< "quorum.vote_unparseable": the reply text holds no usable JSON verdict
  vote_invalid,      ///< "quorum.vote_invalid": a verdict with a bad field (confidence outside [0,1])
  command_failed,    ///< "quorum.command_failed": a command model exited non-zero or was killed
  deadline,          ///< "quorum.deadline": the quorum deadline passed before the model answered
  cancelled,         ///< "quorum.cancelled": the call was cancelled (decided early, shut down)
  insufficient_participation, ///< "quorum.insufficient_participation": too little weight voted
  analysis_failed,   ///< "quorum.analysis_failed": the offline reviewer could not analyse the code
};

/// The stable dotted name of a code ("quorum.timeout").
std::string_view code_name(quorum_errc code) noexcept;

/// Builds an error_info with the code's name.
error_info make_error(quorum_errc code, std::string message, std::string where = {},
                      bool retryable = false);

/// Replaces every occurrence of each non-empty secret in `text` with "[REDACTED]".
std::string redact(std::string text, const std::vector<std::string>& secrets);

} // namespace genflow::quorum
