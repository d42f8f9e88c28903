#include "runtime/quorum/offline_reviewer.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "runtime/analysis/pipeline.hpp"
#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

constexpr std::string_view self_label = "offline rule-based reviewer, not a language model: ";
constexpr std::size_t max_cited_findings = 3;

struct aspect {
  std::string_view label;     // as in the configuration
  std::string_view validator; // as in validation_result::validator
  double weight;
};

std::array<aspect, 4> aspects(const review_emphasis& e) {
  return {aspect{"completeness", "completeness", e.completeness},
          aspect{"quality", "quality", e.quality},
          aspect{"onex", "onex_compliance", e.onex},
          aspect{"security", "security", e.security}};
}

std::string cite(const analysis::finding& f) {
  std::string out = f.rule;
  if (f.line > 0)
    out += " line " + std::to_string(f.line);
  out += ": ";
  out += f.message.size() > 120 ? f.message.substr(0, 117) + "..." : f.message;
  return out;
}

} // namespace

expected<parsed_vote> review_analysis(const analysis::pipeline_result& result,
                                      const review_emphasis& emphasis) {
  using analysis::severity_level;
  parsed_vote out;

  // The code does not parse: every validator says so; nothing else can be judged.
  for (const auto& f : result.errors)
    if (f.rule == "syntax.error") {
      out.vote = false;
      out.confidence = 0.9;
      out.reasoning = std::string{self_label} + "the code does not parse (" + cite(f) + ")";
      return out;
    }

  struct present {
    aspect a;
    const analysis::validation_result* r;
  };
  std::vector<present> used;
  double max_weight = 0.0;
  for (const auto& a : aspects(emphasis)) {
    if (a.weight <= 0.0)
      continue;
    if (const auto* r = result.find(a.validator)) {
      used.push_back({a, r});
      max_weight = std::max(max_weight, a.weight);
    }
  }
  if (used.empty())
    return make_error(quorum_errc::analysis_failed,
                      "none of the validators this reviewer weighs has run");

  double weight_sum = 0.0;
  double weighted = 0.0;
  for (const auto& p : used) {
    weight_sum += p.a.weight;
    weighted += p.a.weight * p.r->score;
  }
  double w = weighted / weight_sum;

  // Findings to cite: critical and error findings of the validators, by emphasis.
  std::vector<const present*> by_emphasis;
  for (const auto& p : used)
    by_emphasis.push_back(&p);
  std::stable_sort(by_emphasis.begin(), by_emphasis.end(),
                   [](const present* x, const present* y) { return x->a.weight > y->a.weight; });
  bool critical = false;
  bool focus_failed = false;
  std::vector<std::string> cited;
  std::vector<std::string> failed;
  for (const auto* p : by_emphasis) {
    if (!p->r->passed) {
      failed.emplace_back(p->a.label);
      if (p->a.weight >= max_weight - 1e-12)
        focus_failed = true;
    }
    for (const auto& f : p->r->findings) {
      if (f.severity == severity_level::critical)
        critical = true;
      if ((f.severity == severity_level::critical || f.severity == severity_level::error)
          && cited.size() < max_cited_findings)
        cited.push_back(cite(f));
    }
  }

  bool score_passes = w >= offline_pass_score;
  out.vote = score_passes && !critical && !focus_failed;
  if (critical)
    out.confidence = 0.9;
  else if (focus_failed && score_passes)
    out.confidence = 0.6;
  else
    out.confidence = 0.5 + 0.4 * std::min(1.0, std::abs(w - offline_pass_score) / 0.3);

  std::string terms;
  for (const auto* p : by_emphasis) {
    if (!terms.empty())
      terms += ", ";
    terms += fmt::format("{} {:.2f} x {:.2f}", p->a.label, p->a.weight / weight_sum, p->r->score);
  }
  auto& text = out.reasoning;
  text = std::string{self_label};
  text += fmt::format("weighted validator score {:.2f} {} {:.2f} ({})", w,
                      score_passes ? ">=" : "<", offline_pass_score, terms);
  if (critical)
    text += "; critical findings";
  if (!failed.empty()) {
    text += "; failed: ";
    for (std::size_t i = 0; i < failed.size(); ++i)
      text += (i ? ", " : "") + failed[i];
  }
  if (!cited.empty()) {
    text += "; ";
    for (std::size_t i = 0; i < cited.size(); ++i)
      text += (i ? "; " : "") + cited[i];
  }
  return out;
}

offline_reviewer::offline_reviewer(model_config model)
  : threaded_model_client(
    model,
    [emphasis = model.emphasis, id = model.id,
     config = std::make_shared<const analysis::pipeline_config>()](const vote_request& request,
                                                                   const std::atomic<bool>&) {
      vote_outcome out;
      out.attempts = 1;
      auto analysed = request.analysis;
      if (!analysed) {
        analysis::validation_context ctx;
        ctx.node_type = request.node_type;
        auto file = analysis::validate_source(request.code, "review.py", ctx, *config);
        if (file.error) {
          out.error = make_error(quorum_errc::analysis_failed, file.error->message,
                                 "model " + id);
          return out;
        }
        analysed = std::make_shared<const analysis::pipeline_result>(std::move(file.result));
      }
      auto verdict = review_analysis(*analysed, emphasis);
      if (!verdict) {
        auto e = verdict.error();
        e.where = "model " + id;
        out.error = std::move(e);
        return out;
      }
      out.vote = verdict->vote;
      out.confidence = verdict->confidence;
      out.reasoning = std::move(verdict->reasoning);
      return out;
    },
    // A review of the validators' results takes microseconds: one thread, votes in turn.
    1) {}

} // namespace genflow::quorum
