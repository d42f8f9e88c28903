#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/analysis/python_module.hpp"
#include "runtime/io/files.hpp"
#include "tests/runtime/analysis/command_output.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

/// What `python3 -m mccabe --min 1` prints for a module, rebuilt from genflow's graphs.
std::string mccabe_style_report(const python_module& m) {
  std::string out;
  for (const auto& g : m.complexity_graphs())
    out += g.name + " " + std::to_string(g.complexity) + "\n";
  return out;
}

std::string reference_report(const std::string& path) {
  auto r = test_support::run_command("/usr/bin/python3 -m mccabe --min 1 "
                                     + test_support::shell_quote(path) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << "mccabe failed on " << path << ": " << r.out;
  return r.out;
}

python_module parse_file(const std::string& path) {
  auto text = io::read_file(path);
  EXPECT_TRUE(text.has_value()) << path;
  return python_module::parse(text ? *text : std::string{}, path);
}

int complexity_of(const python_module& m, std::string_view qualified_name) {
  for (const auto& f : m.functions())
    if (f.qualified_name == qualified_name)
      return f.complexity;
  ADD_FAILURE() << "no function " << qualified_name;
  return -1;
}

const std::string corner_cases =
  std::string{GENFLOW_SOURCE_DIR} + "/tests/data/analysis/complexity/corner_cases.py";

} // namespace

TEST(Mccabe, CountsTryHandlersButNeitherElseNorFinally) {
  auto m = parse_file(corner_cases);
  ASSERT_FALSE(m.has_syntax_errors());
  EXPECT_EQ(complexity_of(m, "try_with_one_handler"), 3);
  EXPECT_EQ(complexity_of(m, "try_with_handlers_else_and_finally"), 4);
}

TEST(Mccabe, IgnoresBooleanOperatorsComprehensionsLambdasAndMatch) {
  auto m = parse_file(corner_cases);
  EXPECT_EQ(complexity_of(m, "boolean_operators_and_expressions_do_not_count"), 1);
  EXPECT_EQ(complexity_of(m, "match_is_a_single_statement"), 1);
  EXPECT_EQ(complexity_of(m, "except_star_is_a_single_statement"), 1);
  EXPECT_EQ(complexity_of(m, "loops_with_and_without_else"), 3);
}

TEST(Mccabe, CountsClosuresAndLocalClassesInsideTheirParent) {
  auto m = parse_file(corner_cases);
  EXPECT_EQ(complexity_of(m, "closures_count_inside_their_parent"), 5);
  // Nested functions have their own figure too, though mccabe does not print it.
  EXPECT_EQ(complexity_of(m, "closures_count_inside_their_parent.inner"), 2);
  for (const auto& g : m.complexity_graphs())
    EXPECT_NE(g.key, "closures_count_inside_their_parent.inner");
}

TEST(Mccabe, ReportsModuleAndClassLevelBranchesAsGraphsOfTheirOwn) {
  auto m = parse_file(corner_cases);
  std::vector<std::string> names;
  for (const auto& g : m.complexity_graphs())
    names.push_back(g.name + " " + std::to_string(g.complexity));
  EXPECT_NE(std::find(names.begin(), names.end(), "If 134 3"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "TryExcept 144 3"), names.end());
  // A later method of the same name replaces the earlier one in place.
  EXPECT_NE(std::find(names.begin(), names.end(), "118:4: 'Shape.area' 2"), names.end());
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& s) { return s.find("Shape.area") != s.npos; }),
            1);
}

TEST(Mccabe, AgreesWithTheMccabeToolOnCornerCases) {
  auto m = parse_file(corner_cases);
  EXPECT_EQ(mccabe_style_report(m), reference_report(corner_cases));
}

TEST(Mccabe, AgreesWithTheMccabeToolOnStandardLibraryModules) {
  // Real modules, read where Debian installs them (never copied into the repository).
  const std::vector<std::string> modules{
    "argparse.py",
    "ast.py",
    "asyncio/base_events.py",
    "asyncio/tasks.py",
    "calendar.py",
    "configparser.py",
    "csv.py",
    "dataclasses.py",
    "datetime.py",
    "difflib.py",
    "email/_header_value_parser.py",
    "enum.py",
    "fractions.py",
    "ftplib.py",
    "functools.py",
    "inspect.py",
    "ipaddress.py",
    "json/decoder.py",
    "logging/__init__.py",
    "pathlib.py",
    "pickle.py",
    "pydoc.py",
    "shutil.py",
    "subprocess.py",
    "tarfile.py",
    "textwrap.py",
    "tokenize.py",
    "traceback.py",
    "typing.py",
    "urllib/parse.py",
    "zipfile.py",
  };
  std::size_t functions_compared = 0;
  for (const auto& name : modules) {
    auto path = "/usr/lib/python3.11/" + name;
    auto m = parse_file(path);
    EXPECT_FALSE(m.has_syntax_errors()) << path << ": " << m.syntax_errors().front().message;
    EXPECT_EQ(mccabe_style_report(m), reference_report(path)) << path;
    functions_compared += m.complexity_graphs().size();
  }
  EXPECT_GT(functions_compared, 2500u);
}
