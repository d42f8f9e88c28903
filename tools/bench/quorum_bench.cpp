// The AI quorum's own costs (consensus, prompt, reply parsing, provider bodies) and whole
// validations against scripted models with the latencies of the Python baseline
// (reference/python-baseline.md: 4 fake models, weights 2.0 / 2.0 / 1.5 / 1.0).
//
//   GENFLOW_WORKLOADS=../shared/reference/workloads build/release/tools/bench/genflow_bench_quorum
//     --benchmark_repetitions=5 --benchmark_report_aggregates_only=true      (one command line)
//
// The scripted models answer on an http_client's I/O thread after their latency (a timer), as
// network models do, so a validation exercises the real fan-out, tally, early decision and
// cancellation. GENFLOW_WORKLOADS (optional) names the directory holding generated_node.py for
// the offline-reviewer benchmarks; without it they are skipped.

#include <cstdlib>
#include <future>
#include <map>
#include <mutex>

#include <benchmark/benchmark.h>

#include "runtime/analysis/pipeline.hpp"
#include "runtime/io/files.hpp"
#include "runtime/quorum/ai_quorum.hpp"
#include "runtime/quorum/consensus.hpp"
#include "runtime/quorum/prompt.hpp"
#include "runtime/quorum/providers.hpp"
#include "runtime/quorum/quorum_errc.hpp"
#include "tests/runtime/quorum/fake_provider.hpp"

namespace {

using namespace genflow;
using namespace genflow::quorum;
using namespace std::chrono_literals;

/// A model that votes (pass, 0.9) after a fixed latency, delivered on the I/O thread.
class scripted_model final : public model_client,
                             public std::enable_shared_from_this<scripted_model> {
public:
  scripted_model(model_config cfg, std::shared_ptr<http_client> io,
                 std::chrono::nanoseconds latency)
    : cfg_(std::move(cfg)), io_(std::move(io)), latency_(latency) {}

  const model_config& config() const noexcept override { return cfg_; }

  vote_handle start_vote(const vote_request&, vote_callback done) override {
    std::lock_guard<std::mutex> guard{mutex_};
    auto h = next_++;
    auto entry = std::make_shared<vote_callback>(std::move(done));
    open_[h] = {io_->schedule(latency_,
                              [self = shared_from_this(), h, entry] {
                                {
                                  std::lock_guard<std::mutex> guard{self->mutex_};
                                  if (self->open_.erase(h) == 0)
                                    return;
                                }
                                vote_outcome out;
                                out.model_id = self->cfg_.id;
                                out.vote = true;
                                out.confidence = 0.9;
                                out.reasoning = "scripted";
                                out.attempts = 1;
                                (*entry)(std::move(out));
                              }),
                entry};
    return h;
  }

  void cancel(vote_handle h) override {
    std::shared_ptr<vote_callback> entry;
    {
      std::lock_guard<std::mutex> guard{mutex_};
      auto it = open_.find(h);
      if (it == open_.end())
        return;
      io_->cancel_timer(it->second.first);
      entry = it->second.second;
      open_.erase(it);
    }
    io_->schedule(0ns, [id = cfg_.id, entry] {
      vote_outcome out;
      out.model_id = id;
      out.error = make_error(quorum_errc::cancelled, "cancelled", "model " + id);
      (*entry)(std::move(out));
    });
  }

private:
  model_config cfg_;
  std::shared_ptr<http_client> io_;
  std::chrono::nanoseconds latency_;
  std::mutex mutex_;
  std::map<vote_handle, std::pair<http_client::timer_id, std::shared_ptr<vote_callback>>> open_;
  vote_handle next_ = 1;
};

quorum_config four_models() {
  quorum_config c;
  const char* ids[] = {"gemini", "glm-4.5", "glm-air", "codestral"};
  const double weights[] = {2.0, 2.0, 1.5, 1.0};
  for (int i = 0; i < 4; ++i) {
    model_config m;
    m.id = ids[i];
    m.kind = provider_kind::command;
    m.weight = weights[i];
    c.models.push_back(m);
  }
  return c;
}

std::unique_ptr<ai_quorum> scripted_quorum(std::shared_ptr<http_client> io,
                                           std::array<std::chrono::milliseconds, 4> latencies) {
  auto c = four_models();
  std::vector<std::shared_ptr<model_client>> clients;
  for (int i = 0; i < 4; ++i)
    clients.push_back(std::make_shared<scripted_model>(c.models[static_cast<std::size_t>(i)], io,
                                                       latencies[static_cast<std::size_t>(i)]));
  auto q = ai_quorum::create(c, clients);
  if (!q)
    throw std::runtime_error(q.error().to_string());
  return std::move(*q);
}

quorum_result validate_once(ai_quorum& q, const vote_request& req) {
  std::promise<quorum_result> done;
  auto f = done.get_future();
  q.validate(req, [&](quorum_result r) { done.set_value(std::move(r)); });
  return f.get();
}

/// Starts `n` validations at once and waits for them all; how many passed.
std::int64_t validate_in_flight(ai_quorum& q, const vote_request& req, std::int64_t n) {
  std::vector<std::future<quorum_result>> futures;
  for (std::int64_t i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<quorum_result>>();
    futures.push_back(p->get_future());
    q.validate(req, [p](quorum_result r) { p->set_value(std::move(r)); });
  }
  std::int64_t passed = 0;
  for (auto& f : futures)
    passed += f.get().verdict.passed() ? 1 : 0;
  return passed;
}

std::string generated_code(std::size_t bytes) {
  std::string code = "\"\"\"Generated node.\"\"\"\n\nclass NodeWriterEffect(NodeEffect):\n";
  for (int i = 0; code.size() < bytes; ++i)
    code += "    async def op_" + std::to_string(i)
            + "(self, record: dict) -> dict:\n        \"\"\"Operation.\"\"\"\n"
              "        return await self.store.write(record)\n\n";
  return code;
}

// -- pieces ---------------------------------------------------------------------------

void tally_four_votes(benchmark::State& state) {
  std::vector<double> weights{2.0, 2.0, 1.5, 1.0};
  auto rules = tally_rules{};
  for (auto _ : state) {
    quorum_tally t{weights, rules};
    t.record_vote(2, true, 0.9);
    t.record_vote(3, false, 0.7);
    t.record_vote(0, true, 0.9);
    t.record_vote(1, true, 0.8);
    benchmark::DoNotOptimize(t.verdict());
  }
}
BENCHMARK(tally_four_votes);

void build_prompt_12kb(benchmark::State& state) {
  vote_request req;
  req.node_type = "effect";
  req.contract_summary = "NodeWriter writes records";
  req.code = generated_code(12 * 1024);
  prompt_options opts{32768, default_criteria()};
  for (auto _ : state)
    benchmark::DoNotOptimize(build_prompt(req, opts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * req.code.size()));
}
BENCHMARK(build_prompt_12kb)->Unit(benchmark::kMicrosecond);

void parse_fenced_reply(benchmark::State& state) {
  std::string reply = "Here is my review of the node.\n\n```json\n{\n  \"vote\": true,\n"
                      "  \"confidence\": 0.85,\n  \"reasoning\": \"Async I/O, ModelOnexError on "
                      "failure, structured logging; one long method.\"\n}\n```\n";
  for (auto _ : state)
    benchmark::DoNotOptimize(parse_vote_reply(reply));
}
BENCHMARK(parse_fenced_reply)->Unit(benchmark::kMicrosecond);

void openai_request_and_reply(benchmark::State& state) {
  model_config m;
  m.id = "glm-4.5";
  m.model_name = "glm-4-plus";
  m.endpoint = "https://open.bigmodel.cn/api/paas/v4/chat/completions";
  vote_request req;
  req.code = generated_code(12 * 1024);
  auto prompt = build_prompt(req, prompt_options{32768, default_criteria()});
  http_response res;
  res.status = 200;
  res.body = R"({"choices":[{"message":{"content":"{\"vote\": true, \"confidence\": 0.8, )"
             R"(\"reasoning\": \"ok\"}"}}],"usage":{"prompt_tokens":3100,"completion_tokens":40}})";
  for (auto _ : state) {
    benchmark::DoNotOptimize(build_provider_request(m, "sk-key", prompt, 30s, 10s));
    benchmark::DoNotOptimize(read_provider_response(m, res, {"sk-key"}));
  }
}
BENCHMARK(openai_request_and_reply)->Unit(benchmark::kMicrosecond);

// -- whole validations -------------------------------------------------------------------

/// One validation at a time; latencies of gemini, glm-4.5, glm-air, codestral in ms.
void quorum_validation(benchmark::State& state) {
  auto io = std::make_shared<http_client>();
  std::array<std::chrono::milliseconds, 4> latencies{};
  for (std::size_t i = 0; i < 4; ++i)
    latencies[i] = std::chrono::milliseconds{state.range(static_cast<int>(i))};
  auto q = scripted_quorum(io, latencies);
  vote_request req;
  req.code = "x = 1\n";
  std::int64_t early = 0;
  for (auto _ : state) {
    auto r = validate_once(*q, req);
    early += r.verdict.decided_early ? 1 : 0;
    benchmark::DoNotOptimize(r);
  }
  state.counters["decided_early"] =
    benchmark::Counter(static_cast<double>(early), benchmark::Counter::kAvgIterations);
}
BENCHMARK(quorum_validation)->Args({0, 0, 0, 0})->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(quorum_validation)
  ->Args({100, 250, 10, 50})
  ->Iterations(5)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
BENCHMARK(quorum_validation)
  ->Args({1000, 2500, 100, 500})
  ->Iterations(2)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

/// `state.range(0)` validations in flight at once, zero latency: throughput of the machinery.
void concurrent_validations(benchmark::State& state) {
  auto io = std::make_shared<http_client>();
  auto q = scripted_quorum(io, {0ms, 0ms, 0ms, 0ms});
  vote_request req;
  req.code = "x = 1\n";
  auto n = state.range(0);
  for (auto _ : state)
    benchmark::DoNotOptimize(validate_in_flight(*q, req, n));
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(concurrent_validations)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// -- whole validations served by the local HTTP server --------------------------------------
// The real provider clients (gemini + three OpenAI-compatible) on libcurl against
// tests/support/fake_provider.py, which sleeps each model's latency before answering: the
// original's situation with real sockets, HTTP and JSON bodies on both sides.

/// The server, started once; its models are named "ms<latency>".
quorum::testing::fake_provider& local_server() {
  static quorum::testing::fake_provider server{R"({"models": {
    "ms0": {"latency_ms": 0}, "ms10": {"latency_ms": 10}, "ms50": {"latency_ms": 50},
    "ms100": {"latency_ms": 100}, "ms250": {"latency_ms": 250}, "ms500": {"latency_ms": 500},
    "ms1000": {"latency_ms": 1000}, "ms2500": {"latency_ms": 2500}},
    "default": {"vote": true, "confidence": 0.9}})"};
  return server;
}

std::unique_ptr<ai_quorum> served_quorum(std::shared_ptr<http_client> io,
                                         std::array<std::int64_t, 4> latencies_ms) {
  auto& server = local_server();
  if (!server.started())
    return nullptr;
  auto c = four_models();
  for (std::size_t i = 0; i < 4; ++i) {
    auto& m = c.models[i];
    m.kind = i == 0 ? provider_kind::gemini : provider_kind::openai;
    m.model_name = "ms" + std::to_string(latencies_ms[i]);
    m.endpoint = i == 0 ? server.gemini_url(m.model_name) : server.openai_url();
    m.api_key_env = i == 0 ? "GEMINI_API_KEY" : "GLM_API_KEY";
    m.timeout = 30s;
  }
  auto q = ai_quorum::create(std::move(c), std::move(io), [](std::string_view name) {
    return std::optional<std::string>{"bench-key-" + std::string{name}};
  });
  return q ? std::move(*q) : nullptr;
}

/// One validation at a time over HTTP; latencies of gemini, glm-4.5, glm-air, codestral in ms.
void served_validation(benchmark::State& state) {
  auto io = std::make_shared<http_client>();
  std::array<std::int64_t, 4> latencies{};
  for (std::size_t i = 0; i < 4; ++i)
    latencies[i] = state.range(static_cast<int>(i));
  auto q = served_quorum(io, latencies);
  if (!q) {
    state.SkipWithError(("local server: " + local_server().failure()).c_str());
    return;
  }
  vote_request req;
  req.code = "x = 1\n";
  std::int64_t early = 0, passed = 0;
  for (auto _ : state) {
    auto r = validate_once(*q, req);
    early += r.verdict.decided_early ? 1 : 0;
    passed += r.verdict.passed() ? 1 : 0;
  }
  state.counters["decided_early"] =
    benchmark::Counter(static_cast<double>(early), benchmark::Counter::kAvgIterations);
  state.counters["passed"] =
    benchmark::Counter(static_cast<double>(passed), benchmark::Counter::kAvgIterations);
}
BENCHMARK(served_validation)->Args({0, 0, 0, 0})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(served_validation)
  ->Args({100, 250, 10, 50})
  ->Iterations(5)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
BENCHMARK(served_validation)
  ->Args({1000, 2500, 100, 500})
  ->Iterations(2)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

/// `state.range(0)` validations in flight at once over HTTP, models at 100/250/10/50 ms
/// (`state.range(1)` = 1; ideal wall time is one early decision, ~100 ms) or answering at once
/// (0: what the local server itself can serve). 400 requests open on one I/O thread.
void served_concurrent_validations(benchmark::State& state) {
  auto io = std::make_shared<http_client>();
  auto q = state.range(1) == 1 ? served_quorum(io, {100, 250, 10, 50}) : served_quorum(io, {0, 0, 0, 0});
  if (!q) {
    state.SkipWithError(("local server: " + local_server().failure()).c_str());
    return;
  }
  vote_request req;
  req.code = "x = 1\n";
  auto n = state.range(0);
  std::int64_t passed = 0;
  for (auto _ : state)
    passed += validate_in_flight(*q, req, n);
  state.counters["passed"] = benchmark::Counter(static_cast<double>(passed) / static_cast<double>(n),
                                                benchmark::Counter::kAvgIterations);
}
BENCHMARK(served_concurrent_validations)
  ->Args({100, 1})
  ->Args({100, 0})
  ->Iterations(3)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

// -- the offline default quorum -------------------------------------------------------------

std::optional<std::string> workload_node() {
  const char* dir = std::getenv("GENFLOW_WORKLOADS");
  if (dir == nullptr)
    return std::nullopt;
  auto text = io::read_file(std::string{dir} + "/generated_node.py");
  if (!text)
    return std::nullopt;
  return *text;
}

/// configs/quorum/default.yaml on generated_node.py: each reviewer analyses the code itself
/// (`shared` = 0) or all read the validators' results passed with the request (`shared` = 1,
/// as the validate step does; the analysis is done once, outside the timed loop).
void default_quorum(benchmark::State& state) {
  auto code = workload_node();
  if (!code) {
    state.SkipWithError("GENFLOW_WORKLOADS does not name a directory with generated_node.py");
    return;
  }
  auto report = load_quorum_config(GENFLOW_SOURCE_DIR "/configs/quorum/default.yaml");
  auto q = ai_quorum::create(*report.config);
  if (!q) {
    state.SkipWithError(q.error().to_string().c_str());
    return;
  }
  vote_request req;
  req.node_type = "effect";
  req.code = *code;
  if (state.range(0) == 1) {
    auto file = analysis::validate_source(*code, "generated_node.py", analysis::validation_context{},
                                          analysis::pipeline_config{});
    req.analysis = std::make_shared<const analysis::pipeline_result>(std::move(file.result));
  }
  bool passed = false;
  for (auto _ : state)
    passed = validate_once(**q, req).verdict.passed();
  state.counters["passed"] = passed ? 1 : 0;
}
BENCHMARK(default_quorum)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
