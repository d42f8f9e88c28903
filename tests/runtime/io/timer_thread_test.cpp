// The timer thread: callbacks run once, in due order, never early; a later schedule of an
// earlier deadline wakes the thread; destruction drops what is pending, even from a callback.

#include "runtime/io/timer_thread.hpp"

#include <atomic>
#include <future>
#include <thread>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

namespace genflow::io {
namespace {

using namespace std::chrono_literals;
using clock_type = timer_thread::clock_type;

TEST(TimerThread, RunsCallbacksInDueOrderAndNeverEarly) {
  timer_thread timers;
  std::mutex m;
  std::vector<int> order;
  std::promise<void> all;
  auto t0 = clock_type::now();
  std::vector<clock_type::duration> waited(3);
  auto add = [&](int id, clock_type::duration delay) {
    timers.schedule(delay, [&, id] {
      std::lock_guard<std::mutex> guard{m};
      waited[static_cast<std::size_t>(id)] = clock_type::now() - t0;
      order.push_back(id);
      if (order.size() == 3)
        all.set_value();
    });
  };
  add(0, 30ms);
  add(1, 10ms); // earlier than the pending one: must wake the thread
  add(2, 20ms);
  ASSERT_EQ(all.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 0}));
  EXPECT_GE(waited[1], 10ms);
  EXPECT_GE(waited[2], 20ms);
  EXPECT_GE(waited[0], 30ms);
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(TimerThread, DropsPendingCallbacksWhenDestroyed) {
  auto token = std::make_shared<int>(0);
  std::atomic<bool> ran{false};
  {
    timer_thread timers;
    timers.schedule(1h, [token, &ran] { ran = true; });
    EXPECT_EQ(timers.pending(), 1u);
  }
  EXPECT_FALSE(ran);
  EXPECT_EQ(token.use_count(), 1) << "the dropped callback released what it held";
}

TEST(TimerThread, ACancelledCallbackNeverRunsAndIsReleasedAtOnce) {
  timer_thread timers;
  auto token = std::make_shared<int>(0);
  std::atomic<int> ran{0};
  auto later = timers.schedule(1h, [token, &ran] { ++ran; });
  std::promise<void> soon_ran;
  auto soon = timers.schedule(1ms, [&] { soon_ran.set_value(); });
  auto cancelled = timers.schedule(2ms, [&ran] { ++ran; });
  EXPECT_TRUE(timers.cancel(cancelled));
  EXPECT_TRUE(timers.cancel(later));
  EXPECT_EQ(token.use_count(), 1) << "cancelling released what the callback held";
  EXPECT_FALSE(timers.cancel(later)) << "a second cancel finds nothing";
  ASSERT_EQ(soon_ran.get_future().wait_for(5s), std::future_status::ready);
  std::this_thread::sleep_for(5ms); // past the cancelled entry's time
  EXPECT_EQ(ran, 0);
  EXPECT_FALSE(timers.cancel(soon)) << "a callback that ran cannot be cancelled";
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(TimerThread, MayBeDestroyedByItsOwnCallback) {
  auto timers = std::make_shared<timer_thread>();
  std::promise<void> done;
  auto f = done.get_future();
  // The callback holds the last reference: releasing it destroys the timer thread on itself.
  timers->schedule(1ms, [keep = timers, &done]() mutable {
    keep.reset();
    done.set_value();
  });
  timers.reset();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
}

TEST(TimerThread, CostsNothingUntilUsed) {
  timer_thread idle; // no thread started, nothing to join
  EXPECT_EQ(idle.pending(), 0u);
}

} // namespace
} // namespace genflow::io
