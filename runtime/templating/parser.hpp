#pragma once

/// The template parser: tokens to a `template_program`, following Jinja2 3.1's grammar
/// (operator precedence, tuples, filters and tests, every statement the engine supports) and
/// its error messages. Nesting deeper than `max_nesting` is rejected with "template.depth"
/// rather than overflowing the stack.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/templating/ast.hpp"
#include "runtime/templating/lexer.hpp"

namespace genflow::templating {

/// What the parser needs to know about the environment's filters and tests.
struct parser_hooks {
  /// Resolves a filter name to a builtin (nullptr when none).
  std::function<filter_impl(std::string_view)> builtin_filter;
  std::function<test_impl(std::string_view)> builtin_test;
  /// Whether a user filter / test of that name is registered (it wins over a builtin).
  std::function<bool(std::string_view)> has_user_filter;
  std::function<bool(std::string_view)> has_user_test;
};

/// Deepest expression or statement nesting accepted.
inline constexpr int max_nesting = 96;

/// Parses `source`; throws template_failure (syntax, filter, depth, overflow) with the line.
std::unique_ptr<template_program> parse_template(std::string_view source, std::string name,
                                                 const lexer_options& opts,
                                                 const parser_hooks& hooks);

} // namespace genflow::templating
