#include <string>

#include <gtest/gtest.h>

#include "runtime/analysis/python_module.hpp"

using namespace genflow::analysis;

namespace {

const function_fact* function_named(const python_module& m, std::string_view qualified) {
  for (const auto& f : m.functions())
    if (f.qualified_name == qualified)
      return &f;
  return nullptr;
}

} // namespace

// -- facts ---------------------------------------------------------------------------

TEST(PythonModule, CollectsClassesWithBasesKeywordsMethodsAndDocstrings) {
  auto m = python_module::parse(
    "\"\"\"Module doc.\"\"\"\n"
    "import abc\n"
    "@decorators.register\n"
    "class NodeXEffect(NodeEffect, mixins.MixinMetrics, metaclass=abc.ABCMeta):\n"
    "    '''Class doc.'''\n"
    "    def run(self): pass\n"
    "    async def stop(self): pass\n"
    "    class Inner:\n"
    "        def helper(self): pass\n");
  ASSERT_FALSE(m.has_syntax_errors());
  EXPECT_EQ(m.docstring(), "Module doc.");
  ASSERT_EQ(m.classes().size(), 2u);
  const auto& c = m.classes()[0];
  EXPECT_EQ(c.name, "NodeXEffect");
  EXPECT_EQ(c.bases, (std::vector<std::string>{"NodeEffect", "mixins.MixinMetrics"}));
  ASSERT_EQ(c.keywords.size(), 1u);
  EXPECT_EQ(c.keywords[0].name, "metaclass");
  EXPECT_EQ(c.docstring, "Class doc.");
  EXPECT_EQ(c.decorators, std::vector<std::string>{"decorators.register"});
  ASSERT_EQ(c.methods.size(), 2u);
  EXPECT_EQ(m.functions()[c.methods[1]].name, "stop");
  EXPECT_TRUE(m.functions()[c.methods[1]].is_async);
  EXPECT_EQ(m.classes()[1].qualified_name, "NodeXEffect.Inner");
  EXPECT_EQ(m.classes()[1].parent_class, 0);
  ASSERT_NE(function_named(m, "NodeXEffect.Inner.helper"), nullptr);
  EXPECT_EQ(m.find_method(c, "run")->qualified_name, "NodeXEffect.run");
  EXPECT_EQ(m.find_method(c, "helper"), nullptr); // not a method of the outer class
}

TEST(PythonModule, CollectsParametersWithKindsAnnotationsAndDefaults) {
  auto m = python_module::parse(
    "def f(a, b: int, /, c=1, d: str = 'x', *args: int, e, f: bool = True, **kw) -> list[int]:\n"
    "    pass\n");
  const auto& f = m.functions().at(0);
  ASSERT_EQ(f.parameters.size(), 8u);
  EXPECT_EQ(f.parameters[0].kind, parameter_kind::positional_only);
  EXPECT_EQ(f.parameters[1].annotation, "int");
  EXPECT_EQ(f.parameters[2].kind, parameter_kind::positional);
  EXPECT_TRUE(f.parameters[2].has_default);
  EXPECT_EQ(f.parameters[3].default_value.kind, expression_kind::string);
  EXPECT_EQ(f.parameters[3].default_value.literal, "x");
  EXPECT_EQ(f.parameters[4].name, "args");
  EXPECT_EQ(f.parameters[4].kind, parameter_kind::var_positional);
  EXPECT_EQ(f.parameters[4].annotation, "int");
  EXPECT_EQ(f.parameters[5].kind, parameter_kind::keyword_only);
  EXPECT_EQ(f.parameters[6].default_value.literal, "True");
  EXPECT_EQ(f.parameters[7].kind, parameter_kind::var_keyword);
  EXPECT_EQ(f.return_annotation, "list[int]");
}

TEST(PythonModule, ResolvesCallsThroughImportAliasesInFileOrder) {
  auto m = python_module::parse("run('a')\n"
                                "from subprocess import run\n"
                                "import os.path as osp\n"
                                "from . import sibling as sib\n"
                                "run('b', shell=True, **opts)\n"
                                "osp.join(x)\n"
                                "sib.go()\n"
                                "(obj.method)(1, *rest)\n"
                                "factory().build()\n");
  ASSERT_EQ(m.calls().size(), 7u);
  EXPECT_EQ(m.calls()[0].qualified_name, "run"); // before the import, as bandit sees it
  EXPECT_EQ(m.calls()[1].qualified_name, "subprocess.run");
  EXPECT_EQ(m.calls()[1].callee, "run");
  ASSERT_NE(m.calls()[1].keyword("shell"), nullptr);
  EXPECT_EQ(m.calls()[1].keyword("shell")->value.kind, expression_kind::true_);
  EXPECT_TRUE(m.calls()[1].has_star_kwargs);
  EXPECT_EQ(m.calls()[2].qualified_name, "os.path.join");
  EXPECT_EQ(m.calls()[3].qualified_name, "sibling.go");
  EXPECT_EQ(m.calls()[4].qualified_name, "obj.method");
  EXPECT_TRUE(m.calls()[4].has_star_args);
  // Pre-order: the outer call of `factory().build()` comes first.
  EXPECT_EQ(m.calls()[5].qualified_name, ".build");
  EXPECT_EQ(m.calls()[5].short_name(), "build");
  EXPECT_EQ(m.calls()[6].qualified_name, "factory");
}

TEST(PythonModule, RecordsImportsRaisesAndTheirContext) {
  auto m = python_module::parse("import a.b as c, d\n"
                                "from ..pkg import x as y, z\n"
                                "from m import *\n"
                                "def f():\n"
                                "    try:\n"
                                "        pass\n"
                                "    except ValueError as err:\n"
                                "        raise err\n"
                                "    raise ModelOnexError('bad') from None\n"
                                "    raise\n");
  ASSERT_EQ(m.imports().size(), 5u);
  EXPECT_EQ(m.imports()[0].module, "a.b");
  EXPECT_EQ(m.imports()[0].alias, "c");
  EXPECT_EQ(m.imports()[2].module, "pkg");
  EXPECT_EQ(m.imports()[2].name, "x");
  EXPECT_EQ(m.imports()[2].level, 2u);
  EXPECT_EQ(m.imports()[4].name, "*");
  ASSERT_EQ(m.raises().size(), 3u);
  EXPECT_TRUE(m.raises()[0].reraises_caught);
  EXPECT_EQ(m.raises()[1].exception, "ModelOnexError");
  EXPECT_TRUE(m.raises()[1].is_call);
  EXPECT_TRUE(m.raises()[2].bare);
  EXPECT_EQ(m.raises()[2].function, 0);
}

TEST(PythonModule, NeverTakesCommentsOrStringsForCode) {
  auto m = python_module::parse("# eval(x)\n"
                                "s = 'exec(y)'\n"
                                "t = \"\"\"\nclass Fake:\n    def nope(self): pass\n\"\"\"\n");
  EXPECT_TRUE(m.calls().empty());
  EXPECT_TRUE(m.classes().empty());
  EXPECT_TRUE(m.functions().empty());
  ASSERT_EQ(m.comments().size(), 1u);
  EXPECT_EQ(m.comments()[0].text, "# eval(x)");
  ASSERT_EQ(m.strings().size(), 2u);
  EXPECT_EQ(m.strings()[0].value, "exec(y)");
}

TEST(PythonModule, DecodesStringLiterals) {
  auto m = python_module::parse("a = 'tab\\there \\x41\\u00e9 \\N{BULLET}'\n"
                                "b = r'raw\\n'\n"
                                "c = b'\\x00bytes'\n"
                                "d = f'{x} and {{braces}}'\n"
                                "e = 'con' \"cat\"\n");
  ASSERT_EQ(m.strings().size(), 5u);
  EXPECT_EQ(m.strings()[0].value, "tab\there A\xc3\xa9 \\N{BULLET}");
  EXPECT_EQ(m.strings()[1].value, "raw\\n");
  EXPECT_TRUE(m.strings()[2].is_bytes);
  EXPECT_EQ(m.strings()[2].value, std::string("\0bytes", 6));
  EXPECT_TRUE(m.strings()[3].is_fstring);
  EXPECT_EQ(m.strings()[3].value, " and {braces}");
  EXPECT_EQ(m.strings()[4].value, "concat");
}

TEST(PythonModule, MarksDocstringsButNotOtherStatementStrings) {
  auto m = python_module::parse("'''Module.'''\n"
                                "def f():\n    'Function.'\n    'not a docstring'\n"
                                "x = f'no'\n");
  ASSERT_EQ(m.strings().size(), 4u);
  EXPECT_TRUE(m.strings()[0].is_docstring);
  EXPECT_TRUE(m.strings()[1].is_docstring);
  EXPECT_FALSE(m.strings()[2].is_docstring);
  EXPECT_TRUE(m.strings()[2].is_expression_statement);
  EXPECT_FALSE(m.strings()[3].is_expression_statement);
  EXPECT_EQ(m.functions()[0].docstring, "Function.");
}

TEST(PythonModule, FindsTheEnclosingFunctionOfANode) {
  auto m = python_module::parse("def outer():\n    def inner():\n        a()\n    b()\nc()\n");
  ASSERT_EQ(m.calls().size(), 3u);
  EXPECT_EQ(m.calls()[0].function, 1);
  EXPECT_EQ(m.enclosing_function(m.calls()[0].node), 1);
  EXPECT_EQ(m.enclosing_function(m.calls()[1].node), 0);
  EXPECT_EQ(m.enclosing_function(m.calls()[2].node), -1);
  EXPECT_EQ(m.functions()[1].qualified_name, "outer.inner");
}

// -- lines and positions --------------------------------------------------------------

TEST(PythonModule, CountsColumnsInCodePointsAndLinesWithoutBreaks) {
  auto m = python_module::parse("x = 'é'; y = 1\r\nz = 2\nlast");
  EXPECT_EQ(m.line_count(), 3u);
  EXPECT_EQ(m.line(1), "x = 'é'; y = 1");
  EXPECT_EQ(m.line(3), "last");
  EXPECT_EQ(m.line(4), "");
  // "y" is byte 11 but code point 10 (é is two bytes).
  auto at = m.source().find('y');
  EXPECT_EQ(m.position(static_cast<std::uint32_t>(at)), (source_position{1, 10}));
  EXPECT_EQ(m.position(static_cast<std::uint32_t>(m.source().find('z'))), (source_position{2, 1}));
}

// -- syntax errors and bad input --------------------------------------------------------

TEST(PythonModule, ReportsSyntaxErrorsWithLineAndColumn) {
  auto m = python_module::parse("def ok():\n    return 1\n\ndef broken(:\n    pass\n");
  ASSERT_TRUE(m.has_syntax_errors());
  EXPECT_EQ(m.syntax_errors()[0].line, 4u);
  EXPECT_NE(m.syntax_errors()[0].message.find("invalid syntax"), std::string::npos);
  auto missing = python_module::parse("x = (1 + 2\ny = 3\n");
  ASSERT_TRUE(missing.has_syntax_errors());
  EXPECT_EQ(missing.syntax_errors()[0].line, 1u);
}

TEST(PythonModule, RejectsPython2StatementsAsCPythonDoes) {
  auto m = python_module::parse("print 'hello'\n");
  ASSERT_TRUE(m.has_syntax_errors());
  EXPECT_NE(m.syntax_errors()[0].message.find("Missing parentheses in call to 'print'"),
            std::string::npos);
}

TEST(PythonModule, AcceptsAnEmptyFile) {
  auto m = python_module::parse("");
  EXPECT_FALSE(m.has_syntax_errors());
  EXPECT_EQ(m.line_count(), 0u);
  EXPECT_TRUE(m.functions().empty());
  EXPECT_TRUE(m.complexity_graphs().empty());
}

TEST(PythonModule, ReportsNullBytesInBinaryInput) {
  std::string binary;
  for (int i = 0; i < 4096; ++i)
    binary += static_cast<char>((i * 37) % 256);
  auto m = python_module::parse(binary);
  ASSERT_TRUE(m.has_syntax_errors());
  EXPECT_EQ(m.syntax_errors()[0].message, "source contains a null byte");
  EXPECT_EQ(m.syntax_errors()[0].line, 1u);
}

TEST(PythonModule, ReportsBytesThatAreNotUtf8WithTheirPlace) {
  auto m = python_module::parse("x = 1\ny = '\xff\xfe'\n");
  ASSERT_TRUE(m.has_syntax_errors());
  EXPECT_EQ(m.syntax_errors()[0].line, 2u);
  EXPECT_EQ(m.syntax_errors()[0].byte_column, 6u);
  EXPECT_NE(m.syntax_errors()[0].message.find("0xff"), std::string::npos);
  // A declared single-byte encoding makes the same bytes legal.
  auto latin = python_module::parse("# -*- coding: latin-1 -*-\ny = '\xff'\n");
  EXPECT_FALSE(latin.has_syntax_errors());
}

TEST(PythonModule, SurvivesFiveThousandNestedParenthesesAndReportsTheLimit) {
  std::string code = "x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n";
  auto m = python_module::parse(code);
  // As CPython: the 201st bracket, line 1, column 205.
  ASSERT_EQ(m.syntax_errors().size(), 1u);
  EXPECT_EQ(m.syntax_errors()[0].message, "too many nested parentheses (CPython's limit is 200)");
  EXPECT_EQ(m.syntax_errors()[0].line, 1u);
  EXPECT_EQ(m.syntax_errors()[0].byte_column, 205u);
}

TEST(PythonModule, SurvivesFiveThousandNestedIfsAndReportsTheIndentationLimit) {
  std::string code;
  for (int i = 0; i < 5000; ++i)
    code += std::string(static_cast<std::size_t>(i), ' ') + "if x:\n";
  code += std::string(5000, ' ') + "pass\n";
  auto m = python_module::parse(code);
  ASSERT_TRUE(m.has_syntax_errors());
  // Where CPython reports it, and nothing else: tree-sitter's recovery past the limit is noise.
  ASSERT_EQ(m.syntax_errors().size(), 1u);
  EXPECT_EQ(m.syntax_errors()[0].message,
            "too many levels of indentation (CPython's limit is 100)");
  EXPECT_EQ(m.syntax_errors()[0].line, 101u);
}

TEST(PythonModule, AnalysesDeeplyNestedFunctionsWithoutRecursion) {
  // 60 levels of 4 spaces stay within what CPython and tree-sitter-python accept.
  std::string code;
  for (int i = 0; i < 60; ++i)
    code +=
      std::string(static_cast<std::size_t>(4 * i), ' ') + "def f" + std::to_string(i) + "():\n";
  code += std::string(240, ' ') + "return 1\n";
  auto m = python_module::parse(code);
  EXPECT_FALSE(m.has_syntax_errors());
  ASSERT_EQ(m.functions().size(), 60u);
  EXPECT_EQ(m.functions()[0].complexity, 60);
  ASSERT_EQ(m.complexity_graphs().size(), 1u);
  EXPECT_EQ(m.functions()[59].parent_function, 58);
}

TEST(PythonModule, ReportsIndentationBeyondWhatTheParserCanStore) {
  std::string code;
  for (int i = 0; i < 70; ++i)
    code +=
      std::string(static_cast<std::size_t>(4 * i), ' ') + "def f" + std::to_string(i) + "():\n";
  code += std::string(280, ' ') + "return 1\n";
  auto m = python_module::parse(code);
  ASSERT_EQ(m.syntax_errors().size(), 1u);
  EXPECT_EQ(m.syntax_errors()[0].message,
            "indentation beyond column 255 is not supported by the parser");
  EXPECT_EQ(m.syntax_errors()[0].line, 65u);
}

TEST(PythonModule, ParsesATenMegabyteFile) {
  // Mostly data, as large generated modules are: one 10 MB table between two functions.
  std::string code =
    "def before(x):\n    if x:\n        return 1\n    return 0\n\nTABLE = \"\"\"\n";
  while (code.size() < 10u * 1024u * 1024u)
    code += "row, with, some, comma, separated, values, 0123456789, and, more, text\n";
  code += "\"\"\"\n\n\ndef after(y):\n    for i in y:\n        print(i)\n";
  auto m = python_module::parse(code);
  EXPECT_FALSE(m.has_syntax_errors());
  ASSERT_EQ(m.functions().size(), 2u);
  EXPECT_EQ(m.functions()[1].name, "after");
  EXPECT_EQ(m.position_of(m.functions()[1].node).line, m.line_count() - 2);
  EXPECT_EQ(m.complexity_graphs().size(), 2u);
  EXPECT_EQ(m.strings().size(), 1u);
}
