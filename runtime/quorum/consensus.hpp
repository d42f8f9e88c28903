#pragma once

/// Weighted consensus over model votes, and the running tally that decides early.
///
/// For the models that participated (answered with a valid verdict), with weight w_i, vote v_i and
/// confidence c_i:
///
///     S = Σ_{participating, v_i = pass} w_i · c_i          (failing votes add 0, whatever c_i)
///     consensus = S / D, where D is
///       - `participating`: Σ_{participating} w_i          (what the original's code computed)
///       - `total`:         Σ_{enabled} w_i                (what the original's README wrote)
///
/// The two agree only when every enabled model participates. With weights 2 / 2 / 1.5 / 1, the
/// 1.5 model silent, the 1.0 model voting fail and the others passing at 0.9 and 0.8:
/// participating gives 3.4 / 5 = 0.68 (pass at 0.6), total gives 3.4 / 6.5 = 0.52 (fail).
///
/// The verdict: participation is sufficient when Σ_{participating} w_i >= min_participating_weight;
/// the quorum passes when at least one model participated and consensus >= pass_threshold
/// (comparisons tolerate 1e-9 of rounding). Insufficient participation is its own outcome,
/// shaped by the policy: `fail` (no verdict), `warn` (the verdict stands, flagged),
/// `validators_only` (the quorum abstains).
///
/// Early decision: `quorum_tally` takes outcomes one at a time and, after each, says whether the
/// verdict is already decided, i.e. no assignment of the outstanding models' replies (each may
/// pass with any confidence in [0, 1], fail, or not participate) can change it. Each outstanding
/// model moves S and the participating weight P monotonically, so the verdict over all completions
/// is bounded by three extreme ones: all absent (P, S), all failing (P + A, S) and all passing with
/// confidence 1 (P + A, S + A), A being the outstanding weight. The verdict is decided exactly when
/// these three agree. tests/runtime/quorum/consensus_test.cpp checks this against brute force.
///
/// @code
/// quorum_tally tally{{2.0, 2.0, 1.5, 1.0}, tally_rules{0.6, 3.0, consensus_formula::participating,
///                                                      participation_policy::fail}};
/// tally.record_vote(0, true, 0.9);
/// if (tally.record_vote(1, true, 0.95)) cancel_outstanding_calls();
/// quorum_verdict v = tally.verdict();   // outstanding models count as not participating
/// @endcode

#include <cstddef>
#include <vector>

#include "runtime/quorum/quorum_config.hpp"

namespace genflow::quorum {

/// Rounding tolerance of every consensus comparison.
inline constexpr double consensus_epsilon = 1e-9;

/// S / D for one formula; 0 when D is 0.
double consensus_score(double pass_mass, double participating_weight, double total_weight,
                       consensus_formula formula) noexcept;

enum class quorum_outcome {
  passed,
  failed,
  /// Too little weight voted and the policy is `fail`: no verdict.
  insufficient_participation,
  /// Too little weight voted and the policy is `validators_only`: the validators decide alone.
  abstained,
};

std::string_view to_string(quorum_outcome outcome) noexcept;

/// The rules a tally applies (a subset of quorum_settings).
struct tally_rules {
  double pass_threshold = 0.6;
  double min_participating_weight = 3.0;
  consensus_formula formula = consensus_formula::participating;
  participation_policy policy = participation_policy::fail;

  static tally_rules from(const quorum_settings& s) noexcept {
    return {s.pass_threshold, s.min_participating_weight, s.formula, s.on_insufficient};
  }
};

/// The verdict of a quorum, and the numbers behind it.
struct quorum_verdict {
  quorum_outcome outcome = quorum_outcome::failed;
  /// False when participating_weight < min_participating_weight (also under `warn`, where the
  /// outcome is still passed or failed).
  bool participation_sufficient = false;
  /// Under the configured formula.
  double consensus = 0.0;
  /// Both formulas, for reports.
  double consensus_participating = 0.0;
  double consensus_total = 0.0;
  double pass_mass = 0.0;
  double participating_weight = 0.0;
  double total_weight = 0.0;
  double pass_threshold = 0.0;
  int approvals = 0;
  int rejections = 0;
  /// Reported without a valid verdict.
  int absences = 0;
  /// Not reported yet; counted as not participating.
  int outstanding = 0;
  /// Decided before every model reported.
  bool decided_early = false;

  bool passed() const noexcept { return outcome == quorum_outcome::passed; }
};

/// The consensus verdict of a complete set of outcomes (every model reported), computed directly
/// from the definition above. `participants` holds (weight, vote, confidence) of the models that
/// participated; `total_weight` is the enabled weight.
struct weighted_vote {
  double weight = 0.0;
  bool vote = false;
  double confidence = 0.0;
};
quorum_verdict evaluate_votes(const std::vector<weighted_vote>& participants, double total_weight,
                              const tally_rules& rules);

/// Takes model outcomes one at a time and decides as early as the votes allow (see the top of this
/// file). Models are indexes into the weight list given at construction. Not thread-safe: one
/// owner (the quorum actor) feeds it.
class quorum_tally {
public:
  quorum_tally(std::vector<double> weights, tally_rules rules);

  /// Records a valid verdict of `model`; returns decided(). A model's second report is ignored.
  bool record_vote(std::size_t model, bool vote, double confidence);

  /// Records that `model` did not participate (error, invalid reply, timeout); returns decided().
  bool record_absence(std::size_t model);

  /// No assignment of the outstanding models' replies can change the verdict.
  bool decided() const noexcept { return decided_; }

  /// Every model has reported.
  bool complete() const noexcept { return outstanding_ == 0; }

  /// The verdict now, outstanding models counting as not participating. Once decided() it is
  /// the final verdict (only its numbers may still move with later reports).
  quorum_verdict verdict() const;

  /// Whether `model` has not reported yet.
  bool is_outstanding(std::size_t model) const noexcept {
    return model < state_.size() && state_[model] == report::pending;
  }

  std::size_t size() const noexcept { return weights_.size(); }

private:
  enum class report : unsigned char { pending, approved, rejected, absent };

  bool record(std::size_t model, report r, double confidence);
  void update_decision();

  std::vector<double> weights_;
  std::vector<report> state_;
  tally_rules rules_;
  double total_weight_ = 0.0;
  double participating_weight_ = 0.0;
  double pass_mass_ = 0.0;
  std::size_t outstanding_ = 0;
  int approvals_ = 0;
  int rejections_ = 0;
  int absences_ = 0;
  bool decided_ = false;
  bool decided_early_ = false;
};

} // namespace genflow::quorum
