#pragma once

/// The validation pipeline actor: parses every file once (on a small pool of parser actors, so
/// files of different nodes parse in parallel), hands the parsed module to one validator actor
/// per configured kind — all at once — and combines their results per file. Each validator has
/// the configured timeout (a late one counts as failed with "validator.timeout"); with
/// enable_fast_fail a file's result is settled at its first failing validator and the others are
/// reported as skipped.

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/analysis/pipeline.hpp"

namespace genflow {

/// `parsers`: parser actors (0: one per core).
validation_pipeline_actor spawn_validation_pipeline(caf::actor_system& sys,
                                                    analysis::pipeline_config config,
                                                    std::size_t parsers = 0);

} // namespace genflow
