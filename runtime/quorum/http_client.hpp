#pragma once

/// An asynchronous HTTP client on libcurl: one curl multi handle driven by one dedicated I/O
/// thread, which also runs timers (retry waits are timers, never sleeping threads). Callbacks run
/// on that I/O thread, so an actor wrapping a client only has to turn them into messages.
///
/// TLS verifies certificates and host names (libcurl's defaults, kept on); proxies come from the
/// standard environment variables (http_proxy, https_proxy, no_proxy: libcurl reads them for each
/// transfer); redirects are not followed (a key header must never travel to another host).
///
/// @code
/// auto client = std::make_shared<http_client>();
/// http_request req;
/// req.url = "https://api.mistral.ai/v1/chat/completions";
/// req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key, true}};
/// req.body = R"({"model": "codestral-latest", ...})";
/// auto id = client->submit(std::move(req), [](http_response res) {
///   if (res.error) handle(*res.error);            // quorum.connect, quorum.timeout, ...
///   else use(res.status, res.body, res.header("retry-after"));
/// });
/// client->cancel(id);                             // the callback still runs, once, with quorum.cancelled
/// @endcode

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "messages/error.hpp"

namespace genflow::quorum {

struct http_header {
  std::string name;
  std::string value;
  /// The value is a credential: it is redacted from every error message of this request.
  bool secret = false;
};

struct http_request {
  std::string method = "POST";
  std::string url;
  std::vector<http_header> headers;
  std::string body;
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds{10};
  /// Whole transfer, connection included.
  std::chrono::nanoseconds timeout = std::chrono::seconds{30};
  /// A longer body aborts the transfer with quorum.too_large.
  std::size_t max_response_bytes = std::size_t{8} << 20;
};

struct http_response {
  /// HTTP status of the final response; 0 when none arrived.
  long status = 0;
  /// Response headers of the final response, names lower-cased, values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// A transfer failure (no HTTP status to judge): quorum.connect, quorum.timeout, quorum.tls,
  /// quorum.too_large, quorum.transport or quorum.cancelled; retryable set for the first two.
  std::optional<error_info> error;
  /// From submission to completion.
  std::chrono::nanoseconds total_time{0};
  /// Until the connection was established (0 when reused or never connected).
  std::chrono::nanoseconds connect_time{0};
  /// Until the first response byte.
  std::chrono::nanoseconds first_byte_time{0};

  /// First header with this (lower-case) name, or nullptr.
  const std::string* header(std::string_view name) const noexcept;
};

/// The endpoint part of a URL for messages: scheme://host[:port]/path, without query or user.
std::string endpoint_label(const std::string& url);

class http_client {
public:
  using request_id = std::uint64_t;
  using timer_id = std::uint64_t;
  using response_handler = std::function<void(http_response)>;

  /// Starts the I/O thread.
  http_client();

  /// Stops the I/O thread. Transfers still running complete with quorum.cancelled (their
  /// callbacks run on the I/O thread); pending timers are dropped. When the last owner lets go
  /// inside a callback (on the I/O thread itself), the thread finishes on its own after that
  /// callback returns.
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Starts a transfer. `done` runs exactly once on the I/O thread, with the response or the
  /// error, and must not throw. Callable from any thread, including from callbacks.
  request_id submit(http_request request, response_handler done);

  /// Aborts a transfer; its callback runs with quorum.cancelled unless it already ran.
  void cancel(request_id id);

  /// Runs `fn` on the I/O thread after `delay`. Callable from any thread.
  timer_id schedule(std::chrono::nanoseconds delay, std::function<void()> fn);

  /// Drops a timer that has not fired yet; its function never runs.
  void cancel_timer(timer_id id);

  /// True on the I/O thread (in callbacks and timers).
  bool on_io_thread() const noexcept;

  /// Transfers submitted and not yet reported (for tests and statistics).
  std::size_t active_transfers() const;

private:
  struct impl;

  /// Shared with the I/O thread, which outlives this object when it is destroyed from a callback.
  std::shared_ptr<impl> impl_;
  std::thread thread_;
};

} // namespace genflow::quorum
