#include "runtime/codegen/package_writer.hpp"

#include <filesystem>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"

namespace genflow::codegen {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class PackageWriter : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("genflow_package_" + std::to_string(rd()));
    fs::create_directories(dir_);
    auto r = contracts::parse_contract("name: NodeOrderSyncEffect\nversion: \"1.2.0\"\n"
                                       "node_type: effect\ndescription: Writer test node.\n",
                                       "contracts/order_sync.yaml");
    ASSERT_TRUE(r.result);
    contract_ = *r.result;
    files_ = {{"node.py", "print('node')\n", "node_effect", "aa"},
              {"models/__init__.py", "", "models_init", "bb"},
              {"README.md", "# readme\n", "readme", "cc"}};
  }

  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  fs::path package() const { return dir_ / "order_sync_effect" / "v1_2_0"; }

  std::vector<std::string> all_files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
      if (e.is_regular_file())
        out.push_back(fs::relative(e.path(), package()).generic_string());
    return out;
  }

  fs::path dir_;
  contracts::contract contract_;
  std::vector<generated_file> files_;
};

TEST_F(PackageWriter, WritesEveryFileAndTheManifestUnderThePackageRoot) {
  auto report = write_package(dir_.string(), contract_, "feed", files_);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_THAT(report->written,
              ElementsAre("node.py", "models/__init__.py", "README.md", "manifest.json"));
  EXPECT_TRUE(report->unchanged.empty());
  EXPECT_EQ(report->manifest_path, (package() / "manifest.json").string());
  EXPECT_EQ(report->package_dir, package().string());
  EXPECT_EQ(*io::read_file((package() / "node.py").string()), "print('node')\n");
  EXPECT_EQ(*io::read_file((package() / "models/__init__.py").string()), "");
}

TEST_F(PackageWriter, LeavesNoTemporaryFilesBehind) {
  ASSERT_TRUE(write_package(dir_.string(), contract_, "feed", files_));
  EXPECT_THAT(all_files(),
              UnorderedElementsAre("node.py", "models/__init__.py", "README.md", "manifest.json"));
}

TEST_F(PackageWriter, ARerunWithUnchangedInputsWritesNothing) {
  ASSERT_TRUE(write_package(dir_.string(), contract_, "feed", files_));
  auto stamp = fs::last_write_time(package() / "manifest.json");
  auto again = write_package(dir_.string(), contract_, "feed", files_);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->written.empty());
  EXPECT_THAT(again->unchanged,
              ElementsAre("node.py", "models/__init__.py", "README.md", "manifest.json"));
  EXPECT_EQ(fs::last_write_time(package() / "manifest.json"), stamp);
}

TEST_F(PackageWriter, RewritesOnlyWhatChanged) {
  ASSERT_TRUE(write_package(dir_.string(), contract_, "feed", files_));
  files_[2].content = "# new readme\n";
  auto report = write_package(dir_.string(), contract_, "feed", files_);
  ASSERT_TRUE(report);
  EXPECT_THAT(report->written, ElementsAre("README.md", "manifest.json"));
  EXPECT_THAT(report->unchanged, ElementsAre("node.py", "models/__init__.py"));
}

TEST_F(PackageWriter, TheManifestListsHashesTemplatesAndTheContract) {
  ASSERT_TRUE(write_package(dir_.string(), contract_, "feed", files_));
  auto text = io::read_file((package() / "manifest.json").string());
  ASSERT_TRUE(text);
  auto manifest = io::parse_json(*text, "manifest.json");
  ASSERT_TRUE(manifest) << manifest.error().to_string();
  EXPECT_EQ(manifest->get_string("genflow_version"), GENFLOW_VERSION);
  EXPECT_EQ(manifest->get("contract").get_string("path"), "contracts/order_sync.yaml");
  EXPECT_EQ(manifest->get("contract").get_string("sha256"), "feed");
  EXPECT_EQ(manifest->get("node").get_string("name"), "NodeOrderSyncEffect");
  EXPECT_EQ(manifest->get("node").get_string("version"), "1.2.0");
  EXPECT_EQ(manifest->get_string("package_root"), "order_sync_effect/v1_2_0");
  const auto& entries = manifest->get("files").as_array();
  ASSERT_EQ(entries.size(), 3u);
  // Sorted by path.
  EXPECT_EQ(entries[0].get_string("path"), "README.md");
  EXPECT_EQ(entries[1].get_string("path"), "models/__init__.py");
  EXPECT_EQ(entries[2].get_string("path"), "node.py");
  EXPECT_EQ(entries[2].get("bytes").as_int(), 14);
  EXPECT_EQ(entries[2].get_string("sha256"), io::sha256_hex("print('node')\n"));
  EXPECT_EQ(entries[2].get("template").get_string("id"), "node_effect");
  EXPECT_EQ(entries[2].get("template").get_string("sha256"), "aa");
  EXPECT_EQ(*text, manifest_text(contract_, "feed", files_));
}

TEST_F(PackageWriter, RejectsPathsThatLeaveThePackageBeforeWritingAnything) {
  for (auto bad : {"../escape.py", "/abs.py", "a//b.py", "", "manifest.json", "x/./y.py"}) {
    auto files = files_;
    files.push_back({bad, "x", "t", "s"});
    auto report = write_package(dir_.string(), contract_, "feed", files);
    ASSERT_FALSE(report) << bad;
    EXPECT_EQ(report.error().code, "codegen.path") << bad;
    EXPECT_EQ(report.error().where, bad);
  }
  EXPECT_TRUE(all_files().empty());
}

TEST_F(PackageWriter, RejectsDuplicatePaths) {
  files_.push_back({"node.py", "again", "node_effect", "aa"});
  auto report = write_package(dir_.string(), contract_, "feed", files_);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "codegen.duplicate_path");
  EXPECT_EQ(report.error().where, "node.py");
}

TEST_F(PackageWriter, AFileThatCannotBeWrittenNamesItsPath) {
  // A directory where the file should go makes the rename fail.
  fs::create_directories(package() / "README.md");
  auto report = write_package(dir_.string(), contract_, "feed", files_);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "io.write");
  EXPECT_EQ(report.error().where, (package() / "README.md").string());
  for (const auto& f : all_files())
    EXPECT_THAT(f, ::testing::Not(HasSubstr(".tmp."))) << "temporary file left: " << f;
}

TEST_F(PackageWriter, EveryErrorCodeHasADottedName) {
  EXPECT_EQ(code_name(codegen_errc::invalid_path), "codegen.path");
  EXPECT_EQ(code_name(codegen_errc::duplicate_path), "codegen.duplicate_path");
}

} // namespace
} // namespace genflow::codegen
