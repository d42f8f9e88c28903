#include "runtime/analysis/completeness.hpp"

#include <algorithm>
#include <cctype>

namespace genflow::analysis {

namespace {

bool is_identifier(std::string_view s) noexcept {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool is_dotted_name(std::string_view s) noexcept {
  while (true) {
    auto dot = s.find('.');
    if (!is_identifier(s.substr(0, dot)))
      return false;
    if (dot == std::string_view::npos)
      return true;
    s.remove_prefix(dot + 1);
  }
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

/// `full` is `name` or ends with `.name`.
bool names_match(std::string_view full, std::string_view name) noexcept {
  if (full == name)
    return true;
  return full.size() > name.size() && full.substr(full.size() - name.size()) == name
         && full[full.size() - name.size() - 1] == '.';
}

/// Source text without whitespace, so that `a . b` matches "a.b".
std::string compact(std::string_view text) {
  std::string out;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '\\')
      out += c;
  return out;
}

std::string missing_pattern_message(const expected_pattern& p) {
  using verb = expected_pattern::verb;
  switch (p.what) {
    case verb::async_def:
      return "expected pattern 'async def' not found: the module defines no async function";
    case verb::raises:
      return "expected pattern '" + p.text + "' not found: no raise of " + p.name;
    case verb::calls:
      return "expected pattern '" + p.text + "' not found: no call of " + p.name;
    case verb::imports:
      return "expected pattern '" + p.text + "' not found: " + p.name + " is not imported";
    case verb::inherits:
      return "expected pattern '" + p.text + "' not found: no class inherits " + p.name;
    case verb::defines:
      return "expected pattern '" + p.text + "' not found: nothing named " + p.name + " is defined";
    case verb::decorated:
      return "expected pattern '" + p.text + "' not found: nothing is decorated with " + p.name;
    case verb::names:
      break;
  }
  return "expected pattern '" + p.text + "' not found: " + p.name + " is not used in the code";
}

} // namespace

// -- patterns -----------------------------------------------------------------

expected<expected_pattern> parse_expected_pattern(std::string_view text) {
  using verb = expected_pattern::verb;
  expected_pattern p;
  auto t = trim(text);
  p.text = std::string{t};
  if (t == "async def") {
    p.what = verb::async_def;
    return p;
  }
  auto space = t.find(' ');
  if (space == std::string_view::npos) {
    if (!is_dotted_name(t))
      return error_info{"completeness.pattern_invalid",
                        "expected pattern '" + p.text + "' is neither a name nor '<verb> NAME'", "",
                        false};
    p.what = verb::names;
    p.name = p.text;
    return p;
  }
  auto word = t.substr(0, space);
  auto name = trim(t.substr(space + 1));
  static constexpr std::pair<std::string_view, verb> verbs[] = {
    {"raises", verb::raises},       {"calls", verb::calls},       {"uses", verb::calls},
    {"imports", verb::imports},     {"inherits", verb::inherits}, {"defines", verb::defines},
    {"decorated", verb::decorated},
  };
  const auto* found = std::find_if(std::begin(verbs), std::end(verbs),
                                   [&](const auto& v) { return v.first == word; });
  if (found == std::end(verbs) || !is_dotted_name(name))
    return error_info{"completeness.pattern_invalid",
                      "expected pattern '" + p.text
                        + "' must be 'async def', a name, or one of raises/calls/uses/imports/"
                          "inherits/defines/decorated followed by a name",
                      "", false};
  p.what = found->second;
  p.name = std::string{name};
  return p;
}

node_id find_pattern(const python_module& m, const expected_pattern& p) {
  using verb = expected_pattern::verb;
  switch (p.what) {
    case verb::async_def:
      for (const auto& f : m.functions())
        if (f.is_async)
          return f.node;
      return no_node;
    case verb::raises:
      for (const auto& r : m.raises())
        if (!r.bare && names_match(r.exception, p.name))
          return r.node;
      return no_node;
    case verb::calls:
      for (const auto& c : m.calls())
        if (names_match(c.callee, p.name) || names_match(c.qualified_name, p.name))
          return c.node;
      return no_node;
    case verb::imports:
      for (const auto& i : m.imports()) {
        std::string full = i.module.empty() ? i.name
                           : i.name.empty() ? i.module
                                            : i.module + "." + i.name;
        if (i.module == p.name || i.name == p.name || full == p.name || i.alias == p.name)
          return i.node;
      }
      return no_node;
    case verb::inherits:
      for (const auto& c : m.classes())
        for (const auto& b : c.bases)
          if (names_match(b, p.name))
            return c.node;
      return no_node;
    case verb::defines:
      for (const auto& c : m.classes())
        if (c.name == p.name)
          return c.node;
      for (const auto& f : m.functions())
        if (f.name == p.name)
          return f.node;
      return no_node;
    case verb::decorated:
      for (const auto& c : m.classes())
        for (const auto& d : c.decorators)
          if (names_match(d, p.name))
            return c.node;
      for (const auto& f : m.functions())
        for (const auto& d : f.decorators)
          if (names_match(d, p.name))
            return f.node;
      return no_node;
    case verb::names: {
      const auto& t = m.tree();
      bool dotted = p.name.find('.') != std::string::npos;
      for (node_id i = 0; i < t.size(); ++i) {
        if (!dotted && t.kind(i) == syntax_kind::identifier && t.text(i) == p.name)
          return i;
        if (dotted && t.kind(i) == syntax_kind::attribute && compact(t.text(i)) == p.name)
          return i;
      }
      return no_node;
    }
  }
  return no_node;
}

// -- the validator ------------------------------------------------------------

validation_result check_completeness(const python_module& m, const validation_context& ctx,
                                     const completeness_config& config) {
  if (m.has_syntax_errors())
    return syntax_failure(m, "completeness");
  validation_result r;
  r.validator = "completeness";
  std::size_t checks = 0;
  std::size_t satisfied = 0;

  auto match = find_node_class(m, ctx);
  bool node_rules = match.class_index >= 0 || ctx.require_node_class
                    || (!ctx.node_type.empty() && !find_node_type(ctx.node_type));
  if (!node_rules) {
    r.findings.push_back({"completeness.node_class", severity_level::info, 0, 0,
                          match.problem + "; node checks skipped", "", std::nullopt});
  }

  if (node_rules) {
    const class_fact* cls = match.class_index >= 0 ? &m.classes()[match.class_index] : nullptr;
    if (!cls) {
      r.findings.push_back({"completeness.node_class", severity_level::error, 0, 0, match.problem,
                            ctx.class_name.empty() ? "define the node class, named Node<Name><Type>"
                                                   : "define class " + ctx.class_name,
                            std::nullopt});
    }
    // A required method of the node class; `async_required` adds the async rule.
    auto require_method = [&](const std::string& name, const std::string& rule,
                              const std::string& what, bool async_required) {
      ++checks;
      if (!cls)
        return; // already reported: no class to look in
      const auto* f = m.find_method(*cls, name);
      if (!f) {
        r.findings.push_back(
          make_finding(m, cls->node, rule, severity_level::error,
                       "class " + cls->name + " has no method " + name + " (" + what + ")",
                       std::string{"add `"} + (async_required ? "async " : "") + "def " + name
                         + "(self, ...)` to " + cls->name));
        return;
      }
      if (async_required && !f->is_async) {
        r.findings.push_back(
          make_finding(m, f->node, "completeness.async", severity_level::error,
                       "method " + cls->name + "." + name + " must be async (" + what + ")",
                       "declare it with `async def`"));
        return;
      }
      ++satisfied;
    };

    if (cls && !match.type) {
      ++checks;
      r.findings.push_back(make_finding(
        m, cls->node, "completeness.node_type", severity_level::error,
        "cannot tell the node type of class " + cls->name,
        "give the node type, or name the class Node<Name><Effect|Compute|Reducer|Orchestrator>"));
    } else if (match.type) {
      std::string type{match.type->name};
      bool vowel = type.front() == 'e' || type.front() == 'o';
      require_method(std::string{match.type->entry_method}, "completeness.entry_method",
                     "the entry method of " + std::string{vowel ? "an " : "a "} + type + " node",
                     config.require_async);
    } else if (!cls) {
      ++checks; // the entry method cannot be there without a class
    }
    for (const auto& op : ctx.io_operations)
      require_method(op, "completeness.io_operation", "io operation '" + op + "' of the contract",
                     config.require_async);
    std::vector<std::string> required = config.required_methods;
    for (const auto& name : ctx.required_methods)
      if (std::find(required.begin(), required.end(), name) == required.end())
        required.push_back(name);
    for (const auto& name : required)
      require_method(name, "completeness.required_method", "a required method", false);

    const auto& patterns =
      ctx.expected_patterns.empty() ? config.expected_patterns : ctx.expected_patterns;
    for (const auto& text : patterns) {
      ++checks;
      auto p = parse_expected_pattern(text);
      if (!p) {
        r.findings.push_back({"completeness.pattern_invalid", severity_level::error, 0, 0,
                              p.error().message, "fix the pattern in the contract or config",
                              std::nullopt});
        continue;
      }
      if (find_pattern(m, *p) == no_node) {
        r.findings.push_back({"completeness.pattern", severity_level::error, 0, 0,
                              missing_pattern_message(*p), "", std::nullopt});
        continue;
      }
      ++satisfied;
    }
  }

  auto docs = count_docstrings(m);
  for (auto node : docs.missing) {
    const auto& t = m.tree();
    bool is_class = t.kind(node) == syntax_kind::class_definition;
    auto name_node = t.child(node, syntax_field::name);
    std::string name{name_node != no_node ? t.text(name_node) : std::string_view{}};
    r.findings.push_back(
      make_finding(m, node, "completeness.docstring", severity_level::warning,
                   (is_class ? "class " : "function ") + name + " has no docstring",
                   "add a docstring saying what it does"));
  }

  double structure =
    checks == 0 ? 1.0 : static_cast<double>(satisfied) / static_cast<double>(checks);
  r.score = clamp_score(checks == 0 ? docs.coverage() : 0.8 * structure + 0.2 * docs.coverage());
  r.passed = !r.has_errors();
  r.metrics.set("checks", static_cast<std::int64_t>(checks));
  r.metrics.set("checks_satisfied", static_cast<std::int64_t>(satisfied));
  r.metrics.set("docstring_coverage", docs.coverage());
  r.metrics.set("definitions", static_cast<std::int64_t>(docs.total));
  r.metrics.set("documented", static_cast<std::int64_t>(docs.documented));
  r.metrics.set("node_class",
                match.class_index >= 0 ? value{m.classes()[match.class_index].name} : value{});
  return r;
}

} // namespace genflow::analysis
