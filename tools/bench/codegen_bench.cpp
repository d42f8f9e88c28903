// Contract parsing, render-context building and package writing, per node package.
//
//   build/release/tools/bench/genflow_bench_codegen --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true   (one command line)
//
// The contracts are the repository's examples (configs/contracts/examples), found through
// GENFLOW_SOURCE_DIR; the workload contracts are in tests/data/contracts.

#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>

#include "runtime/codegen/package_writer.hpp"
#include "runtime/codegen/plan.hpp"
#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/files.hpp"

namespace {

using namespace genflow;

std::string example_text(const char* file) {
  auto text = io::read_file(std::string{GENFLOW_SOURCE_DIR "/configs/contracts/examples/"} + file);
  if (!text)
    throw std::runtime_error(text.error().to_string());
  return *text;
}

contracts::contract example(const char* file) {
  auto r = contracts::parse_contract(example_text(file), file);
  if (!r.result)
    throw std::runtime_error(r.errors.at(0).to_string());
  return *r.result;
}

void parse_contract(benchmark::State& state, const char* file) {
  auto text = example_text(file);
  for (auto _ : state) {
    auto r = contracts::parse_contract(text, file);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(parse_contract, minimal, "effect_minimal.yaml");
BENCHMARK_CAPTURE(parse_contract, complex, "effect_complex.yaml");

void plan_and_context(benchmark::State& state, const char* file) {
  auto c = example(file);
  for (auto _ : state) {
    auto ctx = codegen::render_context(c);
    auto files = codegen::plan_package(c);
    for (const auto& f : files)
      benchmark::DoNotOptimize(codegen::file_context(ctx, f));
  }
}
BENCHMARK_CAPTURE(plan_and_context, minimal, "effect_minimal.yaml");
BENCHMARK_CAPTURE(plan_and_context, complex, "effect_complex.yaml");

/// Writes a 12-file package of ~4 KiB files; `rewrite` measures the unchanged re-run.
void write_package(benchmark::State& state, bool rewrite) {
  auto c = example("effect_complex.yaml");
  std::vector<codegen::generated_file> files;
  for (const auto& f : codegen::plan_package(c))
    files.push_back({f.path, std::string(4096, 'x') + f.path, f.template_id, "0"});
  auto dir = std::filesystem::temp_directory_path()
             / ("genflow_bench_" + std::to_string(std::random_device{}()));
  if (rewrite)
    (void)codegen::write_package(dir.string(), c, "0", files);
  std::size_t n = 0;
  for (auto _ : state) {
    if (!rewrite)
      files[0].content += std::to_string(n++ % 2); // one file and the manifest change
    auto r = codegen::write_package(dir.string(), c, "0", files);
    if (!r)
      state.SkipWithError(r.error().to_string().c_str());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK_CAPTURE(write_package, unchanged_rerun, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(write_package, one_file_changed, false)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
