#include "runtime/quorum/quorum_round.hpp"

#include <fmt/format.h>

#include "runtime/quorum/ai_quorum.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

std::vector<double> weights_of(const std::vector<model_config>& models) {
  std::vector<double> out;
  out.reserve(models.size());
  for (const auto& m : models)
    out.push_back(m.weight);
  return out;
}

} // namespace

quorum_round::quorum_round(const quorum_settings& settings,
                           const std::vector<model_config>& models, std::string correlation_id,
                           clock_type::time_point started)
  : settings_(settings),
    models_(models),
    correlation_id_(std::move(correlation_id)),
    started_(started),
    tally_(weights_of(models), tally_rules::from(settings)),
    outcomes_(models.size()) {
}

bool quorum_round::record(std::size_t i, vote_outcome outcome) {
  if (concluded_ || i >= outcomes_.size() || outcomes_[i])
    return tally_.decided();
  if (outcome.participated())
    tally_.record_vote(i, outcome.vote, outcome.confidence);
  else
    tally_.record_absence(i);
  outcomes_[i] = std::move(outcome);
  return tally_.decided();
}

quorum_result quorum_round::conclude(std::optional<error_info> error,
                                     std::vector<std::size_t>& to_cancel) {
  concluded_ = true;
  quorum_result r;
  r.correlation_id = correlation_id_;
  r.verdict = tally_.verdict();
  r.duration = clock_type::now() - started_;
  for (std::size_t i = 0; i < models_.size(); ++i) {
    if (outcomes_[i]) {
      r.outcomes.push_back(*outcomes_[i]);
    } else {
      to_cancel.push_back(i);
      vote_outcome out;
      out.model_id = models_[i].id;
      out.duration = r.duration;
      out.error = make_error(quorum_errc::cancelled,
                             error ? "the validation was cancelled"
                                   : "not needed: the verdict was decided without this model",
                             "model " + models_[i].id);
      r.outcomes.push_back(std::move(out));
    }
    r.tokens += r.outcomes.back().tokens;
    r.cost_usd += r.outcomes.back().cost_usd;
  }
  const auto& verdict = r.verdict;
  auto participation =
    fmt::format("{:g}/{:g} (minimum: {:g})", verdict.participating_weight, verdict.total_weight,
                settings_.min_participating_weight);
  if (error) {
    r.error = std::move(error);
  } else if (verdict.outcome == quorum_outcome::insufficient_participation) {
    r.error = make_error(quorum_errc::insufficient_participation,
                         "Insufficient model participation: " + participation, "quorum");
  } else if (verdict.outcome == quorum_outcome::abstained) {
    r.warnings.push_back("the quorum abstained: participation " + participation
                         + " is too low; the validators decide alone");
  } else if (!verdict.participation_sufficient) {
    r.warnings.push_back("participation " + participation
                         + " is below the minimum; the verdict rests on fewer models");
  }
  return r;
}

} // namespace genflow::quorum
