#pragma once

/// The base of clients whose vote is blocking work (running a program, analysing code locally):
/// each vote runs on a worker thread of its own, with a cancel flag, and reports from there.
///
/// @code
/// threaded_model_client client{cfg, [](const vote_request& req, const std::atomic<bool>& cancel) {
///   vote_outcome out;
///   ... blocking work that watches `cancel` ...
///   return out;            // model_id, duration and cancellation are filled in by the base
/// }};
/// @endcode

#include <atomic>
#include <functional>
#include <memory>

#include "runtime/quorum/model_client.hpp"

namespace genflow::quorum {

class threaded_model_client : public model_client {
public:
  /// The blocking work of one vote. Runs on a worker thread and must own (or share) everything
  /// it uses: a client released from a vote's own callback does not wait for its other votes.
  /// It should stop early once `cancel` is set.
  using work_function =
    std::function<vote_outcome(const vote_request& request, const std::atomic<bool>& cancel)>;

  threaded_model_client(model_config model, work_function work);

  /// Raises the cancel flag of every vote in flight and waits for them to end (unless called
  /// from inside one of them); their callbacks still run, with quorum.cancelled.
  ~threaded_model_client() override;

  const model_config& config() const noexcept override;
  vote_handle start_vote(const vote_request& request, vote_callback done) override;
  void cancel(vote_handle handle) override;

private:
  struct core;
  std::shared_ptr<core> core_;
};

} // namespace genflow::quorum
