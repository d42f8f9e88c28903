#include "runtime/quorum/http_client.hpp"

#include <cstdlib>
#include <filesystem>
#include <future>

#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "runtime/io/process.hpp"
#include "tests/runtime/quorum/fake_provider.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;
using testing::fake_provider;
using testing::fetch;

/// A loopback port with nothing listening (bound, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// Sets environment variables for a scope and restores them after.
class scoped_env {
public:
  scoped_env(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (auto [name, value] : vars) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>{old} : std::nullopt);
      if (value)
        ::setenv(name, value, 1);
      else
        ::unsetenv(name);
    }
  }
  ~scoped_env() {
    for (auto& [name, old] : saved_)
      old ? ::setenv(name.c_str(), old->c_str(), 1) : ::unsetenv(name.c_str());
  }

private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

http_request chat_request(const std::string& url, const std::string& behaviour = "") {
  http_request req;
  req.url = url;
  req.headers = {{"Content-Type", "application/json", false}};
  if (!behaviour.empty())
    req.headers.push_back({"X-Fake-Behaviour", behaviour, false});
  req.body = R"({"model": "m1", "messages": []})";
  req.timeout = 10s;
  return req;
}

TEST(HttpClient, PostsARequestAndReadsTheReply) {
  fake_provider server;
  ASSERT_TRUE(server.started()) << server.failure();
  http_client client;
  auto res = fetch(client, chat_request(server.openai_url()));
  ASSERT_FALSE(res.error) << res.error->to_string();
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("chat.completion"), std::string::npos);
  ASSERT_NE(res.header("content-type"), nullptr);
  EXPECT_EQ(*res.header("content-type"), "application/json");
  EXPECT_GT(res.total_time.count(), 0);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen.as_array()[0].get_string("model"), "m1");
}

TEST(HttpClient, ReturnsErrorStatusesWithTheirHeaders) {
  fake_provider server;
  ASSERT_TRUE(server.started()) << server.failure();
  http_client client;
  auto res = fetch(client, chat_request(server.openai_url(), R"({"status": 429, "retry_after": "3"})"));
  ASSERT_FALSE(res.error);
  EXPECT_EQ(res.status, 429);
  ASSERT_NE(res.header("retry-after"), nullptr);
  EXPECT_EQ(*res.header("retry-after"), "3");
}

TEST(HttpClient, ReportsARefusedConnectionAsRetryable) {
  http_client client;
  auto res = fetch(client, chat_request("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1"));
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->code, "quorum.connect");
  EXPECT_TRUE(res.error->retryable);
  EXPECT_EQ(res.status, 0);
}

TEST(HttpClient, TimesOutAServerThatHangs) {
  fake_provider server;
  ASSERT_TRUE(server.started()) << server.failure();
  http_client client;
  auto req = chat_request(server.openai_url(), R"({"hang_ms": 20000})");
  req.timeout = 300ms;
  auto res = fetch(client, req);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->code, "quorum.timeout");
  EXPECT_TRUE(res.error->retryable);
}

TEST(HttpClient, CancelsATransferAndStillCallsBackOnce) {
  fake_provider server;
  ASSERT_TRUE(server.started()) << server.failure();
  http_client client;
  std::atomic<int> calls{0};
  std::promise<http_response> done;
  auto id = client.submit(chat_request(server.openai_url(), R"({"hang_ms": 20000})"),
                          [&](http_response res) {
                            if (calls++ == 0)
                              done.set_value(std::move(res));
                          });
  client.cancel(id);
  auto res = done.get_future().get();
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->code, "quorum.cancelled");
  client.cancel(id); // a second cancel is a no-op
  EXPECT_EQ(client.active_transfers(), 0u);
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpClient, AbortsRepliesAboveTheSizeLimit) {
  fake_provider server;
  ASSERT_TRUE(server.started()) << server.failure();
  http_client client;
  auto req = chat_request(server.openai_url());
  req.max_response_bytes = 16;
  auto res = fetch(client, req);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->code, "quorum.too_large");
  EXPECT_FALSE(res.error->retryable);
}

TEST(HttpClient, RedactsSecretHeadersFromTransferErrors) {
  http_client client;
  auto req = chat_request("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1");
  req.headers.push_back({"Authorization", "Bearer sk-very-secret", true});
  auto res = fetch(client, req);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->to_string().find("sk-very-secret"), std::string::npos);
}

TEST(HttpClient, RunsTimersInDueOrderOnTheIoThread) {
  http_client client;
  std::mutex m;
  std::vector<int> order;
  std::promise<void> finished;
  std::atomic<bool> on_io{true};
  auto record = [&](int n) {
    return [&, n] {
      on_io = on_io && client.on_io_thread();
      std::lock_guard<std::mutex> guard{m};
      order.push_back(n);
      if (order.size() == 3)
        finished.set_value();
    };
  };
  client.schedule(300ms, record(3));
  client.schedule(150ms, record(2));
  client.schedule(0ms, record(1));
  auto dropped = client.schedule(10ms, [&] { ADD_FAILURE() << "a cancelled timer ran"; });
  client.cancel_timer(dropped);
  finished.get_future().wait();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(on_io.load());
  EXPECT_FALSE(client.on_io_thread());
}

TEST(HttpClient, CancelsRunningTransfersWhenDestroyed) {
  fake_provider server;
  ASSERT_TRUE(server.started()) << server.failure();
  std::promise<http_response> done;
  {
    http_client client;
    client.submit(chat_request(server.openai_url(), R"({"hang_ms": 20000})"),
                  [&](http_response res) { done.set_value(std::move(res)); });
  }
  auto res = done.get_future().get();
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error->code, "quorum.cancelled");
}

TEST(HttpClient, VerifiesTlsCertificates) {
  // A self-signed certificate for 127.0.0.1: the handshake must fail verification.
  char dir_template[] = "/tmp/genflow-tls-XXXXXX";
  std::string dir = ::mkdtemp(dir_template);
  io::process_request gen;
  gen.argv = {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
              "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"};
  gen.timeout = 30s;
  auto made = io::run_process(gen);
  ASSERT_TRUE(made && made->succeeded()) << (made ? made->stderr_data : made.error().to_string());
  {
    fake_provider server{"{}", std::pair{dir + "/cert.pem", dir + "/key.pem"}};
    ASSERT_TRUE(server.started()) << server.failure();
    http_client client;
    auto res = fetch(client, chat_request(server.openai_url()));
    ASSERT_TRUE(res.error);
    EXPECT_EQ(res.error->code, "quorum.tls") << res.error->to_string();
    EXPECT_NE(res.error->message.find("certificate"), std::string::npos) << res.error->message;
    EXPECT_FALSE(res.error->retryable);
  }
  std::filesystem::remove_all(dir);
}

TEST(HttpClient, UsesTheProxyFromTheEnvironment) {
  fake_provider proxy;
  ASSERT_TRUE(proxy.started()) << proxy.failure();
  scoped_env env{{"http_proxy", proxy.base_url().c_str()}, {"no_proxy", nullptr},
                 {"NO_PROXY", nullptr}};
  http_client client;
  // The host does not resolve: only the proxy can answer.
  auto res = fetch(client, chat_request("http://models.genflow-test.invalid/v1/chat/completions"));
  ASSERT_FALSE(res.error) << res.error->to_string();
  EXPECT_EQ(res.status, 200);
  auto seen = proxy.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen.as_array()[0].get_string("target"),
            "http://models.genflow-test.invalid/v1/chat/completions");
}

TEST(HttpClient, BypassesTheProxyForHostsInNoProxy) {
  fake_provider proxy;
  fake_provider server;
  ASSERT_TRUE(proxy.started()) << proxy.failure();
  ASSERT_TRUE(server.started()) << server.failure();
  scoped_env env{{"http_proxy", proxy.base_url().c_str()}, {"no_proxy", "127.0.0.1"}};
  http_client client;
  auto res = fetch(client, chat_request(server.openai_url()));
  ASSERT_FALSE(res.error) << res.error->to_string();
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(proxy.requests().size(), 0u);
}

} // namespace
} // namespace genflow::quorum
