#pragma once

/// The plan of a generated ONEX node package: which files each generation stage renders, from
/// which template, with which render context.
///
/// Layout (the original's `nodes/<service_name>/v<major>_<minor>_<patch>/`), under the package
/// root `package_root(c)`, e.g. `order_sync_effect/v1_2_0/`:
///
/// | stage  | files                                                                        |
/// |--------|------------------------------------------------------------------------------|
/// | models | models/__init__.py, models/model_<x>.py per model (input and output state of  |
/// |        | the entry method, each io_operation's input/output model, reducer state)      |
/// | node   | node.py, __init__.py, contract.yaml, README.md                               |
/// | tests  | tests/__init__.py, tests/conftest.py, tests/test_node.py,                    |
/// |        | tests/test_integration.py (effect nodes only)                                |
///
/// Templates live in configs/templates: node-type specific ones under `<node_type>/` (found by
/// the template lookup's `<dir>/<type>/<id>.jinja2` step), shared ones at the top level. Every
/// id is unique across the set. They are written for Jinja2 with `trim_blocks` and
/// `lstrip_blocks` on, `keep_trailing_newline` off (Jinja2's default) and the ONEX filters.
///
/// @code
/// auto ctx = render_context(contract);
/// for (const auto& f : plan_stage(contract, generation_stage::models)) {
///   auto text = render(f.template_id, f.template_type, file_context(ctx, f));
///   files.push_back({f.path, text, f.template_id, sha256_of_template});
/// }
/// @endcode

#include <string>
#include <string_view>
#include <vector>

#include "messages/value.hpp"
#include "runtime/contracts/contract.hpp"

namespace genflow::codegen {

/// The three generation stages of the code-generation workflow, in order.
enum class generation_stage { models, node, tests };

/// "models", "node", "tests".
std::string_view to_string(generation_stage x) noexcept;

/// One file to render.
struct planned_file {
  /// Path relative to the package root, '/'-separated ("models/model_order_request.py").
  std::string path;
  /// Template id ("node_effect") and type ("effect"), as the template lookup takes them.
  std::string template_id;
  std::string template_type;
  generation_stage stage = generation_stage::node;
  /// Variables this file adds to the package's render context (e.g. `model` for a model
  /// file); an empty object for most files.
  value locals = value::object_type{};
};

/// The package directory of a node relative to the output directory:
/// "<service_name>/v<major>_<minor>_<patch>", e.g. "order_sync_effect/v1_2_0".
std::string package_root(const contracts::contract& c);

/// The files of one stage, in a fixed order.
std::vector<planned_file> plan_stage(const contracts::contract& c, generation_stage stage);

/// The files of all stages (models, node, tests).
std::vector<planned_file> plan_package(const contracts::contract& c);

/// The render context of a package: `contracts::to_value(c)` plus everything the templates
/// derive (model descriptors, import lists, operation names, flags, Python literals, wrapped
/// docstring lines); see render_context.cpp for the field list.
value render_context(const contracts::contract& c);

/// The context for one file: `package_context` with the file's `locals` set on top.
value file_context(const value& package_context, const planned_file& file);

} // namespace genflow::codegen
