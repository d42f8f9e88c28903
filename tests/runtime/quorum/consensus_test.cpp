#include "runtime/quorum/consensus.hpp"

#include <functional>
#include <optional>

#include <gtest/gtest.h>

namespace genflow::quorum {
namespace {

tally_rules rules(double threshold = 0.6, double min_weight = 3.0,
                  consensus_formula formula = consensus_formula::participating,
                  participation_policy policy = participation_policy::fail) {
  return tally_rules{threshold, min_weight, formula, policy};
}

// -- the original's worked examples (original-system.md §4.2) ------------------

TEST(Consensus, FourModelExampleGives0654AndPasses) {
  // gemini 2.0 pass .9, glm-4.5 2.0 pass .8, glm-air 1.5 fail .7, codestral 1.0 pass .85
  auto v = evaluate_votes({{2.0, true, 0.9}, {2.0, true, 0.8}, {1.5, false, 0.7}, {1.0, true, 0.85}},
                          6.5, rules());
  EXPECT_NEAR(v.consensus, 4.25 / 6.5, 1e-12);
  EXPECT_NEAR(v.consensus, 0.654, 5e-4);
  EXPECT_TRUE(v.passed());
  EXPECT_TRUE(v.participation_sufficient);
  EXPECT_EQ(v.approvals, 3);
  EXPECT_EQ(v.rejections, 1);
}

TEST(Consensus, ThreeModelExamplesGive0667And0706PassAnd0578Fails) {
  auto a = evaluate_votes({{2.0, true, 0.9}, {1.5, true, 0.8}, {1.0, false, 0.7}}, 4.5, rules());
  EXPECT_NEAR(a.consensus, 0.667, 5e-4);
  EXPECT_TRUE(a.passed());
  auto b = evaluate_votes({{2.0, true, 0.95}, {1.5, true, 0.85}, {1.0, false, 0.6}}, 4.5, rules());
  EXPECT_NEAR(b.consensus, 0.706, 5e-4);
  EXPECT_TRUE(b.passed());
  auto c = evaluate_votes({{2.0, true, 0.9}, {1.5, false, 0.7}, {1.0, true, 0.8}}, 4.5, rules());
  EXPECT_NEAR(c.consensus, 0.578, 5e-4);
  EXPECT_FALSE(c.passed());
  EXPECT_EQ(c.outcome, quorum_outcome::failed);
}

TEST(Consensus, TheTwoFormulasDisagreeWhenAModelIsSilent) {
  // glm-air (1.5) did not answer, codestral voted fail: 3.4 / 5 = 0.68 vs 3.4 / 6.5 = 0.52.
  std::vector<weighted_vote> votes{{2.0, true, 0.9}, {2.0, true, 0.8}, {1.0, false, 0.9}};
  auto participating = evaluate_votes(votes, 6.5, rules(0.6, 3.0, consensus_formula::participating));
  auto total = evaluate_votes(votes, 6.5, rules(0.6, 3.0, consensus_formula::total));
  EXPECT_NEAR(participating.consensus, 0.68, 1e-12);
  EXPECT_TRUE(participating.passed());
  EXPECT_NEAR(total.consensus, 3.4 / 6.5, 1e-12);
  EXPECT_NEAR(total.consensus, 0.52, 5e-3);
  EXPECT_FALSE(total.passed());
  // Both numbers are reported whatever the formula.
  EXPECT_NEAR(participating.consensus_total, total.consensus, 1e-12);
  EXPECT_NEAR(total.consensus_participating, participating.consensus, 1e-12);
}

TEST(Consensus, FailingVotesAddNothingWhateverTheirConfidence) {
  auto low = evaluate_votes({{2.0, true, 0.8}, {2.0, false, 0.1}}, 4.0, rules(0.5, 1.0));
  auto high = evaluate_votes({{2.0, true, 0.8}, {2.0, false, 1.0}}, 4.0, rules(0.5, 1.0));
  EXPECT_DOUBLE_EQ(low.consensus, 0.4);
  EXPECT_DOUBLE_EQ(high.consensus, 0.4);
}

TEST(Consensus, AConsensusExactlyAtTheThresholdPasses) {
  // (0.1 + 0.7) / 2 is 0.4 exactly, but 0.1 + 0.7 = 0.7999999999999999 < 0.4 * 2 in binary.
  auto v = evaluate_votes({{1.0, true, 0.1}, {1.0, true, 0.7}}, 2.0, rules(0.4, 1.0));
  EXPECT_LT(0.1 + 0.7, 0.4 * 2);
  EXPECT_TRUE(v.passed());
}

TEST(Consensus, TooLittleParticipatingWeightHasNoVerdictUnderPolicyFail) {
  // Two 2.0 models silent: 2.5 < 3.0.
  auto v = evaluate_votes({{1.5, true, 0.9}, {1.0, true, 0.9}}, 6.5, rules());
  EXPECT_EQ(v.outcome, quorum_outcome::insufficient_participation);
  EXPECT_FALSE(v.participation_sufficient);
  EXPECT_DOUBLE_EQ(v.participating_weight, 2.5);
}

TEST(Consensus, PolicyWarnKeepsTheVerdictAndFlagsIt) {
  auto v = evaluate_votes({{1.5, true, 0.9}, {1.0, true, 0.9}}, 6.5,
                          rules(0.6, 3.0, consensus_formula::participating, participation_policy::warn));
  EXPECT_EQ(v.outcome, quorum_outcome::passed);
  EXPECT_FALSE(v.participation_sufficient);
}

TEST(Consensus, PolicyValidatorsOnlyAbstains) {
  auto v = evaluate_votes({{1.0, true, 0.9}}, 6.5,
                          rules(0.6, 3.0, consensus_formula::participating,
                                participation_policy::validators_only));
  EXPECT_EQ(v.outcome, quorum_outcome::abstained);
}

TEST(Consensus, NobodyParticipatingNeverPasses) {
  auto v = evaluate_votes({}, 4.0, rules(0.0, 0.0));
  EXPECT_EQ(v.outcome, quorum_outcome::failed);
  EXPECT_DOUBLE_EQ(v.consensus, 0.0);
}

// -- quorum_tally --------------------------------------------------------------

TEST(QuorumTally, DecidesAPassOnceTheRestCannotPullItBelowTheThreshold) {
  quorum_tally t{{2.0, 2.0, 1.5, 1.0}, rules()};
  EXPECT_FALSE(t.decided());
  EXPECT_FALSE(t.record_vote(0, true, 1.0)); // 2.0 < 3.0 participating: not yet
  // 4.0 participating, S = 3.9: even if 1.5 and 1.0 both fail, 3.9 / 6.5 = 0.6.
  EXPECT_TRUE(t.record_vote(1, true, 0.95));
  auto v = t.verdict();
  EXPECT_TRUE(v.passed());
  EXPECT_TRUE(v.decided_early);
  EXPECT_EQ(v.outstanding, 2);
}

TEST(QuorumTally, DecidesAFailOnceTheRestCannotLiftIt) {
  quorum_tally t{{2.0, 2.0, 1.5, 1.0}, rules()};
  t.record_vote(0, false, 0.9);
  // S = 0, P = 4; the best the rest can do: (1.5 + 1.0) / 6.5 = 0.385 < 0.6.
  EXPECT_TRUE(t.record_vote(1, false, 0.9));
  EXPECT_EQ(t.verdict().outcome, quorum_outcome::failed);
}

TEST(QuorumTally, DecidesInsufficientParticipationOnceTooMuchWeightIsMissing) {
  quorum_tally t{{2.0, 2.0, 1.5, 1.0}, rules(0.6, 5.0)};
  EXPECT_FALSE(t.record_absence(3)); // 5.5 still reachable
  EXPECT_TRUE(t.record_absence(2));  // 4.0 at most: never 5.0
  EXPECT_EQ(t.verdict().outcome, quorum_outcome::insufficient_participation);
}

TEST(QuorumTally, IgnoresASecondReportOfTheSameModel) {
  quorum_tally t{{1.0, 1.0}, rules(0.5, 1.0)};
  t.record_vote(0, false, 1.0);
  t.record_vote(0, true, 1.0);
  auto v = t.verdict();
  EXPECT_EQ(v.approvals, 0);
  EXPECT_EQ(v.rejections, 1);
  EXPECT_FALSE(t.is_outstanding(0));
  EXPECT_TRUE(t.is_outstanding(1));
}

TEST(QuorumTally, IsDecidedWhenEveryModelHasReported) {
  quorum_tally t{{1.0}, rules(0.6, 1.0)};
  EXPECT_TRUE(t.record_vote(0, true, 0.6));
  EXPECT_TRUE(t.complete());
  EXPECT_FALSE(t.verdict().decided_early);
  EXPECT_TRUE(t.verdict().passed());
}

// -- exhaustive proof of the early decision ---------------------------------------

/// One model's possible report: absent (nullopt) or a vote.
struct report_choice {
  bool present;
  bool vote;
  double confidence;
};

/// absent, fail, and pass at `confidences` (which include both ends of [0, 1], so the extreme
/// completions are among the enumerated ones and the decision's exactness can be checked).
std::vector<report_choice> choices(std::initializer_list<double> confidences) {
  std::vector<report_choice> out{{false, false, 0.0}, {true, false, 0.5}};
  for (double c : confidences)
    out.push_back({true, true, c});
  return out;
}

quorum_verdict brute_force(const std::vector<double>& weights,
                           const std::vector<report_choice>& full, const tally_rules& r) {
  std::vector<weighted_vote> votes;
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    total += weights[i];
    if (full[i].present)
      votes.push_back({weights[i], full[i].vote, full[i].confidence});
  }
  return evaluate_votes(votes, total, r);
}

bool same_verdict(const quorum_verdict& a, const quorum_verdict& b) {
  return a.outcome == b.outcome && a.participation_sufficient == b.participation_sufficient;
}

/// For every subset of reported models and every report of theirs: the tally's decision must be
/// exact: when decided, every completion of the outstanding models yields the tally's verdict;
/// when undecided, two completions yield different verdicts. Returns the number of decided states.
int check_exhaustively(const std::vector<double>& weights, const tally_rules& r,
                       std::initializer_list<double> confidences = {0.0, 0.6, 0.75, 1.0}) {
  const auto options = choices(confidences);
  const std::size_t n = weights.size();
  int decided_states = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    std::vector<std::size_t> known, open;
    for (std::size_t i = 0; i < n; ++i)
      (mask & (1u << i) ? known : open).push_back(i);
    std::vector<report_choice> full(n);
    // Enumerate the known models' reports.
    std::function<void(std::size_t)> assign_known = [&](std::size_t k) {
      if (k < known.size()) {
        for (const auto& c : options) {
          full[known[k]] = c;
          assign_known(k + 1);
        }
        return;
      }
      // Feed in index order and in reverse order: the decision must not depend on order.
      quorum_tally forward{weights, r};
      quorum_tally backward{weights, r};
      for (auto i : known)
        full[i].present ? forward.record_vote(i, full[i].vote, full[i].confidence)
                        : forward.record_absence(i);
      for (auto it = known.rbegin(); it != known.rend(); ++it)
        full[*it].present ? backward.record_vote(*it, full[*it].vote, full[*it].confidence)
                          : backward.record_absence(*it);
      ASSERT_EQ(forward.decided(), backward.decided());
      auto early = forward.verdict();
      // Enumerate the completions.
      std::optional<quorum_verdict> first;
      bool all_same = true;
      std::function<void(std::size_t)> assign_open = [&](std::size_t k) {
        if (k < open.size()) {
          for (const auto& c : options) {
            full[open[k]] = c;
            assign_open(k + 1);
          }
          return;
        }
        auto final_verdict = brute_force(weights, full, r);
        if (!first)
          first = final_verdict;
        else if (!same_verdict(*first, final_verdict))
          all_same = false;
        if (forward.decided()) {
          ASSERT_TRUE(same_verdict(early, final_verdict))
            << "mask " << mask << ": decided " << to_string(early.outcome)
            << " but a completion gives " << to_string(final_verdict.outcome);
        }
      };
      assign_open(0);
      EXPECT_EQ(forward.decided(), all_same) << "mask " << mask << ": the decision is not exact";
      if (forward.decided())
        ++decided_states;
    };
    assign_known(0);
  }
  return decided_states;
}

TEST(QuorumTallyExhaustive, OriginalFourModelsParticipatingFormula) {
  EXPECT_GT(check_exhaustively({2.0, 2.0, 1.5, 1.0}, rules()), 0);
}

TEST(QuorumTallyExhaustive, OriginalFourModelsTotalFormula) {
  EXPECT_GT(check_exhaustively({2.0, 2.0, 1.5, 1.0}, rules(0.6, 3.0, consensus_formula::total)), 0);
}

TEST(QuorumTallyExhaustive, EveryPolicyAndFormulaOnThreeModels) {
  for (auto formula : {consensus_formula::participating, consensus_formula::total})
    for (auto policy : {participation_policy::fail, participation_policy::warn,
                        participation_policy::validators_only})
      for (double threshold : {0.0, 0.6, 1.0})
        for (double min_weight : {0.0, 2.5, 4.5}) {
          SCOPED_TRACE(testing::Message() << to_string(formula) << " " << to_string(policy)
                                          << " t=" << threshold << " min=" << min_weight);
          check_exhaustively({2.0, 1.5, 1.0}, rules(threshold, min_weight, formula, policy));
        }
}

TEST(QuorumTallyExhaustive, EqualWeightsWithWarnPolicy) {
  EXPECT_GT(check_exhaustively({1.0, 1.0, 1.0, 1.0},
                               rules(0.75, 2.0, consensus_formula::participating,
                                     participation_policy::warn)),
            0);
}

TEST(QuorumTallyExhaustive, FiveModelsParticipatingFormula) {
  EXPECT_GT(check_exhaustively({3.0, 2.0, 1.5, 1.0, 0.5}, rules(0.6, 4.0), {0.0, 0.6, 1.0}), 0);
}

} // namespace
} // namespace genflow::quorum
