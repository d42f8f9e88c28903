#include "runtime/io/timer_thread.hpp"

#include <vector>

#include <sys/prctl.h>

namespace genflow::io {

timer_thread::timer_thread() : shared_(std::make_shared<shared>()) {}

timer_thread::~timer_thread() {
  {
    std::lock_guard<std::mutex> guard{shared_->mutex};
    shared_->stopping = true;
  }
  shared_->wake.notify_one();
  if (!thread_.joinable())
    return;
  if (thread_.get_id() == std::this_thread::get_id())
    thread_.detach(); // destroyed by one of its callbacks: the loop sees `stopping` and leaves
  else
    thread_.join();
}

timer_thread::timer_id timer_thread::schedule(clock_type::duration delay,
                                              std::function<void()> fn) {
  std::call_once(started_, [this] { thread_ = std::thread{[s = shared_] { run(s); }}; });
  auto at = clock_type::now() + delay;
  bool earliest;
  timer_id id;
  {
    std::lock_guard<std::mutex> guard{shared_->mutex};
    earliest = shared_->due.empty() || at < shared_->due.begin()->first;
    id = shared_->next_id++;
    auto it = shared_->due.emplace(at, std::make_pair(id, std::move(fn)));
    shared_->by_id.emplace(id, it);
  }
  if (earliest)
    shared_->wake.notify_one();
  return id;
}

bool timer_thread::cancel(timer_id id) {
  std::function<void()> dropped; // released outside the lock: it may run any destructor
  {
    std::lock_guard<std::mutex> guard{shared_->mutex};
    auto it = shared_->by_id.find(id);
    if (it == shared_->by_id.end())
      return false;
    dropped = std::move(it->second->second.second);
    shared_->due.erase(it->second);
    shared_->by_id.erase(it);
  }
  // The thread may still wake at the cancelled time; it then finds nothing due and sleeps on.
  return true;
}

std::size_t timer_thread::pending() const {
  std::lock_guard<std::mutex> guard{shared_->mutex};
  return shared_->due.size();
}

void timer_thread::run(const std::shared_ptr<shared>& s) {
  // Linux lets a sleeping thread wake up to 50 µs late by default, to batch wake-ups; a timer
  // thread wants its deadlines.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::vector<std::function<void()>> ready;
  std::unique_lock<std::mutex> guard{s->mutex};
  while (!s->stopping) {
    if (s->due.empty()) {
      s->wake.wait(guard);
      continue;
    }
    auto next = s->due.begin()->first;
    if (clock_type::now() < next) {
      s->wake.wait_until(guard, next);
      continue; // woken early, by an earlier entry or by the destructor: look again
    }
    auto end = s->due.upper_bound(clock_type::now());
    for (auto it = s->due.begin(); it != end; ++it) {
      ready.push_back(std::move(it->second.second));
      s->by_id.erase(it->second.first);
    }
    s->due.erase(s->due.begin(), end);
    guard.unlock();
    for (auto& fn : ready)
      fn();
    ready.clear(); // may release the last owner of the timer_thread: `stopping` is then set
    guard.lock();
  }
  // Drop what never ran outside the lock: releasing a callback may run arbitrary destructors.
  auto dropped = std::move(s->due);
  s->due.clear();
  s->by_id.clear();
  guard.unlock();
}

} // namespace genflow::io
