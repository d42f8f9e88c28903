#include "runtime/analysis/onex_compliance.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace genflow::analysis {

namespace {

std::string_view last_component(std::string_view dotted) noexcept {
  auto dot = dotted.rfind('.');
  return dot == std::string_view::npos ? dotted : dotted.substr(dot + 1);
}

/// One check of the score: clean (0), warnings only (1), an error (2).
struct check {
  std::string_view name;
  int worst = 0;
};

class onex_checker {
public:
  onex_checker(const python_module& m, const validation_context& ctx, const onex_config& config)
      : m_(m), ctx_(ctx), config_(config) {
    checks_.reserve(16); // open() hands out references: no reallocation
  }

  validation_result run() {
    r_.validator = "onex_compliance";
    auto match = find_node_class(m_, ctx_);
    if (match.class_index >= 0) {
      check_class(m_.classes()[match.class_index], match.type);
    } else if (ctx_.require_node_class
               || (!ctx_.node_type.empty() && !find_node_type(ctx_.node_type))) {
      auto& c = open("node_class");
      add(c, {"onex.node_class", severity_level::error, 0, 0, match.problem,
              "define the node class, named Node<Name><Type>", std::nullopt});
    } else {
      r_.findings.push_back({"onex.node_class", severity_level::info, 0, 0,
                             match.problem + "; class rules skipped", "", std::nullopt});
    }
    check_raises();
    check_logging();

    double total = 0;
    for (const auto& c : checks_)
      total += c.worst == 0 ? 1.0 : c.worst == 1 ? 0.5 : 0.0;
    r_.score = checks_.empty() ? 1.0 : clamp_score(total / static_cast<double>(checks_.size()));
    r_.passed = !r_.has_errors();
    value failed = value::array_type{};
    for (const auto& c : checks_)
      if (c.worst == 2)
        failed.push_back(std::string{c.name});
    r_.metrics.set("checks", static_cast<std::int64_t>(checks_.size()));
    r_.metrics.set("node_class",
                   match.class_index >= 0 ? value{m_.classes()[match.class_index].name} : value{});
    r_.metrics.set("failed_checks", std::move(failed));
    return std::move(r_);
  }

private:
  check& open(std::string_view name) {
    checks_.push_back({name, 0});
    return checks_.back();
  }

  void add(check& c, finding f) {
    int level = f.severity >= severity_level::error     ? 2
                : f.severity == severity_level::warning ? 1
                                                        : 0;
    c.worst = std::max(c.worst, level);
    r_.findings.push_back(std::move(f));
  }

  finding at(node_id n, std::string rule, severity_level s, std::string message,
             std::string suggestion) const {
    return make_finding(m_, n, std::move(rule), s, std::move(message), std::move(suggestion));
  }

  const std::vector<std::string>* accepted_bases(const node_type_info& type) const {
    for (const auto& [name, bases] : config_.base_classes)
      if (name == type.name)
        return &bases;
    return nullptr;
  }

  bool inherits(const class_fact& c, std::string_view name) const {
    return std::any_of(c.bases.begin(), c.bases.end(),
                       [&](const std::string& b) { return last_component(b) == name; });
  }

  void check_class(const class_fact& cls, const node_type_info* type) {
    // -- name --
    auto& naming = open("class_name");
    const auto* named_type = node_type_of_class_name(cls.name);
    if (!named_type)
      add(naming, at(cls.node, "onex.class_name", severity_level::error,
                     "class " + cls.name + " is not named Node<Name><Type>",
                     "name it Node<Name>" + std::string{type ? type->class_suffix : "Effect"}));
    else if (type && named_type != type)
      add(naming, at(cls.node, "onex.class_name", severity_level::error,
                     "class " + cls.name + " is named as a " + std::string{named_type->name}
                       + " node but the node type is " + std::string{type->name},
                     "end the class name with " + std::string{type->class_suffix}));

    // -- base class --
    if (type) {
      auto& base = open("base_class");
      const auto* accepted = accepted_bases(*type);
      bool ok = accepted
                && std::any_of(accepted->begin(), accepted->end(),
                               [&](const std::string& b) { return inherits(cls, b); });
      if (!ok) {
        std::string list;
        if (accepted)
          for (const auto& b : *accepted)
            list += (list.empty() ? "" : " or ") + b;
        add(base, at(cls.node, "onex.base_class", severity_level::error,
                     "class " + cls.name + " does not inherit the " + std::string{type->name}
                       + " node base class (" + list + ")",
                     "inherit " + (accepted && !accepted->empty() ? accepted->front() : list)));
      }
    }

    // -- mixins --
    auto& mixins = open("mixins");
    for (const auto& mixin : ctx_.mixins)
      if (!inherits(cls, mixin))
        add(mixins, at(cls.node, "onex.mixin", severity_level::error,
                       "class " + cls.name + " does not inherit the enabled mixin " + mixin,
                       "add " + mixin + " to the bases of " + cls.name));
    std::set<std::string_view> seen;
    for (const auto& b : cls.bases)
      if (!seen.insert(last_component(b)).second)
        add(mixins,
            at(cls.node, "onex.duplicate_base", severity_level::warning,
               "class " + cls.name + " lists the base " + b + " twice", "remove the duplicate"));

    // -- __init__(self, container) + super().__init__(container) --
    auto& init = open("init");
    const auto* ctor = m_.find_method(cls, "__init__");
    if (!ctor) {
      add(init, at(cls.node, "onex.init", severity_level::error,
                   "class " + cls.name + " has no __init__(self, container)",
                   "add `def __init__(self, container)` calling super().__init__(container)"));
    } else {
      const auto& ps = ctor->parameters;
      if (ps.size() < 2 || ps[1].name != "container")
        add(init, at(ctor->node, "onex.init", severity_level::error,
                     cls.name + ".__init__ must take the container: __init__(self, container)",
                     "declare `def __init__(self, container)`"));
      if (!calls_super_init(cls, *ctor))
        add(init, at(ctor->node, "onex.init", severity_level::error,
                     cls.name + ".__init__ does not call super().__init__(container)",
                     "call `super().__init__(container)` first"));
    }

    // -- lifecycle --
    auto& lifecycle = open("lifecycle");
    for (std::string_view name : {"initialize", "shutdown"}) {
      const auto* f = m_.find_method(cls, name);
      if (!f) {
        bool required = name == "initialize";
        add(lifecycle, at(cls.node, "onex.lifecycle",
                          required ? severity_level::error : severity_level::warning,
                          "class " + cls.name + " has no async " + std::string{name} + "()",
                          "add `async def " + std::string{name} + "(self) -> None`"));
      } else if (!f->is_async) {
        add(lifecycle, at(f->node, "onex.lifecycle", severity_level::error,
                          cls.name + "." + std::string{name} + " must be async",
                          "declare it with `async def`"));
      }
    }

    // -- structured logging --
    auto& logging = open("structured_logging");
    bool logs = std::any_of(m_.calls().begin(), m_.calls().end(), [&](const call_fact& c) {
      return m_.tree().contains(cls.node, c.node)
             && (last_component(c.callee) == config_.log_function
                 || last_component(c.qualified_name) == config_.log_function);
    });
    if (!logs)
      add(logging, at(cls.node, "onex.structured_logging", severity_level::warning,
                      "class " + cls.name + " never calls " + config_.log_function,
                      "log through " + config_.log_function + "(EnumLogLevel..., message, {...})"));
  }

  /// `super().__init__(container)` or `<Base>.__init__(self, container)` inside `ctor`.
  bool calls_super_init(const class_fact& cls, const function_fact& ctor) const {
    const auto& t = m_.tree();
    for (const auto& c : m_.calls()) {
      if (!t.contains(ctor.node, c.node))
        continue;
      auto f = t.unparenthesize(t.child(c.node, syntax_field::function));
      if (f == no_node || t.kind(f) != syntax_kind::attribute)
        continue;
      auto attr = t.child(f, syntax_field::attribute);
      if (attr == no_node || t.text(attr) != "__init__")
        continue;
      auto object = t.unparenthesize(t.child(f, syntax_field::object));
      if (object == no_node)
        continue;
      bool via_super = false;
      if (t.kind(object) == syntax_kind::call) {
        auto callee = t.child(object, syntax_field::function);
        via_super = callee != no_node && t.text(callee) == "super";
      }
      bool via_base =
        t.kind(object) != syntax_kind::call && inherits(cls, last_component(t.text(object)));
      auto passes_container = [&](std::size_t index) {
        return c.positional.size() > index && c.positional[index].kind == expression_kind::name
               && c.positional[index].literal == "container";
      };
      if ((via_super && passes_container(0)) || (via_base && passes_container(1)))
        return true;
      if (const auto* k = c.keyword("container");
          k && (via_super || via_base) && k->value.literal == "container")
        return true;
    }
    return false;
  }

  void check_raises() {
    auto& errors = open("error_class");
    for (const auto& r : m_.raises()) {
      if (r.bare || r.reraises_caught || r.exception.empty())
        continue;
      auto name = last_component(r.exception);
      if (name == config_.error_class)
        continue;
      // A lower-case name is a variable holding an exception, not a class.
      if (!r.is_call && !name.empty() && std::islower(static_cast<unsigned char>(name.front())))
        continue;
      add(errors, at(r.node, "onex.error_class", severity_level::error,
                     "raises " + r.exception + "; ONEX nodes raise " + config_.error_class,
                     "raise " + config_.error_class + "(...) instead"));
    }
  }

  void check_logging() {
    auto& logging = open("logging");
    for (const auto& i : m_.imports()) {
      if (i.level == 0 && (i.module == "logging" || i.module.rfind("logging.", 0) == 0))
        add(logging,
            at(i.node, "onex.logging", severity_level::error,
               "imports the stdlib logging module; ONEX nodes log through " + config_.log_function,
               "use " + config_.log_function + " instead of logging"));
    }
    for (const auto& c : m_.calls()) {
      if (c.qualified_name == "print")
        add(logging, at(c.node, "onex.logging", severity_level::error,
                        "calls print; ONEX nodes log through " + config_.log_function,
                        "replace print with " + config_.log_function));
      else if (c.qualified_name.rfind("logging.", 0) == 0)
        add(logging,
            at(c.node, "onex.logging", severity_level::error,
               "calls " + c.qualified_name + "; ONEX nodes log through " + config_.log_function,
               "use " + config_.log_function + " instead of logging"));
    }
  }

  const python_module& m_;
  const validation_context& ctx_;
  const onex_config& config_;
  validation_result r_;
  std::vector<check> checks_;
};

} // namespace

validation_result check_onex_compliance(const python_module& m, const validation_context& ctx,
                                        const onex_config& config) {
  if (m.has_syntax_errors())
    return syntax_failure(m, "onex_compliance");
  return onex_checker{m, ctx, config}.run();
}

} // namespace genflow::analysis
