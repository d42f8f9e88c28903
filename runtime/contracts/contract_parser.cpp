#include "runtime/contracts/contract_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <set>
#include <tuple>
#include <utility>

#include "runtime/io/files.hpp"
#include "runtime/io/yaml_reader.hpp"

namespace genflow::contracts {

std::string_view code_name(contract_errc x) noexcept {
  switch (x) {
    case contract_errc::encoding:
      return "contract.encoding";
    case contract_errc::invalid_name:
      return "contract.name";
    case contract_errc::name_mismatch:
      return "contract.name_mismatch";
    case contract_errc::invalid_node_type:
      return "contract.node_type";
    case contract_errc::invalid_version:
      return "contract.version";
    case contract_errc::invalid_value:
      return "contract.value";
    case contract_errc::invalid_identifier:
      return "contract.identifier";
    case contract_errc::invalid_mixin_name:
      return "contract.mixin_name";
    case contract_errc::unknown_mixin:
      return "contract.unknown_mixin";
    case contract_errc::mixin_dependency:
      return "contract.mixin_dependency";
    case contract_errc::duplicate_name:
      return "contract.duplicate";
    case contract_errc::duplicate_key:
      return "contract.duplicate_key";
    case contract_errc::deprecated:
      return "contract.deprecated";
    case contract_errc::legacy_node_id:
      return "contract.legacy_node_id";
  }
  return "contract.unknown";
}

namespace {

// -- the mixin registry (the original's fallback registry) ---------------------

struct mixin_entry {
  std::string_view name;
  std::string_view module;
};

constexpr std::array<mixin_entry, 34> mixin_registry{{
  {"MixinCLIHandler", "omnibase_core.mixins.mixin_cli_handler"},
  {"MixinCaching", "omnibase_core.mixins.mixin_caching"},
  {"MixinCanonicalYAMLSerializer", "omnibase_core.mixins.mixin_canonical_serialization"},
  {"MixinCompletionData", "omnibase_core.mixins.mixin_completion_data"},
  {"MixinContractMetadata", "omnibase_core.mixins.mixin_contract_metadata"},
  {"MixinContractStateReducer", "omnibase_core.mixins.mixin_contract_state_reducer"},
  {"MixinDebugDiscoveryLogging", "omnibase_core.mixins.mixin_debug_discovery_logging"},
  {"MixinDiscoveryResponder", "omnibase_core.mixins.mixin_discovery_responder"},
  {"MixinEventBus", "omnibase_core.mixins.mixin_event_bus"},
  {"MixinEventDrivenNode", "omnibase_core.mixins.mixin_event_driven_node"},
  {"MixinEventHandler", "omnibase_core.mixins.mixin_event_handler"},
  {"MixinEventListener", "omnibase_core.mixins.mixin_event_listener"},
  {"MixinFailFast", "omnibase_core.mixins.mixin_fail_fast"},
  {"MixinHashComputation", "omnibase_core.mixins.mixin_hash_computation"},
  {"MixinHealthCheck", "omnibase_core.mixins.mixin_health_check"},
  {"MixinHybridExecution", "omnibase_core.mixins.mixin_hybrid_execution"},
  {"MixinIntrospectFromContract", "omnibase_core.mixins.mixin_introspect_from_contract"},
  {"MixinIntrospectionPublisher", "omnibase_core.mixins.mixin_introspection_publisher"},
  {"MixinLazyEvaluation", "omnibase_core.mixins.mixin_lazy_evaluation"},
  {"MixinLogData", "omnibase_core.mixins.mixin_log_data"},
  {"MixinMetrics", "omnibase_core.mixins.mixin_metrics"},
  {"MixinNodeExecutor", "omnibase_core.mixins.mixin_node_executor"},
  {"MixinNodeIdFromContract", "omnibase_core.mixins.mixin_node_id_from_contract"},
  {"MixinNodeIntrospection", "omnibase_core.mixins.mixin_introspection"},
  {"MixinNodeLifecycle", "omnibase_core.mixins.mixin_node_lifecycle"},
  {"MixinNodeService", "omnibase_core.mixins.mixin_node_service"},
  {"MixinNodeSetup", "omnibase_core.mixins.mixin_node_setup"},
  {"MixinRedaction", "omnibase_core.mixins.mixin_redaction"},
  {"MixinRequestResponseIntrospection",
   "omnibase_core.mixins.mixin_request_response_introspection"},
  {"MixinSerializable", "omnibase_core.mixins.mixin_serializable"},
  {"MixinServiceRegistry", "omnibase_core.mixins.mixin_service_registry"},
  {"MixinToolExecution", "omnibase_core.mixins.mixin_tool_execution"},
  {"MixinWorkflowSupport", "omnibase_core.mixins.mixin_workflow_support"},
  {"MixinYAMLSerialization", "omnibase_core.mixins.mixin_yaml_serialization"},
}};

/// The original's hard-coded mixin dependencies.
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>&
mixin_dependencies() {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> deps{
    {"MixinEventDrivenNode",
     {"MixinEventHandler", "MixinNodeLifecycle", "MixinIntrospectionPublisher"}},
    {"MixinNodeExecutor", {"MixinEventDrivenNode"}},
  };
  return deps;
}

// -- small helpers -------------------------------------------------------------

using io::yaml_reader;

/// Method names the generated node defines itself; an io_operation may not take them.
bool is_reserved_method(std::string_view s) {
  static const std::set<std::string_view> reserved{
    "initialize",         "shutdown",          "execute_effect",
    "execute_compute",    "execute_reduction", "execute_orchestration",
    "register_operation", "health_status",     "container"};
  return reserved.count(s) > 0;
}

/// The position of the first byte that breaks UTF-8, as (line, column), or nullopt.
std::optional<std::pair<std::size_t, std::size_t>> first_invalid_utf8(std::string_view s) {
  std::size_t line = 1, column = 1;
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xe  ? 3
                      : (c >> 3) == 0x1e ? 4
                                         : 0;
    if (len == 0 || i + len > s.size())
      return std::pair{line, column};
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2)
        return std::pair{line, column};
    // Overlong forms, surrogates and code points past U+10FFFF.
    if (len == 2 && c < 0xc2)
      return std::pair{line, column};
    if (len == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))
        return std::pair{line, column};
    }
    if (len == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xf0 && c1 < 0x90) || c > 0xf4 || (c == 0xf4 && c1 >= 0x90))
        return std::pair{line, column};
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return std::nullopt;
}

std::string_view kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "list";
    case YAML::NodeType::Map:
      return "mapping";
    case YAML::NodeType::Scalar:
      if (yaml_reader::scalar_bool(node))
        return "boolean";
      if (yaml_reader::scalar_number(node))
        return "number";
      return "string";
    default:
      return "null";
  }
}

// -- the parser ----------------------------------------------------------------

class contract_parser {
public:
  explicit contract_parser(std::string file) : in_(file), file_(std::move(file)) {}

  parse_report run(std::string_view text);

private:
  // -- reading helpers --------------------------------------------------------

  /// The member `key` of `map`; undefined when absent or null.
  static YAML::Node member(const YAML::Node& map, std::string_view key) {
    if (!map.IsMap())
      return YAML::Node{YAML::NodeType::Undefined};
    for (const auto& kv : map)
      if (kv.first.Scalar() == key)
        return kv.second.IsNull() ? YAML::Node{YAML::NodeType::Undefined} : kv.second;
    return YAML::Node{YAML::NodeType::Undefined};
  }

  static bool has(const YAML::Node& map, std::string_view key) {
    return member(map, key).IsDefined();
  }

  void fail(const YAML::Node& at, std::string_view path, contract_errc code, std::string message) {
    in_.fail(at, path, std::string{code_name(code)}, std::move(message));
  }

  void warn(const YAML::Node& at, std::string_view path, contract_errc code, std::string message) {
    warnings_.push_back(
      error_info{std::string{code_name(code)}, std::move(message), in_.where(at, path), false});
  }

  /// A string member; plain booleans and numbers are type errors (YAML would not make them
  /// strings either).
  std::optional<std::string> text(const YAML::Node& map, std::string_view key,
                                  std::string_view path, bool is_required,
                                  std::size_t min_length = 0) {
    auto node = member(map, key);
    auto field = yaml_reader::join(path, key);
    if (node.IsScalar() && (node.Tag() == "?" || node.Tag().empty())
        && (yaml_reader::scalar_bool(node) || yaml_reader::scalar_number(node))) {
      in_.fail(node, field, "yaml.type",
               "'" + std::string{key} + "' must be a string, not " + std::string{kind_of(node)}
                 + " '" + node.Scalar() + "'");
      return std::nullopt;
    }
    auto s = in_.get_string(map, key, path, is_required);
    if (s && s->size() < min_length) {
      fail(node, field, contract_errc::invalid_value,
           "'" + std::string{key} + "' must be at least " + std::to_string(min_length)
             + " characters long");
      return std::nullopt;
    }
    return s;
  }

  /// A string member restricted to `allowed`.
  std::optional<std::string> choice(const YAML::Node& map, std::string_view key,
                                    std::string_view path,
                                    std::initializer_list<std::string_view> allowed) {
    auto s = text(map, key, path, false);
    if (!s)
      return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end())
      return s;
    std::string list;
    for (auto a : allowed)
      list += (list.empty() ? "" : ", ") + std::string{a};
    fail(member(map, key), yaml_reader::join(path, key), contract_errc::invalid_value,
         "'" + std::string{key} + "' is '" + *s + "', must be one of: " + list);
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(const YAML::Node& map, std::string_view key,
                                      std::string_view path, std::int64_t min = INT64_MIN,
                                      std::int64_t max = INT64_MAX) {
    return in_.get_int(map, key, path, false, min, max);
  }

  std::optional<double> number(const YAML::Node& map, std::string_view key, std::string_view path,
                               double min, double max) {
    auto x = in_.get_number(map, key, path, false);
    if (x && (!(*x >= min) || !(*x <= max))) {
      in_.fail(member(map, key), yaml_reader::join(path, key), "yaml.range",
               "'" + std::string{key} + "' is " + member(map, key).Scalar() + ", must be between "
                 + format_number(min) + " and " + format_number(max));
      return std::nullopt;
    }
    return x;
  }

  static std::string format_number(double x) {
    if (x == std::floor(x) && std::abs(x) < 1e15)
      return std::to_string(static_cast<std::int64_t>(x));
    auto s = std::to_string(x);
    while (!s.empty() && s.back() == '0')
      s.pop_back();
    return s;
  }

  std::optional<bool> flag(const YAML::Node& map, std::string_view key, std::string_view path) {
    return in_.get_bool(map, key, path, false);
  }

  /// A list of strings, each at least `min_length` long.
  std::optional<std::vector<std::string>> strings(const YAML::Node& map, std::string_view key,
                                                  std::string_view path, std::size_t min_length = 0,
                                                  std::size_t min_items = 0) {
    auto node = member(map, key);
    auto field = yaml_reader::join(path, key);
    if (!node.IsDefined())
      return std::nullopt;
    if (!in_.expect_sequence(node, field))
      return std::nullopt;
    std::vector<std::string> out;
    bool good = true;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const auto& e = node[i];
      auto at = yaml_reader::index(field, i);
      if (!e.IsScalar() || yaml_reader::scalar_is_null(e)) {
        in_.fail(e, at, "yaml.type",
                 "list entries must be strings, not " + std::string{kind_of(e)});
        good = false;
      } else if (e.Scalar().size() < min_length) {
        fail(e, at, contract_errc::invalid_value, "list entries must not be empty");
        good = false;
      } else {
        out.push_back(e.Scalar());
      }
    }
    if (out.size() < min_items && good) {
      fail(node, field, contract_errc::invalid_value,
           "'" + std::string{key} + "' must have at least " + std::to_string(min_items) + " entr"
             + (min_items == 1 ? "y" : "ies"));
      return std::nullopt;
    }
    return good ? std::optional{std::move(out)} : std::nullopt;
  }

  /// A mapping member as a value (nullopt and an error when it is not a mapping).
  std::optional<value> mapping(const YAML::Node& map, std::string_view key, std::string_view path) {
    auto node = member(map, key);
    if (!node.IsDefined())
      return std::nullopt;
    if (!in_.expect_map(node, yaml_reader::join(path, key)))
      return std::nullopt;
    return yaml_reader::to_value(node);
  }

  /// A block member that must be a mapping: the node, or undefined (with an error if present
  /// but of another kind).
  YAML::Node block(const YAML::Node& map, std::string_view key, std::string_view path) {
    auto node = member(map, key);
    if (!node.IsDefined())
      return node;
    if (!in_.expect_map(node, yaml_reader::join(path, key)))
      return YAML::Node{YAML::NodeType::Undefined};
    return node;
  }

  /// Every entry of a list member that is a mapping, with its path.
  std::vector<std::pair<YAML::Node, std::string>>
  entries(const YAML::Node& map, std::string_view key, std::string_view path) {
    auto node = member(map, key);
    if (!node.IsDefined())
      return {};
    return entries_of(node, yaml_reader::join(path, key));
  }

  /// Every entry of a list node that is a mapping, with its path.
  std::vector<std::pair<YAML::Node, std::string>> entries_of(const YAML::Node& node,
                                                             const std::string& field) {
    std::vector<std::pair<YAML::Node, std::string>> out;
    if (!in_.expect_sequence(node, field))
      return out;
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto at = yaml_reader::index(field, i);
      if (in_.expect_map(node[i], at))
        out.emplace_back(node[i], at);
    }
    return out;
  }

  /// Checks that a Python identifier (`snake` for methods, else a class name) is usable.
  void identifier(const YAML::Node& map, std::string_view key, std::string_view path,
                  const std::string& s, bool snake) {
    bool good = (snake ? is_snake_name(s) : is_class_name(s)) && !is_python_keyword(s);
    if (!good)
      fail(member(map, key), yaml_reader::join(path, key), contract_errc::invalid_identifier,
           "'" + s + "' is not usable as a Python "
             + (snake ? std::string{"name (lower-case letters, digits and '_', starting with a "
                                    "letter)"}
                      : std::string{"class name (a letter A-Z, then letters, digits and '_')"}));
  }

  // -- checks over the whole document ------------------------------------------

  void check_duplicate_keys(const YAML::Node& node, const std::string& path);

  // -- blocks ------------------------------------------------------------------

  void read_identity(const YAML::Node& root, contract& c);
  void read_version(const YAML::Node& root, contract& c);
  void read_lists(const YAML::Node& root, contract& c);
  void read_mixins(const YAML::Node& root, contract& c);
  void read_mixin_config(const mixin_declaration& m, const YAML::Node& config,
                         const std::string& path);
  void read_advanced_features(const YAML::Node& root, contract& c);
  void read_subcontracts(const YAML::Node& root, contract& c);
  void read_io_operations(const YAML::Node& root, contract& c);
  void read_generation_blocks(const YAML::Node& root, contract& c);
  void check_mixin_dependencies(const YAML::Node& root, const contract& c);

  io::yaml_reader in_;
  std::string file_;
  std::vector<error_info> warnings_;
};

void contract_parser::check_duplicate_keys(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const auto& key = kv.first.Scalar();
      auto at = yaml_reader::join(path, key);
      if (!seen.insert(key).second)
        fail(kv.first, at, contract_errc::duplicate_key, "key '" + key + "' appears twice");
      check_duplicate_keys(kv.second, at);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      check_duplicate_keys(node[i], yaml_reader::index(path, i));
  }
}

void contract_parser::read_identity(const YAML::Node& root, contract& c) {
  auto type_text = text(root, "node_type", "", true);
  std::optional<node_type> type;
  if (type_text) {
    type = parse_node_type(*type_text);
    if (!type)
      fail(member(root, "node_type"), "node_type", contract_errc::invalid_node_type,
           "unknown node type '" + *type_text
             + "' (expected one of: effect, compute, reducer, orchestrator)");
    else
      c.type = *type;
  }

  if (has(root, "name") || !has(root, "node_id")) {
    auto name = text(root, "name", "", true);
    if (name) {
      if (!is_node_class_name(*name)) {
        fail(member(root, "name"), "name", contract_errc::invalid_name,
             "name '" + *name
               + "' must match ^Node[A-Z][a-zA-Z0-9]+(Effect|Compute|Reducer|Orchestrator)$ "
                 "(e.g. NodeOrderSyncEffect)");
      } else if (type) {
        auto want = suffix(*type);
        if (name->size() < want.size()
            || name->compare(name->size() - want.size(), want.size(), want) != 0)
          fail(member(root, "name"), "name", contract_errc::name_mismatch,
               "name '" + *name + "' must end with '" + std::string{want} + "' for node_type '"
                 + *type_text + "'");
      }
      c.name = *name;
    }
    if (has(root, "node_id"))
      text(root, "node_id", "", false);
    return;
  }

  // Legacy contract: `node_id` (snake_case or a class name) names the node.
  auto id = text(root, "node_id", "", true, 1);
  if (!id)
    return;
  c.node_id = *id;
  warn(member(root, "node_id"), "node_id", contract_errc::legacy_node_id,
       "'node_id' is the legacy form of 'name'; write 'name: Node<Name><Type>'");
  if (!type)
    return;
  if (is_node_class_name(*id)) {
    c.name = *id;
  } else {
    if (!is_legacy_node_id(*id)) {
      fail(member(root, "node_id"), "node_id", contract_errc::invalid_name,
           "node_id '" + *id + "' must be a snake_case or CamelCase name");
      return;
    }
    std::string pascal;
    bool upper = true;
    for (char ch : *id) {
      if (ch == '_') {
        upper = true;
        continue;
      }
      pascal += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
      upper = false;
    }
    if (pascal.rfind("Node", 0) == 0 && pascal.size() > 4
        && std::isupper(static_cast<unsigned char>(pascal[4])))
      pascal.erase(0, 4);
    auto want = std::string{suffix(*type)};
    if (pascal.size() < want.size()
        || pascal.compare(pascal.size() - want.size(), want.size(), want) != 0)
      pascal += want;
    c.name = "Node" + pascal;
  }
  if (!is_node_class_name(c.name)) {
    fail(member(root, "node_id"), "node_id", contract_errc::invalid_name,
         "node_id '" + *id + "' does not give a valid node class name ('" + c.name + "')");
  } else if (c.name.compare(c.name.size() - suffix(*type).size(), suffix(*type).size(),
                            suffix(*type))
             != 0) {
    fail(member(root, "node_id"), "node_id", contract_errc::name_mismatch,
         "node_id '" + *id + "' must end with '" + std::string{suffix(*type)} + "' for node_type '"
           + *type_text + "'");
  }
}

void contract_parser::read_version(const YAML::Node& root, contract& c) {
  auto node = member(root, "version");
  if (!node.IsDefined()) {
    in_.fail(root, "version", "yaml.missing", "missing required field 'version'");
    return;
  }
  if (node.IsMap()) {
    in_.allow_keys(node, "version", {"major", "minor", "patch"});
    auto major = in_.get_int(node, "major", "version", true, 0);
    auto minor = in_.get_int(node, "minor", "version", true, 0);
    auto patch = in_.get_int(node, "patch", "version", true, 0);
    if (major && minor && patch)
      c.version = version_info{*major, *minor, *patch};
    return;
  }
  if (!node.IsScalar()) {
    in_.fail(node, "version", "yaml.type",
             "'version' must be {major, minor, patch} or a string like \"1.0.0\", not a list");
    return;
  }
  const auto& s = node.Scalar();
  if (auto v = parse_version_string(s))
    c.version = *v;
  else
    fail(node, "version", contract_errc::invalid_version,
         "version '" + s + "' must be {major, minor, patch}, \"1.2.3\" or \"v1_2_3\"");
}

void contract_parser::read_lists(const YAML::Node& root, contract& c) {
  for (auto& [e, at] : entries(root, "capabilities", "")) {
    in_.allow_keys(e, at, {"name", "description"});
    auto name = text(e, "name", at, true, 1);
    auto desc = text(e, "description", at, true, 1);
    if (name && desc)
      c.capabilities.push_back(capability{*name, *desc});
  }

  if (auto endpoints = mapping(root, "endpoints", ""))
    c.endpoints = *endpoints;

  if (auto deps = block(root, "dependencies", ""); deps.IsDefined()) {
    in_.allow_keys(deps, "dependencies", {"services"});
    for (auto& [e, at] : entries(deps, "services", "dependencies")) {
      in_.allow_keys(e, at, {"name", "required", "description"});
      service_dependency d;
      auto name = text(e, "name", at, true, 1);
      d.required = flag(e, "required", at).value_or(true);
      d.description = text(e, "description", at, false).value_or("");
      if (name) {
        d.name = *name;
        c.dependencies.push_back(std::move(d));
      }
    }
  }

  if (auto conf = block(root, "configuration", ""); conf.IsDefined()) {
    for (const auto& kv : conf) {
      auto at = yaml_reader::join("configuration", kv.first.Scalar());
      if (!in_.expect_map(kv.second, at))
        continue;
      in_.allow_keys(kv.second, at, {"default", "description"});
      config_parameter p;
      p.key = kv.first.Scalar();
      p.default_value = yaml_reader::to_value(kv.second["default"]);
      p.description = text(kv.second, "description", at, false).value_or("");
      c.configuration.push_back(std::move(p));
    }
  }

  if (auto targets = block(root, "performance_targets", ""); targets.IsDefined()) {
    for (const auto& kv : targets) {
      auto at = yaml_reader::join("performance_targets", kv.first.Scalar());
      if (!kv.second.IsScalar() || yaml_reader::scalar_is_null(kv.second)
          || yaml_reader::scalar_bool(kv.second)) {
        in_.fail(kv.second, at, "yaml.type",
                 "performance targets must be numbers or strings, not "
                   + std::string{kind_of(kv.second)});
        continue;
      }
      c.performance_targets.emplace_back(kv.first.Scalar(), yaml_reader::to_value(kv.second));
    }
  }

  if (auto hc = block(root, "health_checks", ""); hc.IsDefined()) {
    in_.allow_keys(hc, "health_checks", {"components"});
    std::set<std::string> seen;
    for (auto& [e, at] : entries(hc, "components", "health_checks")) {
      in_.allow_keys(e, at, {"name", "critical", "timeout_seconds"});
      health_check_component h;
      auto name = text(e, "name", at, true, 1);
      h.critical = flag(e, "critical", at).value_or(true);
      h.timeout_seconds = number(e, "timeout_seconds", at, 0.1, 60.0).value_or(5.0);
      if (!name)
        continue;
      identifier(e, "name", at, *name, true);
      if (!seen.insert(*name).second)
        fail(member(e, "name"), yaml_reader::join(at, "name"), contract_errc::duplicate_name,
             "health-check component '" + *name + "' is declared twice");
      h.name = *name;
      c.health_checks.push_back(std::move(h));
    }
  }

  if (auto x = mapping(root, "input_state", ""))
    c.input_state = *x;
  if (auto x = mapping(root, "output_state", ""))
    c.output_state = *x;
  if (auto defs = block(root, "definitions", ""); defs.IsDefined()) {
    for (const auto& kv : defs)
      in_.expect_map(kv.second, yaml_reader::join("definitions", kv.first.Scalar()));
    c.definitions = yaml_reader::to_value(defs);
  }
}

void contract_parser::read_mixins(const YAML::Node& root, contract& c) {
  std::set<std::string> seen;
  for (auto& [e, at] : entries(root, "mixins", "")) {
    in_.allow_keys(e, at, {"name", "enabled", "config"});
    mixin_declaration m;
    auto name = text(e, "name", at, true);
    m.enabled = flag(e, "enabled", at).value_or(true);
    auto config = block(e, "config", at);
    if (config.IsDefined())
      m.config = yaml_reader::to_value(config);
    if (!name)
      continue;
    auto name_at = yaml_reader::join(at, "name");
    if (!is_mixin_name(*name)) {
      fail(member(e, "name"), name_at, contract_errc::invalid_mixin_name,
           "invalid mixin name '" + *name
             + "': must match ^Mixin[A-Z][a-zA-Z0-9]*$ (e.g. MixinHealthCheck)");
      continue;
    }
    if (mixin_module(*name).empty()) {
      fail(member(e, "name"), name_at, contract_errc::unknown_mixin,
           "unknown mixin '" + *name
             + "' (omnibase_core provides: MixinHealthCheck, "
               "MixinMetrics, MixinLogData, MixinEventDrivenNode, MixinServiceRegistry, ... "
               "see known_mixins())");
      continue;
    }
    if (!seen.insert(*name).second) {
      fail(member(e, "name"), name_at, contract_errc::duplicate_name,
           "mixin '" + *name + "' is declared twice");
      continue;
    }
    m.name = *name;
    if (config.IsDefined())
      read_mixin_config(m, config, yaml_reader::join(at, "config"));
    c.mixins.push_back(std::move(m));
  }
}

void contract_parser::read_mixin_config(const mixin_declaration& m, const YAML::Node& config,
                                        const std::string& path) {
  // The five mixins whose configuration the original validates (mixins_schema.json).
  if (m.name == "MixinHealthCheck") {
    in_.allow_keys(config, path, {"check_interval_ms", "timeout_seconds", "components"});
    integer(config, "check_interval_ms", path, 1000, 300000);
    number(config, "timeout_seconds", path, 1.0, 60.0);
    auto comps = entries(config, "components", path);
    if (has(config, "components") && member(config, "components").IsSequence()
        && member(config, "components").size() == 0)
      fail(member(config, "components"), yaml_reader::join(path, "components"),
           contract_errc::invalid_value, "'components' must have at least 1 entry");
    for (auto& [e, at] : comps) {
      in_.allow_keys(e, at, {"name", "critical", "timeout_seconds"});
      if (auto name = text(e, "name", at, true, 1))
        identifier(e, "name", at, *name, true);
      flag(e, "critical", at);
      number(e, "timeout_seconds", at, 0.5, 30.0);
    }
  } else if (m.name == "MixinMetrics") {
    in_.allow_keys(config, path,
                   {"collect_latency", "collect_throughput", "collect_error_rates", "percentiles",
                    "histogram_buckets"});
    flag(config, "collect_latency", path);
    flag(config, "collect_throughput", path);
    flag(config, "collect_error_rates", path);
    for (auto [key, lo, hi] :
         {std::tuple{"percentiles", 1, 100}, std::tuple{"histogram_buckets", 1, INT32_MAX}}) {
      auto list = member(config, key);
      auto field = yaml_reader::join(path, key);
      if (!list.IsDefined() || !in_.expect_sequence(list, field))
        continue;
      for (std::size_t i = 0; i < list.size(); ++i) {
        auto x = yaml_reader::scalar_int(list[i]); // nullopt for non-scalars too
        auto at = yaml_reader::index(field, i);
        if (!x)
          in_.fail(list[i], at, "yaml.type",
                   std::string{key} + " entries must be integers, not "
                     + (list[i].IsScalar() ? "'" + list[i].Scalar() + "'"
                                           : std::string{kind_of(list[i])}));
        else if (*x < lo || *x > hi)
          in_.fail(list[i], at, "yaml.range",
                   std::string{key} + " entry " + std::to_string(*x) + " must be between "
                     + std::to_string(lo) + " and " + std::to_string(hi));
      }
    }
  } else if (m.name == "MixinEventDrivenNode") {
    in_.allow_keys(config, path,
                   {"kafka_bootstrap_servers", "consumer_group", "topics", "auto_offset_reset",
                    "enable_auto_commit"});
    text(config, "kafka_bootstrap_servers", path, true, 1);
    text(config, "consumer_group", path, true, 1);
    if (!has(config, "topics"))
      in_.fail(config, yaml_reader::join(path, "topics"), "yaml.missing",
               "missing required field 'topics'");
    strings(config, "topics", path, 1, 1);
    choice(config, "auto_offset_reset", path, {"earliest", "latest", "none"});
    flag(config, "enable_auto_commit", path);
  } else if (m.name == "MixinServiceRegistry") {
    in_.allow_keys(config, path,
                   {"consul_host", "consul_port", "service_name", "health_check_interval_seconds",
                    "deregister_critical_service_after"});
    text(config, "consul_host", path, true, 1);
    integer(config, "consul_port", path, 1, 65535);
    text(config, "service_name", path, true, 1);
    integer(config, "health_check_interval_seconds", path, 5, 300);
    if (auto after = text(config, "deregister_critical_service_after", path, false)) {
      // ^[0-9]+[smh]$
      auto digits = after->find_first_not_of("0123456789");
      if (digits == 0 || digits == std::string::npos || digits + 1 != after->size()
          || std::string_view{"smh"}.find(after->back()) == std::string_view::npos)
        fail(member(config, "deregister_critical_service_after"),
             yaml_reader::join(path, "deregister_critical_service_after"),
             contract_errc::invalid_value,
             "'" + *after + "' must be a number followed by s, m or h (e.g. 30m)");
    }
  } else if (m.name == "MixinLogData") {
    in_.allow_keys(config, path,
                   {"log_level", "structured", "include_correlation_id", "redact_sensitive_fields",
                    "sensitive_field_patterns"});
    choice(config, "log_level", path, {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"});
    flag(config, "structured", path);
    flag(config, "include_correlation_id", path);
    flag(config, "redact_sensitive_fields", path);
    strings(config, "sensitive_field_patterns", path);
  }
}

void contract_parser::read_advanced_features(const YAML::Node& root, contract& c) {
  auto af = block(root, "advanced_features", "");
  if (!af.IsDefined())
    return;
  const std::string p = "advanced_features";
  in_.allow_keys(af, p,
                 {"circuit_breaker", "retry_policy", "dead_letter_queue", "transactions",
                  "security_validation", "observability"});
  advanced_features f;

  if (auto b = block(af, "circuit_breaker", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "circuit_breaker");
    in_.allow_keys(
      b, at,
      {"enabled", "failure_threshold", "recovery_timeout_ms", "half_open_max_calls", "services"});
    circuit_breaker_config x;
    x.enabled = flag(b, "enabled", at).value_or(x.enabled);
    x.failure_threshold = integer(b, "failure_threshold", at, 1, 100).value_or(x.failure_threshold);
    x.recovery_timeout_ms =
      integer(b, "recovery_timeout_ms", at, 1000, 600000).value_or(x.recovery_timeout_ms);
    x.half_open_max_calls =
      integer(b, "half_open_max_calls", at, 1, 10).value_or(x.half_open_max_calls);
    std::set<std::string> seen;
    for (auto& [e, eat] : entries(b, "services", at)) {
      in_.allow_keys(e, eat, {"name", "failure_threshold", "recovery_timeout_ms"});
      circuit_breaker_service s;
      auto name = text(e, "name", eat, true, 1);
      s.failure_threshold = integer(e, "failure_threshold", eat, 1, 100);
      s.recovery_timeout_ms = integer(e, "recovery_timeout_ms", eat, 1000, 600000);
      if (!name)
        continue;
      if (!seen.insert(*name).second)
        fail(member(e, "name"), yaml_reader::join(eat, "name"), contract_errc::duplicate_name,
             "circuit-breaker service '" + *name + "' is declared twice");
      s.name = *name;
      x.services.push_back(std::move(s));
    }
    f.circuit_breaker = std::move(x);
  }

  if (auto b = block(af, "retry_policy", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "retry_policy");
    in_.allow_keys(b, at,
                   {"enabled", "max_attempts", "initial_delay_ms", "max_delay_ms",
                    "backoff_multiplier", "retryable_exceptions", "retryable_status_codes"});
    retry_policy_config x;
    x.enabled = flag(b, "enabled", at).value_or(x.enabled);
    x.max_attempts = integer(b, "max_attempts", at, 1, 10).value_or(x.max_attempts);
    x.initial_delay_ms =
      integer(b, "initial_delay_ms", at, 100, 10000).value_or(x.initial_delay_ms);
    x.max_delay_ms = integer(b, "max_delay_ms", at, 1000, 300000).value_or(x.max_delay_ms);
    x.backoff_multiplier =
      number(b, "backoff_multiplier", at, 1.0, 5.0).value_or(x.backoff_multiplier);
    if (auto xs = strings(b, "retryable_exceptions", at, 1))
      x.retryable_exceptions = std::move(*xs);
    if (auto list = member(b, "retryable_status_codes"); list.IsDefined()) {
      auto field = yaml_reader::join(at, "retryable_status_codes");
      if (in_.expect_sequence(list, field)) {
        x.retryable_status_codes.clear();
        for (std::size_t i = 0; i < list.size(); ++i) {
          auto code = yaml_reader::scalar_int(list[i]); // nullopt for non-scalars too
          if (!code || *code < 100 || *code > 599)
            in_.fail(list[i], yaml_reader::index(field, i), "yaml.range",
                     "status codes must be integers between 100 and 599");
          else
            x.retryable_status_codes.push_back(*code);
        }
      }
    }
    if (x.initial_delay_ms > x.max_delay_ms)
      fail(member(b, "initial_delay_ms"), yaml_reader::join(at, "initial_delay_ms"),
           contract_errc::invalid_value, "'initial_delay_ms' must not exceed 'max_delay_ms'");
    f.retry_policy = std::move(x);
  }

  if (auto b = block(af, "dead_letter_queue", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "dead_letter_queue");
    in_.allow_keys(b, at,
                   {"enabled", "max_retries", "topic_suffix", "retry_delay_ms", "alert_threshold",
                    "monitoring"});
    dead_letter_queue_config x;
    x.enabled = flag(b, "enabled", at).value_or(x.enabled);
    x.max_retries = integer(b, "max_retries", at, 1, 10).value_or(x.max_retries);
    if (auto suffix_text = text(b, "topic_suffix", at, false)) {
      // ^\.[a-z0-9_-]+$
      const auto& t = *suffix_text;
      if (t.size() > 1 && t[0] == '.'
          && t.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-", 1) == std::string::npos)
        x.topic_suffix = *suffix_text;
      else
        fail(member(b, "topic_suffix"), yaml_reader::join(at, "topic_suffix"),
             contract_errc::invalid_value,
             "topic_suffix '" + *suffix_text + "' must match ^\\.[a-z0-9_-]+$ (e.g. .dlq)");
    }
    x.retry_delay_ms = integer(b, "retry_delay_ms", at, 1000, 300000).value_or(x.retry_delay_ms);
    x.alert_threshold = integer(b, "alert_threshold", at, 1, 10000).value_or(x.alert_threshold);
    if (auto mon = block(b, "monitoring", at); mon.IsDefined()) {
      auto mat = yaml_reader::join(at, "monitoring");
      in_.allow_keys(mon, mat, {"enabled", "check_interval_seconds"});
      flag(mon, "enabled", mat);
      integer(mon, "check_interval_seconds", mat, 10, 3600);
      x.monitoring = yaml_reader::to_value(mon);
    }
    f.dead_letter_queue = std::move(x);
  }

  if (auto b = block(af, "transactions", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "transactions");
    in_.allow_keys(
      b, at, {"enabled", "isolation_level", "timeout_seconds", "rollback_on_error", "savepoints"});
    transactions_config x;
    x.enabled = flag(b, "enabled", at).value_or(x.enabled);
    x.isolation_level =
      choice(b, "isolation_level", at,
             {"READ_UNCOMMITTED", "READ_COMMITTED", "REPEATABLE_READ", "SERIALIZABLE"})
        .value_or(x.isolation_level);
    x.timeout_seconds = integer(b, "timeout_seconds", at, 1, 300).value_or(x.timeout_seconds);
    x.rollback_on_error = flag(b, "rollback_on_error", at).value_or(x.rollback_on_error);
    x.savepoints = flag(b, "savepoints", at).value_or(x.savepoints);
    f.transactions = std::move(x);
  }

  if (auto b = block(af, "security_validation", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "security_validation");
    in_.allow_keys(b, at,
                   {"enabled", "sanitize_inputs", "sanitize_logs", "validate_sql",
                    "max_input_length", "forbidden_patterns", "redact_fields"});
    security_validation_config x;
    x.enabled = flag(b, "enabled", at).value_or(x.enabled);
    x.sanitize_inputs = flag(b, "sanitize_inputs", at).value_or(x.sanitize_inputs);
    x.sanitize_logs = flag(b, "sanitize_logs", at).value_or(x.sanitize_logs);
    x.validate_sql = flag(b, "validate_sql", at).value_or(x.validate_sql);
    x.max_input_length =
      integer(b, "max_input_length", at, 100, 1000000).value_or(x.max_input_length);
    if (auto xs = strings(b, "forbidden_patterns", at)) {
      for (std::size_t i = 0; i < xs->size(); ++i) {
        try {
          std::regex probe{(*xs)[i].rfind("(?i)", 0) == 0 ? (*xs)[i].substr(4) : (*xs)[i]};
        } catch (const std::regex_error& e) {
          fail(member(b, "forbidden_patterns")[i],
               yaml_reader::index(yaml_reader::join(at, "forbidden_patterns"), i),
               contract_errc::invalid_value,
               "'" + (*xs)[i] + "' is not a valid regular expression");
        }
      }
      x.forbidden_patterns = std::move(*xs);
    }
    if (auto xs = strings(b, "redact_fields", at, 1))
      x.redact_fields = std::move(*xs);
    f.security_validation = std::move(x);
  }

  if (auto b = block(af, "observability", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "observability");
    in_.allow_keys(b, at, {"tracing", "metrics", "logging"});
    observability_config x;
    if (auto t = block(b, "tracing", at); t.IsDefined()) {
      auto tat = yaml_reader::join(at, "tracing");
      in_.allow_keys(t, tat, {"enabled", "exporter", "endpoint", "sample_rate"});
      flag(t, "enabled", tat);
      choice(t, "exporter", tat, {"otlp", "jaeger", "zipkin", "console"});
      text(t, "endpoint", tat, false, 1);
      number(t, "sample_rate", tat, 0.0, 1.0);
      x.tracing = yaml_reader::to_value(t);
    }
    if (auto m = block(b, "metrics", at); m.IsDefined()) {
      auto mat = yaml_reader::join(at, "metrics");
      in_.allow_keys(m, mat, {"enabled", "prometheus_port", "export_interval_seconds"});
      flag(m, "enabled", mat);
      integer(m, "prometheus_port", mat, 1024, 65535);
      integer(m, "export_interval_seconds", mat, 5, 300);
      x.metrics = yaml_reader::to_value(m);
    }
    if (auto l = block(b, "logging", at); l.IsDefined()) {
      auto lat = yaml_reader::join(at, "logging");
      in_.allow_keys(l, lat, {"structured", "json_format", "correlation_tracking"});
      flag(l, "structured", lat);
      flag(l, "json_format", lat);
      flag(l, "correlation_tracking", lat);
      x.logging = yaml_reader::to_value(l);
    }
    f.observability = std::move(x);
  }
  c.features = std::move(f);
}

void contract_parser::read_subcontracts(const YAML::Node& root, contract& c) {
  auto sc = block(root, "subcontracts", "");
  if (!sc.IsDefined())
    return;
  const std::string p = "subcontracts";
  in_.allow_keys(sc, p,
                 {"effect", "event_type", "fsm", "aggregation", "state_management", "routing"});
  if (auto b = block(sc, "effect", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "effect");
    in_.allow_keys(b, at, {"operations"});
    if (!has(b, "operations"))
      in_.fail(b, yaml_reader::join(at, "operations"), "yaml.missing",
               "missing required field 'operations'");
    strings(b, "operations", at, 1, 1);
    c.subcontracts.effect = yaml_reader::to_value(b);
  }
  if (auto b = block(sc, "event_type", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "event_type");
    in_.allow_keys(b, at, {"consumed_events", "produced_events"});
    strings(b, "consumed_events", at, 1);
    strings(b, "produced_events", at, 1);
    c.subcontracts.event_type = yaml_reader::to_value(b);
  }
  if (auto b = block(sc, "fsm", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "fsm");
    in_.allow_keys(b, at, {"states", "transitions"});
    strings(b, "states", at, 1, 1);
    entries(b, "transitions", at);
    c.subcontracts.fsm = yaml_reader::to_value(b);
  }
  if (auto b = block(sc, "aggregation", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "aggregation");
    in_.allow_keys(b, at, {"aggregation_type", "window_size_ms"});
    text(b, "aggregation_type", at, false, 1);
    integer(b, "window_size_ms", at, 1);
    c.subcontracts.aggregation = yaml_reader::to_value(b);
  }
  if (auto b = block(sc, "state_management", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "state_management");
    in_.allow_keys(b, at, {"persistence", "tracked_state"});
    choice(b, "persistence", at, {"memory", "redis", "postgres"});
    if (auto tracked = strings(b, "tracked_state", at, 1)) {
      auto list = member(b, "tracked_state");
      for (std::size_t i = 0; i < tracked->size(); ++i) {
        if (!is_snake_name((*tracked)[i]) || is_python_keyword((*tracked)[i]))
          fail(list[i], yaml_reader::index(yaml_reader::join(at, "tracked_state"), i),
               contract_errc::invalid_identifier,
               "'" + (*tracked)[i] + "' is not usable as a Python field name");
      }
    }
    c.subcontracts.state_management = yaml_reader::to_value(b);
  }
  if (auto b = block(sc, "routing", p); b.IsDefined()) {
    auto at = yaml_reader::join(p, "routing");
    in_.allow_keys(b, at, {"routing_strategy", "routes"});
    text(b, "routing_strategy", at, false, 1);
    entries(b, "routes", at);
    c.subcontracts.routing = yaml_reader::to_value(b);
  }
}

void contract_parser::read_io_operations(const YAML::Node& root, contract& c) {
  std::set<std::string> seen;
  for (auto& [e, at] : entries(root, "io_operations", "")) {
    in_.allow_keys(e, at, {"name", "description", "input_model", "output_model"});
    auto name = text(e, "name", at, true, 1);
    auto desc = text(e, "description", at, true);
    auto input = text(e, "input_model", at, true, 1);
    auto output = text(e, "output_model", at, true, 1);
    if (name) {
      identifier(e, "name", at, *name, true);
      if (is_reserved_method(*name))
        fail(member(e, "name"), yaml_reader::join(at, "name"), contract_errc::invalid_identifier,
             "'" + *name + "' is a method every generated node defines; choose another name");
      if (!seen.insert(*name).second)
        fail(member(e, "name"), yaml_reader::join(at, "name"), contract_errc::duplicate_name,
             "io_operation '" + *name + "' is declared twice");
    }
    if (input)
      identifier(e, "input_model", at, *input, false);
    if (output)
      identifier(e, "output_model", at, *output, false);
    if (name && desc && input && output)
      c.io_operations.push_back(io_operation{*name, *desc, *input, *output});
  }
}

void contract_parser::read_generation_blocks(const YAML::Node& root, contract& c) {
  if (auto b = block(root, "template", ""); b.IsDefined()) {
    in_.allow_keys(b, "template",
                   {"variant", "custom_template", "patterns", "pattern_configuration"});
    template_config x;
    x.variant = choice(b, "variant", "template", {"minimal", "standard", "production", "custom"})
                  .value_or(x.variant);
    x.custom_template = text(b, "custom_template", "template", false, 1);
    if (x.variant == "custom" && !x.custom_template)
      fail(member(b, "variant"), "template.variant", contract_errc::invalid_value,
           "template variant 'custom' requires 'custom_template' (a template path)");
    if (auto xs = strings(b, "patterns", "template"))
      x.patterns = std::move(*xs);
    if (auto pc = mapping(b, "pattern_configuration", "template"))
      x.pattern_configuration = *pc;
    c.template_settings = std::move(x);
  }

  if (auto b = block(root, "generation", ""); b.IsDefined()) {
    const std::string at = "generation";
    in_.allow_keys(b, at,
                   {"enable_llm", "llm_tier", "quality_level", "fallback_strategy",
                    "include_patterns", "include_references", "max_context_size", "timeout_seconds",
                    "retry_attempts"});
    generation_directives x;
    x.enable_llm = flag(b, "enable_llm", at).value_or(x.enable_llm);
    x.llm_tier = choice(b, "llm_tier", at, {"CLOUD_FAST", "CLOUD_DEEP", "LOCAL_FAST", "LOCAL_DEEP"})
                   .value_or(x.llm_tier);
    x.quality_level = choice(b, "quality_level", at, {"minimal", "standard", "production"})
                        .value_or(x.quality_level);
    x.fallback_strategy = choice(b, "fallback_strategy", at, {"graceful", "template_only", "fail"})
                            .value_or(x.fallback_strategy);
    x.include_patterns = flag(b, "include_patterns", at).value_or(x.include_patterns);
    x.include_references = flag(b, "include_references", at).value_or(x.include_references);
    x.max_context_size = integer(b, "max_context_size", at, 1000).value_or(x.max_context_size);
    x.timeout_seconds = integer(b, "timeout_seconds", at, 1).value_or(x.timeout_seconds);
    x.retry_attempts = integer(b, "retry_attempts", at, 0).value_or(x.retry_attempts);
    c.generation = std::move(x);
  }

  auto qg = member(root, "quality_gates");
  if (!qg.IsDefined())
    return;
  quality_gates_config x;
  std::vector<std::pair<YAML::Node, std::string>> gates;
  if (qg.IsSequence()) {
    // The original also reads a bare list of gates.
    warn(qg, "quality_gates", contract_errc::deprecated,
         "a bare list of quality gates is the legacy form; write 'quality_gates: {gates: [...]}'");
    gates = entries_of(qg, "quality_gates");
  } else if (in_.expect_map(qg, "quality_gates")) {
    in_.allow_keys(qg, "quality_gates", {"gates", "fail_on_first_error", "collect_warnings"});
    x.fail_on_first_error = flag(qg, "fail_on_first_error", "quality_gates").value_or(true);
    x.collect_warnings = flag(qg, "collect_warnings", "quality_gates").value_or(true);
    gates = entries(qg, "gates", "quality_gates");
  } else {
    return;
  }
  for (auto& [e, at] : gates) {
    in_.allow_keys(e, at, {"gate", "required", "timeout_seconds", "config"});
    quality_gate g;
    auto name = text(e, "gate", at, true, 1);
    g.required = flag(e, "required", at).value_or(true);
    if (has(e, "timeout_seconds"))
      g.timeout_seconds = number(e, "timeout_seconds", at, 0.1, HUGE_VAL);
    if (auto conf = mapping(e, "config", at))
      g.config = *conf;
    if (name) {
      g.gate = *name;
      x.gates.push_back(std::move(g));
    }
  }
  c.quality_gates = std::move(x);
}

void contract_parser::check_mixin_dependencies(const YAML::Node& root, const contract& c) {
  auto enabled = c.enabled_mixins();
  auto mixins = member(root, "mixins");
  for (std::size_t i = 0; i < c.mixins.size(); ++i) {
    const auto& m = c.mixins[i];
    if (!m.enabled)
      continue;
    for (const auto& [name, deps] : mixin_dependencies()) {
      if (name != m.name)
        continue;
      for (auto dep : deps) {
        if (std::find(enabled.begin(), enabled.end(), dep) != enabled.end())
          continue;
        // Point at the declaration of the mixin that has the unmet dependency.
        YAML::Node at = root;
        std::string path = "mixins";
        if (mixins.IsSequence())
          for (std::size_t k = 0; k < mixins.size(); ++k)
            if (mixins[k].IsMap() && member(mixins[k], "name").IsScalar()
                && member(mixins[k], "name").Scalar() == m.name) {
              at = mixins[k];
              path = yaml_reader::index("mixins", k);
            }
        fail(at, path, contract_errc::mixin_dependency,
             "mixin " + m.name + " requires " + std::string{dep} + ", which is not enabled");
      }
    }
  }
}

parse_report contract_parser::run(std::string_view text) {
  parse_report report;
  if (auto bad = first_invalid_utf8(text)) {
    report.errors.push_back(error_info{
      std::string{code_name(contract_errc::encoding)},
      "the contract is not valid UTF-8 (invalid byte sequence)",
      file_ + ":" + std::to_string(bad->first) + ":" + std::to_string(bad->second), false});
    return report;
  }
  auto root_opt = in_.parse(text);
  if (!root_opt) {
    report.errors = in_.errors();
    return report;
  }
  const auto& root = *root_opt;
  if (root.IsNull() || !root.IsDefined()) {
    in_.fail_file("yaml.type", "the contract is empty (expected a mapping with name, version, "
                               "node_type and description)");
    report.errors = in_.errors();
    return report;
  }
  if (!in_.expect_map(root, "")) {
    report.errors = in_.errors();
    return report;
  }
  check_duplicate_keys(root, "");

  // Top-level keys: errors for a v1/v2 contract; a legacy `node_id` contract skips the
  // original's schema check, so its unknown keys are warnings.
  bool legacy = !has(root, "name") && has(root, "node_id");
  {
    io::yaml_reader keys{file_};
    keys.allow_keys(
      root, "",
      {"schema_version", "name",        "node_id",           "version",       "node_type",
       "description",    "metadata",    "capabilities",      "endpoints",     "dependencies",
       "configuration",  "mixins",      "advanced_features", "subcontracts",  "performance_targets",
       "health_checks",  "input_state", "output_state",      "io_operations", "definitions",
       "error_handling", "template",    "generation",        "quality_gates"});
    for (auto e : keys.errors()) {
      if (legacy)
        warnings_.push_back(std::move(e));
      else
        report.errors.push_back(std::move(e));
    }
  }

  contract c;
  read_identity(root, c);
  read_version(root, c);

  auto description = this->text(root, "description", "", false);
  auto metadata = block(root, "metadata", "");
  if (!description && metadata.IsDefined())
    description = this->text(metadata, "description", "metadata", false);
  if (!description) {
    if (!has(root, "description") && !(metadata.IsDefined() && has(metadata, "description")))
      in_.fail(root, "description", "yaml.missing",
               "missing required field 'description' (or 'metadata.description')");
  } else if (description->size() < 10) {
    fail(has(root, "description") ? member(root, "description") : member(metadata, "description"),
         has(root, "description") ? "description" : "metadata.description",
         contract_errc::invalid_value, "'description' must be at least 10 characters long");
  } else {
    c.description = *description;
  }

  if (auto sv = this->text(root, "schema_version", "", false)) {
    if (is_schema_version(*sv))
      c.schema_version = *sv;
    else
      fail(member(root, "schema_version"), "schema_version", contract_errc::invalid_value,
           "schema_version '" + *sv + "' must look like v2.0.0");
  }

  read_lists(root, c);
  read_mixins(root, c);
  read_advanced_features(root, c);
  read_subcontracts(root, c);
  read_io_operations(root, c);
  read_generation_blocks(root, c);

  if (auto eh = member(root, "error_handling"); eh.IsDefined())
    fail(eh, "error_handling", contract_errc::deprecated,
         "'error_handling' is deprecated; use 'advanced_features' (retry_policy, "
         "circuit_breaker) instead");

  check_mixin_dependencies(root, c);

  for (auto& e : in_.errors())
    report.errors.push_back(e);
  // Errors in document order (line, then column) regardless of which pass found them.
  auto position = [](const error_info& e) {
    auto colon = e.where.find(':');
    std::size_t line = 0, column = 0;
    if (colon != std::string::npos) {
      auto rest = e.where.substr(colon + 1);
      std::sscanf(rest.c_str(), "%zu:%zu", &line, &column);
    }
    return std::pair{line, column};
  };
  auto in_document_order = [&](const error_info& x, const error_info& y) {
    return position(x) < position(y);
  };
  std::stable_sort(report.errors.begin(), report.errors.end(), in_document_order);
  report.warnings = std::move(warnings_);
  std::stable_sort(report.warnings.begin(), report.warnings.end(), in_document_order);
  c.raw = yaml_reader::to_value(root);
  c.source = file_;
  if (report.errors.empty())
    report.result = std::move(c);
  return report;
}

} // namespace

const std::vector<std::string>& known_mixins() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& m : mixin_registry)
      out.emplace_back(m.name);
    std::sort(out.begin(), out.end());
    return out;
  }();
  return names;
}

std::string_view mixin_module(std::string_view mixin_name) noexcept {
  for (const auto& m : mixin_registry)
    if (m.name == mixin_name)
      return m.module;
  return {};
}

parse_report parse_contract(std::string_view yaml_text, std::string file) {
  contract_parser parser{std::move(file)};
  return parser.run(yaml_text);
}

parse_report load_contract_file(const std::string& path) {
  auto text = io::read_file(path);
  if (!text) {
    parse_report report;
    report.errors.push_back(text.error());
    return report;
  }
  return parse_contract(*text, path);
}

} // namespace genflow::contracts
