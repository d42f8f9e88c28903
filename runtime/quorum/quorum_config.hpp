#pragma once

/// Quorum configuration: the models that vote and the rules that turn their votes into a
/// verdict, loaded strictly from YAML (every problem reported with file:line:column and field).
///
/// @code
/// quorum:
///   pass_threshold: 0.6              # consensus needed to pass, in [0, 1]
///   min_participating_weight: 3.0    # below it the quorum has no verdict (see on_insufficient)
///   deadline: 60s                    # for the whole quorum; outstanding models stop counting
///   consensus: participating         # or: total (see consensus.hpp for both formulas)
///   on_insufficient: fail            # or: warn | validators_only
///   max_prompt_code_bytes: 32768     # longer code is cut at a line boundary, marked as cut
///   criteria: [...]                  # optional; the original's five criteria otherwise
///   retry: {base: 500ms, max: 8s}    # capped exponential backoff with jitter
///   connect_timeout: 10s
/// models:
///   - id: glm-4.5
///     provider: openai               # openai | gemini | command | offline
///     model: glm-4-plus
///     endpoint: https://open.bigmodel.cn/api/paas/v4/chat/completions
///     api_key_env: GLM_API_KEY       # optional for openai (local servers), required for gemini
///     weight: 2.0                    # (0, 10]
///     timeout: 30s                   # per attempt, (0, 120s]
///     max_retries: 2                 # [0, 5]
///     price_per_1k: {input: 0.0007, output: 0.0007}   # US dollars
///     max_tokens: 1024
///     enabled: true
///   - {id: local-cli, provider: command, command: [my-llm, --json], weight: 1.0}
///   - {id: sec, provider: offline, emphasis: security, weight: 1.0}   # or {security: 2, quality: 1}
/// @endcode
///
/// auto report = load_quorum_config("configs/quorum/default.yaml");
/// if (!report.config) for (auto& e : report.errors) std::cerr << e.to_string() << '\n';

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/error.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow::quorum {

/// How a model is reached.
enum class provider_kind {
  openai,  ///< any OpenAI-compatible chat-completions endpoint (GLM, Mistral, vLLM, Ollama...)
  gemini,  ///< Google generateContent
  command, ///< a local program: prompt on stdin, JSON verdict on stdout
  offline, ///< the deterministic rule-based reviewer (no network, not a language model)
};

std::string_view to_string(provider_kind kind) noexcept;

/// The denominator of the consensus (see consensus.hpp).
enum class consensus_formula {
  participating, ///< weight of the models that voted (what the original's code computed)
  total,         ///< weight of every enabled model (what the original's README wrote)
};

std::string_view to_string(consensus_formula formula) noexcept;

/// What the quorum says when too little weight voted.
enum class participation_policy {
  fail,            ///< no verdict: the validation fails with quorum.insufficient_participation
  warn,            ///< the verdict of those who voted stands, flagged as under-supported
  validators_only, ///< the quorum abstains; the validators' verdict decides alone
};

std::string_view to_string(participation_policy policy) noexcept;

/// What the offline reviewer weighs: a share per validator aspect (normalised to sum 1).
struct review_emphasis {
  double completeness = 0.25;
  double quality = 0.25;
  double onex = 0.25;
  double security = 0.25;
};

/// One voting model.
struct model_config {
  std::string id;
  provider_kind kind = provider_kind::openai;
  /// The provider's model name ("glm-4-plus"); for offline and command models a label.
  std::string model_name;
  /// Full URL of the chat-completions or generateContent endpoint (http or https).
  std::string endpoint;
  /// Environment variable holding the API key; empty for keyless endpoints.
  std::string api_key_env;
  double weight = 1.0;
  /// Per attempt.
  std::chrono::nanoseconds timeout = std::chrono::seconds{30};
  int max_retries = 2;
  token_prices prices;
  int max_tokens = 1024;
  bool enabled = true;
  /// argv of a command model.
  std::vector<std::string> command;
  /// Emphasis of an offline reviewer.
  review_emphasis emphasis;
  /// "file:line:column models[i]", for messages about this model after loading.
  std::string where;
};

/// Capped exponential backoff: attempt n waits a random time in [d/2, d] with
/// d = min(max, base * 2^(n-1)).
struct retry_policy {
  std::chrono::nanoseconds base = std::chrono::milliseconds{500};
  std::chrono::nanoseconds max = std::chrono::seconds{8};
};

/// The original's five criteria (llm_client.py), used when none are configured.
const std::vector<std::string>& default_criteria();

struct quorum_settings {
  double pass_threshold = 0.6;
  double min_participating_weight = 3.0;
  std::chrono::nanoseconds deadline = std::chrono::seconds{60};
  consensus_formula formula = consensus_formula::participating;
  participation_policy on_insufficient = participation_policy::fail;
  std::size_t max_prompt_code_bytes = 32768;
  std::vector<std::string> criteria = default_criteria();
  retry_policy retry;
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds{10};
};

struct quorum_config {
  quorum_settings settings;
  /// Every configured model, enabled or not, in file order.
  std::vector<model_config> models;

  /// Sum of the weights of enabled models.
  double total_enabled_weight() const noexcept;
};

/// Reads an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv).
env_lookup process_environment();

struct config_report {
  std::optional<quorum_config> config;
  /// Every problem found, in file order; empty when `config` is set.
  std::vector<error_info> errors;
};

/// Parses a quorum configuration. `env` is asked whether the key variable of every enabled
/// network model is set (and non-empty); the key itself is not stored in the configuration.
config_report parse_quorum_config(std::string_view yaml_text, std::string file,
                                  const env_lookup& env = process_environment());

config_report load_quorum_config(const std::string& path,
                                 const env_lookup& env = process_environment());

} // namespace genflow::quorum
