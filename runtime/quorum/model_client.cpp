#include "runtime/quorum/model_client.hpp"

#include "runtime/quorum/curl_library.hpp"

#include "runtime/quorum/command_model_client.hpp"
#include "runtime/quorum/http_model_client.hpp"
#include "runtime/quorum/offline_reviewer.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

expected<std::vector<std::shared_ptr<model_client>>>
make_model_clients(const quorum_config& config, std::shared_ptr<http_client> http,
                   const env_lookup& env) {
  std::vector<std::shared_ptr<model_client>> clients;
  for (const auto& m : config.models) {
    if (!m.enabled)
      continue;
    switch (m.kind) {
      case provider_kind::openai:
      case provider_kind::gemini: {
        std::string key;
        if (!m.api_key_env.empty()) {
          auto found = env(m.api_key_env);
          if (!found || found->empty())
            return make_error(quorum_errc::missing_key,
                              "model '" + m.id + "' is enabled but " + m.api_key_env
                                + " is not set",
                              m.where);
          key = std::move(*found);
        }
        if (!http) {
          if (auto lib = curl::load(); !lib)
            return lib.error();
          http = std::make_shared<http_client>();
        }
        clients.push_back(
          std::make_shared<http_model_client>(m, std::move(key), config.settings, http));
        break;
      }
      case provider_kind::command:
        clients.push_back(std::make_shared<command_model_client>(m, config.settings));
        break;
      case provider_kind::offline:
        clients.push_back(std::make_shared<offline_reviewer>(m));
        break;
    }
  }
  return clients;
}

} // namespace genflow::quorum
