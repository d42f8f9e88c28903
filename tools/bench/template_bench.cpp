// Template engine and template cache benchmarks, on the Python original's workloads.
//
// The workloads directory comes from $GENFLOW_WORKLOADS, else ../shared/reference/workloads
// relative to the current directory. Python figures to compare with (python-baseline.md):
// cached load 4.0 µs, uncached load 297 µs, render of tpl_005 169 µs precompiled (16.2 ms with
// the original's recompile), Zipf LRU hit rates 0.5284/0.7396, 0.6655/0.8320, 0.7943/0.9020.
//
//   GENFLOW_WORKLOADS=../shared/reference/workloads
//   build/release/tools/bench/genflow_bench_templates
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <benchmark/benchmark.h>

#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/templating/template_store.hpp"

using namespace genflow;
using namespace genflow::templating;

namespace {

std::string workloads_dir;

/// The original's TemplateManager environment: trim_blocks and lstrip_blocks on.
environment_options original_options() {
  environment_options o;
  o.trim_blocks = true;
  o.lstrip_blocks = true;
  return o;
}

std::string read_or_die(const std::string& path) {
  auto text = io::read_file(path);
  if (!text) {
    std::cerr << text.error().to_string() << '\n';
    std::exit(1);
  }
  return *text;
}

value render_context() {
  auto ctx = io::parse_json(read_or_die(workloads_dir + "/render_context_tpl_005.json"), "ctx");
  if (!ctx) {
    std::cerr << ctx.error().to_string() << '\n';
    std::exit(1);
  }
  return *ctx;
}

/// A store holding all 200 workload templates.
template_store& warm_store() {
  static environment env{original_options()};
  static template_store store = [] {
    template_store s{env, workloads_dir + "/templates", 256};
    for (int i = 0; i < 200; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "tpl_%03d", i);
      if (!s.load(id, "effect")) {
        std::cerr << "cannot load " << id << '\n';
        std::exit(1);
      }
    }
    return s;
  }();
  return store;
}

void BM_CacheGet(benchmark::State& state) {
  auto& cache = warm_store().cache();
  for (auto _ : state)
    benchmark::DoNotOptimize(cache.get("tpl_005"));
}
BENCHMARK(BM_CacheGet);

/// template_store::load on a hit: one cache lookup plus the throttled change check.
void BM_CachedLoad(benchmark::State& state) {
  auto& store = warm_store();
  for (auto _ : state)
    benchmark::DoNotOptimize(store.load("tpl_005", "effect"));
}
BENCHMARK(BM_CachedLoad);

/// Read + compile + put (what the original calls an uncached load, plus the compile it skips).
void BM_UncachedLoad(benchmark::State& state) {
  environment env{original_options()};
  template_store store{env, workloads_dir + "/templates"};
  for (auto _ : state)
    benchmark::DoNotOptimize(store.load("tpl_005", "effect", true));
}
BENCHMARK(BM_UncachedLoad);

void BM_CompileTpl005(benchmark::State& state) {
  environment env{original_options()};
  auto source = read_or_die(workloads_dir + "/templates/tpl_005.jinja2");
  for (auto _ : state)
    benchmark::DoNotOptimize(env.compile(source, "tpl_005.jinja2"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * source.size()));
}
BENCHMARK(BM_CompileTpl005);

void BM_RenderTpl005Precompiled(benchmark::State& state) {
  environment env{original_options()};
  auto tpl = env.compile(read_or_die(workloads_dir + "/templates/tpl_005.jinja2"), "tpl_005");
  if (!tpl) {
    state.SkipWithError(tpl.error().to_string().c_str());
    return;
  }
  auto ctx = render_context();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto out = env.render(**tpl, ctx);
    bytes += out ? out->size() : 0;
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderTpl005Precompiled);

/// Compile + render every time: what the original does on each render_template call.
void BM_RenderTpl005WithCompile(benchmark::State& state) {
  environment env{original_options()};
  auto source = read_or_die(workloads_dir + "/templates/tpl_005.jinja2");
  auto ctx = render_context();
  for (auto _ : state) {
    auto tpl = env.compile(source, "tpl_005");
    benchmark::DoNotOptimize(env.render(**tpl, ctx));
  }
}
BENCHMARK(BM_RenderTpl005WithCompile);

/// Replays a Zipf trace (get; on a miss, put) through an LRU of `capacity` entries and reports
/// the hit rate as a counter; the time is per access.
void BM_ZipfReplay(benchmark::State& state, const char* file, std::size_t capacity) {
  std::vector<std::string> trace;
  std::istringstream in{read_or_die(workloads_dir + "/" + file)};
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      trace.push_back(line);
  std::shared_ptr<const compiled_template> dummy = *environment{}.compile("x", "x");
  double hit_rate = 0.0;
  for (auto _ : state) {
    template_cache cache{capacity, std::size_t{1} << 40};
    for (const auto& id : trace)
      if (!cache.get(id)) {
        cached_template entry;
        entry.id = id;
        entry.compiled = dummy;
        entry.size_bytes = 5000;
        cache.put(std::move(entry));
      }
    hit_rate = cache.statistics().hit_rate;
  }
  state.counters["hit_rate"] = hit_rate;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * trace.size()));
}
BENCHMARK_CAPTURE(BM_ZipfReplay, s0_8_cap50, "zipf_s0.8_n200_len20000_seed42.txt", 50);
BENCHMARK_CAPTURE(BM_ZipfReplay, s0_8_cap100, "zipf_s0.8_n200_len20000_seed42.txt", 100);
BENCHMARK_CAPTURE(BM_ZipfReplay, s1_0_cap50, "zipf_s1.0_n200_len20000_seed42.txt", 50);
BENCHMARK_CAPTURE(BM_ZipfReplay, s1_0_cap100, "zipf_s1.0_n200_len20000_seed42.txt", 100);
BENCHMARK_CAPTURE(BM_ZipfReplay, s1_2_cap50, "zipf_s1.2_n200_len20000_seed42.txt", 50);
BENCHMARK_CAPTURE(BM_ZipfReplay, s1_2_cap100, "zipf_s1.2_n200_len20000_seed42.txt", 100);

} // namespace

int main(int argc, char** argv) {
  const char* env_dir = std::getenv("GENFLOW_WORKLOADS");
  workloads_dir = env_dir && *env_dir ? env_dir : "../shared/reference/workloads";
  if (!std::filesystem::is_regular_file(workloads_dir + "/templates/tpl_005.jinja2")) {
    std::cerr << "genflow_bench_templates: workloads not found in '" << workloads_dir
              << "' (set GENFLOW_WORKLOADS to the directory holding templates/ and zipf_*.txt)\n";
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
