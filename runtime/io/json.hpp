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

} // namespace genflow::io
