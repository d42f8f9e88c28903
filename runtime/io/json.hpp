#pragma once

/// JSON text <-> genflow::value. Object member order is preserved both ways.
///
/// @code
/// auto ctx = parse_json(read_text, "context.json");   // expected<value>
/// std::string text = to_json(*ctx, 2);                 // pretty, 2-space indent
/// @endcode

#include <string>
#include <string_view>

#include "messages/expected.hpp"
#include "messages/value.hpp"

namespace genflow::io {

/// Parses JSON text; errors name `source`, line and column.
expected<value> parse_json(std::string_view text, std::string_view source);

/// Serializes `x` as JSON. `indent < 0` gives the compact form; reals print in the shortest
/// form that round-trips.
std::string to_json(const value& x, int indent = -1);

/// JSON's two-character escape of `c` (\" \\ \n \r \t \b \f), or nullptr when it has none.
constexpr const char* json_short_escape(char32_t c) noexcept {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    default:
      return nullptr;
  }
}

} // namespace genflow::io
