#include "actors/validator.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace genflow {

namespace {

validator_actor::behavior_type validator(validator_actor::pointer,
                                         analysis::validator_kind kind,
                                         std::shared_ptr<const analysis::pipeline_config> config) {
  return {
    [kind, config](const run_validator& req) {
      return validator_done{analysis::run_validator(kind, *req.module, req.context, *config)};
    },
  };
}

} // namespace

validator_actor spawn_validator(caf::actor_system& sys, analysis::validator_kind kind,
                                std::shared_ptr<const analysis::pipeline_config> config) {
  return sys.spawn(validator, kind, std::move(config));
}

} // namespace genflow
