#include "messages/execution.hpp"

namespace genflow {

const char* to_string(step_status x) noexcept {
  switch (x) {
    case step_status::pending:
      return "pending";
    case step_status::running:
      return "running";
    case step_status::succeeded:
      return "succeeded";
    case step_status::failed:
      return "failed";
    case step_status::timed_out:
      return "timed_out";
    case step_status::skipped:
      return "skipped";
    case step_status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

const char* to_string(stage_status x) noexcept {
  switch (x) {
    case stage_status::pending:
      return "pending";
    case stage_status::running:
      return "running";
    case stage_status::succeeded:
      return "succeeded";
    case stage_status::partial:
      return "partial";
    case stage_status::failed:
      return "failed";
    case stage_status::timed_out:
      return "timed_out";
    case stage_status::skipped:
      return "skipped";
    case stage_status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

const char* to_string(workflow_status x) noexcept {
  switch (x) {
    case workflow_status::succeeded:
      return "succeeded";
    case workflow_status::failed:
      return "failed";
    case workflow_status::timed_out:
      return "timed_out";
    case workflow_status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

namespace {

double ratio(std::chrono::nanoseconds num, std::chrono::nanoseconds den) noexcept {
  if (den.count() <= 0)
    return 0.0;
  return static_cast<double>(num.count()) / static_cast<double>(den.count());
}

} // namespace

double workflow_result::speedup() const noexcept {
  return ratio(execution_time, wall_time);
}

double workflow_result::speedup_bound() const noexcept {
  return ratio(execution_time, critical_path);
}

} // namespace genflow
