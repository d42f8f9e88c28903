#pragma once

/// Jinja2's builtin filters, tests and globals, Python's operators and the `str`/`list`/`dict`
/// methods templates call, and the original system's `onex` filters — each with the Python
/// semantics templates rely on.

#include <optional>
#include <string>
#include <string_view>

#include "runtime/templating/ast.hpp"

namespace genflow::templating {

/// A builtin filter by name (`onex` adds to_snake_case, sort_imports, repr and replaces
/// indent); nullptr when there is none.
filter_impl builtin_filter(std::string_view name, bool onex);

/// A builtin test by name; nullptr when there is none.
test_impl builtin_test(std::string_view name);

/// A builtin global (`range`, `dict`, `namespace`, `cycler`, `joiner`); nullopt when none.
std::optional<runtime_value> builtin_global(std::string_view name);

/// Whether `receiver.name` is a Python method of a str, list, tuple or dict.
bool has_method(const runtime_value& receiver, std::string_view name);

/// Calls method `name` on a str, list, tuple or dict; false when there is no such method.
bool call_method(evaluator& ev, const runtime_value& receiver, std::string_view name,
                 call_arguments& args, runtime_value& result);

/// Python's binary arithmetic operators (+ - * / // % **) including str/list concatenation,
/// repetition and `%` string formatting.
runtime_value arithmetic(evaluator& ev, binary_op op, const runtime_value& a,
                         const runtime_value& b);

/// Python's `x in container`.
bool contains(evaluator& ev, const runtime_value& container, const runtime_value& item);

/// HTML-escapes `&<>'"` (markupsafe's escape) and marks the result safe.
runtime_value escape_html(evaluator& ev, const runtime_value& v);

/// `str % args` (printf-style formatting, Python rules).
std::string percent_format(evaluator& ev, std::string_view format, const runtime_value& args);

} // namespace genflow::templating
