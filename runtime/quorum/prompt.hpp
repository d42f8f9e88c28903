#pragma once

/// The words exchanged with a model: the review prompt (`build_prompt`) and the verdict read back
/// from whatever text the model wrote (`parse_vote_reply`).
///
/// @code
/// std::string prompt = build_prompt(request, {settings.max_prompt_code_bytes, settings.criteria});
/// auto verdict = parse_vote_reply("Sure! ```json\n{\"vote\": \"approve\", \"confidence\": 0.8,"
///                                 " \"reasoning\": \"ok\"}\n```");
/// if (verdict) use(verdict->vote, verdict->confidence, verdict->reasoning);
/// else record_non_participation(verdict.error());   // quorum.vote_unparseable / vote_invalid
/// @endcode

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

struct prompt_options {
  /// Code beyond this many bytes is cut at a line boundary and replaced by a marker line.
  std::size_t max_code_bytes = 32768;
  /// Used when the request has no criteria of its own.
  std::vector<std::string> criteria;
};

/// The system message of chat protocols.
inline constexpr std::string_view system_instruction =
  "You are a code quality validator. Respond only with valid JSON.";

/// Builds the review prompt: role line, node type, contract summary, numbered criteria, the code
/// in a python fence (bounded by `max_code_bytes`, cut at a line boundary, UTF-8 safe, with an
/// explicit truncation marker; the fence is longer than any backtick run inside the code), and
/// the instruction to answer with {"vote": bool, "confidence": 0..1, "reasoning": "..."}.
std::string build_prompt(const vote_request& request, const prompt_options& options);

/// Cuts `code` to at most `max_bytes`: at the last line break that fits, or at a UTF-8 character
/// boundary when the first line alone is longer. Returns the kept prefix (unchanged when it fits).
std::string_view truncate_code(std::string_view code, std::size_t max_bytes) noexcept;

/// A verdict read from a model's reply.
struct parsed_vote {
  bool vote = false;
  double confidence = 0.0;
  std::string reasoning;
};

/// Reads a verdict from a model's reply text: the first JSON object holding a valid verdict (in a
/// ``` fence or not, prose around it allowed; braces are matched outside JSON strings; the first
/// 64 KiB of the text are searched, with a bounded amount of scanning). "vote" is a boolean or one of "pass", "approve", "fail",
/// "reject" (any case); "confidence" a number in [0, 1] (outside is an error, never clamped);
/// "reasoning" a non-empty string. Errors: quorum.vote_invalid (objects with a "vote" exist but
/// none is valid: the first one's problem), quorum.vote_unparseable (no object with a "vote").
expected<parsed_vote> parse_vote_reply(std::string_view text);

} // namespace genflow::quorum
