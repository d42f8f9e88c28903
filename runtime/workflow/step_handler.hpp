#pragma once

/// Step handlers: the named units of work a step runs ("exec", "sleep", "noop", and the
/// code-generation handlers). A handler is plain C++; the step worker actor calls it and gives it
/// `step_services` for what only the worker can do without blocking a scheduler thread: timers
/// and blocking work on a separate pool.
///
/// Contract: `start` calls `done` exactly once, either before returning (compute handlers) or
/// later from a service callback (timers, blocking work). It never throws and never blocks.
///
/// @code
/// class echo_handler : public step_handler {
///   std::string_view name() const noexcept override { return "echo"; }
///   std::string_view summary() const noexcept override { return "returns its inputs"; }
///   void start(const step_invocation& inv, step_services&, step_completion done) const override {
///     done(step_outcome::success(inv.inputs));
///   }
/// };
/// @endcode

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "messages/error.hpp"
#include "messages/execution.hpp"
#include "messages/profiling.hpp"
#include "messages/value.hpp"

namespace genflow::workflow {

/// Everything a handler learns about the step it runs.
struct step_invocation {
  std::string correlation_id;
  std::string step_id;
  value inputs;
  /// Outputs of the step's dependencies, in `depends_on` order.
  std::vector<step_output> upstream;
  std::uint32_t attempt = 1;
  /// The lease deadline (0 = none): handlers that run external work bound it by this.
  std::chrono::nanoseconds timeout{0};
  /// Set when the lease is withdrawn; long-running handlers poll it.
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);

  /// The outputs of dependency `step_id`, or null.
  const value& upstream_outputs(std::string_view step_id) const noexcept;
};

struct step_outcome {
  value outputs;
  /// Empty code: success.
  error_info error;
  /// Sub-operation spans for the profiler ("template.render", ...).
  std::vector<timing_span> spans;

  bool ok() const noexcept { return error.code.empty(); }
  static step_outcome success(value outputs);
  static step_outcome failure(error_info error);
};

using step_completion = std::function<void(step_outcome)>;

/// What the hosting worker provides to handlers.
class step_services {
public:
  virtual ~step_services() = default;

  /// Runs `fn` on the worker after `delay`, without blocking any thread meanwhile.
  virtual void after(std::chrono::nanoseconds delay, std::function<void()> fn) = 0;

  /// Runs `fn` on a blocking-work thread; its result completes the step through `done`.
  virtual void run_blocking(std::function<step_outcome()> fn, step_completion done) = 0;

  /// The worker's name ("node/worker-3"), for spans.
  virtual const std::string& worker_name() const noexcept = 0;

  /// A node service by its interface type (e.g. codegen::template_service), or nullptr when the
  /// worker's node does not offer it.
  template <class Service>
  Service* service() noexcept {
    return static_cast<Service*>(find_service(typeid(Service)));
  }

protected:
  /// Looks a service up by interface type; the default offers none.
  virtual void* find_service(const std::type_info& interface) noexcept;
};

/// A problem with a step's inputs, found when the workflow is loaded.
struct input_problem {
  /// Field path inside `inputs` ("argv", "duration").
  std::string field;
  std::string message;
};

class step_handler {
public:
  virtual ~step_handler() = default;

  virtual std::string_view name() const noexcept = 0;

  /// One line for help texts and error messages.
  virtual std::string_view summary() const noexcept = 0;

  /// Checks a step's inputs at load time so that bad workflows fail before running.
  virtual std::optional<input_problem> check_inputs(const value& inputs) const;

  /// Starts the step; see the contract above.
  virtual void start(const step_invocation& inv, step_services& services,
                     step_completion done) const = 0;
};

/// Handlers by name. Built once per process, then shared read-only by all workers.
class handler_registry {
public:
  /// Adds or replaces a handler.
  void add(std::shared_ptr<const step_handler> handler);

  const step_handler* find(std::string_view name) const noexcept;

  /// Sorted names, for error messages.
  std::vector<std::string> names() const;

private:
  std::vector<std::shared_ptr<const step_handler>> handlers_;
};

/// `exec` (run a program, no shell), `sleep` (wait without blocking; for load tests) and `noop`
/// (succeeds at once, echoing its inputs).
void add_builtin_handlers(handler_registry& registry);

} // namespace genflow::workflow
