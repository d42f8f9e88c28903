#include "runtime/quorum/providers.hpp"

#include <gtest/gtest.h>

#include "runtime/io/json.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;

model_config openai_model() {
  model_config m;
  m.id = "glm-4.5";
  m.kind = provider_kind::openai;
  m.model_name = "glm-4-plus";
  m.endpoint = "https://open.bigmodel.cn/api/paas/v4/chat/completions";
  m.max_tokens = 512;
  return m;
}

model_config gemini_model() {
  model_config m;
  m.id = "gemini";
  m.kind = provider_kind::gemini;
  m.model_name = "gemini-1.5-pro";
  m.endpoint = "https://generativelanguage.googleapis.com/v1/models/gemini-1.5-pro:generateContent";
  return m;
}

const std::string* find_header(const http_request& req, std::string_view name) {
  for (const auto& h : req.headers)
    if (h.name == name)
      return &h.value;
  return nullptr;
}

http_response ok(std::string body) {
  http_response r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

TEST(ProviderRequest, OpenAiSendsBearerAuthAndTheChatBody) {
  auto req = build_provider_request(openai_model(), "sk-test", "PROMPT", 20s, 5s);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://open.bigmodel.cn/api/paas/v4/chat/completions");
  ASSERT_NE(find_header(req, "Authorization"), nullptr);
  EXPECT_EQ(*find_header(req, "Authorization"), "Bearer sk-test");
  EXPECT_EQ(req.timeout, std::chrono::nanoseconds{20s});
  EXPECT_EQ(req.connect_timeout, std::chrono::nanoseconds{5s});
  auto body = io::parse_json(req.body, "body");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->get_string("model"), "glm-4-plus");
  EXPECT_DOUBLE_EQ(body->get("temperature").as_number(), 0.2);
  EXPECT_EQ(body->get("max_tokens").as_int(), 512);
  const auto& messages = body->get("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].get_string("role"), "system");
  EXPECT_EQ(messages[1].get_string("role"), "user");
  EXPECT_EQ(messages[1].get_string("content"), "PROMPT");
}

TEST(ProviderRequest, KeylessOpenAiEndpointsGetNoAuthHeader) {
  auto req = build_provider_request(openai_model(), "", "P", 20s, 5s);
  EXPECT_EQ(find_header(req, "Authorization"), nullptr);
}

TEST(ProviderRequest, GeminiSendsTheKeyInAHeaderNeverInTheUrl) {
  auto m = gemini_model();
  auto req = build_provider_request(m, "AIza-secret", "PROMPT", 30s, 10s);
  EXPECT_EQ(req.url, m.endpoint);
  EXPECT_EQ(req.url.find("AIza-secret"), std::string::npos);
  EXPECT_EQ(req.url.find("key="), std::string::npos);
  ASSERT_NE(find_header(req, "x-goog-api-key"), nullptr);
  EXPECT_EQ(*find_header(req, "x-goog-api-key"), "AIza-secret");
  for (const auto& h : req.headers)
    EXPECT_EQ(h.secret, h.name == "x-goog-api-key") << h.name;
  auto body = io::parse_json(req.body, "body");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->get("contents").as_array()[0].get("parts").as_array()[0].get_string("text"),
            "PROMPT");
  const auto& gen = body->get("generationConfig");
  EXPECT_DOUBLE_EQ(gen.get("temperature").as_number(), 0.2);
  EXPECT_EQ(gen.get("topK").as_int(), 40);
  EXPECT_DOUBLE_EQ(gen.get("topP").as_number(), 0.95);
  EXPECT_EQ(gen.get("maxOutputTokens").as_int(), 1024);
}

TEST(ProviderResponse, ReadsOpenAiTextAndUsage) {
  auto r = read_provider_response(
    openai_model(),
    ok(R"({"choices":[{"message":{"content":"{\"vote\":true}"}}],"usage":{"prompt_tokens":1200,"completion_tokens":80}})"),
    {});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->text, R"({"vote":true})");
  EXPECT_EQ(r->usage.input, 1200);
  EXPECT_EQ(r->usage.output, 80);
  EXPECT_TRUE(r->usage.reported);
}

TEST(ProviderResponse, ReadsGeminiTextAndUsage) {
  auto r = read_provider_response(
    gemini_model(),
    ok(R"({"candidates":[{"content":{"parts":[{"text":"hi"}]}}],"usageMetadata":{"promptTokenCount":900,"candidatesTokenCount":40}})"),
    {});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->text, "hi");
  EXPECT_EQ(r->usage.input, 900);
  EXPECT_EQ(r->usage.output, 40);
}

TEST(ProviderResponse, MissingUsageIsNotReported) {
  auto r = read_provider_response(openai_model(), ok(R"({"choices":[{"message":{"content":"x"}}]})"), {});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->usage.reported);
  EXPECT_EQ(r->usage.input, 0);
}

TEST(ProviderResponse, ClassifiesHttpFailures) {
  auto status = [](long code) {
    http_response r;
    r.status = code;
    r.body = R"({"error": {"message": "nope"}})";
    return read_provider_response(openai_model(), r, {});
  };
  auto rate = status(429);
  ASSERT_FALSE(rate);
  EXPECT_EQ(rate.error().code, "quorum.rate_limited");
  EXPECT_TRUE(rate.error().retryable);
  EXPECT_EQ(rate.error().message, "HTTP 429: nope");
  EXPECT_EQ(status(503).error().code, "quorum.server_error");
  EXPECT_TRUE(status(500).error().retryable);
  EXPECT_EQ(status(401).error().code, "quorum.auth");
  EXPECT_FALSE(status(401).error().retryable);
  EXPECT_FALSE(status(403).error().retryable);
  EXPECT_EQ(status(400).error().code, "quorum.bad_request");
  EXPECT_FALSE(status(400).error().retryable);
  EXPECT_FALSE(status(404).error().retryable);
  EXPECT_EQ(status(401).error().where,
            "model glm-4.5 (https://open.bigmodel.cn/api/paas/v4/chat/completions)");
}

TEST(ProviderResponse, RedactsTheKeyFromProviderMessages) {
  http_response r;
  r.status = 401;
  r.body = R"({"error": {"message": "Incorrect API key provided: sk-live-123456"}})";
  auto e = read_provider_response(openai_model(), r, {"sk-live-123456"});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message.find("sk-live-123456"), std::string::npos);
  EXPECT_NE(e.error().message.find("[REDACTED]"), std::string::npos);
}

TEST(ProviderResponse, RejectsBodiesWithoutTheProtocolsFields) {
  for (auto body : {"not json", "[]", R"({"choices": []})", R"({"choices": [{"message": {}}]})",
                    R"({"choices": [{"message": {"content": 5}}]})"}) {
    auto r = read_provider_response(openai_model(), ok(body), {});
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().code, "quorum.bad_reply") << body;
    EXPECT_FALSE(r.error().retryable);
  }
  for (auto body : {R"({"candidates": []})", R"({"candidates": [{"content": {"parts": []}}]})"}) {
    auto r = read_provider_response(gemini_model(), ok(body), {});
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().code, "quorum.bad_reply") << body;
  }
}

TEST(ProviderResponse, ReportsGeminiRefusalsAsBlocked) {
  auto r = read_provider_response(gemini_model(),
                                  ok(R"({"promptFeedback": {"blockReason": "SAFETY"}})"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "quorum.blocked");
  auto stopped = read_provider_response(
    gemini_model(), ok(R"({"candidates": [{"finishReason": "SAFETY", "content": {}}]})"), {});
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, "quorum.blocked");
}

TEST(ProviderResponse, KeepsTheUsageOfABilledReplyWithoutText) {
  token_usage used;
  auto r = read_provider_response(
    openai_model(), ok(R"({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 2}})"),
    {}, &used);
  ASSERT_FALSE(r);
  EXPECT_EQ(used.input, 10);
  EXPECT_EQ(used.output, 2);
}

TEST(RetryAfter, ReadsDeltaSeconds) {
  http_response r;
  r.headers = {{"retry-after", "7"}};
  EXPECT_EQ(retry_after(r), std::chrono::nanoseconds{7s});
}

TEST(RetryAfter, ReadsAnHttpDate) {
  http_response r;
  r.headers = {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}};
  auto now = std::chrono::system_clock::from_time_t(1445412470); // 07:27:50 GMT
  EXPECT_EQ(retry_after(r, now), std::chrono::nanoseconds{10s});
  auto later = std::chrono::system_clock::from_time_t(1445412500);
  EXPECT_EQ(retry_after(r, later), std::chrono::nanoseconds::zero());
}

TEST(RetryAfter, IgnoresAbsentOrMalformedHeaders) {
  http_response r;
  EXPECT_FALSE(retry_after(r));
  r.headers = {{"retry-after", "soon"}};
  EXPECT_FALSE(retry_after(r));
  r.headers = {{"retry-after", "-5"}};
  EXPECT_FALSE(retry_after(r));
  r.headers = {{"retry-after", "99999999999999"}};
  EXPECT_FALSE(retry_after(r));
}

TEST(BackoffDelay, GrowsExponentiallyWithJitterUpToTheCap) {
  retry_policy p{100ms, 1s};
  std::mt19937_64 rng{42};
  for (int trial = 0; trial < 200; ++trial) {
    for (int retry = 1; retry <= 8; ++retry) {
      auto full = std::min<std::chrono::nanoseconds>(100ms * (1 << (retry - 1)), 1s);
      auto d = backoff_delay(retry, p, rng);
      EXPECT_GE(d, full / 2) << "retry " << retry;
      EXPECT_LE(d, full) << "retry " << retry;
    }
  }
}

TEST(EndpointLabel, DropsQueryAndCredentials) {
  EXPECT_EQ(endpoint_label("https://user:pw@x.test:8443/v1/m?key=secret#f"),
            "https://x.test:8443/v1/m");
  EXPECT_EQ(endpoint_label("http://127.0.0.1:9/v1/chat/completions"),
            "http://127.0.0.1:9/v1/chat/completions");
}

} // namespace
} // namespace genflow::quorum
