#pragma once

/// Loads workflow definitions from YAML, reporting every problem with file, line, column and
/// field. The file format:
///
/// @code
/// id: build-and-test
/// name: Build and test          # optional
/// executor:                     # optional; the CLI may override
///   max_parallel: 10            # 0 = unbounded
///   fast_fail: false
///   step_timeout: 300s          # per attempt
///   stage_timeout: 10m          # optional
///   workflow_timeout: 1h        # optional
///   backoff: {initial: 100ms, max: 10s, multiplier: 2.0, jitter: 0.5}
/// stages:
///   - id: build
///     number: 1                 # optional: the position in the list
///     depends_on: []            # optional: defaults to the previous stage
///     timeout: 5m               # optional: executor.stage_timeout
///     allow_partial_failure: false
///     steps:
///       - id: compile
///         handler: exec
///         inputs: {argv: [make, -j2]}
///         depends_on: []        # steps of this or an earlier stage
///         timeout: 2m           # optional: executor.step_timeout
///         retries: 2            # extra attempts for retryable failures
///       - for_each: contracts   # one step per element of the run parameter `contracts`
///         id: "render.{item.name}"
///         handler: noop
///         inputs: {file: "{item.path}", out: "{params.out}"}
///         depends_on: ["parse.{item.name}"]
/// @endcode
///
/// `for_each: <list>` repeats a step for every element of the run parameter `<list>`; in its id,
/// its dependencies and every string of its inputs, `{item}` (or `{item.<key>}` for objects)
/// becomes the element and `{params.<key>}` a scalar run parameter. A step without for_each may
/// use `{params.<key>}` too.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/error.hpp"
#include "messages/workflow.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow::workflow {

struct load_report {
  std::optional<workflow_definition> workflow;
  /// Every problem found, in file order; empty when `workflow` is set.
  std::vector<error_info> errors;
};

/// `params` is an object of run parameters (lists for for_each, scalars for {params.x}).
load_report parse_workflow(std::string_view yaml_text, std::string file,
                           const handler_registry& handlers, const value& params = {});

load_report load_workflow_file(const std::string& path, const handler_registry& handlers,
                               const value& params = {});

} // namespace genflow::workflow
