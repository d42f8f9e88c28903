#include "runtime/quorum/http_model_client.hpp"

#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "tests/runtime/quorum/voting.hpp"

#include "tests/runtime/quorum/fake_provider.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;
using testing::fake_provider;

quorum_settings fast_settings() {
  quorum_settings s;
  s.retry = retry_policy{5ms, 20ms};
  s.connect_timeout = 5s;
  return s;
}

model_config openai_model(const fake_provider& server, std::string name) {
  model_config m;
  m.id = "id-" + name;
  m.kind = provider_kind::openai;
  m.model_name = std::move(name);
  m.endpoint = server.openai_url();
  m.timeout = 10s;
  m.max_retries = 2;
  return m;
}

model_config gemini_model(const fake_provider& server, std::string name) {
  model_config m;
  m.id = "id-" + name;
  m.kind = provider_kind::gemini;
  m.model_name = name;
  m.endpoint = server.gemini_url(name);
  m.timeout = 10s;
  return m;
}

using testing::review;
using testing::vote;

/// Requests the server received for a model name.
std::vector<value> requests_for(const fake_provider& server, const std::string& model) {
  std::vector<value> out;
  auto all = server.requests();
  if (all.is_array())
    for (const auto& r : all.as_array())
      if (r.get_string("model") == model)
        out.push_back(r);
  return out;
}

class HttpModelClient : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(server_.started()) << server_.failure(); }

  fake_provider server_{R"({
    "models": {
      "usage":     {"vote": true, "confidence": 0.8, "reasoning": "solid", "usage": {"input": 1000, "output": 200}},
      "rate":      [{"status": 429, "retry_after": "1"}, {"vote": false, "confidence": 0.6, "reasoning": "meh"}],
      "flaky":     [{"status": 503}, {"status": 500}, {"vote": true, "confidence": 0.9, "reasoning": "ok"}],
      "down":      {"status": 502},
      "slow":      [{"hang_ms": 20000}, {"vote": true, "confidence": 0.7, "reasoning": "late but fine"}],
      "hang":      {"hang_ms": 20000},
      "denied":    {"status": 401, "echo_key": true},
      "bad":       {"status": 400},
      "fenced":    {"text": "Sure.\n```json\n{\"vote\": \"approve\", \"confidence\": 0.75, \"reasoning\": \"fine\"}\n```\nCheers"},
      "garbage":   {"text": "I cannot judge this code.", "usage": {"input": 50, "output": 7}},
      "overconfident": {"text": "{\"vote\": true, \"confidence\": 1.4, \"reasoning\": \"sure\"}"},
      "malformed": {"body": "{\"choices\": [oops"},
      "keyed":     {"expect_key": "sk-right", "vote": true, "confidence": 0.9, "reasoning": "ok"}
    },
    "default": {"vote": true, "confidence": 0.9, "reasoning": "default"}
  })"};
  std::shared_ptr<http_client> http_ = std::make_shared<http_client>();
};

TEST_F(HttpModelClient, VotesOverOpenAiAndCountsTokensAndCost) {
  auto m = openai_model(server_, "usage");
  m.prices = token_prices{0.01, 0.03};
  http_model_client client{m, "sk-test", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_EQ(out.model_id, "id-usage");
  EXPECT_TRUE(out.vote);
  EXPECT_DOUBLE_EQ(out.confidence, 0.8);
  EXPECT_EQ(out.reasoning, "solid");
  EXPECT_EQ(out.tokens.input, 1000);
  EXPECT_EQ(out.tokens.output, 200);
  EXPECT_NEAR(out.cost_usd, 0.01 + 0.2 * 0.03, 1e-12);
  EXPECT_EQ(out.attempts, 1);
  auto seen = requests_for(server_, "usage");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].get("headers").get_string("Authorization"), "Bearer sk-test");
  const auto& messages = seen[0].get("body").get("messages").as_array();
  EXPECT_NE(messages[1].get_string("content").find("async def execute_effect"), std::string::npos);
}

TEST_F(HttpModelClient, VotesOverGeminiWithTheKeyInAHeaderOnly) {
  auto m = gemini_model(server_, "gem");
  m.prices = token_prices{0.00125, 0.005};
  http_model_client client{m, "AIza-secret-key", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_EQ(out.tokens.input, 120); // the fake's default usage
  EXPECT_EQ(out.tokens.output, 30);
  EXPECT_NEAR(out.cost_usd, 0.12 * 0.00125 + 0.03 * 0.005, 1e-12);
  auto seen = requests_for(server_, "gem");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].get_string("protocol"), "gemini");
  EXPECT_EQ(seen[0].get("headers").get_string("x-goog-api-key"), "AIza-secret-key");
  EXPECT_EQ(seen[0].get_string("query"), "");
  EXPECT_EQ(seen[0].get_string("target").find("AIza"), std::string::npos);
}

TEST_F(HttpModelClient, HonoursRetryAfterOnA429) {
  http_model_client client{openai_model(server_, "rate"), "k", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_FALSE(out.vote);
  EXPECT_EQ(out.attempts, 2);
  auto seen = requests_for(server_, "rate");
  ASSERT_EQ(seen.size(), 2u);
  // The backoff alone would wait at most 20 ms; Retry-After asked for 1 s.
  EXPECT_GE(seen[1].get("time").as_number() - seen[0].get("time").as_number(), 0.95);
}

TEST_F(HttpModelClient, RetriesServerErrors) {
  http_model_client client{openai_model(server_, "flaky"), "k", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_EQ(out.attempts, 3);
  EXPECT_EQ(requests_for(server_, "flaky").size(), 3u);
}

TEST_F(HttpModelClient, GivesUpAfterMaxRetries) {
  http_model_client client{openai_model(server_, "down"), "k", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.server_error");
  EXPECT_NE(out.error->message.find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(out.attempts, 3);
  EXPECT_EQ(requests_for(server_, "down").size(), 3u);
}

TEST_F(HttpModelClient, RetriesAnAttemptThatTimedOut) {
  auto m = openai_model(server_, "slow");
  m.timeout = 1s;
  http_model_client client{m, "k", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_EQ(out.attempts, 2);
  EXPECT_EQ(out.reasoning, "late but fine");
}

TEST_F(HttpModelClient, NeverRetriesAuthOrRequestErrors) {
  http_model_client denied{openai_model(server_, "denied"), "sk-live-0123456789", fast_settings(),
                           http_};
  auto out = vote(denied);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.auth");
  EXPECT_EQ(out.attempts, 1);
  EXPECT_EQ(requests_for(server_, "denied").size(), 1u);

  http_model_client bad{openai_model(server_, "bad"), "k", fast_settings(), http_};
  auto out_bad = vote(bad);
  ASSERT_FALSE(out_bad.participated());
  EXPECT_EQ(out_bad.error->code, "quorum.bad_request");
  EXPECT_EQ(requests_for(server_, "bad").size(), 1u);
}

TEST_F(HttpModelClient, NeverPutsTheKeyInErrorText) {
  // The fake echoes the key it received inside its 401 message, as some providers do.
  http_model_client client{openai_model(server_, "denied"), "sk-live-0123456789", fast_settings(),
                           http_};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  auto text = out.error->to_string();
  EXPECT_EQ(text.find("sk-live-0123456789"), std::string::npos) << text;
  EXPECT_NE(text.find("[REDACTED]"), std::string::npos) << text;

  http_model_client gem{gemini_model(server_, "denied"), "AIza-echoed", fast_settings(), http_};
  auto gem_out = vote(gem);
  ASSERT_FALSE(gem_out.participated());
  EXPECT_EQ(gem_out.error->to_string().find("AIza-echoed"), std::string::npos);
}

TEST_F(HttpModelClient, SendsTheConfiguredKey) {
  http_model_client right{openai_model(server_, "keyed"), "sk-right", fast_settings(), http_};
  EXPECT_TRUE(vote(right).participated());
  http_model_client wrong{openai_model(server_, "keyed"), "sk-wrong", fast_settings(), http_};
  auto out = vote(wrong);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.auth");
}

TEST_F(HttpModelClient, ReadsAVerdictWrappedInProseAndFences) {
  http_model_client client{openai_model(server_, "fenced"), "k", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_TRUE(out.vote);
  EXPECT_DOUBLE_EQ(out.confidence, 0.75);
}

TEST_F(HttpModelClient, RecordsAnUnreadableReplyAsAFailedParticipation) {
  auto m = openai_model(server_, "garbage");
  m.prices = token_prices{1.0, 1.0};
  http_model_client client{m, "k", fast_settings(), http_};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.vote_unparseable");
  EXPECT_NE(out.error->message.find("I cannot judge this code."), std::string::npos);
  EXPECT_EQ(out.error->where, "model id-garbage");
  EXPECT_EQ(out.attempts, 1); // a bad verdict is not retried
  EXPECT_EQ(out.tokens.input, 50); // but its tokens were spent
  EXPECT_NEAR(out.cost_usd, 0.057, 1e-12);

  http_model_client over{openai_model(server_, "overconfident"), "k", fast_settings(), http_};
  auto out_over = vote(over);
  ASSERT_FALSE(out_over.participated());
  EXPECT_EQ(out_over.error->code, "quorum.vote_invalid");
  EXPECT_EQ(out_over.error->where, "model id-overconfident reply.confidence");

  http_model_client malformed{openai_model(server_, "malformed"), "k", fast_settings(), http_};
  auto out_bad = vote(malformed);
  ASSERT_FALSE(out_bad.participated());
  EXPECT_EQ(out_bad.error->code, "quorum.bad_reply");
}

TEST_F(HttpModelClient, StopsAtTheDeadline) {
  auto m = openai_model(server_, "hang");
  m.timeout = 60s;
  http_model_client client{m, "k", fast_settings(), http_};
  auto out = vote(client, review(300ms));
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.deadline");
  EXPECT_EQ(out.attempts, 1);
}

TEST_F(HttpModelClient, DoesNotStartARetryWaitThatWouldPassTheDeadline) {
  auto settings = fast_settings();
  settings.retry = retry_policy{10s, 10s};
  http_model_client client{openai_model(server_, "down"), "k", settings, http_};
  auto out = vote(client, review(5s));
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.server_error");
  EXPECT_NE(out.error->message.find("would pass the quorum deadline"), std::string::npos);
  EXPECT_EQ(out.attempts, 1);
}

TEST_F(HttpModelClient, CancelReportsOnceOnTheIoThread) {
  http_model_client client{openai_model(server_, "hang"), "k", fast_settings(), http_};
  std::atomic<int> calls{0};
  std::promise<vote_outcome> done;
  auto caller = std::this_thread::get_id();
  std::atomic<bool> other_thread{false};
  auto h = client.start_vote(review(), [&](vote_outcome out) {
    other_thread = std::this_thread::get_id() != caller;
    if (calls++ == 0)
      done.set_value(std::move(out));
  });
  client.cancel(h);
  auto out = done.get_future().get();
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.cancelled");
  EXPECT_TRUE(other_thread.load());
  client.cancel(h);
  // Let any stray callback surface: a no-op timer runs after everything queued before it.
  std::promise<void> flushed;
  http_->schedule(0ms, [&] { flushed.set_value(); });
  flushed.get_future().wait();
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(HttpModelClient, CancelsVotesInFlightWhenDestroyed) {
  std::promise<vote_outcome> done;
  {
    http_model_client client{openai_model(server_, "hang"), "k", fast_settings(), http_};
    client.start_vote(review(), [&](vote_outcome out) { done.set_value(std::move(out)); });
  }
  auto out = done.get_future().get();
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.cancelled");
}

TEST_F(HttpModelClient, RunsManyVotesConcurrentlyOnOneIoThread) {
  http_model_client client{openai_model(server_, "many"), "k", fast_settings(), http_};
  constexpr int n = 16;
  std::vector<std::future<vote_outcome>> futures;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<vote_outcome>>();
    futures.push_back(p->get_future());
    client.start_vote(review(), [p](vote_outcome out) { p->set_value(std::move(out)); });
  }
  for (auto& f : futures) {
    auto out = f.get();
    EXPECT_TRUE(out.participated()) << out.error->to_string();
  }
  EXPECT_EQ(requests_for(server_, "many").size(), static_cast<std::size_t>(n));
}

} // namespace
} // namespace genflow::quorum
