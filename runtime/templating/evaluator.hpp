#pragma once

/// The tree-walking interpreter behind `environment::render`: one evaluator per render call,
/// holding the scope chain, the output buffer and the recursion guard. Builtin filters, tests
/// and methods (builtins.cpp) call back into it for Python-level operations (attribute lookup,
/// iteration, calls, the undefined policy).
///
/// Scoping follows Jinja: a template's top-level `set` is visible to the rest of the
/// template (and to includes), a `for` iteration, macro call, `with` and block get their own
/// scope whose assignments do not leak out; lookups walk the chain outwards, ending at the
/// render context and the globals (`namespace`, `range`, `dict`, `cycler`, `joiner`).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/templating/ast.hpp"
#include "runtime/templating/environment.hpp"

namespace genflow::templating {

/// One scope: bindings, the enclosing scope, optionally the render context object.
struct frame {
  std::shared_ptr<frame> parent;
  std::vector<std::pair<std::string, runtime_value>> vars;
  /// The render context (root frame only).
  const value* context = nullptr;

  const runtime_value* find_local(std::string_view name) const noexcept {
    for (const auto& [k, v] : vars)
      if (k == name)
        return &v;
    return nullptr;
  }
  void set(std::string_view name, runtime_value v);
};

/// Deepest macro/include/import/recursive-loop nesting at render time.
inline constexpr int max_call_depth = 64;

/// Deepest nesting of expression evaluations at render time, across macro calls (bounds the
/// stack: a recursive macro whose call sits deep inside an expression).
inline constexpr int max_eval_depth = 1024;

class namespace_object;

class evaluator {
public:
  evaluator(const environment& env, std::string* out) : env_(env), out_(out) {}
  /// Breaks the reference cycles a render can create (a scope holding a macro that closes
  /// over it, a namespace holding itself) so every object is freed.
  ~evaluator();
  evaluator(const evaluator&) = delete;
  evaluator& operator=(const evaluator&) = delete;

  /// Renders `program` with `context` as the render context.
  void render_root(const std::shared_ptr<const template_program>& program, const value& context);

  // -- used by builtins -----------------------------------------------------------------

  const environment& env() const noexcept { return env_; }
  bool strict() const noexcept { return env_.options().undefined == undefined_policy::strict; }

  /// Raises the undefined error for an undefined value under the strict policy.
  void check(const runtime_value& v) const;
  /// Raises the undefined error for an undefined value under any policy.
  [[noreturn]] void raise_undefined(const runtime_value& v) const;

  /// `str(v)` honouring the strict policy (Jinja's soft_str).
  std::string text(const runtime_value& v) const;
  bool truth(const runtime_value& v) const;
  /// Items of an iterable (list, tuple, dict keys, string characters; Undefined is empty).
  std::vector<runtime_value> iterate(const runtime_value& v) const;
  /// `len(v)`.
  std::int64_t length(const runtime_value& v) const;

  runtime_value getattr(const runtime_value& obj, std::string_view name) const;
  runtime_value getitem(const runtime_value& obj, const runtime_value& key) const;
  runtime_value call(const runtime_value& callee, call_arguments& args);

  /// Applies a filter / test by name (for map, select, reject...).
  runtime_value apply_filter(std::string_view name, const runtime_value& input,
                             call_arguments& args, int line);
  bool apply_test(std::string_view name, const runtime_value& input, call_arguments& args,
                  int line);

  /// Runs a macro body: binds arguments in a new scope under `closure`, renders `body`.
  std::string invoke_macro(const stmt& def, const std::shared_ptr<frame>& closure,
                           const std::shared_ptr<const template_program>& owner,
                           call_arguments& args, const runtime_value& caller);

  /// Renders a recursive loop's body over `items` one level deeper.
  std::string recurse_loop(const stmt& loop, const std::shared_ptr<frame>& scope,
                           const std::shared_ptr<const template_program>& owner,
                           const runtime_value& items, int depth);

  /// Registers a namespace created by this render (cleared when the render ends).
  void track(const std::shared_ptr<namespace_object>& ns) { namespaces_.push_back(ns); }

  /// Renders the next block in the inheritance chain of `name` after `level` (super()).
  std::string render_super(const std::string& name, std::size_t level);

private:
  friend struct call_guard;

  runtime_value eval(const expr& e);
  runtime_value eval_name(const expr& e);
  runtime_value eval_binary(const expr& e);
  runtime_value eval_compare(const expr& e);
  runtime_value eval_call(const expr& e);
  runtime_value eval_filter(const expr& e, const runtime_value* block_input);
  bool eval_test(const expr& e);
  void eval_arguments(const expr& e, std::size_t first, call_arguments& out);

  void exec(const stmt_list& body);
  void exec_stmt(const stmt& s);
  void exec_for(const stmt& s);
  void run_loop(const stmt& s, const runtime_value& iterable, int depth);
  void exec_include(const stmt& s);
  void exec_import(const stmt& s);
  void exec_block(const stmt& s);
  void assign(const target& t, const runtime_value& v, frame& into);
  std::string capture(const stmt_list& body);

  /// Executes a whole template body in `scope` (extends-aware).
  void run_template(const std::shared_ptr<const template_program>& program,
                    const std::shared_ptr<frame>& scope);
  std::shared_ptr<frame> module_scope(bool with_context);

  const environment& env_;
  std::string* out_;
  std::shared_ptr<frame> scope_;
  /// The scope of the template being run (where non-scoped blocks resolve names).
  std::shared_ptr<frame> template_scope_;
  /// The root scope of the render (context only), for imports without context.
  std::shared_ptr<frame> context_scope_;
  std::shared_ptr<const template_program> program_;
  /// Blocks by name, most derived first (template inheritance).
  std::vector<std::pair<
    std::string, std::vector<std::pair<const stmt*, std::shared_ptr<const template_program>>>>>
    blocks_;
  /// Set once an `extends` ran in the current template: further output is dropped.
  std::shared_ptr<const template_program> parent_;
  int depth_ = 0;
  int eval_depth_ = 0;
  /// Scopes that macros close over and namespaces: cleared by the destructor.
  std::vector<std::weak_ptr<frame>> closures_;
  std::vector<std::weak_ptr<namespace_object>> namespaces_;
};

} // namespace genflow::templating
