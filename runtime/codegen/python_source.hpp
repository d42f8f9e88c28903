#pragma once

/// Python source fragments computed in C++ for the ONEX templates: literals, identifiers,
/// annotations and wrapped docstring text. The templates only lay these out, so escaping and
/// typing rules live in one tested place and render identically in every Jinja2 engine.
///
/// @code
/// python_string_literal("it's \"x\"")     // "\"it's \\\"x\\\"\""
/// python_literal(value{true})             // "True"
/// python_identifier("retry-count")        // "retry_count"
/// wrap_words("a long description ...", 72) // lines of at most 72 columns
/// @endcode

#include <string>
#include <string_view>
#include <vector>

#include "messages/value.hpp"

namespace genflow::codegen {

/// A double-quoted Python string literal (backslash, quote and control characters escaped;
/// other UTF-8 text kept as is).
std::string python_string_literal(std::string_view text);

/// A Python expression for a JSON-shaped value: None, True/False, ints, floats (always with a
/// '.' or an exponent), strings, lists and dicts.
std::string python_literal(const value& x);

/// A valid, non-keyword Python identifier derived from `text`: snake case, characters outside
/// [a-z0-9_] become '_', a leading digit or a keyword gets a "field_" prefix.
std::string python_identifier(std::string_view text);

/// Text made safe inside a """docstring""": backslashes doubled, triple quotes broken up.
std::string docstring_text(std::string_view text);

/// Splits `text` into lines of at most `width` columns at spaces (longer words stay whole);
/// newlines in `text` start new lines, blank lines are kept, trailing spaces dropped.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

/// Splits `text` into string literals of at most `width` characters each (for implicit
/// concatenation across lines); at least one literal, even for empty text.
std::vector<std::string> python_string_chunks(std::string_view text, std::size_t width);

} // namespace genflow::codegen
