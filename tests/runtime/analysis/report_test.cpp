#include <set>
#include <string>

#include <gtest/gtest.h>

#include "runtime/analysis/report.hpp"
#include "runtime/io/json.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

pipeline_config only(std::vector<validator_kind> validators) {
  pipeline_config c;
  c.validators = std::move(validators);
  return c;
}

/// Two files: one with a security finding and a long line, one that does not parse; plus an
/// unreadable one.
std::vector<file_validation> sample_files() {
  std::vector<file_validation> files;
  std::string long_line = "y = '" + std::string(100, 'a') + "'\n";
  files.push_back(validate_source(
    "\"\"\"M.\"\"\"\nimport subprocess\nsubprocess.call(cmd, shell=True)\n" + long_line,
    "pkg/my node.py", validation_context{},
    only({validator_kind::quality, validator_kind::security})));
  files.push_back(validate_source("def f(:\n", "/abs/broken.py", validation_context{},
                                  only({validator_kind::security})));
  files.push_back(validate_file("/nonexistent/gone.py", validation_context{}, pipeline_config{}));
  return files;
}

} // namespace

TEST(ValidationReport, PrintsFindingsLikeACompiler) {
  auto text = format_text(sample_files(), report_options{});
  EXPECT_EQ(text,
            "pkg/my node.py:3:28: critical: subprocess call with shell=True identified, security "
            "issue. [B602]\n"
            "pkg/my node.py:4:101: warning: line is 106 characters long (maximum 100) "
            "[quality.line_length]\n"
            "pkg/my node.py: failed (quality 0.80, security 0.50)\n"
            "/abs/broken.py:1:7: critical: invalid syntax: missing ')' [syntax.error]\n"
            "/abs/broken.py: failed (security 0.00)\n"
            "/nonexistent/gone.py: error: cannot open: No such file or directory [io.not_found]\n"
            "3 files: 0 passed, 3 failed\n");
}

TEST(ValidationReport, ListsInfoFindingsOnRequest) {
  auto files = std::vector<file_validation>{
    validate_source("def f(a: int, b):\n    \"\"\"F.\"\"\"\n", "f.py", validation_context{},
                    only({validator_kind::quality}))};
  EXPECT_EQ(format_text(files, {}), "f.py: passed (quality 0.83)\n1 file: 1 passed, 0 failed\n");
  report_options all;
  all.include_info = true;
  EXPECT_NE(format_text(files, all)
              .find("f.py:1:1: info: function f lacks type hints for b and the "
                    "return value [quality.type_hints]"),
            std::string::npos);
}

TEST(ValidationReport, WritesJsonWithEveryValidatorResult) {
  report_options options;
  options.tool_version = "9.9.9";
  auto json = to_json_report(sample_files(), options);
  EXPECT_EQ(json.get_string("version"), "9.9.9");
  EXPECT_FALSE(json.get("passed").as_bool());
  const auto& files = json.get("files").as_array();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].get_string("path"), "pkg/my node.py");
  const auto& validators = files[0].get("validators").as_array();
  ASSERT_EQ(validators.size(), 2u);
  EXPECT_EQ(validators[1].get_string("name"), "security");
  EXPECT_DOUBLE_EQ(validators[1].get("score").as_number(), 0.5);
  const auto& finding = validators[1].get("findings").as_array().at(0);
  EXPECT_EQ(finding.get_string("rule"), "B602");
  EXPECT_EQ(finding.get_string("severity"), "critical");
  EXPECT_EQ(finding.get_string("confidence"), "high");
  EXPECT_EQ(finding.get("line").as_int(), 3);
  EXPECT_TRUE(validators[0].get("metrics").find("type_hint_coverage") != nullptr);
  EXPECT_EQ(files[2].get("error").get_string("code"), "io.not_found");
  // Round-trips through genflow's JSON writer and reader.
  auto again = io::parse_json(io::to_json(json, 2), "report.json");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, json);
}

TEST(ValidationReport, WritesSarifThatCodeScanningToolsAccept) {
  report_options options;
  options.tool_version = "0.1.0";
  auto sarif = to_sarif(sample_files(), options);
  EXPECT_EQ(sarif.get_string("version"), "2.1.0");
  EXPECT_EQ(sarif.get_string("$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
  const auto& runs = sarif.get("runs").as_array();
  ASSERT_EQ(runs.size(), 1u);
  const auto& driver = runs[0].get("tool").get("driver");
  EXPECT_EQ(driver.get_string("name"), "genflow");
  EXPECT_EQ(driver.get_string("version"), "0.1.0");
  EXPECT_FALSE(driver.get_string("informationUri").empty());
  const auto& rules = driver.get("rules").as_array();
  std::vector<std::string> ids;
  for (const auto& r : rules) {
    ids.push_back(r.get_string("id"));
    EXPECT_FALSE(r.get("shortDescription").get_string("text").empty());
    auto level = r.get("defaultConfiguration").get_string("level");
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()); // unique ids
  EXPECT_EQ(runs[0].get_string("columnKind"), "unicodeCodePoints");

  const auto& results = runs[0].get("results").as_array();
  ASSERT_EQ(results.size(), 4u); // B602, line length, syntax error, io error
  for (const auto& res : results) {
    auto id = res.get_string("ruleId");
    auto index = res.get("ruleIndex").as_int();
    ASSERT_LT(static_cast<std::size_t>(index), ids.size());
    EXPECT_EQ(ids[static_cast<std::size_t>(index)], id);
    auto level = res.get_string("level");
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    EXPECT_FALSE(res.get("message").get_string("text").empty());
    const auto& loc = res.get("locations").as_array().at(0).get("physicalLocation");
    EXPECT_FALSE(loc.get("artifactLocation").get_string("uri").empty());
    if (const auto* region = loc.find("region")) {
      EXPECT_GE(region->get("startLine").as_int(), 1);
      EXPECT_GE(region->get("startColumn").as_int(), 1);
    }
  }
  const auto& first = results[0];
  EXPECT_EQ(first.get_string("ruleId"), "B602");
  EXPECT_EQ(first.get_string("level"), "error");
  EXPECT_EQ(first.get("properties").get_string("confidence"), "high");
  const auto& loc = first.get("locations").as_array()[0].get("physicalLocation");
  EXPECT_EQ(loc.get("artifactLocation").get_string("uri"), "pkg/my%20node.py");
  EXPECT_EQ(loc.get("region").get("startLine").as_int(), 3);
  EXPECT_EQ(loc.get("region").get("startColumn").as_int(), 28);
  EXPECT_EQ(results[2]
              .get("locations")
              .as_array()[0]
              .get("physicalLocation")
              .get("artifactLocation")
              .get_string("uri"),
            "file:///abs/broken.py");
  EXPECT_EQ(results[3].get_string("ruleId"), "io.not_found");
  EXPECT_EQ(results[3].get("locations").as_array()[0].get("physicalLocation").find("region"),
            nullptr);
}

TEST(ValidationReport, NamesEveryRuleAnyValidatorReports) {
  std::set<std::string_view> ids;
  for (const auto& r : rule_catalogue())
    ids.insert(r.id);
  for (const auto* id : {"syntax.error", "completeness.entry_method", "quality.complexity",
                         "onex.base_class", "B608", "GF001", "analysis.too_large", "io.read"})
    EXPECT_EQ(ids.count(id), 1u) << id;
}
