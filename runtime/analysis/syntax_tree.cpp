#include "runtime/analysis/syntax_tree.hpp"

#include <array>
#include <cstring>
#include <memory>

#include <tree_sitter/api.h>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace genflow::analysis {

namespace {

// -- grammar symbol and field tables ------------------------------------------

struct kind_entry {
  std::string_view name;
  bool named;
  syntax_kind kind;
};

// Every kind except other/token/error, with its grammar name. Anonymous tokens are matched on
// their literal text.
constexpr kind_entry kind_table[] = {
  {"module", true, syntax_kind::module},
  {"block", true, syntax_kind::block},
  {"class_definition", true, syntax_kind::class_definition},
  {"function_definition", true, syntax_kind::function_definition},
  {"decorated_definition", true, syntax_kind::decorated_definition},
  {"decorator", true, syntax_kind::decorator},
  {"expression_statement", true, syntax_kind::expression_statement},
  {"assignment", true, syntax_kind::assignment},
  {"if_statement", true, syntax_kind::if_statement},
  {"elif_clause", true, syntax_kind::elif_clause},
  {"else_clause", true, syntax_kind::else_clause},
  {"for_statement", true, syntax_kind::for_statement},
  {"while_statement", true, syntax_kind::while_statement},
  {"try_statement", true, syntax_kind::try_statement},
  {"except_clause", true, syntax_kind::except_clause},
  {"except_group_clause", true, syntax_kind::except_group_clause},
  {"with_statement", true, syntax_kind::with_statement},
  {"raise_statement", true, syntax_kind::raise_statement},
  {"assert_statement", true, syntax_kind::assert_statement},
  {"import_statement", true, syntax_kind::import_statement},
  {"import_from_statement", true, syntax_kind::import_from_statement},
  {"future_import_statement", true, syntax_kind::future_import_statement},
  {"print_statement", true, syntax_kind::print_statement},
  {"exec_statement", true, syntax_kind::exec_statement},
  {"aliased_import", true, syntax_kind::aliased_import},
  {"dotted_name", true, syntax_kind::dotted_name},
  {"relative_import", true, syntax_kind::relative_import},
  {"wildcard_import", true, syntax_kind::wildcard_import},
  {"typed_parameter", true, syntax_kind::typed_parameter},
  {"default_parameter", true, syntax_kind::default_parameter},
  {"typed_default_parameter", true, syntax_kind::typed_default_parameter},
  {"list_splat_pattern", true, syntax_kind::list_splat_pattern},
  {"dictionary_splat_pattern", true, syntax_kind::dictionary_splat_pattern},
  {"keyword_separator", true, syntax_kind::keyword_separator},
  {"positional_separator", true, syntax_kind::positional_separator},
  {"identifier", true, syntax_kind::identifier},
  {"attribute", true, syntax_kind::attribute},
  {"call", true, syntax_kind::call},
  {"argument_list", true, syntax_kind::argument_list},
  {"keyword_argument", true, syntax_kind::keyword_argument},
  {"list_splat", true, syntax_kind::list_splat},
  {"dictionary_splat", true, syntax_kind::dictionary_splat},
  {"generator_expression", true, syntax_kind::generator_expression},
  {"string", true, syntax_kind::string},
  {"concatenated_string", true, syntax_kind::concatenated_string},
  {"string_start", true, syntax_kind::string_start},
  {"string_content", true, syntax_kind::string_content},
  {"interpolation", true, syntax_kind::interpolation},
  {"binary_operator", true, syntax_kind::binary_operator},
  {"comparison_operator", true, syntax_kind::comparison_operator},
  {"true", true, syntax_kind::true_},
  {"false", true, syntax_kind::false_},
  {"none", true, syntax_kind::none},
  {"integer", true, syntax_kind::integer},
  {"float", true, syntax_kind::float_},
  {"list", true, syntax_kind::list},
  {"tuple", true, syntax_kind::tuple},
  {"dictionary", true, syntax_kind::dictionary},
  {"set", true, syntax_kind::set},
  {"parenthesized_expression", true, syntax_kind::parenthesized_expression},
  {"subscript", true, syntax_kind::subscript},
  {"comment", true, syntax_kind::comment},
  {"async", false, syntax_kind::kw_async},
  {"+", false, syntax_kind::op_plus},
  {"%", false, syntax_kind::op_percent},
};

struct field_entry {
  std::string_view name;
  syntax_field field;
};

constexpr field_entry field_table[] = {
  {"alias", syntax_field::alias},
  {"alternative", syntax_field::alternative},
  {"arguments", syntax_field::arguments},
  {"attribute", syntax_field::attribute},
  {"body", syntax_field::body},
  {"cause", syntax_field::cause},
  {"consequence", syntax_field::consequence},
  {"definition", syntax_field::definition},
  {"function", syntax_field::function},
  {"left", syntax_field::left},
  {"module_name", syntax_field::module_name},
  {"name", syntax_field::name},
  {"object", syntax_field::object},
  {"operator", syntax_field::operator_},
  {"parameters", syntax_field::parameters},
  {"return_type", syntax_field::return_type},
  {"right", syntax_field::right},
  {"subscript", syntax_field::subscript},
  {"superclasses", syntax_field::superclasses},
  {"type", syntax_field::type},
  {"value", syntax_field::value},
};

/// Grammar symbol / field id -> genflow kind / field, built once from the language tables.
struct grammar_tables {
  std::vector<syntax_kind> kinds;
  std::vector<syntax_field> fields;

  grammar_tables() {
    const TSLanguage* lang = tree_sitter_python();
    auto symbols = ts_language_symbol_count(lang);
    kinds.resize(symbols, syntax_kind::other);
    for (TSSymbol s = 0; s < symbols; ++s) {
      std::string_view name = ts_language_symbol_name(lang, s);
      bool named = ts_language_symbol_type(lang, s) == TSSymbolTypeRegular;
      kinds[s] = named ? syntax_kind::other : syntax_kind::token;
      for (const auto& e : kind_table)
        if (e.named == named && e.name == name) {
          kinds[s] = e.kind;
          break;
        }
    }
    auto field_count = ts_language_field_count(lang);
    fields.resize(field_count + 1, syntax_field::none);
    for (TSFieldId f = 1; f <= field_count; ++f) {
      std::string_view name = ts_language_field_name_for_id(lang, f);
      fields[f] = syntax_field::other;
      for (const auto& e : field_table)
        if (e.name == name) {
          fields[f] = e.field;
          break;
        }
    }
  }

  syntax_kind kind(TSSymbol s) const noexcept {
    if (s == static_cast<TSSymbol>(-1)) // ts_builtin_sym_error
      return syntax_kind::error;
    return s < kinds.size() ? kinds[s] : syntax_kind::other;
  }

  syntax_field field(TSFieldId f) const noexcept {
    return f < fields.size() ? fields[f] : syntax_field::other;
  }
};

const grammar_tables& tables() {
  static const grammar_tables instance;
  return instance;
}

struct parser_deleter {
  void operator()(TSParser* p) const noexcept { ts_parser_delete(p); }
};
struct tree_deleter {
  void operator()(TSTree* t) const noexcept { ts_tree_delete(t); }
};

/// One parser per thread, created on first use (a parser is not thread-safe, creating one per
/// file costs allocations).
TSParser* thread_parser() {
  thread_local std::unique_ptr<TSParser, parser_deleter> parser = [] {
    std::unique_ptr<TSParser, parser_deleter> p{ts_parser_new()};
    ts_parser_set_language(p.get(), tree_sitter_python());
    return p;
  }();
  return parser.get();
}

/// The first line of `text`, at most 40 bytes, with control characters and bytes that are not
/// UTF-8 written as \xNN (messages end up in JSON and terminals).
std::string first_line_excerpt(std::string_view text) {
  auto eol = text.find_first_of("\r\n");
  if (eol != std::string_view::npos)
    text = text.substr(0, eol);
  constexpr std::size_t max_len = 40;
  bool cut = text.size() > max_len;
  text = text.substr(0, max_len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80             ? 1
                      : (c & 0xE0) == 0xC0 ? 2
                      : (c & 0xF0) == 0xE0 ? 3
                      : (c & 0xF8) == 0xF0 ? 4
                                           : 0;
    bool valid = len > 0 && i + len <= text.size() && !(c < 0x20 || c == 0x7F);
    for (std::size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      ++i;
    }
  }
  if (cut)
    out += "...";
  return out;
}

} // namespace

// -- navigation ---------------------------------------------------------------

node_id syntax_tree::child(node_id i, syntax_field f) const noexcept {
  for (auto c = first_child(i); c != no_node; c = nodes_[c].next_sibling)
    if (nodes_[c].field == f)
      return c;
  return no_node;
}

node_id syntax_tree::child_of_kind(node_id i, syntax_kind k) const noexcept {
  for (auto c = first_child(i); c != no_node; c = nodes_[c].next_sibling)
    if (nodes_[c].kind == k && !nodes_[c].extra)
      return c;
  return no_node;
}

node_id syntax_tree::first_named_child(node_id i) const noexcept {
  for (auto c = first_child(i); c != no_node; c = nodes_[c].next_sibling)
    if (nodes_[c].named && !nodes_[c].extra)
      return c;
  return no_node;
}

node_id syntax_tree::next_named_sibling(node_id i) const noexcept {
  for (auto c = nodes_[i].next_sibling; c != no_node; c = nodes_[c].next_sibling)
    if (nodes_[c].named && !nodes_[c].extra)
      return c;
  return no_node;
}

node_id syntax_tree::unparenthesize(node_id i) const noexcept {
  while (i != no_node && nodes_[i].kind == syntax_kind::parenthesized_expression) {
    auto inner = first_named_child(i);
    if (inner == no_node)
      break;
    i = inner;
  }
  return i;
}

// -- parsing ------------------------------------------------------------------

syntax_tree parse_syntax_tree(std::string_view source, std::size_t max_errors) {
  const auto& tab = tables();
  std::vector<syntax_node> nodes;
  std::vector<syntax_error> errors;
  if (source.size() >= 0xFFFFFFFFu)
    return syntax_tree{source, std::move(nodes), std::move(errors)};

  std::unique_ptr<TSTree, tree_deleter> tree{ts_parser_parse_string(
    thread_parser(), nullptr, source.data(), static_cast<std::uint32_t>(source.size()))};
  if (!tree)
    return syntax_tree{source, std::move(nodes), std::move(errors)};

  // Rough size hint: tree-sitter-python makes about one node per 3 bytes of typical code, two
  // thirds of them named.
  nodes.reserve(source.size() / 4 + 16);

  // Iterative pre-order walk with a cursor; `open` holds the ancestors whose subtree is not
  // finished yet, with their last child so far (to link siblings). Anonymous tokens the rules
  // do not distinguish (punctuation, most keywords and operators: a third of all nodes) are
  // walked over, not stored; a missing one is still reported.
  struct open_node {
    node_id id;
    node_id last_child;
    bool in_error;
  };
  std::vector<open_node> open;
  TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree.get()));
  auto report = [&](const TSNode& n, syntax_kind kind, bool missing) {
    auto p = ts_node_start_point(n);
    auto start = ts_node_start_byte(n);
    if (kind == syntax_kind::error) {
      std::string excerpt = first_line_excerpt(source.substr(start, ts_node_end_byte(n) - start));
      errors.push_back({p.row + 1, p.column + 1, start,
                        excerpt.empty() ? std::string{"invalid syntax"}
                                        : "invalid syntax near '" + excerpt + "'"});
    } else if (missing) {
      errors.push_back({p.row + 1, p.column + 1, start,
                        std::string{"invalid syntax: missing '"} + ts_node_type(n) + "'"});
    }
  };
  // Adds the cursor's node; no_node when it is a token left out.
  auto add_current = [&](bool parent_in_error) -> node_id {
    TSNode n = ts_tree_cursor_current_node(&cursor);
    auto kind = tab.kind(ts_node_symbol(n));
    bool missing = ts_node_is_missing(n);
    if (errors.size() < max_errors && !parent_in_error && (kind == syntax_kind::error || missing))
      report(n, kind, missing);
    if (kind == syntax_kind::token)
      return no_node;
    syntax_node out;
    out.start_byte = ts_node_start_byte(n);
    out.end_byte = ts_node_end_byte(n);
    auto p = ts_node_start_point(n);
    out.start_row = p.row;
    out.start_column = p.column;
    out.kind = kind;
    out.field = tab.field(ts_tree_cursor_current_field_id(&cursor));
    out.named = ts_node_is_named(n);
    out.extra = ts_node_is_extra(n);
    out.missing = missing;
    auto id = static_cast<node_id>(nodes.size());
    if (!open.empty()) {
      out.parent = open.back().id;
      // The first child needs no link: it is always parent + 1.
      if (open.back().last_child != no_node)
        nodes[open.back().last_child].next_sibling = id;
      open.back().last_child = id;
    }
    nodes.push_back(out);
    return id;
  };

  add_current(false);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    open.push_back({0, no_node, nodes[0].kind == syntax_kind::error});
    for (;;) {
      bool in_error = open.back().in_error;
      auto id = add_current(in_error);
      // Tokens have no children worth walking; a stored node opens its subtree.
      if (id != no_node && ts_tree_cursor_goto_first_child(&cursor)) {
        open.push_back({id, no_node, in_error || nodes[id].kind == syntax_kind::error});
        continue;
      }
      if (id != no_node)
        nodes[id].subtree_end = id + 1;
      bool done = false;
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        nodes[open.back().id].subtree_end = static_cast<node_id>(nodes.size());
        open.pop_back();
        if (open.empty() || !ts_tree_cursor_goto_parent(&cursor)) {
          done = true;
          break;
        }
      }
      if (done)
        break;
    }
  }
  nodes[0].subtree_end = static_cast<node_id>(nodes.size());
  ts_tree_cursor_delete(&cursor);
  return syntax_tree{source, std::move(nodes), std::move(errors)};
}

std::string_view kind_name(syntax_kind k) noexcept {
  switch (k) {
    case syntax_kind::other:
      return "other";
    case syntax_kind::token:
      return "token";
    case syntax_kind::error:
      return "ERROR";
    default:
      break;
  }
  for (const auto& e : kind_table)
    if (e.kind == k)
      return e.name;
  return "other";
}

} // namespace genflow::analysis
