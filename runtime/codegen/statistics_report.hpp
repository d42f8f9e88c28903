#pragma once

/// The statistics a run leaves behind, as values for `--json` and as text for `--stats`:
/// executor (workflows, stages, steps, durations, step latency, speedup beside its bound),
/// template cache (hits, misses, evictions, hit rate, size and bytes against limits, get
/// latency), quorum (validations, pass rate, average consensus and duration, cost per
/// validation; per model: success rate, latency p50/p95/p99, tokens, cost) and the profiler's
/// per-operation timings.

#include <optional>
#include <string>

#include "messages/catalogue.hpp"
#include "messages/value.hpp"
#include "runtime/quorum/ai_quorum.hpp"

namespace genflow::codegen {

struct run_statistics {
  executor_statistics executor;
  template_statistics templates;
  std::optional<quorum::quorum_statistics_snapshot> quorum;
  profile_report profile;
};

value to_value(const run_statistics& s);

std::string format_statistics(const run_statistics& s);

} // namespace genflow::codegen
