#include "runtime/analysis/validation.hpp"

#include <algorithm>
#include <cctype>

#include "runtime/contracts/contract.hpp"

namespace genflow::analysis {

// -- enumerations -------------------------------------------------------------

std::string_view to_string(severity_level x) noexcept {
  switch (x) {
    case severity_level::info:
      return "info";
    case severity_level::warning:
      return "warning";
    case severity_level::error:
      return "error";
    case severity_level::critical:
      return "critical";
  }
  return "error";
}

std::string_view to_string(confidence_level x) noexcept {
  switch (x) {
    case confidence_level::low:
      return "low";
    case confidence_level::medium:
      return "medium";
    case confidence_level::high:
      return "high";
  }
  return "medium";
}

std::optional<severity_level> parse_severity(std::string_view text) noexcept {
  for (auto s : {severity_level::info, severity_level::warning, severity_level::error,
                 severity_level::critical})
    if (to_string(s) == text)
      return s;
  return std::nullopt;
}

std::optional<confidence_level> parse_confidence(std::string_view text) noexcept {
  for (auto c : {confidence_level::low, confidence_level::medium, confidence_level::high})
    if (to_string(c) == text)
      return c;
  return std::nullopt;
}

// -- results ------------------------------------------------------------------

std::size_t validation_result::count(severity_level s) const noexcept {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                [s](const finding& f) { return f.severity == s; }));
}

bool validation_result::has_errors() const noexcept {
  return std::any_of(findings.begin(), findings.end(),
                     [](const finding& f) { return f.severity >= severity_level::error; });
}

// -- context ------------------------------------------------------------------

validation_context make_validation_context(const contracts::contract& c) {
  validation_context ctx;
  ctx.node_type = std::string{contracts::to_string(c.type)};
  ctx.class_name = c.name;
  ctx.require_node_class = true;
  for (const auto& op : c.io_operations)
    ctx.io_operations.push_back(op.name);
  ctx.mixins = c.enabled_mixins();
  return ctx;
}

// -- node classes -------------------------------------------------------------

namespace {

constexpr node_type_info node_types[] = {
  {"effect", "Effect", "execute_effect"},
  {"compute", "Compute", "execute_compute"},
  {"reducer", "Reducer", "execute_reduction"},
  {"orchestrator", "Orchestrator", "execute_orchestration"},
};

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// `Node<Upper><alnum>*<Suffix>`, the contract schema's class-name pattern.
bool is_node_class_name(std::string_view name, std::string_view suffix) noexcept {
  if (name.size() < 4 + 1 + suffix.size() || name.substr(0, 4) != "Node"
      || !ends_with(name, suffix))
    return false;
  auto middle = name.substr(4, name.size() - 4 - suffix.size());
  if (middle.empty() || !std::isupper(static_cast<unsigned char>(middle.front())))
    return false;
  return std::all_of(middle.begin(), middle.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

} // namespace

const node_type_info* find_node_type(std::string_view name) noexcept {
  for (const auto& t : node_types)
    if (t.name == name)
      return &t;
  return nullptr;
}

const node_type_info* node_type_of_class_name(std::string_view class_name) noexcept {
  for (const auto& t : node_types)
    if (is_node_class_name(class_name, t.class_suffix))
      return &t;
  return nullptr;
}

node_class_match find_node_class(const python_module& m, const validation_context& ctx) {
  node_class_match out;
  const node_type_info* wanted = ctx.node_type.empty() ? nullptr : find_node_type(ctx.node_type);
  if (!ctx.node_type.empty() && !wanted) {
    out.problem = "unknown node type '" + ctx.node_type
                  + "' (expected effect, compute, reducer or orchestrator)";
    return out;
  }
  if (!ctx.class_name.empty()) {
    if (const auto* c = m.find_class(ctx.class_name)) {
      out.class_index = static_cast<std::int32_t>(c - m.classes().data());
      out.type = wanted ? wanted : node_type_of_class_name(c->name);
    } else {
      out.problem = "the module does not define the node class '" + ctx.class_name + "'";
    }
    return out;
  }
  for (std::size_t i = 0; i < m.classes().size(); ++i) {
    const auto& c = m.classes()[i];
    if (c.parent_class >= 0 || c.parent_function >= 0)
      continue;
    const auto* t = node_type_of_class_name(c.name);
    if (t && (!wanted || t == wanted)) {
      out.class_index = static_cast<std::int32_t>(i);
      out.type = t;
      return out;
    }
  }
  out.type = wanted;
  out.problem =
    wanted ? "the module defines no class named Node<Name>" + std::string{wanted->class_suffix}
           : std::string{"the module defines no ONEX node class (Node<Name><Type>)"};
  return out;
}

// -- helpers ------------------------------------------------------------------

finding make_finding(const python_module& m, node_id at, std::string rule, severity_level s,
                     std::string message, std::string suggestion) {
  finding f;
  f.rule = std::move(rule);
  f.severity = s;
  auto pos = m.position_of(at);
  f.line = pos.line;
  f.column = pos.column;
  f.message = std::move(message);
  f.suggestion = std::move(suggestion);
  return f;
}

std::vector<finding> syntax_findings(const python_module& m) {
  std::vector<finding> out;
  for (const auto& e : m.syntax_errors()) {
    finding f;
    f.rule = "syntax.error";
    f.severity = severity_level::critical;
    auto pos = m.position(e.byte_offset);
    f.line = pos.line;
    f.column = pos.column;
    f.message = e.message;
    f.suggestion = "fix the syntax error; the validators need code that parses";
    out.push_back(std::move(f));
  }
  return out;
}

validation_result syntax_failure(const python_module& m, std::string validator) {
  validation_result r;
  r.validator = std::move(validator);
  r.passed = false;
  r.score = 0.0;
  r.findings = syntax_findings(m);
  r.metrics.set("syntax_errors", static_cast<std::int64_t>(m.syntax_errors().size()));
  return r;
}

docstring_census count_docstrings(const python_module& m) {
  docstring_census out;
  // Classes and functions interleave in source order; merge them by node id.
  std::vector<std::pair<node_id, bool>> defs;
  for (const auto& c : m.classes())
    if (c.parent_function < 0)
      defs.emplace_back(c.node, c.docstring.has_value());
  for (const auto& f : m.functions())
    if (f.parent_function < 0)
      defs.emplace_back(f.node, f.docstring.has_value());
  std::sort(defs.begin(), defs.end());
  for (const auto& [node, documented] : defs) {
    ++out.total;
    if (documented)
      ++out.documented;
    else
      out.missing.push_back(node);
  }
  return out;
}

double clamp_score(double x) noexcept {
  return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

} // namespace genflow::analysis
