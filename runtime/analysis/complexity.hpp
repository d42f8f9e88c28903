#pragma once

/// McCabe cyclomatic complexity exactly as the `mccabe` tool (0.7, Debian python3-mccabe)
/// computes it, on genflow's flattened tree.
///
/// mccabe builds a flow graph per module-level function or method and per `if` / loop / `try`
/// statement at module or class level, and reports `edges - nodes + 2`. Its visitor only looks
/// at statements, so these are what count (and what does not):
/// - every simple statement adds one node and one edge (net 0); `with` likewise (its body is
///   walked); a class body is walked without a node of its own;
/// - `if` and each `elif` (a nested `if` in the `else` branch): +1; `for`, `async for` and
///   `while`, with or without `else`: +1;
/// - `try` with k `except` handlers: +k+1 (its `else` adds nothing; `finally` is not walked);
/// - a nested function (closure): +1 plus its own contents, inside the parent's graph;
/// - not counted: boolean operators, comprehensions, lambdas, conditional expressions, `match`
///   (a simple statement whose cases are not walked), `try` with `except*` (likewise).
/// Graphs with the same key (two methods of one name) keep the first position and the last
/// value, as mccabe's dictionary does.

#include <utility>
#include <vector>

#include "runtime/analysis/python_module.hpp"
#include "runtime/analysis/syntax_tree.hpp"

namespace genflow::analysis {

struct mccabe_result {
  /// mccabe's graphs in print order (`function` left at -1; python_module fills it).
  std::vector<complexity_graph> graphs;
  /// Every function_definition node with the complexity of its own graph (as if it were at
  /// module level), in pre-order.
  std::vector<std::pair<node_id, int>> functions;
};

/// Computes mccabe's graphs and every function's own complexity. Iterative; linear in the
/// number of statements.
mccabe_result compute_mccabe(const syntax_tree& tree);

} // namespace genflow::analysis
