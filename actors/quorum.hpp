#pragma once

/// The quorum actor: reviews code with every enabled model at once (one quorum model actor each),
/// feeds outcomes into a `quorum::quorum_round`, answers the moment the verdict is certain —
/// withdrawing the calls it no longer needs — and at the quorum deadline at the latest, where a
/// silent model counts as not participating. Statistics cover every validation and every model.

#include <memory>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/quorum/quorum_config.hpp"

namespace genflow {

/// Spawns the quorum with one model actor per enabled model of `config` (clients built by
/// quorum::make_model_clients). Errors: a bad configuration or a missing API key.
expected<quorum_actor> spawn_quorum(caf::actor_system& sys, quorum::quorum_config config);

} // namespace genflow
