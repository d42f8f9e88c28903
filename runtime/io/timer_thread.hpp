#pragma once

/// One thread (started by the first timer) that runs callbacks at points in time. Scheduling wakes
/// the thread only when the new entry is due before every pending one, so a burst of N timers with
/// the same delay (a stage of sleeping steps, a round of deadlines) costs one wake-up instead of N,
/// which the actor system's clock would spend. Callbacks run on the timer thread: keep them short
/// (send a message). Pending callbacks are dropped, not run, when the object is destroyed; it may
/// even be destroyed from one of its own callbacks (the thread then leaves by itself).
///
/// @code
/// io::timer_thread timers;
/// auto id = timers.schedule(std::chrono::milliseconds{10}, [=] { caf::anon_send(worker,
/// wakeup{token}); }); timers.cancel(id);   // not run; what the callback holds is released now,
/// not when it was due
/// @endcode

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace genflow::io {

class timer_thread {
public:
  using clock_type = std::chrono::steady_clock;

  timer_thread();
  ~timer_thread();

  timer_thread(const timer_thread&) = delete;
  timer_thread& operator=(const timer_thread&) = delete;

  /// Identifies a scheduled callback (never 0).
  using timer_id = std::uint64_t;

  /// Runs `fn` on the timer thread once `delay` has passed.
  timer_id schedule(clock_type::duration delay, std::function<void()> fn);

  /// Drops the callback if it has not run yet (then true). A deadline that is no longer needed
  /// should be cancelled: its callback, and whatever it holds, otherwise lives until it is due.
  bool cancel(timer_id id);

  /// Callbacks not yet run.
  std::size_t pending() const;

private:
  using queue = std::multimap<clock_type::time_point, std::pair<timer_id, std::function<void()>>>;

  struct shared {
    std::mutex mutex;
    std::condition_variable wake;
    // protected by mutex
    queue due;
    std::unordered_map<timer_id, queue::iterator> by_id;
    timer_id next_id = 1;
    bool stopping = false;
  };

  static void run(const std::shared_ptr<shared>& s);

  std::shared_ptr<shared> shared_;
  std::once_flag started_; // the thread starts with the first timer
  std::thread thread_;
};

} // namespace genflow::io
