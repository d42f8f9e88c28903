#include "actors/validation_pipeline.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/validator.hpp"

namespace genflow::detail {

/// Parse one file (for a parser actor).
struct parse_source {
  std::string path;
  std::string content;
};

struct source_parsed {
  std::shared_ptr<const analysis::python_module> module;
  std::chrono::nanoseconds took{0};
};

/// The pipeline's earliest validator deadline is due (at `at` on the actor clock).
struct deadline_tick {
  caf::actor_clock::time_point at;
};

} // namespace genflow::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::parse_source)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::source_parsed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::detail::deadline_tick)

namespace genflow {

namespace {

using detail::deadline_tick;
using detail::parse_source;
using detail::source_parsed;
using clock_type = std::chrono::steady_clock;

using parser_actor = caf::typed_actor<caf::replies_to<parse_source>::with<source_parsed>>;

parser_actor::behavior_type parser(parser_actor::pointer) {
  return {
    [](parse_source& req) {
      auto t0 = clock_type::now();
      auto m = std::make_shared<const analysis::python_module>(
        analysis::python_module::parse(std::move(req.content), std::move(req.path)));
      return source_parsed{std::move(m), clock_type::now() - t0};
    },
  };
}

/// One validate_files request in flight.
struct batch {
  struct file {
    analysis::file_validation out;
    analysis::validation_context context;
    /// Results by validator position (config order); set when answered.
    std::vector<std::optional<analysis::validation_result>> results;
    std::size_t pending = 0;
    bool settled = false;
    clock_type::time_point started;
  };
  std::vector<file> files;
  std::size_t open = 0;
  caf::typed_response_promise<files_validated> promise;
};

using pipeline_impl = validation_pipeline_actor::extend<caf::reacts_to<deadline_tick>>;

struct pipeline_state {
  static constexpr const char* name = "genflow.validation_pipeline";

  /// Validators and parsers go with their pipeline.
  ~pipeline_state() {
    for (const auto& v : validators)
      caf::anon_send_exit(v, caf::exit_reason::user_shutdown);
    for (const auto& p : parsers)
      caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  }

  std::shared_ptr<const analysis::pipeline_config> config;
  std::vector<validator_actor> validators; // config order
  std::vector<parser_actor> parsers;
  /// Bytes sent to each parser and not parsed yet: a file goes to the least loaded.
  std::vector<std::size_t> parser_bytes;
  /// Files whose validators are running, by deadline (a file's validators all start together,
  /// so one deadline per file is the per-validator timeout). Only the earliest is on the actor
  /// clock: a timeout per validator request cost two wake-ups of CAF's clock thread (set and
  /// cancel), 216 in the main job's validate stage.
  std::multimap<caf::actor_clock::time_point, std::pair<std::weak_ptr<batch>, std::size_t>>
    deadlines;
  std::optional<caf::actor_clock::time_point> armed;
};

using pipeline_pointer = pipeline_impl::stateful_pointer<pipeline_state>;

/// One file is done; the last one answers the request.
void file_done(const std::shared_ptr<batch>& b) {
  if (--b->open > 0)
    return;
  files_validated out;
  for (auto& x : b->files)
    out.results.push_back(std::move(x.out));
  b->promise.deliver(std::move(out));
}

/// Settles a file: combines what its validators said (fast-fail: skipped the rest).
void settle(const std::shared_ptr<batch>& b, std::size_t f,
            const analysis::pipeline_config& config) {
  auto& file = b->files[f];
  if (file.settled)
    return;
  file.settled = true;
  std::vector<analysis::validation_result> results;
  std::vector<std::string> skipped;
  for (std::size_t i = 0; i < file.results.size(); ++i) {
    if (file.results[i])
      results.push_back(std::move(*file.results[i]));
    else
      skipped.emplace_back(analysis::to_string(config.validators[i]));
  }
  file.out.result =
    analysis::combine_results(std::move(results), std::move(skipped), clock_type::now() - file.started);
  file_done(b);
}

void on_validator(const std::shared_ptr<batch>& b, std::size_t f, std::size_t v,
                  analysis::validation_result r, const analysis::pipeline_config& config) {
  auto& file = b->files[f];
  if (file.settled)
    return;
  bool failed = !r.passed;
  file.results[v] = std::move(r);
  --file.pending;
  if (file.pending == 0 || (failed && config.enable_fast_fail))
    settle(b, f, config);
}

/// The result of a validator that did not answer: failed, with `rule` and `message`.
analysis::validation_result unanswered(const analysis::pipeline_config& config, std::size_t v,
                                       std::string rule, std::string message) {
  analysis::validation_result r;
  r.validator = std::string{analysis::to_string(config.validators[v])};
  r.passed = false;
  analysis::finding problem;
  problem.rule = std::move(rule);
  problem.severity = analysis::severity_level::error;
  problem.message = r.validator + " " + message;
  r.findings.push_back(std::move(problem));
  return r;
}

void arm(pipeline_pointer self, caf::actor_clock::time_point at) {
  auto& st = self->state;
  if (st.armed && *st.armed <= at)
    return;
  st.armed = at;
  auto delay = std::max(at - self->clock().now(), caf::actor_clock::duration_type::zero());
  self->delayed_send(self, delay, deadline_tick{at});
}

/// Settles every file past its deadline, its missing validators failed with validator.timeout.
void on_deadline(pipeline_pointer self, const deadline_tick& tick) {
  auto& st = self->state;
  if (st.armed && *st.armed == tick.at)
    st.armed.reset();
  auto now = self->clock().now();
  const auto& config = *st.config;
  while (!st.deadlines.empty() && st.deadlines.begin()->first <= now) {
    auto [weak, f] = st.deadlines.begin()->second;
    st.deadlines.erase(st.deadlines.begin());
    auto b = weak.lock();
    if (!b || b->files[f].settled)
      continue;
    auto& file = b->files[f];
    for (std::size_t v = 0; v < file.results.size(); ++v)
      if (!file.results[v])
        file.results[v] = unanswered(
          config, v, "validator.timeout",
          "did not finish within " + std::to_string(config.timeout_per_validator.count()) + " ms");
    settle(b, f, config);
  }
  if (!st.deadlines.empty())
    arm(self, st.deadlines.begin()->first);
}

void start_file(pipeline_pointer self, const std::shared_ptr<batch>& b, std::size_t f,
                std::shared_ptr<const analysis::python_module> module) {
  auto& st = self->state;
  auto& file = b->files[f];
  file.started = clock_type::now();
  file.pending = st.validators.size();
  file.results.assign(st.validators.size(), std::nullopt);
  if (st.validators.empty()) {
    settle(b, f, *st.config);
    return;
  }
  auto due = self->clock().now()
             + std::chrono::duration_cast<caf::timespan>(st.config->timeout_per_validator);
  st.deadlines.emplace(due, std::make_pair(std::weak_ptr<batch>{b}, f));
  arm(self, due);
  for (std::size_t v = 0; v < st.validators.size(); ++v) {
    auto config = st.config;
    self->request(st.validators[v], caf::infinite, run_validator{module, file.context})
      .then([b, f, v,
             config](validator_done& d) { on_validator(b, f, v, std::move(d.result), *config); },
            [b, f, v, config, self](caf::error& err) {
              on_validator(
                b, f, v,
                unanswered(*config, v, "validator.failed", "failed: " + self->system().render(err)),
                *config);
            });
  }
}

pipeline_impl::behavior_type
validation_pipeline(pipeline_pointer self, analysis::pipeline_config config, std::size_t parsers) {
  auto& st = self->state;
  st.config = std::make_shared<const analysis::pipeline_config>(std::move(config));
  for (auto kind : st.config->validators)
    st.validators.push_back(spawn_validator(self->system(), kind, st.config));
  if (parsers == 0)
    parsers = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < parsers; ++i)
    st.parsers.push_back(self->system().spawn(parser));
  st.parser_bytes.assign(parsers, 0);
  return {
    [self](validate_files& req) -> caf::typed_response_promise<files_validated> {
      auto& st = self->state;
      auto b = std::make_shared<batch>();
      b->promise = self->make_response_promise<files_validated>();
      auto rp = b->promise;
      b->files.resize(req.files.size());
      b->open = req.files.size();
      if (req.files.empty()) {
        b->promise.deliver(files_validated{});
        return rp;
      }
      // Largest files first, each to the parser with the fewest bytes still to parse: the
      // parsers finish together (round robin left one parsing a batch's big files alone).
      std::vector<std::size_t> order(req.files.size());
      for (std::size_t f = 0; f < order.size(); ++f)
        order[f] = f;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return req.files[a].content.size() > req.files[b].content.size();
      });
      for (auto f : order) {
        auto& src = req.files[f];
        auto& file = b->files[f];
        file.out.path = src.path;
        file.context = std::move(src.context);
        if (src.content.size() > st.config->max_file_bytes) {
          file.out.error = error_info{
            "analysis.too_large",
            "file is " + std::to_string(src.content.size()) + " bytes; the limit is "
              + std::to_string(st.config->max_file_bytes) + " (max_file_bytes)",
            src.path, false};
          file.settled = true;
          file_done(b);
          continue;
        }
        auto p =
          static_cast<std::size_t>(std::min_element(st.parser_bytes.begin(), st.parser_bytes.end())
                                   - st.parser_bytes.begin());
        auto bytes = src.content.size();
        st.parser_bytes[p] += bytes;
        self->request(st.parsers[p], caf::infinite, parse_source{src.path, std::move(src.content)})
          .then(
            [self, b, f, p, bytes](source_parsed& parsed) {
              self->state.parser_bytes[p] -= bytes;
              b->files[f].out.parse = parsed.took;
              start_file(self, b, f, std::move(parsed.module));
            },
            // A parser that fails (it never should) costs its file, not the batch.
            [self, b, f, p, bytes](caf::error& err) {
              self->state.parser_bytes[p] -= bytes;
              auto& file = b->files[f];
              file.out.error =
                error_info{"analysis.parser", "the parser failed: " + self->system().render(err),
                           file.out.path, false};
              file.settled = true;
              file_done(b);
            });
      }
      return rp;
    },
    [self](const deadline_tick& tick) { on_deadline(self, tick); },
  };
}

} // namespace

validation_pipeline_actor spawn_validation_pipeline(caf::actor_system& sys,
                                                    analysis::pipeline_config config,
                                                    std::size_t parsers) {
  return caf::actor_cast<validation_pipeline_actor>(
    sys.spawn(validation_pipeline, std::move(config), parsers));
}

} // namespace genflow
