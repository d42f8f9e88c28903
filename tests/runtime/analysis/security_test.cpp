#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "runtime/analysis/security.hpp"
#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "tests/runtime/analysis/command_output.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

validation_result scan(std::string code, security_config config = {}) {
  auto m = python_module::parse(std::move(code), "snippet.py");
  return check_security(m, validation_context{}, config);
}

std::vector<std::string> rules_of(const validation_result& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings)
    out.push_back(f.rule);
  return out;
}

const finding* first(const validation_result& r, std::string_view rule) {
  for (const auto& f : r.findings)
    if (f.rule == rule)
      return &f;
  return nullptr;
}

using finding_set = std::set<std::pair<std::uint32_t, std::string>>;

/// The `# expect: ID, ID` / `# expect-not: ID` annotations of a corpus file.
void read_annotations(const std::string& text, finding_set& expect, finding_set& expect_not) {
  std::uint32_t line = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    auto l = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    ++line;
    for (auto [tag, set] : {std::pair{std::string{"# expect: "}, &expect},
                            std::pair{std::string{"# expect-not: "}, &expect_not}}) {
      auto at = l.find(tag);
      if (at == std::string::npos)
        continue;
      std::string ids = l.substr(at + tag.size());
      std::size_t p = 0;
      while (p < ids.size()) {
        auto comma = ids.find(',', p);
        auto id = ids.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
        id.erase(0, id.find_first_not_of(' '));
        id.erase(id.find_last_not_of(' ') + 1);
        if (!id.empty())
          set->insert({line, id});
        if (comma == std::string::npos)
          break;
        p = comma + 1;
      }
    }
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
}

const std::string corpus = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/analysis/security";

} // namespace

// -- rules one by one ---------------------------------------------------------------

TEST(Security, FindsEvalExecAndCompileOfInput) {
  auto r = scan("def f(src):\n    eval(src)\n    exec(src)\n    compile(src, 'x', 'exec')\n"
                "    compile('1 + 1', 'x', 'eval')\n");
  EXPECT_EQ(rules_of(r), (std::vector<std::string>{"B307", "B102", "GF001"}));
  EXPECT_EQ(first(r, "B307")->line, 2u);
  EXPECT_EQ(first(r, "B307")->severity, severity_level::error);
  EXPECT_EQ(first(r, "B307")->confidence, confidence_level::high);
  EXPECT_FALSE(r.passed);
}

TEST(Security, ResolvesCalleesThroughImportAliases) {
  auto r = scan("from subprocess import check_output as co\nimport os as o\n"
                "co(cmd, shell=True)\no.system(cmd)\n");
  EXPECT_EQ(rules_of(r), (std::vector<std::string>{"B602", "B605"}));
}

TEST(Security, GradesShellCallsByHowTheCommandIsBuilt) {
  auto r = scan("import subprocess\nsubprocess.call('ls -l', shell=True)\n"
                "subprocess.call('ls ' + d, shell=True)\n");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].severity, severity_level::warning);  // bandit low: a literal command
  EXPECT_EQ(r.findings[1].severity, severity_level::critical); // bandit high: computed
}

TEST(Security, ReportsShellTrueOnTheLineOfTheKeyword) {
  auto r = scan("import subprocess\nsubprocess.run(\n    cmd,\n    shell=True,\n)\n");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 4u);
  EXPECT_EQ(r.findings[0].column, 11u);
}

TEST(Security, DemotesLowConfidenceFindingsToWarnings) {
  auto r = scan("wrapper(cmd, shell=True)\n");
  ASSERT_EQ(rules_of(r), std::vector<std::string>{"B604"});
  EXPECT_EQ(r.findings[0].confidence, confidence_level::low);
  EXPECT_EQ(r.findings[0].severity, severity_level::warning);
  EXPECT_TRUE(r.passed);
  security_config strict;
  strict.min_confidence = confidence_level::low;
  auto s = scan("wrapper(cmd, shell=True)\n", strict);
  EXPECT_EQ(s.findings[0].severity, severity_level::error);
  EXPECT_FALSE(s.passed);
}

TEST(Security, GivesSqlPassedToExecuteMediumConfidenceAndOtherSqlLow) {
  auto r = scan("def f(c, x):\n    q = 'SELECT a FROM t WHERE b = ' + x\n    c.execute(q)\n"
                "    other = 'SELECT a FROM t WHERE b = %s' % x\n    return other\n");
  ASSERT_EQ(rules_of(r), (std::vector<std::string>{"B608", "B608"}));
  EXPECT_EQ(r.findings[0].confidence, confidence_level::medium);
  EXPECT_EQ(r.findings[0].severity, severity_level::error);
  EXPECT_EQ(r.findings[1].confidence, confidence_level::low);
  EXPECT_EQ(r.findings[1].severity, severity_level::warning);
}

TEST(Security, LeavesParameterisedQueriesAlone) {
  auto r = scan("c.execute('SELECT * FROM t WHERE id = %s', (x,))\nc.execute('SELECT 1')\n");
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(r.passed);
  EXPECT_DOUBLE_EQ(r.score, 1.0);
}

TEST(Security, MatchesPasswordNamesAsBanditDoes) {
  auto r = scan("password = 'a'\nmy_pass = 'b'\npasswords = 'c'\nPWD_HASH = 'd'\n"
                "api_token_v2 = 'e'\nsecretary = 'f'\npassphrase = 'g'\npaswd = 'h'\n");
  std::vector<std::uint32_t> lines;
  for (const auto& f : r.findings)
    lines.push_back(f.line);
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{1, 2, 4, 5, 7, 8}));
  EXPECT_EQ(r.findings[0].message, "Possible hardcoded password: 'a'");
}

TEST(Security, IgnoresStringsInCommentsDocstringsAndExpressionStatements) {
  auto r = scan("\"\"\"eval(x) and 0.0.0.0 in a docstring.\"\"\"\n# os.system(cmd)\n"
                "'0.0.0.0'\nx = 'eval(y)'\n");
  EXPECT_TRUE(r.findings.empty());
}

TEST(Security, HonoursNosecAndSkippedRules) {
  auto r = scan("eval(a)  # nosec\nexec(b)\nassert c\n");
  EXPECT_EQ(rules_of(r), (std::vector<std::string>{"B102", "B101"}));
  EXPECT_EQ(r.metrics.get("suppressed").as_int(), 1);
  security_config skip;
  skip.skip_rules = {"B101"};
  skip.honor_nosec = false;
  EXPECT_EQ(rules_of(scan("eval(a)  # nosec\nassert c\n", skip)), std::vector<std::string>{"B307"});
}

TEST(Security, ScoresByTheSeverityOfWhatItFinds) {
  EXPECT_DOUBLE_EQ(scan("assert x\n").score, 0.95);
  EXPECT_DOUBLE_EQ(scan("eval(x)\n").score, 0.75);
  EXPECT_DOUBLE_EQ(scan("import requests\nrequests.get(u, verify=False)\n").score, 0.5);
  EXPECT_DOUBLE_EQ(scan("eval(a)\neval(b)\neval(c)\neval(d)\neval(e)\n").score, 0.0);
}

TEST(Security, FailsOnSyntaxErrorsLikeBanditDoes) {
  auto r = scan("def broken(:\n    eval(x)\n");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.score, 0.0);
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].rule, "syntax.error");
}

TEST(Security, ListsEveryRuleItChecks) {
  std::set<std::string_view> ids;
  for (const auto& rule : security_rules())
    ids.insert(rule.id);
  for (auto id : {"B101", "B102", "B104", "B105", "B106", "B107", "B301", "B302", "B303", "B306",
                  "B307", "B324", "B501", "B506", "B602", "B604", "B605", "B608", "GF001"})
    EXPECT_EQ(ids.count(id), 1u) << id;
}

// -- agreement with bandit ---------------------------------------------------------

TEST(Security, FindsWhatBanditFindsOnTheInsecureSnippetCorpus) {
  // bandit 1.6.2 (Debian) on the whole corpus, one process.
  auto out = test_support::run_command("cd " + test_support::shell_quote(corpus)
                                       + " && /usr/bin/bandit -q -r -f json . 2>/dev/null");
  auto report = io::parse_json(out.out, "bandit output");
  ASSERT_TRUE(report.has_value()) << out.out;
  ASSERT_TRUE(report->get("errors").as_array().empty()) << out.out;

  std::set<std::string> ours;
  for (const auto& rule : security_rules())
    ours.insert(std::string{rule.id});
  std::map<std::string, finding_set> bandit;
  for (const auto& r : report->get("results").as_array()) {
    auto id = r.get_string("test_id");
    if (!ours.count(id))
      continue; // bandit rules genflow does not check (B404 imports, B603 ...)
    auto file = std::filesystem::path{r.get_string("filename")}.filename().string();
    bandit[file].insert({static_cast<std::uint32_t>(r.get("line_number").as_int()), id});
  }

  std::size_t files = 0;
  std::size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".py")
      continue;
    ++files;
    auto name = entry.path().filename().string();
    auto text = io::read_file(entry.path().string());
    ASSERT_TRUE(text.has_value());
    finding_set expect_more;
    finding_set expect_not;
    read_annotations(*text, expect_more, expect_not);

    finding_set expected = bandit[name];
    for (const auto& x : expect_not) {
      EXPECT_EQ(expected.count(x), 1u)
        << name << ":" << x.first << " expect-not " << x.second << " but bandit does not report it";
      expected.erase(x);
    }
    for (const auto& x : expect_more) {
      EXPECT_EQ(expected.count(x), 0u)
        << name << ":" << x.first << " expect " << x.second << " but bandit reports it already";
      expected.insert(x);
    }

    auto m = python_module::parse(std::move(*text), name);
    ASSERT_FALSE(m.has_syntax_errors()) << name;
    finding_set found;
    for (const auto& f : check_security(m, validation_context{}, security_config{}).findings)
      found.insert({f.line, f.rule});
    for (const auto& x : expected)
      EXPECT_EQ(found.count(x), 1u) << name << ":" << x.first << " missing " << x.second;
    for (const auto& x : found)
      EXPECT_EQ(expected.count(x), 1u) << name << ":" << x.first << " unexpected " << x.second;
    compared += expected.size();
  }
  EXPECT_EQ(files, 7u);
  EXPECT_GT(compared, 50u);
}
