#include "runtime/analysis/complexity.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace genflow::analysis {

namespace {

/// Node and edge counts of one flow graph under construction: a mccabe graph (`graph`) or a
/// nested function's own graph, which folds into its parent when it ends.
struct flow_graph {
  std::int64_t nodes = 1; // the entry node
  std::int64_t edges = 0;
  node_id node = no_node;
  std::int32_t parent = -1;
  bool graph = false;
  bool function = false;
  std::string key;
  std::string name;
};

enum class step : std::uint8_t { statement, block, finish };

struct work_item {
  step what;
  node_id node;
  std::int32_t graph;   // -1: no graph (module or class level outside functions)
  std::uint32_t prefix; // index into the class-name prefixes ("A.B.")
};

class mccabe_walker {
public:
  explicit mccabe_walker(const syntax_tree& tree) : tree_(tree) {}

  mccabe_result run() {
    if (tree_.empty())
      return std::move(out_);
    stack_.push_back({step::block, 0, -1, 0});
    while (!stack_.empty()) {
      auto w = stack_.back();
      stack_.pop_back();
      switch (w.what) {
        case step::block:
          push_statements(w.node, w.graph, w.prefix);
          break;
        case step::statement:
          visit(w);
          break;
        case step::finish:
          finish(w.graph);
          break;
      }
    }
    std::sort(out_.functions.begin(), out_.functions.end());
    return std::move(out_);
  }

private:
  // Pushes the statements of a block (or of the module) so that they pop in source order.
  void push_statements(node_id block, std::int32_t graph, std::uint32_t prefix) {
    if (block == no_node)
      return;
    auto mark = stack_.size();
    for (auto c = tree_.first_named_child(block); c != no_node; c = tree_.next_named_sibling(c))
      stack_.push_back({step::statement, c, graph, prefix});
    std::reverse(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
  }

  void push_block(node_id block, std::int32_t graph, std::uint32_t prefix) {
    if (block != no_node)
      stack_.push_back({step::block, block, graph, prefix});
  }

  std::int32_t new_graph(node_id node, std::int32_t parent) {
    flow_graph g;
    g.node = node;
    g.parent = parent;
    graphs_.push_back(std::move(g));
    return static_cast<std::int32_t>(graphs_.size() - 1);
  }

  std::uint32_t line_of(node_id n) const { return tree_[n].start_row + 1; }

  // A statement-level construct with `branches` loose ends (if/loop: 2; try: handlers + 2).
  // Inside a graph: its entry node (one edge in), its exit node and one edge per loose end.
  // Outside a graph (module or class level): it starts a graph of its own, named as mccabe
  // names it.
  std::int32_t open_construct(node_id node, std::int32_t graph, std::uint32_t prefix,
                              std::int64_t branches, const char* label) {
    if (graph >= 0) {
      graphs_[graph].nodes += 2;
      graphs_[graph].edges += 1 + branches;
      return graph;
    }
    auto g = new_graph(node, -1);
    auto& fg = graphs_[g];
    fg.graph = true;
    fg.nodes += 1;
    fg.edges += branches;
    fg.name = std::string{label} + " " + std::to_string(line_of(node));
    fg.key = prefixes_[prefix] + fg.name;
    stack_.push_back({step::finish, node, g, prefix});
    return g;
  }

  void visit(const work_item& w) {
    node_id s = w.node;
    if (tree_.kind(s) == syntax_kind::decorated_definition) {
      auto def = tree_.child(s, syntax_field::definition);
      if (def != no_node)
        s = def;
    }
    switch (tree_.kind(s)) {
      case syntax_kind::function_definition: {
        auto g = new_graph(s, w.graph);
        auto& fg = graphs_[g];
        fg.function = true;
        if (w.graph < 0) {
          auto name_node = tree_.child(s, syntax_field::name);
          std::string entity = prefixes_[w.prefix];
          if (name_node != no_node)
            entity += tree_.text(name_node);
          fg.graph = true;
          fg.key = entity;
          fg.name = std::to_string(line_of(s)) + ":" + std::to_string(tree_[s].start_column) + ": '"
                    + entity + "'";
        }
        stack_.push_back({step::finish, s, g, w.prefix});
        push_block(tree_.child(s, syntax_field::body), g, w.prefix);
        break;
      }
      case syntax_kind::class_definition: {
        auto name_node = tree_.child(s, syntax_field::name);
        std::string prefix = prefixes_[w.prefix];
        if (name_node != no_node)
          prefix += tree_.text(name_node);
        prefix += '.';
        prefixes_.push_back(std::move(prefix));
        push_block(tree_.child(s, syntax_field::body), w.graph,
                   static_cast<std::uint32_t>(prefixes_.size() - 1));
        break;
      }
      case syntax_kind::if_statement: {
        auto g = open_construct(s, w.graph, w.prefix, 2, "If");
        // Each `elif` is an `if` nested in the else branch of the previous one.
        std::vector<node_id> elifs;
        node_id else_body = no_node;
        for (auto c = tree_.first_named_child(s); c != no_node; c = tree_.next_named_sibling(c)) {
          if (tree_.kind(c) == syntax_kind::elif_clause) {
            elifs.push_back(c);
            graphs_[g].nodes += 2;
            graphs_[g].edges += 3;
          } else if (tree_.kind(c) == syntax_kind::else_clause) {
            else_body = tree_.child(c, syntax_field::body);
          }
        }
        push_block(else_body, g, w.prefix);
        for (auto it = elifs.rbegin(); it != elifs.rend(); ++it)
          push_block(tree_.child(*it, syntax_field::consequence), g, w.prefix);
        push_block(tree_.child(s, syntax_field::consequence), g, w.prefix);
        break;
      }
      case syntax_kind::for_statement:
      case syntax_kind::while_statement: {
        auto g = open_construct(s, w.graph, w.prefix, 2, "Loop");
        auto alt = tree_.child(s, syntax_field::alternative);
        if (alt != no_node)
          push_block(tree_.child(alt, syntax_field::body), g, w.prefix);
        push_block(tree_.child(s, syntax_field::body), g, w.prefix);
        break;
      }
      case syntax_kind::try_statement: {
        std::vector<node_id> handlers;
        node_id else_body = no_node;
        bool star = false;
        for (auto c = tree_.first_named_child(s); c != no_node; c = tree_.next_named_sibling(c)) {
          switch (tree_.kind(c)) {
            case syntax_kind::except_clause:
              handlers.push_back(tree_.child_of_kind(c, syntax_kind::block));
              break;
            case syntax_kind::except_group_clause:
              star = true;
              break;
            case syntax_kind::else_clause:
              else_body = tree_.child(c, syntax_field::body);
              break;
            default:
              break;
          }
        }
        if (star) { // ast.TryStar: mccabe has no visitor for it, a simple statement
          simple_statement(w.graph);
          break;
        }
        auto g = open_construct(s, w.graph, w.prefix,
                                static_cast<std::int64_t>(handlers.size()) + 2, "TryExcept");
        push_block(else_body, g, w.prefix);
        for (auto it = handlers.rbegin(); it != handlers.rend(); ++it)
          push_block(*it, g, w.prefix);
        push_block(tree_.child(s, syntax_field::body), g, w.prefix);
        break;
      }
      case syntax_kind::with_statement:
        simple_statement(w.graph);
        push_block(tree_.child(s, syntax_field::body), w.graph, w.prefix);
        break;
      default:
        simple_statement(w.graph);
        break;
    }
  }

  void simple_statement(std::int32_t graph) {
    if (graph >= 0) {
      graphs_[graph].nodes += 1;
      graphs_[graph].edges += 1;
    }
  }

  void finish(std::int32_t g) {
    auto& fg = graphs_[g];
    int complexity = static_cast<int>(fg.edges - fg.nodes + 2);
    if (fg.function)
      out_.functions.emplace_back(fg.node, complexity);
    if (fg.parent >= 0) {
      // A closure inside its parent's graph: its entry node gets one edge in, its own nodes
      // and edges follow, and a new exit node joins both the entry and the last node.
      graphs_[fg.parent].nodes += fg.nodes + 1;
      graphs_[fg.parent].edges += fg.edges + 3;
    }
    if (fg.graph) {
      complexity_graph out;
      out.key = fg.key;
      out.name = fg.name;
      out.line = line_of(fg.node);
      out.byte_column = tree_[fg.node].start_column;
      out.complexity = complexity;
      out.node = fg.node;
      auto [it, inserted] = index_.try_emplace(out.key, out_.graphs.size());
      if (inserted)
        out_.graphs.push_back(std::move(out));
      else
        out_.graphs[it->second] = std::move(out);
    }
  }

  const syntax_tree& tree_;
  std::vector<work_item> stack_;
  std::vector<flow_graph> graphs_;
  std::vector<std::string> prefixes_{std::string{}};
  std::unordered_map<std::string, std::size_t> index_;
  mccabe_result out_;
};

} // namespace

mccabe_result compute_mccabe(const syntax_tree& tree) {
  return mccabe_walker{tree}.run();
}

} // namespace genflow::analysis
