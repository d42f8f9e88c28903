#pragma once

/// A validator actor: one per validator kind (completeness, quality, ONEX compliance, security).
/// It runs its rules on modules the pipeline parsed once, with the configured thresholds.

#include <memory>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/analysis/pipeline.hpp"

namespace genflow {

validator_actor spawn_validator(caf::actor_system& sys, analysis::validator_kind kind,
                                std::shared_ptr<const analysis::pipeline_config> config);

} // namespace genflow
