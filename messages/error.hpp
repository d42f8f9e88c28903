#pragma once

/// Errors as values. Every subsystem owns one documented `enum class` of codes (see the
/// `*_errc` enums in runtime/); what travels between actors and nodes is an `error_info`: the
/// stable code name, a message for humans, and where it happened.
///
/// `where` names the place in the user's terms: "workflow.yaml:12:7 stages[0].steps[2].handler"
/// for input files, a step id for execution errors, "host:port" for network errors.

#include <string>

#include <msgpack.hpp>

namespace genflow {

struct error_info {
  error_info() = default;
  error_info(std::string code, std::string message, std::string where = {},
             bool retryable = false)
    : code(std::move(code)), message(std::move(message)), where(std::move(where)),
      retryable(retryable) {}

  /// Stable, dotted code name, e.g. "workflow.cycle" or "step.timeout".
  std::string code;
  /// One sentence for humans.
  std::string message;
  /// The place: file:line:column and field path, a step id, an address. May be empty.
  std::string where;
  /// Whether repeating the same operation may succeed (timeouts, connection errors, 5xx).
  bool retryable = false;

  /// "where: message [code]", or "message [code]" without a place.
  std::string to_string() const;

  friend bool operator==(const error_info&, const error_info&) = default;

  MSGPACK_DEFINE_ARRAY(code, message, where, retryable)
};

} // namespace genflow
