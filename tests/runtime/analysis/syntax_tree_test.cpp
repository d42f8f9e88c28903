#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/analysis/syntax_tree.hpp"
#include "runtime/io/files.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

const std::string nodes_dir = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/analysis/nodes/";

/// The first difference between two trees, or "" when they are the same node for node.
std::string difference(const syntax_tree& a, const syntax_tree& b) {
  if (a.size() != b.size())
    return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size());
  for (node_id i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.start_byte != y.start_byte || x.end_byte != y.end_byte || x.start_row != y.start_row
        || x.start_column != y.start_column || x.parent != y.parent
        || x.next_sibling != y.next_sibling || x.subtree_end != y.subtree_end || x.kind != y.kind
        || x.field != y.field || x.named != y.named || x.extra != y.extra || x.missing != y.missing)
      return "node " + std::to_string(i) + " (" + std::string{kind_name(x.kind)} + " at byte "
             + std::to_string(x.start_byte) + " / " + std::string{kind_name(y.kind)} + " at byte "
             + std::to_string(y.start_byte) + ")";
  }
  if (a.errors().size() != b.errors().size())
    return "error counts " + std::to_string(a.errors().size()) + " and "
           + std::to_string(b.errors().size());
  for (std::size_t e = 0; e < a.errors().size(); ++e)
    if (a.errors()[e].byte_offset != b.errors()[e].byte_offset
        || a.errors()[e].message != b.errors()[e].message)
      return "error " + std::to_string(e);
  return "";
}

/// Parses `source` whole and in pieces; returns the pieces' tree after checking both agree.
syntax_tree both_ways(const std::string& source) {
  auto whole = parse_syntax_tree(source, 50, parse_mode::whole);
  auto split = parse_syntax_tree(source, 50, parse_mode::split);
  EXPECT_EQ(whole.pieces(), 1u);
  EXPECT_EQ(difference(whole, split), "") << source;
  return split;
}

/// A class body of `methods` methods, each after a blank line.
std::string methods(int count, const std::string& indent = "    ") {
  std::string out;
  for (int i = 0; i < count; ++i)
    out += "\n" + indent + "def m" + std::to_string(i) + "(self, x):\n" + indent + indent
           + "return x + " + std::to_string(i) + "\n";
  return out;
}

} // namespace

TEST(SyntaxTree, PiecesGiveTheTreeOfOneParseOnThePythonStandardLibrary) {
  std::size_t files = 0;
  std::size_t cut = 0;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/python3.11")) {
    if (e.path().extension() != ".py")
      continue;
    auto text = io::read_file(e.path().string());
    ASSERT_TRUE(text) << e.path();
    auto whole = parse_syntax_tree(*text, 50, parse_mode::whole);
    auto split = parse_syntax_tree(*text, 50, parse_mode::split);
    EXPECT_EQ(difference(whole, split), "") << e.path();
    ++files;
    cut += split.pieces() > 1;
  }
  // Most modules have top-level definitions or classes to cut at.
  EXPECT_GT(files, 150u);
  EXPECT_GT(cut, files * 2 / 3);
}

TEST(SyntaxTree, CutsBetweenTopLevelDefinitionsAndInsideClassBodies) {
  auto top = both_ways("import os\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n\n\n"
                       "@decorate\ndef c():\n    return 3\n\n\nasync def d():\n    pass\n\n\n"
                       "class E:\n    pass\n\nx = a()\n");
  EXPECT_GT(top.pieces(), 1u);
  auto in_class = both_ways("class Node(Base,\n           Mixin):  # header comment\n"
                            "    # a comment before the body\n    \"\"\"Doc.\"\"\"\n"
                            + methods(12) + "\n    @property\n    def p(self):\n        return 1\n"
                            + "\n\nclass Other:\n" + methods(6) + "\nprint(Node)\n");
  EXPECT_GT(in_class.pieces(), 1u);
  auto crlf =
    both_ways("class A:\r\n    x = 1\r\n\r\n    def f(self):\r\n        pass\r\n\r\n"
              "    def g(self):\r\n        pass\r\n\r\n    def h(self):\r\n        pass\r\n");
  EXPECT_GT(crlf.pieces(), 1u);
}

TEST(SyntaxTree, DoesNotCutInsideStringsBracketsOrDecoratedClasses) {
  // Blank lines then `def` inside a string, brackets and a continued line: none is a cut.
  both_ways("x = '''\n\ndef not_code():\n    pass\n'''\n\ny = [\n\ndef_ for def_ in z\n]\n");
  auto s = both_ways("class A:\n    s = \"\"\"\n\n    def fake(self):\n        pass\n\"\"\"\n");
  EXPECT_EQ(s.pieces(), 1u);
  // A decorated class parses as decorated_definition: it is not cut inside.
  auto decorated = both_ways("@dataclass\nclass A:\n" + methods(8));
  EXPECT_EQ(decorated.pieces(), 1u);
  // One-line and nested classes, and a tab-indented file.
  both_ways("class A: pass\n\nclass B:\n    class C:\n" + methods(6, "        ") + methods(4));
  both_ways("class T:\n\tdef a(self):\n\t\tpass\n\n\tdef b(self):\n\t\tpass\n");
}

TEST(SyntaxTree, ASyntaxErrorInAPieceIsReportedByOneParseOfTheWholeFile) {
  auto tree = both_ways("class A:\n" + methods(6) + "\n    def broken(self:\n        return (\n"
                        + methods(6) + "\n\ndef f():\n    return 1\n");
  EXPECT_EQ(tree.pieces(), 1u);
  EXPECT_FALSE(tree.errors().empty());
}

TEST(SyntaxTree, ALargeFileIsParsedInPiecesWhileACoreIsIdle) {
  auto text = io::read_file(nodes_dir + "generated_node.py");
  ASSERT_TRUE(text);
  ASSERT_GE(text->size(), parallel_parse_min_bytes);
  auto tree = parse_syntax_tree(*text);
  if (std::thread::hardware_concurrency() >= 2) {
    EXPECT_GT(tree.pieces(), 1u);
  }
  EXPECT_EQ(difference(parse_syntax_tree(*text, 50, parse_mode::whole), tree), "");
  // A small file is parsed whole.
  EXPECT_EQ(parse_syntax_tree("class A:\n" + methods(10)).pieces(), 1u);
}
