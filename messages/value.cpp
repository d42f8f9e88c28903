#include "messages/value.hpp"

#include <cassert>
#include <limits>
#include <unordered_set>

namespace genflow {

namespace {

/// Keeps the last occurrence of a duplicated key at the position of the first one, as a Python
/// dict built from pairs does.
value::object_type dedupe(value::object_type xs) {
  if (xs.size() > 16) {
    std::unordered_set<std::string_view> seen;
    seen.reserve(xs.size());
    bool unique = true;
    for (const auto& m : xs)
      unique = unique && seen.insert(m.first).second;
    if (unique)
      return xs;
  }
  for (std::size_t i = 0; i < xs.size(); ++i)
    for (std::size_t j = i + 1; j < xs.size();) {
      if (xs[j].first == xs[i].first) {
        xs[i].second = std::move(xs[j].second);
        xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(j));
      } else {
        ++j;
      }
    }
  return xs;
}

} // namespace

value::value(object_type xs) : data_(std::make_shared<object_type>(dedupe(std::move(xs)))) {
}

double value::as_number() const noexcept {
  if (is_int())
    return static_cast<double>(as_int());
  return std::get<double>(data_);
}

std::size_t value::size() const noexcept {
  switch (type()) {
    case kind::string:
      return as_string().size();
    case kind::array:
      return as_array().size();
    case kind::object:
      return as_object().size();
    default:
      return 0;
  }
}

const value* value::find(std::string_view key) const noexcept {
  if (!is_object())
    return nullptr;
  for (const auto& [k, v] : as_object())
    if (k == key)
      return &v;
  return nullptr;
}

const value& value::get(std::string_view key, const value& fallback) const noexcept {
  const auto* x = find(key);
  return x ? *x : fallback;
}

std::string value::get_string(std::string_view key, std::string_view fallback) const {
  const auto* x = find(key);
  if (x && x->is_string())
    return x->as_string();
  return std::string{fallback};
}

const value& value::null_value() noexcept {
  static const value instance;
  return instance;
}

std::string_view value::kind_name(kind k) noexcept {
  switch (k) {
    case kind::null:
      return "null";
    case kind::boolean:
      return "boolean";
    case kind::integer:
      return "integer";
    case kind::real:
      return "number";
    case kind::string:
      return "string";
    case kind::array:
      return "list";
    case kind::object:
      return "mapping";
  }
  return "unknown";
}

value::array_type& value::mutable_array() {
  if (is_null())
    data_ = std::make_shared<array_type>();
  assert(is_array());
  auto& ptr = std::get<array_ptr>(data_);
  if (ptr.use_count() > 1)
    ptr = std::make_shared<array_type>(*ptr);
  return *ptr;
}

value::object_type& value::mutable_object() {
  if (is_null())
    data_ = std::make_shared<object_type>();
  assert(is_object());
  auto& ptr = std::get<object_ptr>(data_);
  if (ptr.use_count() > 1)
    ptr = std::make_shared<object_type>(*ptr);
  return *ptr;
}

value& value::set(std::string key, value x) {
  auto& members = mutable_object();
  for (auto& [k, v] : members)
    if (k == key) {
      v = std::move(x);
      return v;
    }
  members.emplace_back(std::move(key), std::move(x));
  return members.back().second;
}

value& value::push_back(value x) {
  auto& xs = mutable_array();
  xs.push_back(std::move(x));
  return xs.back();
}

bool operator==(const value& x, const value& y) noexcept {
  using kind = value::kind;
  if (x.is_number() && y.is_number()) {
    if (x.is_int() && y.is_int())
      return x.as_int() == y.as_int();
    return x.as_number() == y.as_number();
  }
  if (x.type() != y.type())
    return false;
  switch (x.type()) {
    case kind::null:
      return true;
    case kind::boolean:
      return x.as_bool() == y.as_bool();
    case kind::string:
      return x.as_string() == y.as_string();
    case kind::array:
      return x.as_array() == y.as_array();
    case kind::object: {
      const auto& xs = x.as_object();
      const auto& ys = y.as_object();
      if (xs.size() != ys.size())
        return false;
      for (const auto& [k, v] : xs) {
        const auto* other = y.find(k);
        if (!other || *other != v)
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}

value value_from_msgpack(const msgpack::object& obj) {
  switch (obj.type) {
    case msgpack::type::NIL:
      return {};
    case msgpack::type::BOOLEAN:
      return value{obj.via.boolean};
    case msgpack::type::POSITIVE_INTEGER:
      if (obj.via.u64 > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw msgpack::type_error{};
      return value{static_cast<std::int64_t>(obj.via.u64)};
    case msgpack::type::NEGATIVE_INTEGER:
      return value{obj.via.i64};
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return value{obj.via.f64};
    case msgpack::type::STR:
      return value{std::string{obj.via.str.ptr, obj.via.str.size}};
    case msgpack::type::BIN:
      return value{std::string{obj.via.bin.ptr, obj.via.bin.size}};
    case msgpack::type::ARRAY: {
      value::array_type xs;
      xs.reserve(obj.via.array.size);
      for (std::uint32_t i = 0; i < obj.via.array.size; ++i)
        xs.push_back(value_from_msgpack(obj.via.array.ptr[i]));
      return value{std::move(xs)};
    }
    case msgpack::type::MAP: {
      value::object_type xs;
      xs.reserve(obj.via.map.size);
      for (std::uint32_t i = 0; i < obj.via.map.size; ++i) {
        const auto& kv = obj.via.map.ptr[i];
        if (kv.key.type != msgpack::type::STR)
          throw msgpack::type_error{};
        xs.emplace_back(std::string{kv.key.via.str.ptr, kv.key.via.str.size},
                        value_from_msgpack(kv.val));
      }
      return value{std::move(xs)};
    }
    default:
      throw msgpack::type_error{};
  }
}

} // namespace genflow
