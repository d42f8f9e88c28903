#include "runtime/workflow/report.hpp"

#include <algorithm>
#include <cstdio>

namespace genflow::workflow {

std::string format_duration(std::chrono::nanoseconds d) {
  char buf[32];
  double ns = static_cast<double>(d.count());
  if (ns < 1e3)
    std::snprintf(buf, sizeof(buf), "%.0fns", ns);
  else if (ns < 1e6)
    std::snprintf(buf, sizeof(buf), "%.0fus", ns / 1e3);
  else if (ns < 1e9)
    std::snprintf(buf, sizeof(buf), "%.1fms", ns / 1e6);
  else
    std::snprintf(buf, sizeof(buf), "%.2fs", ns / 1e9);
  return buf;
}

namespace {

value error_value(const error_info& e) {
  return value::object_type{{"code", e.code},
                            {"message", e.message},
                            {"where", e.where},
                            {"retryable", e.retryable}};
}

std::int64_t us(std::chrono::nanoseconds d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

} // namespace

value to_value(const workflow_result& r, bool include_outputs) {
  value stages = value::array_type{};
  for (const auto& st : r.stages) {
    value steps = value::array_type{};
    for (const auto& sp : st.steps) {
      value s = value::object_type{{"id", sp.step_id},
                                   {"status", to_string(sp.status)},
                                   {"attempts", sp.attempts},
                                   {"execution_us", us(sp.execution_time)},
                                   {"duration_us", us(sp.duration)},
                                   {"worker", sp.worker}};
      if (!sp.error.code.empty())
        s.set("error", error_value(sp.error));
      if (include_outputs)
        s.set("outputs", sp.outputs);
      steps.push_back(std::move(s));
    }
    value stage = value::object_type{{"id", st.stage_id},
                                     {"number", st.number},
                                     {"status", to_string(st.status)},
                                     {"succeeded", st.succeeded},
                                     {"failed", st.failed},
                                     {"skipped", st.skipped},
                                     {"duration_us", us(st.duration)},
                                     {"steps", std::move(steps)}};
    if (!st.error.code.empty())
      stage.set("error", error_value(st.error));
    stages.push_back(std::move(stage));
  }
  value errors = value::array_type{};
  for (const auto& e : r.errors)
    errors.push_back(error_value(e));
  return value::object_type{{"workflow", r.workflow_id},
                            {"correlation_id", r.correlation_id},
                            {"status", to_string(r.status)},
                            {"wall_us", us(r.wall_time)},
                            {"execution_us", us(r.execution_time)},
                            {"critical_path_us", us(r.critical_path)},
                            {"speedup", r.speedup()},
                            {"speedup_bound", r.speedup_bound()},
                            {"max_stage_transition_us", us(r.max_stage_transition)},
                            {"steps",
                             value::object_type{{"total", r.steps_total},
                                                {"succeeded", r.steps_succeeded},
                                                {"failed", r.steps_failed},
                                                {"skipped", r.steps_skipped},
                                                {"retries", r.retries}}},
                            {"stages", std::move(stages)},
                            {"errors", std::move(errors)}};
}

std::string format_table(const workflow_result& r) {
  std::size_t width = 5;
  for (const auto& st : r.stages)
    width = std::max(width, st.stage_id.size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-3s %-*s  %-9s %5s %6s %7s %10s\n", "#",
                static_cast<int>(width), "stage", "status", "ok", "failed", "skipped", "duration");
  out += line;
  for (const auto& st : r.stages) {
    std::snprintf(line, sizeof(line), "%-3u %-*s  %-9s %5u %6u %7u %10s\n", st.number,
                  static_cast<int>(width), st.stage_id.c_str(), to_string(st.status), st.succeeded,
                  st.failed, st.skipped, format_duration(st.duration).c_str());
    out += line;
  }
  for (const auto& e : r.errors) {
    out += "error: ";
    out += e.to_string();
    out += '\n';
  }
  char summary[512];
  std::snprintf(summary, sizeof(summary),
                "workflow %s %s in %s: %u/%u steps ok, %u failed, %u skipped, %u retries; "
                "speedup %.2fx (critical-path bound %.2fx)\n",
                r.workflow_id.c_str(), to_string(r.status), format_duration(r.wall_time).c_str(),
                r.steps_succeeded, r.steps_total, r.steps_failed, r.steps_skipped, r.retries,
                r.speedup(), r.speedup_bound());
  out += summary;
  return out;
}

} // namespace genflow::workflow
