#include "runtime/codegen/statistics_report.hpp"

#include <cstdio>

#include "runtime/workflow/report.hpp"

namespace genflow::codegen {

namespace {

double us(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e3;
}

value latency_value(const latency_summary& l) {
  return value::object_type{{"count", l.count},   {"mean_us", us(l.mean)}, {"p50_us", us(l.p50)},
                            {"p95_us", us(l.p95)}, {"p99_us", us(l.p99)},   {"max_us", us(l.max)}};
}

value latency_value(const profiling::latency_histogram& h) {
  auto s = h.summary();
  return latency_value(latency_summary{s.count, s.mean, s.p50, s.p95, s.p99, s.max});
}

} // namespace

value to_value(const run_statistics& s) {
  const auto& e = s.executor;
  value out = value::object_type{
    {"executor",
     value::object_type{{"workflows", e.workflows},
                        {"workflows_failed", e.workflows_failed},
                        {"stages", e.stages},
                        {"steps", e.steps},
                        {"steps_failed", e.steps_failed},
                        {"retries", e.retries},
                        {"average_workflow_us", us(e.average_workflow_duration)},
                        {"average_stage_us", us(e.average_stage_duration)},
                        {"step_latency", latency_value(e.step_latency)},
                        {"last_speedup", e.last_speedup},
                        {"last_speedup_bound", e.last_speedup_bound},
                        {"workers", e.workers}}},
  };
  const auto& t = s.templates;
  out.set("template_cache", value::object_type{{"hits", t.hits},
                                               {"misses", t.misses},
                                               {"hit_rate", t.hit_rate},
                                               {"evictions", t.evictions},
                                               {"memory_evictions", t.memory_evictions},
                                               {"entries", t.entries},
                                               {"max_entries", t.max_entries},
                                               {"bytes", t.bytes},
                                               {"max_bytes", t.max_bytes},
                                               {"reloads", t.reloads},
                                               {"get_latency", latency_value(t.get_latency)}});
  if (s.quorum) {
    const auto& q = s.quorum->quorum;
    value models = value::array_type{};
    for (const auto& m : s.quorum->models)
      models.push_back(value::object_type{{"model", m.model_id},
                                          {"calls", m.calls},
                                          {"votes", m.votes},
                                          {"failures", m.failures},
                                          {"cancelled", m.cancelled},
                                          {"success_rate", m.success_rate()},
                                          {"latency", latency_value(m.latency)},
                                          {"tokens_in", m.tokens.input},
                                          {"tokens_out", m.tokens.output},
                                          {"cost_usd", m.cost_usd}});
    out.set("quorum", value::object_type{{"validations", q.validations},
                                         {"passes", q.passes},
                                         {"pass_rate", q.pass_rate()},
                                         {"average_consensus", q.average_consensus()},
                                         {"average_duration_us", us(q.average_duration())},
                                         {"early_decisions", q.early_decisions},
                                         {"cost_usd", q.cost_usd},
                                         {"cost_per_validation_usd", q.cost_per_validation()},
                                         {"models", std::move(models)}});
  }
  value ops = value::array_type{};
  for (const auto& o : s.profile.operations)
    ops.push_back(value::object_type{{"operation", o.operation},
                                     {"count", o.count},
                                     {"total_us", us(o.total)},
                                     {"mean_us", us(o.mean)},
                                     {"p50_us", us(o.p50)},
                                     {"p95_us", us(o.p95)},
                                     {"p99_us", us(o.p99)},
                                     {"max_us", us(o.max)}});
  out.set("profile", std::move(ops));
  return out;
}

std::string format_statistics(const run_statistics& s) {
  std::string out;
  char line[512];
  const auto& e = s.executor;
  std::snprintf(line, sizeof line,
                "\nexecutor: %llu workflow(s), %llu stages, %llu steps (%llu failed, %llu retries); "
                "step latency p50 %s p95 %s p99 %s\n",
                static_cast<unsigned long long>(e.workflows),
                static_cast<unsigned long long>(e.stages), static_cast<unsigned long long>(e.steps),
                static_cast<unsigned long long>(e.steps_failed),
                static_cast<unsigned long long>(e.retries),
                workflow::format_duration(e.step_latency.p50).c_str(),
                workflow::format_duration(e.step_latency.p95).c_str(),
                workflow::format_duration(e.step_latency.p99).c_str());
  out += line;
  const auto& t = s.templates;
  std::snprintf(line, sizeof line,
                "template cache: %llu hits, %llu misses (hit rate %.3f), %llu evictions, "
                "%llu/%llu entries, %llu/%llu bytes; get p50 %s p99 %s\n",
                static_cast<unsigned long long>(t.hits), static_cast<unsigned long long>(t.misses),
                t.hit_rate, static_cast<unsigned long long>(t.evictions),
                static_cast<unsigned long long>(t.entries),
                static_cast<unsigned long long>(t.max_entries),
                static_cast<unsigned long long>(t.bytes),
                static_cast<unsigned long long>(t.max_bytes),
                workflow::format_duration(t.get_latency.p50).c_str(),
                workflow::format_duration(t.get_latency.p99).c_str());
  out += line;
  if (s.quorum) {
    const auto& q = s.quorum->quorum;
    std::snprintf(line, sizeof line,
                  "quorum: %llu validations, pass rate %.3f, average consensus %.3f, average %s, "
                  "$%.4f per validation\n",
                  static_cast<unsigned long long>(q.validations), q.pass_rate(),
                  q.average_consensus(), workflow::format_duration(q.average_duration()).c_str(),
                  q.cost_per_validation());
    out += line;
    for (const auto& m : s.quorum->models) {
      auto l = m.latency.summary();
      std::snprintf(line, sizeof line,
                    "  %-20s success %.3f, latency p50 %s p95 %s p99 %s, tokens %lld/%lld, $%.4f\n",
                    m.model_id.c_str(), m.success_rate(),
                    workflow::format_duration(l.p50).c_str(),
                    workflow::format_duration(l.p95).c_str(),
                    workflow::format_duration(l.p99).c_str(),
                    static_cast<long long>(m.tokens.input), static_cast<long long>(m.tokens.output),
                    m.cost_usd);
      out += line;
    }
  }
  out += "profile (by total time):\n";
  for (const auto& o : s.profile.operations) {
    std::snprintf(line, sizeof line, "  %-20s %6llu  total %-9s p50 %-9s p95 %-9s max %s\n",
                  o.operation.c_str(), static_cast<unsigned long long>(o.count),
                  workflow::format_duration(o.total).c_str(),
                  workflow::format_duration(o.p50).c_str(),
                  workflow::format_duration(o.p95).c_str(),
                  workflow::format_duration(o.max).c_str());
    out += line;
  }
  return out;
}

} // namespace genflow::codegen
