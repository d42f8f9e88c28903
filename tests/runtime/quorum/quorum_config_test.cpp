#include "runtime/quorum/quorum_config.hpp"

#include <map>

#include <gtest/gtest.h>

namespace genflow::quorum {
namespace {

using namespace std::chrono_literals;

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    if (auto it = vars.find(std::string{name}); it != vars.end())
      return it->second;
    return std::nullopt;
  };
}

const env_lookup no_env = fake_env({});

config_report parse(const std::string& text, const env_lookup& env = no_env) {
  return parse_quorum_config(text, "q.yaml", env);
}

/// The single error of a report (fails the test when there is not exactly one).
error_info only_error(const config_report& r) {
  EXPECT_FALSE(r.config);
  EXPECT_EQ(r.errors.size(), 1u);
  if (r.errors.size() > 1)
    for (const auto& e : r.errors)
      ADD_FAILURE() << "error: " << e.to_string();
  return r.errors.empty() ? error_info{} : r.errors.front();
}

TEST(QuorumConfig, LoadsTheShippedOfflineDefault) {
  auto r = load_quorum_config(std::string{GENFLOW_SOURCE_DIR} + "/configs/quorum/default.yaml", no_env);
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors.front().to_string());
  const auto& c = *r.config;
  ASSERT_EQ(c.models.size(), 4u);
  for (const auto& m : c.models) {
    EXPECT_EQ(m.kind, provider_kind::offline) << m.id;
    EXPECT_TRUE(m.endpoint.empty());
  }
  EXPECT_DOUBLE_EQ(c.total_enabled_weight(), 6.5);
  EXPECT_DOUBLE_EQ(c.settings.pass_threshold, 0.6);
  EXPECT_DOUBLE_EQ(c.settings.min_participating_weight, 3.0);
  EXPECT_NEAR(c.models[0].emphasis.security, 0.5, 1e-12);
  EXPECT_NEAR(c.models[3].emphasis.quality, 0.25, 1e-12);
}

TEST(QuorumConfig, LoadsTheOriginalsFourProvidersWhenTheirKeysAreSet) {
  auto path = std::string{GENFLOW_SOURCE_DIR} + "/configs/quorum/providers.yaml";
  auto r = load_quorum_config(path, fake_env({{"GEMINI_API_KEY", "g"},
                                              {"GLM_API_KEY", "z"},
                                              {"CODESTRAL_API_KEY", "c"}}));
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors.front().to_string());
  const auto& m = r.config->models;
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].id, "gemini");
  EXPECT_EQ(m[0].kind, provider_kind::gemini);
  EXPECT_EQ(m[0].model_name, "gemini-1.5-pro");
  EXPECT_EQ(m[0].api_key_env, "GEMINI_API_KEY");
  EXPECT_EQ(m[0].endpoint.find("key="), std::string::npos);
  EXPECT_EQ(m[1].id, "glm-4.5");
  EXPECT_EQ(m[1].model_name, "glm-4-plus");
  EXPECT_EQ(m[1].endpoint, "https://open.bigmodel.cn/api/paas/v4/chat/completions");
  EXPECT_EQ(m[2].id, "glm-air");
  EXPECT_EQ(m[2].model_name, "glm-4-air");
  EXPECT_EQ(m[3].id, "codestral");
  EXPECT_EQ(m[3].endpoint, "https://api.mistral.ai/v1/chat/completions");
  EXPECT_EQ(m[3].api_key_env, "CODESTRAL_API_KEY");
  EXPECT_DOUBLE_EQ(m[0].weight, 2.0);
  EXPECT_DOUBLE_EQ(m[1].weight, 2.0);
  EXPECT_DOUBLE_EQ(m[2].weight, 1.5);
  EXPECT_DOUBLE_EQ(m[3].weight, 1.0);
  EXPECT_DOUBLE_EQ(r.config->total_enabled_weight(), 6.5);
  EXPECT_EQ(m[1].timeout, std::chrono::nanoseconds{30s});
  EXPECT_GT(m[0].prices.output_per_1k, 0.0);
}

TEST(QuorumConfig, NamesEveryMissingKeyVariableOfTheProviders) {
  auto path = std::string{GENFLOW_SOURCE_DIR} + "/configs/quorum/providers.yaml";
  auto r = load_quorum_config(path, fake_env({{"GLM_API_KEY", "z"}}));
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].code, "quorum.missing_key");
  EXPECT_NE(r.errors[0].message.find("GEMINI_API_KEY"), std::string::npos);
  EXPECT_NE(r.errors[0].where.find("providers.yaml:"), std::string::npos);
  EXPECT_NE(r.errors[0].where.find("models[0].api_key_env"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("CODESTRAL_API_KEY"), std::string::npos);
}

TEST(QuorumConfig, ADisabledModelNeedsNoKey) {
  auto r = parse(R"(
models:
  - {id: a, provider: offline, weight: 3}
  - {id: g, provider: gemini, model: m, endpoint: "https://x.test/v1/models/m:generateContent",
     api_key_env: NOT_SET, enabled: false}
)");
  ASSERT_TRUE(r.config);
  EXPECT_FALSE(r.config->models[1].enabled);
  EXPECT_DOUBLE_EQ(r.config->total_enabled_weight(), 3.0);
}

TEST(QuorumConfig, ReadsEverySetting) {
  auto r = parse(R"(
quorum:
  pass_threshold: 0.7
  min_participating_weight: 1
  deadline: 45s
  consensus: total
  on_insufficient: validators_only
  max_prompt_code_bytes: 4096
  criteria: [Correct, Fast]
  retry: {base: 10ms, max: 1s}
  connect_timeout: 2s
models:
  - id: local
    provider: openai
    model: qwen2.5-coder
    endpoint: http://127.0.0.1:11434/v1/chat/completions
    weight: 1.5
    timeout: 5s
    max_retries: 0
    max_tokens: 256
    price_per_1k: {input: 0, output: 0}
  - {id: cli, provider: command, command: [my-llm, --json]}
)");
  ASSERT_TRUE(r.config) << r.errors.front().to_string();
  const auto& s = r.config->settings;
  EXPECT_DOUBLE_EQ(s.pass_threshold, 0.7);
  EXPECT_DOUBLE_EQ(s.min_participating_weight, 1.0);
  EXPECT_EQ(s.deadline, std::chrono::nanoseconds{45s});
  EXPECT_EQ(s.formula, consensus_formula::total);
  EXPECT_EQ(s.on_insufficient, participation_policy::validators_only);
  EXPECT_EQ(s.max_prompt_code_bytes, 4096u);
  EXPECT_EQ(s.criteria, (std::vector<std::string>{"Correct", "Fast"}));
  EXPECT_EQ(s.retry.base, std::chrono::nanoseconds{10ms});
  EXPECT_EQ(s.connect_timeout, std::chrono::nanoseconds{2s});
  const auto& local = r.config->models[0];
  EXPECT_TRUE(local.api_key_env.empty()); // a keyless local server
  EXPECT_EQ(local.max_retries, 0);
  EXPECT_EQ(local.max_tokens, 256);
  EXPECT_EQ(r.config->models[1].command, (std::vector<std::string>{"my-llm", "--json"}));
}

TEST(QuorumConfig, RejectsUnknownKeysWithTheirPlace) {
  auto e = only_error(parse("models:\n  - {id: a, provider: offline, weight: 3, temprature: 1}\n"));
  EXPECT_EQ(e.code, "yaml.unknown_key");
  EXPECT_EQ(e.where, "q.yaml:2:43 models[0].temprature");
}

TEST(QuorumConfig, RejectsWeightsOutsideZeroToTen) {
  for (auto w : {"0", "-1", "10.5", ".nan"}) {
    auto e = only_error(parse(std::string{"models:\n  - {id: a, provider: offline, weight: "} + w + "}\n"));
    EXPECT_EQ(e.code, "quorum.config") << w;
    EXPECT_NE(e.where.find("models[0].weight"), std::string::npos) << w;
  }
  auto ok = parse("models:\n  - {id: a, provider: offline, weight: 10}\nquorum: {min_participating_weight: 1}\n");
  EXPECT_TRUE(ok.config);
}

TEST(QuorumConfig, RejectsBadEndpoints) {
  auto endpoint = [](const std::string& url) {
    return parse("quorum: {min_participating_weight: 1}\nmodels:\n  - {id: a, provider: openai, "
                 "model: m, weight: 1, endpoint: \""
                 + url + "\"}\n");
  };
  for (auto url : {"ftp://x.test/v1", "not a url", "https://", "file:///etc/passwd",
                   "https://user:pw@x.test/v1", "https://x.test/v1?key=abc"}) {
    auto r = endpoint(url);
    ASSERT_FALSE(r.config) << url;
    EXPECT_EQ(r.errors.front().code, "quorum.config") << url;
    EXPECT_NE(r.errors.front().where.find("models[0].endpoint"), std::string::npos) << url;
  }
  EXPECT_TRUE(endpoint("https://x.test:8443/v1/chat/completions").config);
}

TEST(QuorumConfig, RejectsAMissingKeyVariableOfAnEnabledModel) {
  auto text = R"(
quorum: {min_participating_weight: 1}
models:
  - {id: a, provider: openai, model: m, endpoint: "https://x.test/v1", api_key_env: A_KEY}
)";
  auto e = only_error(parse(text));
  EXPECT_EQ(e.code, "quorum.missing_key");
  EXPECT_EQ(e.where, "q.yaml:4:85 models[0].api_key_env");
  auto empty = parse(text, fake_env({{"A_KEY", ""}}));
  EXPECT_FALSE(empty.config);
  auto set = parse(text, fake_env({{"A_KEY", "secret"}}));
  ASSERT_TRUE(set.config);
  EXPECT_EQ(set.config->models[0].api_key_env, "A_KEY");
}

TEST(QuorumConfig, GeminiAlwaysNeedsAKeyVariable) {
  auto e = only_error(parse("quorum: {min_participating_weight: 1}\nmodels:\n  - {id: g, provider: "
                            "gemini, model: m, endpoint: \"https://x.test/v1/models/m:generateContent\"}\n"));
  EXPECT_EQ(e.code, "yaml.missing");
  EXPECT_NE(e.where.find("models[0].api_key_env"), std::string::npos);
}

TEST(QuorumConfig, RejectsFieldsOfAnotherProviderKind) {
  auto r = parse(R"(
quorum: {min_participating_weight: 1}
models:
  - {id: a, provider: offline, endpoint: "https://x.test", command: [x], max_retries: 1}
  - {id: b, provider: command, command: [x], emphasis: security}
)");
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_NE(r.errors[0].where.find("models[0].endpoint"), std::string::npos);
  EXPECT_NE(r.errors[1].where.find("models[0].command"), std::string::npos);
  EXPECT_NE(r.errors[2].where.find("models[0].max_retries"), std::string::npos);
  EXPECT_NE(r.errors[3].where.find("models[1].emphasis"), std::string::npos);
}

TEST(QuorumConfig, RejectsDuplicateAndMalformedIds) {
  auto r = parse(R"(
quorum: {min_participating_weight: 1}
models:
  - {id: a, provider: offline}
  - {id: a, provider: offline}
  - {id: "has space", provider: offline}
)");
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_NE(r.errors[0].message.find("duplicate model id 'a'"), std::string::npos);
  EXPECT_EQ(r.errors[0].where, "q.yaml:5:10 models[1].id");
  EXPECT_NE(r.errors[1].message.find("must be 1-50 characters"), std::string::npos);
}

TEST(QuorumConfig, RejectsAParticipationFloorNoQuorumCouldReach) {
  auto e = only_error(parse("quorum: {min_participating_weight: 5}\nmodels:\n"
                            "  - {id: a, provider: offline, weight: 2}\n"
                            "  - {id: b, provider: offline, weight: 2.5}\n"));
  EXPECT_EQ(e.code, "quorum.config");
  EXPECT_NE(e.message.find("exceeds the total enabled weight 4.5"), std::string::npos);
}

TEST(QuorumConfig, RejectsBadSettings) {
  auto r = parse(R"(
quorum:
  pass_threshold: 1.5
  consensus: average
  on_insufficient: ignore
  deadline: soon
  retry: {base: 2s, max: 1s}
  criteria: []
models:
  - {id: a, provider: offline, weight: 3}
)");
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 6u);
  EXPECT_EQ(r.errors[0].where, "q.yaml:3:19 quorum.pass_threshold");
  EXPECT_NE(r.errors[1].message.find("unknown consensus formula 'average'"), std::string::npos);
  EXPECT_NE(r.errors[2].message.find("unknown policy 'ignore'"), std::string::npos);
  EXPECT_NE(r.errors[3].where.find("quorum.deadline"), std::string::npos);
}

TEST(QuorumConfig, RejectsUnknownEmphasisAndEmptyWeightings) {
  auto r = parse(R"(
quorum: {min_participating_weight: 1}
models:
  - {id: a, provider: offline, emphasis: style}
  - {id: b, provider: offline, emphasis: {security: 0}}
  - {id: c, provider: offline, emphasis: {speed: 1}}
)");
  ASSERT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_NE(r.errors[0].message.find("unknown emphasis 'style'"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("at least one positive weight"), std::string::npos);
  EXPECT_EQ(r.errors[2].code, "yaml.unknown_key");
}

TEST(QuorumConfig, RejectsACommandWithoutAProgram) {
  auto e = only_error(parse("quorum: {min_participating_weight: 1}\nmodels:\n"
                            "  - {id: a, provider: command, command: []}\n"));
  EXPECT_NE(e.message.find("at least a program name"), std::string::npos);
}

TEST(QuorumConfig, RejectsDocumentsWithoutModelsOrEnabledModels) {
  EXPECT_EQ(only_error(parse("quorum: {}\n")).code, "yaml.missing");
  EXPECT_NE(only_error(parse("quorum: {min_participating_weight: 0}\nmodels:\n"
                             "  - {id: a, provider: offline, enabled: false}\n"))
              .message.find("no model is enabled"),
            std::string::npos);
  EXPECT_EQ(only_error(parse("models: [1, 2")).code, "yaml.syntax");
  EXPECT_EQ(only_error(parse("- a\n- b\n")).code, "yaml.type");
}

TEST(QuorumConfig, ReportsAMissingFile) {
  auto r = load_quorum_config("/nonexistent/quorum.yaml", no_env);
  ASSERT_FALSE(r.config);
  EXPECT_EQ(r.errors.front().code, "io.not_found");
}

} // namespace
} // namespace genflow::quorum
