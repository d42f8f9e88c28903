#include "runtime/io/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace genflow::io {

namespace {

bool is_plain(const YAML::Node& node) {
  // yaml-cpp tags plain scalars "?" and quoted ones "!".
  return node.Tag() == "?" || node.Tag().empty();
}

std::string_view type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      if (yaml_reader::scalar_bool(node))
        return "boolean";
      if (yaml_reader::scalar_int(node))
        return "integer";
      if (yaml_reader::scalar_number(node))
        return "number";
      return "string";
    case YAML::NodeType::Sequence:
      return "list";
    case YAML::NodeType::Map:
      return "mapping";
    default:
      return "nothing";
  }
}

/// YAML 1.2 core schema float (.inf and .nan apart):
/// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? — matched by hand, not with std::regex,
/// whose first use compiles the pattern (~0.5 ms, on the path of every config read).
bool is_core_float(std::string_view s) noexcept {
  std::size_t i = 0;
  auto sign = [&] {
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      ++i;
  };
  auto digits = [&] {
    auto start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i - start;
  };
  sign();
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0)
      return false;
  } else {
    if (digits() == 0)
      return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    sign();
    if (digits() == 0)
      return false;
  }
  return i == s.size();
}

} // namespace

std::optional<YAML::Node> yaml_reader::parse(std::string_view text) {
  try {
    return YAML::Load(std::string{text});
  } catch (const YAML::Exception& e) {
    error_info err;
    err.code = "yaml.syntax";
    err.message = e.msg.empty() ? std::string{"invalid YAML"} : e.msg;
    err.where = file_;
    if (!e.mark.is_null())
      err.where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    errors_.push_back(std::move(err));
    return std::nullopt;
  }
}

std::string yaml_reader::join(std::string_view path, std::string_view key) {
  if (path.empty())
    return std::string{key};
  std::string out{path};
  out += '.';
  out += key;
  return out;
}

std::string yaml_reader::index(std::string_view path, std::size_t i) {
  std::string out{path};
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

std::string yaml_reader::where(const YAML::Node& at, std::string_view path) const {
  std::string out = file_;
  if (at.IsDefined()) {
    auto mark = at.Mark();
    if (!mark.is_null())
      out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  if (!path.empty()) {
    out += ' ';
    out += path;
  }
  return out;
}

void yaml_reader::fail(const YAML::Node& at, std::string_view path, std::string code,
                       std::string message) {
  errors_.push_back(error_info{std::move(code), std::move(message), where(at, path), false});
}

void yaml_reader::fail_file(std::string code, std::string message) {
  errors_.push_back(error_info{std::move(code), std::move(message), file_, false});
}

bool yaml_reader::expect_map(const YAML::Node& node, std::string_view path) {
  if (node.IsMap())
    return true;
  fail(node, path, "yaml.type",
       std::string{path.empty() ? "document" : path} + " must be a mapping, not "
         + std::string{type_name(node)});
  return false;
}

bool yaml_reader::expect_sequence(const YAML::Node& node, std::string_view path) {
  if (node.IsSequence())
    return true;
  fail(node, path, "yaml.type",
       std::string{path} + " must be a list, not " + std::string{type_name(node)});
  return false;
}

void yaml_reader::allow_keys(const YAML::Node& map, std::string_view path,
                             std::initializer_list<std::string_view> allowed) {
  if (!map.IsMap())
    return;
  for (const auto& kv : map) {
    auto key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) {
        if (!list.empty())
          list += ", ";
        list += a;
      }
      fail(kv.first, join(path, key), "yaml.unknown_key",
           "unknown key '" + key + "' (expected one of: " + list + ")");
    }
  }
}

namespace {

/// Looks a member up; absent or null yields an undefined node.
YAML::Node member(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap())
    return YAML::Node{YAML::NodeType::Undefined};
  for (const auto& kv : map)
    if (kv.first.Scalar() == key) {
      if (kv.second.IsNull())
        return YAML::Node{YAML::NodeType::Undefined};
      return kv.second;
    }
  return YAML::Node{YAML::NodeType::Undefined};
}

} // namespace

YAML::Node yaml_reader::lookup(const YAML::Node& map, std::string_view key,
                               std::string_view path, bool is_required) {
  auto node = member(map, key);
  if (!node.IsDefined() && is_required)
    fail(map, join(path, key), "yaml.missing",
         "missing required field '" + std::string{key} + "'");
  return node;
}

void yaml_reader::type_error(const YAML::Node& node, std::string_view key,
                             std::string_view path, std::string_view what) {
  // A scalar is quoted as written; a map or list is named by its type.
  fail(node, join(path, key), "yaml.type",
       "'" + std::string{key} + "' must be " + std::string{what} + ", not "
         + (node.IsScalar() ? "'" + node.Scalar() + "'" : std::string{type_name(node)}));
}

std::optional<std::string> yaml_reader::get_string(const YAML::Node& map, std::string_view key,
                                                   std::string_view path, bool is_required) {
  auto node = lookup(map, key, path, is_required);
  if (!node.IsDefined())
    return std::nullopt;
  if (!node.IsScalar()) {
    type_error(node, key, path, "a string");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::int64_t> yaml_reader::get_int(const YAML::Node& map, std::string_view key,
                                                 std::string_view path, bool is_required,
                                                 std::int64_t min, std::int64_t max) {
  auto node = lookup(map, key, path, is_required);
  if (!node.IsDefined())
    return std::nullopt;
  auto x = node.IsScalar() ? scalar_int(node) : std::nullopt;
  if (!x) {
    type_error(node, key, path, "an integer");
    return std::nullopt;
  }
  if (*x < min || *x > max) {
    std::string range = min == INT64_MIN ? "at most " + std::to_string(max)
                        : max == INT64_MAX
                          ? "at least " + std::to_string(min)
                          : "between " + std::to_string(min) + " and " + std::to_string(max);
    fail(node, join(path, key), "yaml.range",
         "'" + std::string{key} + "' is " + std::to_string(*x) + ", must be " + range);
    return std::nullopt;
  }
  return x;
}

std::optional<double> yaml_reader::get_number(const YAML::Node& map, std::string_view key,
                                              std::string_view path, bool is_required) {
  auto node = lookup(map, key, path, is_required);
  if (!node.IsDefined())
    return std::nullopt;
  auto x = node.IsScalar() ? scalar_number(node) : std::nullopt;
  if (!x) {
    type_error(node, key, path, "a number");
    return std::nullopt;
  }
  return x;
}

std::optional<bool> yaml_reader::get_bool(const YAML::Node& map, std::string_view key,
                                          std::string_view path, bool is_required) {
  auto node = lookup(map, key, path, is_required);
  if (!node.IsDefined())
    return std::nullopt;
  auto x = node.IsScalar() ? scalar_bool(node) : std::nullopt;
  if (!x) {
    type_error(node, key, path, "true or false");
    return std::nullopt;
  }
  return x;
}

std::optional<std::chrono::nanoseconds>
yaml_reader::get_duration(const YAML::Node& map, std::string_view key, std::string_view path,
                          bool is_required, bool allow_zero) {
  auto node = lookup(map, key, path, is_required);
  if (!node.IsDefined())
    return std::nullopt;
  auto x = node.IsScalar() ? parse_duration(node.Scalar()) : std::nullopt;
  if (!x) {
    type_error(node, key, path, "a duration like 250ms, 10s or 2m");
    return std::nullopt;
  }
  if (x->count() < 0 || (!allow_zero && x->count() == 0)) {
    fail(node, join(path, key), "yaml.range",
         "'" + std::string{key} + "' must be " + (allow_zero ? "zero or positive" : "positive"));
    return std::nullopt;
  }
  return x;
}

std::optional<std::vector<std::string>>
yaml_reader::get_string_list(const YAML::Node& map, std::string_view key, std::string_view path,
                             bool is_required) {
  auto node = lookup(map, key, path, is_required);
  if (!node.IsDefined())
    return std::nullopt;
  if (!node.IsSequence()) {
    type_error(node, key, path, "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool good = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const auto& e = node[i];
    if (!e.IsScalar()) {
      fail(e, index(join(path, key), i), "yaml.type",
           "list entries must be strings, not " + std::string{type_name(e)});
      good = false;
      continue;
    }
    out.push_back(e.Scalar());
  }
  if (!good)
    return std::nullopt;
  return out;
}

bool yaml_reader::scalar_is_null(const YAML::Node& node) {
  if (node.IsNull())
    return true;
  if (!node.IsScalar() || !is_plain(node))
    return false;
  const auto& s = node.Scalar();
  return s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty();
}

std::optional<bool> yaml_reader::scalar_bool(const YAML::Node& node) {
  if (!node.IsScalar() || !is_plain(node))
    return std::nullopt;
  const auto& s = node.Scalar();
  if (s == "true" || s == "True" || s == "TRUE")
    return true;
  if (s == "false" || s == "False" || s == "FALSE")
    return false;
  return std::nullopt;
}

std::optional<std::int64_t> yaml_reader::scalar_int(const YAML::Node& node) {
  if (!node.IsScalar() || !is_plain(node))
    return std::nullopt;
  std::string_view s = node.Scalar();
  if (s.empty())
    return std::nullopt;
  int base = 10;
  bool negative = false;
  if (s.front() == '+' || s.front() == '-') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    s.remove_prefix(2);
  }
  if (s.empty())
    return std::nullopt;
  std::uint64_t u = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), u, base);
  if (res.ec != std::errc{} || res.ptr != s.data() + s.size())
    return std::nullopt;
  if (negative) {
    if (u > static_cast<std::uint64_t>(INT64_MAX) + 1)
      return std::nullopt;
    return static_cast<std::int64_t>(0 - u);
  }
  if (u > static_cast<std::uint64_t>(INT64_MAX))
    return std::nullopt;
  return static_cast<std::int64_t>(u);
}

std::optional<double> yaml_reader::scalar_number(const YAML::Node& node) {
  if (auto i = scalar_int(node))
    return static_cast<double>(*i);
  if (!node.IsScalar() || !is_plain(node))
    return std::nullopt;
  std::string s = node.Scalar();
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf")
    return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF")
    return -HUGE_VAL;
  if (s == ".nan" || s == ".NaN" || s == ".NAN")
    return std::nan("");
  if (!is_core_float(s))
    return std::nullopt;
  std::string_view v = s;
  if (!v.empty() && v.front() == '+')
    v.remove_prefix(1);
  double d = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), d);
  if (res.ec != std::errc{})
    return std::nullopt;
  return d;
}

value yaml_reader::to_value(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      value::array_type xs;
      xs.reserve(node.size());
      for (const auto& e : node)
        xs.push_back(to_value(e));
      return value{std::move(xs)};
    }
    case YAML::NodeType::Map: {
      value::object_type xs;
      xs.reserve(node.size());
      for (const auto& kv : node)
        xs.emplace_back(kv.first.Scalar(), to_value(kv.second));
      return value{std::move(xs)};
    }
    case YAML::NodeType::Scalar:
      if (scalar_is_null(node))
        return {};
      if (auto b = scalar_bool(node))
        return value{*b};
      if (auto i = scalar_int(node))
        return value{*i};
      if (auto d = scalar_number(node))
        return value{*d};
      return value{node.Scalar()};
    default:
      return {};
  }
}

std::optional<std::chrono::nanoseconds> yaml_reader::parse_duration(std::string_view text) {
  using namespace std::chrono;
  // Split number and unit.
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0)
    return std::nullopt;
  double amount = 0;
  auto res = std::from_chars(text.data(), text.data() + i, amount);
  if (res.ec != std::errc{} || res.ptr != text.data() + i)
    return std::nullopt;
  auto unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ')
    unit.remove_prefix(1);
  double ns_per_unit;
  if (unit.empty() || unit == "s")
    ns_per_unit = 1e9;
  else if (unit == "ms")
    ns_per_unit = 1e6;
  else if (unit == "us")
    ns_per_unit = 1e3;
  else if (unit == "ns")
    ns_per_unit = 1;
  else if (unit == "m" || unit == "min")
    ns_per_unit = 60e9;
  else if (unit == "h")
    ns_per_unit = 3600e9;
  else
    return std::nullopt;
  double ns = amount * ns_per_unit;
  if (!std::isfinite(ns) || ns > 9.2e18)
    return std::nullopt;
  return nanoseconds{static_cast<std::int64_t>(std::llround(ns))};
}

} // namespace genflow::io
