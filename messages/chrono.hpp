#pragma once

/// msgpack adaptor for std::chrono::nanoseconds: packed as a signed 64-bit count, so every
/// duration in the catalogue is unambiguous on the wire.

#include <chrono>
#include <cstdint>

#include <msgpack.hpp>

namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
namespace adaptor {

template <>
struct convert<std::chrono::nanoseconds> {
  const msgpack::object& operator()(const msgpack::object& o, std::chrono::nanoseconds& v) const {
    v = std::chrono::nanoseconds{o.as<std::int64_t>()};
    return o;
  }
};

template <>
struct pack<std::chrono::nanoseconds> {
  template <class Stream>
  packer<Stream>& operator()(packer<Stream>& pk, const std::chrono::nanoseconds& v) const {
    pk.pack_int64(v.count());
    return pk;
  }
};

template <>
struct object_with_zone<std::chrono::nanoseconds> {
  void operator()(msgpack::object::with_zone& o, const std::chrono::nanoseconds& v) const {
    o << v.count();
  }
};

} // namespace adaptor
} // MSGPACK_API_VERSION_NAMESPACE
} // namespace msgpack
