#pragma once

/// Test support for model clients: a review request and one vote waited for.
///
/// @code
/// auto out = testing::vote(client);                          // default request, 30 s budget
/// auto late = testing::vote(client, testing::review(200ms)); // a tight quorum deadline
/// @endcode

#include <chrono>
#include <future>
#include <memory>

#include <gtest/gtest.h>

#include "runtime/quorum/model_client.hpp"

namespace genflow::quorum::testing {

/// A review of a small effect node, due within `budget`.
inline vote_request review(std::chrono::nanoseconds budget = std::chrono::seconds{30}) {
  vote_request r;
  r.node_type = "effect";
  r.contract_summary = "writes records";
  r.code = "async def execute_effect(self):\n    return 1\n";
  r.deadline = std::chrono::steady_clock::now() + budget;
  return r;
}

/// Runs one vote and waits for its outcome (30 s at most; a test failure otherwise).
inline vote_outcome vote(model_client& client, const vote_request& req = review()) {
  auto promise = std::make_shared<std::promise<vote_outcome>>();
  auto future = promise->get_future();
  client.start_vote(req, [promise](vote_outcome out) { promise->set_value(std::move(out)); });
  if (future.wait_for(std::chrono::seconds{30}) != std::future_status::ready) {
    ADD_FAILURE() << "no outcome within 30 s";
    return {};
  }
  return future.get();
}

} // namespace genflow::quorum::testing
