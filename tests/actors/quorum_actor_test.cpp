// The quorum actor and its model actors, with `command` models (programs that answer after a
// scripted delay): weighted consensus, early decision that withdraws the calls still running,
// the quorum deadline, insufficient participation, cost sums and statistics. Real scheduler and
// real processes; every wait is bounded.

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/scoped_actor.hpp>

#include <gtest/gtest.h>

#include "actors/quorum.hpp"
#include "nodes/node_config.hpp"

namespace genflow {
namespace {

using namespace std::chrono_literals;

/// A command model that sleeps, then answers with a vote.
quorum::model_config model(std::string id, double weight, const char* delay, bool vote,
                           double confidence) {
  quorum::model_config m;
  m.id = std::move(id);
  m.kind = quorum::provider_kind::command;
  m.weight = weight;
  m.timeout = 20s;
  m.max_retries = 0;
  std::string reply = std::string{R"({"vote": )"} + (vote ? "true" : "false")
                      + R"(, "confidence": )" + std::to_string(confidence)
                      + R"(, "reasoning": "scripted"})";
  m.command = {"/bin/sh", "-c", std::string{"cat > /dev/null; sleep "} + delay + "; echo '" + reply + "'"};
  return m;
}

class QuorumActor : public ::testing::Test {
protected:
  // The owner ends its quorum: a pending deadline timer holds the actor until it fires.
  void TearDown() override {
    if (quorum)
      caf::anon_send_exit(quorum, caf::exit_reason::user_shutdown);
  }

  quorum::quorum_result review(quorum::quorum_config cfg) {
    auto q = spawn_quorum(sys, std::move(cfg));
    EXPECT_TRUE(q) << (q ? "" : q.error().to_string());
    quorum = *q;
    quorum::vote_request req;
    req.correlation_id = "q-1";
    req.node_type = "effect";
    req.contract_summary = "a node";
    req.code = "print('hi')\n";
    quorum::quorum_result out;
    auto t0 = std::chrono::steady_clock::now();
    self->request(quorum, 30s, review_code{req})
      .receive([&](review_result& r) { out = std::move(r.result); },
               [&](caf::error& err) { ADD_FAILURE() << sys.render(err); });
    elapsed = std::chrono::steady_clock::now() - t0;
    return out;
  }

  quorum::quorum_statistics_snapshot statistics() {
    quorum::quorum_statistics_snapshot out;
    self->request(quorum, 10s, get_quorum_statistics{})
      .receive([&](quorum::quorum_statistics_snapshot& s) { out = std::move(s); },
               [&](caf::error& err) { ADD_FAILURE() << sys.render(err); });
    return out;
  }

  nodes::node_config cfg{2};
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  quorum_actor quorum;
  std::chrono::steady_clock::duration elapsed{};
};

TEST_F(QuorumActor, DecidesEarlyAndWithdrawsTheSlowModel) {
  quorum::quorum_config cfg;
  cfg.settings.pass_threshold = 0.6;
  cfg.settings.min_participating_weight = 3.0;
  cfg.models = {model("fast-a", 2.0, "0", true, 0.9), model("fast-b", 2.0, "0", true, 0.8),
                model("medium", 1.5, "0.05", true, 0.9), model("slow", 1.0, "20", false, 0.9)};
  auto r = review(cfg);
  EXPECT_FALSE(r.error) << r.error->to_string();
  EXPECT_TRUE(r.verdict.passed());
  EXPECT_TRUE(r.verdict.decided_early);
  EXPECT_LT(elapsed, 10s) << "the 20 s model must not be waited for";
  ASSERT_EQ(r.outcomes.size(), 4u);
  EXPECT_EQ(r.outcomes[3].model_id, "slow");
  ASSERT_TRUE(r.outcomes[3].error);
  EXPECT_EQ(r.outcomes[3].error->code, "quorum.cancelled");
  // Whatever was decided, it equals the participating-weight formula over the votes seen.
  double pass = 0, weight = 0;
  for (std::size_t i = 0; i < 3; ++i)
    if (r.outcomes[i].participated()) {
      weight += cfg.models[i].weight;
      pass += r.outcomes[i].vote ? cfg.models[i].weight * r.outcomes[i].confidence : 0;
    }
  EXPECT_NEAR(r.verdict.consensus, pass / weight, 1e-9);
}

TEST_F(QuorumActor, ReportsInsufficientParticipationAsItsOwnError) {
  quorum::quorum_config cfg;
  cfg.settings.min_participating_weight = 3.0;
  auto broken = model("broken", 2.0, "0", true, 0.9);
  broken.command = {"/bin/sh", "-c", "cat > /dev/null; echo 'I am not JSON'"};
  cfg.models = {model("only", 2.0, "0", true, 0.9), broken};
  auto r = review(cfg);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "quorum.insufficient_participation");
  ASSERT_TRUE(r.outcomes[1].error);
  EXPECT_EQ(r.outcomes[1].error->code, "quorum.vote_unparseable")
    << "a bad reply is a failed participation with its reason, never dropped";
}

TEST_F(QuorumActor, StopsWaitingAtTheQuorumDeadline) {
  quorum::quorum_config cfg;
  cfg.settings.deadline = 500ms;
  cfg.settings.min_participating_weight = 1.0;
  cfg.models = {model("quick", 2.0, "0", true, 0.9), model("stuck", 2.0, "30", true, 0.9)};
  auto r = review(cfg);
  EXPECT_LT(elapsed, 10s);
  ASSERT_EQ(r.outcomes.size(), 2u);
  ASSERT_TRUE(r.outcomes[1].error);
  EXPECT_EQ(r.outcomes[1].error->code, "quorum.deadline");
  EXPECT_TRUE(r.verdict.passed()) << "the quick model's weight suffices here";
}

TEST_F(QuorumActor, KeepsStatisticsPerQuorumAndPerModel) {
  quorum::quorum_config cfg;
  cfg.settings.min_participating_weight = 1.0;
  cfg.models = {model("a", 2.0, "0", true, 0.9), model("b", 1.0, "0", false, 0.5)};
  review(cfg);
  quorum::vote_request req;
  req.code = "x = 1\n";
  self->request(quorum, 30s, review_code{req}).receive([](review_result&) {}, [](caf::error&) {});
  auto s = statistics();
  EXPECT_EQ(s.quorum.validations, 2u);
  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_EQ(s.models[0].model_id, "a");
  EXPECT_GE(s.models[0].calls + s.models[1].calls, 2u);
}

} // namespace
} // namespace genflow
