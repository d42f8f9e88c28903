#include "runtime/quorum/command_model_client.hpp"

#include <future>

#include <gtest/gtest.h>

#include "tests/runtime/quorum/voting.hpp"

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;

model_config command_model(std::string script, std::chrono::nanoseconds timeout = 10s) {
  model_config m;
  m.id = "cli";
  m.kind = provider_kind::command;
  m.command = {"sh", "-c", std::move(script)};
  m.timeout = timeout;
  return m;
}

using testing::review;
using testing::vote;

constexpr const char* verdict_json =
  R"(echo '{"vote": true, "confidence": 0.7, "reasoning": "cli ok"}')";

TEST(CommandModelClient, ReadsTheVerdictFromStdout) {
  command_model_client client{command_model(std::string{"cat > /dev/null; "} + verdict_json),
                              quorum_settings{}};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_EQ(out.model_id, "cli");
  EXPECT_TRUE(out.vote);
  EXPECT_DOUBLE_EQ(out.confidence, 0.7);
  EXPECT_EQ(out.reasoning, "cli ok");
  EXPECT_EQ(out.attempts, 1);
  EXPECT_FALSE(out.tokens.reported);
}

TEST(CommandModelClient, GetsThePromptOnStdin) {
  command_model_client client{
    command_model(std::string{"input=$(cat); case \"$input\" in "
                              "*'Node type: effect'*'async def execute_effect(self):'*) "}
                  + verdict_json + ";; *) exit 3;; esac"),
    quorum_settings{}};
  auto out = vote(client);
  EXPECT_TRUE(out.participated()) << out.error->to_string();
}

TEST(CommandModelClient, ToleratesProseAroundTheVerdict) {
  command_model_client client{
    command_model("cat > /dev/null; printf 'Thinking...\\n```json\\n{\"vote\": \"reject\", "
                  "\"confidence\": 0.9, \"reasoning\": \"no tests\"}\\n```\\n'"),
    quorum_settings{}};
  auto out = vote(client);
  ASSERT_TRUE(out.participated()) << out.error->to_string();
  EXPECT_FALSE(out.vote);
}

TEST(CommandModelClient, ReportsANonZeroExitWithStderr) {
  command_model_client client{command_model("cat > /dev/null; echo 'model not loaded' >&2; exit 4"),
                              quorum_settings{}};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.command_failed");
  EXPECT_NE(out.error->message.find("status 4: model not loaded"), std::string::npos);
  EXPECT_EQ(out.error->where, "model cli");
}

TEST(CommandModelClient, ReportsUnreadableOutput) {
  command_model_client client{command_model("cat > /dev/null; echo 'LGTM!'"), quorum_settings{}};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.vote_unparseable");
  EXPECT_NE(out.error->message.find("LGTM!"), std::string::npos);
}

TEST(CommandModelClient, KillsAProgramPastItsTimeout) {
  command_model_client client{command_model("exec sleep 30", 200ms), quorum_settings{}};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.timeout");
}

TEST(CommandModelClient, StopsAtTheDeadline) {
  command_model_client client{command_model("exec sleep 30", 60s), quorum_settings{}};
  auto out = vote(client, review(200ms));
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.deadline");
}

TEST(CommandModelClient, CancelKillsTheProgram) {
  command_model_client client{command_model("exec sleep 30"), quorum_settings{}};
  std::promise<vote_outcome> done;
  auto h = client.start_vote(review(), [&](vote_outcome out) { done.set_value(std::move(out)); });
  client.cancel(h);
  auto out = done.get_future().get();
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.cancelled");
}

TEST(CommandModelClient, ReportsAMissingProgram) {
  model_config m;
  m.id = "cli";
  m.kind = provider_kind::command;
  m.command = {"genflow-no-such-model-tool"};
  command_model_client client{m, quorum_settings{}};
  auto out = vote(client);
  ASSERT_FALSE(out.participated());
  EXPECT_EQ(out.error->code, "quorum.command_failed");
  EXPECT_NE(out.error->message.find("genflow-no-such-model-tool"), std::string::npos);
}

} // namespace
} // namespace genflow::quorum
