#pragma once

/// The quality validator: complexity, type hints, docstrings and style, weighed into a score.
///
/// Rules:
/// - `quality.complexity` (warning): a flow graph whose McCabe complexity (exactly mccabe's,
///   see complexity.hpp) exceeds `max_complexity`;
/// - `quality.type_hints` (info): a function (not nested in a function) with unannotated
///   parameters or return; `self`/`cls` of methods and the return of `__init__` need none;
/// - `quality.line_length` (warning): a line longer than `max_line_length` characters;
/// - `quality.tabs` (warning): indentation containing a tab;
/// - `quality.trailing_whitespace` (warning): spaces or tabs before the end of a line.
///   Blank lines are never flagged (PEP 8 asks for them), nor whitespace inside a string
///   literal (it is data);
/// - `quality.score` (error): the score is below `min_score`.
///
/// Score = w_c x complexity + w_t x type hints + w_d x docstrings + w_s x style, with default
/// weights 0.30 / 0.25 / 0.25 / 0.20 (the original's), where
///   complexity = graphs within the maximum / graphs (1 without graphs),
///   type hints = annotated slots / slots (parameters and returns as above; 1 without any),
///   docstrings = documented / definitions (validation.hpp's census),
///   style      = max(0, 1 - 10 x style findings / lines)  (10 % of lines with issues -> 0).
/// Passed <=> score >= min_score (the context's `min_quality_score` overrides it).

#include <cstdint>

#include "runtime/analysis/python_module.hpp"
#include "runtime/analysis/validation.hpp"

namespace genflow::analysis {

struct quality_weights {
  double complexity = 0.30;
  double type_hints = 0.25;
  double docstrings = 0.25;
  double style = 0.20;
};

struct quality_config {
  int max_complexity = 10;
  std::uint32_t max_line_length = 100;
  double min_score = 0.8;
  quality_weights weights;
};

validation_result check_quality(const python_module& m, const validation_context& ctx,
                                const quality_config& config);

} // namespace genflow::analysis
