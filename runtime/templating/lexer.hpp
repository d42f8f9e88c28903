#pragma once

/// The template lexer: source text to tokens, reproducing Jinja2 3.1's lexer rule for rule
/// (newline normalization, `-`/`+` whitespace control, `trim_blocks`, `lstrip_blocks`, raw
/// blocks, comments, balanced brackets inside tags, literal syntax and escapes).
///
/// @code
/// auto tokens = tokenize(source, {.trim_blocks = true}, "node.py.j2");   // throws template_failure
/// @endcode

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace genflow::templating {

enum class token_type : std::uint8_t {
  data,
  variable_begin,
  variable_end,
  block_begin,
  block_end,
  name,
  string,
  integer,
  real,
  op, ///< an operator; `text` holds its spelling ("**", "(", "|"...)
  eof,
};

struct token {
  token_type type = token_type::eof;
  int line = 1;
  /// Data text, name, unescaped string literal, or operator spelling.
  std::string text;
  std::int64_t integer = 0;
  double real = 0.0;
};

struct lexer_options {
  bool trim_blocks = false;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
};

/// Tokenizes a whole template. Throws template_failure (template.syntax) with the line on a
/// lexical error: unterminated comment or raw block, unexpected character, unbalanced
/// brackets, bad escape, integer literal beyond 64 bits.
std::vector<token> tokenize(std::string_view source, const lexer_options& opts);

/// How a token reads in an error message ("end of print statement", "'endfor'", "name").
std::string describe(const token& t);

} // namespace genflow::templating
