#pragma once

/// A dynamically typed, immutable-by-sharing value: the data model of step inputs and outputs,
/// contracts handed to templates, and template render contexts.
///
/// It mirrors JSON (null, bool, integer, real, string, array, object) with two properties that
/// genflow relies on:
/// - objects keep insertion order (as Python dicts do, so templates iterate like Jinja2 does);
/// - copies are O(1): strings, arrays and objects live behind shared pointers and are copied on
///   write, so a step output fanned out to many dependents is never deep-copied in-process.
///
/// Usage:
/// @code
/// genflow::value ctx = genflow::value::object_type{{"node_name", "NodeX"}, {"ops", genflow::value::array_type{"read"}}};
/// ctx.set("version", "1.0.0");
/// if (const auto* ops = ctx.find("ops")) for (const auto& op : ops->as_array()) use(op.as_string());
/// @endcode
///
/// Wire format: a value packs as the natural msgpack object (nil, bool, int, float64, str, array,
/// map with string keys). Unpacking rejects non-string map keys and extension types.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <msgpack.hpp>

namespace genflow {

class value {
public:
  // -- member types -----------------------------------------------------------

  using array_type = std::vector<value>;
  using member = std::pair<std::string, value>;
  /// Insertion-ordered map; keys are unique (set() replaces in place).
  using object_type = std::vector<member>;

  enum class kind : std::uint8_t { null, boolean, integer, real, string, array, object };

  // -- constructors -----------------------------------------------------------

  value() noexcept = default;
  value(std::nullptr_t) noexcept {}
  value(bool x) noexcept : data_(x) {}
  template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>
                                          && !std::is_same_v<Int, char>,
                                        int> = 0>
  value(Int x) noexcept : data_(static_cast<std::int64_t>(x)) {}
  value(double x) noexcept : data_(x) {}
  value(std::string x) : data_(std::make_shared<const std::string>(std::move(x))) {}
  value(std::string_view x) : value(std::string{x}) {}
  value(const char* x) : value(std::string{x}) {}
  value(array_type xs) : data_(std::make_shared<array_type>(std::move(xs))) {}
  value(object_type xs);

  // -- properties -------------------------------------------------------------

  kind type() const noexcept { return static_cast<kind>(data_.index()); }
  bool is_null() const noexcept { return type() == kind::null; }
  bool is_bool() const noexcept { return type() == kind::boolean; }
  bool is_int() const noexcept { return type() == kind::integer; }
  bool is_real() const noexcept { return type() == kind::real; }
  bool is_number() const noexcept { return is_int() || is_real(); }
  bool is_string() const noexcept { return type() == kind::string; }
  bool is_array() const noexcept { return type() == kind::array; }
  bool is_object() const noexcept { return type() == kind::object; }

  /// Accessors require the matching kind (asserted); use the is_* predicates first.
  bool as_bool() const noexcept { return std::get<bool>(data_); }
  std::int64_t as_int() const noexcept { return std::get<std::int64_t>(data_); }
  /// Integer or real as double.
  double as_number() const noexcept;
  const std::string& as_string() const noexcept { return *std::get<string_ptr>(data_); }
  const array_type& as_array() const noexcept { return *std::get<array_ptr>(data_); }
  const object_type& as_object() const noexcept { return *std::get<object_ptr>(data_); }

  /// Number of elements of an array or members of an object, length of a string, else 0.
  std::size_t size() const noexcept;

  /// Member lookup on an object (nullptr when absent or not an object).
  const value* find(std::string_view key) const noexcept;

  /// Member lookup that yields `fallback` when absent.
  const value& get(std::string_view key, const value& fallback = null_value()) const noexcept;

  /// String member or `fallback` (when absent or of another kind).
  std::string get_string(std::string_view key, std::string_view fallback = {}) const;

  /// A shared null, returned by lookups that find nothing.
  static const value& null_value() noexcept;

  /// Name of a kind for error messages ("string", "object", ...).
  static std::string_view kind_name(kind k) noexcept;

  // -- modifiers (copy-on-write) ----------------------------------------------

  /// Sets `key` on an object (a null value becomes an empty object first).
  value& set(std::string key, value x);

  /// Appends to an array (a null value becomes an empty array first).
  value& push_back(value x);

  /// Mutable access to an array or object's storage, unsharing it first.
  array_type& mutable_array();
  object_type& mutable_object();

  // -- comparison -------------------------------------------------------------

  /// Deep equality; integers and reals compare by numeric value.
  friend bool operator==(const value& x, const value& y) noexcept;
  friend bool operator!=(const value& x, const value& y) noexcept { return !(x == y); }

private:
  using string_ptr = std::shared_ptr<const std::string>;
  using array_ptr = std::shared_ptr<array_type>;
  using object_ptr = std::shared_ptr<object_type>;

  std::variant<std::monostate, bool, std::int64_t, double, string_ptr, array_ptr, object_ptr> data_;
};

/// Converts a msgpack object into a value; throws msgpack::type_error on keys that are not
/// strings, extension types and integers beyond int64.
value value_from_msgpack(const msgpack::object& obj);

/// Packs a value as msgpack into `pk`.
template <class Stream>
void pack_value(msgpack::packer<Stream>& pk, const value& x);

} // namespace genflow

// -- msgpack adaptor ----------------------------------------------------------

namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
namespace adaptor {

template <>
struct convert<genflow::value> {
  const msgpack::object& operator()(const msgpack::object& o, genflow::value& v) const {
    v = genflow::value_from_msgpack(o);
    return o;
  }
};

template <>
struct pack<genflow::value> {
  template <class Stream>
  packer<Stream>& operator()(packer<Stream>& pk, const genflow::value& v) const {
    genflow::pack_value(pk, v);
    return pk;
  }
};

} // namespace adaptor
} // MSGPACK_API_VERSION_NAMESPACE
} // namespace msgpack

namespace genflow {

template <class Stream>
void pack_value(msgpack::packer<Stream>& pk, const value& x) {
  switch (x.type()) {
    case value::kind::null:
      pk.pack_nil();
      break;
    case value::kind::boolean:
      x.as_bool() ? pk.pack_true() : pk.pack_false();
      break;
    case value::kind::integer:
      pk.pack_int64(x.as_int());
      break;
    case value::kind::real:
      pk.pack_double(x.as_number());
      break;
    case value::kind::string: {
      const auto& s = x.as_string();
      pk.pack_str(static_cast<uint32_t>(s.size()));
      pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
      break;
    }
    case value::kind::array:
      pk.pack_array(static_cast<uint32_t>(x.as_array().size()));
      for (const auto& e : x.as_array())
        pack_value(pk, e);
      break;
    case value::kind::object:
      pk.pack_map(static_cast<uint32_t>(x.as_object().size()));
      for (const auto& [k, e] : x.as_object()) {
        pk.pack_str(static_cast<uint32_t>(k.size()));
        pk.pack_str_body(k.data(), static_cast<uint32_t>(k.size()));
        pack_value(pk, e);
      }
      break;
  }
}

} // namespace genflow
