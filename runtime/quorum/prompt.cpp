#include "runtime/quorum/prompt.hpp"

#include <algorithm>
#include <cctype>

#include "runtime/io/json.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

std::size_t longest_backtick_run(std::string_view text) {
  std::size_t best = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string{s.substr(first, last - first + 1)};
}

/// A short, single-line excerpt of a reply for error messages.
std::string excerpt(std::string_view text) {
  constexpr std::size_t limit = 160;
  auto cut = truncate_code(text, limit);
  std::string out;
  out.reserve(cut.size() + 3);
  for (char c : cut)
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (cut.size() < text.size())
    out += "...";
  return out;
}

/// End (one past the closing brace) of the balanced object starting at `start`, or npos.
/// Braces inside JSON strings do not count; a backslash escapes the next character in a string.
/// Each character looked at is taken from `budget`; npos when it runs out.
std::size_t object_end(std::string_view text, std::size_t start, std::size_t& budget) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (budget == 0)
      return std::string_view::npos;
    --budget;
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0)
        return i + 1;
    }
  }
  return std::string_view::npos;
}

expected<parsed_vote> read_verdict(const value& obj) {
  parsed_vote out;
  const auto& vote = obj.get("vote");
  if (vote.is_bool()) {
    out.vote = vote.as_bool();
  } else if (vote.is_string()) {
    auto v = lower(trimmed(vote.as_string()));
    if (v == "pass" || v == "approve")
      out.vote = true;
    else if (v == "fail" || v == "reject")
      out.vote = false;
    else
      return make_error(quorum_errc::vote_invalid,
                        "\"vote\" is \"" + excerpt(vote.as_string())
                          + "\"; expected true, false, \"pass\", \"fail\", \"approve\" or \"reject\"",
                        "vote");
  } else {
    return make_error(quorum_errc::vote_invalid,
                      "\"vote\" must be a boolean or pass/fail/approve/reject, not "
                        + std::string{value::kind_name(vote.type())},
                      "vote");
  }
  const auto* confidence = obj.find("confidence");
  if (confidence == nullptr || !confidence->is_number())
    return make_error(quorum_errc::vote_invalid,
                      confidence == nullptr ? "the verdict has no \"confidence\""
                                            : "\"confidence\" must be a number, not "
                                                + std::string{value::kind_name(confidence->type())},
                      "confidence");
  double c = confidence->as_number();
  if (!(c >= 0.0 && c <= 1.0))
    return make_error(quorum_errc::vote_invalid,
                      "\"confidence\" is " + io::to_json(*confidence) + ", outside [0, 1]",
                      "confidence");
  out.confidence = c;
  const auto* reasoning = obj.find("reasoning");
  if (reasoning == nullptr || !reasoning->is_string() || trimmed(reasoning->as_string()).empty())
    return make_error(quorum_errc::vote_invalid,
                      "the verdict needs a non-empty \"reasoning\" string", "reasoning");
  out.reasoning = trimmed(reasoning->as_string());
  return out;
}

} // namespace

std::string_view truncate_code(std::string_view code, std::size_t max_bytes) noexcept {
  if (code.size() <= max_bytes)
    return code;
  auto head = code.substr(0, max_bytes);
  auto line_end = head.rfind('\n');
  if (line_end != std::string_view::npos)
    return head.substr(0, line_end + 1);
  // One line longer than the budget: cut before a character, never inside one.
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(code[cut]) & 0xC0) == 0x80)
    --cut;
  return code.substr(0, cut);
}

std::string build_prompt(const vote_request& request, const prompt_options& options) {
  const auto& criteria = request.criteria.empty() ? options.criteria : request.criteria;
  auto code = truncate_code(request.code, options.max_code_bytes);
  std::string fence(std::max<std::size_t>(3, longest_backtick_run(request.code) + 1), '`');

  std::string out;
  out.reserve(code.size() + 1024);
  out += "You are a code quality validator for ONEX v2.0 compliant code generation.\n\n";
  out += "Context:\n- Node type: ";
  out += request.node_type.empty() ? "unspecified" : request.node_type;
  out += "\n- Contract: ";
  out += request.contract_summary.empty() ? "unspecified" : request.contract_summary;
  out += "\n\nValidation criteria:\n";
  for (std::size_t i = 0; i < criteria.size(); ++i) {
    out += std::to_string(i + 1);
    out += ". ";
    out += criteria[i];
    out += '\n';
  }
  out += "\nCode to review:\n";
  out += fence;
  out += "python\n";
  out += code;
  if (!code.empty() && code.back() != '\n')
    out += '\n';
  if (code.size() < request.code.size()) {
    out += "# [genflow: code truncated here; " + std::to_string(code.size()) + " of "
           + std::to_string(request.code.size())
           + " bytes shown, the rest is not part of this review]\n";
  }
  out += fence;
  out += "\n\nAnswer with exactly one JSON object and nothing else:\n"
         "{\"vote\": true or false, \"confidence\": a number from 0.0 to 1.0, "
         "\"reasoning\": \"one short paragraph\"}\n"
         "\"vote\" is true when the code meets the criteria.\n";
  return out;
}

expected<parsed_vote> parse_vote_reply(std::string_view text) {
  // A verdict is a few hundred bytes: bound the work on hostile replies. Each candidate start is
  // scanned afresh (so a stray quote in prose cannot derail the string tracking of later ones),
  // all scans together looking at no more than `budget` characters.
  constexpr std::size_t max_scanned = 64 * 1024;
  std::size_t budget = std::size_t{1} << 21;
  auto scanned = text.substr(0, max_scanned);
  std::optional<error_info> first_problem;
  for (auto start = scanned.find('{'); start != std::string_view::npos && budget > 0;
       start = scanned.find('{', start + 1)) {
    auto end = object_end(scanned, start, budget);
    if (end == std::string_view::npos)
      continue;
    auto parsed = io::parse_json(scanned.substr(start, end - start), "reply");
    if (!parsed || !parsed->is_object() || parsed->find("vote") == nullptr)
      continue;
    auto verdict = read_verdict(*parsed);
    if (verdict)
      return verdict;
    if (!first_problem)
      first_problem = verdict.error();
  }
  if (first_problem)
    return *first_problem;
  return make_error(quorum_errc::vote_unparseable,
                    "the reply holds no JSON object with a \"vote\": \"" + excerpt(text) + "\"");
}

} // namespace genflow::quorum
