#pragma once

/// A quorum model actor: one per configured model. It owns the model's client (HTTP provider,
/// command, or offline reviewer), starts calls without blocking — the client's own thread
/// completes them — and answers each `cast_vote` with exactly one `vote_cast`.

#include <memory>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "runtime/quorum/model_client.hpp"

namespace genflow {

quorum_model_actor spawn_quorum_model(caf::actor_system& sys,
                                      std::shared_ptr<quorum::model_client> client);

} // namespace genflow
