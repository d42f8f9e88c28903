#include "runtime/quorum/offline_reviewer.hpp"

#include <future>

#include <gtest/gtest.h>

#include "runtime/analysis/pipeline.hpp"
#include "runtime/quorum/ai_quorum.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;
using analysis::finding;
using analysis::severity_level;
using analysis::validation_result;

validation_result result(std::string validator, bool passed, double score,
                         std::vector<finding> findings = {}) {
  validation_result r;
  r.validator = std::move(validator);
  r.passed = passed;
  r.score = score;
  r.findings = std::move(findings);
  return r;
}

finding error_finding(std::string rule, std::uint32_t line, std::string message,
                      severity_level s = severity_level::error) {
  finding f;
  f.rule = std::move(rule);
  f.severity = s;
  f.line = line;
  f.message = std::move(message);
  return f;
}

/// Clean on everything but security: an insecure call.
analysis::pipeline_result insecure_analysis() {
  analysis::pipeline_result p;
  p.results = {result("completeness", true, 1.0), result("quality", true, 0.95),
               result("onex_compliance", true, 0.9),
               result("security", false, 0.75,
                      {error_finding("B307", 12, "Use of possibly insecure function eval")})};
  p.errors = {p.results[3].findings[0]};
  return p;
}

constexpr review_emphasis security_first{0.1, 0.1, 0.1, 0.7};
constexpr review_emphasis quality_first{0.1, 0.7, 0.1, 0.1};

TEST(ReviewAnalysis, SaysItIsNotALanguageModel) {
  auto v = review_analysis(insecure_analysis(), review_emphasis{});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reasoning.rfind("offline rule-based reviewer, not a language model: ", 0), 0u);
}

TEST(ReviewAnalysis, ReviewersWithDifferentEmphasisDisagreeOnMixedFindings) {
  auto security = review_analysis(insecure_analysis(), security_first);
  auto quality = review_analysis(insecure_analysis(), quality_first);
  ASSERT_TRUE(security && quality);
  // Security weighs a failed security validator most: reject.
  EXPECT_FALSE(security->vote);
  EXPECT_NE(security->reasoning.find("failed: security"), std::string::npos);
  EXPECT_NE(security->reasoning.find("B307 line 12: Use of possibly insecure function eval"),
            std::string::npos);
  // Quality sees 0.1 x 1 + 0.7 x 0.95 + 0.1 x 0.9 + 0.1 x 0.75 = 0.93: approve.
  EXPECT_TRUE(quality->vote);
  EXPECT_NEAR(quality->confidence, 0.5 + 0.4 * std::min(1.0, (0.93 - 0.7) / 0.3), 1e-9);
  EXPECT_NE(quality->reasoning.find("weighted validator score 0.93 >= 0.70"), std::string::npos);
}

TEST(ReviewAnalysis, RejectsCodeThatDoesNotParse) {
  analysis::pipeline_result p;
  auto syntax = error_finding("syntax.error", 3, "invalid syntax", severity_level::critical);
  p.results = {result("completeness", false, 0.0, {syntax}), result("security", false, 0.0, {syntax})};
  p.errors = {syntax};
  auto v = review_analysis(p, review_emphasis{});
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->vote);
  EXPECT_DOUBLE_EQ(v->confidence, 0.9);
  EXPECT_NE(v->reasoning.find("does not parse (syntax.error line 3: invalid syntax)"),
            std::string::npos);
}

TEST(ReviewAnalysis, RejectsACriticalFindingWhateverTheScore) {
  analysis::pipeline_result p;
  p.results = {result("quality", true, 1.0),
               result("security", false, 0.5,
                      {error_finding("B602", 7, "subprocess call with shell=True",
                                     severity_level::critical)})};
  auto v = review_analysis(p, quality_first);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->vote);
  EXPECT_DOUBLE_EQ(v->confidence, 0.9);
}

TEST(ReviewAnalysis, ApprovesCleanResultsWithConfidenceFromTheMargin) {
  analysis::pipeline_result p;
  p.results = {result("completeness", true, 1.0), result("quality", true, 1.0),
               result("onex_compliance", true, 1.0), result("security", true, 1.0)};
  auto v = review_analysis(p, review_emphasis{});
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->vote);
  EXPECT_DOUBLE_EQ(v->confidence, 0.9);
  p.results[1].score = 0.4;
  p.results[1].passed = false; // balanced: every aspect is a focus, so a failure rejects
  auto mixed = review_analysis(p, review_emphasis{});
  ASSERT_TRUE(mixed);
  EXPECT_FALSE(mixed->vote);
  EXPECT_DOUBLE_EQ(mixed->confidence, 0.6); // 0.85 passes the score, the focus failed
}

TEST(ReviewAnalysis, FailsWhenNoneOfItsValidatorsRan) {
  analysis::pipeline_result p;
  p.results = {result("quality", true, 1.0)};
  auto v = review_analysis(p, review_emphasis{0.0, 0.0, 0.0, 1.0});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "quorum.analysis_failed");
}

// -- the client ------------------------------------------------------------------

vote_outcome vote(model_client& client, const vote_request& req) {
  auto promise = std::make_shared<std::promise<vote_outcome>>();
  auto future = promise->get_future();
  client.start_vote(req, [promise](vote_outcome out) { promise->set_value(std::move(out)); });
  if (future.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "no outcome within 30 s";
    return {};
  }
  return future.get();
}

model_config offline_model(review_emphasis e) {
  model_config m;
  m.id = "offline";
  m.kind = provider_kind::offline;
  m.emphasis = e;
  return m;
}

constexpr const char* insecure_code = R"(import subprocess


def run(cmd: str) -> int:
    """Runs a command."""
    return subprocess.call(cmd, shell=True)


def compute(expr: str) -> int:
    """Evaluates an expression."""
    return eval(expr)
)";

TEST(OfflineReviewer, AnalysesTheCodeWhenNoAnalysisComesWithTheRequest) {
  offline_reviewer reviewer{offline_model(security_first)};
  vote_request req;
  req.code = insecure_code;
  auto out = vote(reviewer, req);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_FALSE(out.vote);
  EXPECT_EQ(out.reasoning.rfind("offline rule-based reviewer, not a language model: ", 0), 0u);
  EXPECT_EQ(out.tokens.input, 0);
  EXPECT_DOUBLE_EQ(out.cost_usd, 0.0);
}

TEST(OfflineReviewer, UsesTheAnalysisThatComesWithTheRequest) {
  offline_reviewer reviewer{offline_model(security_first)};
  vote_request req;
  req.code = "x = 1\n"; // harmless: the verdict below can only come from the given analysis
  req.analysis = std::make_shared<const analysis::pipeline_result>(insecure_analysis());
  auto out = vote(reviewer, req);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_FALSE(out.vote);
  EXPECT_NE(out.reasoning.find("B307 line 12"), std::string::npos);
}

TEST(OfflineReviewer, RejectsCodeThatDoesNotParse) {
  offline_reviewer reviewer{offline_model(review_emphasis{})};
  vote_request req;
  req.code = "def broken(:\n    pass\n";
  auto out = vote(reviewer, req);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_FALSE(out.vote);
  EXPECT_NE(out.reasoning.find("does not parse"), std::string::npos);
}

TEST(OfflineReviewer, TheShippedDefaultQuorumRunsWithoutNetworkOrKeys) {
  auto report = load_quorum_config(std::string{GENFLOW_SOURCE_DIR} + "/configs/quorum/default.yaml",
                                   [](std::string_view) { return std::nullopt; });
  ASSERT_TRUE(report.config);
  auto q = ai_quorum::create(*report.config, nullptr,
                             [](std::string_view) { return std::nullopt; });
  ASSERT_TRUE(q) << q.error().to_string();
  vote_request req;
  req.node_type = "effect";
  req.code = insecure_code;
  auto run = [&] {
    std::promise<quorum_result> done;
    (*q)->validate(req, [&](quorum_result r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };
  auto first = run();
  auto second = run();
  ASSERT_FALSE(first.error) << first.error->to_string();
  EXPECT_FALSE(first.verdict.passed());
  EXPECT_EQ(first.verdict.outcome, second.verdict.outcome);
  EXPECT_DOUBLE_EQ(first.cost_usd, 0.0);
  for (const auto& o : first.outcomes) {
    if (o.participated()) {
      EXPECT_EQ(o.reasoning.rfind("offline rule-based reviewer, not a language model", 0), 0u);
    }
  }
}

} // namespace
} // namespace genflow::quorum
