#pragma once

/// A Python concrete syntax tree, parsed once by tree-sitter (tree-sitter-python 0.23.6) and
/// flattened into one array in pre-order, so that every rule walks it with plain loops: the
/// descendants of node `i` are exactly the indices `i + 1 .. subtree_end(i) - 1`, children are
/// linked through `next_sibling`, and no walk ever needs recursion (a file of 5000 nested
/// parentheses is as safe to analyse as any other).
///
/// Node kinds are genflow's own enumeration of the grammar symbols the rules look at; every
/// other named node is `syntax_kind::other`. Anonymous tokens are kept only when the rules
/// distinguish them (`kw_*`, `op_*`); the others (punctuation, most keywords and operators, a
/// third of all nodes) are not stored. Fields (`name`, `body`, `function`, ...) are likewise
/// enumerated.
/// tree-sitter is an implementation detail of the .cpp: this header does not include it.
///
/// @code
/// syntax_tree tree = parse_syntax_tree(source);
/// for (node_id i = 0; i < tree.size(); ++i)
///   if (tree.kind(i) == syntax_kind::call)
///     if (auto f = tree.child(i, syntax_field::function); f != no_node)
///       std::cout << tree.text(f) << '\n';
/// for (const auto& e : tree.errors()) std::cout << e.line << ':' << e.column << ' ' << e.message;
/// @endcode

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace genflow::analysis {

/// Index of a node in a `syntax_tree`.
using node_id = std::uint32_t;

/// "No node": returned by lookups that find nothing.
inline constexpr node_id no_node = 0xFFFFFFFFu;

/// The grammar symbols genflow's rules distinguish. Names follow tree-sitter-python's node
/// types; a trailing underscore avoids a keyword; `kw_*` and `op_*` are anonymous tokens.
enum class syntax_kind : std::uint8_t {
  other,
  /// An anonymous token the rules do not distinguish: never stored in a tree.
  token,
  error,
  // -- statements --
  module,
  block,
  class_definition,
  function_definition,
  decorated_definition,
  decorator,
  expression_statement,
  assignment,
  if_statement,
  elif_clause,
  else_clause,
  for_statement,
  while_statement,
  try_statement,
  except_clause,
  except_group_clause,
  with_statement,
  raise_statement,
  assert_statement,
  import_statement,
  import_from_statement,
  future_import_statement,
  print_statement,
  exec_statement,
  aliased_import,
  dotted_name,
  relative_import,
  wildcard_import,
  // -- parameters --
  typed_parameter,
  default_parameter,
  typed_default_parameter,
  list_splat_pattern,
  dictionary_splat_pattern,
  keyword_separator,
  positional_separator,
  // -- expressions --
  identifier,
  attribute,
  call,
  argument_list,
  keyword_argument,
  list_splat,
  dictionary_splat,
  generator_expression,
  string,
  concatenated_string,
  string_start,
  string_content,
  interpolation,
  binary_operator,
  comparison_operator,
  true_,
  false_,
  none,
  integer,
  float_,
  list,
  tuple,
  dictionary,
  set,
  parenthesized_expression,
  subscript,
  comment,
  // -- anonymous tokens --
  kw_async,
  op_plus,
  op_percent,
};

/// The grammar fields genflow's rules read (`none`: the child has no field).
enum class syntax_field : std::uint8_t {
  none,
  other,
  alias,
  alternative,
  arguments,
  attribute,
  body,
  cause,
  consequence,
  definition,
  function,
  left,
  module_name,
  name,
  object,
  operator_,
  parameters,
  return_type,
  right,
  subscript,
  superclasses,
  type,
  value,
};

/// One node of the flattened tree. Rows and byte columns are 0-based, as tree-sitter gives them.
struct syntax_node {
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::uint32_t start_row = 0;
  std::uint32_t start_column = 0;
  node_id parent = no_node;
  node_id next_sibling = no_node;
  /// One past the last descendant: the subtree of `i` is `[i, subtree_end)`.
  node_id subtree_end = 0;
  syntax_kind kind = syntax_kind::other;
  syntax_field field = syntax_field::none;
  bool named = false;
  /// Comments and line continuations: allowed anywhere, not part of the structure.
  bool extra = false;
  /// A zero-width token tree-sitter inserted to recover from a syntax error.
  bool missing = false;
};

/// A syntax error: 1-based line, 1-based byte column, and what is wrong.
struct syntax_error {
  std::uint32_t line = 0;
  std::uint32_t byte_column = 0;
  std::uint32_t byte_offset = 0;
  std::string message;
};

/// The flattened tree of one source text. It refers to the text (`text()` returns views into
/// it), so the text must outlive the tree; `python_module` keeps both together.
class syntax_tree {
public:
  // -- properties -------------------------------------------------------------

  std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(nodes_.size()); }
  bool empty() const noexcept { return nodes_.empty(); }
  const syntax_node& operator[](node_id i) const noexcept { return nodes_[i]; }
  syntax_kind kind(node_id i) const noexcept { return nodes_[i].kind; }

  /// The source text of a node.
  std::string_view text(node_id i) const noexcept {
    const auto& n = nodes_[i];
    return source_.substr(n.start_byte, n.end_byte - n.start_byte);
  }

  /// ERROR and MISSING nodes, in source order.
  const std::vector<syntax_error>& errors() const noexcept { return errors_; }

  /// How many pieces the file was parsed in (1, or up to 4 on the cores that were idle).
  unsigned pieces() const noexcept { return pieces_; }

  // -- navigation -------------------------------------------------------------

  /// First child (extras included), or no_node.
  node_id first_child(node_id i) const noexcept {
    return i + 1 < nodes_[i].subtree_end ? i + 1 : no_node;
  }

  /// The first child with this field, or no_node.
  node_id child(node_id i, syntax_field f) const noexcept;

  /// The first non-extra child of this kind, or no_node.
  node_id child_of_kind(node_id i, syntax_kind k) const noexcept;

  /// The first named, non-extra child, or no_node.
  node_id first_named_child(node_id i) const noexcept;

  /// The next named, non-extra sibling, or no_node.
  node_id next_named_sibling(node_id i) const noexcept;

  /// Strips parentheses: `((x))` -> `x`.
  node_id unparenthesize(node_id i) const noexcept;

  /// Whether `descendant` lies in the subtree of `ancestor` (or is it).
  bool contains(node_id ancestor, node_id descendant) const noexcept {
    return descendant >= ancestor && descendant < nodes_[ancestor].subtree_end;
  }

  // -- construction -----------------------------------------------------------

  /// Used by `parse_syntax_tree` only.
  syntax_tree(std::string_view source, std::vector<syntax_node> nodes,
              std::vector<syntax_error> errors, unsigned pieces = 1)
    : source_(source), nodes_(std::move(nodes)), errors_(std::move(errors)), pieces_(pieces) {}

  syntax_tree() = default;

private:
  std::string_view source_;
  std::vector<syntax_node> nodes_;
  std::vector<syntax_error> errors_;
  unsigned pieces_ = 1;
};

/// How `parse_syntax_tree` may use idle cores.
enum class parse_mode : std::uint8_t {
  /// A file of `parallel_parse_min_bytes` or more is parsed in pieces at once while fewer
  /// parses are in flight in the process than there are cores: as many pieces as idle cores
  /// plus the caller's, at most one per 3 KB and at most 4.
  automatic,
  /// One parse on the calling thread.
  whole,
  /// Four pieces, or as many as the file has places to cut, whatever its size (for tests).
  split,
};

/// Below this size, idle cores gain less than handing them the work costs.
inline constexpr std::size_t parallel_parse_min_bytes = 8 * 1024;

/// Parses Python source (UTF-8; tree-sitter recovers from any byte sequence) into a flattened
/// tree. Never fails: syntax errors are reported in `errors()`, at most `max_errors` of them.
///
/// A large file may be parsed in pieces by the calling thread and a helper (see `parse_mode`),
/// cut at the start of definitions between top-level statements or in a top-level class's body;
/// the tree is the one a single parse gives. A piece with a syntax error makes it parse the
/// whole file again: syntax errors always come from one parse.
syntax_tree parse_syntax_tree(std::string_view source, std::size_t max_errors = 50,
                              parse_mode mode = parse_mode::automatic);

/// Human name of a kind, as in the grammar ("function_definition").
std::string_view kind_name(syntax_kind k) noexcept;

} // namespace genflow::analysis
