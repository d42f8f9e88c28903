#include "runtime/codegen/python_source.hpp"

#include <gtest/gtest.h>

namespace genflow::codegen {
namespace {

TEST(PythonSource, StringLiteralsEscapeQuotesBackslashesAndControls) {
  EXPECT_EQ(python_string_literal("plain"), "\"plain\"");
  EXPECT_EQ(python_string_literal("it's \"x\""), "\"it's \\\"x\\\"\"");
  EXPECT_EQ(python_string_literal("a\\b\nc\td\x01"), "\"a\\\\b\\nc\\td\\x01\"");
  EXPECT_EQ(python_string_literal("Grüße"), "\"Grüße\"");
}

TEST(PythonSource, LiteralsOfEveryValueKind) {
  EXPECT_EQ(python_literal(value{}), "None");
  EXPECT_EQ(python_literal(value{true}), "True");
  EXPECT_EQ(python_literal(value{false}), "False");
  EXPECT_EQ(python_literal(value{-42}), "-42");
  EXPECT_EQ(python_literal(value{5.0}), "5.0");
  EXPECT_EQ(python_literal(value{0.25}), "0.25");
  EXPECT_EQ(python_literal(value{1e300}), "1e+300");
  EXPECT_EQ(python_literal(value{"x"}), "\"x\"");
  value obj =
    value::object_type{{"a", value::array_type{1, "b", nullptr}}, {"c", value::object_type{}}};
  EXPECT_EQ(python_literal(obj), "{\"a\": [1, \"b\", None], \"c\": {}}");
}

TEST(PythonSource, IdentifiersAreSnakeCaseAndNeverKeywords) {
  EXPECT_EQ(python_identifier("retryCount"), "retry_count");
  EXPECT_EQ(python_identifier("source-system"), "source_system");
  EXPECT_EQ(python_identifier("class"), "field_class");
  EXPECT_EQ(python_identifier("2fa"), "field_2fa");
  EXPECT_EQ(python_identifier(""), "field_");
  EXPECT_EQ(python_identifier("_private"), "field__private");
  EXPECT_EQ(python_identifier("ModelOrderRequest"), "model_order_request");
}

TEST(PythonSource, DocstringTextCannotCloseTheDocstring) {
  EXPECT_EQ(docstring_text("a \"\"\" b"), "a \\\"\\\"\\\" b");
  EXPECT_EQ(docstring_text("C:\\temp"), "C:\\\\temp");
  EXPECT_EQ(docstring_text("ends with \"quote\""), "ends with \"quote\\\"");
}

TEST(PythonSource, WrapsWordsWithinTheWidth) {
  auto lines = wrap_words("one two three four five six", 9);
  EXPECT_EQ(lines, (std::vector<std::string>{"one two", "three", "four five", "six"}));
  EXPECT_EQ(wrap_words("a\n\nb  ", 10), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(wrap_words("", 10), (std::vector<std::string>{""}));
  EXPECT_EQ(wrap_words("averyveryverylongword x", 5),
            (std::vector<std::string>{"averyveryverylongword", "x"}));
}

TEST(PythonSource, SplitsLongTextIntoLiteralChunks) {
  auto chunks = python_string_chunks("alpha beta gamma delta", 12);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0], "\"alpha beta \"");
  EXPECT_EQ(chunks[1], "\"gamma delta\"");
  EXPECT_EQ(python_string_chunks("", 10), (std::vector<std::string>{"\"\""}));
  // Never cuts a UTF-8 sequence.
  for (const auto& c : python_string_chunks("ääääääääää", 3))
    EXPECT_EQ(c.size() % 2, 0u) << c;
}

} // namespace
} // namespace genflow::codegen
