#pragma once

/// ONEX node contracts: the typed form of the YAML file that describes one node to generate.
///
/// A contract names a node class (`NodeOrderSyncEffect`), its version, its ONEX node type
/// (effect, compute, reducer, orchestrator) and a description; optional blocks declare what the
/// generated package contains: I/O operations, mixins, advanced features (circuit breaker, retry,
/// dead-letter queue, transactions, security validation, observability), health checks,
/// subcontracts, state schemas, and v2.1 generation directives. The format and its defaults are
/// those of the Python original's `yaml_contract_parser.py` and `contract_schema_v2.json`.
///
/// Every optional block is filled with the original parser's defaults, so consumers never test
/// for presence of single fields; a whole block that the contract leaves out stays `nullopt`
/// (advanced features, template, generation, quality gates) or empty (lists).
///
/// @code
/// auto report = contracts::load_contract_file("configs/contracts/examples/effect.yaml");
/// for (const auto& e : report.errors) std::cerr << e.to_string() << '\n';
/// if (report.result) use(report.result->name, contracts::to_value(*report.result));
/// @endcode

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/value.hpp"

namespace genflow::contracts {

// -- enumerations -------------------------------------------------------------

/// The four ONEX node types; the contract name ends with the matching suffix.
enum class node_type { effect, compute, reducer, orchestrator };

/// "effect", "compute", "reducer", "orchestrator".
std::string_view to_string(node_type x) noexcept;

/// The class-name suffix: "Effect", "Compute", "Reducer", "Orchestrator".
std::string_view suffix(node_type x) noexcept;

/// The generated node's entry method: "execute_effect", "execute_compute",
/// "execute_reduction", "execute_orchestration".
std::string_view entry_method(node_type x) noexcept;

/// Whether `text` is a Python keyword (soft keywords match, case and type included): such
/// names cannot be methods or fields of the generated code.
bool is_python_keyword(std::string_view text) noexcept;

/// Parses a node type name (lower case, as contracts write it).
std::optional<node_type> parse_node_type(std::string_view text) noexcept;

// -- name rules -----------------------------------------------------------------
// The contract format's name rules, each given as the regular expression of the original
// schema and matched by hand: std::regex would compile each pattern at first use, which cost
// ~1 ms of the main job (~4 M instructions under callgrind).

/// ^[a-z][a-z0-9_]*$ : method, field and state names (keywords not excluded here).
bool is_snake_name(std::string_view s) noexcept;
/// ^[A-Z][A-Za-z0-9_]*$ : class names.
bool is_class_name(std::string_view s) noexcept;
/// ^[A-Za-z][A-Za-z0-9_]*$ : a legacy `node_id`.
bool is_legacy_node_id(std::string_view s) noexcept;
/// ^Node[A-Z][a-zA-Z0-9]+(Effect|Compute|Reducer|Orchestrator)$ : a node class name.
bool is_node_class_name(std::string_view s) noexcept;
/// ^Mixin[A-Z][a-zA-Z0-9]*$ : a mixin class name.
bool is_mixin_name(std::string_view s) noexcept;
/// ^v[0-9]+\.[0-9]+\.[0-9]+$ : `schema_version`.
bool is_schema_version(std::string_view s) noexcept;

// -- blocks -------------------------------------------------------------------

/// Semantic version; written `{major, minor, patch}` or as "1.0.0" / "v1_0_0".
struct version_info {
  std::int64_t major = 1;
  std::int64_t minor = 0;
  std::int64_t patch = 0;

  /// "1.2.3".
  std::string dotted() const;
  /// "v1_2_3": the package directory of this version.
  std::string directory() const;

  friend bool operator==(const version_info&, const version_info&) = default;
};

/// A version written as a string: "1.2.3", "v1.2.3", "v1_2_3", "1.2", "5" — that is
/// ^v?([0-9]{1,9})(?:[._]([0-9]{1,9}))?(?:[._]([0-9]{1,9}))?$, a missing part 0; nullopt otherwise.
std::optional<version_info> parse_version_string(std::string_view s) noexcept;

struct capability {
  std::string name;
  std::string description;
};

struct service_dependency {
  std::string name;
  bool required = true;
  std::string description;
};

/// One `configuration` entry: `key: {default, description}`.
struct config_parameter {
  std::string key;
  value default_value;
  std::string description;
};

struct mixin_declaration {
  std::string name;
  bool enabled = true;
  /// The mixin's `config` mapping (an empty object when absent).
  value config = value::object_type{};
};

struct circuit_breaker_service {
  std::string name;
  std::optional<std::int64_t> failure_threshold;
  std::optional<std::int64_t> recovery_timeout_ms;
};

struct circuit_breaker_config {
  bool enabled = true;
  std::int64_t failure_threshold = 5;
  std::int64_t recovery_timeout_ms = 60000;
  std::int64_t half_open_max_calls = 3;
  std::vector<circuit_breaker_service> services;
};

struct retry_policy_config {
  bool enabled = true;
  std::int64_t max_attempts = 3;
  std::int64_t initial_delay_ms = 1000;
  std::int64_t max_delay_ms = 30000;
  double backoff_multiplier = 2.0;
  std::vector<std::string> retryable_exceptions{"TimeoutError", "ConnectionError",
                                                "TemporaryFailure"};
  std::vector<std::int64_t> retryable_status_codes{429, 500, 502, 503, 504};
};

struct dead_letter_queue_config {
  bool enabled = true;
  std::int64_t max_retries = 3;
  std::string topic_suffix = ".dlq";
  std::int64_t retry_delay_ms = 5000;
  std::int64_t alert_threshold = 100;
  /// `{enabled, check_interval_seconds}` as written (an empty object when absent).
  value monitoring = value::object_type{};
};

struct transactions_config {
  bool enabled = true;
  std::string isolation_level = "READ_COMMITTED";
  std::int64_t timeout_seconds = 30;
  bool rollback_on_error = true;
  bool savepoints = true;
};

struct security_validation_config {
  bool enabled = true;
  bool sanitize_inputs = true;
  bool sanitize_logs = true;
  bool validate_sql = true;
  std::int64_t max_input_length = 10000;
  std::vector<std::string> forbidden_patterns{R"((?i)(DROP|DELETE|TRUNCATE)\s+TABLE)",
                                              R"((?i)EXEC(UTE)?\s+)"};
  std::vector<std::string> redact_fields{"password", "api_key", "secret", "token"};
};

/// Tracing, metrics and logging settings as written (each an empty object when absent).
struct observability_config {
  value tracing = value::object_type{};
  value metrics = value::object_type{};
  value logging = value::object_type{};
};

/// `advanced_features`: each sub-block is present only when the contract declares it.
struct advanced_features {
  std::optional<circuit_breaker_config> circuit_breaker;
  std::optional<retry_policy_config> retry_policy;
  std::optional<dead_letter_queue_config> dead_letter_queue;
  std::optional<transactions_config> transactions;
  std::optional<security_validation_config> security_validation;
  std::optional<observability_config> observability;
};

/// `subcontracts`: each present block as written (null when absent); the parser checks their
/// shapes (`effect.operations`, `fsm.states`, `state_management.persistence`, ...).
struct subcontracts {
  value effect;
  value event_type;
  value fsm;
  value aggregation;
  value state_management;
  value routing;
};

struct health_check_component {
  std::string name;
  bool critical = true;
  double timeout_seconds = 5.0;
};

/// One I/O operation: one async method of the generated node, typed by its models.
struct io_operation {
  std::string name;
  std::string description;
  std::string input_model;
  std::string output_model;
};

/// v2.1 `template` block.
struct template_config {
  std::string variant = "standard";
  std::optional<std::string> custom_template;
  std::vector<std::string> patterns;
  value pattern_configuration = value::object_type{};
};

/// v2.1 `generation` block.
struct generation_directives {
  bool enable_llm = true;
  std::string llm_tier = "CLOUD_FAST";
  std::string quality_level = "standard";
  std::string fallback_strategy = "graceful";
  bool include_patterns = true;
  bool include_references = true;
  std::int64_t max_context_size = 8000;
  std::int64_t timeout_seconds = 30;
  std::int64_t retry_attempts = 3;
};

struct quality_gate {
  std::string gate;
  bool required = true;
  std::optional<double> timeout_seconds;
  value config = value::object_type{};
};

/// v2.1 `quality_gates` block.
struct quality_gates_config {
  std::vector<quality_gate> gates;
  bool fail_on_first_error = true;
  bool collect_warnings = true;
};

// -- the contract -------------------------------------------------------------

struct contract {
  /// The node class name, `Node<Name><Type>`; for legacy contracts derived from `node_id`.
  std::string name;
  version_info version;
  contracts::node_type type = node_type::effect;
  std::string description;
  std::string schema_version = "v1.0.0";
  /// The legacy `node_id` when the contract uses it instead of `name`.
  std::optional<std::string> node_id;

  std::vector<capability> capabilities;
  value endpoints = value::object_type{};
  std::vector<service_dependency> dependencies;
  std::vector<config_parameter> configuration;
  std::vector<mixin_declaration> mixins;
  std::optional<contracts::advanced_features> features;
  contracts::subcontracts subcontracts;
  /// `performance_targets` in contract order: name -> number or string.
  std::vector<std::pair<std::string, value>> performance_targets;
  std::vector<health_check_component> health_checks;
  value input_state = value::object_type{};
  value output_state = value::object_type{};
  std::vector<io_operation> io_operations;
  value definitions = value::object_type{};
  std::optional<template_config> template_settings;
  std::optional<generation_directives> generation;
  std::optional<quality_gates_config> quality_gates;

  /// The whole document as read (YAML 1.2 core schema), for anything not typed above.
  value raw;
  /// Where the contract came from (the `file` given to the parser).
  std::string source;

  /// Names of the enabled mixins, in contract order.
  std::vector<std::string> enabled_mixins() const;
};

/// The contract as the template context sees it: every typed field with its defaults applied
/// (advanced-feature blocks the contract leaves out are null), plus derived names:
/// `class_name`, `pascal_name` (name without "Node" and the type suffix), `service_name`
/// (snake case of the name without "Node", the package directory), `module_name` (snake case
/// of the whole name), `node_type_title` / `node_type_upper`, `base_class` / `base_module`
/// (omnibase_core's NodeEffect, ...), `entry_method` (`execute_effect`, `execute_compute`,
/// `execute_reduction`, `execute_orchestration`), `version` ("1.2.3"), `version_dict`,
/// `version_dir` ("v1_2_3"), `enabled_mixins` (names).
value to_value(const contract& c);

/// ONEX's CamelCase -> snake_case conversion, exactly as the original's `to_snake_case` Jinja2
/// filter: "NodeHTTPFetchEffect" -> "node_http_fetch_effect".
std::string to_snake_case(std::string_view text);

} // namespace genflow::contracts
