#pragma once

/// genflow's Jinja2-compatible template engine.
///
/// An `environment` holds the options (whitespace control, undefined policy, the `onex`
/// filter set), the user's filters and tests and a loader for `include`/`import`/`from`/
/// `extends`. `compile` turns source text into an immutable `compiled_template` (an AST with
/// literals folded and builtins resolved); `render` walks it against a context. Output is
/// byte-for-byte what Python's Jinja2 3.1 produces for the same template, context and options
/// (see tests/data/templating/corpus, checked against Jinja2 itself).
///
/// Errors are values: syntax errors from `compile`, render-time errors (strict undefined,
/// type errors, missing includes) from `render`, each naming the template and line:
/// `error_info{"template.syntax", "unexpected 'endfor'", "node.py.j2:12"}`. Error codes are
/// listed in template_errc.hpp.
///
/// Thread safety: `compile` and `render` are const and may run concurrently; a
/// compiled_template is immutable and can be rendered from several threads at once. Templates
/// pulled in by include/import are compiled once and cached inside the environment (guarded by a
/// mutex). Configure (`set_loader`, `add_filter`, `add_test`) before sharing the environment.
///
/// @code
/// templating::environment env{{.trim_blocks = true, .lstrip_blocks = true}};
/// env.set_loader(templating::directory_loader("configs/templates"));
/// auto tpl = env.compile("Hello {{ name | upper }}!", "greeting");
/// if (!tpl) return tpl.error();
/// auto text = env.render(**tpl, value::object_type{{"name", "genflow"}});   // "Hello GENFLOW!"
/// @endcode

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/expected.hpp"
#include "messages/value.hpp"

namespace genflow::templating {

struct template_program;
class evaluator;

enum class undefined_policy {
  /// Jinja's default `Undefined`: prints empty, iterates empty, is falsy; an attribute or item
  /// of an undefined value, or arithmetic on it, is an error.
  lenient,
  /// Jinja's `StrictUndefined`: any use except `is defined`/`is undefined`/`default` is an error.
  strict,
};

struct environment_options {
  /// Remove the first newline after a block tag (`{% ... %}`) or comment.
  bool trim_blocks = false;
  /// Strip spaces and tabs from the start of a line up to a block tag or comment.
  bool lstrip_blocks = false;
  /// Keep a single trailing newline of the source (Jinja removes it by default).
  bool keep_trailing_newline = false;
  undefined_policy undefined = undefined_policy::lenient;
  /// Register the original system's filters: to_snake_case, sort_imports, repr, and its
  /// `indent(text, spaces=4)` that replaces Jinja's indent.
  bool onex_filters = false;
};

/// An immutable, compiled template; shareable across threads.
class compiled_template {
public:
  explicit compiled_template(std::shared_ptr<const template_program> program);

  /// The name given to `compile` (used in error places).
  const std::string& name() const noexcept;

  /// The compiled program (for the engine).
  const std::shared_ptr<const template_program>& program() const noexcept { return program_; }

private:
  std::shared_ptr<const template_program> program_;
};

/// Loads template source by name for include/import/from/extends (e.g. from a directory).
using template_loader = std::function<expected<std::string>(std::string_view name)>;

using filter_function =
  std::function<expected<value>(const value& input, const std::vector<value>& args,
                                const std::vector<std::pair<std::string, value>>& kwargs)>;

using test_function = std::function<expected<bool>(const value&, const std::vector<value>&)>;

class environment {
public:
  explicit environment(environment_options opts = {});
  ~environment();

  environment(const environment&) = delete;
  environment& operator=(const environment&) = delete;

  /// Sets the loader used by include/import/from/extends and `render_named`.
  void set_loader(template_loader loader);

  /// Registers a filter (a user filter replaces a builtin of the same name). Arguments and
  /// results cross as plain values: tuples become lists, Markup a string, Undefined null.
  void add_filter(std::string name, filter_function f);

  /// Registers a test (`x is name(args)`).
  void add_test(std::string name, test_function t);

  /// Compiles `source`; `name` appears in error places ("name:line").
  expected<std::shared_ptr<const compiled_template>> compile(std::string_view source,
                                                             std::string name) const;

  /// Renders a compiled template against a context (a JSON object; null means empty).
  expected<std::string> render(const compiled_template& t, const value& context) const;

  /// Loads by name through the loader, compiles (cached), renders (convenience).
  expected<std::string> render_named(std::string_view name, const value& context) const;

  /// Forgets the templates cached for include/import (after they changed on disk).
  void clear_loaded() const;

  const environment_options& options() const noexcept { return opts_; }

  // -- engine internals (used by the evaluator) ---------------------------------------

  /// A user filter or test by name (nullptr when none).
  const filter_function* user_filter(std::string_view name) const;
  const test_function* user_test(std::string_view name) const;

  /// Loads and compiles a template by name for include/import, cached; throws
  /// template_failure (not_found, syntax...) on failure.
  std::shared_ptr<const template_program> load_program(std::string_view name) const;

private:
  std::shared_ptr<const template_program> compile_program(std::string_view source,
                                                          std::string name) const;

  environment_options opts_;
  template_loader loader_;
  std::map<std::string, filter_function, std::less<>> filters_;
  std::map<std::string, test_function, std::less<>> tests_;
  mutable std::mutex loaded_mutex_;
  /// Templates loaded by name. Protected by loaded_mutex_.
  mutable std::map<std::string, std::shared_ptr<const template_program>, std::less<>> loaded_;
};

/// A loader reading `<dir>/<name>` (names may contain '/', never ".."); a dir "embedded:<path>"
/// reads the files compiled into the binary.
template_loader directory_loader(std::string dir);

} // namespace genflow::templating
