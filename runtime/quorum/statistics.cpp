#include "runtime/quorum/statistics.hpp"

#include "runtime/quorum/ai_quorum.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

void model_statistics::record(const vote_outcome& outcome) {
  ++calls;
  attempts += static_cast<std::uint64_t>(outcome.attempts);
  tokens += outcome.tokens;
  cost_usd += outcome.cost_usd;
  if (outcome.participated()) {
    ++votes;
    if (outcome.vote)
      ++approvals;
  } else if (outcome.error->code == code_name(quorum_errc::cancelled)) {
    ++cancelled;
    return;
  } else {
    ++failures;
  }
  latency.record(outcome.duration);
}

double model_statistics::success_rate() const noexcept {
  auto ended = votes + failures;
  return ended == 0 ? 0.0 : static_cast<double>(votes) / static_cast<double>(ended);
}

void quorum_statistics::record(const quorum_result& result) {
  ++validations;
  switch (result.verdict.outcome) {
    case quorum_outcome::passed:
      ++passes;
      break;
    case quorum_outcome::failed:
      ++failures;
      break;
    case quorum_outcome::insufficient_participation:
      ++insufficient;
      break;
    case quorum_outcome::abstained:
      ++abstentions;
      break;
  }
  if (result.verdict.decided_early)
    ++early_decisions;
  consensus_sum += result.verdict.consensus;
  tokens += result.tokens;
  cost_usd += result.cost_usd;
  duration.record(result.duration);
}

double quorum_statistics::pass_rate() const noexcept {
  return validations == 0 ? 0.0 : static_cast<double>(passes) / static_cast<double>(validations);
}

double quorum_statistics::average_consensus() const noexcept {
  return validations == 0 ? 0.0 : consensus_sum / static_cast<double>(validations);
}

double quorum_statistics::cost_per_validation() const noexcept {
  return validations == 0 ? 0.0 : cost_usd / static_cast<double>(validations);
}

} // namespace genflow::quorum
