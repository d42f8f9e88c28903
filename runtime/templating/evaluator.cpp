#include "runtime/templating/evaluator.hpp"

#include <algorithm>

#include "runtime/templating/builtins.hpp"
#include "runtime/templating/host_objects.hpp"
#include "runtime/templating/unicode.hpp"

namespace genflow::templating {

void frame::set(std::string_view name, runtime_value v) {
  for (auto& [k, x] : vars)
    if (k == name) {
      x = std::move(v);
      return;
    }
  vars.emplace_back(std::string{name}, std::move(v));
}

// -- guards -------------------------------------------------------------------------------

/// Counts macro/include/import/loop recursion and rejects runaway depth.
struct call_guard {
  explicit call_guard(evaluator& ev) : ev_(ev) {
    if (++ev_.depth_ > max_call_depth) {
      --ev_.depth_;
      fail(template_errc::depth, "recursion deeper than " + std::to_string(max_call_depth)
                                   + " levels (macro, include, import or recursive loop)");
    }
  }
  ~call_guard() { --ev_.depth_; }
  call_guard(const call_guard&) = delete;
  call_guard& operator=(const call_guard&) = delete;
  evaluator& ev_;
};

namespace {

/// Saves a member on construction and restores it on destruction.
template <class T>
struct restore {
  explicit restore(T& ref) : ref_(ref), saved_(ref) {}
  ~restore() { ref_ = std::move(saved_); }
  restore(const restore&) = delete;
  restore& operator=(const restore&) = delete;
  T& ref_;
  T saved_;
};

std::string object_type_repr(const runtime_value& v) {
  if (v.is_none())
    return "None";
  return std::string{type_name(v)} + " object";
}

runtime_value missing_attribute(const runtime_value& obj, std::string_view name) {
  return runtime_value::undefined("'" + object_type_repr(obj) + "' has no attribute '"
                                  + std::string{name} + "'");
}

runtime_value missing_element(const runtime_value& obj, const runtime_value& key) {
  if (key.is_string())
    return missing_attribute(obj, key.as_string());
  return runtime_value::undefined(object_type_repr(obj) + " has no element " + to_repr(key));
}

} // namespace

evaluator::~evaluator() {
  for (auto& w : closures_)
    if (auto f = w.lock()) {
      f->vars.clear();
      f->parent.reset();
    }
  for (auto& w : namespaces_)
    if (auto ns = w.lock())
      ns->clear();
}

// -- policy helpers ---------------------------------------------------------------------

void evaluator::check(const runtime_value& v) const {
  if (v.is_undefined() && strict())
    raise_undefined(v);
}

void evaluator::raise_undefined(const runtime_value& v) const {
  fail(template_errc::undefined, v.undefined_message());
}

std::string evaluator::text(const runtime_value& v) const {
  check(v);
  return to_str(v);
}

bool evaluator::truth(const runtime_value& v) const {
  check(v);
  return truthy(v);
}

std::vector<runtime_value> evaluator::iterate(const runtime_value& v) const {
  std::vector<runtime_value> out;
  switch (v.kind()) {
  case rkind::undefined:
    check(v);
    return out;
  case rkind::list:
  case rkind::tuple: {
    std::size_t n = v.seq_size();
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(v.seq_at(i));
    return out;
  }
  case rkind::dict: {
    std::size_t n = v.dict_size();
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(v.dict_key(i));
    return out;
  }
  case rkind::string:
  case rkind::markup: {
    const auto& s = v.as_string();
    bool markup = v.is_markup();
    for (std::size_t pos = 0; pos < s.size();) {
      std::size_t start = pos;
      text::decode_one(s, pos);
      std::string ch = s.substr(start, pos - start);
      out.push_back(markup ? runtime_value::markup(std::move(ch)) : runtime_value{std::move(ch)});
    }
    return out;
  }
  default:
    fail(template_errc::type, "'" + std::string{type_name(v)} + "' object is not iterable");
  }
}

std::int64_t evaluator::length(const runtime_value& v) const {
  switch (v.kind()) {
  case rkind::undefined:
    check(v);
    return 0;
  case rkind::string:
  case rkind::markup:
    return static_cast<std::int64_t>(text::length(v.as_string()));
  case rkind::list:
  case rkind::tuple:
    return static_cast<std::int64_t>(v.seq_size());
  case rkind::dict:
    return static_cast<std::int64_t>(v.dict_size());
  default:
    fail(template_errc::type, "object of type '" + std::string{type_name(v)} + "' has no len()");
  }
}

// -- attribute and item access ---------------------------------------------------------

runtime_value evaluator::getattr(const runtime_value& obj, std::string_view name) const {
  switch (obj.kind()) {
  case rkind::undefined:
    raise_undefined(obj);
  case rkind::dict:
    if (has_method(obj, name))
      return runtime_value::object(std::make_shared<bound_method>(obj, std::string{name}));
    if (auto v = obj.dict_get(name))
      return *v;
    return missing_attribute(obj, name);
  case rkind::object:
    if (auto v = obj.as_object().attribute(name))
      return *v;
    return missing_attribute(obj, name);
  default:
    if (auto field = obj.tuple_field(name))
      return *field;
    if (has_method(obj, name))
      return runtime_value::object(std::make_shared<bound_method>(obj, std::string{name}));
    return missing_attribute(obj, name);
  }
}

runtime_value evaluator::getitem(const runtime_value& obj, const runtime_value& key) const {
  switch (obj.kind()) {
  case rkind::undefined:
    raise_undefined(obj);
  case rkind::dict: {
    if (key.is_list() || key.is_dict())
      return missing_element(obj, key);
    if (auto v = obj.dict_get(key))
      return *v;
    if (key.is_string() && has_method(obj, key.as_string()))
      return getattr(obj, key.as_string());
    return missing_element(obj, key);
  }
  case rkind::list:
  case rkind::tuple:
    if (key.is_int() || key.is_bool()) {
      auto n = static_cast<std::int64_t>(obj.seq_size());
      auto i = key.as_integer();
      if (i < 0)
        i += n;
      if (i < 0 || i >= n)
        return missing_element(obj, key);
      return obj.seq_at(static_cast<std::size_t>(i));
    }
    if (key.is_string())
      return getattr(obj, key.as_string());
    return missing_element(obj, key);
  case rkind::string:
  case rkind::markup:
    if (key.is_int() || key.is_bool()) {
      auto ch = text::char_at(obj.as_string(), static_cast<long>(key.as_integer()));
      if (!ch)
        return missing_element(obj, key);
      return obj.is_markup() ? runtime_value::markup(std::move(*ch)) : runtime_value{*ch};
    }
    if (key.is_string())
      return getattr(obj, key.as_string());
    return missing_element(obj, key);
  case rkind::object:
    if (key.is_string())
      return getattr(obj, key.as_string());
    return missing_element(obj, key);
  default:
    if (key.is_string())
      return getattr(obj, key.as_string());
    return missing_element(obj, key);
  }
}

runtime_value evaluator::call(const runtime_value& callee, call_arguments& args) {
  if (callee.is_undefined())
    raise_undefined(callee);
  if (callee.is_object() && callee.as_object().is_callable())
    return callee.as_object().call(*this, args);
  fail(template_errc::type, "'" + std::string{type_name(callee)} + "' object is not callable");
}

runtime_value evaluator::apply_filter(std::string_view name, const runtime_value& input,
                                      call_arguments& args, int line) {
  if (const auto* user = env_.user_filter(name)) {
    std::vector<value> plain_args;
    for (const auto& a : args.positional)
      plain_args.push_back(a.to_plain());
    std::vector<std::pair<std::string, value>> plain_kwargs;
    for (const auto& [k, a] : args.keyword)
      plain_kwargs.emplace_back(k, a.to_plain());
    auto result = (*user)(input.to_plain(), plain_args, plain_kwargs);
    if (!result)
      fail(template_errc::filter,
           "filter '" + std::string{name} + "' failed: " + result.error().message + " ["
             + result.error().code + "]",
           line);
    return runtime_value::from_plain(std::move(*result));
  }
  auto f = builtin_filter(name, env_.options().onex_filters);
  if (!f)
    fail(template_errc::filter, "No filter named '" + std::string{name} + "' found.", line);
  return f(*this, input, args);
}

bool evaluator::apply_test(std::string_view name, const runtime_value& input, call_arguments& args,
                           int line) {
  if (const auto* user = env_.user_test(name)) {
    std::vector<value> plain_args;
    for (const auto& a : args.positional)
      plain_args.push_back(a.to_plain());
    auto result = (*user)(input.to_plain(), plain_args);
    if (!result)
      fail(template_errc::filter,
           "test '" + std::string{name} + "' failed: " + result.error().message + " ["
             + result.error().code + "]",
           line);
    return *result;
  }
  auto t = builtin_test(name);
  if (!t)
    fail(template_errc::filter, "No test named '" + std::string{name} + "' found.", line);
  return t(*this, input, args);
}

// -- expressions ------------------------------------------------------------------------

runtime_value evaluator::eval(const expr& e) {
  struct eval_guard {
    explicit eval_guard(int& depth) : depth_(depth) {
      if (++depth_ > max_eval_depth) {
        --depth_;
        fail(template_errc::depth, "expressions nested deeper than "
                                     + std::to_string(max_eval_depth) + " levels at render time");
      }
    }
    ~eval_guard() { --depth_; }
    eval_guard(const eval_guard&) = delete;
    eval_guard& operator=(const eval_guard&) = delete;
    int& depth_;
  };
  try {
    eval_guard guard{eval_depth_};
    switch (e.kind) {
    case expr_kind::constant:
      return e.value;
    case expr_kind::name:
      return eval_name(e);
    case expr_kind::getattr:
      return getattr(eval(*e.operands[0]), e.name);
    case expr_kind::getitem: {
      auto obj = eval(*e.operands[0]);
      return getitem(obj, eval(*e.operands[1]));
    }
    case expr_kind::slice: {
      auto obj = eval(*e.operands[0]);
      std::optional<long> parts[3];
      for (int i = 0; i < 3; ++i) {
        const auto& op = e.operands[static_cast<std::size_t>(i) + 1];
        if (!op)
          continue;
        auto v = eval(*op);
        if (v.is_none())
          continue;
        if (!v.is_int() && !v.is_bool())
          fail(template_errc::type,
               "slice indices must be integers or None or have an __index__ method");
        parts[i] = static_cast<long>(v.as_integer());
      }
      if (parts[2] && *parts[2] == 0)
        fail(template_errc::value, "slice step cannot be zero");
      if (obj.is_undefined())
        raise_undefined(obj);
      if (obj.is_string()) {
        auto s = text::slice(obj.as_string(), parts[0], parts[1], parts[2]);
        return obj.is_markup() ? runtime_value::markup(std::move(s)) : runtime_value{s};
      }
      if (obj.is_sequence()) {
        long n = static_cast<long>(obj.seq_size());
        long step = parts[2].value_or(1);
        auto norm = [&](std::optional<long> v, long dflt) {
          if (!v)
            return dflt;
          long x = *v;
          if (x < 0) {
            x += n;
            if (x < 0)
              x = step < 0 ? -1 : 0;
          } else if (x >= n) {
            x = step < 0 ? n - 1 : n;
          }
          return x;
        };
        long b = norm(parts[0], step < 0 ? n - 1 : 0);
        long en = norm(parts[1], step < 0 ? -1 : n);
        std::vector<runtime_value> items;
        if (step > 0)
          for (long i = b; i < en; i += step)
            items.push_back(obj.seq_at(static_cast<std::size_t>(i)));
        else
          for (long i = b; i > en; i += step)
            items.push_back(obj.seq_at(static_cast<std::size_t>(i)));
        return obj.is_tuple() ? runtime_value::tuple(std::move(items))
                              : runtime_value::list(std::move(items));
      }
      return runtime_value::undefined(object_type_repr(obj) + " has no element slice");
    }
    case expr_kind::call:
      return eval_call(e);
    case expr_kind::filter:
      return eval_filter(e, nullptr);
    case expr_kind::test:
      return runtime_value{eval_test(e)};
    case expr_kind::not_:
      return runtime_value{!truth(eval(*e.operands[0]))};
    case expr_kind::neg:
    case expr_kind::pos: {
      auto v = eval(*e.operands[0]);
      if (v.is_undefined())
        raise_undefined(v);
      bool neg = e.kind == expr_kind::neg;
      if (v.is_int() || v.is_bool()) {
        auto i = v.as_integer();
        if (neg && i == INT64_MIN)
          fail(template_errc::overflow, "integer result does not fit in 64 bits");
        return runtime_value{neg ? -i : i};
      }
      if (v.is_real())
        return runtime_value{neg ? -v.as_double() : v.as_double()};
      fail(template_errc::type, std::string{"bad operand type for unary "} + (neg ? "-" : "+")
                                  + ": '" + std::string{type_name(v)} + "'");
    }
    case expr_kind::binary:
      return eval_binary(e);
    case expr_kind::compare:
      return eval_compare(e);
    case expr_kind::and_: {
      auto left = eval(*e.operands[0]);
      if (!truth(left))
        return left;
      return eval(*e.operands[1]);
    }
    case expr_kind::or_: {
      auto left = eval(*e.operands[0]);
      if (truth(left))
        return left;
      return eval(*e.operands[1]);
    }
    case expr_kind::concat: {
      std::string out;
      for (const auto& op : e.operands) {
        auto v = eval(*op);
        check(v);
        append_str(out, v);
      }
      return runtime_value{std::move(out)};
    }
    case expr_kind::cond: {
      if (truth(eval(*e.operands[0])))
        return eval(*e.operands[1]);
      if (e.operands[2])
        return eval(*e.operands[2]);
      return runtime_value::undefined("the inline if-expression on line " + std::to_string(e.line)
                                      + " evaluated to false and no else section was defined.");
    }
    case expr_kind::list:
    case expr_kind::tuple: {
      std::vector<runtime_value> items;
      items.reserve(e.operands.size());
      for (const auto& op : e.operands)
        items.push_back(eval(*op));
      return e.kind == expr_kind::list ? runtime_value::list(std::move(items))
                                       : runtime_value::tuple(std::move(items));
    }
    case expr_kind::dict: {
      std::vector<std::pair<runtime_value, runtime_value>> items;
      for (std::size_t i = 0; i + 1 < e.operands.size(); i += 2) {
        auto k = eval(*e.operands[i]);
        hash_key(k); // unhashable keys are a TypeError, as in Python
        items.emplace_back(std::move(k), eval(*e.operands[i + 1]));
      }
      return runtime_value::dict(std::move(items));
    }
    }
    return {};
  } catch (template_failure& f) {
    f.locate(program_ ? program_->name : std::string{}, e.line);
    throw;
  }
}

runtime_value evaluator::eval_name(const expr& e) {
  for (const frame* f = scope_.get(); f; f = f->parent.get()) {
    if (const auto* v = f->find_local(e.name))
      return *v;
    if (f->context)
      if (const auto* x = f->context->find(e.name))
        return runtime_value::from_plain(*x);
  }
  if (auto g = builtin_global(e.name))
    return *g;
  return runtime_value::undefined("'" + e.name + "' is undefined");
}

runtime_value evaluator::eval_binary(const expr& e) {
  auto a = eval(*e.operands[0]);
  auto b = eval(*e.operands[1]);
  return arithmetic(*this, e.bop, a, b);
}

runtime_value evaluator::eval_compare(const expr& e) {
  auto left = eval(*e.operands[0]);
  for (std::size_t i = 0; i < e.cops.size(); ++i) {
    auto right = eval(*e.operands[i + 1]);
    bool ok;
    switch (e.cops[i]) {
    case compare_op::eq:
    case compare_op::ne:
      check(left);
      check(right);
      ok = equal(left, right) == (e.cops[i] == compare_op::eq);
      break;
    case compare_op::in:
      ok = contains(*this, right, left);
      break;
    case compare_op::not_in:
      ok = !contains(*this, right, left);
      break;
    default: {
      if (left.is_undefined())
        raise_undefined(left);
      if (right.is_undefined())
        raise_undefined(right);
      int c;
      try {
        c = compare(left, right);
      } catch (template_failure& f) {
        static constexpr const char* names[] = {"==", "!=", "<", "<=", ">", ">="};
        std::string msg = f.message();
        auto at = msg.find("'<'");
        if (at != std::string::npos)
          msg.replace(at, 3, std::string{"'"} + names[static_cast<int>(e.cops[i])] + "'");
        fail(f.code(), msg);
      }
      if (c == 2) {
        ok = false;
        break;
      }
      switch (e.cops[i]) {
      case compare_op::lt:
        ok = c < 0;
        break;
      case compare_op::le:
        ok = c <= 0;
        break;
      case compare_op::gt:
        ok = c > 0;
        break;
      default:
        ok = c >= 0;
        break;
      }
    }
    }
    if (!ok)
      return runtime_value{false};
    left = std::move(right);
  }
  return runtime_value{true};
}

void evaluator::eval_arguments(const expr& e, std::size_t first, call_arguments& out) {
  for (std::size_t i = first; i < e.operands.size(); ++i)
    out.positional.push_back(eval(*e.operands[i]));
  for (const auto& [k, v] : e.keywords)
    out.keyword.emplace_back(k, eval(*v));
  if (e.star_args) {
    auto extra = eval(*e.star_args);
    for (auto& x : iterate(extra))
      out.positional.push_back(std::move(x));
  }
  if (e.star_kwargs) {
    auto extra = eval(*e.star_kwargs);
    if (!extra.is_dict())
      fail(template_errc::type,
           "argument after ** must be a mapping, not " + std::string{type_name(extra)});
    for (std::size_t i = 0; i < extra.dict_size(); ++i) {
      auto k = extra.dict_key(i);
      if (!k.is_string())
        fail(template_errc::type, "keywords must be strings");
      out.keyword.emplace_back(k.as_string(), extra.dict_value(i));
    }
  }
}

runtime_value evaluator::eval_call(const expr& e) {
  const expr& callee = *e.operands[0];
  if (callee.kind == expr_kind::getattr) {
    auto obj = eval(*callee.operands[0]);
    call_arguments args;
    eval_arguments(e, 1, args);
    if (obj.is_undefined())
      raise_undefined(obj);
    runtime_value result;
    if (obj.is_object()) {
      if (auto r = obj.as_object().call_method(*this, callee.name, args))
        return std::move(*r);
    } else if (call_method(*this, obj, callee.name, args, result)) {
      return result;
    }
    auto fn = getattr(obj, callee.name);
    return call(fn, args);
  }
  auto fn = eval(callee);
  call_arguments args;
  eval_arguments(e, 1, args);
  return call(fn, args);
}

runtime_value evaluator::eval_filter(const expr& e, const runtime_value* block_input) {
  runtime_value input;
  if (e.operands[0]) {
    const expr& inner = *e.operands[0];
    input = inner.kind == expr_kind::filter ? eval_filter(inner, block_input) : eval(inner);
  } else if (block_input) {
    input = *block_input;
  }
  call_arguments args;
  eval_arguments(e, 1, args);
  if (e.filter)
    return e.filter(*this, input, args);
  return apply_filter(e.name, input, args, e.line);
}

bool evaluator::eval_test(const expr& e) {
  auto input = eval(*e.operands[0]);
  call_arguments args;
  eval_arguments(e, 1, args);
  if (e.test)
    return e.test(*this, input, args);
  return apply_test(e.name, input, args, e.line);
}

// -- statements -------------------------------------------------------------------------

void evaluator::exec(const stmt_list& body) {
  for (const auto& s : body)
    exec_stmt(*s);
}

std::string evaluator::capture(const stmt_list& body) {
  std::string buffer;
  std::string* saved = out_;
  out_ = &buffer;
  try {
    exec(body);
  } catch (...) {
    out_ = saved;
    throw;
  }
  out_ = saved;
  return buffer;
}

void evaluator::assign(const target& t, const runtime_value& v, frame& into) {
  switch (t.type) {
  case target::kind::name:
    into.set(t.name, v);
    return;
  case target::kind::ns_attr: {
    expr lookup;
    lookup.kind = expr_kind::name;
    lookup.name = t.name;
    auto ns = eval_name(lookup);
    auto* obj = ns.object_as<namespace_object>();
    if (!obj)
      fail(template_errc::runtime, "cannot assign attribute on non-namespace object", t.line);
    obj->set(t.attr, v);
    return;
  }
  case target::kind::tuple: {
    auto items = iterate(v);
    if (items.size() < t.items.size())
      fail(template_errc::value,
           "not enough values to unpack (expected " + std::to_string(t.items.size()) + ", got "
             + std::to_string(items.size()) + ")",
           t.line);
    if (items.size() > t.items.size())
      fail(template_errc::value,
           "too many values to unpack (expected " + std::to_string(t.items.size()) + ")", t.line);
    for (std::size_t i = 0; i < items.size(); ++i)
      assign(t.items[i], items[i], into);
    return;
  }
  }
}

void evaluator::exec_stmt(const stmt& s) {
  try {
    switch (s.kind) {
    case stmt_kind::text:
      if (!parent_)
        out_->append(s.text);
      return;
    case stmt_kind::print: {
      if (parent_)
        return;
      auto v = eval(*s.exprs[0]);
      check(v);
      append_str(*out_, v);
      return;
    }
    case stmt_kind::if_:
      if (truth(eval(*s.exprs[0])))
        exec(s.body);
      else
        exec(s.else_body);
      return;
    case stmt_kind::for_:
      exec_for(s);
      return;
    case stmt_kind::set:
      assign(s.tgt, eval(*s.exprs[0]), *scope_);
      return;
    case stmt_kind::set_block: {
      runtime_value body{capture(s.body)};
      if (s.exprs[0])
        body = eval_filter(*s.exprs[0], &body);
      assign(s.tgt, body, *scope_);
      return;
    }
    case stmt_kind::macro:
      closures_.push_back(scope_);
      scope_->set(s.name,
                  runtime_value::object(std::make_shared<macro_object>(&s, scope_, program_)));
      return;
    case stmt_kind::call_block: {
      if (parent_)
        return;
      const expr& call_expr = *s.exprs[0];
      closures_.push_back(scope_);
      auto caller = runtime_value::object(std::make_shared<macro_object>(&s, scope_, program_));
      runtime_value fn;
      call_arguments args;
      const expr& callee = *call_expr.operands[0];
      if (callee.kind == expr_kind::getattr) {
        auto obj = eval(*callee.operands[0]);
        fn = getattr(obj, callee.name);
      } else {
        fn = eval(callee);
      }
      eval_arguments(call_expr, 1, args);
      args.keyword.emplace_back("caller", caller);
      auto result = call(fn, args);
      check(result);
      append_str(*out_, result);
      return;
    }
    case stmt_kind::filter_block: {
      if (parent_)
        return;
      runtime_value body{capture(s.body)};
      auto result = eval_filter(*s.exprs[0], &body);
      check(result);
      append_str(*out_, result);
      return;
    }
    case stmt_kind::include:
      if (!parent_)
        exec_include(s);
      return;
    case stmt_kind::import:
    case stmt_kind::from_import:
      exec_import(s);
      return;
    case stmt_kind::with: {
      auto inner = std::make_shared<frame>();
      inner->parent = scope_;
      for (std::size_t i = 0; i < s.targets.size(); ++i)
        assign(s.targets[i], eval(*s.exprs[i]), *inner);
      restore<std::shared_ptr<frame>> saved{scope_};
      scope_ = inner;
      exec(s.body);
      return;
    }
    case stmt_kind::block:
      exec_block(s);
      return;
    case stmt_kind::extends: {
      if (parent_)
        fail(template_errc::runtime, "extended multiple times");
      auto name = eval(*s.exprs[0]);
      if (!name.is_string())
        fail(template_errc::type, "extends needs a template name");
      parent_ = env_.load_program(name.as_string());
      return;
    }
    }
  } catch (template_failure& f) {
    f.locate(program_ ? program_->name : std::string{}, s.line);
    throw;
  }
}

void evaluator::exec_for(const stmt& s) {
  auto iterable = eval(*s.exprs[0]);
  run_loop(s, iterable, 1);
}

void evaluator::run_loop(const stmt& s, const runtime_value& iterable, int depth) {
  std::vector<runtime_value> items = iterate(iterable);
  auto outer = scope_;
  restore<std::shared_ptr<frame>> saved{scope_};
  if (s.exprs[1]) {
    // Loop filtering: the test sees the loop target, not `loop`.
    std::vector<runtime_value> kept;
    auto probe = std::make_shared<frame>();
    probe->parent = outer;
    for (auto& item : items) {
      probe->vars.clear();
      assign(s.tgt, item, *probe);
      scope_ = probe;
      bool keep = truth(eval(*s.exprs[1]));
      scope_ = outer;
      if (keep)
        kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    auto inner = std::make_shared<frame>();
    inner->parent = outer;
    scope_ = inner;
    exec(s.else_body);
    return;
  }
  std::shared_ptr<loop_object> loop;
  if (s.uses_loop || s.recursive)
    loop = std::make_shared<loop_object>(&items, depth, &s, outer, program_);
  auto iteration = std::make_shared<frame>();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (iteration.use_count() > 1) {
      // A macro defined in the previous iteration captured the scope: start a fresh one.
      iteration = std::make_shared<frame>();
    }
    iteration->parent = outer;
    iteration->vars.clear();
    if (loop) {
      loop->advance(i);
      iteration->vars.emplace_back("loop", runtime_value::object(loop));
    }
    assign(s.tgt, items[i], *iteration);
    scope_ = iteration;
    exec(s.body);
    scope_ = outer;
  }
}

std::string evaluator::recurse_loop(const stmt& loop, const std::shared_ptr<frame>& scope,
                                    const std::shared_ptr<const template_program>& owner,
                                    const runtime_value& items, int depth) {
  call_guard guard{*this};
  restore<std::shared_ptr<frame>> saved_scope{scope_};
  restore<std::shared_ptr<const template_program>> saved_program{program_};
  scope_ = scope;
  program_ = owner;
  std::string buffer;
  std::string* saved_out = out_;
  out_ = &buffer;
  try {
    run_loop(loop, items, depth);
  } catch (...) {
    out_ = saved_out;
    throw;
  }
  out_ = saved_out;
  return buffer;
}

std::string evaluator::invoke_macro(const stmt& def, const std::shared_ptr<frame>& closure,
                                    const std::shared_ptr<const template_program>& owner,
                                    call_arguments& args, const runtime_value& caller) {
  call_guard guard{*this};
  const auto& sig = def.signature;
  std::string name = def.kind == stmt_kind::macro ? def.name : "caller";
  auto f = std::make_shared<frame>();
  f->parent = closure;
  restore<std::shared_ptr<frame>> saved_scope{scope_};
  restore<std::shared_ptr<const template_program>> saved_program{program_};
  scope_ = f;
  program_ = owner;
  std::size_t n = sig.params.size();
  std::size_t given = std::min(n, args.positional.size());
  for (std::size_t i = 0; i < given; ++i)
    f->vars.emplace_back(sig.params[i], args.positional[i]);
  std::size_t first_default = n - sig.defaults.size();
  for (std::size_t i = given; i < n; ++i) {
    const auto& param = sig.params[i];
    auto it = std::find_if(args.keyword.begin(), args.keyword.end(),
                           [&](const auto& kw) { return kw.first == param; });
    if (it != args.keyword.end()) {
      f->vars.emplace_back(param, std::move(it->second));
      args.keyword.erase(it);
    } else if (i >= first_default) {
      f->vars.emplace_back(param, eval(*sig.defaults[i - first_default]));
    } else {
      f->vars.emplace_back(param,
                           runtime_value::undefined("parameter '" + param + "' was not provided"));
    }
  }
  if (sig.uses_caller) {
    runtime_value c = caller;
    auto it = std::find_if(args.keyword.begin(), args.keyword.end(),
                           [](const auto& kw) { return kw.first == "caller"; });
    if (it != args.keyword.end()) {
      c = std::move(it->second);
      args.keyword.erase(it);
    }
    if (c.is_none() || c.is_undefined())
      c = runtime_value::undefined("No caller defined");
    f->set("caller", c);
  }
  if (sig.catch_kwargs) {
    std::vector<std::pair<runtime_value, runtime_value>> kw;
    for (auto& [k, v] : args.keyword)
      kw.emplace_back(runtime_value{k}, std::move(v));
    f->set("kwargs", runtime_value::dict(std::move(kw)));
  } else if (!args.keyword.empty()) {
    if (std::any_of(args.keyword.begin(), args.keyword.end(),
                    [](const auto& kw) { return kw.first == "caller"; }))
      fail(template_errc::type, "macro '" + name
                                  + "' was invoked with two values for the special caller "
                                    "argument. This is most likely a bug.");
    fail(template_errc::type,
         "macro '" + name + "' takes no keyword argument '" + args.keyword.front().first + "'");
  }
  if (sig.catch_varargs) {
    std::vector<runtime_value> rest;
    for (std::size_t i = n; i < args.positional.size(); ++i)
      rest.push_back(args.positional[i]);
    f->set("varargs", runtime_value::tuple(std::move(rest)));
  } else if (args.positional.size() > n) {
    fail(template_errc::type,
         "macro '" + name + "' takes not more than " + std::to_string(n) + " argument(s)");
  }
  return capture(def.body);
}

// -- templates: include, import, inheritance --------------------------------------------

std::shared_ptr<frame> evaluator::module_scope(bool with_context) {
  auto f = std::make_shared<frame>();
  f->parent = with_context ? scope_ : nullptr;
  return f;
}

void evaluator::run_template(const std::shared_ptr<const template_program>& program,
                             const std::shared_ptr<frame>& scope) {
  call_guard guard{*this};
  restore<std::shared_ptr<frame>> saved_scope{scope_};
  restore<std::shared_ptr<frame>> saved_template{template_scope_};
  restore<std::shared_ptr<const template_program>> saved_program{program_};
  restore<std::shared_ptr<const template_program>> saved_parent{parent_};
  restore<decltype(blocks_)> saved_blocks{blocks_};
  blocks_.clear();
  parent_.reset();
  std::vector<std::unique_ptr<call_guard>> levels;
  auto current = program;
  while (current) {
    scope_ = scope;
    template_scope_ = scope;
    program_ = current;
    for (const auto& [name, def] : current->blocks) {
      auto it = std::find_if(blocks_.begin(), blocks_.end(),
                             [&](const auto& b) { return b.first == name; });
      if (it == blocks_.end()) {
        blocks_.emplace_back(name, decltype(it->second){});
        it = std::prev(blocks_.end());
      }
      it->second.emplace_back(def, current);
    }
    exec(current->body);
    current = std::move(parent_);
    parent_.reset();
    // Each level of inheritance counts against the depth limit (catches extends cycles).
    if (current)
      levels.push_back(std::make_unique<call_guard>(*this));
  }
}

void evaluator::exec_block(const stmt& s) {
  if (parent_)
    return;
  auto it =
    std::find_if(blocks_.begin(), blocks_.end(), [&](const auto& b) { return b.first == s.name; });
  const stmt* def = &s;
  std::shared_ptr<const template_program> owner = program_;
  if (it != blocks_.end() && !it->second.empty()) {
    def = it->second.front().first;
    owner = it->second.front().second;
  }
  auto f = std::make_shared<frame>();
  f->parent = s.scoped ? scope_ : template_scope_;
  f->vars.emplace_back("super", runtime_value::object(std::make_shared<super_object>(s.name, 0)));
  restore<std::shared_ptr<frame>> saved_scope{scope_};
  restore<std::shared_ptr<const template_program>> saved_program{program_};
  scope_ = f;
  program_ = owner;
  exec(def->body);
}

std::string evaluator::render_super(const std::string& name, std::size_t level) {
  auto it =
    std::find_if(blocks_.begin(), blocks_.end(), [&](const auto& b) { return b.first == name; });
  if (it == blocks_.end() || level + 1 >= it->second.size())
    fail(template_errc::runtime, "there is no parent block called '" + name + "'.");
  call_guard guard{*this};
  const auto& [def, owner] = it->second[level + 1];
  auto f = std::make_shared<frame>();
  f->parent = template_scope_;
  f->vars.emplace_back("super",
                       runtime_value::object(std::make_shared<super_object>(name, level + 1)));
  restore<std::shared_ptr<frame>> saved_scope{scope_};
  restore<std::shared_ptr<const template_program>> saved_program{program_};
  scope_ = f;
  program_ = owner;
  return capture(def->body);
}

namespace {

/// Names a template: a string, or the first loadable of a list of strings.
std::vector<std::string> template_names(evaluator& ev, const runtime_value& v) {
  std::vector<std::string> names;
  if (v.is_string()) {
    names.push_back(v.as_string());
  } else if (v.is_sequence()) {
    for (const auto& item : ev.iterate(v)) {
      if (!item.is_string())
        fail(template_errc::type, "template names must be strings");
      names.push_back(item.as_string());
    }
  } else if (v.is_undefined()) {
    ev.raise_undefined(v);
  } else {
    fail(template_errc::type, "template name must be a string, not " + std::string{type_name(v)});
  }
  return names;
}

} // namespace

void evaluator::exec_include(const stmt& s) {
  auto names = template_names(*this, eval(*s.exprs[0]));
  std::shared_ptr<const template_program> program;
  std::string tried;
  for (const auto& name : names) {
    try {
      program = env_.load_program(name);
      break;
    } catch (template_failure& f) {
      if (f.code() != template_errc::not_found)
        throw;
      tried += (tried.empty() ? "" : ", ") + name;
    }
  }
  if (!program) {
    if (s.ignore_missing)
      return;
    fail(template_errc::not_found, names.size() == 1
                                     ? "template '" + names[0] + "' not found"
                                     : "none of the templates given were found: " + tried);
  }
  auto scope = std::make_shared<frame>();
  scope->parent = s.with_context ? scope_ : context_scope_;
  run_template(program, scope);
}

void evaluator::exec_import(const stmt& s) {
  auto names = template_names(*this, eval(*s.exprs[0]));
  if (names.size() != 1)
    fail(template_errc::type, "import needs one template name");
  auto program = env_.load_program(names[0]);
  auto scope = module_scope(s.with_context);
  closures_.push_back(scope);
  std::string discarded;
  {
    std::string* saved = out_;
    out_ = &discarded;
    try {
      run_template(program, scope);
    } catch (...) {
      out_ = saved;
      throw;
    }
    out_ = saved;
  }
  if (s.kind == stmt_kind::import) {
    scope_->set(s.name, runtime_value::object(std::make_shared<module_object>(scope, program)));
    return;
  }
  for (const auto& [name, alias] : s.imports) {
    const auto* v = scope->find_local(name);
    if (v && !name.empty() && name[0] != '_')
      scope_->set(alias, *v);
    else
      scope_->set(alias, runtime_value::undefined("the template '" + names[0]
                                                  + "' (imported on line " + std::to_string(s.line)
                                                  + ") does not export the requested name '" + name
                                                  + "'"));
  }
}

void evaluator::render_root(const std::shared_ptr<const template_program>& program,
                            const value& context) {
  context_scope_ = std::make_shared<frame>();
  context_scope_->context = &context;
  program_ = program;
  auto scope = std::make_shared<frame>();
  scope->parent = context_scope_;
  run_template(program, scope);
}

// -- host objects ---------------------------------------------------------------------------

std::string macro_object::name() const {
  return def_->kind == stmt_kind::macro ? def_->name : "caller";
}

std::optional<runtime_value> macro_object::attribute(std::string_view attr) const {
  const auto& sig = def_->signature;
  if (attr == "name")
    return runtime_value{name()};
  if (attr == "arguments") {
    std::vector<runtime_value> items;
    for (const auto& p : sig.params)
      items.emplace_back(p);
    return runtime_value::tuple(std::move(items));
  }
  if (attr == "catch_kwargs")
    return runtime_value{sig.catch_kwargs};
  if (attr == "catch_varargs")
    return runtime_value{sig.catch_varargs};
  if (attr == "caller")
    return runtime_value{sig.uses_caller};
  return std::nullopt;
}

std::string macro_object::str() const {
  return "<Macro '" + name() + "'>";
}

runtime_value macro_object::call(evaluator& ev, call_arguments& args) const {
  return runtime_value{ev.invoke_macro(*def_, closure_, owner_, args, runtime_value{})};
}

std::optional<runtime_value> loop_object::attribute(std::string_view name) const {
  auto length = static_cast<std::int64_t>(items_->size());
  auto i0 = static_cast<std::int64_t>(index0_);
  if (name == "index")
    return runtime_value{i0 + 1};
  if (name == "index0")
    return runtime_value{i0};
  if (name == "revindex")
    return runtime_value{length - i0};
  if (name == "revindex0")
    return runtime_value{length - i0 - 1};
  if (name == "first")
    return runtime_value{i0 == 0};
  if (name == "last")
    return runtime_value{i0 == length - 1};
  if (name == "length")
    return runtime_value{length};
  if (name == "depth")
    return runtime_value{static_cast<std::int64_t>(depth_)};
  if (name == "depth0")
    return runtime_value{static_cast<std::int64_t>(depth_ - 1)};
  if (name == "previtem")
    return i0 > 0 ? (*items_)[index0_ - 1] : runtime_value::undefined("there is no previous item");
  if (name == "nextitem")
    return i0 + 1 < length ? (*items_)[index0_ + 1]
                           : runtime_value::undefined("there is no next item");
  if (name == "cycle" || name == "changed")
    return runtime_value::object(std::make_shared<bound_method>(
      runtime_value::object(std::const_pointer_cast<host_object>(shared_from_this())),
      std::string{name}));
  return std::nullopt;
}

std::string loop_object::str() const {
  return "<LoopContext " + std::to_string(index0_ + 1) + "/" + std::to_string(items_->size()) + ">";
}

runtime_value loop_object::call(evaluator& ev, call_arguments& args) const {
  if (!def_->recursive)
    fail(template_errc::type, "The loop must be marked as 'recursive' to be called recursively.");
  if (args.positional.size() != 1 || !args.keyword.empty())
    fail(template_errc::type, "loop() takes exactly one argument");
  return runtime_value{ev.recurse_loop(*def_, scope_, owner_, args.positional[0], depth_ + 1)};
}

std::optional<runtime_value> loop_object::call_method(evaluator& ev, std::string_view name,
                                                      call_arguments& args) const {
  if (name == "cycle") {
    if (args.positional.empty())
      fail(template_errc::type, "no items for cycling given");
    return args.positional[index0_ % args.positional.size()];
  }
  if (name == "changed") {
    bool same = changed_seen_ && last_changed_.size() == args.positional.size();
    for (std::size_t i = 0; same && i < args.positional.size(); ++i) {
      ev.check(args.positional[i]);
      same = equal(last_changed_[i], args.positional[i]);
    }
    if (same)
      return runtime_value{false};
    last_changed_ = args.positional;
    changed_seen_ = true;
    return runtime_value{true};
  }
  return std::nullopt;
}

std::optional<runtime_value> module_object::attribute(std::string_view name) const {
  if (const auto* v = scope_->find_local(name))
    return *v;
  return std::nullopt;
}

std::string module_object::str() const {
  return "<Module '" + program_->name + "'>";
}

runtime_value super_object::call(evaluator& ev, call_arguments&) const {
  return runtime_value{ev.render_super(block_, level_)};
}

} // namespace genflow::templating
