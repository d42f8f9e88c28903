#include "runtime/quorum/quorum_config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <set>
#include <utility>

#include "runtime/quorum/curl_library.hpp"
#include <fmt/format.h>

#include "runtime/io/files.hpp"
#include "runtime/io/yaml_reader.hpp"

namespace genflow::quorum {

std::string_view to_string(provider_kind kind) noexcept {
  switch (kind) {
    case provider_kind::openai:
      return "openai";
    case provider_kind::gemini:
      return "gemini";
    case provider_kind::command:
      return "command";
    case provider_kind::offline:
      return "offline";
  }
  return "unknown";
}

std::string_view to_string(consensus_formula formula) noexcept {
  return formula == consensus_formula::total ? "total" : "participating";
}

std::string_view to_string(participation_policy policy) noexcept {
  switch (policy) {
    case participation_policy::fail:
      return "fail";
    case participation_policy::warn:
      return "warn";
    case participation_policy::validators_only:
      return "validators_only";
  }
  return "unknown";
}

const std::vector<std::string>& default_criteria() {
  static const std::vector<std::string> criteria{
    "ONEX v2.0 compliance (ModelOnexError, emit_log_event, async def, EnumLogLevel)",
    "Code quality (PEP 8, type hints, docstrings, low complexity)",
    "Functional correctness against the contract",
    "Security (no hard-coded secrets, no SQL injection, no XSS)",
    "Performance (no needless work in hot paths, async I/O where it matters)",
  };
  return criteria;
}

double quorum_config::total_enabled_weight() const noexcept {
  double total = 0.0;
  for (const auto& m : models)
    if (m.enabled)
      total += m.weight;
  return total;
}

env_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    std::string key{name};
    if (const char* v = std::getenv(key.c_str()))
      return std::string{v};
    return std::nullopt;
  };
}

namespace {

using io::optional_field;
using io::required;
using io::yaml_reader;

constexpr const char* config_code = "quorum.config";

YAML::Node member(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap())
    return YAML::Node{YAML::NodeType::Undefined};
  for (const auto& kv : map)
    if (kv.first.Scalar() == key)
      return kv.second;
  return YAML::Node{YAML::NodeType::Undefined};
}

bool valid_model_id(const std::string& id) {
  if (id.empty() || id.size() > 50)
    return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

bool valid_env_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
    return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

/// Checks an endpoint with libcurl's own URL parser (the one that will use it): http or https,
/// a host, no user:password part, and no query parameter that could carry a key.
std::optional<std::string> endpoint_problem(const std::string& url) {
  auto lib = curl::load();
  if (!lib)
    return "cannot check the URL: " + lib.error().message;
  std::unique_ptr<CURLU, decltype(curl::get().url_cleanup)> h{curl::get().url(),
                                                               curl::get().url_cleanup};
  if (!h)
    return "cannot allocate a URL parser";
  if (curl::get().url_set(h.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return "'" + url + "' is not a valid URL";
  auto part = [&](CURLUPart which) -> std::optional<std::string> {
    char* out = nullptr;
    if (curl::get().url_get(h.get(), which, &out, 0) != CURLUE_OK || out == nullptr)
      return std::nullopt;
    std::string s{out};
    curl::get().free(out);
    return s;
  };
  auto scheme = part(CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https"))
    return "'" + url + "' must use http:// or https://";
  auto host = part(CURLUPART_HOST);
  if (!host || host->empty())
    return "'" + url + "' has no host";
  if (part(CURLUPART_USER) || part(CURLUPART_PASSWORD))
    return "the endpoint must not carry credentials; use api_key_env";
  if (auto query = part(CURLUPART_QUERY)) {
    std::string q = "&" + *query;
    for (auto& c : q)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (q.find("&key=") != std::string::npos || q.find("api_key=") != std::string::npos
        || q.find("apikey=") != std::string::npos || q.find("token=") != std::string::npos)
      return "the endpoint must not carry a key in its query; use api_key_env";
  }
  return std::nullopt;
}

void read_prices(yaml_reader& in, const YAML::Node& node, const std::string& path,
                 token_prices& out) {
  if (!in.expect_map(node, path))
    return;
  in.allow_keys(node, path, {"input", "output"});
  auto check = [&](const char* key, double& dest) {
    if (auto x = in.get_number(node, key, path, required)) {
      if (!(*x >= 0.0) || !std::isfinite(*x))
        in.fail(member(node, key), yaml_reader::join(path, key), config_code,
                std::string{"'"} + key + "' must be a price of zero or more dollars per 1000 tokens");
      else
        dest = *x;
    }
  };
  check("input", out.input_per_1k);
  check("output", out.output_per_1k);
}

void read_emphasis(yaml_reader& in, const YAML::Node& node, const std::string& path,
                   review_emphasis& out) {
  static constexpr const char* aspects = "completeness, quality, onex or security";
  if (node.IsScalar()) {
    const auto& name = node.Scalar();
    review_emphasis e{0.0, 0.0, 0.0, 0.0};
    if (name == "completeness")
      e.completeness = 1.0;
    else if (name == "quality")
      e.quality = 1.0;
    else if (name == "onex")
      e.onex = 1.0;
    else if (name == "security")
      e.security = 1.0;
    else if (name != "balanced") {
      in.fail(node, path, config_code,
              "unknown emphasis '" + name + "' (expected " + aspects
                + ", balanced, or a mapping of weights)");
      return;
    }
    if (name != "balanced")
      out = e;
    return;
  }
  if (!node.IsMap()) {
    in.fail(node, path, config_code,
            std::string{"emphasis must be one of "} + aspects + " or a mapping of weights");
    return;
  }
  auto errors_before = in.errors().size();
  in.allow_keys(node, path, {"completeness", "quality", "onex", "security"});
  review_emphasis e{0.0, 0.0, 0.0, 0.0};
  bool good = in.errors().size() == errors_before;
  auto weight = [&](const char* key, double& dest) {
    if (auto x = in.get_number(node, key, path, optional_field)) {
      if (!(*x >= 0.0) || !std::isfinite(*x)) {
        in.fail(member(node, key), yaml_reader::join(path, key), config_code,
                std::string{"'"} + key + "' must be a weight of zero or more");
        good = false;
      } else {
        dest = *x;
      }
    }
  };
  weight("completeness", e.completeness);
  weight("quality", e.quality);
  weight("onex", e.onex);
  weight("security", e.security);
  if (!good)
    return;
  double sum = e.completeness + e.quality + e.onex + e.security;
  if (!(sum > 0.0)) {
    in.fail(node, path, config_code, "emphasis needs at least one positive weight");
    return;
  }
  out = review_emphasis{e.completeness / sum, e.quality / sum, e.onex / sum, e.security / sum};
}

std::optional<provider_kind> parse_kind(const std::string& s) {
  if (s == "openai")
    return provider_kind::openai;
  if (s == "gemini")
    return provider_kind::gemini;
  if (s == "command")
    return provider_kind::command;
  if (s == "offline")
    return provider_kind::offline;
  return std::nullopt;
}

std::optional<model_config> read_model(yaml_reader& in, const YAML::Node& node,
                                       const std::string& path, const env_lookup& env) {
  if (!in.expect_map(node, path))
    return std::nullopt;
  in.allow_keys(node, path,
                {"id", "provider", "model", "endpoint", "api_key_env", "weight", "timeout",
                 "max_retries", "price_per_1k", "max_tokens", "enabled", "command", "emphasis"});
  auto errors_before = in.errors().size();
  model_config m;
  m.where = in.where(node, path);
  if (auto id = in.get_string(node, "id", path, required)) {
    if (!valid_model_id(*id))
      in.fail(member(node, "id"), yaml_reader::join(path, "id"), config_code,
              "model id '" + *id + "' must be 1-50 characters of letters, digits, '.', '_', '-'");
    m.id = *id;
  }
  if (auto kind = in.get_string(node, "provider", path, required)) {
    if (auto k = parse_kind(*kind))
      m.kind = *k;
    else
      in.fail(member(node, "provider"), yaml_reader::join(path, "provider"), config_code,
              "unknown provider '" + *kind + "' (expected openai, gemini, command or offline)");
  }
  if (auto enabled = in.get_bool(node, "enabled", path, optional_field))
    m.enabled = *enabled;
  if (auto w = in.get_number(node, "weight", path, optional_field)) {
    if (!(*w > 0.0 && *w <= 10.0))
      in.fail(member(node, "weight"), yaml_reader::join(path, "weight"), config_code,
              "weight must be greater than 0 and at most 10");
    else
      m.weight = *w;
  }
  if (auto t = in.get_duration(node, "timeout", path, optional_field)) {
    if (*t > std::chrono::seconds{120})
      in.fail(member(node, "timeout"), yaml_reader::join(path, "timeout"), config_code,
              "timeout must be at most 120s");
    else
      m.timeout = *t;
  }
  if (auto r = in.get_int(node, "max_retries", path, optional_field, 0, 5))
    m.max_retries = static_cast<int>(*r);
  if (auto t = in.get_int(node, "max_tokens", path, optional_field, 1, 1'000'000))
    m.max_tokens = static_cast<int>(*t);
  if (auto p = member(node, "price_per_1k"); p.IsDefined() && !p.IsNull())
    read_prices(in, p, yaml_reader::join(path, "price_per_1k"), m.prices);

  bool network = m.kind == provider_kind::openai || m.kind == provider_kind::gemini;
  auto model_name = in.get_string(node, "model", path, network);
  m.model_name = model_name ? *model_name : m.id;
  auto endpoint = in.get_string(node, "endpoint", path, network);
  auto key_env = in.get_string(node, "api_key_env", path, m.kind == provider_kind::gemini);
  auto command = in.get_string_list(node, "command", path, m.kind == provider_kind::command);
  auto emphasis = member(node, "emphasis");

  auto only_for = [&](bool present, const char* key, const char* kinds) {
    if (present)
      in.fail(member(node, key), yaml_reader::join(path, key), config_code,
              std::string{"'"} + key + "' applies to " + kinds + " models only");
  };
  only_for(!network && endpoint.has_value(), "endpoint", "openai and gemini");
  only_for(!network && key_env.has_value(), "api_key_env", "openai and gemini");
  only_for(m.kind != provider_kind::command && command.has_value(), "command", "command");
  auto present = [&](const char* key) {
    auto n = member(node, key);
    return n.IsDefined() && !n.IsNull();
  };
  only_for(!network && present("max_retries"), "max_retries", "openai and gemini");
  only_for(!network && present("price_per_1k"), "price_per_1k", "openai and gemini");
  only_for(!network && present("max_tokens"), "max_tokens", "openai and gemini");
  only_for(m.kind != provider_kind::offline && emphasis.IsDefined() && !emphasis.IsNull(),
           "emphasis", "offline");

  if (network && endpoint) {
    if (auto problem = endpoint_problem(*endpoint))
      in.fail(member(node, "endpoint"), yaml_reader::join(path, "endpoint"), config_code,
              *problem);
    m.endpoint = *endpoint;
  }
  if (network && key_env) {
    if (!valid_env_name(*key_env)) {
      in.fail(member(node, "api_key_env"), yaml_reader::join(path, "api_key_env"), config_code,
              "'" + *key_env + "' is not an environment variable name");
    } else if (m.enabled) {
      auto key = env(*key_env);
      if (!key || key->empty())
        in.fail(member(node, "api_key_env"), yaml_reader::join(path, "api_key_env"),
                "quorum.missing_key",
                "model '" + m.id + "' is enabled but " + *key_env
                  + " is not set (set it, or disable the model with enabled: false)");
    }
    m.api_key_env = *key_env;
  }
  if (m.kind == provider_kind::command && command) {
    if (command->empty() || command->front().empty())
      in.fail(member(node, "command"), yaml_reader::join(path, "command"), config_code,
              "command needs at least a program name");
    m.command = *command;
  }
  if (m.kind == provider_kind::offline && emphasis.IsDefined() && !emphasis.IsNull())
    read_emphasis(in, emphasis, yaml_reader::join(path, "emphasis"), m.emphasis);

  if (in.errors().size() != errors_before)
    return std::nullopt;
  return m;
}

void read_settings(yaml_reader& in, const YAML::Node& node, quorum_settings& out) {
  const std::string path = "quorum";
  if (!in.expect_map(node, path))
    return;
  in.allow_keys(node, path,
                {"pass_threshold", "min_participating_weight", "deadline", "consensus",
                 "on_insufficient", "max_prompt_code_bytes", "criteria", "retry",
                 "connect_timeout"});
  if (auto t = in.get_number(node, "pass_threshold", path, optional_field)) {
    if (!(*t >= 0.0 && *t <= 1.0))
      in.fail(member(node, "pass_threshold"), "quorum.pass_threshold", config_code,
              "pass_threshold must be between 0 and 1");
    else
      out.pass_threshold = *t;
  }
  if (auto w = in.get_number(node, "min_participating_weight", path, optional_field)) {
    if (!(*w >= 0.0) || !std::isfinite(*w))
      in.fail(member(node, "min_participating_weight"), "quorum.min_participating_weight",
              config_code, "min_participating_weight must be zero or more");
    else
      out.min_participating_weight = *w;
  }
  if (auto d = in.get_duration(node, "deadline", path, optional_field))
    out.deadline = *d;
  if (auto f = in.get_string(node, "consensus", path, optional_field)) {
    if (*f == "participating")
      out.formula = consensus_formula::participating;
    else if (*f == "total")
      out.formula = consensus_formula::total;
    else
      in.fail(member(node, "consensus"), "quorum.consensus", config_code,
              "unknown consensus formula '" + *f + "' (expected participating or total)");
  }
  if (auto p = in.get_string(node, "on_insufficient", path, optional_field)) {
    if (*p == "fail")
      out.on_insufficient = participation_policy::fail;
    else if (*p == "warn")
      out.on_insufficient = participation_policy::warn;
    else if (*p == "validators_only")
      out.on_insufficient = participation_policy::validators_only;
    else
      in.fail(member(node, "on_insufficient"), "quorum.on_insufficient", config_code,
              "unknown policy '" + *p + "' (expected fail, warn or validators_only)");
  }
  if (auto b = in.get_int(node, "max_prompt_code_bytes", path, optional_field, 256, 16 << 20))
    out.max_prompt_code_bytes = static_cast<std::size_t>(*b);
  if (auto c = in.get_string_list(node, "criteria", path, optional_field)) {
    if (c->empty())
      in.fail(member(node, "criteria"), "quorum.criteria", config_code,
              "criteria must not be empty (omit it for the defaults)");
    else
      out.criteria = *c;
  }
  if (auto r = member(node, "retry"); r.IsDefined() && !r.IsNull()) {
    const std::string rpath = "quorum.retry";
    if (in.expect_map(r, rpath)) {
      in.allow_keys(r, rpath, {"base", "max"});
      if (auto x = in.get_duration(r, "base", rpath, optional_field))
        out.retry.base = *x;
      if (auto x = in.get_duration(r, "max", rpath, optional_field))
        out.retry.max = *x;
      if (out.retry.max < out.retry.base)
        in.fail(r, rpath, config_code, "retry 'max' is smaller than 'base'");
    }
  }
  if (auto t = in.get_duration(node, "connect_timeout", path, optional_field))
    out.connect_timeout = *t;
}

/// (line, column) of a "file:line:column path" place; (0, 0) for a place without a position.
std::pair<long, long> file_position(const std::string& where, const std::string& file) {
  if (where.size() <= file.size() || where.compare(0, file.size(), file) != 0
      || where[file.size()] != ':')
    return {0, 0};
  char* end = nullptr;
  long line = std::strtol(where.c_str() + file.size() + 1, &end, 10);
  long column = *end == ':' ? std::strtol(end + 1, nullptr, 10) : 0;
  return {line, column};
}

} // namespace

config_report parse_quorum_config(std::string_view yaml_text, std::string file,
                                  const env_lookup& env) {
  config_report report;
  yaml_reader in{std::move(file)};
  auto root = in.parse(yaml_text);
  quorum_config cfg;
  if (root && in.expect_map(*root, "")) {
    in.allow_keys(*root, "", {"quorum", "models"});
    if (auto s = member(*root, "quorum"); s.IsDefined() && !s.IsNull())
      read_settings(in, s, cfg.settings);
    auto models = member(*root, "models");
    if (!models.IsDefined() || models.IsNull()) {
      in.fail(*root, "models", "yaml.missing", "missing required field 'models'");
    } else if (in.expect_sequence(models, "models")) {
      std::set<std::string> ids;
      for (std::size_t i = 0; i < models.size(); ++i) {
        auto path = yaml_reader::index("models", i);
        auto m = read_model(in, models[i], path, env);
        if (!m)
          continue;
        if (!ids.insert(m->id).second)
          in.fail(member(models[i], "id"), yaml_reader::join(path, "id"), config_code,
                  "duplicate model id '" + m->id + "'");
        cfg.models.push_back(std::move(*m));
      }
      if (in.ok()) {
        double total = cfg.total_enabled_weight();
        if (total <= 0.0)
          in.fail(models, "models", config_code, "no model is enabled");
        else if (cfg.settings.min_participating_weight > total + 1e-9)
          in.fail(member(*root, "quorum"), "quorum.min_participating_weight", config_code,
                  fmt::format("min_participating_weight {} exceeds the total enabled weight {}: "
                              "the quorum could never reach a verdict",
                              cfg.settings.min_participating_weight, total));
      }
    }
  }
  if (in.ok()) {
    report.config = std::move(cfg);
  } else {
    report.errors = in.errors();
    std::stable_sort(report.errors.begin(), report.errors.end(),
                     [&](const error_info& a, const error_info& b) {
                       return file_position(a.where, in.file()) < file_position(b.where, in.file());
                     });
  }
  return report;
}

config_report load_quorum_config(const std::string& path, const env_lookup& env) {
  auto text = io::read_file(path);
  if (!text) {
    config_report report;
    report.errors.push_back(text.error());
    return report;
  }
  return parse_quorum_config(*text, path, env);
}

} // namespace genflow::quorum
