#include "runtime/analysis/python_module.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <unordered_map>

#include "runtime/analysis/complexity.hpp"

namespace genflow::analysis {

namespace {

constexpr std::size_t max_syntax_errors = 50;
constexpr std::uint32_t max_indentation_levels = 100;   // CPython's MAXINDENT
constexpr std::uint32_t max_bracket_nesting = 200;      // CPython's MAXLEVEL
constexpr std::uint32_t max_parser_indent_column = 255; // tree-sitter-python stores a byte

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\f';
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Offset of the first byte that does not start a well-formed UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + len > s.size())
      return i;
    std::uint32_t cp = c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

/// The PEP 263 encoding declared on line 1 or 2 (lower case), or empty.
std::string declared_encoding(std::string_view s) {
  for (int line = 0; line < 2 && !s.empty(); ++line) {
    auto eol = s.find('\n');
    auto text = s.substr(0, eol);
    auto i = text.find_first_not_of(" \t\f");
    if (i != std::string_view::npos && text[i] == '#') {
      auto at = text.find("coding", i);
      if (at != std::string_view::npos && at + 6 < text.size()
          && (text[at + 6] == ':' || text[at + 6] == '=')) {
        auto j = at + 7;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
          ++j;
        std::string enc;
        while (j < text.size()
               && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-'
                   || text[j] == '_' || text[j] == '.'))
          enc += static_cast<char>(std::tolower(static_cast<unsigned char>(text[j++])));
        return enc;
      }
    } else if (i != std::string_view::npos) {
      return {}; // a code line ends the search
    }
    if (eol == std::string_view::npos)
      break;
    s.remove_prefix(eol + 1);
  }
  return {};
}

bool is_utf8_name(std::string_view enc) noexcept {
  return enc.empty() || enc == "utf-8" || enc == "utf8" || enc == "utf_8" || enc == "utf-8-sig";
}

} // namespace

// -- string literals ----------------------------------------------------------

std::string decode_string_body(std::string_view body, bool raw, bool bytes) {
  if (raw || body.find('\\') == std::string_view::npos)
    return std::string{body};
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char e = body[++i];
    switch (e) {
      case '\n':
        break;
      case '\r':
        if (i + 1 < body.size() && body[i + 1] == '\n')
          ++i;
        break;
      case '\\':
      case '\'':
      case '"':
        out += e;
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x': {
        int hi = i + 1 < body.size() ? hex_value(body[i + 1]) : -1;
        int lo = i + 2 < body.size() ? hex_value(body[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          out += "\\x";
          break;
        }
        auto v = static_cast<std::uint32_t>(hi * 16 + lo);
        if (bytes)
          out += static_cast<char>(v);
        else
          append_utf8(out, v);
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        std::size_t digits = e == 'u' ? 4 : 8;
        if (bytes || i + digits >= body.size()) {
          out += '\\';
          out += e;
          break;
        }
        std::uint32_t v = 0;
        bool ok = true;
        for (std::size_t k = 1; k <= digits; ++k) {
          int h = hex_value(body[i + k]);
          if (h < 0) {
            ok = false;
            break;
          }
          v = v * 16 + static_cast<std::uint32_t>(h);
        }
        if (!ok || v > 0x10FFFF) {
          out += '\\';
          out += e;
          break;
        }
        append_utf8(out, v);
        i += digits;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          std::uint32_t v = static_cast<std::uint32_t>(e - '0');
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7';
               ++k)
            v = v * 8 + static_cast<std::uint32_t>(body[++i] - '0');
          if (bytes)
            out += static_cast<char>(v & 0xFF);
          else
            append_utf8(out, v);
        } else {
          out += '\\';
          out += e;
        }
        break;
    }
  }
  return out;
}

// -- fact lookups -------------------------------------------------------------

const keyword_fact* call_fact::keyword(std::string_view name) const noexcept {
  for (const auto& k : keywords)
    if (k.name == name)
      return &k;
  return nullptr;
}

std::string_view call_fact::short_name() const noexcept {
  std::string_view s = qualified_name;
  auto dot = s.rfind('.');
  return dot == std::string_view::npos ? s : s.substr(dot + 1);
}

// -- the builder --------------------------------------------------------------

class module_builder {
public:
  explicit module_builder(python_module& m) : m_(m), t_(m.tree_) {}

  void build() {
    // Beyond CPython's layout limits tree-sitter's recovery is noise: report the limit alone.
    // Otherwise, at one offset the tokenizer's diagnosis comes before tree-sitter's ERROR node.
    if (!check_tokens())
      m_.syntax_errors_.insert(m_.syntax_errors_.end(), t_.errors().begin(), t_.errors().end());
    collect_facts();
    apply_complexity();
    std::stable_sort(
      m_.syntax_errors_.begin(), m_.syntax_errors_.end(),
      [](const syntax_error& a, const syntax_error& b) { return a.byte_offset < b.byte_offset; });
    if (m_.syntax_errors_.size() > max_syntax_errors)
      m_.syntax_errors_.resize(max_syntax_errors);
  }

private:
  // -- errors CPython's tokenizer reports and tree-sitter accepts --------------

  void add_error(std::uint32_t offset, std::string message) {
    auto line = upper_bound_line(offset);
    m_.syntax_errors_.push_back(
      {line, offset - m_.line_starts_[line - 1] + 1, offset, std::move(message)});
  }

  std::uint32_t upper_bound_line(std::uint32_t offset) const {
    auto it = std::upper_bound(m_.line_starts_.begin(), m_.line_starts_.end(), offset);
    return static_cast<std::uint32_t>(it - m_.line_starts_.begin());
  }

  /// Records what CPython's tokenizer rejects; true when a layout limit was exceeded.
  bool check_tokens() {
    std::string_view src = m_.source();
    if (auto nul = src.find('\0'); nul != std::string_view::npos)
      add_error(static_cast<std::uint32_t>(nul), "source contains a null byte");
    if (auto bad = first_invalid_utf8(src); bad != std::string_view::npos) {
      auto enc = declared_encoding(src);
      if (is_utf8_name(enc)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(src[bad]));
        add_error(static_cast<std::uint32_t>(bad),
                  std::string{"invalid UTF-8 byte "} + hex
                    + "; save the file as UTF-8 or declare its encoding");
      }
    }
    if (scan_layout(src))
      return true;
    for (node_id i = 0; i < t_.size(); ++i) {
      if (t_.kind(i) == syntax_kind::print_statement)
        add_error(t_[i].start_byte,
                  "Missing parentheses in call to 'print'. Did you mean print(...)?");
      else if (t_.kind(i) == syntax_kind::exec_statement)
        add_error(t_[i].start_byte,
                  "Missing parentheses in call to 'exec'. Did you mean exec(...)?");
    }
    return false;
  }

  /// CPython's tokenizer limits, checked on the text itself (a tree-sitter tree of such input is
  /// not reliable): indentation levels of logical lines, bracket nesting outside strings and
  /// comments, and indentation columns beyond what tree-sitter-python's scanner can store.
  /// Stops at the first limit exceeded (and says so).
  bool scan_layout(std::string_view src) {
    std::vector<std::uint32_t> indents{0};
    std::uint32_t depth = 0;
    bool logical_start = true;
    std::size_t i = 0;
    const std::size_t n = src.size();
    while (i < n) {
      if (logical_start) {
        logical_start = false;
        std::uint32_t column = 0;
        auto line_begin = i;
        while (i < n && is_space(src[i])) {
          column = src[i] == '\t' ? (column / 8 + 1) * 8 : src[i] == '\f' ? 0 : column + 1;
          ++i;
        }
        bool blank = i >= n || src[i] == '\n' || src[i] == '\r' || src[i] == '#';
        if (!blank && column > indents.back()) {
          indents.push_back(column);
          if (indents.size() - 1 >= max_indentation_levels) {
            add_error(static_cast<std::uint32_t>(i),
                      "too many levels of indentation (CPython's limit is 100)");
            return true;
          }
          if (column > max_parser_indent_column) {
            add_error(static_cast<std::uint32_t>(line_begin),
                      "indentation beyond column 255 is not supported by the parser");
            return true;
          }
        } else if (!blank) {
          while (column < indents.back())
            indents.pop_back();
        }
        continue;
      }
      char c = src[i];
      switch (c) {
        case '#':
          while (i < n && src[i] != '\n')
            ++i;
          break;
        case '\\': // an escaped newline ("\\\n" or "\\\r\n") continues the logical line
          i += i + 2 < n && src[i + 1] == '\r' && src[i + 2] == '\n' ? 3 : 2;
          break;
        case '\n':
          ++i;
          logical_start = depth == 0;
          break;
        case '(':
        case '[':
        case '{':
          if (++depth > max_bracket_nesting) {
            add_error(static_cast<std::uint32_t>(i),
                      "too many nested parentheses (CPython's limit is 200)");
            return true;
          }
          ++i;
          break;
        case ')':
        case ']':
        case '}':
          depth -= depth > 0 ? 1 : 0;
          ++i;
          break;
        case '\'':
        case '"':
          i = skip_string(src, i);
          break;
        default:
          ++i;
          break;
      }
    }
    return false;
  }

  /// The offset after the string literal that starts with the quote at `i` (the end of the
  /// line for an unterminated single-quoted string, the end of input for a triple-quoted one).
  static std::size_t skip_string(std::string_view src, std::size_t i) {
    char q = src[i];
    bool triple = i + 2 < src.size() && src[i + 1] == q && src[i + 2] == q;
    i += triple ? 3 : 1;
    while (i < src.size()) {
      char c = src[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (!triple && c == '\n')
        return i;
      if (c == q && (!triple || (i + 2 < src.size() && src[i + 1] == q && src[i + 2] == q)))
        return i + (triple ? 3 : 1);
      ++i;
    }
    return src.size();
  }

  // -- facts -------------------------------------------------------------------

  struct scope {
    node_id end;
    std::int32_t function;
    std::int32_t class_index;
  };

  struct handler {
    node_id end;
    std::string_view name;
  };

  std::int32_t current_function() const noexcept {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (it->function >= 0)
        return it->function;
    return -1;
  }

  std::int32_t immediate_class() const noexcept {
    return scopes_.empty() ? -1 : scopes_.back().class_index;
  }

  void collect_facts() {
    if (t_.empty())
      return;
    m_.docstring_ = docstring_of_block(0);
    for (node_id i = 0; i < t_.size(); ++i) {
      while (!scopes_.empty() && i >= scopes_.back().end)
        scopes_.pop_back();
      while (!handlers_.empty() && i >= handlers_.back().end)
        handlers_.pop_back();
      switch (t_.kind(i)) {
        case syntax_kind::function_definition:
          add_function(i);
          break;
        case syntax_kind::class_definition:
          add_class(i);
          break;
        case syntax_kind::call:
          add_call(i);
          break;
        case syntax_kind::import_statement:
          add_import(i);
          break;
        case syntax_kind::import_from_statement:
        case syntax_kind::future_import_statement:
          add_import_from(i);
          break;
        case syntax_kind::raise_statement:
          add_raise(i);
          break;
        case syntax_kind::except_clause:
          if (auto alias = except_alias(i); alias != no_node)
            handlers_.push_back({t_[i].subtree_end, t_.text(alias)});
          break;
        case syntax_kind::comment:
          m_.comments_.push_back({i, t_[i].start_row + 1, t_.text(i)});
          break;
        case syntax_kind::string:
        case syntax_kind::concatenated_string:
          if (t_[i].parent == no_node || t_.kind(t_[i].parent) != syntax_kind::concatenated_string)
            add_string(i);
          break;
        default:
          break;
      }
    }
  }

  /// The name an `except X as name` clause binds, or no_node. tree-sitter-python nests it:
  /// except_clause -> as_pattern (value) -> as_pattern_target (alias) -> identifier.
  node_id except_alias(node_id clause) const {
    auto alias = t_.child(clause, syntax_field::alias);
    if (alias == no_node)
      if (auto v = t_.child(clause, syntax_field::value); v != no_node)
        alias = t_.child(v, syntax_field::alias);
    while (alias != no_node && t_.kind(alias) != syntax_kind::identifier)
      alias = t_.first_named_child(alias);
    return alias;
  }

  /// `a.b.c` for identifier/attribute chains (parentheses stripped); other expressions as text.
  std::string dotted(node_id n) const {
    n = t_.unparenthesize(n);
    std::vector<std::string_view> parts;
    node_id cur = n;
    while (cur != no_node && t_.kind(cur) == syntax_kind::attribute) {
      auto attr = t_.child(cur, syntax_field::attribute);
      parts.push_back(attr != no_node ? t_.text(attr) : std::string_view{});
      cur = t_.unparenthesize(t_.child(cur, syntax_field::object));
    }
    if (cur == no_node || t_.kind(cur) != syntax_kind::identifier)
      return std::string{t_.text(n)};
    std::string out{t_.text(cur)};
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      out += '.';
      out += *it;
    }
    return out;
  }

  /// bandit's `get_call_name`: the callee resolved through import aliases at this point of
  /// the file; `written` gets the same chain without alias resolution.
  std::string qualified(node_id f, std::string& written) const {
    f = t_.unparenthesize(f);
    if (f == no_node)
      return {};
    if (t_.kind(f) == syntax_kind::identifier) {
      written = std::string{t_.text(f)};
      auto it = aliases_.find(written);
      return it != aliases_.end() ? it->second : written;
    }
    if (t_.kind(f) != syntax_kind::attribute)
      return {};
    std::vector<std::string_view> parts;
    node_id cur = f;
    while (cur != no_node && t_.kind(cur) == syntax_kind::attribute) {
      auto attr = t_.child(cur, syntax_field::attribute);
      parts.push_back(attr != no_node ? t_.text(attr) : std::string_view{});
      cur = t_.unparenthesize(t_.child(cur, syntax_field::object));
    }
    std::string name;
    if (cur != no_node && t_.kind(cur) == syntax_kind::identifier) {
      written = std::string{t_.text(cur)};
      auto it = aliases_.find(written);
      name = it != aliases_.end() ? it->second : written;
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      name += '.';
      name += *it;
      written += '.';
      written += *it;
      if (auto a = aliases_.find(name); a != aliases_.end())
        name = a->second;
    }
    return name;
  }

  /// The decoded value of a string or concatenated_string node.
  void string_value(node_id s, std::string& value, bool& fstring, bool& bytes) const {
    if (t_.kind(s) == syntax_kind::concatenated_string) {
      bool first = true;
      for (auto c = t_.first_named_child(s); c != no_node; c = t_.next_named_sibling(c)) {
        if (t_.kind(c) != syntax_kind::string)
          continue;
        bool f = false;
        bool b = false;
        string_value(c, value, f, b);
        fstring = fstring || f;
        if (first)
          bytes = b;
        first = false;
      }
      return;
    }
    bool raw = false;
    for (auto c = t_.first_child(s); c != no_node; c = t_[c].next_sibling) {
      switch (t_.kind(c)) {
        case syntax_kind::string_start:
          for (char p : t_.text(c)) {
            if (p == 'r' || p == 'R')
              raw = true;
            else if (p == 'b' || p == 'B')
              bytes = true;
            else if (p == 'f' || p == 'F')
              fstring = true;
          }
          break;
        case syntax_kind::interpolation:
          fstring = true;
          break;
        case syntax_kind::string_content: {
          auto body = decode_string_body(t_.text(c), raw, bytes);
          if (fstring) { // literal braces are doubled in f-strings
            std::string undoubled;
            for (std::size_t k = 0; k < body.size(); ++k) {
              undoubled += body[k];
              if ((body[k] == '{' || body[k] == '}') && k + 1 < body.size()
                  && body[k + 1] == body[k])
                ++k;
            }
            body = std::move(undoubled);
          }
          value += body;
          break;
        }
        default:
          break;
      }
    }
  }

  expression_fact expression(node_id n) const {
    expression_fact out;
    n = t_.unparenthesize(n);
    out.node = n;
    if (n == no_node)
      return out;
    switch (t_.kind(n)) {
      case syntax_kind::string:
      case syntax_kind::concatenated_string: {
        bool f = false;
        bool b = false;
        string_value(n, out.literal, f, b);
        out.kind = f   ? expression_kind::fstring
                   : b ? expression_kind::bytes
                       : expression_kind::string;
        break;
      }
      case syntax_kind::true_:
        out.kind = expression_kind::true_;
        out.literal = "True";
        break;
      case syntax_kind::false_:
        out.kind = expression_kind::false_;
        out.literal = "False";
        break;
      case syntax_kind::none:
        out.kind = expression_kind::none;
        out.literal = "None";
        break;
      case syntax_kind::integer:
      case syntax_kind::float_:
        out.kind = expression_kind::number;
        out.literal = std::string{t_.text(n)};
        break;
      case syntax_kind::identifier:
        out.kind = expression_kind::name;
        out.literal = std::string{t_.text(n)};
        break;
      case syntax_kind::attribute: {
        out.kind = expression_kind::attribute;
        auto attr = t_.child(n, syntax_field::attribute);
        if (attr != no_node)
          out.literal = std::string{t_.text(attr)};
        break;
      }
      case syntax_kind::list:
      case syntax_kind::tuple:
      case syntax_kind::dictionary:
      case syntax_kind::set:
        out.kind = t_.kind(n) == syntax_kind::list         ? expression_kind::list
                   : t_.kind(n) == syntax_kind::tuple      ? expression_kind::tuple
                   : t_.kind(n) == syntax_kind::dictionary ? expression_kind::dictionary
                                                           : expression_kind::set;
        out.non_empty = t_.first_named_child(n) != no_node;
        break;
      case syntax_kind::call:
        out.kind = expression_kind::call;
        break;
      default:
        break;
    }
    return out;
  }

  std::optional<std::string> docstring_of_block(node_id block) const {
    if (block == no_node)
      return std::nullopt;
    auto first = t_.first_named_child(block);
    if (first == no_node || t_.kind(first) != syntax_kind::expression_statement)
      return std::nullopt;
    auto expr = t_.first_named_child(first);
    if (expr == no_node || t_.next_named_sibling(expr) != no_node)
      return std::nullopt;
    if (t_.kind(expr) != syntax_kind::string && t_.kind(expr) != syntax_kind::concatenated_string)
      return std::nullopt;
    std::string value;
    bool f = false;
    bool b = false;
    string_value(expr, value, f, b);
    if (f || b)
      return std::nullopt;
    return value;
  }

  std::vector<std::string> decorators_of(node_id def) const {
    std::vector<std::string> out;
    auto parent = t_[def].parent;
    if (parent == no_node || t_.kind(parent) != syntax_kind::decorated_definition)
      return out;
    for (auto c = t_.first_named_child(parent); c != no_node; c = t_.next_named_sibling(c)) {
      if (t_.kind(c) != syntax_kind::decorator)
        continue;
      auto expr = t_.unparenthesize(t_.first_named_child(c));
      if (expr != no_node && t_.kind(expr) == syntax_kind::call)
        expr = t_.child(expr, syntax_field::function);
      if (expr != no_node)
        out.push_back(dotted(expr));
    }
    return out;
  }

  void add_parameters(node_id params, function_fact& f) const {
    if (params == no_node)
      return;
    bool keyword_only = false;
    for (auto c = t_.first_named_child(params); c != no_node; c = t_.next_named_sibling(c)) {
      parameter_fact p;
      p.node = c;
      p.kind = keyword_only ? parameter_kind::keyword_only : parameter_kind::positional;
      node_id name = no_node;
      switch (t_.kind(c)) {
        case syntax_kind::identifier:
          name = c;
          break;
        case syntax_kind::default_parameter:
        case syntax_kind::typed_default_parameter: {
          name = t_.child(c, syntax_field::name);
          auto value = t_.child(c, syntax_field::value);
          p.has_default = value != no_node;
          if (value != no_node)
            p.default_value = expression(value);
          break;
        }
        case syntax_kind::typed_parameter:
          name = t_.first_named_child(c);
          break;
        case syntax_kind::list_splat_pattern:
          name = c;
          break;
        case syntax_kind::dictionary_splat_pattern:
          name = c;
          break;
        case syntax_kind::keyword_separator:
          keyword_only = true;
          continue;
        case syntax_kind::positional_separator:
          for (auto& q : f.parameters)
            if (q.kind == parameter_kind::positional)
              q.kind = parameter_kind::positional_only;
          continue;
        default:
          continue;
      }
      if (name == no_node)
        continue;
      if (auto k = t_.kind(name);
          k == syntax_kind::list_splat_pattern || k == syntax_kind::dictionary_splat_pattern) {
        p.kind = k == syntax_kind::list_splat_pattern ? parameter_kind::var_positional
                                                      : parameter_kind::var_keyword;
        if (k == syntax_kind::list_splat_pattern)
          keyword_only = true;
        name = t_.first_named_child(name);
        if (name == no_node) // a bare `*` in some grammar versions
          continue;
      }
      p.name = std::string{t_.text(name)};
      if (auto type = t_.child(c, syntax_field::type); type != no_node)
        p.annotation = std::string{t_.text(type)};
      f.parameters.push_back(std::move(p));
    }
  }

  void add_function(node_id n) {
    function_fact f;
    f.node = n;
    if (auto name = t_.child(n, syntax_field::name); name != no_node)
      f.name = std::string{t_.text(name)};
    auto first = t_.first_child(n);
    f.is_async = first != no_node && t_.kind(first) == syntax_kind::kw_async;
    f.class_index = immediate_class();
    f.parent_function = current_function();
    if (f.class_index >= 0)
      f.qualified_name = m_.classes_[f.class_index].qualified_name + "." + f.name;
    else if (f.parent_function >= 0)
      f.qualified_name = m_.functions_[f.parent_function].qualified_name + "." + f.name;
    else
      f.qualified_name = f.name;
    add_parameters(t_.child(n, syntax_field::parameters), f);
    if (auto r = t_.child(n, syntax_field::return_type); r != no_node)
      f.return_annotation = std::string{t_.text(r)};
    f.docstring = docstring_of_block(t_.child(n, syntax_field::body));
    f.decorators = decorators_of(n);
    auto index = static_cast<std::int32_t>(m_.functions_.size());
    if (f.class_index >= 0)
      m_.classes_[f.class_index].methods.push_back(index);
    m_.functions_.push_back(std::move(f));
    scopes_.push_back({t_[n].subtree_end, index, -1});
  }

  void add_class(node_id n) {
    class_fact c;
    c.node = n;
    if (auto name = t_.child(n, syntax_field::name); name != no_node)
      c.name = std::string{t_.text(name)};
    c.parent_class = immediate_class();
    c.parent_function = current_function();
    if (c.parent_class >= 0)
      c.qualified_name = m_.classes_[c.parent_class].qualified_name + "." + c.name;
    else if (c.parent_function >= 0)
      c.qualified_name = m_.functions_[c.parent_function].qualified_name + "." + c.name;
    else
      c.qualified_name = c.name;
    if (auto supers = t_.child(n, syntax_field::superclasses); supers != no_node) {
      for (auto a = t_.first_named_child(supers); a != no_node; a = t_.next_named_sibling(a)) {
        if (t_.kind(a) == syntax_kind::keyword_argument) {
          keyword_fact k;
          if (auto kn = t_.child(a, syntax_field::name); kn != no_node)
            k.name = std::string{t_.text(kn)};
          k.value = expression(t_.child(a, syntax_field::value));
          c.keywords.push_back(std::move(k));
        } else {
          c.bases.push_back(dotted(a));
        }
      }
    }
    c.docstring = docstring_of_block(t_.child(n, syntax_field::body));
    c.decorators = decorators_of(n);
    auto index = static_cast<std::int32_t>(m_.classes_.size());
    m_.classes_.push_back(std::move(c));
    scopes_.push_back({t_[n].subtree_end, -1, index});
  }

  void add_call(node_id n) {
    call_fact c;
    c.node = n;
    c.function = current_function();
    c.qualified_name = qualified(t_.child(n, syntax_field::function), c.callee);
    auto args = t_.child(n, syntax_field::arguments);
    if (args != no_node && t_.kind(args) == syntax_kind::generator_expression) {
      c.positional.push_back(expression(args));
    } else if (args != no_node) {
      for (auto a = t_.first_named_child(args); a != no_node; a = t_.next_named_sibling(a)) {
        switch (t_.kind(a)) {
          case syntax_kind::keyword_argument: {
            keyword_fact k;
            if (auto kn = t_.child(a, syntax_field::name); kn != no_node)
              k.name = std::string{t_.text(kn)};
            k.value = expression(t_.child(a, syntax_field::value));
            c.keywords.push_back(std::move(k));
            break;
          }
          case syntax_kind::list_splat:
            c.has_star_args = true;
            break;
          case syntax_kind::dictionary_splat: {
            c.has_star_kwargs = true;
            keyword_fact k;
            k.value = expression(t_.first_named_child(a));
            c.keywords.push_back(std::move(k));
            break;
          }
          default:
            c.positional.push_back(expression(a));
            break;
        }
      }
    }
    m_.calls_.push_back(std::move(c));
  }

  void add_import(node_id n) {
    for (auto c = t_.first_named_child(n); c != no_node; c = t_.next_named_sibling(c)) {
      import_fact f;
      f.node = n;
      if (t_.kind(c) == syntax_kind::aliased_import) {
        f.module = dotted(t_.child(c, syntax_field::name));
        if (auto a = t_.child(c, syntax_field::alias); a != no_node)
          f.alias = std::string{t_.text(a)};
      } else if (t_.kind(c) == syntax_kind::dotted_name) {
        f.module = dotted(c);
      } else {
        continue;
      }
      // bandit: `import a.b as c` maps c -> a.b; a plain import adds no alias.
      if (!f.alias.empty())
        aliases_[f.alias] = f.module;
      m_.imports_.push_back(std::move(f));
    }
  }

  void add_import_from(node_id n) {
    std::string module;
    std::uint32_t level = 0;
    bool future = t_.kind(n) == syntax_kind::future_import_statement;
    if (future) {
      module = "__future__";
    } else if (auto mn = t_.child(n, syntax_field::module_name); mn != no_node) {
      if (t_.kind(mn) == syntax_kind::relative_import) {
        for (auto c = t_.first_child(mn); c != no_node; c = t_[c].next_sibling) {
          if (t_.kind(c) == syntax_kind::dotted_name)
            module = dotted(c);
          else if (!t_[c].extra)
            for (char ch : t_.text(c))
              level += ch == '.';
        }
      } else {
        module = dotted(mn);
      }
    }
    auto add = [&](std::string name, std::string alias) {
      import_fact f;
      f.node = n;
      f.module = module;
      f.name = std::move(name);
      f.alias = std::move(alias);
      f.from_import = true;
      f.level = level;
      // bandit: `from m import n [as a]` maps a (or n) -> m.n; `from . import n as a` maps a -> n.
      if (!module.empty())
        aliases_[f.alias.empty() ? f.name : f.alias] = module + "." + f.name;
      else if (!f.alias.empty())
        aliases_[f.alias] = f.name;
      m_.imports_.push_back(std::move(f));
    };
    for (auto c = t_.first_named_child(n); c != no_node; c = t_.next_named_sibling(c)) {
      if (t_[c].field == syntax_field::module_name)
        continue;
      switch (t_.kind(c)) {
        case syntax_kind::aliased_import: {
          std::string alias;
          if (auto a = t_.child(c, syntax_field::alias); a != no_node)
            alias = std::string{t_.text(a)};
          add(dotted(t_.child(c, syntax_field::name)), std::move(alias));
          break;
        }
        case syntax_kind::dotted_name:
          add(dotted(c), {});
          break;
        case syntax_kind::wildcard_import:
          add("*", {});
          break;
        default:
          break;
      }
    }
  }

  void add_raise(node_id n) {
    raise_fact r;
    r.node = n;
    r.function = current_function();
    node_id expr = no_node;
    for (auto c = t_.first_named_child(n); c != no_node; c = t_.next_named_sibling(c))
      if (t_[c].field != syntax_field::cause) {
        expr = c;
        break;
      }
    expr = t_.unparenthesize(expr);
    if (expr == no_node) {
      r.bare = true;
    } else if (t_.kind(expr) == syntax_kind::call) {
      r.is_call = true;
      r.exception = dotted(t_.child(expr, syntax_field::function));
    } else {
      r.exception = dotted(expr);
      if (t_.kind(expr) == syntax_kind::identifier)
        for (const auto& h : handlers_)
          if (h.name == r.exception)
            r.reraises_caught = true;
    }
    m_.raises_.push_back(std::move(r));
  }

  void add_string(node_id n) {
    string_fact s;
    s.node = n;
    string_value(n, s.value, s.is_fstring, s.is_bytes);
    auto parent = t_[n].parent;
    if (parent != no_node && t_.kind(parent) == syntax_kind::expression_statement
        && t_.first_named_child(parent) == n && t_.next_named_sibling(n) == no_node) {
      s.is_expression_statement = true;
      // A docstring: the first statement of the module or of a class or function body.
      auto holder = t_[parent].parent;
      if (holder != no_node && t_.first_named_child(holder) == parent && !s.is_fstring
          && !s.is_bytes) {
        if (t_.kind(holder) == syntax_kind::module) {
          s.is_docstring = true;
        } else if (t_.kind(holder) == syntax_kind::block && t_[holder].parent != no_node) {
          auto owner = t_.kind(t_[holder].parent);
          s.is_docstring = t_[holder].field == syntax_field::body
                           && (owner == syntax_kind::function_definition
                               || owner == syntax_kind::class_definition);
        }
      }
    }
    m_.strings_.push_back(std::move(s));
  }

  void apply_complexity() {
    auto result = compute_mccabe(t_);
    // Both lists are in pre-order of their nodes.
    std::size_t k = 0;
    for (auto& f : m_.functions_) {
      while (k < result.functions.size() && result.functions[k].first < f.node)
        ++k;
      if (k < result.functions.size() && result.functions[k].first == f.node)
        f.complexity = result.functions[k].second;
    }
    for (auto& g : result.graphs) {
      if (t_.kind(g.node) != syntax_kind::function_definition)
        continue;
      auto it = std::lower_bound(m_.functions_.begin(), m_.functions_.end(), g.node,
                                 [](const function_fact& f, node_id n) { return f.node < n; });
      if (it != m_.functions_.end() && it->node == g.node) {
        g.function = static_cast<std::int32_t>(it - m_.functions_.begin());
        it->own_graph = true;
      }
    }
    m_.graphs_ = std::move(result.graphs);
  }

  python_module& m_;
  const syntax_tree& t_;
  std::vector<scope> scopes_;
  std::vector<handler> handlers_;
  std::unordered_map<std::string, std::string> aliases_;
};

// -- python_module ------------------------------------------------------------

python_module python_module::parse(std::string source, std::string path) {
  python_module m;
  m.path_ = std::move(path);
  m.source_ = std::make_shared<const std::string>(std::move(source));
  std::string_view src = *m.source_;
  m.line_starts_.push_back(0);
  for (std::size_t i = 0; i < src.size(); ++i)
    if (src[i] == '\n')
      m.line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
  m.tree_ = parse_syntax_tree(src, max_syntax_errors);
  module_builder{m}.build();
  return m;
}

const class_fact* python_module::find_class(std::string_view name) const noexcept {
  const class_fact* any = nullptr;
  for (auto it = classes_.rbegin(); it != classes_.rend(); ++it) {
    if (it->name != name)
      continue;
    if (it->parent_class < 0 && it->parent_function < 0)
      return &*it;
    if (!any)
      any = &*it;
  }
  return any;
}

const function_fact* python_module::find_method(const class_fact& c,
                                                std::string_view name) const noexcept {
  for (auto it = c.methods.rbegin(); it != c.methods.rend(); ++it)
    if (functions_[*it].name == name)
      return &functions_[*it];
  return nullptr;
}

std::int32_t python_module::enclosing_function(node_id node) const noexcept {
  auto it = std::upper_bound(functions_.begin(), functions_.end(), node,
                             [](node_id n, const function_fact& f) { return n < f.node; });
  if (it == functions_.begin())
    return -1;
  auto i = static_cast<std::int32_t>(it - functions_.begin()) - 1;
  while (i >= 0 && !tree_.contains(functions_[i].node, node))
    i = functions_[i].parent_function;
  return i;
}

std::uint32_t python_module::line_count() const noexcept {
  if (source_->empty())
    return 0;
  auto n = static_cast<std::uint32_t>(line_starts_.size());
  return source_->back() == '\n' ? n - 1 : n;
}

std::uint32_t python_module::line_start(std::uint32_t n) const noexcept {
  if (n == 0 || n > line_starts_.size())
    return static_cast<std::uint32_t>(source_->size());
  return line_starts_[n - 1];
}

std::string_view python_module::line(std::uint32_t n) const noexcept {
  if (n == 0 || n > line_count())
    return {};
  std::string_view src = *source_;
  auto start = line_starts_[n - 1];
  auto end = n < line_starts_.size() ? line_starts_[n] - 1 : static_cast<std::uint32_t>(src.size());
  auto text = src.substr(start, end - start);
  if (!text.empty() && text.back() == '\r')
    text.remove_suffix(1);
  return text;
}

source_position python_module::position(std::uint32_t byte_offset) const noexcept {
  std::string_view src = *source_;
  if (byte_offset > src.size())
    byte_offset = static_cast<std::uint32_t>(src.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte_offset);
  auto line = static_cast<std::uint32_t>(it - line_starts_.begin());
  std::uint32_t column = 1;
  for (auto b = line_starts_[line - 1]; b < byte_offset; ++b)
    if ((static_cast<unsigned char>(src[b]) & 0xC0) != 0x80)
      ++column;
  return {line, column};
}

source_position python_module::position_of(node_id node) const noexcept {
  if (node == no_node || node >= tree_.size())
    return {};
  return position(tree_[node].start_byte);
}

} // namespace genflow::analysis
