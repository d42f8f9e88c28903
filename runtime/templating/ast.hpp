#pragma once

/// The compiled form of a template: an immutable tree of expressions and statements that the
/// evaluator walks. Built once by the parser; literals are folded to constants and builtin
/// filters and tests are resolved to function pointers at compile time, so rendering never
/// re-parses or looks a builtin up by name.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/templating/runtime_value.hpp"

namespace genflow::templating {

struct expr;
struct stmt;
class evaluator;
using expr_ptr = std::unique_ptr<expr>;
using stmt_ptr = std::unique_ptr<stmt>;
using stmt_list = std::vector<stmt_ptr>;

/// Positional and keyword arguments of a call, filter or test, evaluated.
struct call_arguments {
  std::vector<runtime_value> positional;
  std::vector<std::pair<std::string, runtime_value>> keyword;
};

/// A builtin or user filter: receives the evaluator (for undefined policy, environment).
using filter_impl = runtime_value (*)(evaluator& ev, const runtime_value& input,
                                      call_arguments& args);
using test_impl = bool (*)(evaluator& ev, const runtime_value& input, call_arguments& args);

enum class expr_kind : std::uint8_t {
  constant, ///< `value`
  name,     ///< `name`
  getattr,  ///< operands[0].name
  getitem,  ///< operands[0][operands[1]]
  slice,    ///< operands: target, start, stop, step (null when omitted)
  call,     ///< operands[0](args)
  filter,   ///< operands[0] | name(args); operands[0] null inside a filter block
  test,     ///< operands[0] is name(args)
  not_,     ///< not operands[0]
  neg,      ///< -operands[0]
  pos,      ///< +operands[0]
  binary,   ///< operands[0] op operands[1]
  compare,  ///< operands[0] ops[0] operands[1] ops[1] operands[2] ...
  and_,     ///< operands[0] and operands[1]
  or_,      ///< operands[0] or operands[1]
  concat,   ///< operands[0] ~ operands[1] ~ ...
  cond,     ///< operands[1] if operands[0] else operands[2] (operands[2] may be null)
  list,     ///< [operands...]
  tuple,    ///< (operands...)
  dict,     ///< {operands[0]: operands[1], ...}
};

enum class binary_op : std::uint8_t { add, sub, mul, div, floordiv, mod, pow };
enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in };

struct expr {
  expr_kind kind = expr_kind::constant;
  int line = 0;
  runtime_value value; ///< constant
  std::string name;    ///< name, attribute, filter or test name
  std::vector<expr_ptr> operands;
  std::vector<std::pair<std::string, expr_ptr>> keywords;
  expr_ptr star_args;   ///< `*args` of a call
  expr_ptr star_kwargs; ///< `**kwargs` of a call
  binary_op bop = binary_op::add;
  std::vector<compare_op> cops;
  filter_impl filter = nullptr; ///< resolved builtin filter
  test_impl test = nullptr;     ///< resolved builtin test
  /// For filter/test names that are unknown at compile time inside a conditional branch:
  /// Jinja raises only if the branch runs.
  bool unknown = false;
};

/// An assignment target: a name, a tuple of targets, or `ns.attr`.
struct target {
  enum class kind : std::uint8_t { name, tuple, ns_attr } type = kind::name;
  std::string name;
  std::string attr;
  std::vector<target> items;
  int line = 0;
};

enum class stmt_kind : std::uint8_t {
  text,         ///< `text`
  print,        ///< {{ exprs[0] }}
  if_,          ///< exprs[0] ? body : else_body
  for_,         ///< for tgt in exprs[0] [if exprs[1]] body else else_body
  set,          ///< tgt = exprs[0]
  set_block,    ///< {% set tgt | filter %} body {% endset %}; exprs[0] = filter chain or null
  macro,        ///< macro `name`(params) body
  call_block,   ///< {% call(params) exprs[0] %} body
  filter_block, ///< {% filter exprs[0] %} body
  include,      ///< include exprs[0]
  import,       ///< import exprs[0] as name
  from_import,  ///< from exprs[0] import names
  with,         ///< with targets = exprs body
  block,        ///< block name body
  extends,      ///< extends exprs[0]
};

/// A macro signature (also used by call blocks).
struct macro_signature {
  std::vector<std::string> params;
  std::vector<expr_ptr> defaults; ///< for the last defaults.size() params
  bool catch_varargs = false;     ///< the body reads `varargs`
  bool catch_kwargs = false;      ///< the body reads `kwargs`
  bool uses_caller = false;       ///< the body reads `caller`
};

struct stmt {
  stmt_kind kind = stmt_kind::text;
  int line = 0;
  std::string text;
  std::string name; ///< macro / block / import alias
  target tgt;
  std::vector<target> targets; ///< with
  std::vector<expr_ptr> exprs;
  stmt_list body;
  stmt_list else_body;
  macro_signature signature;
  bool recursive = false;                                   ///< for ... recursive
  bool uses_loop = false;                                   ///< the for body reads `loop`
  bool ignore_missing = false;                              ///< include ... ignore missing
  bool with_context = false;                                ///< include/import ... with context
  std::vector<std::pair<std::string, std::string>> imports; ///< from-import (name, alias)
  bool scoped = false;                                      ///< block ... scoped
};

/// A compiled template: immutable, shared across threads.
struct template_program {
  std::string name;
  stmt_list body;
  /// Top-level and nested `{% block %}` statements by name (pointers into `body`).
  std::map<std::string, const stmt*, std::less<>> blocks;
  bool has_extends = false;
  /// Source length: the render reserves this much output up front.
  std::size_t source_size = 0;
};

} // namespace genflow::templating
