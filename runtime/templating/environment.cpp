#include "runtime/templating/environment.hpp"

#include "runtime/io/embedded_files.hpp"
#include "runtime/io/files.hpp"
#include "runtime/templating/builtins.hpp"
#include "runtime/templating/evaluator.hpp"
#include "runtime/templating/parser.hpp"
#include "runtime/templating/unicode.hpp"

namespace genflow::templating {

namespace {

error_info to_error(const template_failure& f, const std::string& fallback_name) {
  const std::string& name = f.template_name().empty() ? fallback_name : f.template_name();
  std::string where = name;
  if (f.line() > 0)
    where += ":" + std::to_string(f.line());
  return error_info{std::string{code_name(f.code())}, f.message(), where, false};
}

/// Checks that every string in the context is UTF-8 (the engine's string functions rely on it).
void check_utf8(const value& v, int depth) {
  if (depth > 256)
    fail(template_errc::depth, "render context nested more than 256 levels");
  switch (v.type()) {
  case value::kind::string:
    if (!text::is_valid_utf8(v.as_string()))
      fail(template_errc::encoding, "render context holds a string that is not valid UTF-8");
    return;
  case value::kind::array:
    for (const auto& x : v.as_array())
      check_utf8(x, depth + 1);
    return;
  case value::kind::object:
    for (const auto& [k, x] : v.as_object()) {
      if (!text::is_valid_utf8(k))
        fail(template_errc::encoding, "render context holds a key that is not valid UTF-8");
      check_utf8(x, depth + 1);
    }
    return;
  default:
    return;
  }
}

} // namespace

compiled_template::compiled_template(std::shared_ptr<const template_program> program)
  : program_(std::move(program)) {}

const std::string& compiled_template::name() const noexcept {
  return program_->name;
}

environment::environment(environment_options opts) : opts_(opts) {}

environment::~environment() = default;

void environment::set_loader(template_loader loader) {
  loader_ = std::move(loader);
  clear_loaded();
}

void environment::add_filter(std::string name, filter_function f) {
  filters_.insert_or_assign(std::move(name), std::move(f));
}

void environment::add_test(std::string name, test_function t) {
  tests_.insert_or_assign(std::move(name), std::move(t));
}

const filter_function* environment::user_filter(std::string_view name) const {
  auto it = filters_.find(name);
  return it == filters_.end() ? nullptr : &it->second;
}

const test_function* environment::user_test(std::string_view name) const {
  auto it = tests_.find(name);
  return it == tests_.end() ? nullptr : &it->second;
}

std::shared_ptr<const template_program> environment::compile_program(std::string_view source,
                                                                     std::string name) const {
  std::size_t bad = 0;
  if (!text::is_valid_utf8(source, &bad)) {
    int line = 1;
    for (std::size_t i = 0; i < bad; ++i)
      line += source[i] == '\n';
    fail(template_errc::encoding,
         "template source is not valid UTF-8 (byte offset " + std::to_string(bad) + ")", line);
  }
  parser_hooks hooks;
  bool onex = opts_.onex_filters;
  hooks.builtin_filter = [onex](std::string_view n) { return builtin_filter(n, onex); };
  hooks.builtin_test = [](std::string_view n) { return builtin_test(n); };
  hooks.has_user_filter = [this](std::string_view n) { return user_filter(n) != nullptr; };
  hooks.has_user_test = [this](std::string_view n) { return user_test(n) != nullptr; };
  lexer_options lex{opts_.trim_blocks, opts_.lstrip_blocks, opts_.keep_trailing_newline};
  try {
    return parse_template(source, name, lex, hooks);
  } catch (template_failure& f) {
    f.locate(name, f.line());
    throw;
  }
}

expected<std::shared_ptr<const compiled_template>> environment::compile(std::string_view source,
                                                                        std::string name) const {
  try {
    auto program = compile_program(source, name);
    return std::make_shared<const compiled_template>(std::move(program));
  } catch (const template_failure& f) {
    return to_error(f, name);
  } catch (const std::bad_alloc&) {
    return error_info{"template.runtime", "out of memory while compiling", name, false};
  } catch (const std::exception& e) {
    return error_info{"template.runtime", std::string{"internal error while compiling: "} + e.what(),
                      name, false};
  }
}

expected<std::string> environment::render(const compiled_template& t, const value& context) const {
  std::string out;
  try {
    const value* ctx = &context;
    value empty_object{value::object_type{}};
    if (context.is_null())
      ctx = &empty_object;
    else if (!context.is_object())
      return error_info{"template.type",
                        "the render context must be a JSON object, not "
                          + std::string{value::kind_name(context.type())},
                        t.name(), false};
    check_utf8(*ctx, 0);
    out.reserve(t.program()->source_size + t.program()->source_size / 2);
    evaluator ev{*this, &out};
    ev.render_root(t.program(), *ctx);
  } catch (const template_failure& f) {
    return to_error(f, t.name());
  } catch (const std::bad_alloc&) {
    return error_info{"template.runtime", "out of memory while rendering", t.name(), false};
  } catch (const std::exception& e) {
    return error_info{"template.runtime", std::string{"internal error while rendering: "} + e.what(),
                      t.name(), false};
  }
  return out;
}

expected<std::string> environment::render_named(std::string_view name, const value& context) const {
  std::shared_ptr<const template_program> program;
  try {
    program = load_program(name);
  } catch (const template_failure& f) {
    return to_error(f, std::string{name});
  } catch (const std::exception& e) {
    return error_info{"template.runtime", std::string{"internal error while loading: "} + e.what(),
                      std::string{name}, false};
  }
  return render(compiled_template{std::move(program)}, context);
}

void environment::clear_loaded() const {
  std::lock_guard<std::mutex> guard{loaded_mutex_};
  loaded_.clear();
}

std::shared_ptr<const template_program> environment::load_program(std::string_view name) const {
  {
    std::lock_guard<std::mutex> guard{loaded_mutex_};
    auto it = loaded_.find(name);
    if (it != loaded_.end())
      return it->second;
  }
  if (!loader_)
    fail(template_errc::not_found,
         "template '" + std::string{name} + "' not found (the environment has no loader)");
  auto source = loader_(name);
  if (!source)
    fail(template_errc::not_found,
         "template '" + std::string{name} + "' not found: " + source.error().message);
  auto program = compile_program(*source, std::string{name});
  std::lock_guard<std::mutex> guard{loaded_mutex_};
  auto [it, inserted] = loaded_.emplace(std::string{name}, std::move(program));
  return it->second;
}

template_loader directory_loader(std::string dir) {
  return [dir = std::move(dir)](std::string_view name) -> expected<std::string> {
    std::string n{name};
    if (n.empty() || n.front() == '/' || n.find("..") != std::string::npos
        || n.find('\\') != std::string::npos)
      return error_info{"template.not_found", "invalid template name '" + n + "'", n, false};
    if (dir.rfind("embedded:", 0) == 0) {
      if (auto text = io::find_embedded(dir.substr(9) + "/" + n))
        return std::string{*text};
      return error_info{"template.not_found", "no embedded template '" + n + "'", n, false};
    }
    return io::read_file(dir + "/" + n);
  };
}

} // namespace genflow::templating
