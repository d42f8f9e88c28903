#pragma once

/// The completeness validator: does the generated code contain what the contract asks for?
///
/// Rules (each finding names the class or definition it is about):
/// - `completeness.node_class` (error): the context requires a node class and there is none;
/// - `completeness.entry_method` (error): the node class lacks the entry method of its type
///   (`execute_effect`, `execute_compute`, `execute_reduction`, `execute_orchestration`);
/// - `completeness.io_operation` (error): a contract io_operation is not a method of the class;
/// - `completeness.required_method` (error): a required method is not a method of the class;
/// - `completeness.async` (error): the entry method or an io_operation method is not async;
/// - `completeness.pattern` (error): an expected pattern is not present as a syntax fact;
///   `completeness.pattern_invalid` (error): an expected pattern cannot be read;
/// - `completeness.docstring` (warning): a class or function (not nested in a function) has
///   no docstring.
/// Methods are looked up on the node class itself, never anywhere in the module.
///
/// Node rules (all but docstrings) apply when the module has a node class; without one they
/// are skipped (an info finding says so) unless `require_node_class` is set.
///
/// Score = 0.8 x (checks satisfied / checks) + 0.2 x docstring coverage, where checks are the
/// entry method, each io operation, each required method and each expected pattern (a module
/// without node checks scores on docstrings alone). Passed <=> no error finding.

#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/analysis/python_module.hpp"
#include "runtime/analysis/validation.hpp"

namespace genflow::analysis {

/// A syntax fact the code must show, written as a short phrase:
/// - `async def`: an async function or method;
/// - `raises NAME`: a `raise NAME(...)` or `raise NAME`;
/// - `calls NAME` / `uses NAME`: a call whose callee (as written, or import-resolved) is NAME
///   or ends with `.NAME`;
/// - `imports NAME`: an import of module NAME or of a name NAME from a module;
/// - `inherits NAME`: a class with base NAME (or a base ending with `.NAME`);
/// - `defines NAME`: a function or class named NAME;
/// - `decorated NAME`: a definition decorated with NAME;
/// - a bare `NAME`: NAME used as an identifier in code (not in a comment or string).
struct expected_pattern {
  enum class verb : std::uint8_t {
    async_def,
    raises,
    calls,
    imports,
    inherits,
    defines,
    decorated,
    names
  };

  verb what = verb::names;
  std::string name;
  /// The phrase as written, for messages.
  std::string text;
};

/// Reads a pattern phrase; "completeness.pattern_invalid" on an unknown form.
expected<expected_pattern> parse_expected_pattern(std::string_view text);

/// Where the module shows the pattern (the first node), or no_node.
node_id find_pattern(const python_module& m, const expected_pattern& p);

struct completeness_config {
  /// Expected patterns when the context gives none (the original's defaults: async code that
  /// raises ModelOnexError).
  std::vector<std::string> expected_patterns{"async def", "raises ModelOnexError"};
  /// Methods every node class must define (besides the entry method and io operations).
  std::vector<std::string> required_methods;
  /// Whether the entry method and io operation methods must be `async def`.
  bool require_async = true;
};

validation_result check_completeness(const python_module& m, const validation_context& ctx,
                                     const completeness_config& config);

} // namespace genflow::analysis
