#pragma once

/// A model behind a local program (model kind `command`): any CLI model tool plugs in. The
/// program gets the review prompt on stdin and must print a JSON verdict on stdout (prose and
/// fences around it are tolerated, as for network models). It runs with the model's timeout (cut
/// to the request's deadline) in its own process group; a non-zero exit, a kill, a timeout or an
/// unreadable verdict is a failed participation with the reason. Commands are not retried.
///
/// @code
/// model_config m;
/// m.id = "local-llm";
/// m.kind = provider_kind::command;
/// m.command = {"llm", "-m", "qwen2.5-coder", "--no-stream"};
/// command_model_client client{m, settings};
/// client.start_vote(request, on_outcome);   // on_outcome runs on the vote's worker thread
/// @endcode

#include "runtime/quorum/threaded_model_client.hpp"

namespace genflow::quorum {

class command_model_client final : public threaded_model_client {
public:
  command_model_client(model_config model, const quorum_settings& settings);
};

} // namespace genflow::quorum
