#pragma once

/// The validation pipeline: which validators run, with which thresholds, and what they
/// conclude together. Sequential here; the actor layer runs the same validators in parallel
/// and enforces `timeout_per_validator`, which this file only carries.
///
/// One file is parsed once (python_module) and every validator reads that parse. In
/// collect-all mode every configured validator runs; with `enable_fast_fail` the run stops at
/// the first validator that fails and names the ones it skipped. The combined result passes
/// when every validator that ran passed and none was skipped.
///
/// The defaults live in `configs/validation.yaml`; `parse_validation_config` reads such a file
/// and reports every problem with file:line:column and field path.
///
/// @code
/// auto cfg = load_validation_config("configs/validation.yaml");
/// if (!cfg.config) for (const auto& e : cfg.errors) std::cerr << e.to_string() << '\n';
/// auto file = validate_file("node.py", validation_context{}, *cfg.config);
/// std::cout << (file.result.passed ? "passed" : "failed") << '\n';
/// @endcode

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/error.hpp"
#include "messages/expected.hpp"
#include "runtime/analysis/completeness.hpp"
#include "runtime/analysis/onex_compliance.hpp"
#include "runtime/analysis/python_module.hpp"
#include "runtime/analysis/quality.hpp"
#include "runtime/analysis/security.hpp"
#include "runtime/analysis/validation.hpp"

namespace genflow::analysis {

// -- validators ---------------------------------------------------------------

enum class validator_kind : std::uint8_t { completeness, quality, onex_compliance, security };

/// "completeness", "quality", "onex_compliance", "security".
std::string_view to_string(validator_kind x) noexcept;
std::optional<validator_kind> parse_validator_kind(std::string_view text) noexcept;

// -- configuration ------------------------------------------------------------

struct pipeline_config {
  /// In run order.
  std::vector<validator_kind> validators{validator_kind::completeness, validator_kind::quality,
                                         validator_kind::onex_compliance, validator_kind::security};
  /// Stop at the first failing validator (else collect all results).
  bool enable_fast_fail = false;
  /// Per-validator deadline, enforced by the validator actors.
  std::chrono::milliseconds timeout_per_validator{5000};
  /// Larger files are not analysed ("analysis.too_large"): generated modules are tens of
  /// kilobytes, and tree-sitter parses code-dense Python at a few MB/s.
  std::uint64_t max_file_bytes = 4u * 1024u * 1024u;
  completeness_config completeness;
  quality_config quality;
  onex_config onex;
  security_config security;
};

/// A configuration, present exactly when `errors` is empty.
struct config_report {
  std::optional<pipeline_config> config;
  std::vector<error_info> errors;
};

/// Reads a validation config (YAML); absent keys keep the defaults above. Errors use the
/// yaml_reader codes ("yaml.type", "yaml.range", "yaml.unknown_key", ...) and
/// "validation.config" for values no reader checks (unknown validator or rule, bad pattern).
config_report parse_validation_config(std::string_view yaml_text, std::string file);

/// Reads and parses a config file (a read failure is the only error).
config_report load_validation_config(const std::string& path);

// -- running ------------------------------------------------------------------

struct pipeline_result {
  bool passed = false;
  /// Results of the validators that ran, in run order.
  std::vector<validation_result> results;
  /// Validators not run because an earlier one failed (fast-fail only).
  std::vector<std::string> skipped;
  /// Error and critical findings of all validators, without duplicates (a syntax error is
  /// every validator's finding, reported once).
  std::vector<finding> errors;
  /// Warning findings, without duplicates.
  std::vector<finding> warnings;
  /// Distinct suggestions of the error and warning findings, in order.
  std::vector<std::string> suggestions;
  /// Mean of the scores of the validators that ran.
  double score = 0.0;
  /// Wall time of the whole run (parse excluded; see file_validation).
  std::chrono::nanoseconds wall{0};

  /// The result of one validator, or nullptr if it did not run.
  const validation_result* find(std::string_view validator) const noexcept;
};

/// Runs one validator with its configured thresholds and times it.
validation_result run_validator(validator_kind kind, const python_module& m,
                                const validation_context& ctx, const pipeline_config& config);

/// Combines validator results (in run order) into a pipeline result: pass verdict, mean score,
/// errors and warnings without duplicates, distinct suggestions. `skipped` names validators not
/// run (fast-fail); `wall` is the time the run took.
pipeline_result combine_results(std::vector<validation_result> results,
                                std::vector<std::string> skipped, std::chrono::nanoseconds wall);

/// Runs the configured validators in order (fast-fail or collect-all).
pipeline_result run_pipeline(const python_module& m, const validation_context& ctx,
                             const pipeline_config& config);

// -- files --------------------------------------------------------------------

struct file_validation {
  std::string path;
  /// Set when the file could not be analysed at all (unreadable, too large); `result` is
  /// then empty and failed.
  std::optional<error_info> error;
  pipeline_result result;
  /// Time to parse the file and collect its facts.
  std::chrono::nanoseconds parse{0};
};

/// Parses `source` once and runs the pipeline on it.
file_validation validate_source(std::string source, std::string path, const validation_context& ctx,
                                const pipeline_config& config);

/// Reads a file and validates it ("io.not_found", "io.read", "analysis.too_large" errors).
file_validation validate_file(const std::string& path, const validation_context& ctx,
                              const pipeline_config& config);

/// Validates a file, or every `*.py` under a directory. For a directory, node rules apply only
/// to the files that define a node class (`require_node_class` is lifted: models, tests and
/// helpers get quality and security checks), but when the context names a class (a contract)
/// or a node type, a tree in which no file defines such a class gets one more entry: the
/// directory, with a "completeness.node_class" error. Errors: those of `collect_python_files`.
expected<std::vector<file_validation>> validate_path(const std::string& path,
                                                     const validation_context& ctx,
                                                     const pipeline_config& config);

/// The Python files to validate for a path: the file itself, or every `*.py` under a
/// directory (recursively, sorted). "io.not_found" when the path does not exist,
/// "analysis.no_files" for a directory without Python files.
expected<std::vector<std::string>> collect_python_files(const std::string& path);

} // namespace genflow::analysis
