#include "runtime/contracts/contract.hpp"

#include <gtest/gtest.h>

#include "runtime/contracts/contract_parser.hpp"

namespace genflow::contracts {
namespace {

contract parsed(const std::string& extra) {
  auto r = parse_contract("name: NodeHttpFetchCompute\nversion: v2_1_3\nnode_type: compute\n"
                          "description: Fetches and transforms documents.\n"
                            + extra,
                          "v.yaml");
  EXPECT_TRUE(r.result) << (r.errors.empty() ? "" : r.errors[0].to_string());
  return r.result.value_or(contract{});
}

TEST(ContractValue, CarriesDerivedNames) {
  auto v = to_value(parsed(""));
  EXPECT_EQ(v.get_string("class_name"), "NodeHttpFetchCompute");
  EXPECT_EQ(v.get_string("pascal_name"), "HttpFetch");
  EXPECT_EQ(v.get_string("service_name"), "http_fetch_compute");
  EXPECT_EQ(v.get_string("module_name"), "node_http_fetch_compute");
  EXPECT_EQ(v.get_string("node_type"), "compute");
  EXPECT_EQ(v.get_string("node_type_title"), "Compute");
  EXPECT_EQ(v.get_string("node_type_upper"), "COMPUTE");
  EXPECT_EQ(v.get_string("base_class"), "NodeCompute");
  EXPECT_EQ(v.get_string("base_module"), "omnibase_core.nodes.node_compute");
  EXPECT_EQ(v.get_string("entry_method"), "execute_compute");
  EXPECT_EQ(v.get_string("version"), "2.1.3");
  EXPECT_EQ(v.get_string("version_dir"), "v2_1_3");
  EXPECT_EQ(v.get("version_dict").get("patch").as_int(), 3);
  EXPECT_TRUE(v.get("node_id").is_null());
}

TEST(ContractValue, UndeclaredBlocksAreNullAndDeclaredOnesCarryDefaults) {
  auto v = to_value(parsed("advanced_features: {retry_policy: {max_attempts: 5}}\n"));
  const auto& f = v.get("advanced_features");
  EXPECT_TRUE(f.get("circuit_breaker").is_null());
  EXPECT_EQ(f.get("retry_policy").get("max_attempts").as_int(), 5);
  EXPECT_EQ(f.get("retry_policy").get("initial_delay_ms").as_int(), 1000);
  EXPECT_EQ(f.get("retry_policy").get("retryable_status_codes").size(), 5u);
  EXPECT_TRUE(v.get("template").is_null());
  EXPECT_TRUE(v.get("generation").is_null());
  EXPECT_TRUE(v.get("subcontracts").get("fsm").is_null());
  EXPECT_EQ(v.get("io_operations").size(), 0u);
}

TEST(ContractValue, ListsMixinsWithModulesAndTheEnabledOnes) {
  auto v =
    to_value(parsed("mixins: [{name: MixinMetrics}, {name: MixinCaching, enabled: false}]\n"));
  ASSERT_EQ(v.get("mixins").size(), 2u);
  EXPECT_EQ(v.get("mixins").as_array()[0].get_string("module"),
            "omnibase_core.mixins.mixin_metrics");
  EXPECT_FALSE(v.get("mixins").as_array()[1].get("enabled").as_bool());
  ASSERT_EQ(v.get("enabled_mixins").size(), 1u);
  EXPECT_EQ(v.get("enabled_mixins").as_array()[0].as_string(), "MixinMetrics");
}

TEST(ContractValue, KeepsContractOrderOfConfigurationAndTargets) {
  auto v = to_value(parsed("configuration: {zeta: {default: 1}, alpha: {default: x}}\n"
                           "performance_targets: {p99_ms: 20, p50_ms: 5}\n"));
  EXPECT_EQ(v.get("configuration").as_array()[0].get_string("key"), "zeta");
  EXPECT_EQ(v.get("configuration").as_array()[1].get("default").as_string(), "x");
  EXPECT_EQ(v.get("performance_targets").as_object()[0].first, "p99_ms");
}

TEST(ContractValue, EntryMethodsAndSuffixesPerNodeType) {
  EXPECT_EQ(entry_method(node_type::effect), "execute_effect");
  EXPECT_EQ(entry_method(node_type::reducer), "execute_reduction");
  EXPECT_EQ(entry_method(node_type::orchestrator), "execute_orchestration");
  EXPECT_EQ(suffix(node_type::orchestrator), "Orchestrator");
  EXPECT_EQ(parse_node_type("reducer"), node_type::reducer);
  EXPECT_FALSE(parse_node_type("Reducer"));
  EXPECT_TRUE(is_python_keyword("match"));
  EXPECT_FALSE(is_python_keyword("matches"));
}

} // namespace
} // namespace genflow::contracts
