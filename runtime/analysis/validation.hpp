#pragma once

/// The vocabulary shared by genflow's four validators (completeness, quality, ONEX compliance,
/// security): findings, results, and the context a validation runs in.
///
/// A validator is a plain function `validation_result check_x(const python_module&, const
/// validation_context&, const x_config&)`: it reads the module's facts, never re-parses, and
/// returns whether the code passed, a score in [0, 1] and its findings. The actor layer wraps
/// each validator; `pipeline.hpp` runs them in sequence.
///
/// @code
/// auto m = python_module::parse(code, "node.py");
/// validation_context ctx;
/// ctx.node_type = "effect";
/// ctx.io_operations = {"fetch_orders"};
/// validation_result r = check_completeness(m, ctx, completeness_config{});
/// for (const auto& f : r.findings) std::cout << f.line << ": " << f.message << " [" << f.rule <<
/// "]\n";
/// @endcode

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/value.hpp"
#include "runtime/analysis/python_module.hpp"

namespace genflow::contracts {
struct contract;
} // namespace genflow::contracts

namespace genflow::analysis {

// -- findings -----------------------------------------------------------------

/// How bad a finding is. `error` and `critical` findings fail their validator; `critical` is
/// for code that cannot be analysed (syntax errors) and high-severity security issues.
enum class severity_level : std::uint8_t { info, warning, error, critical };

/// How sure a security rule is (bandit's confidence).
enum class confidence_level : std::uint8_t { low, medium, high };

std::string_view to_string(severity_level x) noexcept;
std::string_view to_string(confidence_level x) noexcept;
std::optional<severity_level> parse_severity(std::string_view text) noexcept;
std::optional<confidence_level> parse_confidence(std::string_view text) noexcept;

struct finding {
  /// Stable rule id: "completeness.entry_method", "quality.line_length", "onex.base_class",
  /// "syntax.error", or a bandit id ("B602") for security rules.
  std::string rule;
  severity_level severity = severity_level::error;
  /// 1-based; 0/0 for a finding about the whole file.
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
  /// What to do about it (may be empty).
  std::string suggestion;
  /// Security findings only.
  std::optional<confidence_level> confidence;

  friend bool operator==(const finding&, const finding&) = default;
};

// -- results ------------------------------------------------------------------

struct validation_result {
  /// "completeness", "quality", "onex_compliance", "security".
  std::string validator;
  bool passed = false;
  /// In [0, 1]; each validator documents its formula.
  double score = 0.0;
  std::vector<finding> findings;
  /// Validator-specific figures (coverages, counts, complexities) for reports.
  value metrics = value::object_type{};
  std::chrono::nanoseconds duration{0};

  /// Number of findings of exactly this severity.
  std::size_t count(severity_level s) const noexcept;
  /// Whether any finding is an error or critical.
  bool has_errors() const noexcept;
};

// -- context ------------------------------------------------------------------

/// What the code is expected to be. Everything is optional: without a node type or class name
/// the node class is the first class named `Node<Name><Type>`; without one, node rules are
/// skipped unless `require_node_class` is set.
struct validation_context {
  /// "effect", "compute", "reducer" or "orchestrator"; empty: inferred from the class name.
  std::string node_type;
  /// The node class the code must define; empty: any `Node<Name><Type>` class.
  std::string class_name;
  /// Fail (instead of skipping node rules) when the module has no node class.
  bool require_node_class = false;
  /// Methods the node class must define as async methods (the contract's io_operations).
  std::vector<std::string> io_operations;
  /// Mixins the node class must inherit (the contract's enabled mixins).
  std::vector<std::string> mixins;
  /// Further methods the node class must define.
  std::vector<std::string> required_methods;
  /// Syntax facts the code must show (see `expected_pattern`); replaces the configured list
  /// when not empty.
  std::vector<std::string> expected_patterns;
  /// Overrides the quality validator's configured `min_score`.
  std::optional<double> min_quality_score;
};

/// The context a contract implies: node type, class name, io operations and enabled mixins,
/// with the node class required.
validation_context make_validation_context(const contracts::contract& c);

// -- node classes -------------------------------------------------------------

/// The four ONEX node types, their class-name suffixes and entry methods.
struct node_type_info {
  std::string_view name;         ///< "effect"
  std::string_view class_suffix; ///< "Effect"
  std::string_view entry_method; ///< "execute_effect"
};

/// The node type with this name ("effect"), or nullptr.
const node_type_info* find_node_type(std::string_view name) noexcept;

/// The node type whose suffix ends a `Node<Name><Suffix>` class name, or nullptr.
const node_type_info* node_type_of_class_name(std::string_view class_name) noexcept;

/// The node class a module defines for a context, and the node type it implies.
struct node_class_match {
  /// Index into `module.classes()`, or -1.
  std::int32_t class_index = -1;
  /// The context's node type, else the one the class name implies; nullptr if neither.
  const node_type_info* type = nullptr;
  /// Why there is no match (when `class_index < 0`), for findings.
  std::string problem;
};

node_class_match find_node_class(const python_module& m, const validation_context& ctx);

// -- helpers for validators ---------------------------------------------------

/// A finding at a node's position.
finding make_finding(const python_module& m, node_id at, std::string rule, severity_level s,
                     std::string message, std::string suggestion = {});

/// The "syntax.error" findings of a module (critical), for validators that cannot judge a
/// module that does not parse.
std::vector<finding> syntax_findings(const python_module& m);

/// The result every validator returns for a module with syntax errors: failed, score 0.
validation_result syntax_failure(const python_module& m, std::string validator);

/// Docstring coverage over the definitions whose documentation counts: every class and every
/// function that is not nested in a function (closures are implementation details).
struct docstring_census {
  std::size_t documented = 0;
  std::size_t total = 0;
  /// The class_definition / function_definition nodes without a docstring, in source order.
  std::vector<node_id> missing;

  /// documented / total, 1 when there is nothing to document.
  double coverage() const noexcept {
    return total == 0 ? 1.0 : static_cast<double>(documented) / static_cast<double>(total);
  }
};

docstring_census count_docstrings(const python_module& m);

/// Clamps to [0, 1].
double clamp_score(double x) noexcept;

} // namespace genflow::analysis
