#include "runtime/quorum/threaded_model_client.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

struct threaded_model_client::core {
  model_config model;
  work_function work;

  std::mutex mutex;
  // protected by mutex
  std::map<vote_handle, std::shared_ptr<std::atomic<bool>>> running;
  vote_handle next_handle = 1;
  std::size_t unfinished = 0; // votes started whose callback has not returned
  std::condition_variable all_finished;

  void cancel(vote_handle h) {
    std::lock_guard<std::mutex> guard{mutex};
    if (auto it = running.find(h); it != running.end())
      it->second->store(true, std::memory_order_release);
  }
};

threaded_model_client::threaded_model_client(model_config model, work_function work)
  : core_(std::make_shared<core>()) {
  core_->model = std::move(model);
  core_->work = std::move(work);
}

namespace {

/// Non-zero while a vote runs on this thread: a client released from its own vote's callback
/// must not wait for that vote.
thread_local int inside_vote = 0;

} // namespace

threaded_model_client::~threaded_model_client() {
  std::unique_lock<std::mutex> guard{core_->mutex};
  for (auto& kv : core_->running)
    kv.second->store(true, std::memory_order_release);
  // A vote left running could outlive main and analyse code during static destruction; the
  // cancel flag makes waiting short (a program is stopped, an analysis finishes).
  if (inside_vote == 0)
    core_->all_finished.wait(guard, [this] { return core_->unfinished == 0; });
}

const model_config& threaded_model_client::config() const noexcept {
  return core_->model;
}

model_client::vote_handle threaded_model_client::start_vote(const vote_request& request,
                                                            vote_callback done) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  vote_handle h = 0;
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    h = core_->next_handle++;
    core_->running.emplace(h, flag);
    ++core_->unfinished;
  }
  std::thread{[self = core_, h, flag, request, done = std::move(done)] {
    ++inside_vote;
    auto started = std::chrono::steady_clock::now();
    vote_outcome out;
    if (flag->load(std::memory_order_acquire))
      out.error = make_error(quorum_errc::cancelled, "the vote was cancelled",
                             "model " + self->model.id);
    else if (started >= request.deadline)
      out.error = make_error(quorum_errc::deadline,
                             "the quorum deadline passed before the model started",
                             "model " + self->model.id);
    else
      out = self->work(request, *flag);
    if (flag->load(std::memory_order_acquire) && out.participated())
      out.error = make_error(quorum_errc::cancelled, "the vote was cancelled",
                             "model " + self->model.id);
    out.model_id = self->model.id;
    out.duration = std::chrono::steady_clock::now() - started;
    {
      std::lock_guard<std::mutex> guard{self->mutex};
      self->running.erase(h);
    }
    done(std::move(out));
    --inside_vote;
    std::lock_guard<std::mutex> guard{self->mutex};
    if (--self->unfinished == 0)
      self->all_finished.notify_all();
  }}.detach();
  return h;
}

void threaded_model_client::cancel(vote_handle handle) {
  core_->cancel(handle);
}

} // namespace genflow::quorum
