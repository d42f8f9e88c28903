#include "runtime/workflow/loader.hpp"

#include <algorithm>

#include "runtime/io/files.hpp"
#include "runtime/io/yaml_reader.hpp"
#include "runtime/workflow/plan.hpp"

namespace genflow::workflow {

namespace {

using io::optional_field;
using io::required;
using io::yaml_reader;

/// Where each stage and step came from, to locate problems found after parsing.
struct origin {
  YAML::Node node;
  std::string path;
};

YAML::Node member(const YAML::Node& map, const char* key) {
  if (!map.IsMap())
    return YAML::Node{YAML::NodeType::Undefined};
  for (const auto& kv : map)
    if (kv.first.Scalar() == key)
      return kv.second;
  return YAML::Node{YAML::NodeType::Undefined};
}

void read_backoff(yaml_reader& in, const YAML::Node& node, const std::string& path,
                  backoff_policy& out) {
  if (!in.expect_map(node, path))
    return;
  in.allow_keys(node, path, {"initial", "max", "multiplier", "jitter"});
  if (auto x = in.get_duration(node, "initial", path, optional_field))
    out.initial_delay = *x;
  if (auto x = in.get_duration(node, "max", path, optional_field))
    out.max_delay = *x;
  if (auto x = in.get_number(node, "multiplier", path, optional_field)) {
    if (*x < 1.0 || *x > 100.0)
      in.fail(member(node, "multiplier"), yaml_reader::join(path, "multiplier"), "yaml.range",
              "'multiplier' must be between 1 and 100");
    else
      out.multiplier = *x;
  }
  if (auto x = in.get_number(node, "jitter", path, optional_field)) {
    if (*x < 0.0 || *x > 1.0)
      in.fail(member(node, "jitter"), yaml_reader::join(path, "jitter"), "yaml.range",
              "'jitter' must be between 0 and 1");
    else
      out.jitter = *x;
  }
  if (out.max_delay < out.initial_delay)
    in.fail(node, path, "yaml.range", "backoff 'max' is smaller than 'initial'");
}

void read_executor(yaml_reader& in, const YAML::Node& node, executor_options& out) {
  const std::string path = "executor";
  if (!in.expect_map(node, path))
    return;
  in.allow_keys(node, path,
                {"max_parallel", "fast_fail", "step_timeout", "stage_timeout", "workflow_timeout",
                 "backoff"});
  if (auto x = in.get_int(node, "max_parallel", path, optional_field, 0, 100000))
    out.max_parallel = static_cast<std::uint32_t>(*x);
  if (auto x = in.get_bool(node, "fast_fail", path, optional_field))
    out.fast_fail = *x;
  if (auto x = in.get_duration(node, "step_timeout", path, optional_field))
    out.step_timeout = *x;
  if (auto x = in.get_duration(node, "stage_timeout", path, optional_field))
    out.stage_timeout = *x;
  if (auto x = in.get_duration(node, "workflow_timeout", path, optional_field))
    out.workflow_timeout = *x;
  if (auto b = member(node, "backoff"); b.IsDefined() && !b.IsNull())
    read_backoff(in, b, yaml_reader::join(path, "backoff"), out.backoff);
}

/// Replaces {item}, {item.key} and {params.key} in `text`; nullopt (with `problem` set) when a
/// placeholder names nothing.
std::optional<std::string> substitute(const std::string& text, const value& item,
                                      const value& params, std::string& problem) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    if (open == std::string::npos) {
      out.append(text, pos, std::string::npos);
      break;
    }
    auto close = text.find('}', open);
    if (close == std::string::npos) {
      out.append(text, pos, std::string::npos);
      break;
    }
    out.append(text, pos, open - pos);
    auto name = text.substr(open + 1, close - open - 1);
    const value* found = nullptr;
    if (name == "item" && !item.is_null()) {
      found = &item;
    } else if (name.rfind("item.", 0) == 0 && item.is_object()) {
      found = item.find(name.substr(5));
    } else if (name.rfind("params.", 0) == 0) {
      found = params.find(name.substr(7));
    } else {
      // Not a placeholder of ours (e.g. a shell brace): keep it.
      out.append(text, open, close - open + 1);
      pos = close + 1;
      continue;
    }
    if (!found || !(found->is_string() || found->is_number() || found->is_bool())) {
      problem = "placeholder {" + name + "} names no " + (found ? "scalar" : "value");
      return std::nullopt;
    }
    if (found->is_string())
      out += found->as_string();
    else if (found->is_int())
      out += std::to_string(found->as_int());
    else if (found->is_bool())
      out += found->as_bool() ? "true" : "false";
    else
      out += std::to_string(found->as_number());
    pos = close + 1;
  }
  return out;
}

/// Applies `substitute` to every string inside `x`.
std::optional<value> substitute_all(const value& x, const value& item, const value& params,
                                    std::string& problem) {
  switch (x.type()) {
    case value::kind::string: {
      auto s = substitute(x.as_string(), item, params, problem);
      if (!s)
        return std::nullopt;
      return value{std::move(*s)};
    }
    case value::kind::array: {
      value::array_type xs;
      for (const auto& e : x.as_array()) {
        auto y = substitute_all(e, item, params, problem);
        if (!y)
          return std::nullopt;
        xs.push_back(std::move(*y));
      }
      return value{std::move(xs)};
    }
    case value::kind::object: {
      value::object_type xs;
      for (const auto& [k, e] : x.as_object()) {
        auto y = substitute_all(e, item, params, problem);
        if (!y)
          return std::nullopt;
        xs.emplace_back(k, std::move(*y));
      }
      return value{std::move(xs)};
    }
    default:
      return x;
  }
}

step_definition read_step(yaml_reader& in, const YAML::Node& node, const std::string& path) {
  step_definition out;
  if (!in.expect_map(node, path))
    return out;
  in.allow_keys(node, path,
                {"id", "handler", "inputs", "depends_on", "timeout", "retries", "for_each"});
  if (auto x = in.get_string(node, "id", path, required))
    out.id = *x;
  if (auto x = in.get_string(node, "handler", path, required))
    out.handler = *x;
  if (auto x = member(node, "inputs"); x.IsDefined() && !x.IsNull()) {
    if (in.expect_map(x, yaml_reader::join(path, "inputs")))
      out.inputs = yaml_reader::to_value(x);
  } else {
    out.inputs = value::object_type{};
  }
  if (auto x = in.get_string_list(node, "depends_on", path, optional_field))
    out.depends_on = std::move(*x);
  if (auto x = in.get_duration(node, "timeout", path, optional_field))
    out.timeout = *x;
  if (auto x = in.get_int(node, "retries", path, optional_field, 0, 100))
    out.retries = static_cast<std::uint32_t>(*x);
  return out;
}

/// Locates a problem found by check_definition in the YAML it came from.
error_info locate(const yaml_reader& in, const definition_problem& p,
                  const std::vector<origin>& stages,
                  const std::vector<std::vector<origin>>& steps) {
  const origin* at = nullptr;
  if (p.stage >= 0 && p.step >= 0)
    at = &steps[static_cast<std::size_t>(p.stage)][static_cast<std::size_t>(p.step)];
  else if (p.stage >= 0)
    at = &stages[static_cast<std::size_t>(p.stage)];
  std::string code = std::string{"workflow."} + to_string(p.code);
  if (!at)
    return error_info{code, p.message, in.where(YAML::Node{}, p.field), false};
  // Narrow to the field's node: "depends_on[2]" -> element 2, "inputs.argv" -> inputs.argv.
  YAML::Node node = at->node;
  std::string field = p.field;
  std::string rest = field;
  while (!rest.empty() && node.IsDefined()) {
    auto dot = rest.find('.');
    std::string part = rest.substr(0, dot);
    rest = dot == std::string::npos ? "" : rest.substr(dot + 1);
    std::size_t index = std::string::npos;
    if (auto br = part.find('['); br != std::string::npos) {
      index = std::stoul(part.substr(br + 1));
      part = part.substr(0, br);
    }
    auto next = member(node, part.c_str());
    if (!next.IsDefined())
      break;
    node = next;
    if (index != std::string::npos && node.IsSequence() && index < node.size())
      node = node[index];
  }
  return error_info{code, p.message, in.where(node, yaml_reader::join(at->path, field)), false};
}

} // namespace

load_report parse_workflow(std::string_view yaml_text, std::string file,
                           const handler_registry& handlers, const value& params) {
  load_report report;
  yaml_reader in{file};
  auto root = in.parse(yaml_text);
  if (!root) {
    report.errors = in.errors();
    return report;
  }
  workflow_definition def;
  def.source = file;
  std::vector<origin> stage_origins;
  std::vector<std::vector<origin>> step_origins;
  if (in.expect_map(*root, "")) {
    in.allow_keys(*root, "", {"id", "name", "description", "executor", "stages"});
    if (auto x = in.get_string(*root, "id", "", required))
      def.id = *x;
    if (auto x = in.get_string(*root, "name", "", optional_field))
      def.name = *x;
    in.get_string(*root, "description", "", optional_field);
    if (auto x = member(*root, "executor"); x.IsDefined() && !x.IsNull())
      read_executor(in, x, def.options);
    auto stages = member(*root, "stages");
    if (!stages.IsDefined() || stages.IsNull()) {
      in.fail(*root, "stages", "yaml.missing", "missing required field 'stages'");
    } else if (in.expect_sequence(stages, "stages")) {
      for (std::size_t s = 0; s < stages.size(); ++s) {
        auto node = stages[s];
        auto path = yaml_reader::index("stages", s);
        stage_definition st;
        st.number = static_cast<std::uint32_t>(s + 1);
        std::vector<origin> steps_here;
        if (in.expect_map(node, path)) {
          in.allow_keys(node, path,
                        {"id", "name", "number", "depends_on", "timeout", "allow_partial_failure",
                         "steps"});
          if (auto x = in.get_string(node, "id", path, required))
            st.id = *x;
          in.get_string(node, "name", path, optional_field);
          if (auto x = in.get_int(node, "number", path, optional_field, 1, 100000))
            st.number = static_cast<std::uint32_t>(*x);
          if (member(node, "depends_on").IsDefined()) {
            if (auto x = in.get_string_list(node, "depends_on", path, optional_field))
              st.depends_on = std::move(*x);
          } else if (s > 0 && !def.stages.empty()) {
            st.depends_on.push_back(def.stages.back().id);
          }
          if (auto x = in.get_duration(node, "timeout", path, optional_field))
            st.timeout = *x;
          if (auto x = in.get_bool(node, "allow_partial_failure", path, optional_field))
            st.allow_partial_failure = *x;
          auto steps = member(node, "steps");
          if (!steps.IsDefined() || steps.IsNull()) {
            // An absent list is an empty stage: check_definition reports it.
          } else if (in.expect_sequence(steps, yaml_reader::join(path, "steps"))) {
            for (std::size_t k = 0; k < steps.size(); ++k) {
              auto step_path = yaml_reader::index(yaml_reader::join(path, "steps"), k);
              auto templ = read_step(in, steps[k], step_path);
              // Expand for_each over a run parameter list (none: the step once).
              value items = value::array_type{value{}};
              if (auto list = in.get_string(steps[k], "for_each", step_path, optional_field)) {
                const auto* found = params.find(*list);
                if (!found || !found->is_array()) {
                  in.fail(member(steps[k], "for_each"), yaml_reader::join(step_path, "for_each"),
                          "workflow.for_each",
                          "for_each names '" + *list + "', which is not a list parameter of this run");
                  continue;
                }
                items = *found;
              }
              for (const auto& item : items.as_array()) {
                step_definition sp = templ;
                std::string problem;
                auto id = substitute(templ.id, item, params, problem);
                auto inputs = substitute_all(templ.inputs, item, params, problem);
                std::vector<std::string> deps;
                for (const auto& d : templ.depends_on)
                  if (auto x = substitute(d, item, params, problem))
                    deps.push_back(std::move(*x));
                if (!id || !inputs || !problem.empty()) {
                  in.fail(steps[k], step_path, "workflow.placeholder", problem);
                  break;
                }
                sp.id = std::move(*id);
                sp.inputs = std::move(*inputs);
                sp.depends_on = std::move(deps);
                st.steps.push_back(std::move(sp));
                steps_here.push_back(origin{steps[k], step_path});
              }
            }
          }
        }
        def.stages.push_back(std::move(st));
        stage_origins.push_back(origin{node, path});
        step_origins.push_back(std::move(steps_here));
      }
    }
  }
  if (in.ok()) {
    for (const auto& p : check_definition(def, &handlers))
      report.errors.push_back(locate(in, p, stage_origins, step_origins));
  } else {
    report.errors = in.errors();
  }
  if (report.errors.empty())
    report.workflow = std::move(def);
  return report;
}

load_report load_workflow_file(const std::string& path, const handler_registry& handlers,
                               const value& params) {
  auto text = io::read_file(path);
  if (!text) {
    load_report report;
    report.errors.push_back(text.error());
    return report;
  }
  return parse_workflow(*text, path, handlers, params);
}

} // namespace genflow::workflow
