#include "actors/profiler.hpp"

#include <algorithm>
#include <map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/profiling/latency_histogram.hpp"

namespace genflow {

namespace {

struct profiler_state {
  static constexpr const char* name = "genflow.profiler";

  void on_batch(const span_batch& batch) {
    ++batches;
    spans += batch.spans.size();
    for (const auto& s : batch.spans)
      by_operation[s.operation].record(s.duration);
  }

  profile_report on_query(const profile_query& q) const {
    profile_report out;
    out.spans_received = spans;
    out.batches_received = batches;
    for (const auto& [op, h] : by_operation) {
      if (!q.operation.empty() && q.operation != op)
        continue;
      auto s = h.summary();
      out.operations.push_back(
        operation_profile{op, s.count, h.sum(), s.mean, s.p50, s.p95, s.p99, s.max});
    }
    std::sort(out.operations.begin(), out.operations.end(),
              [](const auto& a, const auto& b) { return a.total > b.total; });
    return out;
  }

  std::map<std::string, profiling::latency_histogram> by_operation;
  std::uint64_t spans = 0;
  std::uint64_t batches = 0;
};

profiler_actor::behavior_type profiler(profiler_actor::stateful_pointer<profiler_state> self) {
  return {
    [self](const span_batch& b) { self->state.on_batch(b); },
    [self](const profile_query& q) { return self->state.on_query(q); },
  };
}

} // namespace

profiler_actor spawn_profiler(caf::actor_system& sys) {
  return sys.spawn(profiler);
}

} // namespace genflow
