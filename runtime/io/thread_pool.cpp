#include "runtime/io/thread_pool.hpp"

namespace genflow::io {

thread_pool::thread_pool(std::size_t threads) : queue_(std::make_shared<queue>()) {
  if (threads == 0)
    threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([q = queue_] { run(q); });
}

thread_pool::~thread_pool() {
  {
    std::lock_guard<std::mutex> guard{queue_->mutex};
    queue_->stopping = true;
  }
  queue_->ready.notify_all();
  for (auto& t : threads_) {
    if (t.get_id() == std::this_thread::get_id())
      t.detach(); // destroyed from one of our own tasks
    else
      t.join();
  }
}

void thread_pool::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> guard{queue_->mutex};
    queue_->tasks.push_back(std::move(task));
  }
  queue_->ready.notify_one();
}

void thread_pool::run(const std::shared_ptr<queue>& q) {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock{q->mutex};
      q->ready.wait(lock, [&] { return q->stopping || !q->tasks.empty(); });
      if (q->tasks.empty())
        return; // stopping and drained
      task = std::move(q->tasks.front());
      q->tasks.pop_front();
    }
    task();
  }
}

} // namespace genflow::io
