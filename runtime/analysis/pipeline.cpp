#include "runtime/analysis/pipeline.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "runtime/io/files.hpp"
#include "runtime/io/yaml_reader.hpp"

namespace genflow::analysis {

// -- validators ---------------------------------------------------------------

std::string_view to_string(validator_kind x) noexcept {
  switch (x) {
    case validator_kind::completeness:
      return "completeness";
    case validator_kind::quality:
      return "quality";
    case validator_kind::onex_compliance:
      return "onex_compliance";
    case validator_kind::security:
      return "security";
  }
  return "completeness";
}

std::optional<validator_kind> parse_validator_kind(std::string_view text) noexcept {
  for (auto k : {validator_kind::completeness, validator_kind::quality,
                 validator_kind::onex_compliance, validator_kind::security})
    if (to_string(k) == text)
      return k;
  return std::nullopt;
}

// -- configuration ------------------------------------------------------------

namespace {

using io::optional_field;

class config_reader {
public:
  explicit config_reader(std::string file) : in_(std::move(file)) {}

  config_report read(std::string_view text) {
    config_report out;
    pipeline_config cfg;
    auto root = in_.parse(text);
    if (root && !root->IsNull() && in_.expect_map(*root, "")) {
      const YAML::Node& r = *root;
      in_.allow_keys(r, "",
                     {"validators", "enable_fast_fail", "timeout_per_validator", "max_file_bytes",
                      "completeness", "quality", "onex_compliance", "security"});
      read_validators(r, cfg);
      if (auto v = in_.get_bool(r, "enable_fast_fail", "", optional_field))
        cfg.enable_fast_fail = *v;
      if (auto v = in_.get_duration(r, "timeout_per_validator", "", optional_field))
        cfg.timeout_per_validator = std::chrono::duration_cast<std::chrono::milliseconds>(*v);
      if (auto v = in_.get_int(r, "max_file_bytes", "", optional_field, 1))
        cfg.max_file_bytes = static_cast<std::uint64_t>(*v);
      if (auto s = section(r, "completeness"))
        read_completeness(*s, cfg.completeness);
      if (auto s = section(r, "quality"))
        read_quality(*s, cfg.quality);
      if (auto s = section(r, "onex_compliance"))
        read_onex(*s, cfg.onex);
      if (auto s = section(r, "security"))
        read_security(*s, cfg.security);
    }
    if (in_.ok())
      out.config = std::move(cfg);
    out.errors = in_.errors();
    return out;
  }

private:
  std::optional<YAML::Node> section(const YAML::Node& r, const char* key) {
    auto node = r[key];
    if (!node.IsDefined() || node.IsNull())
      return std::nullopt;
    if (!in_.expect_map(node, key))
      return std::nullopt;
    return node;
  }

  void read_validators(const YAML::Node& r, pipeline_config& cfg) {
    auto names = in_.get_string_list(r, "validators", "", optional_field);
    if (!names)
      return;
    const YAML::Node& list = r["validators"];
    if (names->empty()) {
      in_.fail(list, "validators", "validation.config",
               "'validators' must name at least one validator");
      return;
    }
    cfg.validators.clear();
    for (std::size_t i = 0; i < names->size(); ++i) {
      auto kind = parse_validator_kind((*names)[i]);
      auto path = io::yaml_reader::index("validators", i);
      if (!kind) {
        in_.fail(list[i], path, "validation.config",
                 "unknown validator '" + (*names)[i]
                   + "' (expected completeness, quality, onex_compliance or security)");
      } else if (std::find(cfg.validators.begin(), cfg.validators.end(), *kind)
                 != cfg.validators.end()) {
        in_.fail(list[i], path, "validation.config",
                 "validator '" + (*names)[i] + "' is listed twice");
      } else {
        cfg.validators.push_back(*kind);
      }
    }
  }

  void read_completeness(const YAML::Node& s, completeness_config& c) {
    in_.allow_keys(s, "completeness", {"expected_patterns", "required_methods", "require_async"});
    if (auto v = in_.get_string_list(s, "expected_patterns", "completeness", optional_field)) {
      for (std::size_t i = 0; i < v->size(); ++i)
        if (auto p = parse_expected_pattern((*v)[i]); !p)
          in_.fail(s["expected_patterns"][i],
                   io::yaml_reader::index("completeness.expected_patterns", i), "validation.config",
                   p.error().message);
      c.expected_patterns = std::move(*v);
    }
    if (auto v = in_.get_string_list(s, "required_methods", "completeness", optional_field))
      c.required_methods = std::move(*v);
    if (auto v = in_.get_bool(s, "require_async", "completeness", optional_field))
      c.require_async = *v;
  }

  void read_unit_interval(const YAML::Node& s, const char* key, std::string_view path,
                          double& out) {
    if (auto v = in_.get_number(s, key, path, optional_field)) {
      if (*v < 0.0 || *v > 1.0)
        in_.fail(s[key], io::yaml_reader::join(path, key), "yaml.range",
                 std::string{"'"}.append(key) + "' must be between 0 and 1");
      else
        out = *v;
    }
  }

  void read_quality(const YAML::Node& s, quality_config& q) {
    in_.allow_keys(s, "quality", {"max_complexity", "max_line_length", "min_score", "weights"});
    if (auto v = in_.get_int(s, "max_complexity", "quality", optional_field, 1, 1000))
      q.max_complexity = static_cast<int>(*v);
    if (auto v = in_.get_int(s, "max_line_length", "quality", optional_field, 1, 100000))
      q.max_line_length = static_cast<std::uint32_t>(*v);
    read_unit_interval(s, "min_score", "quality", q.min_score);
    auto w = s["weights"];
    if (w.IsDefined() && !w.IsNull() && in_.expect_map(w, "quality.weights")) {
      in_.allow_keys(w, "quality.weights", {"complexity", "type_hints", "docstrings", "style"});
      read_unit_interval(w, "complexity", "quality.weights", q.weights.complexity);
      read_unit_interval(w, "type_hints", "quality.weights", q.weights.type_hints);
      read_unit_interval(w, "docstrings", "quality.weights", q.weights.docstrings);
      read_unit_interval(w, "style", "quality.weights", q.weights.style);
      const auto& x = q.weights;
      if (x.complexity + x.type_hints + x.docstrings + x.style <= 0.0)
        in_.fail(w, "quality.weights", "yaml.range", "the quality weights must not all be 0");
    }
  }

  void read_onex(const YAML::Node& s, onex_config& o) {
    in_.allow_keys(s, "onex_compliance", {"base_classes", "error_class", "log_function"});
    if (auto v = in_.get_string(s, "error_class", "onex_compliance", optional_field))
      o.error_class = *v;
    if (auto v = in_.get_string(s, "log_function", "onex_compliance", optional_field))
      o.log_function = *v;
    auto bases = s["base_classes"];
    if (!bases.IsDefined() || bases.IsNull()
        || !in_.expect_map(bases, "onex_compliance.base_classes"))
      return;
    in_.allow_keys(bases, "onex_compliance.base_classes",
                   {"effect", "compute", "reducer", "orchestrator"});
    for (auto& [type, list] : o.base_classes) {
      auto v = in_.get_string_list(bases, type, "onex_compliance.base_classes", optional_field);
      if (!v)
        continue;
      if (v->empty())
        in_.fail(bases[type], io::yaml_reader::join("onex_compliance.base_classes", type),
                 "validation.config", "a node type needs at least one accepted base class");
      else
        list = std::move(*v);
    }
  }

  void read_security(const YAML::Node& s, security_config& c) {
    in_.allow_keys(s, "security", {"min_confidence", "skip_rules", "honor_nosec"});
    if (auto v = in_.get_string(s, "min_confidence", "security", optional_field)) {
      if (auto level = parse_confidence(*v))
        c.min_confidence = *level;
      else
        in_.fail(s["min_confidence"], "security.min_confidence", "validation.config",
                 "'min_confidence' must be low, medium or high, not '" + *v + "'");
    }
    if (auto v = in_.get_string_list(s, "skip_rules", "security", optional_field)) {
      for (std::size_t i = 0; i < v->size(); ++i) {
        const auto& rules = security_rules();
        bool known = std::any_of(rules.begin(), rules.end(),
                                 [&](const security_rule& r) { return r.id == (*v)[i]; });
        if (!known)
          in_.fail(s["skip_rules"][i], io::yaml_reader::index("security.skip_rules", i),
                   "validation.config", "unknown security rule '" + (*v)[i] + "'");
      }
      c.skip_rules = std::move(*v);
    }
    if (auto v = in_.get_bool(s, "honor_nosec", "security", optional_field))
      c.honor_nosec = *v;
  }

  io::yaml_reader in_;
};

} // namespace

config_report parse_validation_config(std::string_view yaml_text, std::string file) {
  return config_reader{std::move(file)}.read(yaml_text);
}

config_report load_validation_config(const std::string& path) {
  auto text = io::read_file(path);
  if (!text) {
    config_report out;
    out.errors.push_back(text.error());
    return out;
  }
  return parse_validation_config(*text, path);
}

// -- running ------------------------------------------------------------------

const validation_result* pipeline_result::find(std::string_view validator) const noexcept {
  for (const auto& r : results)
    if (r.validator == validator)
      return &r;
  return nullptr;
}

validation_result run_validator(validator_kind kind, const python_module& m,
                                const validation_context& ctx, const pipeline_config& config) {
  auto start = std::chrono::steady_clock::now();
  validation_result r;
  switch (kind) {
    case validator_kind::completeness:
      r = check_completeness(m, ctx, config.completeness);
      break;
    case validator_kind::quality:
      r = check_quality(m, ctx, config.quality);
      break;
    case validator_kind::onex_compliance:
      r = check_onex_compliance(m, ctx, config.onex);
      break;
    case validator_kind::security:
      r = check_security(m, ctx, config.security);
      break;
  }
  r.duration = std::chrono::steady_clock::now() - start;
  return r;
}

pipeline_result combine_results(std::vector<validation_result> results,
                                std::vector<std::string> skipped, std::chrono::nanoseconds wall) {
  pipeline_result out;
  out.results = std::move(results);
  out.skipped = std::move(skipped);
  using key = std::tuple<std::string_view, std::uint32_t, std::uint32_t, std::string_view>;
  std::set<key> seen;
  std::set<std::string_view> seen_suggestions;
  double total = 0.0;
  bool all_passed = true;
  for (const auto& r : out.results) {
    total += r.score;
    all_passed = all_passed && r.passed;
    for (const auto& f : r.findings) {
      if (f.severity < severity_level::warning)
        continue;
      if (!seen.insert(key{f.rule, f.line, f.column, f.message}).second)
        continue;
      (f.severity == severity_level::warning ? out.warnings : out.errors).push_back(f);
      if (!f.suggestion.empty() && seen_suggestions.insert(f.suggestion).second)
        out.suggestions.push_back(f.suggestion);
    }
  }
  out.score = out.results.empty() ? 0.0 : total / static_cast<double>(out.results.size());
  out.passed = all_passed && out.skipped.empty();
  out.wall = wall;
  return out;
}

pipeline_result run_pipeline(const python_module& m, const validation_context& ctx,
                             const pipeline_config& config) {
  auto start = std::chrono::steady_clock::now();
  std::vector<validation_result> results;
  std::vector<std::string> skipped;
  for (std::size_t i = 0; i < config.validators.size(); ++i) {
    results.push_back(run_validator(config.validators[i], m, ctx, config));
    if (config.enable_fast_fail && !results.back().passed) {
      for (auto j = i + 1; j < config.validators.size(); ++j)
        skipped.emplace_back(to_string(config.validators[j]));
      break;
    }
  }
  return combine_results(std::move(results), std::move(skipped),
                         std::chrono::steady_clock::now() - start);
}

// -- files --------------------------------------------------------------------

file_validation validate_source(std::string source, std::string path, const validation_context& ctx,
                                const pipeline_config& config) {
  file_validation out;
  out.path = path;
  if (source.size() > config.max_file_bytes) {
    out.error = error_info{"analysis.too_large",
                           "file is " + std::to_string(source.size()) + " bytes; the limit is "
                             + std::to_string(config.max_file_bytes) + " (max_file_bytes)",
                           path, false};
    return out;
  }
  auto start = std::chrono::steady_clock::now();
  auto m = python_module::parse(std::move(source), std::move(path));
  out.parse = std::chrono::steady_clock::now() - start;
  out.result = run_pipeline(m, ctx, config);
  return out;
}

file_validation validate_file(const std::string& path, const validation_context& ctx,
                              const pipeline_config& config) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > config.max_file_bytes) {
    file_validation out;
    out.path = path;
    out.error = error_info{"analysis.too_large",
                           "file is " + std::to_string(size) + " bytes; the limit is "
                             + std::to_string(config.max_file_bytes) + " (max_file_bytes)",
                           path, false};
    return out;
  }
  auto text = io::read_file(path);
  if (!text) {
    file_validation out;
    out.path = path;
    out.error = text.error();
    return out;
  }
  return validate_source(std::move(*text), path, ctx, config);
}

expected<std::vector<file_validation>> validate_path(const std::string& path,
                                                     const validation_context& ctx,
                                                     const pipeline_config& config) {
  auto files = collect_python_files(path);
  if (!files)
    return std::move(files).error();
  std::error_code ec;
  bool tree = std::filesystem::is_directory(path, ec);
  validation_context file_ctx = ctx;
  if (tree)
    file_ctx.require_node_class = false;
  std::vector<file_validation> out;
  out.reserve(files->size() + 1);
  for (const auto& file : *files)
    out.push_back(validate_file(file, file_ctx, config));
  if (!tree || (ctx.class_name.empty() && ctx.node_type.empty()))
    return out;
  // A tree validated for a contract (or a node type) must define its node class somewhere.
  bool checked = false;
  bool found = false;
  for (const auto& f : out)
    for (const auto& r : f.result.results)
      if (const auto* c = r.metrics.find("node_class")) {
        checked = true;
        found =
          found || (c->is_string() && (ctx.class_name.empty() || c->as_string() == ctx.class_name));
      }
  if (checked && !found) {
    file_validation missing;
    missing.path = path;
    std::string what = ctx.class_name.empty() ? "a " + ctx.node_type + " node class"
                                              : "the node class " + ctx.class_name;
    missing.error = error_info{"completeness.node_class",
                               "no file under this directory defines " + what, path, false};
    out.push_back(std::move(missing));
  }
  return out;
}

expected<std::vector<std::string>> collect_python_files(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    return error_info{"io.not_found", "no such file or directory", path, false};
  if (!fs::is_directory(status))
    return std::vector<std::string>{path};
  std::vector<std::string> files;
  auto options = fs::directory_options::skip_permission_denied;
  for (fs::recursive_directory_iterator it{path, options, ec}, end; !ec && it != end;
       it.increment(ec)) {
    auto name = it->path().filename().string();
    // Hidden directories (.git, .venv, .tox) hold tooling, not the code under validation.
    if (it->is_directory(ec) && !name.empty() && name.front() == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && it->path().extension() == ".py")
      files.push_back(it->path().string());
  }
  if (ec)
    return error_info{"io.read", "cannot list the directory: " + ec.message(), path, false};
  if (files.empty())
    return error_info{"analysis.no_files", "no Python files (*.py) under this directory", path,
                      false};
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace genflow::analysis
