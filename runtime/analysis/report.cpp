#include "runtime/analysis/report.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <tuple>
#include <unordered_map>

namespace genflow::analysis {

namespace {

const std::vector<rule_description> own_rules{
  {"analysis.too_large", "file_too_large", "The file exceeds max_file_bytes and was not analysed.",
   "error"},
  {"completeness.async", "method_not_async", "An entry or io-operation method is not async.",
   "error"},
  {"completeness.docstring", "missing_docstring", "A class or function has no docstring.",
   "warning"},
  {"completeness.entry_method", "missing_entry_method",
   "The node class lacks the entry method of its node type.", "error"},
  {"completeness.io_operation", "missing_io_operation",
   "A contract io_operation is not a method of the node class.", "error"},
  {"completeness.node_class", "missing_node_class", "The module does not define the node class.",
   "error"},
  {"completeness.node_type", "unknown_node_type",
   "The node type of the class cannot be determined.", "error"},
  {"completeness.pattern", "missing_pattern",
   "An expected pattern is not present as a syntax fact.", "error"},
  {"completeness.pattern_invalid", "invalid_pattern", "An expected pattern cannot be read.",
   "error"},
  {"completeness.required_method", "missing_required_method",
   "A required method is not a method of the node class.", "error"},
  {"io.not_found", "file_not_found", "The file does not exist.", "error"},
  {"io.read", "file_unreadable", "The file cannot be read.", "error"},
  {"onex.base_class", "node_base_class",
   "The node class does not inherit the base class of its node type.", "error"},
  {"onex.class_name", "node_class_name", "The node class is not named Node<Name><Type>.", "error"},
  {"onex.duplicate_base", "duplicate_base", "A base class is listed twice.", "warning"},
  {"onex.error_class", "non_onex_error", "An exception other than ModelOnexError is raised.",
   "error"},
  {"onex.init", "node_init",
   "__init__(self, container) is missing or does not call super().__init__(container).", "error"},
  {"onex.lifecycle", "node_lifecycle", "async initialize()/shutdown() are missing or not async.",
   "error"},
  {"onex.logging", "stdlib_logging",
   "print or the stdlib logging module is used instead of emit_log_event.", "error"},
  {"onex.mixin", "missing_mixin", "An enabled contract mixin is not inherited.", "error"},
  {"onex.node_class", "missing_node_class", "The module does not define the node class.", "error"},
  {"onex.structured_logging", "no_structured_logging", "The node class never calls emit_log_event.",
   "warning"},
  {"quality.complexity", "cyclomatic_complexity", "McCabe complexity above max_complexity.",
   "warning"},
  {"quality.line_length", "line_too_long", "A line longer than max_line_length.", "warning"},
  {"quality.score", "quality_score", "The weighted quality score is below min_score.", "error"},
  {"quality.tabs", "tab_indentation", "Indentation contains a tab.", "warning"},
  {"quality.trailing_whitespace", "trailing_whitespace", "Whitespace at the end of a line.",
   "warning"},
  {"quality.type_hints", "missing_type_hints", "A function lacks parameter or return annotations.",
   "note"},
  {"syntax.error", "syntax_error", "The file does not parse as Python 3.", "error"},
};

std::string_view sarif_level(severity_level s) noexcept {
  switch (s) {
    case severity_level::critical:
    case severity_level::error:
      return "error";
    case severity_level::warning:
      return "warning";
    case severity_level::info:
      return "note";
  }
  return "error";
}

std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

double milliseconds(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e6;
}

struct located_finding {
  std::string_view validator;
  const finding* f;
};

/// All findings of a file (at least `min` severe), without duplicates, in source order.
std::vector<located_finding> findings_of(const file_validation& file, severity_level min) {
  std::vector<located_finding> out;
  std::set<std::tuple<std::string_view, std::uint32_t, std::uint32_t, std::string_view>> seen;
  for (const auto& r : file.result.results)
    for (const auto& f : r.findings)
      if (f.severity >= min && seen.insert({f.rule, f.line, f.column, f.message}).second)
        out.push_back({r.validator, &f});
  std::stable_sort(out.begin(), out.end(), [](const located_finding& a, const located_finding& b) {
    return std::tie(a.f->line, a.f->column) < std::tie(b.f->line, b.f->column);
  });
  return out;
}

/// A relative path as a URI reference: '/' separators, reserved characters percent-encoded;
/// an absolute path becomes a file:// URI.
std::string to_uri(std::string_view path) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = !path.empty() && path.front() == '/' ? "file://" : "";
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out += c;
    else if (c == '\\')
      out += '/';
    else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

value finding_value(const finding& f) {
  value out = value::object_type{};
  out.set("rule", f.rule);
  out.set("severity", std::string{to_string(f.severity)});
  out.set("line", static_cast<std::int64_t>(f.line));
  out.set("column", static_cast<std::int64_t>(f.column));
  out.set("message", f.message);
  out.set("suggestion", f.suggestion);
  if (f.confidence)
    out.set("confidence", std::string{to_string(*f.confidence)});
  return out;
}

value error_value(const error_info& e) {
  value out = value::object_type{};
  out.set("code", e.code);
  out.set("message", e.message);
  return out;
}

} // namespace

const std::vector<rule_description>& rule_catalogue() {
  static const std::vector<rule_description> all = [] {
    std::vector<rule_description> v = own_rules;
    for (const auto& r : security_rules())
      v.push_back({r.id, r.name, r.description, sarif_level(r.default_severity)});
    std::sort(v.begin(), v.end(),
              [](const rule_description& a, const rule_description& b) { return a.id < b.id; });
    return v;
  }();
  return all;
}

bool all_passed(const std::vector<file_validation>& files) noexcept {
  return std::all_of(files.begin(), files.end(),
                     [](const file_validation& f) { return !f.error && f.result.passed; });
}

// -- text ---------------------------------------------------------------------

std::string format_text(const std::vector<file_validation>& files, const report_options& options) {
  std::string out;
  std::size_t failed = 0;
  for (const auto& file : files) {
    if (file.error) {
      ++failed;
      out += file.path + ": error: " + file.error->message + " [" + file.error->code + "]\n";
      continue;
    }
    auto min = options.include_info ? severity_level::info : severity_level::warning;
    for (const auto& [validator, f] : findings_of(file, min)) {
      out += file.path;
      if (f->line > 0) {
        out += ':';
        out += std::to_string(f->line);
        out += ':';
        out += std::to_string(f->column);
      }
      out += ": ";
      out += to_string(f->severity);
      out += ": ";
      out += f->message;
      out += " [";
      out += f->rule;
      out += "]\n";
    }
    const auto& r = file.result;
    failed += r.passed ? 0 : 1;
    out += file.path + ": " + (r.passed ? "passed" : "failed") + " (";
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      out += i ? ", " : "";
      out += r.results[i].validator;
      out += ' ';
      out += format_number(r.results[i].score);
    }
    for (const auto& s : r.skipped) {
      out += ", ";
      out += s;
      out += " skipped";
    }
    out += ")\n";
  }
  out += std::to_string(files.size());
  out += files.size() == 1 ? " file: " : " files: ";
  out += std::to_string(files.size() - failed);
  out += " passed, ";
  out += std::to_string(failed);
  out += " failed\n";
  return out;
}

// -- JSON ---------------------------------------------------------------------

value to_json_report(const std::vector<file_validation>& files, const report_options& options) {
  value out = value::object_type{};
  out.set("tool", "genflow");
  out.set("version", options.tool_version);
  out.set("passed", all_passed(files));
  value list = value::array_type{};
  for (const auto& file : files) {
    value f = value::object_type{};
    f.set("path", file.path);
    f.set("passed", !file.error && file.result.passed);
    f.set("error", file.error ? error_value(*file.error) : value{});
    f.set("score", file.result.score);
    f.set("parse_ms", milliseconds(file.parse));
    f.set("wall_ms", milliseconds(file.result.wall));
    value validators = value::array_type{};
    for (const auto& r : file.result.results) {
      value v = value::object_type{};
      v.set("name", r.validator);
      v.set("passed", r.passed);
      v.set("score", r.score);
      v.set("duration_ms", milliseconds(r.duration));
      v.set("metrics", r.metrics);
      value findings = value::array_type{};
      for (const auto& x : r.findings)
        findings.push_back(finding_value(x));
      v.set("findings", std::move(findings));
      validators.push_back(std::move(v));
    }
    f.set("validators", std::move(validators));
    value skipped = value::array_type{};
    for (const auto& s : file.result.skipped)
      skipped.push_back(s);
    f.set("skipped", std::move(skipped));
    value suggestions = value::array_type{};
    for (const auto& s : file.result.suggestions)
      suggestions.push_back(s);
    f.set("suggestions", std::move(suggestions));
    list.push_back(std::move(f));
  }
  out.set("files", std::move(list));
  return out;
}

// -- SARIF --------------------------------------------------------------------

value to_sarif(const std::vector<file_validation>& files, const report_options& options) {
  const auto& catalogue = rule_catalogue();
  std::unordered_map<std::string_view, std::size_t> rule_index;
  value rules = value::array_type{};
  for (const auto& r : catalogue) {
    rule_index.emplace(r.id, rule_index.size());
    value rule = value::object_type{};
    rule.set("id", std::string{r.id});
    rule.set("name", std::string{r.name});
    value text = value::object_type{};
    text.set("text", std::string{r.description});
    rule.set("shortDescription", std::move(text));
    value config = value::object_type{};
    config.set("level", std::string{r.default_level});
    rule.set("defaultConfiguration", std::move(config));
    rules.push_back(std::move(rule));
  }

  auto result_value = [&](std::string_view rule, std::string_view level, const std::string& message,
                          const std::string& path, std::uint32_t line, std::uint32_t column) {
    value res = value::object_type{};
    res.set("ruleId", std::string{rule});
    if (auto it = rule_index.find(rule); it != rule_index.end())
      res.set("ruleIndex", static_cast<std::int64_t>(it->second));
    res.set("level", std::string{level});
    value msg = value::object_type{};
    msg.set("text", message);
    res.set("message", std::move(msg));
    value artifact = value::object_type{};
    artifact.set("uri", to_uri(path));
    value physical = value::object_type{};
    physical.set("artifactLocation", std::move(artifact));
    if (line > 0) {
      value region = value::object_type{};
      region.set("startLine", static_cast<std::int64_t>(line));
      region.set("startColumn", static_cast<std::int64_t>(std::max<std::uint32_t>(column, 1)));
      physical.set("region", std::move(region));
    }
    value location = value::object_type{};
    location.set("physicalLocation", std::move(physical));
    res.set("locations", value::array_type{std::move(location)});
    return res;
  };

  value results = value::array_type{};
  for (const auto& file : files) {
    if (file.error) {
      results.push_back(
        result_value(file.error->code, "error", file.error->message, file.path, 0, 0));
      continue;
    }
    for (const auto& [validator, f] : findings_of(file, severity_level::info)) {
      auto res =
        result_value(f->rule, sarif_level(f->severity), f->message, file.path, f->line, f->column);
      value props = value::object_type{};
      props.set("validator", std::string{validator});
      props.set("severity", std::string{to_string(f->severity)});
      if (f->confidence)
        props.set("confidence", std::string{to_string(*f->confidence)});
      if (!f->suggestion.empty())
        props.set("suggestion", f->suggestion);
      res.set("properties", std::move(props));
      results.push_back(std::move(res));
    }
  }

  value driver = value::object_type{};
  driver.set("name", "genflow");
  driver.set("version", options.tool_version);
  driver.set("informationUri", options.information_uri);
  driver.set("rules", std::move(rules));
  value tool = value::object_type{};
  tool.set("driver", std::move(driver));
  value invocation = value::object_type{};
  invocation.set("executionSuccessful", true);
  value run = value::object_type{};
  run.set("tool", std::move(tool));
  run.set("invocations", value::array_type{std::move(invocation)});
  run.set("columnKind", "unicodeCodePoints");
  run.set("results", std::move(results));
  value out = value::object_type{};
  out.set("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  out.set("version", "2.1.0");
  out.set("runs", value::array_type{std::move(run)});
  return out;
}

} // namespace genflow::analysis
