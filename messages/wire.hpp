#pragma once

/// The wire format of every genflow message: a msgpack array [wire_version, payload], where the
/// payload is the struct's MSGPACK_DEFINE_ARRAY form. Decoding checks the version and turns every
/// msgpack failure into an error naming the type, never an exception or a half-filled struct.
///
/// @code
/// std::string bytes = wire::encode(lease);
/// expected<step_lease> back = wire::decode<step_lease>(bytes, "genflow.step_lease");
/// @endcode

#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "messages/expected.hpp"

namespace genflow::wire {

/// Version of a struct's wire layout; specialize when a layout changes incompatibly.
template <class T>
inline constexpr std::uint16_t version_of = 1;

template <class T>
std::string encode(const T& x) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk{buf};
  pk.pack_array(2);
  pk.pack_uint16(version_of<T>);
  pk.pack(x);
  return std::string{buf.data(), buf.size()};
}

template <class T>
expected<T> decode(std::string_view bytes, std::string_view type_name) {
  auto fail = [&](std::string why) {
    return error_info{"wire.decode", "cannot decode " + std::string{type_name} + ": " + why, "", false};
  };
  try {
    std::size_t offset = 0;
    auto handle = msgpack::unpack(bytes.data(), bytes.size(), offset);
    if (offset != bytes.size())
      return fail("trailing bytes");
    const auto& obj = handle.get();
    if (obj.type != msgpack::type::ARRAY || obj.via.array.size != 2)
      return fail("not a [version, payload] frame");
    auto version = obj.via.array.ptr[0].as<std::uint16_t>();
    if (version != version_of<T>)
      return fail("wire version " + std::to_string(version) + ", this node speaks "
                  + std::to_string(version_of<T>));
    T x;
    obj.via.array.ptr[1].convert(x);
    return x;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

} // namespace genflow::wire
