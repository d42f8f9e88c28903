#pragma once

/// A fixed pool of threads for blocking work (running programs, file I/O): what must never run on
/// an actor scheduler thread. Tasks run in submission order, one per free thread; the destructor
/// finishes queued tasks and joins.
///
/// @code
/// io::thread_pool pool{4};
/// pool.post([] { run_process(req); });
/// @endcode

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_; // protected by mutex_
  bool stopping_ = false;                   // protected by mutex_
  std::vector<std::thread> threads_;
};

} // namespace genflow::io
