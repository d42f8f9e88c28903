#pragma once

/// The offline reviewer (model kind `offline`): a deterministic voter that needs no network and
/// no key. It is not a language model, and says so at the start of its reasoning ("offline
/// rule-based reviewer, not a language model: ..."). It votes from the validators' analysis
/// (runtime/analysis: completeness, quality, ONEX compliance, security), each instance weighing
/// the four with its own emphasis, so differently configured reviewers disagree where the
/// validators' findings are mixed.
///
/// The rule, for emphasis weights e_v (normalised) over the validators v that ran, with scores s_v:
/// - W = Σ e_v·s_v / Σ e_v, over the validators with e_v > 0;
/// - reject when the code does not parse, when an emphasised validator has a critical finding,
///   or when a validator of the highest emphasis failed; otherwise approve iff W >= 0.7;
/// - confidence = 0.5 + 0.4·min(1, |W − 0.7| / 0.3) (0.9 at most: rules are not certain about
///   quality), 0.9 for a parse failure or a critical finding, 0.6 when the highest-emphasis
///   validator failed although W passed (mixed signals).
///
/// The analysis comes from the request (`vote_request::analysis`, when the validators already
/// ran) or is computed from `vote_request::code` with the default validation settings.
///
/// @code
/// model_config m;
/// m.id = "offline-security";
/// m.kind = provider_kind::offline;
/// m.emphasis = review_emphasis{0.1, 0.1, 0.1, 0.7};
/// offline_reviewer reviewer{m};
/// reviewer.start_vote(request, on_outcome);   // on_outcome runs on the vote's worker thread
/// @endcode

#include "messages/expected.hpp"
#include "runtime/quorum/prompt.hpp"
#include "runtime/quorum/threaded_model_client.hpp"

namespace genflow::analysis {
struct pipeline_result;
} // namespace genflow::analysis

namespace genflow::quorum {

/// The weighted score at or above which an offline reviewer approves.
inline constexpr double offline_pass_score = 0.7;

/// The verdict an offline reviewer with `emphasis` gives on the validators' results.
/// quorum.analysis_failed when none of the emphasised validators ran.
expected<parsed_vote> review_analysis(const analysis::pipeline_result& analysis,
                                      const review_emphasis& emphasis);

class offline_reviewer final : public threaded_model_client {
public:
  explicit offline_reviewer(model_config model);
};

} // namespace genflow::quorum
