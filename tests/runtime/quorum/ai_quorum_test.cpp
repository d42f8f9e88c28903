#include "runtime/quorum/ai_quorum.hpp"

#include <array>
#include <future>

#include <gtest/gtest.h>

#include "runtime/quorum/command_model_client.hpp"
#include "tests/runtime/quorum/fake_provider.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;
using testing::fake_provider;

env_lookup keys() {
  return [](std::string_view name) -> std::optional<std::string> {
    return "key-for-" + std::string{name};
  };
}

/// The original's four models, pointed at the fake provider. `names` are the fake's model names
/// (their scripted behaviour) for gemini, glm-4.5, glm-air, codestral.
quorum_config original_four(const fake_provider& server, std::array<std::string, 4> names) {
  quorum_config c;
  c.settings.retry = retry_policy{5ms, 20ms};
  const std::array<std::string, 4> ids{"gemini", "glm-4.5", "glm-air", "codestral"};
  const std::array<double, 4> weights{2.0, 2.0, 1.5, 1.0};
  for (std::size_t i = 0; i < 4; ++i) {
    model_config m;
    m.id = ids[i];
    m.kind = i == 0 ? provider_kind::gemini : provider_kind::openai;
    m.model_name = names[i];
    m.endpoint = i == 0 ? server.gemini_url(names[i]) : server.openai_url();
    m.api_key_env = i == 0 ? "GEMINI_API_KEY" : "GLM_API_KEY";
    m.weight = weights[i];
    m.timeout = 20s;
    m.max_retries = 1;
    m.prices = token_prices{0.001, 0.002};
    c.models.push_back(m);
  }
  return c;
}

vote_request review() {
  vote_request r;
  r.correlation_id = "corr-1";
  r.node_type = "effect";
  r.contract_summary = "writes records";
  r.code = "async def execute_effect(self):\n    return 1\n";
  return r;
}

quorum_result run(ai_quorum& q, vote_request req = review()) {
  auto promise = std::make_shared<std::promise<quorum_result>>();
  auto future = promise->get_future();
  q.validate(std::move(req), [promise](quorum_result r) { promise->set_value(std::move(r)); });
  if (future.wait_for(60s) != std::future_status::ready) {
    ADD_FAILURE() << "no result within 60 s";
    return {};
  }
  return future.get();
}

const vote_outcome& outcome_of(const quorum_result& r, const std::string& id) {
  for (const auto& o : r.outcomes)
    if (o.model_id == id)
      return o;
  static vote_outcome none;
  ADD_FAILURE() << "no outcome for " << id;
  return none;
}

class AiQuorum : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(server_.started()) << server_.failure(); }

  std::unique_ptr<ai_quorum> make(quorum_config c) {
    auto q = ai_quorum::create(std::move(c), http_, keys());
    EXPECT_TRUE(q) << q.error().to_string();
    return q ? std::move(*q) : nullptr;
  }

  fake_provider server_{R"({
    "models": {
      "pass90":  {"vote": true,  "confidence": 0.9,  "reasoning": "good"},
      "pass80":  {"vote": true,  "confidence": 0.8,  "reasoning": "fine"},
      "pass85":  {"vote": true,  "confidence": 0.85, "reasoning": "ok"},
      "pass100": {"vote": true,  "confidence": 1.0,  "reasoning": "great"},
      "fail70":  {"vote": false, "confidence": 0.7,  "reasoning": "missing error handling"},
      "denied":  {"status": 401},
      "hang":    {"hang_ms": 30000}
    }
  })"};
  std::shared_ptr<http_client> http_ = std::make_shared<http_client>();
};

TEST_F(AiQuorum, PassesTheOriginalsFourModelExample) {
  auto q = make(original_four(server_, {"pass90", "pass80", "fail70", "pass85"}));
  ASSERT_TRUE(q);
  auto r = run(*q);
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_TRUE(r.verdict.passed());
  EXPECT_EQ(r.correlation_id, "corr-1");
  ASSERT_EQ(r.outcomes.size(), 4u);
  // Every model answered (consensus 4.25 / 6.5 = 0.654), or glm-air's fail came last and could
  // no longer matter (4.25 / 5 = 0.85 among the three that had answered).
  if (r.verdict.decided_early) {
    EXPECT_NEAR(r.verdict.consensus, 0.85, 1e-9);
    EXPECT_EQ(outcome_of(r, "glm-air").error->code, "quorum.cancelled");
  } else {
    EXPECT_NEAR(r.verdict.consensus, 4.25 / 6.5, 1e-9);
    EXPECT_FALSE(outcome_of(r, "glm-air").vote);
  }
  // Cost: every answered call used the fake's 120 + 30 tokens.
  int answered = 0;
  for (const auto& o : r.outcomes)
    answered += o.participated() ? 1 : 0;
  EXPECT_EQ(r.tokens.input, 120 * answered);
  EXPECT_NEAR(r.cost_usd, answered * (0.12 * 0.001 + 0.03 * 0.002), 1e-12);
}

TEST_F(AiQuorum, DecidesEarlyAndCancelsTheModelsItNoLongerNeeds) {
  // The two 2.0 models pass at 1.0: 4.0 / 6.5 = 0.615 >= 0.6 even if the others fail.
  auto q = make(original_four(server_, {"pass100", "pass100", "hang", "hang"}));
  ASSERT_TRUE(q);
  auto r = run(*q);
  ASSERT_FALSE(r.error) << r.error->to_string();
  EXPECT_TRUE(r.verdict.passed());
  EXPECT_TRUE(r.verdict.decided_early);
  EXPECT_EQ(r.verdict.outstanding, 2);
  EXPECT_EQ(outcome_of(r, "glm-air").error->code, "quorum.cancelled");
  EXPECT_EQ(outcome_of(r, "codestral").error->code, "quorum.cancelled");
  auto stats = q->statistics();
  EXPECT_EQ(stats.quorum.early_decisions, 1u);
}

TEST_F(AiQuorum, ReportsInsufficientParticipationWithEveryReason) {
  auto q = make(original_four(server_, {"denied", "denied", "pass90", "pass90"}));
  ASSERT_TRUE(q);
  auto r = run(*q);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "quorum.insufficient_participation");
  // Decided as soon as both 2.0 models failed (2.5 at most could still take part), so the
  // participating weight is whatever had answered by then: 0, 1.5, 1.0 or 2.5.
  EXPECT_EQ(r.error->message.rfind("Insufficient model participation: ", 0), 0u) << r.error->message;
  EXPECT_NE(r.error->message.find("/6.5 (minimum: 3)"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.verdict.outcome, quorum_outcome::insufficient_participation);
  EXPECT_LE(r.verdict.participating_weight, 2.5);
  EXPECT_EQ(outcome_of(r, "gemini").error->code, "quorum.auth");
  EXPECT_EQ(outcome_of(r, "glm-4.5").error->code, "quorum.auth");
}

TEST_F(AiQuorum, WarnPolicyKeepsAnUnderSupportedVerdict) {
  auto c = original_four(server_, {"denied", "denied", "pass90", "pass90"});
  c.settings.on_insufficient = participation_policy::warn;
  auto q = make(std::move(c));
  ASSERT_TRUE(q);
  auto r = run(*q);
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.verdict.passed());
  EXPECT_FALSE(r.verdict.participation_sufficient);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("2.5/6.5"), std::string::npos);
}

TEST_F(AiQuorum, ValidatorsOnlyPolicyAbstains) {
  auto c = original_four(server_, {"denied", "denied", "pass90", "pass90"});
  c.settings.on_insufficient = participation_policy::validators_only;
  auto q = make(std::move(c));
  ASSERT_TRUE(q);
  auto r = run(*q);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.verdict.outcome, quorum_outcome::abstained);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("validators decide alone"), std::string::npos);
}

TEST_F(AiQuorum, CountsModelsStillSilentAtTheDeadlineAsAbsent) {
  auto c = original_four(server_, {"pass90", "pass90", "hang", "hang"});
  c.settings.deadline = 2s;
  auto q = make(std::move(c));
  ASSERT_TRUE(q);
  auto r = run(*q);
  ASSERT_FALSE(r.error) << r.error->to_string();
  // The first silent model to reach the deadline counts as absent; then the other (1.0 of 6.5)
  // can no longer change the verdict and is cancelled, unless it reached the deadline too.
  const auto& air = outcome_of(r, "glm-air");
  const auto& codestral = outcome_of(r, "codestral");
  ASSERT_TRUE(air.error && codestral.error);
  EXPECT_TRUE(air.error->code == "quorum.deadline" || codestral.error->code == "quorum.deadline");
  for (const auto* o : {&air, &codestral})
    EXPECT_TRUE(o->error->code == "quorum.deadline" || o->error->code == "quorum.cancelled")
      << o->error->to_string();
  EXPECT_DOUBLE_EQ(r.verdict.participating_weight, 4.0);
  EXPECT_NEAR(r.verdict.consensus, 0.9, 1e-12);
  EXPECT_TRUE(r.verdict.passed());
}

TEST_F(AiQuorum, TheTotalFormulaFailsWhatTheParticipatingOnePasses) {
  // glm-air cannot answer, codestral votes fail: 3.4 / 5 = 0.68 against 3.4 / 6.5 = 0.52.
  auto participating = make(original_four(server_, {"pass90", "pass80", "denied", "fail70"}));
  ASSERT_TRUE(participating);
  auto a = run(*participating);
  EXPECT_TRUE(a.verdict.passed());
  // With codestral's fail: 3.4 / 5 = 0.68. Without (decided early: even a fail keeps 0.68):
  // 3.4 / 4 = 0.85.
  EXPECT_NEAR(a.verdict.consensus, a.verdict.decided_early ? 0.85 : 0.68, 1e-9);
  auto c = original_four(server_, {"pass90", "pass80", "denied", "fail70"});
  c.settings.formula = consensus_formula::total;
  auto total = make(std::move(c));
  ASSERT_TRUE(total);
  auto b = run(*total);
  EXPECT_FALSE(b.verdict.passed());
  EXPECT_EQ(b.verdict.outcome, quorum_outcome::failed);
}

TEST_F(AiQuorum, KeepsStatisticsPerModelAndPerQuorum) {
  auto q = make(original_four(server_, {"pass90", "pass80", "fail70", "pass85"}));
  ASSERT_TRUE(q);
  double cost = 0.0;
  for (int i = 0; i < 3; ++i)
    cost += run(*q).cost_usd;
  auto stats = q->statistics();
  EXPECT_EQ(stats.quorum.validations, 3u);
  EXPECT_EQ(stats.quorum.passes, 3u);
  EXPECT_DOUBLE_EQ(stats.quorum.pass_rate(), 1.0);
  EXPECT_GT(stats.quorum.average_consensus(), 0.6);
  EXPECT_NEAR(stats.quorum.cost_usd, cost, 1e-12);
  EXPECT_NEAR(stats.quorum.cost_per_validation(), cost / 3, 1e-12);
  EXPECT_EQ(stats.quorum.duration.count(), 3u);
  ASSERT_EQ(stats.models.size(), 4u);
  EXPECT_EQ(stats.models[0].model_id, "gemini");
  // Late outcomes (cancelled after an early decision) arrive on the I/O thread after the result;
  // every call that answered counted as a vote.
  for (const auto& m : stats.models) {
    EXPECT_EQ(m.failures, 0u) << m.model_id;
    EXPECT_LE(m.votes, 3u) << m.model_id;
  }
  EXPECT_EQ(stats.models[0].votes, 3u); // gemini is always needed
  EXPECT_DOUBLE_EQ(stats.models[0].success_rate(), 1.0);
  EXPECT_EQ(stats.models[0].latency.count(), 3u);
}

TEST_F(AiQuorum, CancelReportsTheValidationOnce) {
  auto q = make(original_four(server_, {"hang", "hang", "hang", "hang"}));
  ASSERT_TRUE(q);
  std::atomic<int> calls{0};
  std::promise<quorum_result> done;
  auto h = q->validate(review(), [&](quorum_result r) {
    if (calls++ == 0)
      done.set_value(std::move(r));
  });
  q->cancel(h);
  auto r = done.get_future().get();
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "quorum.cancelled");
  for (const auto& o : r.outcomes)
    EXPECT_EQ(o.error->code, "quorum.cancelled");
  q->cancel(h);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(AiQuorum, MixesNetworkAndCommandModels) {
  auto c = original_four(server_, {"pass90", "pass80", "fail70", "pass85"});
  c.models[3].kind = provider_kind::command;
  c.models[3].endpoint.clear();
  c.models[3].api_key_env.clear();
  c.models[3].command = {"sh", "-c",
                         R"(cat > /dev/null; echo '{"vote": false, "confidence": 0.5, "reasoning": "cli says no"}')"};
  auto q = make(std::move(c));
  ASSERT_TRUE(q);
  auto r = run(*q);
  const auto& cli = outcome_of(r, "codestral");
  if (cli.participated()) {
    EXPECT_FALSE(cli.vote);
    EXPECT_EQ(cli.reasoning, "cli says no");
  }
  // 1.8 + 1.6 = 3.4 of 6.5 participating: 0.523 < 0.6.
  EXPECT_EQ(r.verdict.outcome, quorum_outcome::failed);
}

TEST(AiQuorumCreate, RejectsClientsThatDoNotMatchTheEnabledModels) {
  quorum_config c;
  c.settings.min_participating_weight = 1.0;
  model_config m;
  m.id = "cli";
  m.kind = provider_kind::command;
  m.command = {"true"};
  c.models.push_back(m);
  auto none = ai_quorum::create(c, std::vector<std::shared_ptr<model_client>>{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "quorum.config");
  model_config other = m;
  other.id = "other";
  auto wrong = ai_quorum::create(
    c, std::vector<std::shared_ptr<model_client>>{
         std::make_shared<command_model_client>(other, c.settings)});
  ASSERT_FALSE(wrong);
  auto right = ai_quorum::create(
    c, std::vector<std::shared_ptr<model_client>>{
         std::make_shared<command_model_client>(m, c.settings)});
  EXPECT_TRUE(right);
}

TEST(AiQuorumCreate, RejectsAFloorAboveTheEnabledWeight) {
  quorum_config c;
  c.settings.min_participating_weight = 3.0;
  model_config m;
  m.id = "cli";
  m.kind = provider_kind::command;
  m.command = {"true"};
  m.weight = 2.0;
  c.models.push_back(m);
  auto q = ai_quorum::create(c, nullptr, keys());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, "quorum.config");
}

TEST(AiQuorumCreate, NeedsTheKeyOfEveryEnabledNetworkModel) {
  quorum_config c;
  c.settings.min_participating_weight = 1.0;
  model_config m;
  m.id = "g";
  m.kind = provider_kind::gemini;
  m.endpoint = "https://x.test/v1/models/g:generateContent";
  m.api_key_env = "GENFLOW_TEST_UNSET_KEY";
  c.models.push_back(m);
  auto q = ai_quorum::create(c, nullptr, [](std::string_view) { return std::nullopt; });
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, "quorum.missing_key");
  EXPECT_NE(q.error().message.find("GENFLOW_TEST_UNSET_KEY"), std::string::npos);
}

} // namespace
} // namespace genflow::quorum
