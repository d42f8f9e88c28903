#pragma once

/// The ONEX compliance validator: does the node follow the ONEX v2.0 node conventions? Unlike
/// the original's (which could never fail), it fails on every violation below marked error.
///
/// Class rules (when the module has a node class; see validation.hpp's find_node_class):
/// - `onex.node_class` (error): a node class is required and missing;
/// - `onex.class_name` (error): the class is not named `Node<Name><Type>` with the suffix of
///   its node type;
/// - `onex.base_class` (error): the class does not inherit a base of its node type
///   (`NodeEffect`, ... or the ModelService convenience wrappers, see `onex_config`);
/// - `onex.mixin` (error): an enabled mixin of the contract is not inherited;
///   `onex.duplicate_base` (warning): a base is listed twice;
/// - `onex.init` (error): no `__init__(self, container)`, or it does not call
///   `super().__init__(container)`;
/// - `onex.lifecycle`: `initialize` missing (error), `shutdown` missing (warning), either of
///   them not async (error);
/// - `onex.structured_logging` (warning): no method of the class calls `emit_log_event`.
/// Module rules (always):
/// - `onex.error_class` (error): raising an exception class other than `ModelOnexError`
///   (bare `raise`, re-raising a caught exception and raising a lower-case variable are fine);
/// - `onex.logging` (error): a `print` call, an import of the stdlib `logging` module or a call
///   into it; ONEX nodes log through `emit_log_event`.
///
/// Score = mean over the applicable checks (class name, base class, mixins, __init__,
/// lifecycle, structured logging, error class, logging) of 1 (clean), 0.5 (warnings only) or 0
/// (an error). Passed <=> no error finding.

#include <string>
#include <utility>
#include <vector>

#include "runtime/analysis/python_module.hpp"
#include "runtime/analysis/validation.hpp"

namespace genflow::analysis {

struct onex_config {
  /// Accepted base classes per node type (matched on the last dotted component).
  std::vector<std::pair<std::string, std::vector<std::string>>> base_classes{
    {"effect", {"NodeEffect", "ModelServiceEffect"}},
    {"compute", {"NodeCompute", "ModelServiceCompute"}},
    {"reducer", {"NodeReducer", "ModelServiceReducer"}},
    {"orchestrator", {"NodeOrchestrator", "ModelServiceOrchestrator"}},
  };
  /// The only exception class nodes may raise.
  std::string error_class = "ModelOnexError";
  /// The structured logging function.
  std::string log_function = "emit_log_event";
};

validation_result check_onex_compliance(const python_module& m, const validation_context& ctx,
                                        const onex_config& config);

} // namespace genflow::analysis
