#pragma once

/// Python-style argument binding for builtin filters, tests, methods and globals: positional
/// arguments fill the parameters in order, keywords by name, and the errors read like
/// Python's ("upper() got an unexpected keyword argument 'x'").

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/templating/ast.hpp"

namespace genflow::templating {

/// Bound arguments: one slot per declared parameter, nullopt when not given.
class bound_arguments {
public:
  bound_arguments(std::string_view function, call_arguments& args,
                  std::initializer_list<std::string_view> params)
    : slots_(params.size()) {
    if (args.positional.size() > params.size())
      fail(template_errc::type, std::string{function} + "() takes at most "
                                  + std::to_string(params.size()) + " argument(s) ("
                                  + std::to_string(args.positional.size()) + " given)");
    for (std::size_t i = 0; i < args.positional.size(); ++i)
      slots_[i] = std::move(args.positional[i]);
    for (auto& [name, v] : args.keyword) {
      std::size_t i = 0;
      for (auto p : params) {
        if (p == name)
          break;
        ++i;
      }
      if (i == params.size())
        fail(template_errc::type,
             std::string{function} + "() got an unexpected keyword argument '" + name + "'");
      if (slots_[i])
        fail(template_errc::type,
             std::string{function} + "() got multiple values for argument '" + name + "'");
      slots_[i] = std::move(v);
    }
  }

  bool has(std::size_t i) const { return slots_[i].has_value(); }
  const runtime_value& operator[](std::size_t i) const { return *slots_[i]; }
  runtime_value get(std::size_t i, runtime_value dflt) const {
    return slots_[i] ? *slots_[i] : std::move(dflt);
  }

private:
  std::vector<std::optional<runtime_value>> slots_;
};

/// Parses a run of ASCII digits; nullopt when empty, not all digits, or beyond int64.
inline std::optional<std::int64_t> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 18)
    return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

/// Requires an int (or bool) argument and returns it.
inline std::int64_t int_argument(std::string_view what, const runtime_value& v) {
  if (v.is_int() || v.is_bool())
    return v.as_integer();
  fail(template_errc::type,
       std::string{what} + ": an integer is required, not '" + std::string{type_name(v)} + "'");
}

} // namespace genflow::templating
