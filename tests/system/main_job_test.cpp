// The genflow binary as a user runs it: the main job on the embedded default and on a contract
// directory, re-runs that rewrite nothing, a bad contract among good ones, workflows, --json,
// --help/--version and usage errors. Real processes; generated Python is compiled with CPython.

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/io/process.hpp"

namespace genflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class MainJob : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("genflow-main-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  io::process_result genflow(std::vector<std::string> args) {
    io::process_request req;
    req.argv = {GENFLOW_BINARY};
    req.argv.insert(req.argv.end(), args.begin(), args.end());
    req.timeout = 300s;
    req.working_dir = dir_.string();
    auto r = io::run_process(req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : io::process_result{};
  }

  std::vector<std::string> files_under(const fs::path& root, const std::string& ext) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ext)
        out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  void expect_python_compiles(const fs::path& root) {
    io::process_request req;
    req.argv = {"/usr/bin/python3", "-m", "py_compile"};
    for (auto& f : files_under(root, ".py"))
      req.argv.push_back(f);
    ASSERT_GT(req.argv.size(), 3u);
    auto r = io::run_process(req);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->succeeded()) << r->stderr_data;
  }

  fs::path dir_;
};

TEST_F(MainJob, GeneratesTheEmbeddedExamplesWithNoArguments) {
  auto r = genflow({"run"});
  EXPECT_EQ(r.exit_code, 0) << r.stdout_data << r.stderr_data;
  auto out = dir_ / "genflow-out";
  ASSERT_TRUE(fs::is_directory(out));
  // One package per example contract, each with its manifest.
  auto manifests = files_under(out, ".json");
  EXPECT_EQ(manifests.size(), 5u);
  expect_python_compiles(out);
  EXPECT_NE(r.stdout_data.find("NodeOrderSyncEffect"), std::string::npos) << r.stdout_data;
  EXPECT_NE(r.stdout_data.find("written"), std::string::npos);
}

TEST_F(MainJob, WritesPackagesWithManifestsAndRewritesNothingOnARerun) {
  auto contracts = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/contracts";
  auto out = (dir_ / "out").string();
  auto first = genflow({"run", "--contracts", contracts, "--out", out, "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.stderr_data;
  auto report = io::parse_json(first.stdout_data, "stdout");
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->get_string("status"), "succeeded");
  const auto& nodes = report->get("nodes");
  ASSERT_EQ(nodes.size(), 3u);
  for (const auto& n : nodes.as_array()) {
    EXPECT_EQ(n.get_string("status"), "generated");
    EXPECT_TRUE(n.get("validation").get("passed").as_bool());
    EXPECT_EQ(n.get("quorum").get("votes").size(), 4u) << "every configured model appears";
    EXPECT_GT(n.get("package").get("written").size(), 5u);
  }
  // The manifest lists every file with its size and hash.
  auto manifest_path = nodes.as_array()[0].get("package").get_string("manifest");
  auto manifest = io::parse_json(*io::read_file(manifest_path), manifest_path);
  ASSERT_TRUE(manifest);
  auto pkg = fs::path{manifest_path}.parent_path();
  for (const auto& f : manifest->get("files").as_array()) {
    auto text = io::read_file((pkg / f.get_string("path")).string());
    ASSERT_TRUE(text);
    EXPECT_EQ(io::sha256_hex(*text), f.get_string("sha256"));
    EXPECT_EQ(static_cast<std::int64_t>(text->size()), f.get("bytes").as_int());
  }
  expect_python_compiles(out);
  // Unchanged inputs: nothing is written again.
  auto before = fs::last_write_time(manifest_path);
  auto second = genflow({"run", "--contracts", contracts, "--out", out, "--json"});
  ASSERT_EQ(second.exit_code, 0);
  auto again = io::parse_json(second.stdout_data, "stdout");
  for (const auto& n : again->get("nodes").as_array())
    EXPECT_EQ(n.get("package").get("written").size(), 0u);
  EXPECT_EQ(fs::last_write_time(manifest_path), before);
}

TEST_F(MainJob, CompilesAPackagesTemplatesWhileItsContractIsParsed) {
  fs::create_directories(dir_ / "one");
  fs::copy_file(std::string{GENFLOW_SOURCE_DIR} + "/tests/data/contracts/contract_0.yaml",
                dir_ / "one" / "contract_0.yaml");
  auto r = genflow(
    {"run", "--contracts", (dir_ / "one").string(), "--out", (dir_ / "out").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_data;
  auto report = io::parse_json(r.stdout_data, "stdout");
  ASSERT_TRUE(report);
  const auto& cache = report->get("statistics").get("template_cache");
  // The parse step's preload compiles each template once (a miss); every render step then
  // finds its templates compiled (hits). Without the preload only a template used twice hits.
  EXPECT_EQ(cache.get("misses").as_int(), cache.get("entries").as_int());
  EXPECT_GT(cache.get("hits").as_int(), cache.get("misses").as_int());
}

TEST_F(MainJob, ABadContractFailsAloneWithItsPlaceAndTheOthersAreWritten) {
  auto in = dir_ / "contracts";
  fs::create_directories(in);
  fs::copy_file(std::string{GENFLOW_SOURCE_DIR} + "/tests/data/contracts/contract_0.yaml",
                in / "good.yaml");
  ASSERT_TRUE(io::write_file_atomic((in / "bad.yaml").string(),
                                    "name: NodeBadEffect\nversion: {major: 1}\n"
                                    "node_type: teleporter\ndescription: x\n"));
  auto r = genflow({"run", "--contracts", in.string(), "--out", (dir_ / "out").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stdout_data.find("bad.yaml:2"), std::string::npos) << r.stdout_data;
  EXPECT_NE(r.stdout_data.find("teleporter"), std::string::npos);
  EXPECT_EQ(files_under(dir_ / "out", ".json").size(), 1u) << "the good contract is still written";
}

TEST_F(MainJob, RunsAWorkflowDefinitionAndReportsItsStages) {
  auto wf = std::string{GENFLOW_SOURCE_DIR} + "/configs/workflows/example.yaml";
  auto r = genflow({"run", wf, "--max-parallel", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_data;
  auto report = io::parse_json(r.stdout_data, "stdout");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->get("stages").size(), 3u);
  EXPECT_EQ(report->get("steps").get("succeeded").as_int(), 5);
}

TEST_F(MainJob, LogsOnStandardErrorAndLeavesTheJsonReportAlone) {
  auto wf = std::string{GENFLOW_SOURCE_DIR} + "/configs/workflows/example.yaml";
  auto r = genflow({"run", wf, "--json", "-v"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_data;
  EXPECT_TRUE(io::parse_json(r.stdout_data, "stdout")) << r.stdout_data;
  EXPECT_NE(r.stderr_data.find("run of 'example' starts"), std::string::npos) << r.stderr_data;
}

TEST_F(MainJob, ExitsNonZeroWhenAWorkflowFails) {
  ASSERT_TRUE(io::write_file_atomic((dir_ / "wf.yaml").string(),
                                    "id: failing\nstages:\n  - id: s\n    steps:\n"
                                    "      - {id: f, handler: exec, inputs: {argv: [\"false\"]}}\n"));
  auto r = genflow({"run", (dir_ / "wf.yaml").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stdout_data.find("exited with status 1"), std::string::npos) << r.stdout_data;
}

TEST_F(MainJob, ReportsABadWorkflowWithFileAndLine) {
  ASSERT_TRUE(io::write_file_atomic((dir_ / "wf.yaml").string(),
                                    "id: w\nstages:\n  - id: s\n    steps:\n"
                                    "      - {id: a, handler: nope}\n"));
  auto r = genflow({"run", (dir_ / "wf.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.stderr_data.find("wf.yaml:5:"), std::string::npos) << r.stderr_data;
}

TEST_F(MainJob, AnswersVersionHelpAndUsageErrors) {
  auto v = genflow({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.stdout_data.rfind("genflow ", 0), 0u);
  for (const char* cmd : {"run", "render", "validate"}) {
    auto h = genflow({cmd, "--help"});
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_NE(h.stdout_data.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(genflow({"run", "--max-parallel", "lots"}).exit_code, 2);
  EXPECT_EQ(genflow({"teleport"}).exit_code, 2);
}

} // namespace
} // namespace genflow
