#pragma once

/// `expected<T>`: a T or an error_info. The return type of every fallible runtime function
/// (runtime/ has no CAF, so it cannot use caf::expected).
///
/// @code
/// expected<workflow_definition> wf = load_workflow_file(path, handlers);
/// if (!wf) { std::cerr << wf.error().to_string() << '\n'; return 1; }
/// run(*wf);
/// @endcode

#include <cassert>
#include <utility>
#include <variant>

#include "messages/error.hpp"

namespace genflow {

template <class T>
class [[nodiscard]] expected {
public:
  expected(T x) : data_(std::in_place_index<0>, std::move(x)) {}
  expected(error_info e) : data_(std::in_place_index<1>, std::move(e)) {}

  explicit operator bool() const noexcept { return data_.index() == 0; }
  bool has_value() const noexcept { return data_.index() == 0; }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(value()); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }

  const error_info& error() const& {
    assert(!has_value());
    return std::get<1>(data_);
  }
  error_info&& error() && {
    assert(!has_value());
    return std::move(std::get<1>(data_));
  }

private:
  std::variant<T, error_info> data_;
};

/// For functions that only succeed or fail.
struct success {};

} // namespace genflow
