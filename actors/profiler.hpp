#pragma once

/// The profiler: aggregates timing spans (operation, node, start, duration) that actors on every
/// node send in batches, and answers per-operation summaries (count, total, mean, p50, p95, p99,
/// max). Recording a span is one histogram update in this actor; senders batch, so the hot paths
/// of other actors pay nothing but appending to a vector.

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"

namespace genflow {

profiler_actor spawn_profiler(caf::actor_system& sys);

} // namespace genflow
