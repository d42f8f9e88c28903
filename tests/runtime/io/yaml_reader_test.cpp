#include "runtime/io/yaml_reader.hpp"

#include <cerrno>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace genflow::io {
namespace {

using namespace std::chrono_literals;

TEST(YamlReader, SyntaxErrorsNameFileLineAndColumn) {
  yaml_reader in{"bad.yaml"};
  auto root = in.parse("a: [1, 2\nb: 3\n");
  EXPECT_FALSE(root);
  ASSERT_EQ(in.errors().size(), 1u);
  EXPECT_EQ(in.errors()[0].code, "yaml.syntax");
  EXPECT_EQ(in.errors()[0].where.rfind("bad.yaml:", 0), 0u);
}

TEST(YamlReader, CollectsEveryErrorOfADocument) {
  yaml_reader in{"w.yaml"};
  auto root = in.parse("id: 5\ncount: many\nextra: 1\n");
  ASSERT_TRUE(root);
  in.allow_keys(*root, "", {"id", "count", "name"});
  EXPECT_TRUE(in.get_string(*root, "id", "", required)); // scalars read as strings
  EXPECT_FALSE(in.get_int(*root, "count", "", required));
  EXPECT_FALSE(in.get_string(*root, "name", "", required));
  ASSERT_EQ(in.errors().size(), 3u);
  EXPECT_EQ(in.errors()[0].code, "yaml.unknown_key");
  EXPECT_EQ(in.errors()[0].where, "w.yaml:3:1 extra");
  EXPECT_EQ(in.errors()[1].code, "yaml.type");
  EXPECT_EQ(in.errors()[1].where, "w.yaml:2:8 count");
  EXPECT_EQ(in.errors()[2].code, "yaml.missing");
}

TEST(YamlReader, IntegersOutsideTheirRangeAreErrors) {
  yaml_reader in{"w.yaml"};
  auto root = in.parse("n: 0\n");
  EXPECT_FALSE(in.get_int(*root, "n", "s", required, 1, 100));
  ASSERT_EQ(in.errors().size(), 1u);
  EXPECT_EQ(in.errors()[0].code, "yaml.range");
  EXPECT_NE(in.errors()[0].message.find("between 1 and 100"), std::string::npos);
}

TEST(YamlReader, ParsesDurationsWithUnits) {
  EXPECT_EQ(yaml_reader::parse_duration("250ms"), std::chrono::nanoseconds{250ms});
  EXPECT_EQ(yaml_reader::parse_duration("1.5s"), std::chrono::nanoseconds{1500ms});
  EXPECT_EQ(yaml_reader::parse_duration("2"), std::chrono::nanoseconds{2s});
  EXPECT_EQ(yaml_reader::parse_duration("2m"), std::chrono::nanoseconds{120s});
  EXPECT_FALSE(yaml_reader::parse_duration("soon"));
  EXPECT_FALSE(yaml_reader::parse_duration("10 parsecs"));
}

TEST(YamlReader, ConvertsToValuesWithCoreSchemaTypes) {
  yaml_reader in{"v.yaml"};
  auto root = in.parse("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: [x, 2]\ng: {k: v}\n");
  auto v = yaml_reader::to_value(*root);
  EXPECT_TRUE(v.get("a").is_int());
  EXPECT_TRUE(v.get("b").is_real());
  EXPECT_TRUE(v.get("c").is_bool());
  EXPECT_TRUE(v.get("d").is_null());
  EXPECT_TRUE(v.get("e").is_string());
  EXPECT_EQ(v.get("f").size(), 2u);
  EXPECT_EQ(v.get("g").get_string("k"), "v");
}

// Numbers are matched by hand; std::regex, the schema's own definition, is the reference: every
// string of up to five characters over the float alphabet reads as a number exactly when the
// core schema's float pattern matches it and the value fits a double, and to strtod's value.
TEST(YamlReader, ReadsNumbersExactlyWhereTheCoreSchemaPatternMatches) {
  const std::regex core_float{R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)"};
  const std::string alphabet = "+-.eE05";
  std::vector<std::string> level{""};
  std::size_t numbers = 0;
  for (int len = 1; len <= 5; ++len) {
    std::vector<std::string> next;
    for (const auto& prefix : level)
      for (char c : alphabet)
        next.push_back(prefix + c);
    for (const auto& s : next) {
      auto x = yaml_reader::scalar_number(YAML::Node{s});
      // Out of double's range ("5e500", "5e-500"): not read as a number.
      errno = 0;
      std::strtod(s.c_str(), nullptr);
      bool want = std::regex_match(s, core_float) && errno != ERANGE;
      ASSERT_EQ(x.has_value(), want) << "'" << s << "'";
      if (want) {
        EXPECT_EQ(*x, std::strtod(s.c_str(), nullptr)) << "'" << s << "'";
        ++numbers;
      }
    }
    level = std::move(next);
  }
  EXPECT_GT(numbers, 800u);
}

} // namespace
} // namespace genflow::io
