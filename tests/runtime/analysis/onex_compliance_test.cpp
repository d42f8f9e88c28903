#include <string>

#include <gtest/gtest.h>

#include "runtime/analysis/onex_compliance.hpp"
#include "runtime/io/files.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

const std::string nodes_dir = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/analysis/nodes/";

validation_result check(std::string code, const validation_context& ctx = {},
                        const onex_config& config = {}) {
  auto m = python_module::parse(std::move(code), "node.py");
  return check_onex_compliance(m, ctx, config);
}

std::vector<std::string> rules_of(const validation_result& r, severity_level min) {
  std::vector<std::string> out;
  for (const auto& f : r.findings)
    if (f.severity >= min)
      out.push_back(f.rule);
  return out;
}

/// A compliant effect node with `extra` appended to its class body.
std::string node(const std::string& bases, const std::string& extra = {}) {
  return "class NodeSyncEffect(" + bases
         + "):\n"
           "    def __init__(self, container):\n"
           "        super().__init__(container)\n"
           "    async def initialize(self):\n"
           "        emit_log_event(EnumLogLevel.INFO, 'up', {})\n"
           "    async def shutdown(self):\n"
           "        pass\n"
           "    async def execute_effect(self, contract):\n"
           "        raise ModelOnexError('not yet')\n"
         + extra;
}

} // namespace

TEST(OnexCompliance, PassesACompliantNode) {
  auto text = io::read_file(nodes_dir + "node_order_sync_effect.py");
  ASSERT_TRUE(text.has_value());
  validation_context ctx;
  ctx.mixins = {"MixinHealthCheck", "MixinMetrics"};
  auto r = check(*text, ctx);
  EXPECT_TRUE(r.passed);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_TRUE(r.findings.empty()) << r.findings[0].message;
}

TEST(OnexCompliance, FailsWhereTheOriginalCouldNot) {
  // Sync methods, stdlib logging, ValueError, no base class: the original passed this.
  auto r = check("import logging\n\nclass NodeSyncEffect:\n    def __init__(self):\n        pass\n"
                 "    def execute_effect(self, c):\n        logging.info('x')\n        print('y')\n"
                 "        raise ValueError('bad')\n");
  EXPECT_FALSE(r.passed);
  auto errors = rules_of(r, severity_level::error);
  for (const auto* rule :
       {"onex.base_class", "onex.init", "onex.lifecycle", "onex.error_class", "onex.logging"})
    EXPECT_NE(std::find(errors.begin(), errors.end(), rule), errors.end()) << rule;
  EXPECT_LT(r.score, 0.4);
}

TEST(OnexCompliance, ChecksTheClassNameAgainstTheNodeType) {
  validation_context ctx;
  ctx.node_type = "compute";
  ctx.class_name = "NodeSyncEffect";
  auto r = check(node("NodeCompute"), ctx);
  EXPECT_EQ(rules_of(r, severity_level::error), std::vector<std::string>{"onex.class_name"});
  EXPECT_NE(r.findings[0].message.find("named as a effect node but the node type is compute"),
            std::string::npos);
  validation_context named;
  named.class_name = "SyncNode";
  named.node_type = "effect";
  auto s = check("class SyncNode(NodeEffect):\n    pass\n", named);
  EXPECT_EQ(rules_of(s, severity_level::error).front(), "onex.class_name");
}

TEST(OnexCompliance, AcceptsTheConfiguredBaseClassesOnly) {
  EXPECT_TRUE(check(node("NodeEffect")).passed);
  EXPECT_TRUE(check(node("omnibase_core.nodes.ModelServiceEffect")).passed);
  auto r = check(node("NodeCompute"));
  EXPECT_EQ(rules_of(r, severity_level::error), std::vector<std::string>{"onex.base_class"});
  onex_config custom;
  custom.base_classes = {{"effect", {"MyEffectBase"}}};
  EXPECT_TRUE(check(node("MyEffectBase"), {}, custom).passed);
}

TEST(OnexCompliance, RequiresEveryEnabledMixinAndWarnsOnDuplicates) {
  validation_context ctx;
  ctx.mixins = {"MixinMetrics", "MixinHealthCheck"};
  auto r = check(node("NodeEffect, MixinMetrics, MixinMetrics"), ctx);
  EXPECT_EQ(rules_of(r, severity_level::error), std::vector<std::string>{"onex.mixin"});
  EXPECT_NE(r.findings[0].message.find("MixinHealthCheck"), std::string::npos);
  EXPECT_EQ(rules_of(r, severity_level::warning),
            (std::vector<std::string>{"onex.mixin", "onex.duplicate_base"}));
}

TEST(OnexCompliance, RequiresTheContainerInitCallingSuper) {
  auto no_super =
    check("class NodeSyncEffect(NodeEffect):\n    def __init__(self, container):\n"
          "        self.c = container\n    async def initialize(self):\n"
          "        emit_log_event(1, 'x', {})\n    async def shutdown(self):\n        pass\n");
  ASSERT_EQ(rules_of(no_super, severity_level::error), std::vector<std::string>{"onex.init"});
  EXPECT_NE(no_super.findings[0].message.find("super().__init__(container)"), std::string::npos);
  EXPECT_EQ(no_super.findings[0].line, 2u);
  auto explicit_base =
    check("class NodeSyncEffect(NodeEffect):\n    def __init__(self, container):\n"
          "        NodeEffect.__init__(self, container)\n    async def initialize(self):\n"
          "        emit_log_event(1, 'x', {})\n    async def shutdown(self):\n        pass\n");
  EXPECT_TRUE(explicit_base.passed);
  auto wrong_args = check("class NodeSyncEffect(NodeEffect):\n    def __init__(self, config):\n"
                          "        super().__init__(config)\n");
  EXPECT_EQ(rules_of(wrong_args, severity_level::error).front(), "onex.init");
}

TEST(OnexCompliance, RequiresAsyncLifecycleMethods) {
  auto r = check("class NodeSyncEffect(NodeEffect):\n    def __init__(self, container):\n"
                 "        super().__init__(container)\n    def initialize(self):\n"
                 "        emit_log_event(1, 'x', {})\n");
  EXPECT_EQ(rules_of(r, severity_level::warning),
            (std::vector<std::string>{"onex.lifecycle", "onex.lifecycle"}));
  EXPECT_EQ(r.findings[0].severity, severity_level::error);   // initialize is sync
  EXPECT_EQ(r.findings[1].severity, severity_level::warning); // shutdown is missing
}

TEST(OnexCompliance, AllowsReRaisingButNotOtherExceptionClasses) {
  auto r = check(node("NodeEffect",
                      "    async def step(self):\n        try:\n            pass\n"
                      "        except KeyError as err:\n            raise err\n"
                      "        except Exception:\n            raise\n"
                      "        error = ModelOnexError('x')\n        raise error\n"
                      "        raise errors.ModelOnexError('y') from None\n"
                      "        raise NotImplementedError\n        raise RuntimeError('z')\n"));
  EXPECT_EQ(rules_of(r, severity_level::error),
            (std::vector<std::string>{"onex.error_class", "onex.error_class"}));
  EXPECT_NE(r.findings[0].message.find("raises NotImplementedError"), std::string::npos);
}

TEST(OnexCompliance, RejectsPrintAndStdlibLoggingButNotInStringsOrComments) {
  auto r = check(node("NodeEffect", "    def log(self):\n        # print('debug')\n"
                                    "        return 'logging.info(x)'\n"));
  EXPECT_TRUE(r.passed);
  auto bad = check("from logging import getLogger\nlog = getLogger(__name__)\n" + node("NodeEffect")
                   + "    def debug(self):\n        print(self)\n");
  EXPECT_EQ(rules_of(bad, severity_level::error),
            (std::vector<std::string>{"onex.logging", "onex.logging", "onex.logging"}));
}

TEST(OnexCompliance, WarnsWhenTheNodeNeverLogsStructurally) {
  auto r =
    check("class NodeSyncEffect(NodeEffect):\n    def __init__(self, container):\n"
          "        super().__init__(container)\n    async def initialize(self):\n        pass\n"
          "    async def shutdown(self):\n        pass\n");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(rules_of(r, severity_level::warning),
            std::vector<std::string>{"onex.structured_logging"});
  EXPECT_LT(r.score, 1.0);
}

TEST(OnexCompliance, SkipsClassRulesForModulesWithoutANodeUnlessRequired) {
  auto helper = check("def util():\n    return 1\n");
  EXPECT_TRUE(helper.passed);
  validation_context ctx;
  ctx.require_node_class = true;
  ctx.node_type = "effect";
  auto r = check("def util():\n    return 1\n", ctx);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(rules_of(r, severity_level::error), std::vector<std::string>{"onex.node_class"});
  validation_context bad_type;
  bad_type.node_type = "transformer";
  EXPECT_FALSE(check(node("NodeEffect"), bad_type).passed);
}

TEST(OnexCompliance, FailsOnSyntaxErrorsUnlikeTheOriginal) {
  auto r = check("class NodeSyncEffect(NodeEffect:\n    pass\n");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.score, 0.0);
}
