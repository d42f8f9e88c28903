// Executor benchmark: 3 stages x N steps (N = 3, 10, 100), empty steps and 10 ms sleeping
// steps, concurrency 10 and unbounded. Prints wall time, overhead per step, stage transition
// and peak RSS per case, beside the Python original's figures (python-baseline.md).
//
//   genflow_bench_executor [--repetitions R]
//
// Each case runs in its own child process (so peak RSS is the case's own), on one actor system:
// warm-up runs first (the first spawns the worker pool; the next bring allocator and caches to
// their steady state), then the measured runs; figures are medians. Empty-step runs take tens of
// microseconds, so they get 50 warm-up and 300 measured runs; sleeping ones 1 and 15.
// `--repetitions R` sets the measured runs of every case. Overhead per step = (wall - ideal) / 3N,
// where ideal = 0 for empty steps and 3 * ceil(N / concurrency) * 10 ms for sleeping steps (the
// definition python-baseline.md uses). Wall is measured by a driver actor from sending run_workflow
// to the executor to receiving the result, so it includes checking the definition, building its
// plan and spawning the run's supervisor, but no blocking caller.
//
// Last, it measures how late a bare 10 ms sleep ends here (1 ns timer slack, 200 sleeps): each
// wave of sleeping steps inherits that lateness.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "nodes/node_config.hpp"
#include "nodes/standalone.hpp"

namespace {

using namespace std::chrono;
using namespace genflow;

struct bench_case {
  int steps;
  bool sleeping;
  int concurrency; // 0 = unbounded
  // Python original (python-baseline.md), concurrency 10 only.
  double python_wall_ms;
  double python_overhead_us;
  double python_transition_ms;
};

const std::vector<bench_case> cases = {
  {3, false, 10, 2.0, 219, 0.6},      {10, false, 10, 4.3, 143, 1.4},
  {100, false, 10, 168, 559, 9.3},    {3, true, 10, 33.8, 417, 0.9},
  {10, true, 10, 36.7, 224, 1.9},     {100, true, 10, 522, 740, 9.6},
  {3, false, 0, -1, -1, -1},          {10, false, 0, -1, -1, -1},
  {100, false, 0, -1, -1, -1},        {3, true, 0, -1, -1, -1},
  {10, true, 0, -1, -1, -1},          {100, true, 0, -1, -1, -1},
};

workflow_definition make_workflow(const bench_case& c) {
  workflow_definition w;
  w.id = "bench";
  for (int s = 1; s <= 3; ++s) {
    stage_definition st;
    st.id = "s" + std::to_string(s);
    st.number = static_cast<std::uint32_t>(s);
    if (s > 1)
      st.depends_on = {"s" + std::to_string(s - 1)};
    for (int i = 0; i < c.steps; ++i) {
      step_definition sp;
      sp.id = st.id + "-" + std::to_string(i);
      sp.handler = c.sleeping ? "sleep" : "noop";
      sp.inputs = c.sleeping ? value{value::object_type{{"duration", "10ms"}}}
                             : value{value::object_type{}};
      st.steps.push_back(std::move(sp));
    }
    w.stages.push_back(std::move(st));
  }
  w.options.max_parallel = static_cast<std::uint32_t>(c.concurrency);
  return w;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  auto n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

/// What one run leaves: its round trip and the figures read from its result.
struct measurement {
  double wall_ms;
  bool succeeded;
  std::string error;
  double transition_us;
};

/// Runs `def` `runs` times back to back from inside an actor and records each round trip.
caf::behavior driver(caf::event_based_actor* self, workflow_executor_actor executor,
                     workflow_definition def, int runs, std::vector<measurement>* out,
                     caf::actor done) {
  auto next = std::make_shared<std::function<void()>>();
  *next = [=] {
    auto t0 = steady_clock::now();
    self->request(executor, caf::infinite, run_workflow{def, {}}).then([=](workflow_result& r) {
      auto wall = duration<double, std::milli>(steady_clock::now() - t0).count();
      out->push_back({wall, r.status == workflow_status::succeeded,
                      r.errors.empty() ? std::string{} : r.errors[0].to_string(),
                      duration<double, std::micro>(r.max_stage_transition).count()});
      if (static_cast<int>(out->size()) < runs)
        (*next)();
      else
        self->send(done, true);
    });
  };
  (*next)();
  return {};
}

/// The floor under sleeping steps: how late a bare 10 ms sleep ends on this machine, with the
/// timer slack the timer thread uses (1 ns). Prints median, 10th and 90th percentile.
void print_timer_floor() {
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::vector<double> late_us;
  for (int i = 0; i < 200; ++i) {
    auto t0 = steady_clock::now();
    std::this_thread::sleep_until(t0 + milliseconds{10});
    late_us.push_back(duration<double, std::micro>(steady_clock::now() - t0).count() - 10000.0);
  }
  std::sort(late_us.begin(), late_us.end());
  std::printf("\nA bare 10 ms sleep (std::this_thread::sleep_until, timer slack 1 ns, 200 sleeps) "
              "ends %.0f µs late (median; p10 %.0f µs, p90 %.0f µs).\n",
              late_us[100], late_us[20], late_us[180]);
}

/// Child: runs one case and prints "wall_ms overhead_us transition_us rss_kib".
/// `repetitions` <= 0: the case's default.
int run_case(const bench_case& c, int repetitions) {
  int warm_up = c.sleeping ? 1 : 50;
  if (repetitions <= 0)
    repetitions = c.sleeping ? 15 : 300;
  nodes::node_config cfg;
  caf::actor_system sys{cfg};
  std::vector<double> walls, overheads, transitions;
  {
    auto started = nodes::standalone_node::start(sys, {});
    if (!started) {
      std::fprintf(stderr, "%s\n", started.error().to_string().c_str());
      return 1;
    }
    auto& node = **started;
    auto def = make_workflow(c);
    int conc = c.concurrency == 0 ? c.steps : c.concurrency;
    double ideal_ms = c.sleeping ? 3.0 * std::ceil(double(c.steps) / conc) * 10.0 : 0.0;
    std::vector<measurement> runs;
    caf::scoped_actor self{sys};
    runs.reserve(static_cast<std::size_t>(warm_up + repetitions));
    sys.spawn(driver, node.executor(), def, warm_up + repetitions, &runs, caf::actor{self});
    self->receive([](bool) {});
    for (std::size_t r = 0; r < runs.size(); ++r) {
      if (!runs[r].succeeded) {
        std::fprintf(stderr, "run failed: %s\n",
                     runs[r].error.empty() ? "?" : runs[r].error.c_str());
        return 1;
      }
      if (r < static_cast<std::size_t>(warm_up))
        continue;
      walls.push_back(runs[r].wall_ms);
      overheads.push_back((runs[r].wall_ms - ideal_ms) * 1000.0 / (3.0 * c.steps));
      transitions.push_back(runs[r].transition_us);
    }
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%.3f %.2f %.2f %ld\n", median(walls), median(overheads), median(transitions),
              ru.ru_maxrss);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  int repetitions = 0; // each case's default
  int only = -1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--repetitions") && i + 1 < argc)
      repetitions = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--case") && i + 1 < argc)
      only = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--repetitions R]\n", argv[0]);
      return 2;
    }
  }
  if (only >= 0)
    return run_case(cases.at(static_cast<std::size_t>(only)), repetitions);
  std::printf("| steps | work | concurrency | wall (ideal) | overhead/step | stage transition | "
              "peak RSS | Python wall | Python overhead/step | Python transition |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const auto& c = cases[k];
    int fds[2];
    if (pipe(fds) != 0)
      return 1;
    auto pid = fork();
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      auto reps = std::to_string(repetitions);
      auto which = std::to_string(k);
      execl("/proc/self/exe", argv[0], "--case", which.c_str(), "--repetitions", reps.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    char buf[256] = {};
    auto n = read(fds[0], buf, sizeof(buf) - 1);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    double wall = 0, over = 0, trans = 0;
    long rss = 0;
    if (n <= 0 || std::sscanf(buf, "%lf %lf %lf %ld", &wall, &over, &trans, &rss) != 4) {
      std::printf("| %d | %s | %s | case failed |\n", c.steps, c.sleeping ? "10 ms" : "empty",
                  c.concurrency ? "10" : "unbounded");
      continue;
    }
    int conc = c.concurrency == 0 ? c.steps : c.concurrency;
    double ideal = c.sleeping ? 3.0 * std::ceil(double(c.steps) / conc) * 10.0 : 0.0;
    char py_wall[32] = "–", py_over[32] = "–", py_trans[32] = "–";
    if (c.python_wall_ms > 0) {
      std::snprintf(py_wall, sizeof py_wall, "%.1f ms", c.python_wall_ms);
      std::snprintf(py_over, sizeof py_over, "%.0f µs", c.python_overhead_us);
      std::snprintf(py_trans, sizeof py_trans, "%.1f ms", c.python_transition_ms);
    }
    std::printf("| %d | %s | %s | %.2f ms (%.0f) | %.2f µs | %.1f µs | %.1f MiB | %s | %s | %s |\n",
                c.steps, c.sleeping ? "10 ms" : "empty", c.concurrency ? "10" : "unbounded", wall,
                ideal, over, trans, rss / 1024.0, py_wall, py_over, py_trans);
    std::fflush(stdout);
  }
  print_timer_floor();
  return 0;
}
