#include "runtime/io/shared_library.hpp"

#include <string>

#include <gtest/gtest.h>

namespace genflow::io {
namespace {

TEST(SharedLibrary, AMissingLibraryIsAnErrorNamingIt) {
  auto lib = shared_library::open("libgenflow-does-not-exist.so.7");
  ASSERT_FALSE(lib);
  EXPECT_EQ(lib.error().code, "io.library");
  EXPECT_EQ(lib.error().where, "libgenflow-does-not-exist.so.7");
  EXPECT_NE(lib.error().message.find("cannot load libgenflow-does-not-exist.so.7"),
            std::string::npos);
}

TEST(SharedLibrary, FindsAFunctionAndNamesAMissingOne) {
  auto lib = shared_library::open("libc.so.6");
  ASSERT_TRUE(lib) << lib.error().to_string();
  auto strlen_fn = lib->symbol<std::size_t (*)(const char*)>("strlen");
  ASSERT_TRUE(strlen_fn);
  EXPECT_EQ((*strlen_fn)("genflow"), 7u);

  std::size_t (*missing)(const char*) = strlen_fn ? *strlen_fn : nullptr;
  std::string first;
  lib->bind(missing, "genflow_no_such_function", first);
  EXPECT_EQ(missing, nullptr);
  EXPECT_EQ(first, "libc.so.6 has no genflow_no_such_function");
}

} // namespace
} // namespace genflow::io
