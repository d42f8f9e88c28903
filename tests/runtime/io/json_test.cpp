#include "runtime/io/json.hpp"

#include <gtest/gtest.h>

namespace genflow::io {
namespace {

TEST(Json, ParsesAndKeepsMemberOrder) {
  auto x = parse_json(R"({"z": 1, "a": [true, null, 2.5, "s"]})", "t.json");
  ASSERT_TRUE(x) << x.error().to_string();
  EXPECT_EQ(x->as_object()[0].first, "z");
  EXPECT_EQ(to_json(*x), R"({"z":1,"a":[true,null,2.5,"s"]})");
}

TEST(Json, SyntaxErrorsNameSourceLineAndColumn) {
  auto x = parse_json("{\n  \"a\": 1,\n  oops\n}", "ctx.json");
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().code, "json.syntax");
  EXPECT_EQ(x.error().where.rfind("ctx.json:3:", 0), 0u) << x.error().where;
}

TEST(Json, PrettyPrintsWithIndent) {
  value x = value::object_type{{"a", value::array_type{1}}, {"b", value::object_type{}}};
  EXPECT_EQ(to_json(x, 2), "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
}

TEST(Json, EscapesControlCharacters) {
  EXPECT_EQ(to_json(value{"a\"b\\c\n\x01"}), R"("a\"b\\c\n\u0001")");
}

TEST(Json, RealsKeepAFractionMark) {
  EXPECT_EQ(to_json(value{2.0}), "2.0");
  EXPECT_EQ(to_json(value{0.1}), "0.1");
}

} // namespace
} // namespace genflow::io
