#include "runtime/quorum/prompt.hpp"

#include <gtest/gtest.h>

#include "runtime/quorum/quorum_config.hpp"

namespace genflow::quorum {
namespace {

vote_request sample_request(std::string code = "def f():\n    return 1\n") {
  vote_request r;
  r.node_type = "effect";
  r.contract_summary = "NodeWriter writes records";
  r.code = std::move(code);
  return r;
}

prompt_options options(std::size_t max_bytes = 32768) {
  return prompt_options{max_bytes, default_criteria()};
}

// -- prompt -------------------------------------------------------------------

TEST(BuildPrompt, HasRoleContextCriteriaCodeAndAnswerFormat) {
  auto p = build_prompt(sample_request(), options());
  EXPECT_NE(p.find("code quality validator for ONEX v2.0"), std::string::npos);
  EXPECT_NE(p.find("Node type: effect"), std::string::npos);
  EXPECT_NE(p.find("Contract: NodeWriter writes records"), std::string::npos);
  EXPECT_NE(p.find("1. ONEX v2.0 compliance"), std::string::npos);
  EXPECT_NE(p.find("5. Performance"), std::string::npos);
  EXPECT_NE(p.find("```python\ndef f():\n    return 1\n```"), std::string::npos);
  EXPECT_NE(p.find(R"({"vote": true or false, "confidence")"), std::string::npos);
  EXPECT_EQ(p.find("truncated"), std::string::npos);
}

TEST(BuildPrompt, PrefersTheRequestsOwnCriteria) {
  auto r = sample_request();
  r.criteria = {"No global state"};
  auto p = build_prompt(r, options());
  EXPECT_NE(p.find("1. No global state\n"), std::string::npos);
  EXPECT_EQ(p.find("ONEX v2.0 compliance"), std::string::npos);
}

TEST(BuildPrompt, CutsLongCodeAtALineBoundaryWithAMarker) {
  std::string code;
  for (int i = 0; i < 100; ++i)
    code += "x_" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  auto p = build_prompt(sample_request(code), options(300));
  auto fence = p.find("```python\n");
  auto marker = p.find("# [genflow: code truncated here;");
  ASSERT_NE(fence, std::string::npos);
  ASSERT_NE(marker, std::string::npos);
  auto shown = p.substr(fence + 10, marker - fence - 10);
  EXPECT_LE(shown.size(), 300u);
  EXPECT_EQ(shown.back(), '\n');
  EXPECT_EQ(code.rfind(shown, 0), 0u); // a prefix of the code, whole lines
  EXPECT_NE(p.find("of " + std::to_string(code.size()) + " bytes shown"), std::string::npos);
}

TEST(TruncateCode, NeverSplitsAUtf8Character) {
  std::string line = "s = '";
  for (int i = 0; i < 50; ++i)
    line += "\xC3\xA9"; // é, two bytes each
  line += "'";
  for (std::size_t limit = 5; limit < 60; ++limit) {
    auto cut = truncate_code(line, limit);
    EXPECT_LE(cut.size(), limit);
    ASSERT_FALSE(cut.empty());
    auto last = static_cast<unsigned char>(cut.back());
    EXPECT_FALSE(last == 0xC3) << "cut inside a character at limit " << limit;
  }
  EXPECT_EQ(truncate_code("short", 100), "short");
}

TEST(BuildPrompt, UsesALongerFenceThanAnyBacktickRunInTheCode) {
  auto p = build_prompt(sample_request("doc = '''\n```python\nx\n```\n'''\n"), options());
  EXPECT_NE(p.find("````python\n"), std::string::npos);
}

// -- replies ------------------------------------------------------------------

TEST(ParseVoteReply, ReadsAPlainJsonVerdict) {
  auto v = parse_vote_reply(R"({"vote": true, "confidence": 0.85, "reasoning": "clean"})");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_TRUE(v->vote);
  EXPECT_DOUBLE_EQ(v->confidence, 0.85);
  EXPECT_EQ(v->reasoning, "clean");
}

TEST(ParseVoteReply, ReadsAFencedVerdictInsideProse) {
  auto v = parse_vote_reply("Here is my assessment.\n\n```json\n{\n  \"vote\": false,\n"
                            "  \"confidence\": 0.7,\n  \"reasoning\": \"missing error handling\"\n"
                            "}\n```\nLet me know if you need more.");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_FALSE(v->vote);
  EXPECT_DOUBLE_EQ(v->confidence, 0.7);
}

TEST(ParseVoteReply, IgnoresBracesInsideStrings) {
  auto v = parse_vote_reply(
    R"(Result: {"reasoning": "uses {placeholders} and a \"}\" char", "vote": "approve", "confidence": 1})");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_TRUE(v->vote);
  EXPECT_EQ(v->reasoning, "uses {placeholders} and a \"}\" char");
}

TEST(ParseVoteReply, SkipsObjectsWithoutAVote) {
  auto v = parse_vote_reply(
    R"(Context {"note": 1} then {"result": {"vote": "reject", "confidence": 0.4, "reasoning": "no"}})");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_FALSE(v->vote);
  EXPECT_DOUBLE_EQ(v->confidence, 0.4);
}

TEST(ParseVoteReply, AcceptsPassFailApproveRejectInAnyCase) {
  for (auto [word, expected] : {std::pair{"PASS", true}, {"Fail", false}, {"approve", true},
                                {"REJECT", false}}) {
    auto v = parse_vote_reply(std::string{R"({"vote": ")"} + word
                              + R"(", "confidence": 0.5, "reasoning": "r"})");
    ASSERT_TRUE(v) << word;
    EXPECT_EQ(v->vote, expected) << word;
  }
}

TEST(ParseVoteReply, RejectsConfidenceOutsideZeroToOne) {
  for (auto bad : {"1.5", "-0.1", "85"}) {
    auto v = parse_vote_reply(std::string{R"({"vote": true, "confidence": )"} + bad
                              + R"(, "reasoning": "r"})");
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, "quorum.vote_invalid");
    EXPECT_EQ(v.error().where, "confidence");
    EXPECT_NE(v.error().message.find("outside [0, 1]"), std::string::npos);
  }
}

TEST(ParseVoteReply, RejectsMissingOrMistypedFields) {
  auto no_confidence = parse_vote_reply(R"({"vote": true, "reasoning": "r"})");
  ASSERT_FALSE(no_confidence);
  EXPECT_EQ(no_confidence.error().where, "confidence");
  auto text_confidence = parse_vote_reply(R"({"vote": true, "confidence": "high", "reasoning": "r"})");
  ASSERT_FALSE(text_confidence);
  EXPECT_EQ(text_confidence.error().code, "quorum.vote_invalid");
  auto no_reasoning = parse_vote_reply(R"({"vote": true, "confidence": 0.5, "reasoning": "  "})");
  ASSERT_FALSE(no_reasoning);
  EXPECT_EQ(no_reasoning.error().where, "reasoning");
  auto odd_vote = parse_vote_reply(R"({"vote": "maybe", "confidence": 0.5, "reasoning": "r"})");
  ASSERT_FALSE(odd_vote);
  EXPECT_EQ(odd_vote.error().where, "vote");
  auto numeric_vote = parse_vote_reply(R"({"vote": 1, "confidence": 0.5, "reasoning": "r"})");
  ASSERT_FALSE(numeric_vote);
}

TEST(ParseVoteReply, ReportsGarbageAsUnparseableWithAnExcerpt) {
  for (auto text : {"I think the code is fine.", "", "{\"vote\": true", "{{{{", "}{", "[1, 2]",
                    "```json\n{vote: true, confidence: 0.9}\n```"}) {
    auto v = parse_vote_reply(text);
    ASSERT_FALSE(v) << text;
    EXPECT_EQ(v.error().code, "quorum.vote_unparseable") << text;
  }
  auto v = parse_vote_reply("I think the code is fine.");
  EXPECT_NE(v.error().message.find("I think the code is fine."), std::string::npos);
}

TEST(ParseVoteReply, PrefersAValidVerdictOverAnEarlierInvalidOne) {
  auto v = parse_vote_reply(R"(Format: {"vote": "bool", "confidence": 2}. Answer: {"vote": true, )"
                            R"("confidence": 0.9, "reasoning": "fine"})");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_TRUE(v->vote);
}

TEST(ParseVoteReply, SurvivesHostileInputs) {
  std::string braces(200000, '{');
  EXPECT_FALSE(parse_vote_reply(braces));
  std::string quotes = "{\"" + std::string(100000, '\\');
  EXPECT_FALSE(parse_vote_reply(quotes));
  std::string binary;
  for (int i = 0; i < 512; ++i)
    binary += static_cast<char>(i % 256);
  EXPECT_FALSE(parse_vote_reply(binary));
}

} // namespace
} // namespace genflow::quorum
