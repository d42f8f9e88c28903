#pragma once

/// One validation in flight, single-threaded: the outcomes gathered so far, the tally that says
/// when the verdict is decided, and the result it concludes with. Shared by `ai_quorum` (which
/// guards it with a mutex) and the quorum actor (which owns it).
///
/// @code
/// quorum_round round{config, models, "cid", clock::now()};
/// if (round.record(i, outcome)) {             // decided: the other models are not needed
///   std::vector<std::size_t> to_cancel;
///   auto result = round.conclude(std::nullopt, to_cancel);
/// }
/// @endcode

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "runtime/quorum/consensus.hpp"
#include "runtime/quorum/quorum_config.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

struct quorum_result;

class quorum_round {
public:
  using clock_type = std::chrono::steady_clock;

  /// `models` are the enabled models in configuration order (their weights make the tally).
  quorum_round(const quorum_settings& settings, const std::vector<model_config>& models,
               std::string correlation_id, clock_type::time_point started);

  /// Records model `i`'s outcome; returns whether the verdict is now decided. Ignored once
  /// concluded or when `i` already reported.
  bool record(std::size_t i, vote_outcome outcome);

  bool decided() const noexcept { return tally_.decided(); }
  bool concluded() const noexcept { return concluded_; }

  /// Builds the result (models without an outcome appear as cancelled and are appended to
  /// `to_cancel`), with `error` when the validation was stopped from outside. Once only.
  quorum_result conclude(std::optional<error_info> error, std::vector<std::size_t>& to_cancel);

private:
  const quorum_settings& settings_;
  const std::vector<model_config>& models_;
  std::string correlation_id_;
  clock_type::time_point started_;
  quorum_tally tally_;
  std::vector<std::optional<vote_outcome>> outcomes_;
  bool concluded_ = false;
};

} // namespace genflow::quorum
