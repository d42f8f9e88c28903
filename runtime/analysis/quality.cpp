#include "runtime/analysis/quality.hpp"

#include <algorithm>
#include <cstdio>

namespace genflow::analysis {

namespace {

std::string format_score(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

/// Per line (1-based): whether the line starts inside a string literal, and whether its end
/// lies inside one. Only strings that span lines matter.
struct string_lines {
  std::vector<bool> starts_inside;
  std::vector<bool> ends_inside;
};

string_lines lines_in_strings(const python_module& m) {
  string_lines out;
  auto lines = m.line_count();
  out.starts_inside.assign(lines + 2, false);
  out.ends_inside.assign(lines + 2, false);
  const auto& t = m.tree();
  for (node_id i = 0; i < t.size(); ++i) {
    if (t.kind(i) != syntax_kind::string)
      continue;
    auto text = t.text(i);
    if (text.find('\n') == std::string_view::npos)
      continue;
    auto first = t[i].start_row + 1;
    auto last = m.position(t[i].end_byte).line;
    for (auto l = first; l < last && l <= lines; ++l) {
      out.ends_inside[l] = true;
      out.starts_inside[l + 1] = true;
    }
  }
  return out;
}

} // namespace

validation_result check_quality(const python_module& m, const validation_context& ctx,
                                const quality_config& config) {
  if (m.has_syntax_errors())
    return syntax_failure(m, "quality");
  validation_result r;
  r.validator = "quality";

  // -- complexity --
  std::size_t graphs = m.complexity_graphs().size();
  std::size_t complex = 0;
  int max_seen = 0;
  for (const auto& g : m.complexity_graphs()) {
    max_seen = std::max(max_seen, g.complexity);
    if (g.complexity <= config.max_complexity)
      continue;
    ++complex;
    std::string what = g.function >= 0 ? "function " + m.functions()[g.function].qualified_name
                                       : "'" + g.key + "' (module or class level)";
    r.findings.push_back(make_finding(m, g.node, "quality.complexity", severity_level::warning,
                                      what + " has cyclomatic complexity "
                                        + std::to_string(g.complexity) + " (maximum "
                                        + std::to_string(config.max_complexity) + ")",
                                      "split it into smaller functions"));
  }
  double complexity_score =
    graphs == 0 ? 1.0 : static_cast<double>(graphs - complex) / static_cast<double>(graphs);

  // -- type hints --
  std::size_t slots = 0;
  std::size_t annotated = 0;
  for (const auto& f : m.functions()) {
    if (f.parent_function >= 0)
      continue;
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < f.parameters.size(); ++i) {
      const auto& p = f.parameters[i];
      bool receiver = i == 0 && f.class_index >= 0 && (p.name == "self" || p.name == "cls");
      if (receiver)
        continue;
      ++slots;
      if (!p.annotation.empty())
        ++annotated;
      else
        missing.push_back(p.name);
    }
    if (f.name != "__init__" || !f.return_annotation.empty()) {
      ++slots;
      if (!f.return_annotation.empty())
        ++annotated;
      else
        missing.push_back("the return value");
    }
    if (!missing.empty())
      r.findings.push_back(make_finding(m, f.node, "quality.type_hints", severity_level::info,
                                        "function " + f.qualified_name + " lacks type hints for "
                                          + join_names(missing),
                                        "annotate every parameter and the return type"));
  }
  double type_score =
    slots == 0 ? 1.0 : static_cast<double>(annotated) / static_cast<double>(slots);

  // -- docstrings (findings are the completeness validator's) --
  auto docs = count_docstrings(m);

  // -- style --
  auto in_strings = lines_in_strings(m);
  std::size_t style_issues = 0;
  auto lines = m.line_count();
  for (std::uint32_t l = 1; l <= lines; ++l) {
    auto text = m.line(l);
    std::uint32_t chars = 0;
    for (char c : text)
      chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (chars > config.max_line_length) {
      ++style_issues;
      r.findings.push_back({"quality.line_length", severity_level::warning, l,
                            config.max_line_length + 1,
                            "line is " + std::to_string(chars) + " characters long (maximum "
                              + std::to_string(config.max_line_length) + ")",
                            "break the line", std::nullopt});
    }
    if (!in_strings.starts_inside[l]) {
      auto indent_end = text.find_first_not_of(" \t\f");
      auto indent = text.substr(0, indent_end == std::string_view::npos ? text.size() : indent_end);
      if (auto tab = indent.find('\t');
          tab != std::string_view::npos && indent_end != std::string_view::npos) {
        ++style_issues;
        r.findings.push_back({"quality.tabs", severity_level::warning, l,
                              static_cast<std::uint32_t>(tab + 1), "indentation contains a tab",
                              "indent with spaces", std::nullopt});
      }
    }
    if (!in_strings.ends_inside[l] && !text.empty()
        && (text.back() == ' ' || text.back() == '\t')) {
      auto end = text.find_last_not_of(" \t");
      auto col = static_cast<std::uint32_t>(end == std::string_view::npos ? 1 : end + 2);
      ++style_issues;
      r.findings.push_back(
        {"quality.trailing_whitespace", severity_level::warning, l, col,
         end == std::string_view::npos ? "whitespace on a blank line" : "trailing whitespace",
         "remove it", std::nullopt});
    }
  }
  double style_score =
    lines == 0
      ? 1.0
      : clamp_score(1.0 - 10.0 * static_cast<double>(style_issues) / static_cast<double>(lines));

  // -- score --
  const auto& w = config.weights;
  double total_weight = w.complexity + w.type_hints + w.docstrings + w.style;
  double score = total_weight <= 0.0 ? 0.0
                                     : (w.complexity * complexity_score + w.type_hints * type_score
                                        + w.docstrings * docs.coverage() + w.style * style_score)
                                         / total_weight;
  r.score = clamp_score(score);
  double min_score = ctx.min_quality_score.value_or(config.min_score);
  if (r.score < min_score)
    r.findings.push_back({"quality.score", severity_level::error, 0, 0,
                          "quality score " + format_score(r.score) + " is below the minimum "
                            + format_score(min_score),
                          "address the complexity, type-hint, docstring and style findings",
                          std::nullopt});
  r.passed = r.score >= min_score;
  r.metrics.set("complexity_score", complexity_score);
  r.metrics.set("type_hint_coverage", type_score);
  r.metrics.set("docstring_coverage", docs.coverage());
  r.metrics.set("style_score", style_score);
  r.metrics.set("max_complexity", static_cast<std::int64_t>(max_seen));
  r.metrics.set("graphs", static_cast<std::int64_t>(graphs));
  r.metrics.set("complex_graphs", static_cast<std::int64_t>(complex));
  r.metrics.set("style_issues", static_cast<std::int64_t>(style_issues));
  r.metrics.set("lines", static_cast<std::int64_t>(lines));
  return r;
}

} // namespace genflow::analysis
