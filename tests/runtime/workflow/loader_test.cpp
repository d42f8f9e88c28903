#include "runtime/workflow/loader.hpp"

#include <gtest/gtest.h>

#include "runtime/workflow/plan.hpp"

namespace genflow::workflow {
namespace {

using namespace std::chrono_literals;

class WorkflowLoader : public ::testing::Test {
protected:
  WorkflowLoader() { add_builtin_handlers(handlers); }

  load_report parse(const std::string& yaml) { return parse_workflow(yaml, "wf.yaml", handlers); }

  /// The only error of a document that must fail.
  error_info only_error(const std::string& yaml) {
    auto r = parse(yaml);
    EXPECT_FALSE(r.workflow);
    EXPECT_EQ(r.errors.size(), 1u);
    for (const auto& e : r.errors)
      std::cerr << "  " << e.to_string() << '\n';
    return r.errors.empty() ? error_info{} : r.errors.front();
  }

  handler_registry handlers;
};

TEST_F(WorkflowLoader, ReadsAFullDefinitionWithDefaults) {
  auto r = parse(R"(id: build
name: Build it
executor:
  max_parallel: 4
  fast_fail: true
  step_timeout: 30s
  stage_timeout: 2m
  workflow_timeout: 1h
  backoff: {initial: 50ms, max: 2s, multiplier: 3, jitter: 0}
stages:
  - id: prepare
    steps:
      - id: fetch
        handler: exec
        inputs: {argv: [echo, hi]}
        retries: 2
        timeout: 5s
  - id: compile
    allow_partial_failure: true
    timeout: 90s
    steps:
      - {id: a, handler: noop, depends_on: [fetch]}
      - {id: b, handler: sleep, inputs: {duration: 10ms}, depends_on: [a]}
)");
  ASSERT_TRUE(r.workflow) << r.errors.front().to_string();
  const auto& w = *r.workflow;
  EXPECT_EQ(w.id, "build");
  EXPECT_EQ(w.options.max_parallel, 4u);
  EXPECT_TRUE(w.options.fast_fail);
  EXPECT_EQ(w.options.step_timeout, 30s);
  EXPECT_EQ(w.options.stage_timeout, 2min);
  EXPECT_EQ(w.options.workflow_timeout, 1h);
  EXPECT_EQ(w.options.backoff.initial_delay, 50ms);
  EXPECT_EQ(w.options.backoff.multiplier, 3.0);
  ASSERT_EQ(w.stages.size(), 2u);
  EXPECT_EQ(w.stages[1].number, 2u);
  EXPECT_EQ(w.stages[1].depends_on, std::vector<std::string>{"prepare"}) << "defaults to previous";
  EXPECT_TRUE(w.stages[1].allow_partial_failure);
  EXPECT_EQ(w.stages[1].timeout, 90s);
  EXPECT_EQ(w.stages[0].steps[0].retries, 2u);
  EXPECT_EQ(w.stages[0].steps[0].inputs.get("argv").size(), 2u);
  auto plan = execution_plan::build(w, &handlers);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->node(1).deps, std::vector<std::uint32_t>{0});
}

TEST_F(WorkflowLoader, NamesFileLineAndFieldOfADuplicateStepId) {
  auto e = only_error(R"(id: w
stages:
  - id: s1
    steps:
      - {id: a, handler: noop}
      - {id: a, handler: noop}
)");
  EXPECT_EQ(e.code, "workflow.duplicate_id");
  EXPECT_EQ(e.where, "wf.yaml:6:14 stages[0].steps[1].id");
}

TEST_F(WorkflowLoader, RejectsAnUnknownDependency) {
  auto e = only_error(R"(id: w
stages:
  - id: s1
    steps:
      - {id: a, handler: noop, depends_on: [b, ghost]}
      - {id: b, handler: noop}
)");
  EXPECT_EQ(e.code, "workflow.unknown_dependency");
  EXPECT_NE(e.message.find("ghost"), std::string::npos);
  EXPECT_EQ(e.where, "wf.yaml:5:48 stages[0].steps[0].depends_on[1]");
}

TEST_F(WorkflowLoader, RejectsADependencyOnALaterStage) {
  auto e = only_error(R"(id: w
stages:
  - id: s1
    steps:
      - {id: a, handler: noop, depends_on: [b]}
  - id: s2
    steps:
      - {id: b, handler: noop}
)");
  EXPECT_EQ(e.code, "workflow.later_stage_dependency");
  EXPECT_NE(e.message.find("later stage 's2'"), std::string::npos);
}

TEST_F(WorkflowLoader, PrintsThePathOfACycle) {
  auto e = only_error(R"(id: w
stages:
  - id: s1
    steps:
      - {id: a, handler: noop, depends_on: [c]}
      - {id: b, handler: noop, depends_on: [a]}
      - {id: c, handler: noop, depends_on: [b]}
      - {id: d, handler: noop}
)");
  EXPECT_EQ(e.code, "workflow.cycle");
  EXPECT_NE(e.message.find("a -> c -> b -> a"), std::string::npos) << e.message;
}

TEST_F(WorkflowLoader, RejectsASelfDependency) {
  auto e = only_error("id: w\nstages:\n  - id: s\n    steps:\n      - {id: a, handler: noop, "
                      "depends_on: [a]}\n");
  EXPECT_EQ(e.code, "workflow.self_dependency");
}

TEST_F(WorkflowLoader, RejectsAnEmptyStage) {
  auto e = only_error("id: w\nstages:\n  - id: s\n    steps: []\n");
  EXPECT_EQ(e.code, "workflow.empty_stage");
  EXPECT_EQ(e.where, "wf.yaml:4:12 stages[0].steps");
}

TEST_F(WorkflowLoader, RejectsBadNumbers) {
  auto r = parse(R"(id: w
executor: {max_parallel: -1, step_timeout: fast}
stages:
  - id: s
    steps:
      - {id: a, handler: noop, retries: many}
)");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].code, "yaml.range");
  EXPECT_EQ(r.errors[0].where, "wf.yaml:2:26 executor.max_parallel");
  EXPECT_EQ(r.errors[1].code, "yaml.type");
  EXPECT_EQ(r.errors[1].where, "wf.yaml:2:44 executor.step_timeout");
  EXPECT_EQ(r.errors[2].where, "wf.yaml:6:41 stages[0].steps[0].retries");
}

TEST_F(WorkflowLoader, RejectsStageNumbersThatAreNotConsecutive) {
  auto e = only_error(R"(id: w
stages:
  - {id: a, number: 1, steps: [{id: x, handler: noop}]}
  - {id: b, number: 3, steps: [{id: y, handler: noop}]}
)");
  EXPECT_EQ(e.code, "workflow.bad_stage_number");
  EXPECT_EQ(e.where, "wf.yaml:4:21 stages[1].number");
}

TEST_F(WorkflowLoader, RejectsAnUnknownHandlerListingTheKnownOnes) {
  auto e = only_error("id: w\nstages:\n  - id: s\n    steps:\n      - {id: a, handler: teleport}\n");
  EXPECT_EQ(e.code, "workflow.unknown_handler");
  EXPECT_NE(e.message.find("exec, noop, sleep"), std::string::npos) << e.message;
  EXPECT_EQ(e.where, "wf.yaml:5:26 stages[0].steps[0].handler");
}

TEST_F(WorkflowLoader, ChecksHandlerInputsAtLoadTime) {
  auto e = only_error("id: w\nstages:\n  - id: s\n    steps:\n      - {id: a, handler: exec, "
                      "inputs: {argv: [ls, 3]}}\n");
  EXPECT_EQ(e.code, "workflow.bad_inputs");
  EXPECT_EQ(e.where, "wf.yaml:5:52 stages[0].steps[0].inputs.argv[1]");
}

TEST_F(WorkflowLoader, RejectsUnknownKeysEverywhere) {
  auto r = parse(R"(id: w
colour: blue
executor: {max_paralel: 3}
stages:
  - id: s
    tiemout: 3s
    steps:
      - {id: a, handler: noop, retry: 1}
)");
  ASSERT_EQ(r.errors.size(), 4u);
  for (const auto& e : r.errors)
    EXPECT_EQ(e.code, "yaml.unknown_key") << e.to_string();
  EXPECT_EQ(r.errors[0].where, "wf.yaml:2:1 colour");
  EXPECT_EQ(r.errors[3].where, "wf.yaml:8:32 stages[0].steps[0].retry");
}

TEST_F(WorkflowLoader, ReportsBrokenYamlWithItsPlace) {
  auto e = only_error("id: w\nstages:\n  - id: [s\n");
  EXPECT_EQ(e.code, "yaml.syntax");
  EXPECT_EQ(e.where.rfind("wf.yaml:", 0), 0u);
}

TEST_F(WorkflowLoader, RejectsADocumentThatIsNotAMapping) {
  auto e = only_error("- just\n- a list\n");
  EXPECT_EQ(e.code, "yaml.type");
}

TEST_F(WorkflowLoader, ReportsAMissingFile) {
  auto r = load_workflow_file("/nonexistent/wf.yaml", handlers);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "io.not_found");
}

TEST_F(WorkflowLoader, LoadsEveryBundledWorkflow) {
  for (const char* name : {"example.yaml", "load-test.yaml"}) {
    auto r = load_workflow_file(std::string{GENFLOW_SOURCE_DIR} + "/configs/workflows/" + name,
                                handlers);
    EXPECT_TRUE(r.workflow) << name << ": "
                            << (r.errors.empty() ? "" : r.errors.front().to_string());
  }
}

TEST_F(WorkflowLoader, ExpandsForEachOverARunParameter) {
  value params = value::object_type{
    {"contracts", value::array_type{value::object_type{{"name", "a"}, {"path", "/c/a.yaml"}},
                                    value::object_type{{"name", "b"}, {"path", "/c/b.yaml"}}}},
    {"out", "/tmp/out"}};
  auto r = parse_workflow(R"(id: w
stages:
  - id: parse
    steps:
      - for_each: contracts
        id: "parse.{item.name}"
        handler: noop
        inputs: {file: "{item.path}", keep: "{braces}", out: ["{params.out}"]}
  - id: use
    steps:
      - for_each: contracts
        id: "use.{item.name}"
        handler: noop
        depends_on: ["parse.{item.name}"]
)",
                          "wf.yaml", handlers, params);
  ASSERT_TRUE(r.workflow) << r.errors.front().to_string();
  const auto& parse = r.workflow->stages[0].steps;
  ASSERT_EQ(parse.size(), 2u);
  EXPECT_EQ(parse[1].id, "parse.b");
  EXPECT_EQ(parse[1].inputs.get_string("file"), "/c/b.yaml");
  EXPECT_EQ(parse[1].inputs.get_string("keep"), "{braces}");
  EXPECT_EQ(parse[1].inputs.get("out").as_array()[0].as_string(), "/tmp/out");
  EXPECT_EQ(r.workflow->stages[1].steps[0].depends_on, std::vector<std::string>{"parse.a"});
}

TEST_F(WorkflowLoader, RejectsForEachOverAListTheRunDoesNotHave) {
  auto e = only_error("id: w\nstages:\n  - id: s\n    steps:\n      - {for_each: files, id: x, "
                      "handler: noop}\n");
  EXPECT_EQ(e.code, "workflow.for_each");
  EXPECT_NE(e.message.find("'files'"), std::string::npos);
}

TEST_F(WorkflowLoader, RejectsAPlaceholderThatNamesNothing) {
  auto r = parse_workflow("id: w\nstages:\n  - id: s\n    steps:\n      - {id: x, handler: noop, "
                          "inputs: {a: '{params.missing}'}}\n",
                          "wf.yaml", handlers, value::object_type{});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "workflow.placeholder");
  EXPECT_NE(r.errors[0].message.find("{params.missing}"), std::string::npos);
}

TEST(ExecutionPlan, ComputesTheCriticalPathWithStagesAsBarriers) {
  workflow_definition w;
  w.id = "cp";
  w.stages.push_back(stage_definition{"s1", 1, {}, {}, false,
                                      {step_definition{"a", "noop", {}, {}, {}, 0},
                                       step_definition{"b", "noop", {}, {"a"}, {}, 0},
                                       step_definition{"c", "noop", {}, {}, {}, 0}}});
  w.stages.push_back(stage_definition{"s2", 2, {"s1"}, {}, false,
                                      {step_definition{"d", "noop", {}, {"c"}, {}, 0}}});
  auto plan = execution_plan::build(w, nullptr);
  ASSERT_TRUE(plan);
  // Stage 1: the chain a -> b (3s) loses to c (4s); stage 2: d (5s).
  auto cp = plan->critical_path({1s, 2s, 4s, 5s});
  EXPECT_EQ(cp, 9s);
  // Stage 1: a -> b (6s) now beats c; plus d.
  auto cp2 = plan->critical_path({1s, 5s, 4s, 5s});
  EXPECT_EQ(cp2, 11s);
}

} // namespace
} // namespace genflow::workflow
