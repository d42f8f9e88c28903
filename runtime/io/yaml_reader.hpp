#pragma once

/// Typed, error-collecting reads from YAML documents: the shared base of every genflow loader
/// (workflows, contracts, configs). Each problem becomes an `error_info` whose `where` reads
/// "file:line:column field.path", and reading goes on, so one pass reports every error of a file.
///
/// @code
/// yaml_reader in{"workflow.yaml"};
/// auto root = in.parse(text);                       // nullopt + error on bad YAML
/// if (root) {
///   in.allow_keys(*root, "", {"id", "stages"});     // unknown keys are errors
///   auto id = in.get_string(*root, "id", "", required);
/// }
/// if (!in.errors().empty()) report(in.errors());
/// @endcode

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "messages/error.hpp"
#include "messages/value.hpp"

namespace genflow::io {

inline constexpr bool required = true;
inline constexpr bool optional_field = false;

class yaml_reader {
public:
  explicit yaml_reader(std::string file) : file_(std::move(file)) {}

  /// Parses one YAML document. Empty documents yield a null node; syntax errors are recorded.
  std::optional<YAML::Node> parse(std::string_view text);

  /// Joins a field path: join("stages[0]", "id") == "stages[0].id".
  static std::string join(std::string_view path, std::string_view key);
  static std::string index(std::string_view path, std::size_t i);

  /// "file:line:column path" for a node (line and column 1-based).
  std::string where(const YAML::Node& at, std::string_view path) const;

  /// Records an error at a node.
  void fail(const YAML::Node& at, std::string_view path, std::string code, std::string message);

  /// Records an error without a node (whole file).
  void fail_file(std::string code, std::string message);

  /// Requires a mapping; records "<path> must be a mapping" otherwise.
  bool expect_map(const YAML::Node& node, std::string_view path);
  bool expect_sequence(const YAML::Node& node, std::string_view path);

  /// Records an error for every key of `map` not in `allowed`.
  void allow_keys(const YAML::Node& map, std::string_view path,
                  std::initializer_list<std::string_view> allowed);

  /// Typed member reads. Absent + required, or present with the wrong type, records an error and
  /// yields nullopt. Present-but-null counts as absent.
  std::optional<std::string> get_string(const YAML::Node& map, std::string_view key,
                                        std::string_view path, bool is_required);
  std::optional<std::int64_t> get_int(const YAML::Node& map, std::string_view key,
                                      std::string_view path, bool is_required,
                                      std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  std::optional<double> get_number(const YAML::Node& map, std::string_view key,
                                   std::string_view path, bool is_required);
  std::optional<bool> get_bool(const YAML::Node& map, std::string_view key, std::string_view path,
                               bool is_required);
  /// Durations: "250ms", "10s", "1.5s", "2m", "100us"; a bare number means seconds. Must be > 0
  /// unless `allow_zero`.
  std::optional<std::chrono::nanoseconds> get_duration(const YAML::Node& map, std::string_view key,
                                                       std::string_view path, bool is_required,
                                                       bool allow_zero = false);
  /// A list of strings (a single string is not accepted).
  std::optional<std::vector<std::string>> get_string_list(const YAML::Node& map,
                                                          std::string_view key,
                                                          std::string_view path, bool is_required);

  /// Converts any node into a value (YAML 1.2 core schema for plain scalars; quoted scalars stay
  /// strings; anchors are resolved by yaml-cpp).
  static value to_value(const YAML::Node& node);

  /// Scalar conversions with YAML 1.2 core-schema rules; nullopt when the scalar is not of that type.
  static std::optional<std::int64_t> scalar_int(const YAML::Node& node);
  static std::optional<double> scalar_number(const YAML::Node& node);
  static std::optional<bool> scalar_bool(const YAML::Node& node);
  static bool scalar_is_null(const YAML::Node& node);

  /// Parses "250ms" / "1.5s" / "3" (seconds) into nanoseconds.
  static std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

  const std::string& file() const noexcept { return file_; }
  const std::vector<error_info>& errors() const noexcept { return errors_; }
  bool ok() const noexcept { return errors_.empty(); }

private:
  /// The member `key` of `map`, undefined when absent or null (an error when `is_required`).
  YAML::Node lookup(const YAML::Node& map, std::string_view key, std::string_view path,
                    bool is_required);
  /// Records "'key' must be <what>, not <the value or its type>" at `node`.
  void type_error(const YAML::Node& node, std::string_view key, std::string_view path,
                  std::string_view what);

  std::string file_;
  std::vector<error_info> errors_;
};

} // namespace genflow::io
