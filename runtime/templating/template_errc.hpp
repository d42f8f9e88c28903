#pragma once

/// The template engine's error codes and the failure it throws internally.
///
/// Every error that leaves the engine is an `error_info` whose `code` is one of the names
/// below and whose `where` is "template-name:line". Inside the engine a failure travels as a
/// `template_failure` exception (the interpreter is recursive); `environment` converts it to an
/// `error_info` at its boundary, so no exception ever leaves the templating API.

#include <exception>
#include <string>
#include <string_view>

namespace genflow::templating {

enum class template_errc {
  syntax,    ///< "template.syntax": the source does not parse (Jinja's TemplateSyntaxError)
  undefined, ///< "template.undefined": illegal use of an undefined value (UndefinedError)
  type,      ///< "template.type": an operation on values of the wrong kind (TypeError)
  value,     ///< "template.value": a bad value, e.g. int('x') or division by zero (ValueError)
  lookup,    ///< "template.lookup": index out of range / missing key where Python raises
  filter,    ///< "template.filter": unknown filter or test, bad filter arguments
  not_found, ///< "template.not_found": include/import/extends of an unknown template
  depth,     ///< "template.depth": nesting or recursion deeper than the engine allows
  overflow,  ///< "template.overflow": an integer result beyond 64 bits
  encoding,  ///< "template.encoding": source or context text that is not UTF-8
  runtime,   ///< "template.runtime": any other render-time failure (TemplateRuntimeError)
};

/// The stable dotted name of a code ("template.syntax").
std::string_view code_name(template_errc code) noexcept;

/// Thrown inside the engine; converted to error_info by `environment`.
class template_failure : public std::exception {
public:
  template_failure(template_errc code, std::string message, int line = 0)
    : code_(code), message_(std::move(message)), line_(line) {}

  const char* what() const noexcept override { return message_.c_str(); }

  template_errc code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  int line() const noexcept { return line_; }
  const std::string& template_name() const noexcept { return template_name_; }

  /// Records the place once: the innermost template and line win.
  void locate(const std::string& template_name, int line) {
    if (line_ == 0 && template_name_.empty()) {
      line_ = line;
      template_name_ = template_name;
    } else if (template_name_.empty()) {
      template_name_ = template_name;
    }
  }

private:
  template_errc code_;
  std::string message_;
  int line_;
  std::string template_name_;
};

[[noreturn]] inline void fail(template_errc code, std::string message, int line = 0) {
  throw template_failure(code, std::move(message), line);
}

} // namespace genflow::templating
