#pragma once

/// Running statistics of models and quorums, as plain structs fed with outcomes and results.
///
/// @code
/// model_statistics glm{"glm-4.5"};
/// glm.record(outcome);                       // every vote_outcome of that model
/// auto lat = glm.latency.summary();          // p50 / p95 / p99 of answered calls
/// quorum_statistics q;
/// q.record(result);                          // every quorum_result
/// double per_validation = q.cost_per_validation();
/// @endcode

#include <chrono>
#include <cstdint>
#include <string>

#include "runtime/profiling/latency_histogram.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

struct quorum_result;

/// One model's calls.
struct model_statistics {
  std::string model_id;
  /// Every recorded outcome.
  std::uint64_t calls = 0;
  /// Calls that produced a valid verdict.
  std::uint64_t votes = 0;
  std::uint64_t approvals = 0;
  /// Calls that ended without a verdict (errors, bad replies, timeouts, deadline).
  std::uint64_t failures = 0;
  /// Calls cancelled (the quorum decided early, or shut down): neither success nor failure.
  std::uint64_t cancelled = 0;
  /// Requests sent, retries included.
  std::uint64_t attempts = 0;
  token_usage tokens;
  double cost_usd = 0.0;
  /// Durations of calls that ended by themselves (votes and failures, not cancellations).
  profiling::latency_histogram latency;

  model_statistics() = default;
  explicit model_statistics(std::string id) : model_id(std::move(id)) {}

  void record(const vote_outcome& outcome);

  /// votes / (votes + failures); 0 before any call ended.
  double success_rate() const noexcept;
};

/// All validations of one quorum.
struct quorum_statistics {
  std::uint64_t validations = 0;
  std::uint64_t passes = 0;
  std::uint64_t failures = 0;
  std::uint64_t insufficient = 0;
  std::uint64_t abstentions = 0;
  /// Decided before every model answered.
  std::uint64_t early_decisions = 0;
  double consensus_sum = 0.0;
  token_usage tokens;
  double cost_usd = 0.0;
  profiling::latency_histogram duration;

  void record(const quorum_result& result);

  /// passes / validations; 0 before any validation.
  double pass_rate() const noexcept;
  double average_consensus() const noexcept;
  std::chrono::nanoseconds average_duration() const noexcept { return duration.mean(); }
  double cost_per_validation() const noexcept;
};

} // namespace genflow::quorum
