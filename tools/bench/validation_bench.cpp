// Validation benchmarks: parsing Python once with tree-sitter and running the four validators.
//
// Workload: the Python original's `generated_node.py` (303 lines, 12 KB) from $GENFLOW_WORKLOADS,
// else ../shared/reference/workloads relative to the current directory; throughput over every
// *.py of $GENFLOW_PYTHON_CORPUS, else /usr/lib/python3.11. Python figures to compare with
// (python-baseline.md): 26.7 ms for completeness + quality + ONEX on generated_node.py, each of
// two validators parsing the file itself (~3.8 ms per parse); no security validator.
// Google Benchmark's "CPU" column is the calling thread's CPU time only: a piece of a parse
// that a helper thread takes up is not in it. "Time" is wall time.
//
//   export GENFLOW_WORKLOADS=../shared/reference/workloads
//   build/release/tools/bench/genflow_bench_validation
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true   (one line)

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "runtime/analysis/pipeline.hpp"
#include "runtime/analysis/syntax_tree.hpp"
#include "runtime/io/files.hpp"

using namespace genflow;
using namespace genflow::analysis;

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

const std::string& generated_node() {
  static const std::string text = [] {
    auto path = env_or("GENFLOW_WORKLOADS", "../shared/reference/workloads") + "/generated_node.py";
    auto t = io::read_file(path);
    if (!t) {
      std::cerr << t.error().to_string() << " (set GENFLOW_WORKLOADS)\n";
      std::exit(1);
    }
    return *t;
  }();
  return text;
}

/// Every *.py directly in the corpus directory.
const std::vector<std::string>& corpus() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    std::error_code ec;
    auto dir = env_or("GENFLOW_PYTHON_CORPUS", "/usr/lib/python3.11");
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.path().extension() == ".py")
        if (auto t = io::read_file(e.path().string()))
          out.push_back(std::move(*t));
    if (out.empty()) {
      std::cerr << "no Python files in " << dir << " (set GENFLOW_PYTHON_CORPUS)\n";
      std::exit(1);
    }
    return out;
  }();
  return texts;
}

pipeline_config with(std::vector<validator_kind> validators) {
  pipeline_config c;
  c.validators = std::move(validators);
  return c;
}

/// The context the original's workflow validates generated code with: an effect node.
validation_context effect_context() {
  validation_context ctx;
  ctx.node_type = "effect";
  return ctx;
}

// -- one file -------------------------------------------------------------------------

void BM_Parse(benchmark::State& state) {
  const auto& text = generated_node();
  for (auto _ : state) {
    auto m = python_module::parse(text, "generated_node.py");
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMicrosecond);

/// tree-sitter's parse and the walk into genflow's flat tree, without the module analysis
/// (functions, calls, imports, layout) that python_module::parse adds on top. `automatic`:
/// as genflow parses (a file this size in pieces on an idle core, see syntax_tree.hpp);
/// `one_thread`: the whole file on the calling thread.
void BM_SyntaxTree(benchmark::State& state, parse_mode mode) {
  const auto& text = generated_node();
  for (auto _ : state) {
    auto t = parse_syntax_tree(text, 50, mode);
    benchmark::DoNotOptimize(t);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(BM_SyntaxTree, automatic, parse_mode::automatic)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SyntaxTree, one_thread, parse_mode::whole)->Unit(benchmark::kMicrosecond);

void BM_Validator(benchmark::State& state, validator_kind kind) {
  auto m = python_module::parse(generated_node(), "generated_node.py");
  pipeline_config config;
  auto ctx = effect_context();
  for (auto _ : state) {
    auto r = run_validator(kind, m, ctx, config);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_Validator, completeness, validator_kind::completeness)
  ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Validator, quality, validator_kind::quality)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Validator, onex_compliance, validator_kind::onex_compliance)
  ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Validator, security, validator_kind::security)->Unit(benchmark::kMicrosecond);

/// Parse once + the configured validators: what one validation step costs.
void BM_Pipeline(benchmark::State& state, std::vector<validator_kind> validators) {
  const auto& text = generated_node();
  auto config = with(std::move(validators));
  auto ctx = effect_context();
  for (auto _ : state) {
    auto r = validate_source(text, "generated_node.py", ctx, config);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_Pipeline, all_four_with_parse,
                  std::vector<validator_kind>{validator_kind::completeness, validator_kind::quality,
                                              validator_kind::onex_compliance,
                                              validator_kind::security})
  ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Pipeline, original_three_with_parse,
                  std::vector<validator_kind>{validator_kind::completeness, validator_kind::quality,
                                              validator_kind::onex_compliance})
  ->Unit(benchmark::kMicrosecond);

// -- throughput -------------------------------------------------------------------------

void BM_CorpusParse(benchmark::State& state) {
  const auto& texts = corpus();
  std::size_t bytes = 0;
  for (const auto& t : texts)
    bytes += t.size();
  for (auto _ : state)
    for (const auto& t : texts) {
      auto m = python_module::parse(t);
      benchmark::DoNotOptimize(m);
    }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["files"] = static_cast<double>(texts.size());
}
BENCHMARK(BM_CorpusParse)->Unit(benchmark::kMillisecond);

void BM_CorpusAllFour(benchmark::State& state) {
  const auto& texts = corpus();
  std::size_t bytes = 0;
  for (const auto& t : texts)
    bytes += t.size();
  pipeline_config config;
  for (auto _ : state)
    for (const auto& t : texts) {
      auto r = validate_source(t, "corpus.py", validation_context{}, config);
      benchmark::DoNotOptimize(r);
    }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["files"] = static_cast<double>(texts.size());
}
BENCHMARK(BM_CorpusAllFour)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
