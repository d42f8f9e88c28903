#include "runtime/quorum/threaded_model_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/runtime/quorum/voting.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;

model_config local_model() {
  model_config m;
  m.id = "local";
  m.kind = provider_kind::command;
  return m;
}

vote_outcome approve() {
  vote_outcome out;
  out.vote = true;
  out.confidence = 0.9;
  return out;
}

TEST(ThreadedModelClient, VotesOneAfterAnotherReuseOneThread) {
  std::mutex m;
  std::set<std::thread::id> seen;
  threaded_model_client client{local_model(), [&](const vote_request&, const std::atomic<bool>&) {
                                 std::lock_guard<std::mutex> g{m};
                                 seen.insert(std::this_thread::get_id());
                                 return approve();
                               }};
  for (int i = 0; i < 5; ++i) {
    auto out = testing::vote(client);
    ASSERT_TRUE(out.participated()) << (out.error ? out.error->to_string() : "");
    EXPECT_EQ(out.model_id, "local");
    // The callback runs on the vote's thread; the thread then waits for the next vote.
    auto until = std::chrono::steady_clock::now() + 10s;
    while (client.idle_threads() == 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(100us);
    ASSERT_EQ(client.idle_threads(), 1u);
  }
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen.count(std::this_thread::get_id()), 0u); // never inside start_vote
}

TEST(ThreadedModelClient, VotesInFlightTogetherEachHaveAThread) {
  // Three votes that each wait until all three have started: they finish only if none waits
  // for another's thread.
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
  threaded_model_client client{local_model(), [&](const vote_request&, const std::atomic<bool>&) {
                                 std::unique_lock<std::mutex> g{m};
                                 ++started;
                                 cv.notify_all();
                                 cv.wait_for(g, 10s, [&] { return started == 3; });
                                 return approve();
                               }};
  std::vector<std::future<vote_outcome>> outcomes;
  for (int i = 0; i < 3; ++i)
    outcomes.push_back(std::async(std::launch::async, [&] { return testing::vote(client); }));
  for (auto& f : outcomes)
    EXPECT_TRUE(f.get().participated());
  EXPECT_EQ(started, 3);
}

TEST(ThreadedModelClient, VotesBeyondTheThreadLimitWaitTheirTurn) {
  std::mutex m;
  std::set<std::thread::id> seen;
  int running = 0, most = 0;
  threaded_model_client client{local_model(),
                               [&](const vote_request&, const std::atomic<bool>&) {
                                 {
                                   std::lock_guard<std::mutex> g{m};
                                   seen.insert(std::this_thread::get_id());
                                   most = std::max(most, ++running);
                                 }
                                 std::this_thread::sleep_for(2ms);
                                 std::lock_guard<std::mutex> g{m};
                                 --running;
                                 return approve();
                               },
                               1};
  std::vector<std::future<vote_outcome>> outcomes;
  for (int i = 0; i < 4; ++i)
    outcomes.push_back(std::async(std::launch::async, [&] { return testing::vote(client); }));
  for (auto& f : outcomes)
    EXPECT_TRUE(f.get().participated());
  EXPECT_EQ(most, 1);
  EXPECT_EQ(seen.size(), 1u);
}

TEST(ThreadedModelClient, DestroyingCancelsAVoteInFlightAndWaitsForIt) {
  std::promise<void> running;
  auto outcome = std::make_shared<std::promise<vote_outcome>>();
  auto result = outcome->get_future();
  {
    threaded_model_client client{local_model(),
                                 [&](const vote_request&, const std::atomic<bool>& cancel) {
                                   running.set_value();
                                   while (!cancel.load())
                                     std::this_thread::sleep_for(1ms);
                                   return approve();
                                 }};
    client.start_vote(testing::review(),
                      [outcome](vote_outcome out) { outcome->set_value(std::move(out)); });
    running.get_future().wait();
  } // the destructor raises the flag and waits for the callback
  ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
  auto out = result.get();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, "quorum.cancelled");
}

} // namespace
} // namespace genflow::quorum
