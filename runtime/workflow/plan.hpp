#pragma once

/// The execution plan: a workflow definition checked and compiled into one global DAG of steps
/// with integer indexes, which the stage supervisor walks. Steps are numbered stage by stage (in
/// stage order, then definition order), so a stage's steps are one contiguous index range.
///
/// Rules (checked by `check_definition`, which the YAML loader shares so that its errors carry
/// file and line):
/// - ids are non-empty, made of letters, digits, '_', '-', '.'; step ids are unique across the
///   workflow, stage ids across stages;
/// - stage numbers are 1..N, each once; stages run in number order; a stage may depend only on
///   stages with smaller numbers;
/// - a step may depend on any step of the same or an earlier stage, never on itself or a later
///   stage; dependencies inside a stage must not form a cycle;
/// - no stage is empty; handlers exist and accept the step's inputs.
///
/// @code
/// auto plan = execution_plan::build(definition, &handlers);
/// if (!plan) fail(plan.error());
/// for (auto i : plan->stage(0).steps()) ...
/// @endcode

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messages/expected.hpp"
#include "messages/workflow.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow::workflow {

/// Codes of definition problems (error_info::code uses the dotted form "workflow.<name>").
enum class workflow_errc {
  invalid_id,
  duplicate_id,
  unknown_dependency,
  later_stage_dependency,
  self_dependency,
  cycle,
  empty_stage,
  bad_stage_number,
  unknown_handler,
  bad_inputs,
  no_stages,
};

const char* to_string(workflow_errc x) noexcept;

/// A problem in a definition, located by indexes into the definition (-1: not applicable).
struct definition_problem {
  workflow_errc code;
  std::string message;
  int stage = -1;
  int step = -1;
  /// "id", "depends_on", "depends_on[2]", "handler", "inputs.argv", "number", ...
  std::string field;
};

/// Every problem of `def`; `handlers` may be null to skip handler checks.
std::vector<definition_problem> check_definition(const workflow_definition& def,
                                                 const handler_registry* handlers);

class execution_plan {
public:
  struct step_node {
    std::uint32_t stage = 0;
    /// Indexes of dependencies (any earlier or same stage), in `depends_on` order.
    std::vector<std::uint32_t> deps;
    /// Indexes of steps that depend on this one.
    std::vector<std::uint32_t> dependents;
  };

  struct stage_node {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
    /// Indexes of stages this one depends on.
    std::vector<std::uint32_t> depends_on;
  };

  /// Checks and compiles; the error lists every problem (one per line).
  static expected<execution_plan> build(workflow_definition def, const handler_registry* handlers);

  const workflow_definition& definition() const noexcept { return *def_; }
  std::size_t step_count() const noexcept { return steps_.size(); }
  std::size_t stage_count() const noexcept { return stages_.size(); }
  const step_node& node(std::uint32_t i) const noexcept { return steps_[i]; }
  const stage_node& stage(std::uint32_t i) const noexcept { return stages_[i]; }
  const step_definition& step_def(std::uint32_t i) const noexcept { return *step_defs_[i]; }
  const stage_definition& stage_def(std::uint32_t i) const noexcept { return *stage_defs_[i]; }

  /// The longest chain of `weight[i]` through the DAG, with stages as barriers: the sum over
  /// stages of the longest dependency chain inside each stage. A lower bound on wall time.
  std::chrono::nanoseconds critical_path(const std::vector<std::chrono::nanoseconds>& weight) const;

private:
  std::shared_ptr<const workflow_definition> def_;
  std::vector<const stage_definition*> stage_defs_;
  std::vector<const step_definition*> step_defs_;
  std::vector<step_node> steps_;
  std::vector<stage_node> stages_;
};

/// Formats a problem as an error_info located by stage/step ids (for definitions that did not
/// come from a file).
error_info to_error(const definition_problem& p, const workflow_definition& def);

} // namespace genflow::workflow
