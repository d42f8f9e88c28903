#pragma once

/// One Python source file, parsed once, with the facts every validator rule needs.
///
/// `python_module::parse` runs tree-sitter once, flattens the tree (syntax_tree.hpp), builds a
/// line index and then collects, in one iterative pass, the syntax facts the rules share:
/// classes (bases, methods, decorators, docstring), functions (async flag, parameters with
/// annotations and defaults, return annotation, docstring, decorators, McCabe complexity),
/// calls (callee dotted name, import-resolved qualified name, positional and keyword arguments),
/// imports, raise statements, comments and string literals. Facts come from the syntax tree:
/// a word inside a comment or a string is never mistaken for code.
///
/// Syntax errors (ERROR / MISSING nodes, and what CPython's tokenizer rejects: null bytes,
/// bytes that are not UTF-8, 100 indentation levels or 200 nested brackets, Python 2
/// print/exec statements; plus indentation beyond column 255, which tree-sitter-python cannot
/// represent) are collected with their line and column. Past a layout limit only that error is
/// reported, as CPython does. Facts are still built from the recovered tree, but validators
/// treat a module with syntax errors as failed.
///
/// @code
/// auto m = python_module::parse(read_text, "node.py");
/// if (m.has_syntax_errors()) report(m.syntax_errors().front());
/// for (const auto& f : m.functions())
///   std::cout << f.qualified_name << " complexity " << f.complexity << '\n';
/// for (const auto& c : m.calls())
///   if (c.qualified_name == "subprocess.call") ...
/// @endcode

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/analysis/syntax_tree.hpp"

namespace genflow::analysis {

// -- positions ----------------------------------------------------------------

/// A place in the source: 1-based line and 1-based column counted in Unicode code points
/// (what editors and SARIF's "unicodeCodePoints" column kind show). 0/0 means "whole file".
struct source_position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  friend bool operator==(const source_position&, const source_position&) = default;
};

// -- facts --------------------------------------------------------------------

/// What kind of expression an argument, default or keyword value is.
enum class expression_kind : std::uint8_t {
  string,  ///< a string literal (implicit concatenation included)
  fstring, ///< an f-string
  bytes,   ///< a bytes literal
  true_,
  false_,
  none,
  number,
  name,      ///< a plain identifier
  attribute, ///< `a.b.c`
  list,
  tuple,
  dictionary,
  set,
  call,
  other,
};

/// An argument, default or keyword value, summarized as the rules read it.
struct expression_fact {
  node_id node = no_node;
  expression_kind kind = expression_kind::other;
  /// The literal value the way bandit's `_get_literal_value` sees it: decoded text of a
  /// string or bytes literal (the literal parts of an f-string), "True"/"False"/"None", a
  /// number's text, an identifier, the last name of an attribute. Empty otherwise.
  std::string literal;
  /// Lists, tuples, dicts and sets: whether they have elements.
  bool non_empty = false;
};

struct keyword_fact {
  /// The keyword; empty for `**mapping`.
  std::string name;
  expression_fact value;
};

enum class parameter_kind : std::uint8_t {
  positional_only,
  positional,
  var_positional, ///< *args
  keyword_only,
  var_keyword, ///< **kwargs
};

struct parameter_fact {
  std::string name;
  parameter_kind kind = parameter_kind::positional;
  node_id node = no_node;
  /// The annotation's source text, empty when there is none.
  std::string annotation;
  bool has_default = false;
  expression_fact default_value;
};

struct function_fact {
  std::string name;
  /// "Class.method", "outer.inner", "name".
  std::string qualified_name;
  node_id node = no_node;
  bool is_async = false;
  /// The class whose body defines it directly (a method), or -1.
  std::int32_t class_index = -1;
  /// The nearest enclosing function, or -1.
  std::int32_t parent_function = -1;
  std::vector<parameter_fact> parameters;
  /// The return annotation's source text, empty when there is none.
  std::string return_annotation;
  std::optional<std::string> docstring;
  /// Decorators as dotted names without arguments: "property", "app.route".
  std::vector<std::string> decorators;
  /// McCabe complexity of the function's own flow graph, computed as mccabe 0.7 does (nested
  /// functions and classes count inside their parent). Equal to mccabe's figure for every
  /// function mccabe reports (module-level functions and methods).
  int complexity = 1;
  /// Whether mccabe reports this function as a graph of its own (see complexity_graph).
  bool own_graph = false;
};

struct class_fact {
  std::string name;
  std::string qualified_name;
  node_id node = no_node;
  std::int32_t parent_class = -1;
  std::int32_t parent_function = -1;
  /// Positional superclass expressions as dotted text ("NodeEffect", "mixins.MixinHealthCheck",
  /// "Generic[T]" as written).
  std::vector<std::string> bases;
  /// `metaclass=...` and other class keywords.
  std::vector<keyword_fact> keywords;
  /// Indices into `functions()` of the methods defined directly in the body, in order.
  std::vector<std::int32_t> methods;
  std::optional<std::string> docstring;
  std::vector<std::string> decorators;
};

struct call_fact {
  node_id node = no_node;
  /// The callee as a dotted name as written ("subprocess.call", "self.run", "eval"); for
  /// callees that are not a name chain, the chain bandit would build (e.g. ".bar" for
  /// `foo().bar()`), or empty.
  std::string callee;
  /// The callee with import aliases resolved, as bandit's `get_call_name` builds it:
  /// `from os import system as s; s(...)` -> "os.system".
  std::string qualified_name;
  std::vector<expression_fact> positional;
  std::vector<keyword_fact> keywords;
  bool has_star_args = false;
  bool has_star_kwargs = false;
  /// The enclosing function, or -1 at module or class level.
  std::int32_t function = -1;

  /// The keyword argument with this name, or nullptr.
  const keyword_fact* keyword(std::string_view name) const noexcept;
  /// The last component of the callee ("call" for "subprocess.call").
  std::string_view short_name() const noexcept;
};

struct import_fact {
  node_id node = no_node;
  /// `import a.b` -> "a.b"; `from m import n` -> "m"; `from . import n` -> "".
  std::string module;
  /// `from m import n` -> "n"; empty for `import a.b`.
  std::string name;
  /// The `as` name, empty when there is none.
  std::string alias;
  bool from_import = false;
  /// Leading dots of a relative import.
  std::uint32_t level = 0;
};

struct raise_fact {
  node_id node = no_node;
  std::int32_t function = -1;
  /// A bare `raise` (re-raise).
  bool bare = false;
  /// `raise X(...)`: the callee's dotted name; `raise X`: the name; else the expression text.
  std::string exception;
  /// Whether the exception is constructed (`raise X(...)`).
  bool is_call = false;
  /// Whether the raised name is bound by an enclosing `except ... as name` (a re-raise).
  bool reraises_caught = false;
};

struct comment_fact {
  node_id node = no_node;
  std::uint32_t line = 0;
  std::string_view text;
};

struct string_fact {
  node_id node = no_node;
  /// Decoded value (the literal parts of an f-string, concatenated).
  std::string value;
  bool is_fstring = false;
  bool is_bytes = false;
  /// A module, class or function docstring.
  bool is_docstring = false;
  /// The whole statement is this string (bandit skips such strings).
  bool is_expression_statement = false;
};

/// One flow graph as mccabe 0.7 reports it: module-level functions and methods, and the
/// `if` / loops / `try` statements at module or class level (outside any function).
struct complexity_graph {
  /// mccabe's dictionary key ("Class.method", "If 12"); a later graph with the same key
  /// replaces the earlier one in place, as in mccabe.
  std::string key;
  /// What `python3 -m mccabe` prints before the number: "12:4: 'Class.method'" or "If 12".
  std::string name;
  std::uint32_t line = 0;
  /// 0-based byte column (CPython's col_offset).
  std::uint32_t byte_column = 0;
  int complexity = 1;
  /// The statement the graph starts at (a function_definition, if, for, while or try).
  node_id node = no_node;
  /// The function, or -1 for an if/loop/try graph.
  std::int32_t function = -1;
};

// -- the module ---------------------------------------------------------------

class python_module {
public:
  /// Parses `source` (any bytes; never fails) and collects its facts. `path` only names it.
  static python_module parse(std::string source, std::string path = {});

  // -- properties -------------------------------------------------------------

  const std::string& path() const noexcept { return path_; }
  std::string_view source() const noexcept { return *source_; }
  const syntax_tree& tree() const noexcept { return tree_; }

  bool has_syntax_errors() const noexcept { return !syntax_errors_.empty(); }
  /// Syntax errors in source order (at most 50).
  const std::vector<syntax_error>& syntax_errors() const noexcept { return syntax_errors_; }

  const std::vector<class_fact>& classes() const noexcept { return classes_; }
  const std::vector<function_fact>& functions() const noexcept { return functions_; }
  const std::vector<call_fact>& calls() const noexcept { return calls_; }
  const std::vector<import_fact>& imports() const noexcept { return imports_; }
  const std::vector<raise_fact>& raises() const noexcept { return raises_; }
  const std::vector<comment_fact>& comments() const noexcept { return comments_; }
  const std::vector<string_fact>& strings() const noexcept { return strings_; }
  const std::optional<std::string>& docstring() const noexcept { return docstring_; }
  /// mccabe's graphs, in the order `python3 -m mccabe` prints them.
  const std::vector<complexity_graph>& complexity_graphs() const noexcept { return graphs_; }

  // -- lookups ----------------------------------------------------------------

  /// The last class with this (unqualified) name at module level, else anywhere; nullptr if none.
  const class_fact* find_class(std::string_view name) const noexcept;

  /// The method of `c` with this name (the last definition, as Python binds it), or nullptr.
  const function_fact* find_method(const class_fact& c, std::string_view name) const noexcept;

  /// The function whose subtree contains `node` most closely, or -1.
  std::int32_t enclosing_function(node_id node) const noexcept;

  // -- lines and positions ----------------------------------------------------

  /// Number of lines (a final line without newline counts; an empty file has 0).
  std::uint32_t line_count() const noexcept;
  /// Line `n` (1-based) without its line break ("\n", "\r\n").
  std::string_view line(std::uint32_t n) const noexcept;
  /// Byte offset where line `n` (1-based) starts.
  std::uint32_t line_start(std::uint32_t n) const noexcept;
  /// Position of a byte offset.
  source_position position(std::uint32_t byte_offset) const noexcept;
  /// Position where a node starts.
  source_position position_of(node_id node) const noexcept;

private:
  python_module() = default;
  friend class module_builder;

  std::string path_;
  /// Heap-held so that views into it (tree, comments) survive moves of the module.
  std::shared_ptr<const std::string> source_;
  syntax_tree tree_;
  std::vector<std::uint32_t> line_starts_;
  std::vector<syntax_error> syntax_errors_;
  std::vector<class_fact> classes_;
  std::vector<function_fact> functions_;
  std::vector<call_fact> calls_;
  std::vector<import_fact> imports_;
  std::vector<raise_fact> raises_;
  std::vector<comment_fact> comments_;
  std::vector<string_fact> strings_;
  std::optional<std::string> docstring_;
  std::vector<complexity_graph> graphs_;
};

/// Decodes the body of a Python string literal (escape sequences of non-raw literals;
/// `\N{...}` is kept as written).
std::string decode_string_body(std::string_view body, bool raw, bool bytes);

} // namespace genflow::analysis
