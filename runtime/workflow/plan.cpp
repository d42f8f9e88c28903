#include "runtime/workflow/plan.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace genflow::workflow {

const char* to_string(workflow_errc x) noexcept {
  switch (x) {
    case workflow_errc::invalid_id:
      return "invalid_id";
    case workflow_errc::duplicate_id:
      return "duplicate_id";
    case workflow_errc::unknown_dependency:
      return "unknown_dependency";
    case workflow_errc::later_stage_dependency:
      return "later_stage_dependency";
    case workflow_errc::self_dependency:
      return "self_dependency";
    case workflow_errc::cycle:
      return "cycle";
    case workflow_errc::empty_stage:
      return "empty_stage";
    case workflow_errc::bad_stage_number:
      return "bad_stage_number";
    case workflow_errc::unknown_handler:
      return "unknown_handler";
    case workflow_errc::bad_inputs:
      return "bad_inputs";
    case workflow_errc::no_stages:
      return "no_stages";
  }
  return "unknown";
}

namespace {

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 200)
    return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

std::string join_names(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) {
    if (!out.empty())
      out += ", ";
    out += x;
  }
  return out;
}

/// Stage indexes sorted by number (ties by position).
std::vector<std::size_t> stage_order(const workflow_definition& def) {
  std::vector<std::size_t> order(def.stages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return def.stages[a].number < def.stages[b].number;
  });
  return order;
}

} // namespace

std::vector<definition_problem> check_definition(const workflow_definition& def,
                                                 const handler_registry* handlers) {
  std::vector<definition_problem> out;
  auto add = [&](workflow_errc code, std::string msg, int stage, int step, std::string field) {
    out.push_back(definition_problem{code, std::move(msg), stage, step, std::move(field)});
  };
  if (def.stages.empty()) {
    add(workflow_errc::no_stages, "a workflow needs at least one stage", -1, -1, "stages");
    return out;
  }
  // Stage ids, numbers and position in the run order.
  std::unordered_map<std::string, int> stage_by_id;
  std::vector<int> rank(def.stages.size(), 0); // position in run order
  {
    auto order = stage_order(def);
    for (std::size_t r = 0; r < order.size(); ++r)
      rank[order[r]] = static_cast<int>(r);
    std::vector<int> seen_number(def.stages.size() + 1, -1);
    for (std::size_t s = 0; s < def.stages.size(); ++s) {
      const auto& st = def.stages[s];
      auto si = static_cast<int>(s);
      if (!valid_id(st.id))
        add(workflow_errc::invalid_id,
            "stage id '" + st.id + "' must be non-empty letters, digits, '_', '-' or '.'", si, -1,
            "id");
      else if (!stage_by_id.emplace(st.id, si).second)
        add(workflow_errc::duplicate_id, "stage id '" + st.id + "' is used twice", si, -1, "id");
      if (st.number < 1 || st.number > def.stages.size())
        add(workflow_errc::bad_stage_number,
            "stage number " + std::to_string(st.number) + " is outside 1.."
              + std::to_string(def.stages.size()) + " (numbers must be consecutive from 1)",
            si, -1, "number");
      else if (seen_number[st.number] >= 0)
        add(workflow_errc::bad_stage_number,
            "stage number " + std::to_string(st.number) + " is also used by stage '"
              + def.stages[static_cast<std::size_t>(seen_number[st.number])].id + "'",
            si, -1, "number");
      else
        seen_number[st.number] = si;
      if (st.steps.empty())
        add(workflow_errc::empty_stage, "stage '" + st.id + "' has no steps", si, -1, "steps");
    }
  }
  // Stage dependencies point to earlier stages.
  for (std::size_t s = 0; s < def.stages.size(); ++s) {
    const auto& st = def.stages[s];
    for (std::size_t d = 0; d < st.depends_on.size(); ++d) {
      auto field = "depends_on[" + std::to_string(d) + "]";
      auto it = stage_by_id.find(st.depends_on[d]);
      auto si = static_cast<int>(s);
      if (it == stage_by_id.end())
        add(workflow_errc::unknown_dependency,
            "stage '" + st.id + "' depends on unknown stage '" + st.depends_on[d] + "'", si, -1,
            field);
      else if (it->second == si)
        add(workflow_errc::self_dependency, "stage '" + st.id + "' depends on itself", si, -1,
            field);
      else if (rank[static_cast<std::size_t>(it->second)] > rank[s])
        add(workflow_errc::later_stage_dependency,
            "stage '" + st.id + "' depends on stage '" + st.depends_on[d]
              + "', which runs after it",
            si, -1, field);
    }
  }
  // Step ids, handlers, inputs.
  struct where_t {
    int stage;
    int step;
  };
  std::unordered_map<std::string, where_t> step_by_id;
  for (std::size_t s = 0; s < def.stages.size(); ++s) {
    const auto& st = def.stages[s];
    for (std::size_t k = 0; k < st.steps.size(); ++k) {
      const auto& sp = st.steps[k];
      auto si = static_cast<int>(s);
      auto ki = static_cast<int>(k);
      if (!valid_id(sp.id))
        add(workflow_errc::invalid_id,
            "step id '" + sp.id + "' must be non-empty letters, digits, '_', '-' or '.'", si, ki,
            "id");
      else if (auto [it, fresh] = step_by_id.emplace(sp.id, where_t{si, ki}); !fresh)
        add(workflow_errc::duplicate_id,
            "step id '" + sp.id + "' is also used in stage '"
              + def.stages[static_cast<std::size_t>(it->second.stage)].id + "'",
            si, ki, "id");
      if (handlers) {
        const auto* h = handlers->find(sp.handler);
        if (!h)
          add(workflow_errc::unknown_handler,
              "unknown handler '" + sp.handler + "' (known: " + join_names(handlers->names()) + ")",
              si, ki, "handler");
        else if (auto problem = h->check_inputs(sp.inputs))
          add(workflow_errc::bad_inputs, "handler '" + sp.handler + "': " + problem->message, si,
              ki, problem->field.empty() ? "inputs" : "inputs." + problem->field);
      }
    }
  }
  // Step dependencies: known, not self, not in a later stage.
  bool deps_ok = true;
  for (std::size_t s = 0; s < def.stages.size(); ++s) {
    const auto& st = def.stages[s];
    for (std::size_t k = 0; k < st.steps.size(); ++k) {
      const auto& sp = st.steps[k];
      for (std::size_t d = 0; d < sp.depends_on.size(); ++d) {
        auto field = "depends_on[" + std::to_string(d) + "]";
        auto si = static_cast<int>(s);
        auto ki = static_cast<int>(k);
        auto it = step_by_id.find(sp.depends_on[d]);
        if (it == step_by_id.end()) {
          add(workflow_errc::unknown_dependency,
              "step '" + sp.id + "' depends on unknown step '" + sp.depends_on[d] + "'", si, ki,
              field);
          deps_ok = false;
        } else if (it->second.stage == si && it->second.step == ki) {
          add(workflow_errc::self_dependency, "step '" + sp.id + "' depends on itself", si, ki,
              field);
          deps_ok = false;
        } else if (rank[static_cast<std::size_t>(it->second.stage)] > rank[s]) {
          add(workflow_errc::later_stage_dependency,
              "step '" + sp.id + "' depends on step '" + sp.depends_on[d] + "' of later stage '"
                + def.stages[static_cast<std::size_t>(it->second.stage)].id + "'",
              si, ki, field);
          deps_ok = false;
        }
      }
    }
  }
  if (!deps_ok || !out.empty())
    return out;
  // Cycles inside a stage (iterative DFS, white/grey/black; the grey stack is the path).
  for (std::size_t s = 0; s < def.stages.size(); ++s) {
    const auto& st = def.stages[s];
    std::unordered_map<std::string, std::size_t> local;
    for (std::size_t k = 0; k < st.steps.size(); ++k)
      local.emplace(st.steps[k].id, k);
    std::vector<int> color(st.steps.size(), 0);
    for (std::size_t root = 0; root < st.steps.size(); ++root) {
      if (color[root] != 0)
        continue;
      std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
      color[root] = 1;
      bool found = false;
      while (!stack.empty() && !found) {
        auto& [v, next] = stack.back();
        const auto& deps = st.steps[v].depends_on;
        if (next == deps.size()) {
          color[v] = 2;
          stack.pop_back();
          continue;
        }
        auto it = local.find(deps[next++]);
        if (it == local.end())
          continue; // earlier stage
        auto w = it->second;
        if (color[w] == 0) {
          color[w] = 1;
          stack.emplace_back(w, 0);
        } else if (color[w] == 1) {
          // Path from w to v on the stack, then back to w.
          std::string path;
          bool on = false;
          for (const auto& frame : stack) {
            on = on || frame.first == w;
            if (on)
              path += st.steps[frame.first].id + " -> ";
          }
          path += st.steps[w].id;
          add(workflow_errc::cycle, "dependency cycle: " + path, static_cast<int>(s),
              static_cast<int>(w), "depends_on");
          found = true;
        }
      }
      if (found)
        break;
    }
  }
  return out;
}

error_info to_error(const definition_problem& p, const workflow_definition& def) {
  std::string where = def.source.empty() ? std::string{"workflow '"} + def.id + "'" : def.source;
  if (p.stage >= 0) {
    const auto& st = def.stages[static_cast<std::size_t>(p.stage)];
    where += " stage '" + st.id + "'";
    if (p.step >= 0)
      where += " step '" + st.steps[static_cast<std::size_t>(p.step)].id + "'";
  }
  if (!p.field.empty())
    where += " " + p.field;
  return error_info{std::string{"workflow."} + to_string(p.code), p.message, std::move(where),
                    false};
}

expected<execution_plan> execution_plan::build(workflow_definition def,
                                               const handler_registry* handlers) {
  auto problems = check_definition(def, handlers);
  if (!problems.empty()) {
    auto err = to_error(problems.front(), def);
    for (std::size_t i = 1; i < problems.size(); ++i)
      err.message += "\n" + to_error(problems[i], def).to_string();
    return err;
  }
  execution_plan plan;
  plan.def_ = std::make_shared<const workflow_definition>(std::move(def));
  const auto& d = *plan.def_;
  auto order = stage_order(d);
  std::unordered_map<std::string, std::uint32_t> stage_index, step_index;
  for (auto s : order) {
    const auto& st = d.stages[s];
    stage_node sn;
    sn.first = static_cast<std::uint32_t>(plan.steps_.size());
    sn.count = static_cast<std::uint32_t>(st.steps.size());
    auto si = static_cast<std::uint32_t>(plan.stages_.size());
    stage_index.emplace(st.id, si);
    for (const auto& dep : st.depends_on)
      sn.depends_on.push_back(stage_index.at(dep));
    plan.stages_.push_back(std::move(sn));
    plan.stage_defs_.push_back(&st);
    for (const auto& sp : st.steps) {
      step_index.emplace(sp.id, static_cast<std::uint32_t>(plan.steps_.size()));
      step_node node;
      node.stage = si;
      plan.steps_.push_back(std::move(node));
      plan.step_defs_.push_back(&sp);
    }
  }
  for (std::uint32_t i = 0; i < plan.steps_.size(); ++i)
    for (const auto& dep : plan.step_defs_[i]->depends_on) {
      auto j = step_index.at(dep);
      plan.steps_[i].deps.push_back(j);
      plan.steps_[j].dependents.push_back(i);
    }
  return plan;
}

std::chrono::nanoseconds
execution_plan::critical_path(const std::vector<std::chrono::nanoseconds>& weight) const {
  std::vector<std::chrono::nanoseconds> finish(steps_.size(), std::chrono::nanoseconds{0});
  std::chrono::nanoseconds total{0};
  for (const auto& st : stages_) {
    // Longest chain inside the stage: relax in topological order (Kahn on local edges).
    std::vector<std::uint32_t> indegree(st.count, 0);
    for (std::uint32_t k = 0; k < st.count; ++k)
      for (auto dep : steps_[st.first + k].deps)
        if (dep >= st.first && dep < st.first + st.count)
          ++indegree[k];
    std::vector<std::uint32_t> ready;
    for (std::uint32_t k = 0; k < st.count; ++k)
      if (indegree[k] == 0)
        ready.push_back(st.first + k);
    std::chrono::nanoseconds longest{0};
    while (!ready.empty()) {
      auto i = ready.back();
      ready.pop_back();
      std::chrono::nanoseconds start{0};
      for (auto dep : steps_[i].deps)
        if (dep >= st.first && dep < st.first + st.count)
          start = std::max(start, finish[dep]);
      finish[i] = start + (i < weight.size() ? weight[i] : std::chrono::nanoseconds{0});
      longest = std::max(longest, finish[i]);
      for (auto next : steps_[i].dependents)
        if (next >= st.first && next < st.first + st.count && --indegree[next - st.first] == 0)
          ready.push_back(next);
    }
    total += longest;
  }
  return total;
}

} // namespace genflow::workflow
