#include "runtime/quorum/threaded_model_client.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

/// How long a thread whose vote ended waits for the next one before it leaves. Creating a
/// thread costs ~80 µs here; a node validating many files votes several times a second.
constexpr auto keep_alive = std::chrono::seconds{2};

} // namespace

struct threaded_model_client::core {
  model_config model;
  work_function work;

  std::mutex mutex;
  // protected by mutex
  std::map<vote_handle, std::shared_ptr<std::atomic<bool>>> running;
  vote_handle next_handle = 1;
  std::size_t unfinished = 0;              // votes started whose callback has not returned
  std::deque<std::function<void()>> queue; // votes no thread has taken yet
  std::size_t max_threads = 0;             // 0: no limit
  std::size_t threads = 0;                 // threads alive
  std::size_t idle = 0;                    // of which waiting for a vote
  bool stopping = false;
  std::condition_variable all_finished; // unfinished == 0, threads == 0
  std::condition_variable vote_queued;

  void cancel(vote_handle h) {
    std::lock_guard<std::mutex> guard{mutex};
    if (auto it = running.find(h); it != running.end())
      it->second->store(true, std::memory_order_release);
  }

  /// A thread's life: runs queued votes, waits keep_alive for more, leaves. Queued votes still
  /// run once the client is stopping (as cancelled votes: their flags are set).
  static void serve(const std::shared_ptr<core>& self) {
    std::unique_lock<std::mutex> lock{self->mutex};
    for (;;) {
      if (!self->queue.empty()) {
        auto vote = std::move(self->queue.front());
        self->queue.pop_front();
        lock.unlock();
        vote();
        lock.lock();
        continue;
      }
      if (self->stopping)
        break;
      ++self->idle;
      bool woken = self->vote_queued.wait_for(
        lock, keep_alive, [&] { return !self->queue.empty() || self->stopping; });
      --self->idle;
      if (!woken)
        break;
    }
    if (--self->threads == 0)
      self->all_finished.notify_all();
  }
};

threaded_model_client::threaded_model_client(model_config model, work_function work,
                                             std::size_t max_threads)
  : core_(std::make_shared<core>()) {
  core_->model = std::move(model);
  core_->work = std::move(work);
  core_->max_threads = max_threads;
}

namespace {

/// Non-zero while a vote runs on this thread: a client released from its own vote's callback
/// must not wait for that vote, nor for the thread running it.
thread_local int inside_vote = 0;

} // namespace

threaded_model_client::~threaded_model_client() {
  std::unique_lock<std::mutex> guard{core_->mutex};
  core_->stopping = true;
  for (auto& kv : core_->running)
    kv.second->store(true, std::memory_order_release);
  core_->vote_queued.notify_all();
  // A vote left running could outlive main and analyse code during static destruction; the
  // cancel flag makes waiting short (a program is stopped, an analysis finishes). Idle threads
  // leave at once.
  if (inside_vote == 0)
    core_->all_finished.wait(guard,
                             [this] { return core_->unfinished == 0 && core_->threads == 0; });
}

const model_config& threaded_model_client::config() const noexcept {
  return core_->model;
}

model_client::vote_handle threaded_model_client::start_vote(const vote_request& request,
                                                            vote_callback done) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto vote = [self = core_.get(), flag, request, done = std::move(done)]() mutable {
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
    done(std::move(out));
    --inside_vote;
  };
  vote_handle h = 0;
  bool new_thread = false;
  {
    std::lock_guard<std::mutex> guard{core_->mutex};
    h = core_->next_handle++;
    core_->running.emplace(h, flag);
    ++core_->unfinished;
    // The thread running the vote holds the core (serve's argument) until it leaves.
    core_->queue.push_back([self = core_.get(), h, vote = std::move(vote)]() mutable {
      vote();
      std::lock_guard<std::mutex> g{self->mutex};
      self->running.erase(h);
      if (--self->unfinished == 0)
        self->all_finished.notify_all();
    });
    // A queued vote needs a thread of its own: a waiting one, or a new one while the limit
    // allows; otherwise the next thread to finish its vote takes it.
    if (core_->queue.size() <= core_->idle)
      core_->vote_queued.notify_one();
    else if (core_->max_threads == 0 || core_->threads < core_->max_threads) {
      ++core_->threads;
      new_thread = true;
    }
  }
  if (new_thread)
    std::thread{[self = core_] { core::serve(self); }}.detach();
  return h;
}

void threaded_model_client::cancel(vote_handle handle) {
  core_->cancel(handle);
}

std::size_t threaded_model_client::idle_threads() const {
  std::lock_guard<std::mutex> guard{core_->mutex};
  return core_->idle;
}

} // namespace genflow::quorum
