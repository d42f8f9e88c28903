#include "runtime/quorum/command_model_client.hpp"

#include <algorithm>

#include "runtime/io/process.hpp"
#include "runtime/quorum/prompt.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

/// The last non-empty line of a program's stderr, bounded, for error messages.
std::string stderr_excerpt(const std::string& text) {
  auto end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos)
    return {};
  auto start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  auto line = text.substr(start, std::min<std::size_t>(end + 1 - start, 300));
  return ": " + line;
}

vote_outcome run_command(const model_config& model, const prompt_options& prompt,
                         const vote_request& request, const std::atomic<bool>& cancel) {
  auto where = "model " + model.id;
  vote_outcome out;
  io::process_request proc;
  proc.argv = model.command;
  proc.stdin_data = build_prompt(request, prompt);
  proc.max_output = std::size_t{1} << 20;
  auto left = request.deadline - std::chrono::steady_clock::now();
  bool capped = left < model.timeout;
  proc.timeout = capped ? std::chrono::duration_cast<std::chrono::nanoseconds>(left) : model.timeout;
  out.attempts = 1;
  auto res = io::run_process(proc, &cancel);
  if (!res) {
    out.error = make_error(quorum_errc::command_failed, res.error().message, where);
    return out;
  }
  if (res->cancelled) {
    out.error = make_error(quorum_errc::cancelled, "the vote was cancelled", where);
  } else if (res->timed_out) {
    out.error = capped ? make_error(quorum_errc::deadline,
                                    "the quorum deadline passed before '" + model.command.front()
                                      + "' answered",
                                    where)
                       : make_error(quorum_errc::timeout,
                                    "'" + model.command.front() + "' did not answer within its timeout",
                                    where);
  } else if (res->term_signal != 0) {
    out.error = make_error(quorum_errc::command_failed,
                           "'" + model.command.front() + "' was killed by signal "
                             + std::to_string(res->term_signal) + stderr_excerpt(res->stderr_data),
                           where);
  } else if (res->exit_code != 0) {
    out.error = make_error(quorum_errc::command_failed,
                           "'" + model.command.front() + "' exited with status "
                             + std::to_string(res->exit_code) + stderr_excerpt(res->stderr_data),
                           where);
  } else if (auto verdict = parse_vote_reply(res->stdout_data); !verdict) {
    auto e = verdict.error();
    e.where = where + (e.where.empty() ? "" : " reply." + e.where);
    out.error = std::move(e);
  } else {
    out.vote = verdict->vote;
    out.confidence = verdict->confidence;
    out.reasoning = std::move(verdict->reasoning);
  }
  return out;
}

} // namespace

command_model_client::command_model_client(model_config model, const quorum_settings& settings)
  : threaded_model_client(model, [model, prompt = prompt_options{settings.max_prompt_code_bytes,
                                                                  settings.criteria}](
                                   const vote_request& request, const std::atomic<bool>& cancel) {
      return run_command(model, prompt, request, cancel);
    }) {
}

} // namespace genflow::quorum
