#include "runtime/contracts/contract_parser.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace genflow::contracts {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string minimal = "name: NodeOrderSyncEffect\n"
                            "version: {major: 1, minor: 2, patch: 3}\n"
                            "node_type: effect\n"
                            "description: Synchronises orders with the warehouse.\n";

parse_report parse(const std::string& text) {
  return parse_contract(text, "c.yaml");
}

/// The error with `code`, or a failure listing what was reported.
const error_info* find_error(const parse_report& r, std::string_view code) {
  for (const auto& e : r.errors)
    if (e.code == code)
      return &e;
  std::string all;
  for (const auto& e : r.errors)
    all += "\n  " + e.to_string();
  ADD_FAILURE() << "no error " << code << " among:" << all;
  return nullptr;
}

std::vector<std::string> contract_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".yaml")
      out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// -- valid contracts ----------------------------------------------------------

TEST(ContractParser, ReadsTheFourRequiredFields) {
  auto r = parse(minimal);
  ASSERT_TRUE(r.result) << (r.errors.empty() ? "" : r.errors[0].to_string());
  EXPECT_EQ(r.result->name, "NodeOrderSyncEffect");
  EXPECT_EQ(r.result->version, (version_info{1, 2, 3}));
  EXPECT_EQ(r.result->type, node_type::effect);
  EXPECT_EQ(r.result->description, "Synchronises orders with the warehouse.");
  EXPECT_EQ(r.result->schema_version, "v1.0.0");
  EXPECT_EQ(r.result->source, "c.yaml");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ContractParser, AcceptsBothStringVersionForms) {
  for (auto [text, want] :
       {std::pair{"\"1.4.2\"", version_info{1, 4, 2}}, std::pair{"v2_0_7", version_info{2, 0, 7}},
        std::pair{"v3.1.0", version_info{3, 1, 0}}, std::pair{"\"5\"", version_info{5, 0, 0}}}) {
    auto doc = "name: NodeAbcEffect\nversion: " + std::string{text}
               + "\nnode_type: effect\ndescription: A test node with a version.\n";
    auto r = parse(doc);
    ASSERT_TRUE(r.result) << text << ": " << r.errors[0].to_string();
    EXPECT_EQ(r.result->version, want) << text;
    EXPECT_EQ(r.result->version.directory(), "v" + std::to_string(want.major) + "_"
                                               + std::to_string(want.minor) + "_"
                                               + std::to_string(want.patch));
  }
}

TEST(ContractParser, TakesTheDescriptionFromMetadataWhenAbsent) {
  auto r = parse("name: NodeAbcEffect\nversion: \"1.0.0\"\nnode_type: effect\n"
                 "metadata: {description: Described in the metadata block., owner: team}\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  EXPECT_EQ(r.result->description, "Described in the metadata block.");
}

TEST(ContractParser, AppliesTheOriginalDefaultsOfAdvancedFeatures) {
  auto r = parse(minimal
                 + "advanced_features:\n  circuit_breaker: {}\n  retry_policy: {}\n"
                   "  dead_letter_queue: {}\n  transactions: {}\n  security_validation: {}\n"
                   "  observability: {}\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  const auto& f = *r.result->features;
  EXPECT_TRUE(f.circuit_breaker->enabled);
  EXPECT_EQ(f.circuit_breaker->failure_threshold, 5);
  EXPECT_EQ(f.circuit_breaker->recovery_timeout_ms, 60000);
  EXPECT_EQ(f.circuit_breaker->half_open_max_calls, 3);
  EXPECT_EQ(f.retry_policy->max_attempts, 3);
  EXPECT_EQ(f.retry_policy->initial_delay_ms, 1000);
  EXPECT_EQ(f.retry_policy->max_delay_ms, 30000);
  EXPECT_EQ(f.retry_policy->backoff_multiplier, 2.0);
  EXPECT_EQ(f.retry_policy->retryable_exceptions,
            (std::vector<std::string>{"TimeoutError", "ConnectionError", "TemporaryFailure"}));
  EXPECT_EQ(f.retry_policy->retryable_status_codes,
            (std::vector<std::int64_t>{429, 500, 502, 503, 504}));
  EXPECT_EQ(f.dead_letter_queue->max_retries, 3);
  EXPECT_EQ(f.dead_letter_queue->topic_suffix, ".dlq");
  EXPECT_EQ(f.dead_letter_queue->retry_delay_ms, 5000);
  EXPECT_EQ(f.dead_letter_queue->alert_threshold, 100);
  EXPECT_EQ(f.transactions->isolation_level, "READ_COMMITTED");
  EXPECT_EQ(f.transactions->timeout_seconds, 30);
  EXPECT_TRUE(f.transactions->rollback_on_error);
  EXPECT_TRUE(f.transactions->savepoints);
  EXPECT_TRUE(f.security_validation->sanitize_inputs);
  EXPECT_TRUE(f.security_validation->validate_sql);
  EXPECT_EQ(f.security_validation->max_input_length, 10000);
  EXPECT_EQ(f.security_validation->redact_fields,
            (std::vector<std::string>{"password", "api_key", "secret", "token"}));
  EXPECT_EQ(f.security_validation->forbidden_patterns.size(), 2u);
  EXPECT_TRUE(f.observability->tracing.is_object());
}

TEST(ContractParser, LeavesUndeclaredBlocksAbsent) {
  auto r = parse(minimal);
  ASSERT_TRUE(r.result);
  EXPECT_FALSE(r.result->features);
  EXPECT_FALSE(r.result->template_settings);
  EXPECT_FALSE(r.result->generation);
  EXPECT_FALSE(r.result->quality_gates);
  EXPECT_TRUE(r.result->mixins.empty());
}

TEST(ContractParser, AppliesTheDefaultsOfTheV21Blocks) {
  auto r =
    parse(minimal + "template: {}\ngeneration: {}\nquality_gates: {gates: [{gate: lint}]}\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  EXPECT_EQ(r.result->template_settings->variant, "standard");
  EXPECT_TRUE(r.result->generation->enable_llm);
  EXPECT_EQ(r.result->generation->llm_tier, "CLOUD_FAST");
  EXPECT_EQ(r.result->generation->quality_level, "standard");
  EXPECT_EQ(r.result->generation->fallback_strategy, "graceful");
  EXPECT_EQ(r.result->generation->max_context_size, 8000);
  EXPECT_EQ(r.result->generation->timeout_seconds, 30);
  EXPECT_EQ(r.result->generation->retry_attempts, 3);
  ASSERT_EQ(r.result->quality_gates->gates.size(), 1u);
  EXPECT_TRUE(r.result->quality_gates->gates[0].required);
  EXPECT_TRUE(r.result->quality_gates->fail_on_first_error);
  EXPECT_TRUE(r.result->quality_gates->collect_warnings);
}

TEST(ContractParser, ReadsMixinsWithEnabledDefaultingToTrue) {
  auto r = parse(minimal
                 + "mixins:\n  - name: MixinMetrics\n  - name: MixinCaching\n    enabled: false\n"
                   "  - name: MixinHealthCheck\n    config: {check_interval_ms: 5000}\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  ASSERT_EQ(r.result->mixins.size(), 3u);
  EXPECT_TRUE(r.result->mixins[0].enabled);
  EXPECT_FALSE(r.result->mixins[1].enabled);
  EXPECT_EQ(r.result->mixins[2].config.get("check_interval_ms").as_int(), 5000);
  EXPECT_EQ(r.result->enabled_mixins(),
            (std::vector<std::string>{"MixinMetrics", "MixinHealthCheck"}));
}

TEST(ContractParser, AcceptsALegacyNodeIdWithAWarning) {
  auto r = parse("node_id: postgres_crud\nversion: v1_0_0\nnode_type: effect\n"
                 "description: A legacy contract with a node id.\ncontract_name: old\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  EXPECT_EQ(r.result->name, "NodePostgresCrudEffect");
  EXPECT_EQ(r.result->node_id, "postgres_crud");
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0].code, "contract.legacy_node_id");
  EXPECT_EQ(r.warnings[0].where, "c.yaml:1:10 node_id");
  EXPECT_EQ(r.warnings[1].code, "yaml.unknown_key");
}

TEST(ContractParser, LegacyNodeIdsKeepAnExistingTypeSuffix) {
  auto r = parse("node_id: metrics_reducer\nversion: \"1.0.0\"\nnode_type: reducer\n"
                 "description: A legacy reducer contract.\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  EXPECT_EQ(r.result->name, "NodeMetricsReducer");
}

TEST(ContractParser, AcceptsTheLegacyListFormOfQualityGatesWithAWarning) {
  auto r =
    parse(minimal + "quality_gates:\n  - gate: lint\n  - gate: types\n    required: false\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  EXPECT_EQ(r.result->quality_gates->gates.size(), 2u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "contract.deprecated");
}

TEST(ContractParser, KeepsTheWholeDocumentAsAValue) {
  auto r = parse(minimal + "endpoints: {api: {url: \"http://x\"}}\n");
  ASSERT_TRUE(r.result);
  EXPECT_EQ(r.result->raw.get("endpoints").get("api").get_string("url"), "http://x");
  EXPECT_EQ(r.result->raw.get("version").get("patch").as_int(), 3);
}

TEST(ContractParser, ParsesEveryExampleContractCleanly) {
  auto files = contract_files(GENFLOW_SOURCE_DIR "/configs/contracts/examples");
  ASSERT_GE(files.size(), 5u);
  std::set<node_type> types;
  for (const auto& path : files) {
    auto r = load_contract_file(path);
    EXPECT_TRUE(r.result) << path << ": " << (r.errors.empty() ? "" : r.errors[0].to_string());
    EXPECT_TRUE(r.warnings.empty()) << path << ": " << r.warnings[0].to_string();
    if (r.result)
      types.insert(r.result->type);
  }
  EXPECT_EQ(types.size(), 4u) << "one example per node type";
}

TEST(ContractParser, ParsesTheWorkloadContractsCleanly) {
  auto files = contract_files(GENFLOW_SOURCE_DIR "/tests/data/contracts");
  ASSERT_EQ(files.size(), 3u);
  for (const auto& path : files) {
    auto r = load_contract_file(path);
    ASSERT_TRUE(r.result) << path << ": " << r.errors[0].to_string();
    EXPECT_EQ(r.result->type, node_type::effect);
    EXPECT_EQ(r.result->capabilities.size(), 2u);
    EXPECT_EQ(r.result->performance_targets.size(), 2u);
  }
}

TEST(ContractParser, TheComplexExampleUsesEveryBlock) {
  auto r = load_contract_file(GENFLOW_SOURCE_DIR "/configs/contracts/examples/effect_complex.yaml");
  ASSERT_TRUE(r.result);
  const auto& c = *r.result;
  EXPECT_EQ(c.io_operations.size(), 2u);
  EXPECT_EQ(c.health_checks.size(), 2u);
  EXPECT_EQ(c.enabled_mixins().size(), 3u);
  ASSERT_TRUE(c.features);
  EXPECT_EQ(c.features->circuit_breaker->failure_threshold, 4);
  EXPECT_EQ(c.features->circuit_breaker->services[0].failure_threshold, 3);
  EXPECT_EQ(c.features->retry_policy->initial_delay_ms, 200);
  EXPECT_EQ(c.features->dead_letter_queue->topic_suffix, ".orders-dlq");
  EXPECT_EQ(c.features->transactions->isolation_level, "REPEATABLE_READ");
  EXPECT_EQ(c.features->security_validation->max_input_length, 4096);
  EXPECT_TRUE(c.subcontracts.effect.is_object());
  EXPECT_TRUE(c.subcontracts.state_management.is_object());
  EXPECT_EQ(c.configuration.size(), 3u);
  EXPECT_EQ(c.dependencies.size(), 2u);
}

// -- errors -------------------------------------------------------------------

TEST(ContractParser, RejectsBadYamlWithItsPosition) {
  auto r = parse("name: [NodeAbcEffect\nversion: 1\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "yaml.syntax");
  EXPECT_THAT(r.errors[0].where, ::testing::StartsWith("c.yaml:"));
}

TEST(ContractParser, RejectsAnEmptyFileAndANonMapping) {
  for (auto text : {"", "# only a comment\n", "- a\n- b\n", "just text\n"}) {
    auto r = parse(text);
    EXPECT_FALSE(r.result) << text;
    ASSERT_EQ(r.errors.size(), 1u) << text;
    EXPECT_EQ(r.errors[0].code, "yaml.type") << text;
  }
}

TEST(ContractParser, RejectsBytesThatAreNotUtf8AndNamesTheirPosition) {
  std::string text = minimal + "capabilities:\n  - {name: r\xe9sum\xe9, description: x}\n";
  auto r = parse(text);
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "contract.encoding");
  EXPECT_EQ(r.errors[0].where, "c.yaml:6:13");
}

TEST(ContractParser, AcceptsUtf8Text) {
  auto r = parse(minimal + "capabilities:\n  - {name: résumé, description: Liefert Grüße 🚀}\n");
  ASSERT_TRUE(r.result) << r.errors[0].to_string();
  EXPECT_EQ(r.result->capabilities[0].description, "Liefert Grüße 🚀");
}

TEST(ContractParser, CollectsEveryErrorOfAFileInDocumentOrder) {
  auto r = parse("name: nodeBad\nversion: {major: 1, minor: x}\nnode_type: sensor\n"
                 "description: short\ncolour: blue\n");
  ASSERT_FALSE(r.result);
  std::vector<std::string> codes;
  for (const auto& e : r.errors)
    codes.push_back(e.code);
  EXPECT_EQ(codes,
            (std::vector<std::string>{"contract.name", "yaml.missing", "yaml.type",
                                      "contract.node_type", "contract.value", "yaml.unknown_key"}));
  EXPECT_EQ(r.errors[0].where, "c.yaml:1:7 name");
  EXPECT_EQ(r.errors[1].where, "c.yaml:2:10 version.patch");
  EXPECT_EQ(r.errors[2].where, "c.yaml:2:28 version.minor");
  EXPECT_EQ(r.errors[3].where, "c.yaml:3:12 node_type");
  EXPECT_EQ(r.errors[5].where, "c.yaml:5:1 colour");
}

TEST(ContractParser, RejectsMissingRequiredFields) {
  auto r = parse("schema_version: v2.0.0\n");
  ASSERT_FALSE(r.result);
  std::set<std::string> fields;
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.code, "yaml.missing");
    fields.insert(e.where.substr(e.where.find(' ') + 1));
  }
  EXPECT_EQ(fields, (std::set<std::string>{"name", "version", "node_type", "description"}));
}

TEST(ContractParser, RequiresEveryPartOfAnObjectVersion) {
  auto r = parse("name: NodeAbcEffect\nversion: {major: 1}\nnode_type: effect\n"
                 "description: A node with half a version.\n");
  ASSERT_FALSE(r.result);
  EXPECT_EQ(r.errors.size(), 2u);
  EXPECT_THAT(r.errors[0].where, HasSubstr("version.minor"));
  EXPECT_THAT(r.errors[1].where, HasSubstr("version.patch"));
}

TEST(ContractParser, RejectsMalformedVersionStrings) {
  auto r = parse("name: NodeAbcEffect\nversion: one.two\nnode_type: effect\n"
                 "description: A node with a bad version.\n");
  const auto* e = find_error(r, "contract.version");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:2:10 version");
  EXPECT_THAT(e->message, HasSubstr("one.two"));
}

TEST(ContractParser, RejectsANameWhoseSuffixDisagreesWithTheNodeType) {
  auto r = parse("name: NodeOrderSyncEffect\nversion: \"1.0.0\"\nnode_type: reducer\n"
                 "description: The suffix says effect.\n");
  const auto* e = find_error(r, "contract.name_mismatch");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:1:7 name");
  EXPECT_THAT(e->message, HasSubstr("Reducer"));
}

TEST(ContractParser, RejectsInvalidNames) {
  for (auto name : {"OrderSyncEffect", "NodeEffect", "Nodeorder_syncEffect", "NodeOrderSync"}) {
    auto r = parse("name: " + std::string{name}
                   + "\nversion: \"1.0.0\"\nnode_type: effect\ndescription: A bad node name.\n");
    EXPECT_TRUE(find_error(r, "contract.name")) << name;
  }
}

TEST(ContractParser, RejectsWrongTypesWithTheFieldPath) {
  auto r = parse(minimal
                 + "capabilities: {name: x}\nmixins:\n  - name: MixinMetrics\n    enabled: maybe\n"
                   "health_checks: {components: [{name: db, timeout_seconds: fast}]}\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].where, "c.yaml:5:15 capabilities");
  EXPECT_EQ(r.errors[1].where, "c.yaml:8:14 mixins[0].enabled");
  EXPECT_EQ(r.errors[2].where, "c.yaml:9:58 health_checks.components[0].timeout_seconds");
  for (const auto& e : r.errors)
    EXPECT_EQ(e.code, "yaml.type");
}

TEST(ContractParser, RejectsUnknownKeysInsideBlocks) {
  auto r = parse(minimal
                 + "advanced_features:\n  circuit_breaker: {enabled: true, treshold: 3}\n"
                   "  rate_limit: {}\nio_operations:\n  - {name: get, description: d, "
                   "input_model: ModelA, output_model: ModelB, retries: 2}\n");
  ASSERT_FALSE(r.result);
  std::vector<std::string> where;
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.code, "yaml.unknown_key");
    where.push_back(e.where.substr(e.where.find(' ') + 1));
  }
  EXPECT_EQ(where,
            (std::vector<std::string>{"advanced_features.circuit_breaker.treshold",
                                      "advanced_features.rate_limit", "io_operations[0].retries"}));
}

TEST(ContractParser, RejectsAdvancedFeatureValuesOutsideTheirRange) {
  auto r = parse(minimal
                 + "advanced_features:\n  circuit_breaker: {failure_threshold: 150}\n"
                   "  retry_policy: {backoff_multiplier: 9.5}\n"
                   "  transactions: {isolation_level: SOMETIMES}\n"
                   "  dead_letter_queue: {topic_suffix: dlq}\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].code, "yaml.range");
  EXPECT_EQ(r.errors[0].where, "c.yaml:6:40 advanced_features.circuit_breaker.failure_threshold");
  EXPECT_EQ(r.errors[1].code, "yaml.range");
  EXPECT_EQ(r.errors[2].code, "contract.value");
  EXPECT_THAT(r.errors[2].message, HasSubstr("READ_COMMITTED"));
  EXPECT_EQ(r.errors[3].code, "contract.value");
}

TEST(ContractParser, RejectsMixinNamesOutsideThePattern) {
  auto r = parse(minimal + "mixins:\n  - name: InvalidMixinName\n  - name: Mixin_lower\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].code, "contract.mixin_name");
  EXPECT_EQ(r.errors[0].where, "c.yaml:6:11 mixins[0].name");
  EXPECT_EQ(r.errors[1].where, "c.yaml:7:11 mixins[1].name");
}

TEST(ContractParser, RejectsMixinsOmnibaseCoreDoesNotProvide) {
  auto r = parse(minimal + "mixins:\n  - name: MixinTeleport\n");
  const auto* e = find_error(r, "contract.unknown_mixin");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:6:11 mixins[0].name");
}

TEST(ContractParser, RejectsAMixinDeclaredWithoutAName) {
  auto r = parse(minimal + "mixins:\n  - enabled: true\n    config: {check_interval_ms: 30000}\n");
  const auto* e = find_error(r, "yaml.missing");
  ASSERT_TRUE(e);
  EXPECT_THAT(e->where, HasSubstr("mixins[0].name"));
}

TEST(ContractParser, ValidatesTheConfigOfTheFiveKnownMixins) {
  auto r = parse(minimal
                 + "mixins:\n  - name: MixinHealthCheck\n    config: {check_interval_ms: 500}\n"
                   "  - name: MixinLogData\n    config: {log_level: LOUD}\n"
                   "  - name: MixinServiceRegistry\n    config: {consul_host: c}\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].where, "c.yaml:7:33 mixins[0].config.check_interval_ms");
  EXPECT_EQ(r.errors[1].code, "contract.value");
  EXPECT_EQ(r.errors[2].code, "yaml.missing");
  EXPECT_THAT(r.errors[2].where, HasSubstr("mixins[2].config.service_name"));
}

TEST(ContractParser, ChecksTheServiceRegistrysDeregistrationDelay) {
  // ^[0-9]+[smh]$
  for (auto [text, good] : {std::pair{"30m", true}, std::pair{"5s", true}, std::pair{"12h", true},
                            std::pair{"30", false}, std::pair{"m", false}, std::pair{"30x", false},
                            std::pair{"3 0m", false}, std::pair{"30ms", false}}) {
    auto r = parse(minimal
                   + "mixins:\n  - name: MixinServiceRegistry\n    config: {consul_host: c, "
                     "service_name: s, deregister_critical_service_after: \""
                   + text + "\"}\n");
    EXPECT_EQ(r.result.has_value(), good) << text;
    if (!good) {
      ASSERT_EQ(r.errors.size(), 1u) << text;
      EXPECT_THAT(r.errors[0].where,
                  HasSubstr("mixins[0].config.deregister_critical_service_after"));
    }
  }
}

TEST(ContractParser, RejectsUnmetMixinDependencies) {
  auto r = parse(minimal
                 + "mixins:\n  - name: MixinEventHandler\n  - name: MixinEventDrivenNode\n"
                   "    config: {kafka_bootstrap_servers: k, consumer_group: g, topics: [t]}\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 2u);
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.code, "contract.mixin_dependency");
    EXPECT_EQ(e.where, "c.yaml:7:5 mixins[1]");
  }
  EXPECT_THAT(r.errors[0].message, HasSubstr("MixinNodeLifecycle"));
}

TEST(ContractParser, RejectsDuplicateIoOperationNames) {
  auto r =
    parse(minimal
          + "io_operations:\n"
            "  - {name: fetch, description: a, input_model: ModelA, output_model: ModelB}\n"
            "  - {name: fetch, description: b, input_model: ModelA, output_model: ModelB}\n");
  const auto* e = find_error(r, "contract.duplicate");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:7:12 io_operations[1].name");
}

TEST(ContractParser, RequiresEveryFieldOfAnIoOperation) {
  auto r = parse(minimal + "io_operations:\n  - {name: fetch}\n");
  ASSERT_FALSE(r.result);
  EXPECT_EQ(r.errors.size(), 3u);
  for (const auto& e : r.errors)
    EXPECT_EQ(e.code, "yaml.missing");
}

TEST(ContractParser, RejectsNamesThatCannotBecomePythonIdentifiers) {
  auto r =
    parse(minimal
          + "io_operations:\n"
            "  - {name: Fetch-All, description: a, input_model: ModelA, output_model: b}\n"
            "  - {name: class, description: a, input_model: ModelA, output_model: ModelB}\n"
            "  - {name: shutdown, description: a, input_model: ModelA, output_model: ModelB}\n"
            "health_checks: {components: [{name: kafka consumer}]}\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 5u);
  for (const auto& e : r.errors)
    EXPECT_EQ(e.code, "contract.identifier") << e.to_string();
  EXPECT_THAT(r.errors[1].where, HasSubstr("io_operations[0].output_model"));
}

TEST(ContractParser, RejectsDuplicateYamlKeys) {
  auto r = parse(minimal + "description: Said twice in one contract.\n");
  const auto* e = find_error(r, "contract.duplicate_key");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:5:1 description");
}

TEST(ContractParser, TreatsErrorHandlingAsADeprecatedError) {
  auto r = parse(minimal + "error_handling:\n  retry_policy: {max_attempts: 3}\n");
  const auto* e = find_error(r, "contract.deprecated");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:6:3 error_handling");
  EXPECT_THAT(e->message, HasSubstr("advanced_features"));
}

TEST(ContractParser, RequiresACustomTemplateForTheCustomVariant) {
  auto r = parse(minimal + "template: {variant: custom}\n");
  const auto* e = find_error(r, "contract.value");
  ASSERT_TRUE(e);
  EXPECT_THAT(e->where, HasSubstr("template.variant"));
}

TEST(ContractParser, RejectsGenerationDirectivesOutsideTheirEnumerationsAndBounds) {
  auto r =
    parse(minimal + "generation: {llm_tier: HUGE, max_context_size: 10, retry_attempts: -1}\n");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].code, "contract.value");
  EXPECT_EQ(r.errors[1].code, "yaml.range");
  EXPECT_EQ(r.errors[2].code, "yaml.range");
}

TEST(ContractParser, RejectsADescriptionShorterThanTenCharacters) {
  auto r = parse("name: NodeAbcEffect\nversion: \"1.0.0\"\nnode_type: effect\ndescription: tiny\n");
  const auto* e = find_error(r, "contract.value");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:4:14 description");
}

TEST(ContractParser, RejectsScalarsOfTheWrongKindForStrings) {
  auto r = parse("name: NodeAbcEffect\nversion: \"1.0.0\"\nnode_type: 5\n"
                 "description: A node with a numeric type.\n");
  const auto* e = find_error(r, "yaml.type");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "c.yaml:3:12 node_type");
}

TEST(ContractParser, NamesAMissingFileInItsError) {
  auto r = load_contract_file("/nonexistent/contract.yaml");
  ASSERT_FALSE(r.result);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "io.not_found");
  EXPECT_EQ(r.errors[0].where, "/nonexistent/contract.yaml");
}

TEST(ContractParser, SurvivesArbitraryBytes) {
  // Truncations and byte flips of a rich contract: every outcome is a report, never a crash.
  auto text =
    minimal
    + "mixins: [{name: MixinMetrics, config: {percentiles: [50, 99]}}]\n"
      "advanced_features: {retry_policy: {retryable_status_codes: [500, 503]}}\n"
      "io_operations: [{name: a, description: d, input_model: ModelA, output_model: ModelB}]\n";
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto truncated = parse(text.substr(0, i));
    EXPECT_EQ(truncated.result.has_value(), truncated.errors.empty());
    auto flipped = text;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    auto r = parse(flipped);
    EXPECT_EQ(r.result.has_value(), r.errors.empty());
  }
}

// -- names --------------------------------------------------------------------

TEST(ContractNames, SnakeCaseMatchesTheOriginalFilter) {
  EXPECT_EQ(to_snake_case("NodeOrderSyncEffect"), "node_order_sync_effect");
  EXPECT_EQ(to_snake_case("NodeHTTPFetchEffect"), "node_http_fetch_effect");
  EXPECT_EQ(to_snake_case("Bench0Effect"), "bench0_effect");
  EXPECT_EQ(to_snake_case("ModelV2Result"), "model_v2_result");
  EXPECT_EQ(to_snake_case("already_snake"), "already_snake");
  EXPECT_EQ(to_snake_case("ABCDef"), "abc_def");
  EXPECT_EQ(to_snake_case(""), "");
}

/// Every concatenation of up to `max_pieces` of `pieces`.
std::vector<std::string> concatenations(const std::vector<std::string>& pieces, int max_pieces) {
  std::vector<std::string> all{""};
  std::vector<std::string> level{""};
  for (int n = 1; n <= max_pieces; ++n) {
    std::vector<std::string> next;
    for (const auto& prefix : level)
      for (const auto& p : pieces)
        next.push_back(prefix + p);
    all.insert(all.end(), next.begin(), next.end());
    level = std::move(next);
  }
  return all;
}

// The name rules are matched by hand; the schema's regular expressions are the reference.
TEST(ContractNames, NameRulesMatchTheSchemaPatterns) {
  const std::pair<bool (*)(std::string_view) noexcept, std::regex> rules[] = {
    {is_snake_name, std::regex{"^[a-z][a-z0-9_]*$"}},
    {is_class_name, std::regex{"^[A-Z][A-Za-z0-9_]*$"}},
    {is_legacy_node_id, std::regex{"^[A-Za-z][A-Za-z0-9_]*$"}},
    {is_node_class_name,
     std::regex{"^Node[A-Z][a-zA-Z0-9]+(Effect|Compute|Reducer|Orchestrator)$"}},
    {is_mixin_name, std::regex{"^Mixin[A-Z][a-zA-Z0-9]*$"}},
    {is_schema_version, std::regex{R"(^v[0-9]+\.[0-9]+\.[0-9]+$)"}},
  };
  auto names = concatenations(
    {"Node", "Mixin", "Effect", "Reducer", "A", "b", "7", "_", "-", ".", "v", " "}, 3);
  for (const auto& s : concatenations({"v", "1", ".", "x"}, 6))
    names.push_back(s);
  std::size_t accepted = 0;
  for (const auto& [rule, pattern] : rules)
    for (const auto& s : names) {
      bool want = std::regex_match(s, pattern);
      ASSERT_EQ(rule(s), want) << "'" << s << "'";
      accepted += want;
    }
  EXPECT_GT(accepted, 500u);
}

TEST(ContractNames, VersionStringsMatchTheSchemaPattern) {
  const std::regex pattern{R"(^v?([0-9]{1,9})(?:[._]([0-9]{1,9}))?(?:[._]([0-9]{1,9}))?$)"};
  std::size_t accepted = 0;
  for (const auto& s :
       concatenations({"v", "0", "42", "123456789", "1234567890", ".", "_", "x"}, 5)) {
    std::smatch m;
    bool want = std::regex_match(s, m, pattern);
    auto got = parse_version_string(s);
    ASSERT_EQ(got.has_value(), want) << "'" << s << "'";
    if (!want)
      continue;
    ++accepted;
    auto part = [&](int i) { return m[i].matched ? std::stoll(m[i].str()) : 0; };
    EXPECT_EQ(*got, (version_info{part(1), part(2), part(3)})) << "'" << s << "'";
  }
  EXPECT_GT(accepted, 300u);
}

TEST(ContractNames, KnowsTheMixinRegistry) {
  EXPECT_EQ(known_mixins().size(), 34u);
  EXPECT_TRUE(std::is_sorted(known_mixins().begin(), known_mixins().end()));
  EXPECT_EQ(mixin_module("MixinHealthCheck"), "omnibase_core.mixins.mixin_health_check");
  EXPECT_EQ(mixin_module("MixinNodeIntrospection"), "omnibase_core.mixins.mixin_introspection");
  EXPECT_EQ(mixin_module("MixinNothing"), "");
}

TEST(ContractNames, EveryErrorCodeHasADottedName) {
  for (int i = 0; i <= static_cast<int>(contract_errc::legacy_node_id); ++i)
    EXPECT_THAT(std::string{code_name(static_cast<contract_errc>(i))},
                ::testing::MatchesRegex("contract\\.[a-z_]+"));
}

} // namespace
} // namespace genflow::contracts
