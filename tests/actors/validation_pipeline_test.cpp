// The validation pipeline actor: one parse per file, the validator actors in parallel, results
// per file in order, fast-fail vs collect-all, bad input.

#include <algorithm>

#include <caf/typed_event_based_actor.hpp>

#include <gtest/gtest.h>

#include "actors/validation_pipeline.hpp"
#include "actors/validator.hpp"
#include "tests/support/actor_test_fixture.hpp"

namespace genflow {
namespace {

const char* clean_module = R"PY("""A small, clean helper module."""


def add(left: int, right: int) -> int:
    """Adds two numbers."""
    return left + right
)PY";

const char* insecure_module = R"PY("""Runs what it is told."""
import os


def run(command: str) -> int:
    """Runs a command through the shell."""
    return os.system(command)
)PY";

class ValidationPipelineActor : public testing::ActorTest {
protected:
  files_validated validate(std::vector<codegen::source_file> files,
                           analysis::pipeline_config config = {}) {
    auto pipeline = spawn_validation_pipeline(sys, std::move(config), 2);
    self->send(pipeline, validate_files{std::move(files)});
    run();
    return receive_one<files_validated>();
  }
};

TEST_F(ValidationPipelineActor, ValidatesEveryFileWithEveryConfiguredValidator) {
  auto r = validate({{"clean.py", clean_module, {}}, {"insecure.py", insecure_module, {}}});
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.results[0].path, "clean.py");
  EXPECT_TRUE(r.results[0].result.passed);
  ASSERT_EQ(r.results[0].result.results.size(), 4u);
  EXPECT_EQ(r.results[0].result.results[0].validator, "completeness");
  EXPECT_EQ(r.results[0].result.results[3].validator, "security");
  EXPECT_GT(r.results[0].parse.count(), 0);
  EXPECT_EQ(r.results[1].path, "insecure.py");
  EXPECT_FALSE(r.results[1].result.passed);
  bool found = false;
  for (const auto& f : r.results[1].result.errors)
    found = found || f.rule == "B605";
  EXPECT_TRUE(found) << "os.system must be reported as B605";
}

TEST_F(ValidationPipelineActor, FastFailSettlesAFileAtItsFirstFailingValidator) {
  analysis::pipeline_config config;
  config.enable_fast_fail = true;
  config.validators = {analysis::validator_kind::security, analysis::validator_kind::quality};
  // The security validator fails; the quality validator may or may not have answered first.
  auto r = validate({{"insecure.py", insecure_module, {}}}, config);
  ASSERT_EQ(r.results.size(), 1u);
  const auto& res = r.results[0].result;
  EXPECT_FALSE(res.passed);
  ASSERT_NE(res.find("security"), nullptr);
  EXPECT_EQ(res.results.size() + res.skipped.size(), 2u);
}

TEST_F(ValidationPipelineActor, AppliesTheNodeContextToTheNodeFileOnly) {
  analysis::validation_context node;
  node.node_type = "effect";
  node.class_name = "NodeThingEffect";
  node.require_node_class = true;
  auto r = validate({{"node.py", clean_module, node}, {"helper.py", clean_module, {}}});
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_FALSE(r.results[0].result.passed) << "the node file lacks its node class";
  EXPECT_TRUE(r.results[1].result.passed);
}

TEST_F(ValidationPipelineActor, ReportsSyntaxErrorsAndOversizedFilesWithoutLosingOthers) {
  analysis::pipeline_config config;
  config.max_file_bytes = 1000;
  auto r = validate({{"broken.py", "def f(:\n    return 1\n", {}},
                     {"huge.py", std::string(2000, '#'), {}},
                     {"clean.py", clean_module, {}}},
                    config);
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_FALSE(r.results[0].result.passed);
  ASSERT_FALSE(r.results[0].result.errors.empty());
  EXPECT_EQ(r.results[0].result.errors[0].line, 1u);
  ASSERT_TRUE(r.results[1].error);
  EXPECT_EQ(r.results[1].error->code, "analysis.too_large");
  EXPECT_TRUE(r.results[2].result.passed);
}

TEST_F(ValidationPipelineActor, AValidatorPastItsTimeoutIsReportedAndTheFileStillSettles) {
  analysis::pipeline_config config;
  config.timeout_per_validator = std::chrono::milliseconds{100};
  auto pipeline = spawn_validation_pipeline(sys, config, 1);
  self->send(pipeline, validate_files{{{"clean.py", clean_module, {}}}});
  // Run everything but the validators, then let the timeout pass before any of them runs.
  auto is_validator = [](caf::resumable* job) {
    return dynamic_cast<validator_actor::base*>(job) != nullptr;
  };
  sched.run_jobs_filtered([&](caf::resumable* job) { return !is_validator(job); });
  ASSERT_EQ(std::count_if(sched.jobs.begin(), sched.jobs.end(), is_validator), 4);
  advance(std::chrono::milliseconds{100});
  auto r = receive_one<files_validated>();
  ASSERT_EQ(r.results.size(), 1u);
  const auto& result = r.results[0].result;
  EXPECT_FALSE(result.passed);
  ASSERT_EQ(result.results.size(), 4u);
  for (const auto& v : result.results) {
    EXPECT_FALSE(v.passed) << v.validator;
    ASSERT_FALSE(v.findings.empty()) << v.validator;
    EXPECT_EQ(v.findings[0].rule, "validator.timeout");
    EXPECT_NE(v.findings[0].message.find("did not finish within 100 ms"), std::string::npos)
      << v.findings[0].message;
  }
}

TEST_F(ValidationPipelineActor, AnswersAnEmptyRequestAtOnce) {
  EXPECT_TRUE(validate({}).results.empty());
}

} // namespace
} // namespace genflow
