#pragma once

/// Timing spans and profiler queries. Actors record spans locally and ship them in batches; the
/// profiler answers per-operation summaries.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/chrono.hpp"

namespace genflow {

/// One timed operation: "step.execute", "stage.run", "template.render", ...
struct timing_span {
  std::string operation;
  /// Who did it: "<node>/<actor>".
  std::string node;
  std::string correlation_id;
  /// Start, wall clock, nanoseconds since the Unix epoch (comparable across nodes).
  std::int64_t start_unix_ns = 0;
  std::chrono::nanoseconds duration{0};

  friend bool operator==(const timing_span&, const timing_span&) = default;
  MSGPACK_DEFINE_ARRAY(operation, node, correlation_id, start_unix_ns, duration)
};

/// Spans shipped together (actors batch them; one message per batch).
struct span_batch {
  std::vector<timing_span> spans;

  MSGPACK_DEFINE_ARRAY(spans)
};

/// Asks the profiler for summaries; an empty operation means all operations.
struct profile_query {
  std::string operation;

  MSGPACK_DEFINE_ARRAY(operation)
};

struct operation_profile {
  std::string operation;
  std::uint64_t count = 0;
  std::chrono::nanoseconds total{0};
  std::chrono::nanoseconds mean{0};
  std::chrono::nanoseconds p50{0};
  std::chrono::nanoseconds p95{0};
  std::chrono::nanoseconds p99{0};
  std::chrono::nanoseconds max{0};

  MSGPACK_DEFINE_ARRAY(operation, count, total, mean, p50, p95, p99, max)
};

struct profile_report {
  /// Sorted by total time, largest first.
  std::vector<operation_profile> operations;
  std::uint64_t spans_received = 0;
  std::uint64_t batches_received = 0;

  MSGPACK_DEFINE_ARRAY(operations, spans_received, batches_received)
};

} // namespace genflow
