#include "runtime/io/log.hpp"

#include <gtest/gtest.h>

namespace genflow::log {
namespace {

class Log : public ::testing::Test {
protected:
  void TearDown() override { set_level(level::info); }
};

TEST_F(Log, WritesMessagesAtOrAboveTheLevelToStandardError) {
  set_level(level::warn);
  EXPECT_FALSE(enabled(level::debug));
  EXPECT_TRUE(enabled(level::warn));
  EXPECT_TRUE(enabled(level::error));
  ::testing::internal::CaptureStderr();
  debug("hidden {}", 1);
  warn("shown {} of '{}'", 2, std::string{"x"});
  auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.find("hidden"), std::string::npos) << err;
  EXPECT_NE(err.find("shown 2 of 'x'"), std::string::npos) << err;
}

TEST_F(Log, OffWritesNothing) {
  set_level(level::off);
  EXPECT_FALSE(enabled(level::error));
  EXPECT_FALSE(enabled(level::off));
  ::testing::internal::CaptureStderr();
  warn("nothing");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

} // namespace
} // namespace genflow::log
