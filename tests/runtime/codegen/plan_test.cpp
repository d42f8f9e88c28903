#include "runtime/codegen/plan.hpp"

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/codegen/model_catalog.hpp"
#include "runtime/contracts/contract_parser.hpp"

namespace genflow::codegen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

contracts::contract example(const std::string& file) {
  auto r = contracts::load_contract_file(GENFLOW_SOURCE_DIR "/configs/contracts/examples/" + file);
  EXPECT_TRUE(r.result) << file << ": " << (r.errors.empty() ? "" : r.errors[0].to_string());
  return r.result.value_or(contracts::contract{});
}

contracts::contract inline_contract(const std::string& text) {
  auto r = contracts::parse_contract(text, "inline.yaml");
  EXPECT_TRUE(r.result) << (r.errors.empty() ? "" : r.errors[0].to_string());
  return r.result.value_or(contracts::contract{});
}

std::vector<std::string> paths(const std::vector<planned_file>& files) {
  std::vector<std::string> out;
  for (const auto& f : files)
    out.push_back(f.path);
  return out;
}

std::vector<std::string> strings(const value& xs) {
  std::vector<std::string> out;
  for (const auto& x : xs.as_array())
    out.push_back(x.as_string());
  return out;
}

TEST(CodegenPlan, PackageRootFollowsTheOriginalLayout) {
  EXPECT_EQ(package_root(example("effect_complex.yaml")), "order_sync_effect/v1_2_0");
  EXPECT_EQ(package_root(example("reducer_metrics.yaml")), "codegen_metrics_reducer/v1_3_0");
}

TEST(CodegenPlan, EffectNodesGetTheFullPackageWithAnIntegrationTest) {
  auto c = example("effect_minimal.yaml");
  EXPECT_THAT(paths(plan_stage(c, generation_stage::models)),
              ElementsAre("models/model_audit_log_input_state.py",
                          "models/model_audit_log_output_state.py", "models/__init__.py"));
  auto node = plan_stage(c, generation_stage::node);
  EXPECT_THAT(paths(node), ElementsAre("node.py", "__init__.py", "contract.yaml", "README.md"));
  EXPECT_EQ(node[0].template_id, "node_effect");
  EXPECT_EQ(node[0].template_type, "effect");
  EXPECT_EQ(node[2].template_id, "contract_yaml");
  auto tests = plan_stage(c, generation_stage::tests);
  EXPECT_THAT(paths(tests), ElementsAre("tests/__init__.py", "tests/conftest.py",
                                        "tests/test_node.py", "tests/test_integration.py"));
  EXPECT_EQ(tests[3].template_id, "test_integration_effect");
  for (const auto& f : tests)
    EXPECT_EQ(f.stage, generation_stage::tests);
}

TEST(CodegenPlan, EachNodeTypeUsesItsOwnNodeTemplateAndNoIntegrationTest) {
  for (auto [file, id] : {std::pair{"compute_pricing.yaml", "node_compute"},
                          std::pair{"reducer_metrics.yaml", "node_reducer"},
                          std::pair{"orchestrator_release.yaml", "node_orchestrator"}}) {
    auto c = example(file);
    auto node = plan_stage(c, generation_stage::node);
    EXPECT_EQ(node[0].template_id, id);
    EXPECT_EQ(node[0].template_type, std::string{contracts::to_string(c.type)});
    EXPECT_EQ(plan_stage(c, generation_stage::tests).size(), 3u) << file;
  }
}

TEST(CodegenPlan, ModelFilesFollowTheContract) {
  auto models = plan_stage(example("effect_complex.yaml"), generation_stage::models);
  EXPECT_THAT(paths(models),
              ElementsAre("models/model_order_sync_input_state.py",
                          "models/model_order_sync_output_state.py", "models/model_order_batch.py",
                          "models/model_sync_report.py", "models/model_stock_query.py",
                          "models/model_stock_level.py", "models/__init__.py"));
  for (std::size_t i = 0; i + 1 < models.size(); ++i) {
    EXPECT_EQ(models[i].template_id, "model");
    EXPECT_EQ(models[i].locals.get("model").get_string("path"), models[i].path);
  }
  auto reducer = plan_stage(example("reducer_metrics.yaml"), generation_stage::models);
  EXPECT_EQ(reducer[0].path, "models/model_codegen_metrics_state.py");
  // Three operations share two models: each model is one file.
  EXPECT_EQ(plan_stage(example("orchestrator_release.yaml"), generation_stage::models).size(), 5u);
}

TEST(CodegenPlan, PlanPackageIsTheStagesInOrder) {
  auto c = example("compute_pricing.yaml");
  auto all = plan_package(c);
  auto models = plan_stage(c, generation_stage::models);
  ASSERT_GT(all.size(), models.size());
  EXPECT_EQ(all.front().path, models.front().path);
  EXPECT_EQ(all.back().path, "tests/test_node.py");
}

TEST(CodegenContext, CarriesTheContractAndDerivedNames) {
  auto ctx = render_context(example("effect_complex.yaml"));
  EXPECT_EQ(ctx.get_string("class_name"), "NodeOrderSyncEffect");
  EXPECT_EQ(ctx.get_string("pascal_name"), "OrderSync");
  EXPECT_EQ(ctx.get_string("service_name"), "order_sync_effect");
  EXPECT_EQ(ctx.get_string("module_name"), "node_order_sync_effect");
  EXPECT_EQ(ctx.get_string("base_class"), "NodeEffect");
  EXPECT_EQ(ctx.get_string("entry_method"), "execute_effect");
  EXPECT_EQ(ctx.get_string("version"), "1.2.0");
  EXPECT_EQ(ctx.get_string("package_root"), "order_sync_effect/v1_2_0");
  EXPECT_EQ(ctx.get_string("package_module"), "order_sync_effect.v1_2_0");
  EXPECT_EQ(ctx.get("version_dict").get("minor").as_int(), 2);
  EXPECT_TRUE(ctx.get("has_io_operations").as_bool());
  EXPECT_TRUE(ctx.get("has_health_checks").as_bool());
  EXPECT_EQ(strings(ctx.get("enabled_mixins")),
            (std::vector<std::string>{"MixinHealthCheck", "MixinMetrics", "MixinLogData"}));
  EXPECT_EQ(
    strings(ctx.get("base_classes")),
    (std::vector<std::string>{"NodeEffect", "MixinHealthCheck", "MixinMetrics", "MixinLogData"}));
  EXPECT_EQ(ctx.get("input_model").get_string("class_name"), "ModelOrderSyncInputState");
  EXPECT_EQ(strings(ctx.get("operation_literals")),
            (std::vector<std::string>{"\"sync_orders\"", "\"get_stock\""}));
}

TEST(CodegenContext, AppliesAdvancedFeatureSettings) {
  auto ctx = render_context(example("effect_complex.yaml"));
  EXPECT_EQ(ctx.get("circuit_breaker").get("failure_threshold").as_int(), 4);
  EXPECT_EQ(ctx.get("circuit_breaker").get_string("recovery_timeout_literal"), "30.0");
  EXPECT_EQ(ctx.get("retry_policy").get_string("initial_delay_literal"), "0.2");
  EXPECT_EQ(strings(ctx.get("retry_policy").get("retryable_exception_literals")),
            (std::vector<std::string>{"\"TimeoutError\"", "\"ConnectionError\""}));
  EXPECT_EQ(ctx.get("security").get("max_input_length").as_int(), 4096);
  std::vector<std::string> blocks;
  for (const auto& b : ctx.get("advanced_feature_blocks").as_array())
    blocks.push_back(b.get_string("key"));
  EXPECT_EQ(blocks.size(), 6u);
  // The reducer example declares none.
  auto reducer = render_context(example("reducer_metrics.yaml"));
  EXPECT_TRUE(reducer.get("circuit_breaker").is_null());
  EXPECT_TRUE(reducer.get("advanced_feature_blocks").as_array().empty());
}

TEST(CodegenContext, DisabledFeaturesAndMixinsStayOut) {
  auto c = inline_contract("name: NodeQuietEffect\nversion: \"1.0.0\"\nnode_type: effect\n"
                           "description: Every optional feature switched off.\n"
                           "mixins: [{name: MixinMetrics, enabled: false}]\n"
                           "advanced_features: {retry_policy: {enabled: false}}\n");
  auto ctx = render_context(c);
  EXPECT_TRUE(ctx.get("retry_policy").is_null());
  EXPECT_EQ(strings(ctx.get("base_classes")), (std::vector<std::string>{"NodeEffect"}));
  EXPECT_EQ(strings(ctx.get("operation_literals")), (std::vector<std::string>{"\"process\""}));
}

TEST(CodegenContext, MergesHealthComponentsFromTheContractAndTheMixin) {
  auto ctx = render_context(example("effect_complex.yaml"));
  const auto& comps = ctx.get("health_check_components").as_array();
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0].get_string("name"), "database");
  EXPECT_EQ(comps[1].get_string("name"), "warehouse_api");
  EXPECT_EQ(comps[1].get_string("critical_literal"), "True");
  EXPECT_EQ(comps[1].get_string("timeout_literal"), "2.0");
}

TEST(CodegenContext, ImportsAreInIsortOrder) {
  auto ctx = render_context(example("effect_complex.yaml"));
  auto std_lib = strings(ctx.get("imports").get("standard_library"));
  EXPECT_EQ(std_lib, (std::vector<std::string>{"import asyncio", "import re", "import time",
                                               "from collections.abc import Awaitable, Callable",
                                               "from typing import Any"}));
  auto core = strings(ctx.get("imports").get("omnibase_core"));
  EXPECT_THAT(core, ::testing::Contains("from omnibase_core.nodes.node_effect import NodeEffect"));
  EXPECT_THAT(core,
              ::testing::Contains("from omnibase_core.mixins.mixin_log_data import MixinLogData"));
  auto classes = strings(ctx.get("model_classes"));
  EXPECT_TRUE(std::is_sorted(classes.begin(), classes.end()));
  EXPECT_EQ(classes.size(), 6u);
}

TEST(CodegenContext, DescribesModelFieldsFromDefinitions) {
  auto ctx = render_context(example("effect_complex.yaml"));
  value batch, level;
  for (const auto& m : ctx.get("models").as_array()) {
    if (m.get_string("class_name") == "ModelOrderBatch")
      batch = m;
    if (m.get_string("class_name") == "ModelStockLevel")
      level = m;
  }
  ASSERT_TRUE(batch.is_object());
  const auto& fields = batch.get("fields").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].get_string("annotation"), "list[dict[str, Any]]");
  EXPECT_TRUE(fields[0].get("args").as_array().empty()) << "required, no default";
  EXPECT_EQ(fields[1].get_string("name"), "source_system");
  EXPECT_EQ(strings(fields[1].get("args")),
            (std::vector<std::string>{"default=\"shop\"", "alias=\"source-system\""}));
  EXPECT_TRUE(batch.get("populate_by_name").as_bool());
  const auto& level_fields = level.get("fields").as_array();
  EXPECT_EQ(level_fields[1].get_string("annotation"), "int | None");
  EXPECT_EQ(strings(level_fields[1].get("args")),
            (std::vector<std::string>{"default=None", "ge=0"}));
  EXPECT_EQ(level_fields[2].get_string("name"), "field_class");
}

TEST(CodegenContext, EntryModelsHaveBaseFieldsPerNodeType) {
  auto field_names = [](const contracts::contract& c, std::size_t index) {
    std::vector<std::string> out;
    auto catalog = model_catalog(c);
    for (const auto& f : catalog[index].get("fields").as_array())
      out.push_back(f.get_string("name"));
    return out;
  };
  EXPECT_EQ(field_names(example("compute_pricing.yaml"), 0),
            (std::vector<std::string>{"correlation_id", "operation", "payload", "price_list"}));
  EXPECT_EQ(field_names(example("orchestrator_release.yaml"), 1),
            (std::vector<std::string>{"success", "correlation_id", "duration_ms", "completed_steps",
                                      "results"}));
  EXPECT_EQ(field_names(example("reducer_metrics.yaml"), 1),
            (std::vector<std::string>{"correlation_id", "items"}));
  auto enum_field = model_catalog(example("compute_pricing.yaml"))[2].get("fields").as_array()[2];
  EXPECT_EQ(enum_field.get_string("annotation"), "Literal[\"EUR\", \"USD\", \"GBP\"]");
}

TEST(CodegenContext, FileContextAddsTheFileLocals) {
  auto c = example("compute_pricing.yaml");
  auto ctx = render_context(c);
  auto model_file = plan_stage(c, generation_stage::models)[0];
  auto with_model = file_context(ctx, model_file);
  EXPECT_EQ(with_model.get("model").get_string("class_name"), "ModelPriceQuoteInputState");
  EXPECT_EQ(with_model.get_string("class_name"), "NodePriceQuoteCompute");
  EXPECT_TRUE(file_context(ctx, plan_stage(c, generation_stage::node)[0]).get("model").is_null());
}

TEST(CodegenContext, IsDeterministic) {
  auto c = example("effect_complex.yaml");
  EXPECT_EQ(render_context(c), render_context(c));
}

TEST(CodegenContext, WrapsLongDescriptionsForDocstrings) {
  auto ctx = render_context(example("effect_complex.yaml"));
  for (const auto& line : ctx.get("description_lines").as_array())
    EXPECT_LE(line.as_string().size(), 84u);
  EXPECT_GT(ctx.get("description_lines").size(), 1u);
}

TEST(CodegenContext, NamesTheReducerSampleFieldAfterTheTrackedState) {
  auto ctx = render_context(example("reducer_metrics.yaml"));
  EXPECT_EQ(ctx.get_string("sample_field_literal"), "\"files_generated\"");
  EXPECT_FALSE(ctx.get("has_operation_registry").as_bool());
  EXPECT_EQ(ctx.get("state_model").get_string("class_name"), "ModelCodegenMetricsState");
  EXPECT_THAT(strings(ctx.get("performance_target_lines")),
              ElementsAre("reduction_latency_p95_ms: 5", "throughput: 10k events/s"));
}

} // namespace
} // namespace genflow::codegen
