// The render context of a node package. Besides `contracts::to_value(c)` it carries:
//
//   description_lines    the description wrapped for a class docstring (84 columns)
//   package_root         "order_sync_effect/v1_2_0";  package_module: "order_sync_effect.v1_2_0"
//   operations           [{name, literal}] the operations the node dispatches (io_operations,
//                        else capabilities, else "process"); operation_literals: the literals
//   has_io_operations, has_operation_registry, has_health_checks: flags
//   circuit_breaker      null, or {failure_threshold, half_open_max_calls,
//                        recovery_timeout_literal} when enabled
//   retry_policy         null, or {max_attempts, initial_delay_literal, max_delay_literal,
//                        backoff_literal, retryable_exception_literals} when enabled
//   security             null, or {max_input_length, forbidden_pattern_literals,
//                        redact_field_literals} when enabled
//   io_operations        each with description_lines, input_module, output_module
//   models               the model descriptors (model_catalog.hpp)
//   input_model / output_model / state_model   {class_name, module} (state_model: reducers)
//   model_classes        every model class, sorted; node_model_classes: those node.py imports
//   health_check_components  [{name, critical, critical_literal, timeout_literal}]: the
//                        contract's components, then MixinHealthCheck's not already listed
//   config_entries       [{key, key_literal, value_literal, description}]
//   tracked_field_literals   reducer state_management.tracked_state as literals;
//   sample_field_literal the first of them (or "count"), for the reducer's tests
//   imports              {standard_library, omnibase_core}: import lines of node.py (the
//                        omnibase_core group includes the enabled mixins)
//   base_classes         [base class, enabled mixins...]
//   mixin_summaries      [{name, summary}] for docstrings
//   advanced_feature_blocks / subcontract_blocks  [{key, block}] of the declared blocks
//   performance_target_lines  ["latency_ms: 50", ...] for the README

#include <algorithm>
#include <set>

#include "runtime/codegen/model_catalog.hpp"
#include "runtime/codegen/plan.hpp"
#include "runtime/codegen/python_source.hpp"
#include "runtime/contracts/contract_parser.hpp"

namespace genflow::codegen {

namespace {

using contracts::node_type;

value string_array(const std::vector<std::string>& xs) {
  value::array_type out;
  for (const auto& x : xs)
    out.emplace_back(x);
  return value{std::move(out)};
}

value literal_array(const std::vector<std::string>& xs) {
  value::array_type out;
  for (const auto& x : xs)
    out.emplace_back(python_string_literal(x));
  return value{std::move(out)};
}

value doc_lines(std::string_view text, std::size_t width) {
  return string_array(wrap_words(docstring_text(text), width));
}

std::string mixin_summary(std::string_view name) {
  static const std::vector<std::pair<std::string_view, std::string_view>> summaries{
    {"MixinHealthCheck", "component health checks with timeouts"},
    {"MixinMetrics", "latency, throughput and error-rate metrics"},
    {"MixinLogData", "structured logging with redaction of sensitive fields"},
    {"MixinEventDrivenNode", "consumes and publishes events on the event bus"},
    {"MixinServiceRegistry", "registers the node with the service registry"},
    {"MixinEventBus", "event bus access"},
    {"MixinCaching", "result caching"},
    {"MixinNodeIntrospection", "introspection events for discovery"},
  };
  for (const auto& [n, s] : summaries)
    if (n == name)
      return std::string{s};
  return "omnibase_core " + std::string{name} + " capabilities";
}

value health_components(const contracts::contract& c) {
  value::array_type out;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, bool critical, double timeout) {
    if (!seen.insert(name).second)
      return;
    out.push_back(value::object_type{{"name", name},
                                     {"critical", critical},
                                     {"critical_literal", critical ? "True" : "False"},
                                     {"timeout_literal", python_literal(value{timeout})}});
  };
  for (const auto& h : c.health_checks)
    add(h.name, h.critical, h.timeout_seconds);
  for (const auto& m : c.mixins) {
    if (m.name != "MixinHealthCheck" || !m.enabled)
      continue;
    const auto& comps = m.config.get("components");
    if (!comps.is_array())
      continue;
    for (const auto& comp : comps.as_array()) {
      const auto& crit = comp.get("critical");
      const auto& timeout = comp.get("timeout_seconds");
      add(comp.get_string("name"), crit.is_bool() ? crit.as_bool() : true,
          timeout.is_number() ? timeout.as_number() : 5.0);
    }
  }
  return value{std::move(out)};
}

value imports(const contracts::contract& c, bool registry, bool health, bool retry, bool security) {
  std::vector<std::string> std_lib{"import time", "from typing import Any"};
  if (retry || health)
    std_lib.push_back("import asyncio");
  if (security)
    std_lib.push_back("import re");
  if (registry || health)
    std_lib.push_back("from collections.abc import Awaitable, Callable");
  std::string type{contracts::to_string(c.type)};
  std::string title{contracts::suffix(c.type)};
  std::vector<std::string> core{
    "from omnibase_core.enums.enum_log_level import EnumLogLevel",
    "from omnibase_core.errors.error_codes import EnumCoreErrorCode",
    "from omnibase_core.errors.model_onex_error import ModelOnexError",
    "from omnibase_core.logging.structured import emit_log_event_sync as emit_log_event",
    "from omnibase_core.models.container.model_onex_container import ModelONEXContainer",
    "from omnibase_core.nodes.node_" + type + " import Node" + title,
  };
  for (const auto& m : c.mixins)
    if (m.enabled)
      core.push_back("from " + std::string{contracts::mixin_module(m.name)} + " import " + m.name);
  // isort order inside the standard-library group: plain imports, then from-imports.
  std::sort(std_lib.begin(), std_lib.end(), [](const std::string& x, const std::string& y) {
    bool fx = x.rfind("from ", 0) == 0, fy = y.rfind("from ", 0) == 0;
    return fx != fy ? fy : x < y;
  });
  return value::object_type{{"standard_library", string_array(std_lib)},
                            {"omnibase_core", string_array(core)}};
}

} // namespace

value render_context(const contracts::contract& c) {
  value ctx = to_value(c);
  auto root = package_root(c);
  auto module_path = root;
  std::replace(module_path.begin(), module_path.end(), '/', '.');
  ctx.set("package_root", root);
  ctx.set("package_module", module_path);
  ctx.set("description_lines", doc_lines(c.description, 84));

  // Operations and the flags that decide which sections a node has.
  auto ops = operation_names(c);
  value::array_type op_values;
  for (const auto& op : ops)
    op_values.push_back(value::object_type{{"name", op}, {"literal", python_string_literal(op)}});
  ctx.set("operations", value{std::move(op_values)});
  ctx.set("operation_literals", literal_array(ops));
  bool registry = c.type != node_type::reducer || !c.io_operations.empty();
  auto components = health_components(c);
  bool health = components.size() > 0;
  ctx.set("has_io_operations", !c.io_operations.empty());
  ctx.set("has_operation_registry", registry);
  ctx.set("has_health_checks", health);
  ctx.set("health_check_components", components);

  // Enabled advanced features as the generated code uses them.
  const auto* cb = c.features && c.features->circuit_breaker && c.features->circuit_breaker->enabled
                     ? &*c.features->circuit_breaker
                     : nullptr;
  const auto* rp = c.features && c.features->retry_policy && c.features->retry_policy->enabled
                     ? &*c.features->retry_policy
                     : nullptr;
  const auto* sv =
    c.features && c.features->security_validation && c.features->security_validation->enabled
      ? &*c.features->security_validation
      : nullptr;
  ctx.set("circuit_breaker",
          cb ? value{value::object_type{
            {"failure_threshold", cb->failure_threshold},
            {"half_open_max_calls", cb->half_open_max_calls},
            {"recovery_timeout_literal",
             python_literal(value{static_cast<double>(cb->recovery_timeout_ms) / 1000.0})}}}
             : value{});
  ctx.set(
    "retry_policy",
    rp ? value{value::object_type{
      {"max_attempts", rp->max_attempts},
      {"initial_delay_literal",
       python_literal(value{static_cast<double>(rp->initial_delay_ms) / 1000.0})},
      {"max_delay_literal", python_literal(value{static_cast<double>(rp->max_delay_ms) / 1000.0})},
      {"backoff_literal", python_literal(value{rp->backoff_multiplier})},
      {"retryable_exception_literals", literal_array(rp->retryable_exceptions)}}}
       : value{});
  ctx.set("security", sv ? value{value::object_type{
                        {"max_input_length", sv->max_input_length},
                        {"forbidden_pattern_literals", literal_array(sv->forbidden_patterns)},
                        {"redact_field_literals", literal_array(sv->redact_fields)}}}
                         : value{});

  // Models.
  auto models = model_catalog(c);
  auto ref = [&](const std::string& class_name) {
    for (const auto& m : models)
      if (m.get_string("class_name") == class_name)
        return value{
          value::object_type{{"class_name", class_name}, {"module", m.get_string("module")}}};
    return value{};
  };
  ctx.set("input_model", ref(input_state_class(c)));
  ctx.set("output_model", ref(output_state_class(c)));
  ctx.set("state_model", c.type == node_type::reducer ? ref(reducer_state_class(c)) : value{});
  std::vector<std::string> classes, node_classes{input_state_class(c), output_state_class(c)};
  for (const auto& m : models)
    classes.push_back(m.get_string("class_name"));
  if (c.type == node_type::reducer)
    node_classes.push_back(reducer_state_class(c));
  value::array_type operations;
  for (const auto& op : c.io_operations) {
    node_classes.push_back(op.input_model);
    node_classes.push_back(op.output_model);
    operations.push_back(value::object_type{
      {"name", op.name},
      {"literal", python_string_literal(op.name)},
      {"description", op.description},
      {"description_lines",
       doc_lines(op.description.empty() ? "Run the " + op.name + " operation." : op.description,
                 80)},
      {"input_model", op.input_model},
      {"output_model", op.output_model},
      {"input_module", ref(op.input_model).get_string("module")},
      {"output_module", ref(op.output_model).get_string("module")}});
  }
  ctx.set("io_operations", value{std::move(operations)});
  for (auto* xs : {&classes, &node_classes}) {
    std::sort(xs->begin(), xs->end());
    xs->erase(std::unique(xs->begin(), xs->end()), xs->end());
  }
  ctx.set("models", value{value::array_type{models.begin(), models.end()}});
  ctx.set("model_classes", string_array(classes));
  ctx.set("node_model_classes", string_array(node_classes));

  // Configuration defaults, reducer tracking, orchestrator steps.
  value::array_type config;
  for (const auto& p : c.configuration)
    config.push_back(value::object_type{{"key", p.key},
                                        {"key_literal", python_string_literal(p.key)},
                                        {"value_literal", python_literal(p.default_value)},
                                        {"description", p.description}});
  ctx.set("config_entries", value{std::move(config)});
  std::vector<std::string> tracked;
  if (const auto& t = c.subcontracts.state_management.get("tracked_state"); t.is_array())
    for (const auto& x : t.as_array())
      if (x.is_string())
        tracked.push_back(x.as_string());
  ctx.set("tracked_field_literals", literal_array(tracked));
  ctx.set("sample_field_literal",
          python_string_literal(tracked.empty() ? "count" : tracked.front()));

  ctx.set("imports", imports(c, registry, health, rp != nullptr, sv != nullptr));
  std::vector<std::string> bases{"Node" + std::string{contracts::suffix(c.type)}};
  value::array_type summaries;
  for (const auto& m : c.mixins)
    if (m.enabled) {
      bases.push_back(m.name);
      summaries.push_back(value::object_type{{"name", m.name}, {"summary", mixin_summary(m.name)}});
    }
  ctx.set("base_classes", string_array(bases));
  ctx.set("mixin_summaries", value{std::move(summaries)});

  // The blocks of advanced_features and subcontracts the contract declares, in schema order.
  for (auto [name, block] : {std::pair{"advanced_feature_blocks", "advanced_features"},
                             std::pair{"subcontract_blocks", "subcontracts"}}) {
    value::array_type present;
    for (const auto& [key, x] : ctx.get(block).as_object())
      if (!x.is_null())
        present.push_back(value::object_type{{"key", key}, {"block", x}});
    ctx.set(name, value{std::move(present)});
  }

  std::vector<std::string> targets;
  for (const auto& [k, v] : c.performance_targets)
    targets.push_back(k + ": " + (v.is_string() ? v.as_string() : python_literal(v)));
  ctx.set("performance_target_lines", string_array(targets));
  return ctx;
}

} // namespace genflow::codegen
