#include "runtime/quorum/consensus.hpp"

#include <cassert>

namespace genflow::quorum {

double consensus_score(double pass_mass, double participating_weight, double total_weight,
                       consensus_formula formula) noexcept {
  double d = formula == consensus_formula::participating ? participating_weight : total_weight;
  return d > 0.0 ? pass_mass / d : 0.0;
}

std::string_view to_string(quorum_outcome outcome) noexcept {
  switch (outcome) {
    case quorum_outcome::passed:
      return "passed";
    case quorum_outcome::failed:
      return "failed";
    case quorum_outcome::insufficient_participation:
      return "insufficient_participation";
    case quorum_outcome::abstained:
      return "abstained";
  }
  return "unknown";
}

namespace {

/// The parts of a verdict that a decision must pin down.
struct verdict_key {
  quorum_outcome outcome;
  bool sufficient;
  friend bool operator==(const verdict_key&, const verdict_key&) = default;
};

verdict_key classify(double participating, double pass_mass, double total,
                     const tally_rules& rules) noexcept {
  bool sufficient = participating >= rules.min_participating_weight - consensus_epsilon;
  double d = rules.formula == consensus_formula::participating ? participating : total;
  bool passes = participating > 0.0 && pass_mass >= rules.pass_threshold * d - consensus_epsilon;
  auto pass_fail = passes ? quorum_outcome::passed : quorum_outcome::failed;
  if (sufficient)
    return {pass_fail, true};
  switch (rules.policy) {
    case participation_policy::fail:
      return {quorum_outcome::insufficient_participation, false};
    case participation_policy::validators_only:
      return {quorum_outcome::abstained, false};
    case participation_policy::warn:
      return {pass_fail, false};
  }
  return {quorum_outcome::insufficient_participation, false};
}

quorum_verdict make_verdict(double participating, double pass_mass, double total,
                            const tally_rules& rules) {
  auto key = classify(participating, pass_mass, total, rules);
  quorum_verdict v;
  v.outcome = key.outcome;
  v.participation_sufficient = key.sufficient;
  v.consensus_participating =
    consensus_score(pass_mass, participating, total, consensus_formula::participating);
  v.consensus_total = consensus_score(pass_mass, participating, total, consensus_formula::total);
  v.consensus = rules.formula == consensus_formula::participating ? v.consensus_participating
                                                                   : v.consensus_total;
  v.pass_mass = pass_mass;
  v.participating_weight = participating;
  v.total_weight = total;
  v.pass_threshold = rules.pass_threshold;
  return v;
}

} // namespace

quorum_verdict evaluate_votes(const std::vector<weighted_vote>& participants, double total_weight,
                              const tally_rules& rules) {
  double participating = 0.0;
  double pass_mass = 0.0;
  int approvals = 0;
  for (const auto& p : participants) {
    participating += p.weight;
    if (p.vote) {
      pass_mass += p.weight * p.confidence;
      ++approvals;
    }
  }
  auto v = make_verdict(participating, pass_mass, total_weight, rules);
  v.approvals = approvals;
  v.rejections = static_cast<int>(participants.size()) - approvals;
  return v;
}

quorum_tally::quorum_tally(std::vector<double> weights, tally_rules rules)
  : weights_(std::move(weights)),
    state_(weights_.size(), report::pending),
    rules_(rules),
    outstanding_(weights_.size()) {
  for (double w : weights_) {
    assert(w > 0.0);
    total_weight_ += w;
  }
  update_decision();
}

bool quorum_tally::record_vote(std::size_t model, bool vote, double confidence) {
  assert(confidence >= 0.0 && confidence <= 1.0);
  return record(model, vote ? report::approved : report::rejected, confidence);
}

bool quorum_tally::record_absence(std::size_t model) {
  return record(model, report::absent, 0.0);
}

bool quorum_tally::record(std::size_t model, report r, double confidence) {
  if (!is_outstanding(model))
    return decided_;
  state_[model] = r;
  --outstanding_;
  switch (r) {
    case report::approved:
      participating_weight_ += weights_[model];
      pass_mass_ += weights_[model] * confidence;
      ++approvals_;
      break;
    case report::rejected:
      participating_weight_ += weights_[model];
      ++rejections_;
      break;
    case report::absent:
    case report::pending:
      ++absences_;
      break;
  }
  if (!decided_) {
    update_decision();
    decided_early_ = decided_ && outstanding_ > 0;
  }
  return decided_;
}

void quorum_tally::update_decision() {
  if (outstanding_ == 0) {
    decided_ = true;
    return;
  }
  double open = 0.0;
  for (std::size_t i = 0; i < weights_.size(); ++i)
    if (state_[i] == report::pending)
      open += weights_[i];
  auto all_absent = classify(participating_weight_, pass_mass_, total_weight_, rules_);
  auto all_fail = classify(participating_weight_ + open, pass_mass_, total_weight_, rules_);
  auto all_pass = classify(participating_weight_ + open, pass_mass_ + open, total_weight_, rules_);
  decided_ = all_absent == all_fail && all_fail == all_pass;
}

quorum_verdict quorum_tally::verdict() const {
  auto v = make_verdict(participating_weight_, pass_mass_, total_weight_, rules_);
  v.approvals = approvals_;
  v.rejections = rejections_;
  v.absences = absences_;
  v.outstanding = static_cast<int>(outstanding_);
  v.decided_early = decided_early_;
  return v;
}

} // namespace genflow::quorum
