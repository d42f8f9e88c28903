#include <algorithm>
#include <chrono>

#include "runtime/io/process.hpp"
#include "runtime/io/yaml_reader.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow::workflow {

namespace {

using namespace std::chrono_literals;

/// Reads a duration input: "250ms", "2s" or a number of seconds.
std::optional<std::chrono::nanoseconds> duration_input(const value& x) {
  if (x.is_string())
    return io::yaml_reader::parse_duration(x.as_string());
  if (x.is_number() && x.as_number() >= 0)
    return std::chrono::nanoseconds{static_cast<std::int64_t>(x.as_number() * 1e9)};
  return std::nullopt;
}

/// `noop`: succeeds at once; its outputs are its inputs, so dependents can read them.
class noop_handler final : public step_handler {
public:
  std::string_view name() const noexcept override { return "noop"; }
  std::string_view summary() const noexcept override {
    return "succeeds at once; outputs its inputs";
  }
  void start(const step_invocation& inv, step_services&, step_completion done) const override {
    done(step_outcome::success(inv.inputs));
  }
};

/// `sleep`: waits `duration` without holding a thread (a timer on the worker). For load tests
/// and for modelling I/O-bound steps.
class sleep_handler final : public step_handler {
public:
  std::string_view name() const noexcept override { return "sleep"; }
  std::string_view summary() const noexcept override {
    return "waits inputs.duration (e.g. 10ms) without blocking a thread";
  }
  std::optional<input_problem> check_inputs(const value& inputs) const override {
    const auto* d = inputs.find("duration");
    if (!d)
      return input_problem{"duration", "missing 'duration' (e.g. 10ms)"};
    if (!duration_input(*d))
      return input_problem{"duration", "'duration' must be a duration like 10ms or 2s"};
    for (const auto& [k, v] : inputs.as_object())
      if (k != "duration")
        return input_problem{k, "unknown input '" + k + "' (expected: duration)"};
    return std::nullopt;
  }
  void start(const step_invocation& inv, step_services& services,
             step_completion done) const override {
    auto d = duration_input(inv.inputs.get("duration"));
    if (!d) {
      done(step_outcome::failure(
        error_info{"step.bad_inputs", "'duration' must be a duration like 10ms", inv.step_id}));
      return;
    }
    auto slept = *d;
    services.after(slept, [done = std::move(done), slept] {
      done(step_outcome::success(value::object_type{{"slept_ns", slept.count()}}));
    });
  }
};

/// `exec`: runs a program (no shell) on the blocking pool, with the lease deadline as its
/// timeout. Inputs: argv (list, required), stdin (string), cwd (string), timeout (duration,
/// bounded by the lease), retry_exit_codes (exit codes worth retrying). Outputs: exit_code,
/// stdout, stderr. A non-zero exit fails the step with the tail of stderr.
class exec_handler final : public step_handler {
public:
  std::string_view name() const noexcept override { return "exec"; }
  std::string_view summary() const noexcept override {
    return "runs inputs.argv (no shell); outputs exit_code, stdout, stderr";
  }
  std::optional<input_problem> check_inputs(const value& inputs) const override {
    const auto* argv = inputs.find("argv");
    if (!argv || !argv->is_array() || argv->size() == 0)
      return input_problem{"argv", "'argv' must be a non-empty list of strings"};
    for (std::size_t i = 0; i < argv->size(); ++i)
      if (!argv->as_array()[i].is_string())
        return input_problem{"argv[" + std::to_string(i) + "]", "argv entries must be strings"};
    for (const auto& [k, v] : inputs.as_object()) {
      if (k == "argv")
        continue;
      if ((k == "stdin" || k == "cwd") && !v.is_string())
        return input_problem{k, "'" + k + "' must be a string"};
      if (k == "timeout" && !duration_input(v))
        return input_problem{k, "'timeout' must be a duration like 10s"};
      if (k == "retry_exit_codes") {
        if (!v.is_array())
          return input_problem{k, "'retry_exit_codes' must be a list of integers"};
        for (const auto& c : v.as_array())
          if (!c.is_int())
            return input_problem{k, "'retry_exit_codes' must be a list of integers"};
        continue;
      }
      if (k != "stdin" && k != "cwd" && k != "timeout")
        return input_problem{k, "unknown input '" + k
                                  + "' (expected: argv, stdin, cwd, timeout, retry_exit_codes)"};
    }
    return std::nullopt;
  }

  void start(const step_invocation& inv, step_services& services,
             step_completion done) const override {
    if (auto problem = check_inputs(inv.inputs)) {
      done(step_outcome::failure(
        error_info{"step.bad_inputs", problem->message, inv.step_id + " inputs." + problem->field}));
      return;
    }
    io::process_request req;
    for (const auto& a : inv.inputs.get("argv").as_array())
      req.argv.push_back(a.as_string());
    req.stdin_data = inv.inputs.get_string("stdin");
    req.working_dir = inv.inputs.get_string("cwd");
    req.timeout = inv.timeout;
    if (auto t = duration_input(inv.inputs.get("timeout")))
      req.timeout = req.timeout.count() > 0 ? std::min(req.timeout, *t) : *t;
    std::vector<std::int64_t> retry_codes;
    if (const auto* codes = inv.inputs.find("retry_exit_codes"))
      for (const auto& c : codes->as_array())
        retry_codes.push_back(c.as_int());
    services.run_blocking(
      [req = std::move(req), cancelled = inv.cancelled, step_id = inv.step_id,
       retry_codes = std::move(retry_codes)]() -> step_outcome {
        auto res = io::run_process(req, cancelled.get());
        if (!res) {
          auto err = res.error();
          err.where = step_id;
          return step_outcome::failure(std::move(err));
        }
        value outputs = value::object_type{{"exit_code", res->exit_code},
                                           {"stdout", res->stdout_data},
                                           {"stderr", res->stderr_data}};
        if (res->timed_out) {
          auto out = step_outcome::failure(error_info{
            "step.timeout",
            req.argv[0] + " ran longer than "
              + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(req.timeout)
                                 .count())
              + " ms and was killed",
            step_id, true});
          out.outputs = std::move(outputs);
          return out;
        }
        if (res->cancelled)
          return step_outcome::failure(error_info{"step.cancelled", "cancelled", step_id});
        if (!res->succeeded()) {
          std::string tail = res->stderr_data.size() > 400
                               ? res->stderr_data.substr(res->stderr_data.size() - 400)
                               : res->stderr_data;
          while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r'))
            tail.pop_back();
          std::string msg = res->term_signal != 0
                              ? req.argv[0] + " was killed by signal "
                                  + std::to_string(res->term_signal)
                              : req.argv[0] + " exited with status " + std::to_string(res->exit_code);
          if (!tail.empty())
            msg += ": " + tail;
          bool retryable = std::find(retry_codes.begin(), retry_codes.end(), res->exit_code)
                           != retry_codes.end();
          auto out = step_outcome::failure(error_info{"step.exit_code", msg, step_id, retryable});
          out.outputs = std::move(outputs);
          return out;
        }
        return step_outcome::success(std::move(outputs));
      },
      std::move(done));
  }
};

} // namespace

void add_builtin_handlers(handler_registry& registry) {
  registry.add(std::make_shared<noop_handler>());
  registry.add(std::make_shared<sleep_handler>());
  registry.add(std::make_shared<exec_handler>());
}

} // namespace genflow::workflow
