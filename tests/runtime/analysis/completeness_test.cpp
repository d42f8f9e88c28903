#include <string>

#include <gtest/gtest.h>

#include "runtime/analysis/completeness.hpp"
#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/files.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

const std::string nodes_dir = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/analysis/nodes/";

validation_result check(std::string code, const validation_context& ctx,
                        const completeness_config& config = {}) {
  auto m = python_module::parse(std::move(code), "node.py");
  return check_completeness(m, ctx, config);
}

std::vector<std::string> error_rules(const validation_result& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings)
    if (f.severity >= severity_level::error)
      out.push_back(f.rule);
  return out;
}

validation_context order_sync_context() {
  auto report = contracts::load_contract_file(nodes_dir + "order_sync_contract.yaml");
  EXPECT_TRUE(report.ok()) << (report.errors.empty() ? "" : report.errors[0].to_string());
  return report.result ? make_validation_context(*report.result) : validation_context{};
}

/// A small effect node; `body` replaces its methods.
std::string effect_node(const std::string& body) {
  return "\"\"\"Node.\"\"\"\n\n\nclass NodeSyncEffect(NodeEffect):\n    \"\"\"Sync.\"\"\"\n\n"
         + body;
}

const std::string good_methods = "    async def execute_effect(self, contract):\n"
                                 "        \"\"\"Run.\"\"\"\n"
                                 "        raise ModelOnexError('no')\n";

} // namespace

TEST(Completeness, DerivesItsContextFromTheContract) {
  auto ctx = order_sync_context();
  EXPECT_EQ(ctx.node_type, "effect");
  EXPECT_EQ(ctx.class_name, "NodeOrderSyncEffect");
  EXPECT_TRUE(ctx.require_node_class);
  EXPECT_EQ(ctx.io_operations, (std::vector<std::string>{"fetch_orders", "store_orders"}));
  EXPECT_EQ(ctx.mixins, (std::vector<std::string>{"MixinHealthCheck", "MixinMetrics"}));
}

TEST(Completeness, PassesTheNodeThatImplementsItsContract) {
  auto text = io::read_file(nodes_dir + "node_order_sync_effect.py");
  ASSERT_TRUE(text.has_value());
  auto r = check(*text, order_sync_context());
  EXPECT_TRUE(r.passed);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.metrics.get("checks").as_int(), 5); // entry + 2 io operations + 2 patterns
}

TEST(Completeness, RequiresTheEntryMethodOnTheNodeClassItself) {
  // A module-level function of the right name does not count (the original's mistake).
  auto r =
    check("class NodeSyncEffect(NodeEffect):\n    '''Sync.'''\n\n"
          "async def execute_effect(contract):\n    '''Run.'''\n    raise ModelOnexError('x')\n",
          validation_context{});
  EXPECT_EQ(error_rules(r), std::vector<std::string>{"completeness.entry_method"});
  EXPECT_EQ(r.findings[0].line, 1u);
  EXPECT_FALSE(r.passed);
}

TEST(Completeness, RequiresTheEntryMethodOfEachNodeType) {
  validation_context ctx;
  ctx.node_type = "reducer";
  auto r = check("class NodeSumReducer(NodeReducer):\n    '''Sum.'''\n"
                 "    async def execute_reduction(self, c):\n        '''Reduce.'''\n"
                 "        raise ModelOnexError('x')\n",
                 ctx);
  EXPECT_TRUE(r.passed) << (r.findings.empty() ? "" : r.findings[0].message);
  ctx.node_type = "orchestrator";
  ctx.require_node_class = true;
  auto wrong = check("class NodeSumReducer(NodeReducer):\n    '''Sum.'''\n", ctx);
  EXPECT_FALSE(wrong.passed);
  EXPECT_NE(wrong.findings.at(0).message.find("no class named Node<Name>Orchestrator"),
            std::string::npos);
}

TEST(Completeness, RequiresIoOperationsAsAsyncMethods) {
  validation_context ctx;
  ctx.io_operations = {"fetch", "store"};
  auto r = check(effect_node(good_methods + "    def fetch(self):\n        '''Fetch.'''\n"), ctx);
  EXPECT_EQ(error_rules(r),
            (std::vector<std::string>{"completeness.async", "completeness.io_operation"}));
  EXPECT_NE(r.findings[0].message.find("NodeSyncEffect.fetch must be async"), std::string::npos);
  completeness_config relaxed;
  relaxed.require_async = false;
  auto s =
    check(effect_node(good_methods + "    def fetch(self):\n        '''Fetch.'''\n"), ctx, relaxed);
  EXPECT_EQ(error_rules(s), std::vector<std::string>{"completeness.io_operation"});
}

TEST(Completeness, ChecksExpectedPatternsAsSyntaxFacts) {
  validation_context ctx;
  ctx.expected_patterns = {"raises ModelOnexError", "uses emit_log_event"};
  // The names only appear in a comment and a string: the patterns are absent.
  auto r = check(effect_node("    async def execute_effect(self, c):\n        '''Run.'''\n"
                             "        # raise ModelOnexError('x')\n"
                             "        return 'emit_log_event(...)'\n"),
                 ctx);
  EXPECT_EQ(error_rules(r),
            (std::vector<std::string>{"completeness.pattern", "completeness.pattern"}));
  EXPECT_DOUBLE_EQ(r.score, 0.8 * (1.0 / 3.0) + 0.2);
}

TEST(Completeness, ReadsEveryPatternForm) {
  auto m = python_module::parse("import os.path\nfrom typing import Any\n"
                                "@dataclass\nclass A(base.Model):\n    pass\n"
                                "async def run():\n    raise errors.Bad()\n    helper.go()\n");
  for (const auto* text : {"async def", "raises Bad", "raises errors.Bad", "calls go",
                           "uses helper.go", "imports os.path", "imports Any", "imports typing.Any",
                           "inherits Model", "inherits base.Model", "defines run", "defines A",
                           "decorated dataclass", "helper", "base.Model"}) {
    auto p = parse_expected_pattern(text);
    ASSERT_TRUE(p.has_value()) << text;
    EXPECT_NE(find_pattern(m, *p), no_node) << text;
  }
  for (const auto* text : {"raises Good", "calls stop", "imports sys", "inherits Other",
                           "defines B", "missing_name"}) {
    auto p = parse_expected_pattern(text);
    ASSERT_TRUE(p.has_value()) << text;
    EXPECT_EQ(find_pattern(m, *p), no_node) << text;
  }
}

TEST(Completeness, RejectsPatternsItCannotRead) {
  for (const auto* text : {"throws X", "raises 9x", "calls 1abc", "two words here", "a-b"}) {
    auto p = parse_expected_pattern(text);
    ASSERT_FALSE(p.has_value()) << text;
    EXPECT_EQ(p.error().code, "completeness.pattern_invalid");
  }
  validation_context ctx;
  ctx.expected_patterns = {"throws X"};
  auto r = check(effect_node(good_methods), ctx);
  EXPECT_EQ(error_rules(r), std::vector<std::string>{"completeness.pattern_invalid"});
}

TEST(Completeness, ReportsAMissingNodeClassOnlyWhenOneIsRequired) {
  auto helper = check("def util():\n    '''Help.'''\n    return 1\n", validation_context{});
  EXPECT_TRUE(helper.passed);
  ASSERT_EQ(helper.findings.size(), 1u);
  EXPECT_EQ(helper.findings[0].severity, severity_level::info);
  validation_context ctx;
  ctx.class_name = "NodeSyncEffect";
  ctx.require_node_class = true;
  auto r = check("def util():\n    '''Help.'''\n    return 1\n", ctx);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(error_rules(r).front(), "completeness.node_class");
  EXPECT_NE(r.findings[0].message.find("NodeSyncEffect"), std::string::npos);
}

TEST(Completeness, ReportsUndocumentedDefinitionsButNotClosures) {
  auto r = check("class A:\n    def m(self):\n        def inner():\n            pass\n"
                 "        return inner\n",
                 validation_context{});
  std::vector<std::uint32_t> lines;
  for (const auto& f : r.findings)
    if (f.rule == "completeness.docstring")
      lines.push_back(f.line);
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_TRUE(r.passed);
  EXPECT_DOUBLE_EQ(r.metrics.get("docstring_coverage").as_number(), 0.0);
}

TEST(Completeness, FailsOnSyntaxErrors) {
  auto r = check("class NodeSyncEffect(:\n", validation_context{});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(r.findings.at(0).rule, "syntax.error");
  EXPECT_EQ(r.findings[0].severity, severity_level::critical);
}
