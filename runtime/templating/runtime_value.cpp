#include "runtime/templating/runtime_value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/templating/unicode.hpp"

namespace genflow::templating {

std::string_view code_name(template_errc code) noexcept {
  switch (code) {
  case template_errc::syntax:
    return "template.syntax";
  case template_errc::undefined:
    return "template.undefined";
  case template_errc::type:
    return "template.type";
  case template_errc::value:
    return "template.value";
  case template_errc::lookup:
    return "template.lookup";
  case template_errc::filter:
    return "template.filter";
  case template_errc::not_found:
    return "template.not_found";
  case template_errc::depth:
    return "template.depth";
  case template_errc::overflow:
    return "template.overflow";
  case template_errc::encoding:
    return "template.encoding";
  case template_errc::runtime:
    return "template.runtime";
  }
  return "template.runtime";
}

// -- host_object ---------------------------------------------------------------------

std::optional<runtime_value> host_object::attribute(std::string_view) const {
  return std::nullopt;
}

std::string host_object::str() const {
  return "<" + std::string{type_name()} + " object>";
}

runtime_value host_object::call(evaluator&, call_arguments&) const {
  fail(template_errc::type, "'" + std::string{type_name()} + "' object is not callable");
}

std::optional<runtime_value> host_object::call_method(evaluator&, std::string_view,
                                                      call_arguments&) const {
  return std::nullopt;
}

// -- runtime_value -------------------------------------------------------------------

namespace {

rkind kind_of(const value& v) noexcept {
  switch (v.type()) {
  case value::kind::null:
    return rkind::none;
  case value::kind::boolean:
    return rkind::boolean;
  case value::kind::integer:
    return rkind::integer;
  case value::kind::real:
    return rkind::real;
  case value::kind::string:
    return rkind::string;
  case value::kind::array:
    return rkind::list;
  case value::kind::object:
    return rkind::dict;
  }
  return rkind::none;
}

} // namespace

runtime_value runtime_value::from_plain(const value& v) {
  return runtime_value{kind_of(v), v, nullptr};
}

runtime_value runtime_value::from_plain(value&& v) {
  rkind k = kind_of(v);
  return runtime_value{k, std::move(v), nullptr};
}

runtime_value runtime_value::undefined(std::string message) {
  return runtime_value{rkind::undefined, value{},
                       std::make_shared<undefined_reason>(std::move(message))};
}

runtime_value runtime_value::markup(std::string s) {
  return runtime_value{rkind::markup, value{std::move(s)}, nullptr};
}

namespace {

runtime_value make_sequence(rkind k, std::vector<runtime_value> items,
                            runtime_value (*build)(rkind, value, std::shared_ptr<rich_storage>)) {
  bool plain = true;
  for (const auto& x : items)
    plain = plain && x.is_plain();
  if (plain) {
    value::array_type arr;
    arr.reserve(items.size());
    for (auto& x : items)
      arr.push_back(x.plain());
    return build(k, value{std::move(arr)}, nullptr);
  }
  auto seq = std::make_shared<rich_sequence>();
  seq->items = std::move(items);
  return build(k, value{}, std::move(seq));
}

} // namespace

runtime_value runtime_value::list(std::vector<runtime_value> items) {
  return make_sequence(rkind::list, std::move(items),
                       [](rkind k, value p, std::shared_ptr<rich_storage> r) {
                         return runtime_value{k, std::move(p), std::move(r)};
                       });
}

runtime_value runtime_value::tuple(std::vector<runtime_value> items) {
  return make_sequence(rkind::tuple, std::move(items),
                       [](rkind k, value p, std::shared_ptr<rich_storage> r) {
                         return runtime_value{k, std::move(p), std::move(r)};
                       });
}

runtime_value runtime_value::named_tuple(std::vector<runtime_value> items,
                                         std::vector<std::string> fields) {
  auto seq = std::make_shared<rich_sequence>();
  seq->items = std::move(items);
  seq->fields = std::move(fields);
  return runtime_value{rkind::tuple, value{}, std::move(seq)};
}

std::optional<runtime_value> runtime_value::tuple_field(std::string_view name) const {
  if (kind_ != rkind::tuple || !rich_)
    return std::nullopt;
  const auto& seq = static_cast<const rich_sequence&>(*rich_);
  for (std::size_t i = 0; i < seq.fields.size() && i < seq.items.size(); ++i)
    if (seq.fields[i] == name)
      return seq.items[i];
  return std::nullopt;
}

runtime_value runtime_value::dict(std::vector<std::pair<runtime_value, runtime_value>> items) {
  // Python dict semantics: a repeated key keeps its first position and its last value.
  std::vector<std::pair<runtime_value, runtime_value>> unique;
  unique.reserve(items.size());
  for (auto& [k, v] : items) {
    bool replaced = false;
    for (auto& [uk, uv] : unique)
      if (equal(uk, k)) {
        uv = std::move(v);
        replaced = true;
        break;
      }
    if (!replaced)
      unique.emplace_back(std::move(k), std::move(v));
  }
  bool plain = true;
  for (const auto& [k, v] : unique)
    plain = plain && k.kind() == rkind::string && v.is_plain();
  if (plain) {
    value::object_type obj;
    obj.reserve(unique.size());
    for (auto& [k, v] : unique)
      obj.emplace_back(k.as_string(), v.plain());
    return runtime_value{rkind::dict, value{std::move(obj)}, nullptr};
  }
  auto d = std::make_shared<rich_dict>();
  d->items = std::move(unique);
  return runtime_value{rkind::dict, value{}, std::move(d)};
}

runtime_value runtime_value::object(std::shared_ptr<host_object> obj) {
  return runtime_value{rkind::object, value{}, std::move(obj)};
}

bool runtime_value::is_plain() const noexcept {
  switch (kind_) {
  case rkind::none:
  case rkind::boolean:
  case rkind::integer:
  case rkind::real:
  case rkind::string:
    return true;
  case rkind::list:
  case rkind::dict:
    return rich_ == nullptr;
  default:
    return false;
  }
}

double runtime_value::as_double() const noexcept {
  if (kind_ == rkind::boolean)
    return plain_.as_bool() ? 1.0 : 0.0;
  return plain_.as_number();
}

const std::string& runtime_value::undefined_message() const noexcept {
  return static_cast<const undefined_reason&>(*rich_).message;
}

host_object& runtime_value::as_object() const noexcept {
  return static_cast<host_object&>(*rich_);
}

std::shared_ptr<host_object> runtime_value::object_ptr() const {
  return std::static_pointer_cast<host_object>(rich_);
}

std::size_t runtime_value::seq_size() const noexcept {
  if (rich_)
    return static_cast<const rich_sequence&>(*rich_).items.size();
  return plain_.as_array().size();
}

runtime_value runtime_value::seq_at(std::size_t i) const {
  if (rich_)
    return static_cast<const rich_sequence&>(*rich_).items[i];
  return from_plain(plain_.as_array()[i]);
}

std::size_t runtime_value::dict_size() const noexcept {
  if (rich_)
    return static_cast<const rich_dict&>(*rich_).items.size();
  return plain_.as_object().size();
}

std::optional<runtime_value> runtime_value::dict_get(const runtime_value& key) const {
  if (!rich_) {
    if (!key.is_string())
      return std::nullopt;
    return dict_get(std::string_view{key.as_string()});
  }
  for (const auto& [k, v] : static_cast<const rich_dict&>(*rich_).items)
    if (equal(k, key))
      return v;
  return std::nullopt;
}

std::optional<runtime_value> runtime_value::dict_get(std::string_view key) const {
  if (!rich_) {
    if (const auto* x = plain_.find(key))
      return from_plain(*x);
    return std::nullopt;
  }
  for (const auto& [k, v] : static_cast<const rich_dict&>(*rich_).items)
    if (k.is_string() && k.as_string() == key)
      return v;
  return std::nullopt;
}

runtime_value runtime_value::dict_key(std::size_t i) const {
  if (rich_)
    return static_cast<const rich_dict&>(*rich_).items[i].first;
  return runtime_value{plain_.as_object()[i].first};
}

runtime_value runtime_value::dict_value(std::size_t i) const {
  if (rich_)
    return static_cast<const rich_dict&>(*rich_).items[i].second;
  return from_plain(plain_.as_object()[i].second);
}

value runtime_value::to_plain() const {
  switch (kind_) {
  case rkind::undefined:
    return value{};
  case rkind::markup:
    return value{plain_.as_string()};
  case rkind::list:
  case rkind::tuple: {
    if (!rich_)
      return plain_;
    value::array_type arr;
    for (const auto& x : static_cast<const rich_sequence&>(*rich_).items)
      arr.push_back(x.to_plain());
    return value{std::move(arr)};
  }
  case rkind::dict: {
    if (!rich_)
      return plain_;
    value::object_type obj;
    for (const auto& [k, v] : static_cast<const rich_dict&>(*rich_).items) {
      obj.emplace_back(json_key(k), v.to_plain());
    }
    return value{std::move(obj)};
  }
  case rkind::object:
    fail(template_errc::type,
         "Object of type " + std::string{as_object().type_name()} + " is not JSON serializable");
  default:
    return plain_;
  }
}

bool runtime_value::same_object(const runtime_value& other) const noexcept {
  if (kind_ != other.kind_)
    return false;
  switch (kind_) {
  case rkind::none:
    return true;
  case rkind::boolean:
    return as_bool() == other.as_bool();
  case rkind::integer:
    // CPython caches the small integers.
    return as_int() == other.as_int() && as_int() >= -5 && as_int() <= 256;
  case rkind::undefined:
  case rkind::object:
    return rich_ == other.rich_;
  case rkind::string:
  case rkind::markup:
    return &plain_.as_string() == &other.plain_.as_string();
  case rkind::list:
  case rkind::tuple:
    if (rich_ || other.rich_)
      return rich_ == other.rich_;
    return &plain_.as_array() == &other.plain_.as_array();
  case rkind::dict:
    if (rich_ || other.rich_)
      return rich_ == other.rich_;
    return &plain_.as_object() == &other.plain_.as_object();
  case rkind::real:
    return false;
  }
  return false;
}

// -- Python semantics ------------------------------------------------------------------

std::string json_key(const runtime_value& k) {
  if (k.is_string())
    return k.as_string();
  if (k.is_bool())
    return k.as_bool() ? "true" : "false";
  if (k.is_none())
    return "null";
  if (k.is_int() || k.is_real())
    return to_str(k);
  fail(template_errc::type,
       "keys must be str, int, float, bool or None, not " + std::string{type_name(k)});
}

std::string_view type_name(const runtime_value& v) {
  switch (v.kind()) {
  case rkind::undefined:
    return "Undefined";
  case rkind::none:
    return "NoneType";
  case rkind::boolean:
    return "bool";
  case rkind::integer:
    return "int";
  case rkind::real:
    return "float";
  case rkind::string:
    return "str";
  case rkind::markup:
    return "Markup";
  case rkind::list:
    return "list";
  case rkind::tuple:
    return "tuple";
  case rkind::dict:
    return "dict";
  case rkind::object:
    return v.as_object().type_name();
  }
  return "object";
}

std::string float_repr(double d) {
  if (std::isnan(d))
    return "nan";
  if (std::isinf(d))
    return d < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci{buf, static_cast<std::size_t>(res.ptr - buf)};
  // sci looks like "-1.2345e+02": split sign, digits and exponent.
  bool negative = !sci.empty() && sci[0] == '-';
  if (negative)
    sci.remove_prefix(1);
  auto e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.')
      digits.push_back(c);
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+'), sci.data() + sci.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  int decpt = exponent + 1;
  std::string out;
  if (negative)
    out.push_back('-');
  auto n = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= n) {
      out += digits;
      out.append(static_cast<std::size_t>(decpt - n), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decpt));
      out.push_back('.');
      out += digits.substr(static_cast<std::size_t>(decpt));
    }
    return out;
  }
  out.push_back(digits[0]);
  if (n > 1) {
    out.push_back('.');
    out += digits.substr(1);
  }
  char exp[16];
  std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  out += exp;
  return out;
}

namespace {

void append_int(std::string& out, std::int64_t i) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, res.ptr);
}

void append_sequence(std::string& out, const runtime_value& v, bool tuple) {
  out.push_back(tuple ? '(' : '[');
  std::size_t n = v.seq_size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i)
      out += ", ";
    append_repr(out, v.seq_at(i));
  }
  if (tuple && n == 1)
    out.push_back(',');
  out.push_back(tuple ? ')' : ']');
}

void append_dict(std::string& out, const runtime_value& v) {
  out.push_back('{');
  std::size_t n = v.dict_size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i)
      out += ", ";
    append_repr(out, v.dict_key(i));
    out += ": ";
    append_repr(out, v.dict_value(i));
  }
  out.push_back('}');
}

} // namespace

void append_str(std::string& out, const runtime_value& v) {
  switch (v.kind()) {
  case rkind::undefined:
    return;
  case rkind::none:
    out += "None";
    return;
  case rkind::boolean:
    out += v.as_bool() ? "True" : "False";
    return;
  case rkind::integer:
    append_int(out, v.as_int());
    return;
  case rkind::real:
    out += float_repr(v.as_double());
    return;
  case rkind::string:
  case rkind::markup:
    out += v.as_string();
    return;
  case rkind::list:
    append_sequence(out, v, false);
    return;
  case rkind::tuple:
    append_sequence(out, v, true);
    return;
  case rkind::dict:
    append_dict(out, v);
    return;
  case rkind::object:
    out += v.as_object().str();
    return;
  }
}

std::string to_str(const runtime_value& v) {
  if (v.is_string())
    return v.as_string();
  std::string out;
  append_str(out, v);
  return out;
}

void append_repr(std::string& out, const runtime_value& v) {
  switch (v.kind()) {
  case rkind::undefined:
    out += "Undefined";
    return;
  case rkind::string:
    out += text::repr(v.as_string());
    return;
  case rkind::markup:
    out += "Markup(" + text::repr(v.as_string()) + ")";
    return;
  default:
    append_str(out, v);
  }
}

std::string to_repr(const runtime_value& v) {
  std::string out;
  append_repr(out, v);
  return out;
}

bool truthy(const runtime_value& v) {
  switch (v.kind()) {
  case rkind::undefined:
  case rkind::none:
    return false;
  case rkind::boolean:
    return v.as_bool();
  case rkind::integer:
    return v.as_int() != 0;
  case rkind::real:
    return v.as_double() != 0.0;
  case rkind::string:
  case rkind::markup:
    return !v.as_string().empty();
  case rkind::list:
  case rkind::tuple:
    return v.seq_size() != 0;
  case rkind::dict:
    return v.dict_size() != 0;
  case rkind::object:
    return true;
  }
  return true;
}

namespace {

/// Exact comparison of an int64 with a double, as Python compares int and float.
int compare_int_double(std::int64_t i, double d) {
  if (std::isnan(d))
    return 2; // unordered
  if (d >= 9223372036854775808.0)
    return -1;
  if (d < -9223372036854775808.0)
    return 1;
  double fl = std::floor(d);
  auto fi = static_cast<std::int64_t>(fl);
  if (i != fi)
    return i < fi ? -1 : 1;
  return fl == d ? 0 : -1;
}

/// Numeric three-way comparison; 2 means unordered (NaN).
int compare_numbers(const runtime_value& a, const runtime_value& b) {
  bool ai = !a.is_real();
  bool bi = !b.is_real();
  if (ai && bi) {
    auto x = a.as_integer();
    auto y = b.as_integer();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (ai)
    return compare_int_double(a.as_integer(), b.as_double());
  if (bi) {
    int r = compare_int_double(b.as_integer(), a.as_double());
    return r == 2 ? 2 : -r;
  }
  double x = a.as_double();
  double y = b.as_double();
  if (std::isnan(x) || std::isnan(y))
    return 2;
  return x < y ? -1 : (x > y ? 1 : 0);
}

} // namespace

bool equal(const runtime_value& a, const runtime_value& b) {
  if (a.is_number() && b.is_number())
    return compare_numbers(a, b) == 0;
  if (a.is_string() && b.is_string())
    return a.as_string() == b.as_string();
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
  case rkind::undefined:
  case rkind::none:
    return true;
  case rkind::list:
  case rkind::tuple: {
    if (a.is_plain() && b.is_plain() && &a.plain().as_array() == &b.plain().as_array())
      return true;
    std::size_t n = a.seq_size();
    if (n != b.seq_size())
      return false;
    for (std::size_t i = 0; i < n; ++i)
      if (!equal(a.seq_at(i), b.seq_at(i)))
        return false;
    return true;
  }
  case rkind::dict: {
    std::size_t n = a.dict_size();
    if (n != b.dict_size())
      return false;
    for (std::size_t i = 0; i < n; ++i) {
      auto other = b.dict_get(a.dict_key(i));
      if (!other || !equal(a.dict_value(i), *other))
        return false;
    }
    return true;
  }
  case rkind::object:
    return a.same_object(b);
  default:
    return false;
  }
}

int compare(const runtime_value& a, const runtime_value& b) {
  if (a.is_number() && b.is_number()) {
    int r = compare_numbers(a, b);
    // NaN: every ordering comparison is false; report "greater" for < and "less" is not
    // expressible, so callers treat 2 as unordered.
    return r;
  }
  if (a.is_string() && b.is_string()) {
    int r = a.as_string().compare(b.as_string());
    return r < 0 ? -1 : (r > 0 ? 1 : 0);
  }
  if (a.kind() == b.kind() && (a.is_list() || a.is_tuple())) {
    std::size_t n = std::min(a.seq_size(), b.seq_size());
    for (std::size_t i = 0; i < n; ++i) {
      auto x = a.seq_at(i);
      auto y = b.seq_at(i);
      if (!equal(x, y))
        return compare(x, y);
    }
    return a.seq_size() < b.seq_size() ? -1 : (a.seq_size() > b.seq_size() ? 1 : 0);
  }
  if (a.is_undefined() || b.is_undefined()) {
    const auto& u = a.is_undefined() ? a : b;
    fail(template_errc::undefined, u.undefined_message());
  }
  fail(template_errc::type, "'<' not supported between instances of '" + std::string{type_name(a)}
                              + "' and '" + std::string{type_name(b)} + "'");
}

std::string hash_key(const runtime_value& v) {
  switch (v.kind()) {
  case rkind::undefined:
    return "u";
  case rkind::none:
    return "n";
  case rkind::boolean:
  case rkind::integer:
    return "i" + std::to_string(v.as_integer());
  case rkind::real: {
    double d = v.as_double();
    if (std::floor(d) == d && std::abs(d) < 9.2e18)
      return "i" + std::to_string(static_cast<std::int64_t>(d));
    return "f" + float_repr(d);
  }
  case rkind::string:
  case rkind::markup:
    return "s" + v.as_string();
  case rkind::tuple: {
    std::string out = "t(";
    for (std::size_t i = 0; i < v.seq_size(); ++i) {
      auto k = hash_key(v.seq_at(i));
      out += std::to_string(k.size()) + ":" + k;
    }
    return out + ")";
  }
  case rkind::object:
    return "o" + std::to_string(reinterpret_cast<std::uintptr_t>(&v.as_object()));
  default:
    fail(template_errc::type, "unhashable type: '" + std::string{type_name(v)} + "'");
  }
}

} // namespace genflow::templating
