#include "runtime/quorum/http_model_client.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "runtime/quorum/prompt.hpp"
#include "runtime/quorum/providers.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

using clock_type = std::chrono::steady_clock;

std::string seconds_text(std::chrono::nanoseconds d) {
  return fmt::format("{:.3g} s", std::chrono::duration<double>(d).count());
}

} // namespace

struct http_model_client::core : std::enable_shared_from_this<core> {
  struct call {
    std::chrono::steady_clock::time_point deadline;
    std::string prompt;
    vote_callback done;
    clock_type::time_point started = clock_type::now();
    int attempts = 0;
    token_usage tokens;
    /// The attempt's timeout was cut to fit the deadline.
    bool capped = false;
    std::optional<http_client::request_id> transfer;
    std::optional<http_client::timer_id> timer;
  };

  // -- member variables -------------------------------------------------------

  model_config model;
  std::string api_key;
  std::vector<std::string> secrets;
  prompt_options prompt;
  retry_policy retry;
  std::chrono::nanoseconds connect_timeout;
  std::shared_ptr<http_client> http;

  std::mutex mutex;
  // protected by mutex
  std::map<vote_handle, call> calls;
  vote_handle next_handle = 1;
  std::mt19937_64 rng;

  // -- vote steps (I/O thread) --------------------------------------------------

  /// Removes the call and delivers its outcome; called with the lock held, which it releases.
  void complete(std::unique_lock<std::mutex>& lock, std::map<vote_handle, call>::iterator it,
                vote_outcome out) {
    auto c = std::move(it->second);
    calls.erase(it);
    lock.unlock();
    out.model_id = model.id;
    out.tokens = c.tokens;
    out.cost_usd = model.prices.cost(c.tokens);
    out.attempts = c.attempts;
    out.duration = clock_type::now() - c.started;
    c.done(std::move(out));
  }

  void fail(std::unique_lock<std::mutex>& lock, std::map<vote_handle, call>::iterator it,
            error_info e) {
    vote_outcome out;
    out.error = std::move(e);
    complete(lock, it, std::move(out));
  }

  void attempt(vote_handle h) {
    std::unique_lock<std::mutex> lock{mutex};
    auto it = calls.find(h);
    if (it == calls.end())
      return; // cancelled meanwhile
    auto& c = it->second;
    c.timer.reset();
    auto left = c.deadline - clock_type::now();
    if (left <= std::chrono::nanoseconds::zero()) {
      fail(lock, it,
           make_error(quorum_errc::deadline, "the quorum deadline passed before the model answered",
                      "model " + model.id));
      return;
    }
    auto timeout = model.timeout;
    c.capped = left < timeout;
    if (c.capped)
      timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(left);
    ++c.attempts;
    auto req = build_provider_request(model, api_key, c.prompt, timeout, connect_timeout);
    c.transfer = http->submit(std::move(req), [self = shared_from_this(), h](http_response res) {
      self->on_response(h, std::move(res));
    });
  }

  void on_response(vote_handle h, http_response res) {
    std::unique_lock<std::mutex> lock{mutex};
    auto it = calls.find(h);
    if (it == calls.end())
      return; // cancelled: the cancel already reported
    auto& c = it->second;
    c.transfer.reset();
    token_usage used;
    auto reply = read_provider_response(model, res, secrets, &used);
    c.tokens += used;
    if (reply) {
      auto verdict = parse_vote_reply(reply->text);
      if (!verdict) {
        auto e = verdict.error();
        e.where = "model " + model.id + (e.where.empty() ? "" : " reply." + e.where);
        e.message = redact(std::move(e.message), secrets);
        fail(lock, it, std::move(e));
        return;
      }
      vote_outcome out;
      out.vote = verdict->vote;
      out.confidence = verdict->confidence;
      out.reasoning = std::move(verdict->reasoning);
      complete(lock, it, std::move(out));
      return;
    }
    auto e = reply.error();
    if (e.code == code_name(quorum_errc::timeout) && c.capped) {
      fail(lock, it,
           make_error(quorum_errc::deadline,
                      "the quorum deadline passed during attempt " + std::to_string(c.attempts),
                      e.where));
      return;
    }
    if (!e.retryable || c.attempts > model.max_retries) {
      if (e.retryable)
        e.message += " (after " + std::to_string(c.attempts) + " attempts)";
      fail(lock, it, std::move(e));
      return;
    }
    // The server's Retry-After (429, 503) wins over the backoff.
    std::chrono::nanoseconds wait = backoff_delay(c.attempts, retry, rng);
    if (auto hint = retry_after(res))
      wait = *hint;
    if (clock_type::now() + wait >= c.deadline) {
      e.message += "; not retried: a wait of " + seconds_text(wait)
                   + " would pass the quorum deadline";
      fail(lock, it, std::move(e));
      return;
    }
    c.timer = http->schedule(wait, [self = shared_from_this(), h] { self->attempt(h); });
  }

  // -- control (any thread) -----------------------------------------------------

  void cancel(vote_handle h, std::string reason) {
    std::unique_lock<std::mutex> lock{mutex};
    auto it = calls.find(h);
    if (it == calls.end())
      return;
    auto c = std::move(it->second);
    calls.erase(it);
    lock.unlock();
    if (c.transfer)
      http->cancel(*c.transfer);
    if (c.timer)
      http->cancel_timer(*c.timer);
    vote_outcome out;
    out.model_id = model.id;
    out.error = make_error(quorum_errc::cancelled, std::move(reason), "model " + model.id);
    out.tokens = c.tokens;
    out.cost_usd = model.prices.cost(c.tokens);
    out.attempts = c.attempts;
    out.duration = clock_type::now() - c.started;
    // The closure keeps this core, hence the http_client, alive until the callback has run.
    http->schedule(std::chrono::nanoseconds::zero(),
                   [self = shared_from_this(), done = std::move(c.done),
                    out = std::move(out)]() mutable { done(std::move(out)); });
  }
};

http_model_client::http_model_client(model_config model, std::string api_key,
                                     const quorum_settings& settings,
                                     std::shared_ptr<http_client> http, std::uint64_t seed)
  : core_(std::make_shared<core>()) {
  core_->model = std::move(model);
  core_->api_key = std::move(api_key);
  core_->secrets = {core_->api_key};
  core_->prompt = prompt_options{settings.max_prompt_code_bytes, settings.criteria};
  core_->retry = settings.retry;
  core_->connect_timeout = settings.connect_timeout;
  core_->http = std::move(http);
  core_->rng.seed(seed != 0 ? seed : std::random_device{}());
}

http_model_client::~http_model_client() {
  std::vector<vote_handle> open;
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    for (const auto& kv : core_->calls)
      open.push_back(kv.first);
  }
  for (auto h : open)
    core_->cancel(h, "the model client was shut down");
}

const model_config& http_model_client::config() const noexcept {
  return core_->model;
}

model_client::vote_handle http_model_client::start_vote(const vote_request& request,
                                                        vote_callback done) {
  core::call c;
  c.deadline = request.deadline;
  c.prompt = build_prompt(request, core_->prompt);
  c.done = std::move(done);
  vote_handle h = 0;
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    h = core_->next_handle++;
    core_->calls.emplace(h, std::move(c));
  }
  core_->http->schedule(std::chrono::nanoseconds::zero(),
                        [self = core_, h] { self->attempt(h); });
  return h;
}

void http_model_client::cancel(vote_handle handle) {
  core_->cancel(handle, "the vote was cancelled");
}

} // namespace genflow::quorum
