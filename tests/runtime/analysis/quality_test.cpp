#include <string>

#include <gtest/gtest.h>

#include "runtime/analysis/quality.hpp"

using namespace genflow::analysis;

namespace {

validation_result check(std::string code, const quality_config& config = {},
                        const validation_context& ctx = {}) {
  auto m = python_module::parse(std::move(code), "code.py");
  return check_quality(m, ctx, config);
}

std::vector<std::string> rules_of(const validation_result& r,
                                  severity_level min = severity_level::info) {
  std::vector<std::string> out;
  for (const auto& f : r.findings)
    if (f.severity >= min)
      out.push_back(f.rule);
  return out;
}

/// A documented, fully typed function with `n` if statements (complexity n + 1).
std::string branchy(int n) {
  std::string code = "def branchy(x: int) -> int:\n    \"\"\"Branch.\"\"\"\n";
  for (int i = 0; i < n; ++i)
    code += "    if x == " + std::to_string(i) + ":\n        return " + std::to_string(i) + "\n";
  return code + "    return -1\n";
}

} // namespace

TEST(Quality, ScoresCleanTypedDocumentedCodeOne) {
  auto r =
    check("\"\"\"Module.\"\"\"\n\n\nclass A:\n    \"\"\"A.\"\"\"\n\n"
          "    def __init__(self, x: int):\n        \"\"\"Make.\"\"\"\n        self.x = x\n\n"
          "    @classmethod\n    def make(cls) -> \"A\":\n        \"\"\"Build.\"\"\"\n        "
          "return cls(1)\n");
  EXPECT_TRUE(r.passed);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
  EXPECT_TRUE(r.findings.empty());
}

TEST(Quality, FlagsComplexityAboveTheMaximumAsMccabeCountsIt) {
  EXPECT_TRUE(rules_of(check(branchy(9))).empty());
  auto r = check(branchy(10));
  ASSERT_EQ(rules_of(r), (std::vector<std::string>{"quality.complexity", "quality.score"}));
  EXPECT_EQ(r.findings[0].severity, severity_level::warning);
  EXPECT_DOUBLE_EQ(r.score, 0.7); // the one graph is too complex: 0.30 x 0 + 0.70
  EXPECT_NE(r.findings[0].message.find("complexity 11 (maximum 10)"), std::string::npos);
  EXPECT_EQ(r.findings[0].line, 1u);
  EXPECT_EQ(r.metrics.get("max_complexity").as_int(), 11);
  // Boolean operators do not count, as in mccabe.
  auto ops = check("def f(a: int, b: int, c: int) -> bool:\n    \"\"\"F.\"\"\"\n"
                   "    return a and b or c and not a or b\n");
  EXPECT_EQ(ops.metrics.get("max_complexity").as_int(), 1);
  quality_config strict;
  strict.max_complexity = 3;
  EXPECT_EQ(rules_of(check(branchy(3), strict), severity_level::warning).front(),
            "quality.complexity");
}

TEST(Quality, MeasuresTypeHintCoverageBySlots) {
  auto r = check(
    "class A:\n    \"\"\"A.\"\"\"\n    def m(self, a, b: int) -> int:\n        \"\"\"M.\"\"\"\n"
    "        return b\n\n\ndef f(*args, **kwargs):\n    \"\"\"F.\"\"\"\n");
  // Slots: a, b, return of m; args, kwargs, return of f -> 2 of 6 annotated.
  EXPECT_DOUBLE_EQ(r.metrics.get("type_hint_coverage").as_number(), 2.0 / 6.0);
  ASSERT_EQ(rules_of(r), (std::vector<std::string>{"quality.type_hints", "quality.type_hints"}));
  EXPECT_NE(r.findings[0].message.find("A.m lacks type hints for a"), std::string::npos);
  EXPECT_NE(r.findings[1].message.find("args, kwargs and the return value"), std::string::npos);
}

TEST(Quality, NeverFlagsPep8BlankLines) {
  auto r =
    check("\"\"\"Module.\"\"\"\n\n\ndef f() -> None:\n    \"\"\"F.\"\"\"\n\n\n\ndef g() -> None:\n"
          "    \"\"\"G.\"\"\"\n");
  EXPECT_TRUE(r.findings.empty());
  EXPECT_DOUBLE_EQ(r.metrics.get("style_score").as_number(), 1.0);
}

TEST(Quality, FlagsLongLinesTabsAndTrailingWhitespaceOutsideStrings) {
  std::string long_line = "x = '" + std::string(120, 'a') + "'\n";
  auto r = check(long_line + "if x:\n\ty = 1 \nz = 2\t\n   \ns = '''keep \nthese\t\n\tlines'''\n");
  EXPECT_EQ(
    rules_of(r, severity_level::warning),
    (std::vector<std::string>{"quality.line_length", "quality.tabs", "quality.trailing_whitespace",
                              "quality.trailing_whitespace", "quality.trailing_whitespace"}));
  EXPECT_EQ(r.findings[0].column, 101u);
  EXPECT_EQ(r.findings[2].line, 3u);
  EXPECT_EQ(r.findings[2].column, 7u);
  EXPECT_EQ(r.findings[4].message, "whitespace on a blank line");
  quality_config wide;
  wide.max_line_length = 200;
  EXPECT_EQ(rules_of(check(long_line, wide)).size(), 0u);
}

TEST(Quality, CountsLineLengthInCharactersNotBytes) {
  std::string line = "s = '" + std::string(0, ' ');
  for (int i = 0; i < 90; ++i)
    line += "é";
  line += "'\n"; // 96 characters, 186 bytes
  EXPECT_TRUE(check(line).findings.empty());
}

TEST(Quality, FailsBelowTheMinimumScoreAndTheContextCanRaiseIt) {
  // No docstrings, no hints: 0.30 x 1 + 0.25 x 0 + 0.25 x 0 + 0.20 x 1 = 0.5.
  auto r = check("def f(a):\n    return a\n");
  EXPECT_DOUBLE_EQ(r.score, 0.5);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(rules_of(r, severity_level::error), std::vector<std::string>{"quality.score"});
  EXPECT_NE(r.findings.back().message.find("0.50 is below the minimum 0.80"), std::string::npos);
  validation_context lenient;
  lenient.min_quality_score = 0.4;
  EXPECT_TRUE(check("def f(a):\n    return a\n", {}, lenient).passed);
}

TEST(Quality, UsesTheConfiguredWeights) {
  quality_config docs_only;
  docs_only.weights = {0.0, 0.0, 1.0, 0.0};
  EXPECT_DOUBLE_EQ(check("def f(a):\n    \"\"\"F.\"\"\"\n", docs_only).score, 1.0);
  EXPECT_DOUBLE_EQ(check("def f(a):\n    return a\n", docs_only).score, 0.0);
}

TEST(Quality, PassesAnEmptyFileAndFailsSyntaxErrors) {
  auto empty = check("");
  EXPECT_TRUE(empty.passed);
  EXPECT_DOUBLE_EQ(empty.score, 1.0);
  auto broken = check("def f(:\n");
  EXPECT_FALSE(broken.passed);
  EXPECT_EQ(broken.score, 0.0);
}
