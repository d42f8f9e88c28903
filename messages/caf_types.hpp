#pragma once

/// The one place where CAF meets the message catalogue: a generic `inspect` that lets CAF
/// serialize every catalogued struct as its msgpack wire frame (messages/wire.hpp), and the
/// function that registers all of them with an actor system config.
///
/// Every translation unit that sends or receives catalogued messages must see this header (the
/// actor interfaces include it), so that CAF instantiates one serializer per type.

#include <string>
#include <type_traits>
#include <vector>

#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

#include "messages/catalogue.hpp"
#include "messages/wire.hpp"

namespace genflow {

template <class Inspector, class T>
std::enable_if_t<is_catalogued<T>, typename Inspector::result_type> inspect(Inspector& f, T& x) {
  if constexpr (std::is_void_v<typename Inspector::result_type>) {
    // to_string(): the size of the frame is enough to identify it in logs.
    std::string summary = "<" + std::to_string(wire::encode(x).size()) + " bytes msgpack>";
    return f(caf::meta::type_name(message_name<T>), summary);
  } else if constexpr (Inspector::writes_state) {
    std::vector<char> bytes;
    return f(caf::meta::type_name(message_name<T>), bytes,
             caf::meta::load_callback([&]() -> caf::error {
               auto decoded = wire::decode<T>({bytes.data(), bytes.size()}, message_name<T>);
               if (!decoded)
                 return caf::make_error(caf::sec::invalid_argument, decoded.error().message);
               x = std::move(*decoded);
               return caf::none;
             }));
  } else {
    auto frame = wire::encode(x);
    std::vector<char> bytes{frame.begin(), frame.end()};
    return f(caf::meta::type_name(message_name<T>), bytes);
  }
}

/// Registers every catalogued message type (and genflow's actor handle types) with `cfg`.
void register_message_types(caf::actor_system_config& cfg);

/// Names of catalogued types that `sys` does not know (empty when registration is complete).
std::vector<std::string> unregistered_message_types(caf::actor_system& sys);

} // namespace genflow
