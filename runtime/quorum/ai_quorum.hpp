#pragma once

/// The AI quorum: fans a review out to every enabled model, feeds their outcomes into a
/// `quorum_tally`, and reports as soon as the verdict is decided, cancelling the calls it no
/// longer needs. Plain C++ and asynchronous: `validate` returns at once and the result arrives
/// through a callback on whichever client thread completed it. The quorum actor wraps one
/// instance (or drives model actors and a quorum_tally itself, as this class does).
///
/// Deadline: each validation's deadline (the sooner of the request's and `settings.deadline`) is
/// passed to every client, which reports by then at the latest; an outstanding model counts as
/// not participating.
///
/// @code
/// auto report = load_quorum_config("configs/quorum/default.yaml");
/// auto quorum = ai_quorum::create(*report.config);             // builds the model clients
/// if (!quorum) fail(quorum.error());
/// (*quorum)->validate(request, [](quorum_result r) {
///   if (r.error) ...;                        // insufficient participation (policy fail), cancelled
///   else if (r.verdict.passed()) ...;        // consensus r.verdict.consensus, cost r.cost_usd
/// });
/// @endcode

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/quorum/consensus.hpp"
#include "runtime/quorum/model_client.hpp"
#include "runtime/quorum/quorum_config.hpp"
#include "runtime/quorum/statistics.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

/// The result of one validation.
struct quorum_result {
  std::string correlation_id;
  quorum_verdict verdict;
  /// One per enabled model, in configuration order: its vote, or why it did not take part
  /// (models still outstanding at an early decision carry quorum.cancelled).
  std::vector<vote_outcome> outcomes;
  /// Summed over the outcomes above.
  token_usage tokens;
  double cost_usd = 0.0;
  std::chrono::nanoseconds duration{0};
  /// quorum.insufficient_participation (policy `fail`: no verdict) or quorum.cancelled.
  std::optional<error_info> error;
  /// Notes for the report: an under-supported verdict (policy `warn`), an abstention
  /// (`validators_only`).
  std::vector<std::string> warnings;
};

/// A snapshot of everything the quorum has counted.
struct quorum_statistics_snapshot {
  quorum_statistics quorum;
  /// One per enabled model, in configuration order (late outcomes of cancelled calls included).
  std::vector<model_statistics> models;
};

class ai_quorum {
public:
  using validation_handle = std::uint64_t;
  using result_callback = std::function<void(quorum_result)>;

  /// A quorum over `clients`, which must hold exactly one client per enabled model of `config`
  /// (matched by id, in any order): quorum.config otherwise.
  static expected<std::unique_ptr<ai_quorum>>
  create(quorum_config config, std::vector<std::shared_ptr<model_client>> clients);

  /// A quorum whose clients are built by make_model_clients(config, http, env).
  static expected<std::unique_ptr<ai_quorum>>
  create(quorum_config config, std::shared_ptr<http_client> http = nullptr,
         const env_lookup& env = process_environment());

  /// Cancels every validation in flight (their callbacks run, with quorum.cancelled) and waits
  /// for the model calls still running to end (not when called from a quorum callback).
  ~ai_quorum();

  ai_quorum(const ai_quorum&) = delete;
  ai_quorum& operator=(const ai_quorum&) = delete;

  /// Starts a validation. `done` runs exactly once: on the client thread whose outcome decided
  /// the verdict, or inside cancel() / the destructor. It must not throw. Never inside validate.
  validation_handle validate(vote_request request, result_callback done);

  /// Stops a validation: its callback runs now, on this thread, with quorum.cancelled and the
  /// votes gathered so far; the model calls still running are cancelled. No-op once reported.
  void cancel(validation_handle handle);

  const quorum_config& config() const noexcept;

  quorum_statistics_snapshot statistics() const;

private:
  struct core;
  explicit ai_quorum(std::shared_ptr<core> state);

  std::shared_ptr<core> core_;
};

} // namespace genflow::quorum
