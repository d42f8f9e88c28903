#include "messages/caf_types.hpp"

#include <typeinfo>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/uniform_type_info_map.hpp>

namespace genflow {

void register_message_types(caf::actor_system_config& cfg) {
#define GENFLOW_REGISTER(type) cfg.add_message_type<type>(message_name<type>);
  GENFLOW_MESSAGE_TYPES(GENFLOW_REGISTER)
#undef GENFLOW_REGISTER
}

std::vector<std::string> unregistered_message_types(caf::actor_system& sys) {
  std::vector<std::string> missing;
  auto check = [&](const std::type_info& ti, const char* name) {
    const auto& found = sys.types().portable_name(0, &ti);
    if (found != name)
      missing.emplace_back(name);
  };
#define GENFLOW_CHECK(type) check(typeid(type), message_name<type>);
  GENFLOW_MESSAGE_TYPES(GENFLOW_CHECK)
#undef GENFLOW_CHECK
  return missing;
}

} // namespace genflow
