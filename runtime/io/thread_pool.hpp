#pragma once

/// A fixed pool of threads for blocking work (running programs, file I/O): what must never run on
/// an actor scheduler thread. Tasks run in submission order, one per free thread; the destructor
/// lets queued tasks finish and joins. The threads share the queue through their own reference,
/// so the pool may even be destroyed from inside one of its tasks (that thread is detached and
/// leaves once the queue is drained).
///
/// @code
/// io::thread_pool pool{4};
/// pool.post([] { run_process(req); });
/// @endcode

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace genflow::io {

class thread_pool {
public:
  explicit thread_pool(std::size_t threads);
  ~thread_pool();

  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  /// Queues `task`; it runs on one of the pool's threads.
  void post(std::function<void()> task);

  std::size_t size() const noexcept { return threads_.size(); }

private:
  struct queue {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::function<void()>> tasks; // protected by mutex
    bool stopping = false;                   // protected by mutex
  };

  static void run(const std::shared_ptr<queue>& q);

  std::shared_ptr<queue> queue_;
  std::vector<std::thread> threads_;
};

} // namespace genflow::io
