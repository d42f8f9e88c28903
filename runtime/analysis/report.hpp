#pragma once

/// Reports of validation runs over one or more files, in the three forms `genflow validate`
/// prints:
/// - text, like a compiler: `path:line:col: severity: message [rule]` per error or warning
///   (whole-file findings omit line and column), then one summary line per file and a total;
/// - JSON: every file with its per-validator results, scores, durations, metrics and findings;
/// - SARIF 2.1.0, the format code-scanning tools ingest: one run whose driver lists every rule
///   genflow checks, one result per finding (level error / warning / note), columns in Unicode
///   code points.
///
/// @code
/// std::vector<file_validation> files{validate_file("node.py", ctx, config)};
/// std::cout << format_text(files, {});
/// std::cout << io::to_json(to_sarif(files, {.tool_version = "0.1.0"}), 2);
/// @endcode

#include <string>
#include <string_view>
#include <vector>

#include "messages/value.hpp"
#include "runtime/analysis/pipeline.hpp"

namespace genflow::analysis {

struct report_options {
  /// The driver version in SARIF and JSON.
  std::string tool_version = "0.0.0";
  /// SARIF's `tool.driver.informationUri`.
  std::string information_uri = "urn:genflow:validate";
  /// Whether the text report lists info findings too.
  bool include_info = false;
};

/// A rule genflow reports, for SARIF's rule table.
struct rule_description {
  std::string_view id;
  std::string_view name;
  std::string_view description;
  /// The level the rule's findings usually have: "error", "warning" or "note".
  std::string_view default_level;
};

/// Every rule any validator (or the file reader) can report, ordered by id.
const std::vector<rule_description>& rule_catalogue();

std::string format_text(const std::vector<file_validation>& files, const report_options& options);

value to_json_report(const std::vector<file_validation>& files, const report_options& options);

value to_sarif(const std::vector<file_validation>& files, const report_options& options);

/// Whether every file was analysed and passed.
bool all_passed(const std::vector<file_validation>& files) noexcept;

} // namespace genflow::analysis
