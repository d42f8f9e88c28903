#include "runtime/analysis/syntax_tree.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <tree_sitter/api.h>

#include "runtime/io/thread_pool.hpp"

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

namespace {

/// What one tree-sitter parse flattens into.
struct flat_tree {
  std::vector<syntax_node> nodes;
  std::vector<syntax_error> errors;
};

/// Parses `source` (only its `ranges`, or all of it when there are none) with the calling
/// thread's parser; null only if tree-sitter gives up (it does not for UTF-8 input).
std::unique_ptr<TSTree, tree_deleter> ts_parse(std::string_view source, const TSRange* ranges,
                                               std::uint32_t range_count) {
  auto* parser = thread_parser();
  ts_parser_set_included_ranges(parser, ranges, range_count);
  return std::unique_ptr<TSTree, tree_deleter>{ts_parser_parse_string(
    parser, nullptr, source.data(), static_cast<std::uint32_t>(source.size()))};
}

/// Flattens `tree` (see the header for the layout).
flat_tree flatten(const TSTree* tree, std::string_view source, std::size_t max_errors) {
  const auto& tab = tables();
  flat_tree out;
  auto& nodes = out.nodes;
  auto& errors = out.errors;

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
  TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree));
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
  return out;
}

flat_tree parse_whole(std::string_view source, std::size_t max_errors) {
  auto tree = ts_parse(source, nullptr, 0);
  if (!tree)
    return {};
  return flatten(tree.get(), source, max_errors);
}

// -- parsing in pieces ----------------------------------------------------------
//
// A large file is parsed in a few pieces at once, each taken up by whichever thread gets free
// first (the caller or a helper), and the flat trees are joined into the one a single parse gives.
// Pieces meet at the start of a definition (`def`, `async def`, `class` or a decorator) after a
// blank line, at the top level or in the body of a top-level class. The first piece is the text
// before its cut, parsed as a file of its own; each other piece is parsed through tree-sitter's
// included ranges, with the header line(s) of the class it starts in put in front, so that it
// parses as the same class and every position in it is the file's own. A piece with a syntax
// error, or pieces whose shapes do not join, make it parse the whole file instead: syntax
// errors are reported by one parse, as always. Tests check that both ways give the same tree
// on the Python standard library.

/// Where a file can be cut.
struct split_point {
  std::uint32_t at = 0; ///< first byte of the piece after the cut (a line start)
  std::uint32_t row = 0;
  /// The top-level class the cut is in (its header lines `[header_start, header_end)`), or
  /// none: a cut between top-level statements.
  bool in_class = false;
  std::uint32_t header_start = 0;
  std::uint32_t header_end = 0;
  std::uint32_t header_row = 0;
  std::uint32_t header_end_row = 0;
};

bool starts_definition(std::string_view line) noexcept {
  auto keyword = [&](std::string_view kw) {
    return line.size() > kw.size() && line.compare(0, kw.size(), kw) == 0
           && (line[kw.size()] == ' ' || line[kw.size()] == '\t' || line[kw.size()] == '('
               || line[kw.size()] == ':');
  };
  return (!line.empty() && line[0] == '@') || keyword("def") || keyword("async")
         || keyword("class");
}

/// Up to `pieces - 1` cuts that divide `source` into pieces of about equal size, in order,
/// found with a light scan of Python's lexical structure (strings, brackets, comments, line
/// continuations, indentation); none when the file has no definition to cut at, or indentation
/// by tabs or lone carriage returns make the scan unsure. A cut the scan gets wrong leaves a
/// piece with a syntax error: the fallback parses the whole file.
std::vector<split_point> find_cuts(std::string_view s, std::uint32_t pieces) {
  const auto n = static_cast<std::uint32_t>(s.size());
  std::vector<split_point> candidates;

  char quote = 0;      // the open string's quote character
  bool triple = false; // ... and whether it is triple-quoted
  int depth = 0;       // open brackets
  bool continued = false;
  bool prev_blank = false;   // the previous line is blank
  bool prev_comment = false; // the last non-blank line is a comment
  bool prev_decorator = false;
  // The top-level class being read: its header, and its body's indentation once seen.
  struct {
    bool open = false;
    bool header_done = false;
    char last = 0; // last code character of the header
    std::uint32_t start = 0, end = 0, row = 0, end_row = 0;
    std::uint32_t body_indent = 0;
  } cls;

  std::uint32_t row = 0;
  for (std::uint32_t i = 0; i < n; ++row) {
    const std::uint32_t line_start = i;
    bool logical = quote == 0 && depth == 0 && !continued;
    continued = false;
    if (logical) {
      std::uint32_t indent = 0;
      bool odd_indent = false; // tabs and form feeds: the scan does not follow their columns
      for (; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'); ++i, ++indent)
        odd_indent = odd_indent || s[i] != ' ';
      char c = i < n ? s[i] : '\n';
      if (odd_indent && c != '\n' && c != '\r')
        return {};
      if (c == '\n' || (c == '\r' && i + 1 < n && s[i + 1] == '\n')) {
        prev_blank = true;
      } else if (c == '#') {
        prev_blank = false;
        prev_comment = true;
      } else {
        auto rest = s.substr(i, std::min<std::uint32_t>(n - i, 8));
        if (prev_blank && !prev_comment && starts_definition(rest)) {
          split_point p;
          p.at = line_start;
          p.row = row;
          bool usable = indent == 0;
          if (indent > 0 && cls.open && cls.header_done && indent == cls.body_indent) {
            usable = true;
            p.in_class = true;
            p.header_start = cls.start;
            p.header_end = cls.end;
            p.header_row = cls.row;
            p.header_end_row = cls.end_row;
          }
          if (usable)
            candidates.push_back(p);
        }
        if (indent == 0) {
          cls.open = !prev_decorator && rest.compare(0, 5, "class") == 0 && starts_definition(rest);
          cls.header_done = false;
          cls.start = line_start;
          cls.row = row;
          cls.body_indent = 0;
          prev_decorator = c == '@';
        } else if (cls.open && cls.header_done && cls.body_indent == 0) {
          cls.body_indent = indent;
        }
        prev_blank = false;
        prev_comment = false;
      }
    } else {
      prev_blank = false;
      prev_comment = false;
    }
    // The rest of the line.
    bool string_goes_on = false;
    for (; i < n && s[i] != '\n'; ++i) {
      char c = s[i];
      if (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))
        return {};
      if (quote != 0) {
        if (c == '\\') {
          if (i + 1 < n && s[i + 1] == '\n') {
            string_goes_on = true; // an escaped line end
            ++i;
            break;
          }
          ++i;
        } else if (c == quote
                   && (!triple || (i + 2 < n && s[i + 1] == quote && s[i + 2] == quote))) {
          i += triple ? 2 : 0;
          quote = 0;
        }
        continue;
      }
      if (c == '#') {
        while (i + 1 < n && s[i + 1] != '\n')
          ++i;
        continue;
      }
      if (c == '\\' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
        continued = true;
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\r')
        cls.last = c;
      if (c == '"' || c == '\'') {
        quote = c;
        triple = i + 2 < n && s[i + 1] == c && s[i + 2] == c;
        i += triple ? 2 : 0;
      } else if (c == '(' || c == '[' || c == '{') {
        ++depth;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    if (quote != 0 && !triple && !string_goes_on)
      quote = 0; // a one-line string left open: tree-sitter reports it
    ++i;         // past the '\n'
    // The end of a logical line ends a class header: a body follows if it ended with ':'.
    if (cls.open && !cls.header_done && quote == 0 && depth == 0 && !continued) {
      cls.header_done = true;
      cls.end = std::min(i, n);
      cls.end_row = row + 1;
      cls.open = cls.last == ':' && i <= n;
    }
  }
  // For each of the even dividing points, the nearest candidate; a piece much smaller than
  // the others gains less than it costs.
  std::vector<split_point> cuts;
  const std::uint32_t min_piece = n / pieces / 3;
  std::uint32_t previous = 0;
  for (std::uint32_t k = 1; k < pieces; ++k) {
    const std::uint32_t target = static_cast<std::uint32_t>(std::uint64_t{n} * k / pieces);
    auto it = std::lower_bound(candidates.begin(), candidates.end(), target,
                               [](const split_point& p, std::uint32_t at) { return p.at < at; });
    if (it != candidates.begin()
        && (it == candidates.end() || target - std::prev(it)->at < it->at - target))
      --it;
    if (it == candidates.end() || it->at < previous + min_piece || n - it->at < min_piece)
      continue;
    cuts.push_back(*it);
    previous = it->at;
  }
  return cuts;
}

/// Parses one piece: `ranges` of the file's bytes. None when it has a syntax error.
std::optional<flat_tree> parse_piece(std::string_view source, const TSRange* ranges,
                                     std::uint32_t range_count) {
  auto tree = ts_parse(source, ranges, range_count);
  if (!tree || ts_node_has_error(ts_tree_root_node(tree.get())))
    return std::nullopt;
  return flatten(tree.get(), source, 0);
}

/// The last child of `i`, or no_node.
node_id last_child(const std::vector<syntax_node>& nodes, node_id i) {
  node_id last = no_node;
  for (node_id c = i + 1 < nodes[i].subtree_end ? i + 1 : no_node; c != no_node;
       c = nodes[c].next_sibling)
    last = c;
  return last;
}

/// Joins the second piece's tree `b` onto the first's, `a`, as one parse of the file gives it;
/// false (and `a` unusable) when their shapes do not fit that.
bool join(flat_tree& a, const flat_tree& b, const split_point& cut) {
  auto& an = a.nodes;
  const auto& bn = b.nodes;
  if (an.empty() || bn.size() < 2 || an[0].kind != syntax_kind::module
      || bn[0].kind != syntax_kind::module)
    return false;
  const auto a_size = static_cast<node_id>(an.size());

  // b's nodes [0, shared] repeat a's (the module, and for a cut in a class, the class and its
  // header down to its body block); they map to `a_spine`, the rest are appended.
  node_id shared = 0;
  node_id a_spine = 0; // a's node that b's node `shared` stands for
  node_id a_class = no_node;
  if (cut.in_class) {
    a_class = last_child(an, 0);
    if (a_class == no_node || bn[1].kind != syntax_kind::class_definition
        || an[a_class].kind != syntax_kind::class_definition
        || an[a_class].start_byte != bn[1].start_byte || bn[1].parent != 0)
      return false;
    node_id b_block = last_child(bn, 1);
    node_id a_block = last_child(an, a_class);
    if (b_block == no_node || a_block == no_node || bn[b_block].kind != syntax_kind::block
        || an[a_block].subtree_end != a_size || bn[b_block].subtree_end != bn[1].subtree_end)
      return false;
    // The header's nodes (name, superclasses, ...) are the same in both; the first piece also
    // has the comments between the header and the body's first statement.
    node_id j = a_class + 1;
    for (node_id k = 2; k < b_block; k = bn[k].subtree_end, j = an[j].subtree_end) {
      while (j < a_block && an[j].extra && an[j].start_byte >= cut.header_end)
        j = an[j].subtree_end;
      const auto& x = bn[k];
      const auto& y = an[j];
      if (j >= a_block || x.start_byte != y.start_byte || x.end_byte != y.end_byte
          || x.kind != y.kind || x.field != y.field || x.subtree_end - k != y.subtree_end - j)
        return false;
    }
    while (j < a_block && an[j].extra && an[j].start_byte >= cut.header_end)
      j = an[j].subtree_end;
    if (j != a_block)
      return false;
    shared = b_block;
    a_spine = a_block;
  }
  auto map = [&](node_id k) -> node_id {
    if (k == no_node)
      return no_node;
    if (k == 0)
      return 0;
    if (k <= shared) // only the class and its block are ever referred to
      return k == shared ? a_spine : a_class;
    return a_size + (k - shared - 1);
  };
  an.reserve(an.size() + bn.size() - shared - 1);
  for (node_id k = shared + 1; k < bn.size(); ++k) {
    syntax_node x = bn[k];
    if (x.start_byte < cut.at)
      return false; // something of the first piece again
    x.parent = map(x.parent);
    x.next_sibling = map(x.next_sibling);
    x.subtree_end = map(x.subtree_end - 1) + 1;
    an.push_back(x);
  }
  // Link the first appended child of the spine node after its last child in a, and stretch
  // the spine (the module, and the class and its block) over the second piece.
  node_id first_new = shared + 1 < bn[shared].subtree_end ? map(shared + 1) : no_node;
  if (first_new != no_node) {
    if (auto last = last_child(an, a_spine); last != no_node && last < a_size)
      an[last].next_sibling = first_new;
  }
  const auto total = static_cast<node_id>(an.size());
  an[0].end_byte = bn[0].end_byte;
  an[0].subtree_end = total;
  if (cut.in_class) {
    node_id b_block = shared;
    an[a_spine].end_byte = bn[b_block].end_byte;
    an[a_spine].subtree_end = map(bn[b_block].subtree_end - 1) + 1;
    an[a_class].end_byte = bn[1].end_byte;
    an[a_class].subtree_end = an[a_spine].subtree_end;
    an[a_class].next_sibling = map(bn[1].next_sibling);
  }
  return true;
}

/// Parses in flight in this process: a parse is cut in pieces only while a core is idle.
std::atomic<unsigned> parses_in_flight{0};

/// The helper threads that take up pieces of a parse besides the calling thread.
io::thread_pool& helpers() {
  static io::thread_pool pool{std::max(2u, std::thread::hardware_concurrency()) - 1};
  return pool;
}

/// Pieces of one parse, taken up by whichever thread asks first: the caller, and helpers when
/// they get to it. The caller waits only for pieces a helper is parsing, never for one still
/// queued. A helper may start after the parse is over: it then finds nothing left to take and
/// touches only this object, which it shares.
class pieces_job {
public:
  pieces_job(std::size_t count, std::function<void(std::size_t)> parse)
    : count_(count), parse_(std::move(parse)) {}

  /// Parses pieces until none is left.
  void take() {
    for (std::size_t k; (k = next_.fetch_add(1)) < count_;) {
      std::exception_ptr e;
      try {
        parse_(k);
      } catch (...) {
        e = std::current_exception();
      }
      std::lock_guard<std::mutex> guard{mutex_};
      if (e && !failure_)
        failure_ = e;
      if (++finished_ == count_)
        all_done_.notify_all();
    }
  }

  /// Returns once every piece is parsed; rethrows what a piece threw.
  void wait() {
    std::unique_lock<std::mutex> lock{mutex_};
    all_done_.wait(lock, [&] { return finished_ == count_; });
    if (failure_)
      std::rethrow_exception(failure_);
  }

private:
  const std::size_t count_;
  const std::function<void(std::size_t)> parse_;
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;
  std::condition_variable all_done_;
  std::size_t finished_ = 0;   // protected by mutex_
  std::exception_ptr failure_; // protected by mutex_
};

/// The whole file parsed in pieces at once and joined; none if a piece has a syntax error or
/// the pieces do not join.
std::optional<flat_tree> parse_in_pieces(std::string_view source,
                                         const std::vector<split_point>& cuts) {
  const std::size_t count = cuts.size() + 1;
  std::vector<std::optional<flat_tree>> parsed(count);
  auto parse = [&](std::size_t k) {
    if (k == 0) {
      parsed[0] = parse_piece(source.substr(0, cuts[0].at), nullptr, 0);
      return;
    }
    const auto& cut = cuts[k - 1];
    std::array<TSRange, 2> ranges{};
    std::uint32_t n = 0;
    if (cut.in_class)
      ranges[n++] =
        TSRange{{cut.header_row, 0}, {cut.header_end_row, 0}, cut.header_start, cut.header_end};
    if (k < cuts.size())
      ranges[n++] = TSRange{{cut.row, 0}, {cuts[k].row, 0}, cut.at, cuts[k].at};
    else
      ranges[n++] = TSRange{{cut.row, 0}, {UINT32_MAX, UINT32_MAX}, cut.at, UINT32_MAX};
    parsed[k] = parse_piece(source, ranges.data(), n);
  };

  auto job = std::make_shared<pieces_job>(count, parse);
  for (std::size_t h = 1; h < std::min(count, helpers().size() + 1); ++h)
    helpers().post([job] { job->take(); });
  job->take();
  job->wait();
  for (const auto& p : parsed)
    if (!p)
      return std::nullopt;
  for (std::size_t k = 1; k < count; ++k)
    if (!join(*parsed[0], *parsed[k], cuts[k - 1]))
      return std::nullopt;
  return std::move(parsed[0]);
}

} // namespace

syntax_tree parse_syntax_tree(std::string_view source, std::size_t max_errors, parse_mode mode) {
  if (source.size() >= 0xFFFFFFFFu)
    return syntax_tree{source, {}, {}};
  struct in_flight {
    unsigned count = parses_in_flight.fetch_add(1, std::memory_order_relaxed) + 1;
    ~in_flight() { parses_in_flight.fetch_sub(1, std::memory_order_relaxed); }
  } guard;
  static const unsigned cores = std::thread::hardware_concurrency();
  std::uint32_t pieces = 0;
  if (mode == parse_mode::split)
    pieces = 4;
  else if (mode == parse_mode::automatic && source.size() >= parallel_parse_min_bytes
           && guard.count < cores)
    pieces = static_cast<std::uint32_t>(
      std::min<std::size_t>({4, source.size() / 3072, cores - guard.count + 1}));
  if (pieces >= 2)
    if (auto cuts = find_cuts(source, pieces); !cuts.empty())
      if (auto joined = parse_in_pieces(source, cuts))
        return syntax_tree{
          source, std::move(joined->nodes), {}, static_cast<unsigned>(cuts.size() + 1)};
  auto whole = parse_whole(source, max_errors);
  return syntax_tree{source, std::move(whole.nodes), std::move(whole.errors)};
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
