#pragma once

/// The values a template computes with, with Python's semantics.
///
/// A `runtime_value` is either plain data (a `genflow::value`: None, bool, int, float, str,
/// list, dict with string keys — the render context is used as is, never copied) or one of
/// the kinds Python templates add: Undefined, Markup (a string marked safe), tuple, a list or
/// dict holding non-plain items (tuples, macros, undefined...), and host objects (macros,
/// bound methods, `namespace()`, the `loop` variable, cyclers, imported modules).
///
/// Everything here follows CPython 3.11 / Jinja2 3.1: `str()` and `repr()` (float repr,
/// quoting), truthiness, `==` (1 == 1.0 == True), ordering (TypeError across kinds).
///
/// @code
/// runtime_value v = runtime_value::from_plain(ctx);       // no copy of the data
/// std::string s = to_str(v.item(0));                      // Python str()
/// bool t = truthy(v);
/// @endcode

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/value.hpp"
#include "runtime/templating/template_errc.hpp"

namespace genflow::templating {

class runtime_value;
class evaluator;
struct call_arguments;

/// Kinds as a Python template sees them.
enum class rkind : std::uint8_t {
  undefined,
  none,
  boolean,
  integer,
  real,
  string,
  markup,
  list,
  tuple,
  dict,
  object,
};

/// Shared storage of the non-plain kinds.
struct rich_storage {
  virtual ~rich_storage() = default;
};

/// Items of a list or tuple holding non-plain values.
struct rich_sequence final : rich_storage {
  std::vector<runtime_value> items;
  /// Field names of a named tuple (groupby's `grouper`, `list`); empty otherwise.
  std::vector<std::string> fields;
};

/// A dict whose keys or values are not plain (insertion-ordered, unique keys).
struct rich_dict final : rich_storage {
  std::vector<std::pair<runtime_value, runtime_value>> items;
};

/// Why a value is undefined; printed by the error an illegal use raises.
struct undefined_reason final : rich_storage {
  explicit undefined_reason(std::string m) : message(std::move(m)) {}
  std::string message;
};

/// A host object: macro, bound method, namespace, loop, cycler, joiner, module...
class host_object : public rich_storage, public std::enable_shared_from_this<host_object> {
public:
  /// Python's type name, for error messages ("Macro", "Namespace", "LoopContext").
  virtual std::string_view type_name() const = 0;
  /// Attribute lookup; nullopt when the object has no such attribute.
  virtual std::optional<runtime_value> attribute(std::string_view name) const;
  /// `str(obj)`.
  virtual std::string str() const;
  virtual bool is_callable() const { return false; }
  /// Invokes a callable object; throws template_failure on misuse.
  virtual runtime_value call(evaluator& ev, call_arguments& args) const;
  /// Calls method `name` directly (`obj.name(args)`); nullopt when there is no such method.
  virtual std::optional<runtime_value> call_method(evaluator& ev, std::string_view name,
                                                   call_arguments& args) const;
};

class runtime_value {
public:
  // -- constructors -----------------------------------------------------------

  runtime_value() noexcept : kind_(rkind::none) {}
  runtime_value(std::nullptr_t) noexcept : kind_(rkind::none) {}
  runtime_value(bool x) noexcept : kind_(rkind::boolean), plain_(x) {}
  runtime_value(std::int64_t x) noexcept : kind_(rkind::integer), plain_(x) {}
  runtime_value(int x) noexcept : kind_(rkind::integer), plain_(x) {}
  runtime_value(double x) noexcept : kind_(rkind::real), plain_(x) {}
  runtime_value(std::string x) : kind_(rkind::string), plain_(std::move(x)) {}
  runtime_value(std::string_view x) : kind_(rkind::string), plain_(x) {}
  runtime_value(const char* x) : kind_(rkind::string), plain_(x) {}

  /// Wraps plain data without copying it.
  static runtime_value from_plain(const value& v);
  static runtime_value from_plain(value&& v);
  static runtime_value undefined(std::string message);
  static runtime_value markup(std::string s);
  /// A list or tuple from items; stored plain when every item is plain.
  static runtime_value list(std::vector<runtime_value> items);
  static runtime_value tuple(std::vector<runtime_value> items);
  /// A tuple whose items are also attributes named `fields` (Python's namedtuple).
  static runtime_value named_tuple(std::vector<runtime_value> items,
                                   std::vector<std::string> fields);
  /// A dict from pairs; duplicate keys keep the last value at the first position.
  static runtime_value dict(std::vector<std::pair<runtime_value, runtime_value>> items);
  static runtime_value object(std::shared_ptr<host_object> obj);

  // -- properties -------------------------------------------------------------

  rkind kind() const noexcept { return kind_; }
  bool is_undefined() const noexcept { return kind_ == rkind::undefined; }
  bool is_none() const noexcept { return kind_ == rkind::none; }
  bool is_bool() const noexcept { return kind_ == rkind::boolean; }
  bool is_int() const noexcept { return kind_ == rkind::integer; }
  bool is_real() const noexcept { return kind_ == rkind::real; }
  /// int, float or bool (Python's bool is an int).
  bool is_number() const noexcept {
    return kind_ == rkind::integer || kind_ == rkind::real || kind_ == rkind::boolean;
  }
  /// str or Markup.
  bool is_string() const noexcept { return kind_ == rkind::string || kind_ == rkind::markup; }
  bool is_markup() const noexcept { return kind_ == rkind::markup; }
  bool is_list() const noexcept { return kind_ == rkind::list; }
  bool is_tuple() const noexcept { return kind_ == rkind::tuple; }
  /// list or tuple.
  bool is_sequence() const noexcept { return kind_ == rkind::list || kind_ == rkind::tuple; }
  bool is_dict() const noexcept { return kind_ == rkind::dict; }
  bool is_object() const noexcept { return kind_ == rkind::object; }
  /// Whether the value is stored as a plain genflow::value.
  bool is_plain() const noexcept;

  bool as_bool() const noexcept { return plain_.as_bool(); }
  std::int64_t as_int() const noexcept { return plain_.as_int(); }
  /// int, bool or float as a double.
  double as_double() const noexcept;
  /// int or bool as an int64.
  std::int64_t as_integer() const noexcept {
    return kind_ == rkind::boolean ? (plain_.as_bool() ? 1 : 0) : plain_.as_int();
  }
  const std::string& as_string() const noexcept { return plain_.as_string(); }
  const std::string& undefined_message() const noexcept;
  host_object& as_object() const noexcept;
  template <class T>
  T* object_as() const noexcept {
    return kind_ == rkind::object ? dynamic_cast<T*>(&as_object()) : nullptr;
  }
  /// The object's shared pointer (kind object only).
  std::shared_ptr<host_object> object_ptr() const;

  // -- sequences (list, tuple) ----------------------------------------------------

  std::size_t seq_size() const noexcept;
  /// The named tuple field called `name`, if this is a named tuple with such a field.
  std::optional<runtime_value> tuple_field(std::string_view name) const;
  runtime_value seq_at(std::size_t i) const;

  // -- dicts ------------------------------------------------------------------------

  std::size_t dict_size() const noexcept;
  /// Value stored under `key`; nullopt when absent.
  std::optional<runtime_value> dict_get(const runtime_value& key) const;
  std::optional<runtime_value> dict_get(std::string_view key) const;
  /// The i-th key / value in insertion order.
  runtime_value dict_key(std::size_t i) const;
  runtime_value dict_value(std::size_t i) const;

  /// The plain storage (valid when is_plain()).
  const value& plain() const noexcept { return plain_; }

  /// Converts to plain data for user filters and tojson: tuples become lists, Markup a
  /// string, Undefined null; a host object or a non-string dict key is an error.
  value to_plain() const;

  /// Identity, as Python's `is` sees it for the shared kinds.
  bool same_object(const runtime_value& other) const noexcept;

private:
  runtime_value(rkind k, value p, std::shared_ptr<rich_storage> r) noexcept
    : kind_(k), plain_(std::move(p)), rich_(std::move(r)) {}

  rkind kind_;
  value plain_;
  std::shared_ptr<rich_storage> rich_;
};

// -- Python semantics ----------------------------------------------------------------

/// A dict key as JSON (and json.dumps) writes it: str as is, bool/None as true/false/null,
/// numbers as str() does; any other key is a type error.
std::string json_key(const runtime_value& k);

/// Python's type name of a value ("int", "str", "list", "dict", "NoneType"...).
std::string_view type_name(const runtime_value& v);

/// `str(v)` appended to `out` (Undefined prints empty).
void append_str(std::string& out, const runtime_value& v);
std::string to_str(const runtime_value& v);
/// `repr(v)`.
void append_repr(std::string& out, const runtime_value& v);
std::string to_repr(const runtime_value& v);

/// `repr(float)`: shortest round-trip digits, `1e-05`, `1e+16`, `inf`, `nan`.
std::string float_repr(double d);

/// Python truthiness (Undefined is false).
bool truthy(const runtime_value& v);

/// Python `==`.
bool equal(const runtime_value& a, const runtime_value& b);

/// Python ordering: negative, zero or positive; throws a "template.type" failure for
/// unorderable operands (e.g. str < int, dict < dict).
int compare(const runtime_value& a, const runtime_value& b);

/// A hashable key for `unique` and dict keys: equal values give equal keys.
std::string hash_key(const runtime_value& v);

} // namespace genflow::templating
