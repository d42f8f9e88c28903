#pragma once

/// Test support: runs tests/support/fake_provider.py (a scripted OpenAI + Gemini server on an
/// ephemeral loopback port) for the duration of a test, and a blocking `fetch` over http_client.
///
/// @code
/// fake_provider server{R"({"default": {"vote": true, "confidence": 0.8}})"};
/// ASSERT_TRUE(server.started()) << server.failure();
/// auto url = server.openai_url();                  // http://127.0.0.1:<port>/v1/chat/completions
/// auto seen = server.requests();                   // what the server received, as a value
/// @endcode

#include <chrono>
#include <csignal>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "messages/value.hpp"
#include "runtime/io/json.hpp"
#include "runtime/quorum/http_client.hpp"

extern char** environ;

namespace genflow::quorum::testing {

/// Sends a request and waits for its response (10 s at most; an error response otherwise).
inline http_response fetch(http_client& client, http_request req) {
  auto promise = std::make_shared<std::promise<http_response>>();
  auto future = promise->get_future();
  client.submit(std::move(req), [promise](http_response res) { promise->set_value(std::move(res)); });
  if (future.wait_for(std::chrono::seconds{10}) != std::future_status::ready) {
    http_response res;
    res.error = error_info{"test.timeout", "no response within 10 s", "", false};
    return res;
  }
  return future.get();
}

class fake_provider {
public:
  /// Starts the server with a behaviour script; `tls` = {certificate, key} PEM paths for HTTPS.
  explicit fake_provider(const std::string& script = "{}",
                         std::optional<std::pair<std::string, std::string>> tls = std::nullopt) {
    int out[2];
    if (::pipe(out) != 0) {
      failure_ = "pipe failed";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string program = "/usr/bin/python3";
    std::string path = std::string{GENFLOW_SOURCE_DIR} + "/tests/support/fake_provider.py";
    std::vector<std::string> args{program, path, "--script", script};
    if (tls) {
      args.insert(args.end(), {"--tls-cert", tls->first, "--tls-key", tls->second});
      scheme_ = "https";
    }
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      pid_ = -1;
      failure_ = "cannot start " + program;
      return;
    }
    // The port is the first stdout line; wait for it with a deadline.
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (line.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        break;
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        break;
      char buf[64];
      auto n = ::read(out[0], buf, sizeof buf);
      if (n <= 0)
        break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    try {
      port_ = std::stoi(line);
    } catch (...) {
      failure_ = "the fake provider printed no port: '" + line + "'";
    }
  }

  ~fake_provider() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  fake_provider(const fake_provider&) = delete;
  fake_provider& operator=(const fake_provider&) = delete;

  bool started() const noexcept { return port_ > 0; }
  const std::string& failure() const noexcept { return failure_; }
  int port() const noexcept { return port_; }

  std::string base_url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }
  std::string openai_url() const { return base_url() + "/v1/chat/completions"; }
  std::string gemini_url(const std::string& model) const {
    return base_url() + "/v1beta/models/" + model + ":generateContent";
  }

  /// Every request the server recorded, as a value (a list of objects).
  value requests() const {
    http_client client;
    http_request req;
    req.method = "GET";
    req.url = base_url() + "/control/requests";
    auto res = fetch(client, req);
    auto parsed = io::parse_json(res.body, "requests");
    return parsed ? *parsed : value{};
  }

  /// Replaces the behaviour script.
  void script(const std::string& json) const {
    http_client client;
    http_request req;
    req.url = base_url() + "/control/script";
    req.body = json;
    fetch(client, req);
  }

private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string scheme_ = "http";
  std::string failure_;
};

} // namespace genflow::quorum::testing
