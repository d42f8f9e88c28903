#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "runtime/analysis/pipeline.hpp"
#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/files.hpp"

using namespace genflow;
using namespace genflow::analysis;
namespace fs = std::filesystem;

namespace {

const std::string source_dir = GENFLOW_SOURCE_DIR;
const std::string nodes_dir = source_dir + "/tests/data/analysis/nodes/";

/// A fresh directory under the system temp dir, removed at the end of the test.
class temp_dir {
public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "genflow-analysis-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string{};
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const noexcept { return path_; }
  std::string write(const std::string& relative, const std::string& content) const {
    auto p = fs::path{path_} / relative;
    fs::create_directories(p.parent_path());
    EXPECT_TRUE(io::write_file_atomic(p.string(), content).has_value());
    return p.string();
  }

private:
  std::string path_;
};

bool has_error(const config_report& r, std::string_view code, std::string_view where_part) {
  for (const auto& e : r.errors)
    if (e.code == code && e.where.find(where_part) != std::string::npos)
      return true;
  return false;
}

const std::string noncompliant = "import logging\n\nclass NodeSyncEffect:\n    def run(self):\n"
                                 "        eval(self.code)\n";

} // namespace

// -- configuration ----------------------------------------------------------------------

TEST(ValidationConfig, LoadsTheDefaultsFileAsTheBuiltInDefaults) {
  auto r = load_validation_config(source_dir + "/configs/validation.yaml");
  ASSERT_TRUE(r.config.has_value()) << r.errors.at(0).to_string();
  const auto& c = *r.config;
  pipeline_config defaults;
  EXPECT_EQ(c.validators, defaults.validators);
  EXPECT_EQ(c.enable_fast_fail, defaults.enable_fast_fail);
  EXPECT_EQ(c.timeout_per_validator, std::chrono::milliseconds{5000});
  EXPECT_EQ(c.max_file_bytes, defaults.max_file_bytes);
  EXPECT_EQ(c.completeness.expected_patterns, defaults.completeness.expected_patterns);
  EXPECT_EQ(c.quality.max_complexity, 10);
  EXPECT_EQ(c.quality.max_line_length, 100u);
  EXPECT_DOUBLE_EQ(c.quality.min_score, 0.8);
  EXPECT_DOUBLE_EQ(c.quality.weights.complexity, 0.30);
  EXPECT_DOUBLE_EQ(c.quality.weights.style, 0.20);
  EXPECT_EQ(c.onex.base_classes, defaults.onex.base_classes);
  EXPECT_EQ(c.onex.error_class, "ModelOnexError");
  EXPECT_EQ(c.security.min_confidence, confidence_level::medium);
  EXPECT_TRUE(c.security.honor_nosec);
}

TEST(ValidationConfig, ReadsEveryKey) {
  auto r = parse_validation_config(
    "validators: [security, quality]\n"
    "enable_fast_fail: true\n"
    "timeout_per_validator: 250ms\n"
    "max_file_bytes: 1000\n"
    "completeness: {expected_patterns: [calls emit_log_event], "
    "required_methods: [health], require_async: false}\n"
    "quality: {max_complexity: 5, max_line_length: 120, min_score: 0.5, "
    "weights: {complexity: 1, type_hints: 0, docstrings: 0, style: 0}}\n"
    "onex_compliance: {error_class: NodeError, log_function: log_event, "
    "base_classes: {effect: [BaseEffect]}}\n"
    "security: {min_confidence: high, skip_rules: [B101], honor_nosec: false}\n",
    "custom.yaml");
  ASSERT_TRUE(r.config.has_value()) << r.errors.at(0).to_string();
  const auto& c = *r.config;
  EXPECT_EQ(c.validators,
            (std::vector<validator_kind>{validator_kind::security, validator_kind::quality}));
  EXPECT_TRUE(c.enable_fast_fail);
  EXPECT_EQ(c.timeout_per_validator, std::chrono::milliseconds{250});
  EXPECT_EQ(c.max_file_bytes, 1000u);
  EXPECT_EQ(c.completeness.required_methods, std::vector<std::string>{"health"});
  EXPECT_FALSE(c.completeness.require_async);
  EXPECT_EQ(c.quality.max_complexity, 5);
  EXPECT_DOUBLE_EQ(c.quality.weights.type_hints, 0.0);
  EXPECT_EQ(c.onex.error_class, "NodeError");
  EXPECT_EQ(c.onex.base_classes[0].second, std::vector<std::string>{"BaseEffect"});
  EXPECT_EQ(c.onex.base_classes[1].second,
            (std::vector<std::string>{"NodeCompute", "ModelServiceCompute"}));
  EXPECT_EQ(c.security.min_confidence, confidence_level::high);
  EXPECT_EQ(c.security.skip_rules, std::vector<std::string>{"B101"});
  EXPECT_FALSE(c.security.honor_nosec);
}

TEST(ValidationConfig, ReportsEveryProblemWithItsPlace) {
  auto r =
    parse_validation_config("validators: [quality, linting, quality]\n"
                            "enable_fast_fail: sometimes\n"
                            "timeout_per_validator: 0s\n"
                            "colour: blue\n"
                            "completeness:\n  expected_patterns: [throws X]\n"
                            "quality:\n  min_score: 1.5\n  max_complexity: 0\n"
                            "  weights: {complexity: 0, type_hints: 0, docstrings: 0, style: 0}\n"
                            "onex_compliance:\n  base_classes: {transformer: [X], effect: []}\n"
                            "security:\n  min_confidence: certain\n  skip_rules: [B999]\n",
                            "bad.yaml");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_TRUE(has_error(r, "validation.config", "bad.yaml:1:23 validators[1]"));
  EXPECT_TRUE(has_error(r, "validation.config", "bad.yaml:1:32 validators[2]"));
  EXPECT_TRUE(has_error(r, "yaml.type", "bad.yaml:2:19 enable_fast_fail"));
  EXPECT_TRUE(has_error(r, "yaml.range", "timeout_per_validator"));
  EXPECT_TRUE(has_error(r, "yaml.unknown_key", "bad.yaml:4:1 colour"));
  EXPECT_TRUE(has_error(r, "validation.config", "bad.yaml:6:23 completeness.expected_patterns[0]"));
  EXPECT_TRUE(has_error(r, "yaml.range", "bad.yaml:8:14 quality.min_score"));
  EXPECT_TRUE(has_error(r, "yaml.range", "quality.max_complexity"));
  EXPECT_TRUE(has_error(r, "yaml.range", "quality.weights"));
  EXPECT_TRUE(has_error(r, "yaml.unknown_key", "onex_compliance.base_classes.transformer"));
  EXPECT_TRUE(has_error(r, "validation.config", "onex_compliance.base_classes.effect"));
  EXPECT_TRUE(has_error(r, "validation.config", "bad.yaml:14:19 security.min_confidence"));
  EXPECT_TRUE(has_error(r, "validation.config", "security.skip_rules[0]"));
  EXPECT_EQ(r.errors.size(), 13u);
}

TEST(ValidationConfig, RejectsMalformedYamlAndMissingFilesAndAcceptsAnEmptyOne) {
  auto syntax = parse_validation_config("validators: [quality\n", "broken.yaml");
  ASSERT_FALSE(syntax.config.has_value());
  EXPECT_EQ(syntax.errors.at(0).code, "yaml.syntax");
  EXPECT_NE(syntax.errors[0].where.find("broken.yaml:"), std::string::npos);
  auto list = parse_validation_config("- a\n- b\n", "list.yaml");
  EXPECT_FALSE(list.config.has_value());
  auto missing = load_validation_config("/nonexistent/validation.yaml");
  ASSERT_FALSE(missing.config.has_value());
  EXPECT_EQ(missing.errors.at(0).code, "io.not_found");
  auto empty = parse_validation_config("", "empty.yaml");
  ASSERT_TRUE(empty.config.has_value());
  EXPECT_EQ(empty.config->validators.size(), 4u);
  auto nothing = parse_validation_config("validators: []\n", "none.yaml");
  EXPECT_TRUE(has_error(nothing, "validation.config", "validators"));
}

// -- running --------------------------------------------------------------------------------

TEST(ValidationPipeline, PassesTheCompliantNodeAgainstItsContract) {
  auto contract = contracts::load_contract_file(nodes_dir + "order_sync_contract.yaml");
  ASSERT_TRUE(contract.result.has_value());
  auto file = validate_file(nodes_dir + "node_order_sync_effect.py",
                            make_validation_context(*contract.result), pipeline_config{});
  ASSERT_FALSE(file.error.has_value());
  EXPECT_TRUE(file.result.passed);
  ASSERT_EQ(file.result.results.size(), 4u);
  for (const auto& r : file.result.results) {
    EXPECT_TRUE(r.passed) << r.validator;
    EXPECT_DOUBLE_EQ(r.score, 1.0) << r.validator;
  }
  EXPECT_TRUE(file.result.errors.empty());
  EXPECT_TRUE(file.result.warnings.empty());
  EXPECT_DOUBLE_EQ(file.result.score, 1.0);
}

TEST(ValidationPipeline, CollectsEveryValidatorsFindingsByDefault) {
  auto m = python_module::parse(noncompliant, "bad.py");
  auto r = run_pipeline(m, validation_context{}, pipeline_config{});
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.results.size(), 4u);
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(r.results[0].validator, "completeness");
  EXPECT_EQ(r.results[3].validator, "security");
  EXPECT_FALSE(r.find("security")->passed);
  EXPECT_FALSE(r.find("onex_compliance")->passed);
  EXPECT_FALSE(r.errors.empty());
  EXPECT_FALSE(r.warnings.empty());
  EXPECT_FALSE(r.suggestions.empty());
  double mean = 0;
  for (const auto& x : r.results)
    mean += x.score / 4.0;
  EXPECT_DOUBLE_EQ(r.score, mean);
}

TEST(ValidationPipeline, StopsAtTheFirstFailureInFastFailMode) {
  pipeline_config config;
  config.enable_fast_fail = true;
  config.validators = {validator_kind::quality, validator_kind::onex_compliance,
                       validator_kind::security, validator_kind::completeness};
  auto m = python_module::parse(noncompliant, "bad.py");
  auto r = run_pipeline(m, validation_context{}, config);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.results.size(), 1u); // quality fails (0.5) and stops the run
  EXPECT_EQ(r.results[0].validator, "quality");
  EXPECT_EQ(r.skipped, (std::vector<std::string>{"onex_compliance", "security", "completeness"}));
  config.validators = {validator_kind::security, validator_kind::completeness};
  auto clean = run_pipeline(python_module::parse("x = 1\n"), validation_context{}, config);
  EXPECT_TRUE(clean.passed);
  EXPECT_EQ(clean.results.size(), 2u);
}

TEST(ValidationPipeline, ReportsASyntaxErrorOnceForAllValidators) {
  auto m = python_module::parse("def broken(:\n    pass\n", "broken.py");
  auto r = run_pipeline(m, validation_context{}, pipeline_config{});
  EXPECT_FALSE(r.passed);
  for (const auto& x : r.results) {
    EXPECT_FALSE(x.passed);
    EXPECT_EQ(x.findings.at(0).rule, "syntax.error");
  }
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 1u);
}

TEST(ValidationPipeline, GivesBadInputAClearResult) {
  pipeline_config config;
  std::string binary(2048, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i)
    binary[i] = static_cast<char>(i * 131 % 256);
  auto b = validate_source(binary, "blob.py", validation_context{}, config);
  EXPECT_FALSE(b.result.passed);
  EXPECT_EQ(b.result.errors.at(0).message, "source contains a null byte");
  auto latin = validate_source("x = '\xe9'\n", "latin.py", validation_context{}, config);
  EXPECT_FALSE(latin.result.passed);
  EXPECT_NE(latin.result.errors.at(0).message.find("invalid UTF-8 byte 0xe9"), std::string::npos);
  auto empty = validate_source("", "empty.py", validation_context{}, config);
  EXPECT_FALSE(empty.error.has_value());
  EXPECT_TRUE(empty.result.passed); // nothing to complain about without a node to require
}

TEST(ValidationPipeline, RejectsFilesAboveTheSizeLimitBeforeParsing) {
  std::string big(10u * 1024u * 1024u, 'x');
  auto r = validate_source(big, "big.py", validation_context{}, pipeline_config{});
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, "analysis.too_large");
  EXPECT_NE(r.error->message.find("10485760 bytes; the limit is 4194304"), std::string::npos);
  EXPECT_FALSE(r.result.passed);
  temp_dir dir;
  auto path = dir.write("big.py", big);
  auto f = validate_file(path, validation_context{}, pipeline_config{});
  ASSERT_TRUE(f.error.has_value());
  EXPECT_EQ(f.error->code, "analysis.too_large");
}

TEST(ValidationPipeline, CollectsThePythonFilesOfATreeInOrder) {
  temp_dir dir;
  dir.write("b.py", "x = 1\n");
  dir.write("a/z.py", "x = 1\n");
  dir.write("a/notes.txt", "not python\n");
  dir.write(".venv/lib/site.py", "x = 1\n");
  auto files = collect_python_files(dir.path());
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(*files, (std::vector<std::string>{dir.path() + "/a/z.py", dir.path() + "/b.py"}));
  auto single = collect_python_files(dir.path() + "/b.py");
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ(single->size(), 1u);
  auto missing = collect_python_files(dir.path() + "/nope");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "io.not_found");
  temp_dir empty;
  auto none = collect_python_files(empty.path());
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, "analysis.no_files");
}

TEST(ValidationPipeline, ValidatesATreeAndLooksForTheContractClassInIt) {
  auto contract = contracts::load_contract_file(nodes_dir + "order_sync_contract.yaml");
  ASSERT_TRUE(contract.result.has_value());
  auto ctx = make_validation_context(*contract.result);
  auto node = io::read_file(nodes_dir + "node_order_sync_effect.py");
  ASSERT_TRUE(node.has_value());
  std::string helper =
    "\"\"\"Helpers.\"\"\"\n\n\ndef double(x: int) -> int:\n    \"\"\"Twice.\"\"\"\n"
    "    return 2 * x\n";
  temp_dir dir;
  dir.write("order_sync/node.py", *node);
  dir.write("order_sync/helpers.py", helper);
  auto tree = validate_path(dir.path(), ctx, pipeline_config{});
  ASSERT_TRUE(tree.has_value());
  ASSERT_EQ(tree->size(), 2u); // helpers.py, node.py: node rules skipped for the helper
  for (const auto& f : *tree)
    EXPECT_TRUE(f.result.passed) << f.path;

  temp_dir other;
  other.write("helpers.py", helper);
  auto missing = validate_path(other.path(), ctx, pipeline_config{});
  ASSERT_TRUE(missing.has_value());
  ASSERT_EQ(missing->size(), 2u);
  EXPECT_EQ(missing->back().path, other.path());
  ASSERT_TRUE(missing->back().error.has_value());
  EXPECT_EQ(missing->back().error->code, "completeness.node_class");
  EXPECT_NE(missing->back().error->message.find("NodeOrderSyncEffect"), std::string::npos);

  validation_context compute;
  compute.node_type = "compute";
  auto wrong_type = validate_path(dir.path(), compute, pipeline_config{});
  ASSERT_TRUE(wrong_type.has_value());
  ASSERT_EQ(wrong_type->size(), 3u);
  EXPECT_EQ(wrong_type->back().error->message,
            "no file under this directory defines a compute node class");

  // A single file must define the class itself.
  auto single = validate_path(other.path() + "/helpers.py", ctx, pipeline_config{});
  ASSERT_TRUE(single.has_value());
  ASSERT_EQ(single->size(), 1u);
  EXPECT_FALSE(single->front().result.passed);
  auto none = validate_path(other.path() + "/absent", ctx, pipeline_config{});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, "io.not_found");
}

TEST(ValidationPipeline, ReportsUnreadableFiles) {
  auto r = validate_file("/nonexistent/node.py", validation_context{}, pipeline_config{});
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, "io.not_found");
}
