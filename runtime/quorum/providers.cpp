#include "runtime/quorum/providers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "runtime/quorum/curl_library.hpp"

#include "runtime/io/json.hpp"
#include "runtime/quorum/prompt.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

constexpr double temperature = 0.2;

std::string model_where(const model_config& model) {
  return "model " + model.id + " (" + endpoint_label(model.endpoint) + ")";
}

/// A non-negative integer member, if present.
std::optional<std::int64_t> count_at(const value& obj, std::string_view key) {
  const auto* v = obj.find(key);
  if (v == nullptr || !v->is_number())
    return std::nullopt;
  double d = v->as_number();
  if (!(d >= 0.0) || d > 1e15)
    return std::nullopt;
  return static_cast<std::int64_t>(d);
}

token_usage openai_usage(const value& body) {
  token_usage u;
  const auto& usage = body.get("usage");
  auto in = count_at(usage, "prompt_tokens");
  auto out = count_at(usage, "completion_tokens");
  if (in || out) {
    u.input = in.value_or(0);
    u.output = out.value_or(0);
    u.reported = true;
  }
  return u;
}

token_usage gemini_usage(const value& body) {
  token_usage u;
  const auto& usage = body.get("usageMetadata");
  auto in = count_at(usage, "promptTokenCount");
  auto out = count_at(usage, "candidatesTokenCount");
  if (in || out) {
    u.input = in.value_or(0);
    u.output = out.value_or(0);
    u.reported = true;
  }
  return u;
}

/// The provider's own error text, if the body has one ({"error": {"message"}} or {"error": "..."}).
std::string provider_message(const std::string& body) {
  auto parsed = io::parse_json(body, "reply");
  if (parsed && parsed->is_object()) {
    const auto& err = parsed->get("error");
    if (err.is_string())
      return err.as_string();
    if (err.is_object()) {
      auto msg = err.get_string("message");
      if (!msg.empty())
        return msg;
    }
    auto msg = parsed->get_string("message");
    if (!msg.empty())
      return msg;
  }
  // Not JSON: quote a bounded, single-line prefix.
  std::string out;
  for (char c : std::string_view{body}.substr(0, 200))
    out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

} // namespace

http_request build_provider_request(const model_config& model, const std::string& api_key,
                                    const std::string& prompt, std::chrono::nanoseconds timeout,
                                    std::chrono::nanoseconds connect_timeout) {
  http_request req;
  req.method = "POST";
  req.url = model.endpoint;
  req.timeout = timeout;
  req.connect_timeout = std::min(connect_timeout, timeout);
  req.headers.push_back({"Content-Type", "application/json", false});
  req.headers.push_back({"Accept", "application/json", false});
  value body;
  if (model.kind == provider_kind::gemini) {
    if (!api_key.empty())
      req.headers.push_back({"x-goog-api-key", api_key, true});
    body.set("contents",
             value::array_type{value::object_type{
               {"role", "user"},
               {"parts", value::array_type{value::object_type{{"text", prompt}}}}}});
    body.set("generationConfig", value::object_type{{"temperature", temperature},
                                                    {"topK", 40},
                                                    {"topP", 0.95},
                                                    {"maxOutputTokens", model.max_tokens}});
  } else {
    if (!api_key.empty())
      req.headers.push_back({"Authorization", "Bearer " + api_key, true});
    body.set("model", model.model_name);
    body.set("messages",
             value::array_type{
               value::object_type{{"role", "system"}, {"content", std::string{system_instruction}}},
               value::object_type{{"role", "user"}, {"content", prompt}}});
    body.set("temperature", temperature);
    body.set("max_tokens", model.max_tokens);
  }
  req.body = io::to_json(body);
  return req;
}

expected<provider_reply> read_provider_response(const model_config& model,
                                                const http_response& response,
                                                const std::vector<std::string>& secrets,
                                                token_usage* usage_out) {
  auto where = model_where(model);
  if (response.error) {
    auto e = *response.error;
    e.message = redact(std::move(e.message), secrets);
    e.where = where;
    return e;
  }
  auto status = response.status;
  if (status < 200 || status >= 300) {
    auto said = redact(provider_message(response.body), secrets);
    auto message = "HTTP " + std::to_string(status) + (said.empty() ? "" : ": " + said);
    if (status == 429)
      return make_error(quorum_errc::rate_limited, std::move(message), where, true);
    if (status >= 500)
      return make_error(quorum_errc::server_error, std::move(message), where, true);
    if (status == 408)
      return make_error(quorum_errc::timeout, std::move(message), where, true);
    if (status == 401 || status == 403)
      return make_error(quorum_errc::auth, std::move(message), where, false);
    return make_error(quorum_errc::bad_request, std::move(message), where, false);
  }

  auto parsed = io::parse_json(response.body, "reply");
  if (!parsed || !parsed->is_object())
    return make_error(quorum_errc::bad_reply,
                      "the reply body is not a JSON object: "
                        + redact(provider_message(response.body), secrets),
                      where);
  const auto& body = *parsed;
  provider_reply out;
  if (model.kind == provider_kind::gemini) {
    out.usage = gemini_usage(body);
    if (usage_out != nullptr)
      *usage_out = out.usage;
    const auto& candidates = body.get("candidates");
    if (!candidates.is_array() || candidates.as_array().empty()) {
      auto reason = body.get("promptFeedback").get_string("blockReason");
      if (!reason.empty())
        return make_error(quorum_errc::blocked, "the provider refused to answer: " + reason,
                          where);
      return make_error(quorum_errc::bad_reply, "the reply has no candidates", where);
    }
    const auto& first = candidates.as_array().front();
    const auto& parts = first.get("content").get("parts");
    if (!parts.is_array() || parts.as_array().empty()
        || !parts.as_array().front().get("text").is_string()) {
      auto finish = first.get_string("finishReason");
      if (finish == "SAFETY" || finish == "RECITATION" || finish == "BLOCKLIST")
        return make_error(quorum_errc::blocked, "the provider stopped the answer: " + finish,
                          where);
      return make_error(quorum_errc::bad_reply,
                        "the reply has no candidates[0].content.parts[0].text", where);
    }
    out.text = parts.as_array().front().get("text").as_string();
  } else {
    out.usage = openai_usage(body);
    if (usage_out != nullptr)
      *usage_out = out.usage;
    const auto& choices = body.get("choices");
    if (!choices.is_array() || choices.as_array().empty())
      return make_error(quorum_errc::bad_reply, "the reply has no choices", where);
    const auto& content = choices.as_array().front().get("message").get("content");
    if (!content.is_string())
      return make_error(quorum_errc::bad_reply, "the reply has no choices[0].message.content",
                        where);
    out.text = content.as_string();
  }
  return out;
}

std::optional<std::chrono::nanoseconds> retry_after(const http_response& response,
                                                    std::chrono::system_clock::time_point now) {
  const auto* header = response.header("retry-after");
  if (header == nullptr || header->empty())
    return std::nullopt;
  const auto& text = *header;
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (text.size() > 9)
      return std::nullopt;
    return std::chrono::seconds{std::stoll(text)};
  }
  auto lib = curl::load();
  if (!lib)
    return std::nullopt;
  auto when = (*lib)->getdate(text.c_str(), nullptr);
  if (when < 0)
    return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(when);
  if (at <= now)
    return std::chrono::nanoseconds::zero();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at - now);
}

std::chrono::nanoseconds backoff_delay(int retry, const retry_policy& policy,
                                       std::mt19937_64& rng) {
  auto d = policy.base;
  for (int i = 1; i < retry && d < policy.max; ++i)
    d *= 2;
  d = std::min(d, policy.max);
  std::uniform_int_distribution<std::int64_t> pick{d.count() / 2, d.count()};
  return std::chrono::nanoseconds{pick(rng)};
}

} // namespace genflow::quorum
