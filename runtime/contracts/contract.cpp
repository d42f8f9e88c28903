#include "runtime/contracts/contract.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "runtime/contracts/contract_parser.hpp"

namespace genflow::contracts {

std::string_view to_string(node_type x) noexcept {
  switch (x) {
    case node_type::effect:
      return "effect";
    case node_type::compute:
      return "compute";
    case node_type::reducer:
      return "reducer";
    case node_type::orchestrator:
      return "orchestrator";
  }
  return "effect";
}

std::string_view suffix(node_type x) noexcept {
  switch (x) {
    case node_type::effect:
      return "Effect";
    case node_type::compute:
      return "Compute";
    case node_type::reducer:
      return "Reducer";
    case node_type::orchestrator:
      return "Orchestrator";
  }
  return "Effect";
}

std::optional<node_type> parse_node_type(std::string_view text) noexcept {
  for (auto x :
       {node_type::effect, node_type::compute, node_type::reducer, node_type::orchestrator})
    if (to_string(x) == text)
      return x;
  return std::nullopt;
}

std::string version_info::dotted() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string version_info::directory() const {
  return "v" + std::to_string(major) + "_" + std::to_string(minor) + "_" + std::to_string(patch);
}

std::vector<std::string> contract::enabled_mixins() const {
  std::vector<std::string> out;
  for (const auto& m : mixins)
    if (m.enabled)
      out.push_back(m.name);
  return out;
}

namespace {

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

value strings(const std::vector<std::string>& xs) {
  value::array_type out;
  out.reserve(xs.size());
  for (const auto& x : xs)
    out.emplace_back(x);
  return value{std::move(out)};
}

value to_value(const circuit_breaker_config& x) {
  value::array_type services;
  for (const auto& s : x.services) {
    value e = value::object_type{{"name", s.name}};
    e.set("failure_threshold", s.failure_threshold ? value{*s.failure_threshold} : value{});
    e.set("recovery_timeout_ms", s.recovery_timeout_ms ? value{*s.recovery_timeout_ms} : value{});
    services.push_back(std::move(e));
  }
  return value::object_type{{"enabled", x.enabled},
                            {"failure_threshold", x.failure_threshold},
                            {"recovery_timeout_ms", x.recovery_timeout_ms},
                            {"half_open_max_calls", x.half_open_max_calls},
                            {"services", value{std::move(services)}}};
}

value to_value(const retry_policy_config& x) {
  value::array_type codes;
  for (auto c : x.retryable_status_codes)
    codes.emplace_back(c);
  return value::object_type{{"enabled", x.enabled},
                            {"max_attempts", x.max_attempts},
                            {"initial_delay_ms", x.initial_delay_ms},
                            {"max_delay_ms", x.max_delay_ms},
                            {"backoff_multiplier", x.backoff_multiplier},
                            {"retryable_exceptions", strings(x.retryable_exceptions)},
                            {"retryable_status_codes", value{std::move(codes)}}};
}

value to_value(const dead_letter_queue_config& x) {
  return value::object_type{{"enabled", x.enabled},
                            {"max_retries", x.max_retries},
                            {"topic_suffix", x.topic_suffix},
                            {"retry_delay_ms", x.retry_delay_ms},
                            {"alert_threshold", x.alert_threshold},
                            {"monitoring", x.monitoring}};
}

value to_value(const transactions_config& x) {
  return value::object_type{{"enabled", x.enabled},
                            {"isolation_level", x.isolation_level},
                            {"timeout_seconds", x.timeout_seconds},
                            {"rollback_on_error", x.rollback_on_error},
                            {"savepoints", x.savepoints}};
}

value to_value(const security_validation_config& x) {
  return value::object_type{{"enabled", x.enabled},
                            {"sanitize_inputs", x.sanitize_inputs},
                            {"sanitize_logs", x.sanitize_logs},
                            {"validate_sql", x.validate_sql},
                            {"max_input_length", x.max_input_length},
                            {"forbidden_patterns", strings(x.forbidden_patterns)},
                            {"redact_fields", strings(x.redact_fields)}};
}

value to_value(const observability_config& x) {
  return value::object_type{{"tracing", x.tracing}, {"metrics", x.metrics}, {"logging", x.logging}};
}

template <class T>
value optional_block(const std::optional<T>& x) {
  return x ? to_value(*x) : value{};
}

value features_value(const std::optional<advanced_features>& f) {
  if (!f)
    return value::object_type{{"circuit_breaker", nullptr},     {"retry_policy", nullptr},
                              {"dead_letter_queue", nullptr},   {"transactions", nullptr},
                              {"security_validation", nullptr}, {"observability", nullptr}};
  return value::object_type{{"circuit_breaker", optional_block(f->circuit_breaker)},
                            {"retry_policy", optional_block(f->retry_policy)},
                            {"dead_letter_queue", optional_block(f->dead_letter_queue)},
                            {"transactions", optional_block(f->transactions)},
                            {"security_validation", optional_block(f->security_validation)},
                            {"observability", optional_block(f->observability)}};
}

value template_value(const std::optional<template_config>& t) {
  if (!t)
    return {};
  return value::object_type{
    {"variant", t->variant},
    {"custom_template", t->custom_template ? value{*t->custom_template} : value{}},
    {"patterns", strings(t->patterns)},
    {"pattern_configuration", t->pattern_configuration}};
}

value generation_value(const std::optional<generation_directives>& g) {
  if (!g)
    return {};
  return value::object_type{{"enable_llm", g->enable_llm},
                            {"llm_tier", g->llm_tier},
                            {"quality_level", g->quality_level},
                            {"fallback_strategy", g->fallback_strategy},
                            {"include_patterns", g->include_patterns},
                            {"include_references", g->include_references},
                            {"max_context_size", g->max_context_size},
                            {"timeout_seconds", g->timeout_seconds},
                            {"retry_attempts", g->retry_attempts}};
}

value quality_gates_value(const std::optional<quality_gates_config>& q) {
  if (!q)
    return {};
  value::array_type gates;
  for (const auto& g : q->gates)
    gates.push_back(value::object_type{
      {"gate", g.gate},
      {"required", g.required},
      {"timeout_seconds", g.timeout_seconds ? value{*g.timeout_seconds} : value{}},
      {"config", g.config}});
  return value::object_type{{"gates", value{std::move(gates)}},
                            {"fail_on_first_error", q->fail_on_first_error},
                            {"collect_warnings", q->collect_warnings}};
}

} // namespace

std::string_view entry_method(node_type x) noexcept {
  switch (x) {
    case node_type::effect:
      return "execute_effect";
    case node_type::compute:
      return "execute_compute";
    case node_type::reducer:
      return "execute_reduction";
    case node_type::orchestrator:
      return "execute_orchestration";
  }
  return "execute_effect";
}

bool is_python_keyword(std::string_view text) noexcept {
  static constexpr std::string_view keywords[] = {
    "False",  "None",     "True",   "and", "as",   "assert", "async",  "await",    "break", "case",
    "class",  "continue", "def",    "del", "elif", "else",   "except", "finally",  "for",   "from",
    "global", "if",       "import", "in",  "is",   "lambda", "match",  "nonlocal", "not",   "or",
    "pass",   "raise",    "return", "try", "type", "while",  "with",   "yield"};
  for (auto k : keywords)
    if (k == text)
      return true;
  return false;
}

namespace {

bool ascii_lower(char c) noexcept {
  return c >= 'a' && c <= 'z';
}
bool ascii_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}
bool ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool ascii_alnum(char c) noexcept {
  return ascii_lower(c) || ascii_upper(c) || ascii_digit(c);
}

template <class Pred>
bool all_of(std::string_view s, Pred pred) noexcept {
  return std::all_of(s.begin(), s.end(), pred);
}

std::size_t leading_digits(std::string_view s) noexcept {
  std::size_t n = 0;
  while (n < s.size() && ascii_digit(s[n]))
    ++n;
  return n;
}

/// `s` is `prefix`, one upper-case letter, then at least `min_rest` letters or digits.
bool is_prefixed_camel(std::string_view s, std::string_view prefix, std::size_t min_rest) noexcept {
  return s.size() >= prefix.size() + 1 + min_rest && s.substr(0, prefix.size()) == prefix
         && ascii_upper(s[prefix.size()]) && all_of(s.substr(prefix.size() + 1), ascii_alnum);
}

} // namespace

bool is_snake_name(std::string_view s) noexcept {
  return !s.empty() && ascii_lower(s[0]) && all_of(s.substr(1), [](char c) {
    return ascii_lower(c) || ascii_digit(c) || c == '_';
  });
}

bool is_class_name(std::string_view s) noexcept {
  return !s.empty() && ascii_upper(s[0])
         && all_of(s.substr(1), [](char c) { return ascii_alnum(c) || c == '_'; });
}

bool is_legacy_node_id(std::string_view s) noexcept {
  return !s.empty() && (ascii_lower(s[0]) || ascii_upper(s[0]))
         && all_of(s.substr(1), [](char c) { return ascii_alnum(c) || c == '_'; });
}

bool is_node_class_name(std::string_view s) noexcept {
  for (auto type :
       {node_type::effect, node_type::compute, node_type::reducer, node_type::orchestrator}) {
    auto end = suffix(type);
    if (s.size() > end.size() && s.substr(s.size() - end.size()) == end
        && is_prefixed_camel(s.substr(0, s.size() - end.size()), "Node", 1))
      return true;
  }
  return false;
}

bool is_mixin_name(std::string_view s) noexcept {
  return is_prefixed_camel(s, "Mixin", 0);
}

bool is_schema_version(std::string_view s) noexcept {
  if (s.empty() || s[0] != 'v')
    return false;
  s.remove_prefix(1);
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (s.empty() || s[0] != '.')
        return false;
      s.remove_prefix(1);
    }
    auto digits = leading_digits(s);
    if (digits == 0)
      return false;
    s.remove_prefix(digits);
  }
  return s.empty();
}

std::optional<version_info> parse_version_string(std::string_view s) noexcept {
  if (!s.empty() && s[0] == 'v')
    s.remove_prefix(1);
  std::int64_t parts[3] = {0, 0, 0};
  for (int part = 0; part < 3 && (part == 0 || !s.empty()); ++part) {
    if (part > 0) {
      if (s[0] != '.' && s[0] != '_')
        return std::nullopt;
      s.remove_prefix(1);
    }
    auto digits = leading_digits(s);
    if (digits == 0 || digits > 9)
      return std::nullopt;
    std::from_chars(s.data(), s.data() + digits, parts[part]);
    s.remove_prefix(digits);
  }
  if (!s.empty())
    return std::nullopt;
  return version_info{parts[0], parts[1], parts[2]};
}

std::string to_snake_case(std::string_view text) {
  // Pass 1, re.sub("(.)([A-Z][a-z]+)", r"\1_\2"): an upper-case letter followed by lower-case
  // letters gets an underscore before it unless it starts the text (or follows a newline,
  // which '.' does not match). Matches do not overlap: each consumes its preceding character.
  std::string s1;
  s1.reserve(text.size() + 8);
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '\n' && i + 2 < text.size() && is_upper(text[i + 1]) && is_lower(text[i + 2])) {
      std::size_t j = i + 2;
      while (j < text.size() && is_lower(text[j]))
        ++j;
      s1 += text[i];
      s1 += '_';
      s1.append(text.substr(i + 1, j - i - 1));
      i = j;
    } else {
      s1 += text[i];
      ++i;
    }
  }
  // Pass 2, re.sub("([a-z0-9])([A-Z])", r"\1_\2"), then lower().
  std::string out;
  out.reserve(s1.size() + 8);
  for (std::size_t k = 0; k < s1.size(); ++k) {
    out += s1[k];
    if ((is_lower(s1[k]) || is_digit(s1[k])) && k + 1 < s1.size() && is_upper(s1[k + 1])) {
      out += '_';
      out += s1[k + 1];
      ++k;
    }
  }
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

value to_value(const contract& c) {
  auto type = to_string(c.type);
  std::string title{suffix(c.type)};
  std::string upper;
  for (char ch : type)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string without_node = c.name.rfind("Node", 0) == 0 ? c.name.substr(4) : c.name;
  std::string pascal = without_node;
  if (pascal.size() > title.size()
      && pascal.compare(pascal.size() - title.size(), title.size(), title) == 0)
    pascal.resize(pascal.size() - title.size());

  value::array_type capabilities;
  for (const auto& x : c.capabilities)
    capabilities.push_back(value::object_type{{"name", x.name}, {"description", x.description}});
  value::array_type services;
  for (const auto& x : c.dependencies)
    services.push_back(value::object_type{
      {"name", x.name}, {"required", x.required}, {"description", x.description}});
  value::array_type configuration;
  for (const auto& x : c.configuration)
    configuration.push_back(value::object_type{
      {"key", x.key}, {"default", x.default_value}, {"description", x.description}});
  value::array_type mixins;
  for (const auto& x : c.mixins)
    mixins.push_back(value::object_type{{"name", x.name},
                                        {"enabled", x.enabled},
                                        {"config", x.config},
                                        {"module", std::string{mixin_module(x.name)}}});
  value::object_type targets;
  for (const auto& [k, v] : c.performance_targets)
    targets.emplace_back(k, v);
  value::array_type components;
  for (const auto& x : c.health_checks)
    components.push_back(value::object_type{
      {"name", x.name}, {"critical", x.critical}, {"timeout_seconds", x.timeout_seconds}});
  value::array_type operations;
  for (const auto& x : c.io_operations)
    operations.push_back(value::object_type{{"name", x.name},
                                            {"description", x.description},
                                            {"input_model", x.input_model},
                                            {"output_model", x.output_model}});

  return value::object_type{
    {"name", c.name},
    {"class_name", c.name},
    {"node_name", c.name},
    {"pascal_name", pascal},
    {"service_name", to_snake_case(without_node)},
    {"module_name", to_snake_case(c.name)},
    {"node_id", c.node_id ? value{*c.node_id} : value{}},
    {"node_type", std::string{type}},
    {"node_type_title", title},
    {"node_type_upper", upper},
    {"base_class", "Node" + title},
    {"base_module", "omnibase_core.nodes.node_" + std::string{type}},
    {"entry_method", std::string{entry_method(c.type)}},
    {"version", c.version.dotted()},
    {"version_dict", value::object_type{{"major", c.version.major},
                                        {"minor", c.version.minor},
                                        {"patch", c.version.patch}}},
    {"version_dir", c.version.directory()},
    {"description", c.description},
    {"schema_version", c.schema_version},
    {"capabilities", value{std::move(capabilities)}},
    {"endpoints", c.endpoints},
    {"dependencies", value::object_type{{"services", value{std::move(services)}}}},
    {"configuration", value{std::move(configuration)}},
    {"mixins", value{std::move(mixins)}},
    {"enabled_mixins", strings(c.enabled_mixins())},
    {"advanced_features", features_value(c.features)},
    {"subcontracts", value::object_type{{"effect", c.subcontracts.effect},
                                        {"event_type", c.subcontracts.event_type},
                                        {"fsm", c.subcontracts.fsm},
                                        {"aggregation", c.subcontracts.aggregation},
                                        {"state_management", c.subcontracts.state_management},
                                        {"routing", c.subcontracts.routing}}},
    {"performance_targets", value{std::move(targets)}},
    {"health_checks", value::object_type{{"components", value{std::move(components)}}}},
    {"input_state", c.input_state},
    {"output_state", c.output_state},
    {"io_operations", value{std::move(operations)}},
    {"definitions", c.definitions},
    {"template", template_value(c.template_settings)},
    {"generation", generation_value(c.generation)},
    {"quality_gates", quality_gates_value(c.quality_gates)},
  };
}

} // namespace genflow::contracts
