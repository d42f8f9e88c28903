#pragma once

/// The host objects templates create or receive: macros (and call-block callers), the `loop`
/// variable, imported modules, `super`, bound methods, `namespace()`, cyclers and joiners.

#include <memory>
#include <string>
#include <vector>

#include "runtime/templating/ast.hpp"
#include "runtime/templating/evaluator.hpp"

namespace genflow::templating {

/// A `{% macro %}` (or the `caller` of a `{% call %}` block).
class macro_object final : public host_object {
public:
  macro_object(const stmt* def, std::shared_ptr<frame> closure,
               std::shared_ptr<const template_program> owner)
    : def_(def), closure_(std::move(closure)), owner_(std::move(owner)) {}

  std::string_view type_name() const override { return "Macro"; }
  std::optional<runtime_value> attribute(std::string_view name) const override;
  std::string str() const override;
  bool is_callable() const override { return true; }
  runtime_value call(evaluator& ev, call_arguments& args) const override;

  /// The macro's name ("caller" for a call block).
  std::string name() const;

private:
  const stmt* def_;
  std::shared_ptr<frame> closure_;
  std::shared_ptr<const template_program> owner_;
};

/// The `loop` variable of a for loop (Jinja's LoopContext); advanced in place per iteration.
class loop_object final : public host_object {
public:
  loop_object(const std::vector<runtime_value>* items, int depth, const stmt* def,
              std::shared_ptr<frame> scope, std::shared_ptr<const template_program> owner)
    : items_(items), depth_(depth), def_(def), scope_(std::move(scope)), owner_(std::move(owner)) {}

  void advance(std::size_t index0) { index0_ = index0; }

  std::string_view type_name() const override { return "LoopContext"; }
  std::optional<runtime_value> attribute(std::string_view name) const override;
  std::string str() const override;
  bool is_callable() const override { return def_->recursive; }
  runtime_value call(evaluator& ev, call_arguments& args) const override;
  std::optional<runtime_value> call_method(evaluator& ev, std::string_view name,
                                           call_arguments& args) const override;

private:
  const std::vector<runtime_value>* items_;
  std::size_t index0_ = 0;
  int depth_;
  const stmt* def_;
  std::shared_ptr<frame> scope_;
  std::shared_ptr<const template_program> owner_;
  mutable std::vector<runtime_value> last_changed_;
  mutable bool changed_seen_ = false;
};

/// A template imported with `{% import %}`: its top-level names are its attributes.
class module_object final : public host_object {
public:
  module_object(std::shared_ptr<frame> scope, std::shared_ptr<const template_program> program)
    : scope_(std::move(scope)), program_(std::move(program)) {}

  std::string_view type_name() const override { return "TemplateModule"; }
  std::optional<runtime_value> attribute(std::string_view name) const override;
  std::string str() const override;

private:
  std::shared_ptr<frame> scope_;
  std::shared_ptr<const template_program> program_;
};

/// `super()` inside a block: renders the parent template's version of the block.
class super_object final : public host_object {
public:
  super_object(std::string block, std::size_t level) : block_(std::move(block)), level_(level) {}

  std::string_view type_name() const override { return "function"; }
  bool is_callable() const override { return true; }
  runtime_value call(evaluator& ev, call_arguments& args) const override;

private:
  std::string block_;
  std::size_t level_;
};

/// `obj.method` taken without calling it; calling it calls the method.
class bound_method final : public host_object {
public:
  bound_method(runtime_value receiver, std::string name)
    : receiver_(std::move(receiver)), name_(std::move(name)) {}

  std::string_view type_name() const override { return "builtin_function_or_method"; }
  std::string str() const override;
  bool is_callable() const override { return true; }
  runtime_value call(evaluator& ev, call_arguments& args) const override;

private:
  runtime_value receiver_;
  std::string name_;
};

/// `namespace(...)`: the one mutable object, assigned with `{% set ns.attr = ... %}`.
class namespace_object final : public host_object {
public:
  std::string_view type_name() const override { return "Namespace"; }
  std::optional<runtime_value> attribute(std::string_view name) const override;
  std::string str() const override;
  void set(std::string_view name, runtime_value v);
  /// Drops every attribute (breaks reference cycles at the end of a render).
  void clear();

private:
  std::vector<std::pair<std::string, runtime_value>> attrs_;
};

/// A builtin global function (`range`, `dict`, `namespace`, `cycler`, `joiner`).
class builtin_function final : public host_object {
public:
  using impl = runtime_value (*)(evaluator& ev, call_arguments& args);
  builtin_function(std::string name, impl f) : name_(std::move(name)), f_(f) {}

  std::string_view type_name() const override { return "builtin_function_or_method"; }
  std::string str() const override { return "<built-in function " + name_ + ">"; }
  bool is_callable() const override { return true; }
  runtime_value call(evaluator& ev, call_arguments& args) const override { return f_(ev, args); }

private:
  std::string name_;
  impl f_;
};

} // namespace genflow::templating
