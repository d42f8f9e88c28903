#include "runtime/io/files.hpp"

#include <filesystem>

#include <gtest/gtest.h>

namespace genflow::io {
namespace {

namespace fs = std::filesystem;

class Files : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("genflow-files-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Files, AtomicWriteCreatesParentsAndLeavesNoTemporaryFile) {
  auto path = (dir_ / "a" / "b" / "out.txt").string();
  ASSERT_TRUE(write_file_atomic(path, "hello"));
  auto back = read_file(path);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "hello");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "a" / "b"))
    ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST_F(Files, AtomicWriteReplacesExistingContent) {
  auto path = (dir_ / "x.txt").string();
  ASSERT_TRUE(write_file_atomic(path, "first version, longer"));
  ASSERT_TRUE(write_file_atomic(path, "second"));
  EXPECT_EQ(*read_file(path), "second");
}

TEST_F(Files, ReadingAMissingFileNamesIt) {
  auto r = read_file((dir_ / "missing.yaml").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "io.not_found");
  EXPECT_NE(r.error().where.find("missing.yaml"), std::string::npos);
}

TEST(Sha256, MatchesTheStandardsTestVectors) {
  // FIPS 180-2's examples: one block, two blocks, a million characters; and the empty string.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

} // namespace
} // namespace genflow::io
