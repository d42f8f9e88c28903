#include "messages/value.hpp"

#include <gtest/gtest.h>

namespace genflow {
namespace {

value round_trip(const value& x) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, x);
  auto handle = msgpack::unpack(buf.data(), buf.size());
  return handle.get().as<value>();
}

TEST(Value, KeepsObjectInsertionOrder) {
  value x = value::object_type{{"b", 1}, {"a", 2}, {"c", 3}};
  std::string keys;
  for (const auto& [k, v] : x.as_object())
    keys += k;
  EXPECT_EQ(keys, "bac");
}

TEST(Value, SetReplacesAnExistingKeyInPlace) {
  value x = value::object_type{{"a", 1}, {"b", 2}};
  x.set("a", "one");
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x.as_object()[0].first, "a");
  EXPECT_EQ(x.get("a").as_string(), "one");
}

TEST(Value, DuplicateKeysKeepTheLastValueAtTheFirstPosition) {
  value x = value::object_type{{"a", 1}, {"b", 2}, {"a", 3}};
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x.as_object()[0].first, "a");
  EXPECT_EQ(x.get("a").as_int(), 3);
}

TEST(Value, CopiesShareUntilWritten) {
  value a = value::array_type{1, 2, 3};
  value b = a;
  b.push_back(4);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(b.size(), 4u);
}

TEST(Value, IntegersAndRealsCompareByNumericValue) {
  EXPECT_EQ(value{2}, value{2.0});
  EXPECT_NE(value{2}, value{2.5});
  EXPECT_NE(value{"2"}, value{2});
}

TEST(Value, RoundTripsThroughMsgpack) {
  value x = value::object_type{
    {"null", nullptr},
    {"yes", true},
    {"n", -42},
    {"big", std::int64_t{1} << 62},
    {"pi", 3.25},
    {"s", "text with \"quotes\""},
    {"list", value::array_type{1, "two", value::object_type{{"k", false}}}},
  };
  auto y = round_trip(x);
  EXPECT_EQ(x, y);
  EXPECT_EQ(y.get("n").type(), value::kind::integer);
  EXPECT_EQ(y.get("pi").type(), value::kind::real);
}

TEST(Value, RejectsNonStringMapKeysFromTheWire) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk{buf};
  pk.pack_map(1);
  pk.pack_int(1);
  pk.pack_int(2);
  auto handle = msgpack::unpack(buf.data(), buf.size());
  EXPECT_THROW(handle.get().as<value>(), msgpack::type_error);
}

} // namespace
} // namespace genflow
