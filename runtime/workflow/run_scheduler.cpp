#include "runtime/workflow/run_scheduler.hpp"

#include <algorithm>
#include <cmath>

namespace genflow::workflow {

namespace {

using std::chrono::nanoseconds;

std::string format_duration(nanoseconds d) {
  using namespace std::chrono;
  auto ns = d.count();
  if (ns % 1'000'000'000 == 0)
    return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0)
    return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0)
    return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

bool stage_ok(stage_status s) noexcept {
  return s == stage_status::succeeded || s == stage_status::partial;
}

} // namespace

run_scheduler::run_scheduler(const execution_plan& plan, executor_options options,
                             std::string correlation_id, std::string node_name,
                             run_effects& effects, clock_function clock, std::uint64_t seed)
  : plan_(plan),
    options_(options),
    correlation_id_(std::move(correlation_id)),
    node_name_(std::move(node_name)),
    effects_(effects),
    clock_(std::move(clock)),
    rng_(seed),
    steps_(plan.step_count()),
    stages_(plan.stage_count()) {
  result_.workflow_id = plan.definition().id;
  result_.correlation_id = correlation_id_;
  result_.steps_total = static_cast<std::uint32_t>(plan.step_count());
  auto unix_now = std::chrono::duration_cast<nanoseconds>(
    std::chrono::system_clock::now().time_since_epoch());
  unix_offset_ns_ = unix_now.count() - clock_().count();
}

std::uint32_t run_scheduler::add_worker(std::uint32_t credits) {
  auto index = static_cast<std::uint32_t>(workers_.size());
  workers_.push_back(worker_state{credits, 0, true});
  for (std::uint32_t i = 0; i < credits; ++i)
    free_credits_.push_back(index);
  if (started_ && !finished_)
    dispatch();
  return index;
}

void run_scheduler::start() {
  if (started_)
    return;
  started_ = true;
  started_at_ = now();
  if (options_.workflow_timeout.count() > 0)
    effects_.arm(run_timer{run_timer::kind::workflow_deadline, 0, 0}, options_.workflow_timeout);
  begin_stages();
}

// -- events -------------------------------------------------------------------

void run_scheduler::on_report(step_report report) {
  auto it = std::find_if(leases_.begin(), leases_.end(), [&](const lease_record& l) {
    return l.step == report.step_index && l.attempt == report.attempt;
  });
  if (it == leases_.end())
    return; // unknown or duplicate: nothing to do
  auto worker = it->worker;
  leases_.erase(it);
  auto& w = workers_[worker];
  --w.busy;
  if (w.alive)
    free_credits_.push_back(worker);
  if (finished_)
    return;
  auto& s = steps_[report.step_index];
  if (s.status == step_status::running && s.attempt == report.attempt) {
    --in_flight_;
    s.execution_time += report.execution_time;
    s.worker = report.worker;
    auto t = now();
    record_span("step.execute", t - report.execution_time, report.execution_time, report.worker);
    for (const auto& span : report.spans)
      spans_.push_back(span);
    if (report.ok()) {
      step_succeeded(report.step_index, std::move(report.outputs));
    } else {
      // A failure may still explain itself in its outputs (exit code, validator findings).
      s.outputs = std::move(report.outputs);
      auto err = report.error;
      if (err.where.empty())
        err.where = plan_.step_def(report.step_index).id;
      step_failed(report.step_index, std::move(err), step_status::failed);
    }
  }
  begin_stages();
}

void run_scheduler::on_timer(const run_timer& t) {
  if (finished_)
    return;
  switch (t.what) {
    case run_timer::kind::step_deadline: {
      auto& s = steps_[t.index];
      if (s.status != step_status::running || s.attempt != t.attempt)
        return;
      withdraw(t.index, true);
      const auto& id = plan_.step_def(t.index).id;
      step_failed(t.index,
                  error_info{"step.timeout",
                             "step '" + id + "' exceeded its deadline of "
                               + format_duration(step_timeout(t.index)) + " (attempt "
                               + std::to_string(t.attempt) + ")",
                             id, true},
                  step_status::timed_out);
      break;
    }
    case run_timer::kind::retry: {
      auto& s = steps_[t.index];
      if (!s.waiting_retry || s.attempt != t.attempt)
        return;
      s.waiting_retry = false;
      s.ready_at = now();
      ready_.push_back(t.index);
      break;
    }
    case run_timer::kind::stage_deadline: {
      auto& st = stages_[t.index];
      if (st.status != stage_status::running)
        return;
      const auto& def = plan_.stage_def(t.index);
      auto limit = def.timeout.count() > 0 ? def.timeout : options_.stage_timeout;
      error_info cause{"stage.timeout",
                       "stage '" + def.id + "' exceeded its deadline of " + format_duration(limit),
                       def.id, false};
      const auto& node = plan_.stage(t.index);
      ready_.erase(std::remove_if(ready_.begin(), ready_.end(),
                                  [&](std::uint32_t i) {
                                    return i >= node.first && i < node.first + node.count;
                                  }),
                   ready_.end());
      for (auto i = node.first; i < node.first + node.count; ++i) {
        if (terminal(i))
          continue;
        if (steps_[i].status == step_status::running)
          withdraw(i, true);
        steps_[i].waiting_retry = false;
        auto err = cause;
        err.where = plan_.step_def(i).id;
        finish_step(i, step_status::timed_out, err);
      }
      st.status = stage_status::timed_out;
      st.error = cause;
      st.finished_at = now();
      record_span("stage.run", st.started_at, st.finished_at - st.started_at);
      result_.errors.push_back(cause);
      effects_.stage_finished(t.index);
      if (options_.fast_fail) {
        stop_everything(step_status::cancelled,
                        error_info{"workflow.fast_fail",
                                   "stopped after stage '" + def.id + "' timed out", def.id});
        finish_run(workflow_status::failed);
        return;
      }
      break;
    }
    case run_timer::kind::workflow_deadline: {
      error_info cause{"workflow.timeout",
                       "workflow '" + plan_.definition().id + "' exceeded its deadline of "
                         + format_duration(options_.workflow_timeout),
                       plan_.definition().id, false};
      result_.errors.push_back(cause);
      stop_everything(step_status::cancelled, cause);
      finish_run(workflow_status::timed_out);
      return;
    }
  }
  begin_stages();
}

void run_scheduler::set_max_parallel(std::uint32_t n) {
  options_.max_parallel = n;
  if (started_ && !finished_)
    begin_stages();
}

void run_scheduler::on_worker_down(std::uint32_t worker, const std::string& reason) {
  if (worker >= workers_.size() || !workers_[worker].alive)
    return;
  workers_[worker].alive = false;
  free_credits_.erase(std::remove(free_credits_.begin(), free_credits_.end(), worker),
                      free_credits_.end());
  std::vector<lease_record> lost;
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (it->worker == worker) {
      lost.push_back(*it);
      it = leases_.erase(it);
    } else {
      ++it;
    }
  }
  if (finished_)
    return;
  for (const auto& l : lost) {
    auto& s = steps_[l.step];
    if (s.status != step_status::running || s.attempt != l.attempt)
      continue;
    --in_flight_;
    const auto& id = plan_.step_def(l.step).id;
    step_failed(l.step, error_info{"step.worker_lost", "worker lost: " + reason, id, true},
                step_status::failed);
  }
  begin_stages();
}

// -- properties -------------------------------------------------------------------

run_progress run_scheduler::progress() const {
  run_progress p;
  p.correlation_id = correlation_id_;
  p.running = started_ && !finished_;
  p.stage_count = static_cast<std::uint32_t>(stages_.size());
  p.total = static_cast<std::uint32_t>(steps_.size());
  for (std::uint32_t i = 0; i < steps_.size(); ++i)
    if (terminal(i))
      ++p.done;
  auto k = std::min<std::size_t>(current_stage_, stages_.size() - 1);
  const auto& node = plan_.stage(static_cast<std::uint32_t>(k));
  p.stage_position = static_cast<std::uint32_t>(k + 1);
  p.stage_id = plan_.stage_def(static_cast<std::uint32_t>(k)).id;
  p.stage_total = node.count;
  p.stage_done = node.count - stages_[k].open;
  if (stages_[k].status == stage_status::pending)
    p.stage_done = 0;
  return p;
}

std::vector<step_output> run_scheduler::upstream(std::uint32_t step) const {
  std::vector<step_output> out;
  const auto& deps = plan_.node(step).deps;
  out.reserve(deps.size());
  for (auto d : deps)
    out.push_back(step_output{plan_.step_def(d).id, steps_[d].outputs});
  return out;
}

std::chrono::nanoseconds run_scheduler::step_timeout(std::uint32_t step) const noexcept {
  const auto& def = plan_.step_def(step);
  return def.timeout.count() > 0 ? def.timeout : options_.step_timeout;
}

std::vector<timing_span> run_scheduler::take_spans() {
  std::vector<timing_span> out;
  out.swap(spans_);
  return out;
}

std::chrono::nanoseconds run_scheduler::backoff_delay(const backoff_policy& p,
                                                      std::uint32_t attempt, double u) noexcept {
  // attempt 2 waits initial_delay, attempt 3 initial * multiplier, ... capped at max_delay.
  auto failures = attempt > 1 ? attempt - 1 : 1;
  double base = static_cast<double>(p.initial_delay.count())
                * std::pow(p.multiplier, static_cast<double>(failures - 1));
  base = std::min(base, static_cast<double>(p.max_delay.count()));
  double jittered = base * (1.0 - p.jitter * std::clamp(u, 0.0, 1.0));
  return nanoseconds{static_cast<std::int64_t>(jittered)};
}

// -- internals ----------------------------------------------------------------------

bool run_scheduler::terminal(std::uint32_t step) const noexcept {
  auto s = steps_[step].status;
  return s != step_status::pending && s != step_status::running;
}

void run_scheduler::begin_stages() {
  while (!finished_) {
    if (current_stage_ >= stages_.size()) {
      bool ok = std::all_of(stages_.begin(), stages_.end(),
                            [](const stage_state& s) { return stage_ok(s.status); });
      finish_run(ok ? workflow_status::succeeded : workflow_status::failed);
      return;
    }
    auto& st = stages_[current_stage_];
    if (st.status == stage_status::pending)
      begin_stage(current_stage_);
    if (st.status == stage_status::running) {
      if (st.open > 0) {
        dispatch();
        return;
      }
      // Every step is terminal: settle the stage.
      const auto& def = plan_.stage_def(current_stage_);
      if (st.failed > 0)
        st.status = def.allow_partial_failure ? stage_status::partial : stage_status::failed;
      else if (st.skipped > 0)
        st.status = stage_status::partial;
      else
        st.status = stage_status::succeeded;
      st.finished_at = now();
      record_span("stage.run", st.started_at, st.finished_at - st.started_at);
      effects_.stage_finished(current_stage_);
    }
    ++current_stage_;
  }
}

void run_scheduler::begin_stage(std::uint32_t stage) {
  auto& st = stages_[stage];
  const auto& node = plan_.stage(stage);
  const auto& def = plan_.stage_def(stage);
  auto t = now();
  st.started_at = t;
  st.open = node.count;
  // A stage runs only after the stages it depends on succeeded.
  for (auto dep : node.depends_on) {
    if (stage_ok(stages_[dep].status))
      continue;
    const auto& dep_def = plan_.stage_def(dep);
    error_info cause{"stage.skipped",
                     "stage '" + def.id + "' did not run: stage '" + dep_def.id + "' "
                       + to_string(stages_[dep].status),
                     def.id, false};
    for (auto i = node.first; i < node.first + node.count; ++i) {
      auto err = cause;
      err.where = plan_.step_def(i).id;
      finish_step(i, step_status::skipped, err);
    }
    st.status = stage_status::skipped;
    st.error = cause;
    st.finished_at = t;
    effects_.stage_finished(stage);
    return;
  }
  st.status = stage_status::running;
  auto limit = def.timeout.count() > 0 ? def.timeout : options_.stage_timeout;
  if (limit.count() > 0)
    effects_.arm(run_timer{run_timer::kind::stage_deadline, stage, 0}, limit);
  // Count dependencies inside the stage; dependencies in earlier stages are settled.
  std::vector<std::uint32_t> doomed;
  for (auto i = node.first; i < node.first + node.count; ++i) {
    auto& s = steps_[i];
    for (auto dep : plan_.node(i).deps) {
      if (dep >= node.first) {
        ++s.waiting_on;
      } else if (steps_[dep].status != step_status::succeeded) {
        if (doomed.empty() || doomed.back() != i)
          doomed.push_back(i);
      }
    }
  }
  for (auto i : doomed) {
    if (terminal(i))
      continue;
    // Name the first dependency that did not succeed.
    for (auto dep : plan_.node(i).deps) {
      if (dep < node.first && steps_[dep].status != step_status::succeeded) {
        const auto& dep_id = plan_.step_def(dep).id;
        finish_step(i, step_status::skipped,
                    error_info{"step.skipped",
                               "skipped: dependency '" + dep_id + "' "
                                 + to_string(steps_[dep].status),
                               plan_.step_def(i).id, false});
        skip_dependents(i);
        break;
      }
    }
  }
  for (auto i = node.first; i < node.first + node.count; ++i) {
    auto& s = steps_[i];
    if (s.status == step_status::pending && s.waiting_on == 0) {
      s.ready_at = t;
      ready_.push_back(i);
    }
  }
}

bool run_scheduler::has_capacity() const noexcept {
  return options_.max_parallel == 0 || in_flight_ < options_.max_parallel;
}

std::uint32_t run_scheduler::take_worker() {
  auto w = free_credits_.back();
  free_credits_.pop_back();
  ++workers_[w].busy;
  return w;
}

void run_scheduler::dispatch() {
  while (!ready_.empty() && has_capacity() && !free_credits_.empty()) {
    auto step = ready_.front();
    ready_.pop_front();
    auto& s = steps_[step];
    auto worker = take_worker();
    ++s.attempt;
    s.status = step_status::running;
    auto t = now();
    s.leased_at = t;
    ++in_flight_;
    leases_.push_back(lease_record{step, s.attempt, worker});
    record_span("step.queue", s.ready_at, t - s.ready_at);
    auto stage = plan_.node(step).stage;
    auto& st = stages_[stage];
    if (!st.first_lease_seen) {
      st.first_lease_seen = true;
      if (stage > 0 && stages_[stage - 1].finished_at.count() > 0)
        result_.max_stage_transition =
          std::max(result_.max_stage_transition, t - stages_[stage - 1].finished_at);
    }
    effects_.lease(step, s.attempt, worker);
    auto limit = step_timeout(step);
    if (limit.count() > 0)
      effects_.arm(run_timer{run_timer::kind::step_deadline, step, s.attempt}, limit);
  }
}

void run_scheduler::step_succeeded(std::uint32_t step, value outputs) {
  steps_[step].outputs = std::move(outputs);
  finish_step(step, step_status::succeeded, {});
  auto stage = plan_.node(step).stage;
  const auto& node = plan_.stage(stage);
  auto t = now();
  for (auto d : plan_.node(step).dependents) {
    if (d < node.first || d >= node.first + node.count)
      continue; // later stages count their dependencies when they begin
    auto& s = steps_[d];
    if (s.status == step_status::pending && --s.waiting_on == 0) {
      s.ready_at = t;
      ready_.push_back(d);
    }
  }
}

void run_scheduler::step_failed(std::uint32_t step, error_info error, step_status status) {
  auto& s = steps_[step];
  auto max_attempts = 1 + plan_.step_def(step).retries;
  if (error.retryable && s.attempt < max_attempts) {
    s.status = step_status::pending;
    s.waiting_retry = true;
    s.error = error;
    ++result_.retries;
    std::uniform_real_distribution<double> u{0.0, 1.0};
    auto delay = backoff_delay(options_.backoff, s.attempt + 1, u(rng_));
    effects_.arm(run_timer{run_timer::kind::retry, step, s.attempt}, delay);
    return;
  }
  finish_step(step, status, error);
  result_.errors.push_back(std::move(error));
  if (options_.fast_fail) {
    const auto& id = plan_.step_def(step).id;
    stop_everything(step_status::cancelled,
                    error_info{"workflow.fast_fail", "stopped: step '" + id + "' " + to_string(status),
                               id, false});
    finish_run(workflow_status::failed);
    return;
  }
  skip_dependents(step);
}

void run_scheduler::finish_step(std::uint32_t step, step_status status, error_info error) {
  auto& s = steps_[step];
  s.status = status;
  s.error = std::move(error);
  s.finished_at = now();
  auto& st = stages_[plan_.node(step).stage];
  if (st.open > 0)
    --st.open;
  if (status == step_status::failed || status == step_status::timed_out)
    ++st.failed;
  else if (status == step_status::skipped || status == step_status::cancelled)
    ++st.skipped;
}

void run_scheduler::skip_dependents(std::uint32_t step) {
  auto stage = plan_.node(step).stage;
  const auto& node = plan_.stage(stage);
  std::vector<std::uint32_t> stack{step};
  while (!stack.empty()) {
    auto cause = stack.back();
    stack.pop_back();
    for (auto d : plan_.node(cause).dependents) {
      if (d < node.first || d >= node.first + node.count || terminal(d))
        continue;
      finish_step(d, step_status::skipped,
                  error_info{"step.skipped",
                             "skipped: dependency '" + plan_.step_def(cause).id + "' "
                               + to_string(steps_[cause].status),
                             plan_.step_def(d).id, false});
      stack.push_back(d);
    }
  }
}

void run_scheduler::withdraw(std::uint32_t step, bool free_slot) {
  auto& s = steps_[step];
  auto it = std::find_if(leases_.begin(), leases_.end(), [&](const lease_record& l) {
    return l.step == step && l.attempt == s.attempt;
  });
  if (it != leases_.end())
    effects_.cancel(step, s.attempt, it->worker);
  if (free_slot && s.status == step_status::running)
    --in_flight_;
}

void run_scheduler::stop_everything(step_status status, const error_info& cause) {
  ready_.clear();
  auto t = now();
  for (std::uint32_t i = 0; i < steps_.size(); ++i) {
    if (terminal(i))
      continue;
    auto err = cause;
    err.where = plan_.step_def(i).id;
    if (steps_[i].status == step_status::running) {
      withdraw(i, true);
      // A run deadline cuts running steps short: they timed out.
      finish_step(i, cause.code == "workflow.timeout" ? step_status::timed_out : status, err);
    } else {
      finish_step(i, status, err);
    }
  }
  for (std::uint32_t k = 0; k < stages_.size(); ++k) {
    auto& st = stages_[k];
    if (st.status == stage_status::running || st.status == stage_status::pending) {
      if (st.status == stage_status::running) {
        st.finished_at = t;
        record_span("stage.run", st.started_at, t - st.started_at);
      }
      st.status = cause.code == "workflow.timeout" && st.status == stage_status::running
                    ? stage_status::timed_out
                    : stage_status::cancelled;
      st.error = cause;
    }
  }
}

void run_scheduler::finish_run(workflow_status status) {
  if (finished_)
    return;
  finished_ = true;
  auto t = now();
  auto& r = result_;
  r.status = status;
  r.wall_time = t - started_at_;
  r.stages.clear();
  std::vector<nanoseconds> weights(steps_.size());
  for (std::uint32_t k = 0; k < stages_.size(); ++k) {
    const auto& st = stages_[k];
    const auto& node = plan_.stage(k);
    stage_result sr;
    sr.stage_id = plan_.stage_def(k).id;
    sr.number = plan_.stage_def(k).number;
    sr.status = st.status;
    sr.error = st.error;
    sr.duration = st.finished_at.count() > 0 ? st.finished_at - st.started_at : nanoseconds{0};
    for (auto i = node.first; i < node.first + node.count; ++i) {
      auto& s = steps_[i];
      step_result res;
      res.step_id = plan_.step_def(i).id;
      res.status = s.status;
      res.outputs = std::move(s.outputs); // the run is over: no dependent reads them again
      res.error = s.error;
      res.attempts = s.attempt;
      res.execution_time = s.execution_time;
      res.duration = s.ready_at.count() > 0 || s.attempt > 0 ? s.finished_at - s.ready_at
                                                              : nanoseconds{0};
      res.worker = s.worker;
      weights[i] = s.execution_time;
      r.execution_time += s.execution_time;
      switch (s.status) {
        case step_status::succeeded:
          ++sr.succeeded;
          ++r.steps_succeeded;
          break;
        case step_status::failed:
        case step_status::timed_out:
          ++sr.failed;
          ++r.steps_failed;
          break;
        default:
          ++sr.skipped;
          ++r.steps_skipped;
          break;
      }
      sr.steps.push_back(std::move(res));
    }
    r.stages.push_back(std::move(sr));
  }
  r.critical_path = plan_.critical_path(weights);
  record_span("workflow.run", started_at_, r.wall_time);
  effects_.run_finished();
}

void run_scheduler::record_span(std::string operation, nanoseconds start, nanoseconds duration,
                                std::string node) {
  timing_span span;
  span.operation = std::move(operation);
  span.node = node.empty() ? node_name_ : std::move(node);
  span.correlation_id = correlation_id_;
  span.start_unix_ns = start.count() + unix_offset_ns_;
  span.duration = duration;
  spans_.push_back(std::move(span));
}

} // namespace genflow::workflow
