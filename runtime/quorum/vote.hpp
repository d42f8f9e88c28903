#pragma once

/// The vocabulary of a quorum vote: what a model is asked (`vote_request`), what it costs
/// (`token_usage`, `token_prices`) and how its call ended (`vote_outcome`).
///
/// @code
/// vote_request req;
/// req.node_type = "effect";
/// req.contract_summary = "NodeDatabaseWriter: writes records, retries on conflict";
/// req.code = generated_source;
/// req.deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
/// client.start_vote(req, [](vote_outcome out) {
///   if (out.participated()) use(out.vote, out.confidence, out.reasoning, out.cost_usd);
///   else log(out.error->to_string());   // why the model did not take part
/// });
/// @endcode

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/error.hpp"

namespace genflow::analysis {
struct pipeline_result;
} // namespace genflow::analysis

namespace genflow::quorum {

/// Tokens a call consumed, as the provider reported them.
struct token_usage {
  std::int64_t input = 0;
  std::int64_t output = 0;
  /// False when the provider's reply had no usage fields (the counts are then zero).
  bool reported = false;

  token_usage& operator+=(const token_usage& other) noexcept {
    input += other.input;
    output += other.output;
    reported = reported || other.reported;
    return *this;
  }
};

/// Prices in US dollars per 1000 tokens.
struct token_prices {
  double input_per_1k = 0.0;
  double output_per_1k = 0.0;

  /// input/1000 * input_per_1k + output/1000 * output_per_1k.
  double cost(const token_usage& usage) const noexcept {
    return static_cast<double>(usage.input) / 1000.0 * input_per_1k
           + static_cast<double>(usage.output) / 1000.0 * output_per_1k;
  }
};

/// What a model is asked to judge.
struct vote_request {
  /// Carried through to logs and results; free-form.
  std::string correlation_id;
  /// "effect", "compute", "reducer", "orchestrator".
  std::string node_type;
  /// One paragraph on what the contract asks for.
  std::string contract_summary;
  /// The generated source under review.
  std::string code;
  /// Validation criteria; empty means the quorum's configured (or default) criteria.
  std::vector<std::string> criteria;
  /// No answer is awaited beyond this point: a client reports `quorum.deadline` by then at the
  /// latest, and never starts a retry it could not finish in time.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// The validators' results on `code`, when the caller already has them (the validate step
  /// runs the validators before the quorum): offline reviewers read them instead of analysing
  /// the code again. Shared, never copied.
  std::shared_ptr<const analysis::pipeline_result> analysis;
};

/// How one model's call ended: a vote, or the reason it did not participate.
struct vote_outcome {
  std::string model_id;
  /// Approve (true) or reject (false); meaningful only when participated().
  bool vote = false;
  /// In [0, 1]; meaningful only when participated().
  double confidence = 0.0;
  std::string reasoning;
  /// Summed over every attempt that reached the provider.
  token_usage tokens;
  /// Cost of `tokens` at the model's prices.
  double cost_usd = 0.0;
  /// From start_vote to the outcome, retry waits included.
  std::chrono::nanoseconds duration{0};
  /// Calls made (1 + retries); 0 when nothing was sent (e.g. cancelled before the first call).
  int attempts = 0;
  /// Why the model did not participate; empty for a vote.
  std::optional<error_info> error;

  bool participated() const noexcept { return !error.has_value(); }
};

} // namespace genflow::quorum
