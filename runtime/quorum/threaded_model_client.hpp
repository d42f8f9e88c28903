#pragma once

/// The base of clients whose vote is blocking work (running a program, analysing code locally):
/// votes run on the client's threads, with a cancel flag, and report from there. A thread whose
/// vote ended waits two seconds for the next one before it leaves; up to `max_threads` votes run
/// at once, the others wait their turn (a client whose votes take microseconds, like the offline
/// reviewer, needs one thread, not one per vote: creating a thread costs ~80 µs here).
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

  /// `max_threads`: votes that run at once (0: no limit, a thread for every vote in flight).
  threaded_model_client(model_config model, work_function work, std::size_t max_threads = 0);

  /// Raises the cancel flag of every vote in flight and waits for them and the client's threads
  /// to end (unless called from inside a vote); their callbacks still run, with
  /// quorum.cancelled.
  ~threaded_model_client() override;

  const model_config& config() const noexcept override;
  vote_handle start_vote(const vote_request& request, vote_callback done) override;
  void cancel(vote_handle handle) override;

  /// Threads waiting for a vote (diagnostics and tests).
  std::size_t idle_threads() const;

private:
  struct core;
  std::shared_ptr<core> core_;
};

} // namespace genflow::quorum
