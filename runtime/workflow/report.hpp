#pragma once

/// Presenting a run's result: a per-stage table for people, a JSON-ready value for tools.

#include <string>

#include "messages/execution.hpp"
#include "messages/value.hpp"

namespace genflow::workflow {

/// Human-readable durations: "830us", "12.4ms", "3.20s".
std::string format_duration(std::chrono::nanoseconds d);

/// The result as a value (stages, steps with status, attempts, times, errors and outputs).
value to_value(const workflow_result& r, bool include_outputs = true);

/// A per-stage table (status, steps ok/failed/skipped, duration), then every error, then a
/// summary line with wall time, speedup and its critical-path bound.
std::string format_table(const workflow_result& r);

} // namespace genflow::workflow
