#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

std::string_view code_name(quorum_errc code) noexcept {
  switch (code) {
    case quorum_errc::config:
      return "quorum.config";
    case quorum_errc::missing_key:
      return "quorum.missing_key";
    case quorum_errc::connect:
      return "quorum.connect";
    case quorum_errc::timeout:
      return "quorum.timeout";
    case quorum_errc::tls:
      return "quorum.tls";
    case quorum_errc::transport:
      return "quorum.transport";
    case quorum_errc::too_large:
      return "quorum.too_large";
    case quorum_errc::rate_limited:
      return "quorum.rate_limited";
    case quorum_errc::server_error:
      return "quorum.server_error";
    case quorum_errc::auth:
      return "quorum.auth";
    case quorum_errc::bad_request:
      return "quorum.bad_request";
    case quorum_errc::bad_reply:
      return "quorum.bad_reply";
    case quorum_errc::blocked:
      return "quorum.blocked";
    case quorum_errc::vote_unparseable:
      return "quorum.vote_unparseable";
    case quorum_errc::vote_invalid:
      return "quorum.vote_invalid";
    case quorum_errc::command_failed:
      return "quorum.command_failed";
    case quorum_errc::deadline:
      return "quorum.deadline";
    case quorum_errc::cancelled:
      return "quorum.cancelled";
    case quorum_errc::insufficient_participation:
      return "quorum.insufficient_participation";
    case quorum_errc::analysis_failed:
      return "quorum.analysis_failed";
  }
  return "quorum.unknown";
}

error_info make_error(quorum_errc code, std::string message, std::string where, bool retryable) {
  return error_info{std::string{code_name(code)}, std::move(message), std::move(where), retryable};
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  static constexpr std::string_view mask = "[REDACTED]";
  for (const auto& secret : secrets) {
    if (secret.empty())
      continue;
    for (auto pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + mask.size()))
      text.replace(pos, secret.size(), mask);
  }
  return text;
}

} // namespace genflow::quorum
