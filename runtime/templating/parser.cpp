#include "runtime/templating/parser.hpp"

#include <algorithm>
#include <set>

#include "runtime/templating/template_errc.hpp"

namespace genflow::templating {

namespace {

bool is_statement_keyword(std::string_view name) {
  static constexpr std::string_view keywords[] = {
    "for",  "if",     "block", "extends", "print", "macro",  "include",
    "from", "import", "set",   "with",    "call",  "filter",
  };
  return std::find(std::begin(keywords), std::end(keywords), name) != std::end(keywords);
}

/// Whether an expression tree reads the variable `name`.
bool expr_reads(const expr* e, std::string_view name) {
  if (!e)
    return false;
  if (e->kind == expr_kind::name && e->name == name)
    return true;
  for (const auto& op : e->operands)
    if (expr_reads(op.get(), name))
      return true;
  for (const auto& [k, v] : e->keywords)
    if (expr_reads(v.get(), name))
      return true;
  return expr_reads(e->star_args.get(), name) || expr_reads(e->star_kwargs.get(), name);
}

bool body_reads(const stmt_list& body, std::string_view name);

bool stmt_reads(const stmt& s, std::string_view name) {
  for (const auto& e : s.exprs)
    if (expr_reads(e.get(), name))
      return true;
  for (const auto& d : s.signature.defaults)
    if (expr_reads(d.get(), name))
      return true;
  return body_reads(s.body, name) || body_reads(s.else_body, name);
}

bool body_reads(const stmt_list& body, std::string_view name) {
  for (const auto& s : body)
    if (s->kind != stmt_kind::block && stmt_reads(*s, name))
      return true;
  return false;
}

class parser {
public:
  parser(std::vector<token> tokens, std::string name, const parser_hooks& hooks)
    : tokens_(std::move(tokens)), hooks_(hooks) {
    program_ = std::make_unique<template_program>();
    program_->name = std::move(name);
  }

  std::unique_ptr<template_program> run() {
    program_->body = subparse({});
    collect_blocks(program_->body);
    check_unknown(program_->body, false);
    return std::move(program_);
  }

private:
  // -- token stream ---------------------------------------------------------------

  const token& current() const { return tokens_[pos_]; }
  const token& look() const { return tokens_[std::min(pos_ + 1, tokens_.size() - 1)]; }
  void next() {
    if (pos_ + 1 < tokens_.size())
      ++pos_;
  }
  bool at_op(std::string_view op) const {
    return current().type == token_type::op && current().text == op;
  }
  bool at_name(std::string_view n) const {
    return current().type == token_type::name && current().text == n;
  }
  bool skip_op(std::string_view op) {
    if (!at_op(op))
      return false;
    next();
    return true;
  }
  bool skip_name(std::string_view n) {
    if (!at_name(n))
      return false;
    next();
    return true;
  }

  [[noreturn]] void error(const std::string& msg, int line = 0) const {
    fail(template_errc::syntax, msg, line ? line : current().line);
  }

  [[noreturn]] void unexpected_eof() const {
    std::string msg = "Unexpected end of template.";
    if (!end_stack_.empty())
      msg += " Jinja was looking for the following tags: " + describe_ends(end_stack_.back()) + ".";
    if (!tag_stack_.empty())
      msg += " The innermost block that needs to be closed is '" + tag_stack_.back() + "'.";
    error(msg);
  }

  static std::string describe_ends(const std::vector<std::string>& ends) {
    std::string out;
    for (std::size_t i = 0; i < ends.size(); ++i) {
      if (i)
        out += " or ";
      out += "'" + ends[i] + "'";
    }
    return out;
  }

  void expect_op(std::string_view op) {
    if (at_op(op)) {
      next();
      return;
    }
    if (current().type == token_type::eof)
      unexpected_eof();
    error("expected token '" + std::string{op} + "', got '" + describe(current()) + "'");
  }

  void expect(token_type type, std::string_view what) {
    if (current().type == type) {
      next();
      return;
    }
    if (current().type == token_type::eof)
      unexpected_eof();
    error("expected token '" + std::string{what} + "', got '" + describe(current()) + "'");
  }

  std::string expect_name() {
    if (current().type != token_type::name) {
      if (current().type == token_type::eof)
        unexpected_eof();
      error("expected token 'name', got '" + describe(current()) + "'");
    }
    std::string n = current().text;
    next();
    return n;
  }

  void expect_name(std::string_view n) {
    if (at_name(n)) {
      next();
      return;
    }
    if (current().type == token_type::eof)
      unexpected_eof();
    error("expected token '" + std::string{n} + "', got '" + describe(current()) + "'");
  }

  /// Guards recursion depth.
  struct depth_guard {
    explicit depth_guard(parser& p) : p_(p) {
      if (++p_.depth_ > max_nesting)
        fail(template_errc::depth,
             "template nesting deeper than " + std::to_string(max_nesting) + " levels",
             p_.current().line);
    }
    ~depth_guard() { --p_.depth_; }
    depth_guard(const depth_guard&) = delete;
    depth_guard& operator=(const depth_guard&) = delete;
    parser& p_;
  };

  static expr_ptr make(expr_kind k, int line) {
    auto e = std::make_unique<expr>();
    e->kind = k;
    e->line = line;
    return e;
  }

  static expr_ptr make_constant(runtime_value v, int line) {
    auto e = make(expr_kind::constant, line);
    e->value = std::move(v);
    return e;
  }

  // -- template structure -------------------------------------------------------------

  stmt_list subparse(const std::vector<std::string>& end_tokens) {
    depth_guard guard{*this};
    stmt_list body;
    bool pushed = !end_tokens.empty();
    if (pushed)
      end_stack_.push_back(end_tokens);
    while (current().type != token_type::eof) {
      const token& t = current();
      if (t.type == token_type::data) {
        auto s = std::make_unique<stmt>();
        s->kind = stmt_kind::text;
        s->line = t.line;
        s->text = t.text;
        body.push_back(std::move(s));
        next();
      } else if (t.type == token_type::variable_begin) {
        next();
        auto s = std::make_unique<stmt>();
        s->kind = stmt_kind::print;
        s->line = current().line;
        s->exprs.push_back(parse_tuple(false, true, {}, false));
        expect(token_type::variable_end, "end of print statement");
        body.push_back(std::move(s));
      } else if (t.type == token_type::block_begin) {
        next();
        if (pushed && current().type == token_type::name
            && std::find(end_tokens.begin(), end_tokens.end(), current().text)
                 != end_tokens.end()) {
          end_stack_.pop_back();
          return body;
        }
        parse_statement(body);
        expect(token_type::block_end, "end of statement block");
      } else {
        error("internal parsing error");
      }
    }
    if (pushed)
      end_stack_.pop_back();
    return body;
  }

  /// Body until one of `ends`; leaves the end tag's name as the current token unless
  /// `drop_needle`.
  stmt_list parse_statements(const std::vector<std::string>& ends, bool drop_needle) {
    skip_op(":");
    expect(token_type::block_end, "end of statement block");
    auto body = subparse(ends);
    if (current().type == token_type::eof) {
      end_stack_.push_back(ends);
      unexpected_eof();
    }
    if (drop_needle)
      next();
    return body;
  }

  void parse_statement(stmt_list& out) {
    const token& t = current();
    if (t.type != token_type::name)
      error("tag name expected", t.line);
    std::string tag = t.text;
    if (!is_statement_keyword(tag)) {
      std::string msg = "Encountered unknown tag '" + tag + "'.";
      bool expected = false;
      for (const auto& ends : end_stack_)
        expected = expected || std::find(ends.begin(), ends.end(), tag) != ends.end();
      if (!end_stack_.empty()) {
        if (expected)
          msg += " You probably made a nesting mistake. Jinja is expecting this tag, but "
                 "currently looking for "
                 + describe_ends(end_stack_.back()) + ".";
        else
          msg +=
            " Jinja was looking for the following tags: " + describe_ends(end_stack_.back()) + ".";
      }
      if (!tag_stack_.empty())
        msg += " The innermost block that needs to be closed is '" + tag_stack_.back() + "'.";
      error(msg, t.line);
    }
    tag_stack_.push_back(tag);
    if (tag == "for")
      out.push_back(parse_for());
    else if (tag == "if")
      out.push_back(parse_if());
    else if (tag == "set")
      out.push_back(parse_set());
    else if (tag == "macro")
      out.push_back(parse_macro());
    else if (tag == "call")
      out.push_back(parse_call_block());
    else if (tag == "filter")
      out.push_back(parse_filter_block());
    else if (tag == "include")
      out.push_back(parse_include());
    else if (tag == "import")
      out.push_back(parse_import());
    else if (tag == "from")
      out.push_back(parse_from());
    else if (tag == "with")
      out.push_back(parse_with());
    else if (tag == "block")
      out.push_back(parse_block());
    else if (tag == "extends")
      out.push_back(parse_extends());
    else if (tag == "print")
      out.push_back(parse_print());
    tag_stack_.pop_back();
  }

  stmt_ptr new_stmt(stmt_kind k) {
    auto s = std::make_unique<stmt>();
    s->kind = k;
    s->line = current().line;
    return s;
  }

  stmt_ptr parse_for() {
    auto s = new_stmt(stmt_kind::for_);
    next();
    s->tgt = parse_assign_target(true, false, {"in"}, false);
    expect_name("in");
    s->exprs.push_back(parse_tuple(false, false, {"recursive"}, false));
    if (skip_name("if"))
      s->exprs.push_back(parse_expression(true));
    else
      s->exprs.push_back(nullptr);
    s->recursive = skip_name("recursive");
    s->body = parse_statements({"endfor", "else"}, false);
    bool is_else = current().text == "else";
    next();
    if (is_else)
      s->else_body = parse_statements({"endfor"}, true);
    s->uses_loop = body_reads(s->body, "loop");
    return s;
  }

  stmt_ptr parse_if() {
    auto s = new_stmt(stmt_kind::if_);
    next();
    s->exprs.push_back(parse_tuple(false, false, {}, false));
    s->body = parse_statements({"elif", "else", "endif"}, false);
    std::string which = current().text;
    next();
    if (which == "elif") {
      // An elif chain is a nested if in the else branch.
      tag_stack_.push_back("if");
      pos_ -= 1;
      auto nested = parse_if_from_elif();
      tag_stack_.pop_back();
      s->else_body.push_back(std::move(nested));
    } else if (which == "else") {
      s->else_body = parse_statements({"endif"}, true);
    }
    return s;
  }

  /// Parses `elif cond %} ... ` up to and including the chain's endif.
  stmt_ptr parse_if_from_elif() {
    auto s = new_stmt(stmt_kind::if_);
    next(); // elif
    s->exprs.push_back(parse_tuple(false, false, {}, false));
    s->body = parse_statements({"elif", "else", "endif"}, false);
    std::string which = current().text;
    next();
    if (which == "elif") {
      pos_ -= 1;
      s->else_body.push_back(parse_if_from_elif());
    } else if (which == "else") {
      s->else_body = parse_statements({"endif"}, true);
    }
    return s;
  }

  stmt_ptr parse_set() {
    auto s = new_stmt(stmt_kind::set);
    next();
    s->tgt = parse_assign_target(true, false, {}, true);
    if (skip_op("=")) {
      s->exprs.push_back(parse_tuple(false, true, {}, false));
      return s;
    }
    s->kind = stmt_kind::set_block;
    s->exprs.push_back(parse_filter_chain(nullptr, false));
    s->body = parse_statements({"endset"}, true);
    return s;
  }

  void parse_signature(macro_signature& sig) {
    expect_op("(");
    while (!at_op(")")) {
      if (!sig.params.empty())
        expect_op(",");
      auto t = parse_assign_target(false, true, {}, false);
      if (skip_op("="))
        sig.defaults.push_back(parse_expression(true));
      else if (!sig.defaults.empty())
        error("non-default argument follows default argument");
      sig.params.push_back(t.name);
    }
    expect_op(")");
  }

  void analyse_signature(macro_signature& sig, const stmt_list& body) {
    sig.catch_varargs = body_reads(body, "varargs");
    sig.catch_kwargs = body_reads(body, "kwargs");
    sig.uses_caller = body_reads(body, "caller");
  }

  stmt_ptr parse_macro() {
    auto s = new_stmt(stmt_kind::macro);
    next();
    s->name = parse_assign_target(false, true, {}, false).name;
    parse_signature(s->signature);
    s->body = parse_statements({"endmacro"}, true);
    analyse_signature(s->signature, s->body);
    return s;
  }

  stmt_ptr parse_call_block() {
    auto s = new_stmt(stmt_kind::call_block);
    next();
    if (at_op("("))
      parse_signature(s->signature);
    auto call = parse_expression(true);
    if (call->kind != expr_kind::call)
      error("expected call", s->line);
    s->exprs.push_back(std::move(call));
    s->body = parse_statements({"endcall"}, true);
    analyse_signature(s->signature, s->body);
    return s;
  }

  stmt_ptr parse_filter_block() {
    auto s = new_stmt(stmt_kind::filter_block);
    next();
    s->exprs.push_back(parse_filter_chain(nullptr, true));
    s->body = parse_statements({"endfilter"}, true);
    return s;
  }

  void parse_import_context(stmt& s, bool dflt) {
    if ((at_name("with") || at_name("without")) && look().type == token_type::name
        && look().text == "context") {
      s.with_context = current().text == "with";
      next();
      next();
    } else {
      s.with_context = dflt;
    }
  }

  stmt_ptr parse_include() {
    auto s = new_stmt(stmt_kind::include);
    next();
    s->exprs.push_back(parse_expression(true));
    if (at_name("ignore") && look().type == token_type::name && look().text == "missing") {
      s->ignore_missing = true;
      next();
      next();
    }
    parse_import_context(*s, true);
    return s;
  }

  stmt_ptr parse_import() {
    auto s = new_stmt(stmt_kind::import);
    next();
    s->exprs.push_back(parse_expression(true));
    expect_name("as");
    s->name = parse_assign_target(false, true, {}, false).name;
    parse_import_context(*s, false);
    return s;
  }

  stmt_ptr parse_from() {
    auto s = new_stmt(stmt_kind::from_import);
    next();
    s->exprs.push_back(parse_expression(true));
    expect_name("import");
    s->with_context = false;
    auto parse_context = [&] {
      if ((at_name("with") || at_name("without")) && look().type == token_type::name
          && look().text == "context") {
        s->with_context = current().text == "with";
        next();
        next();
        return true;
      }
      return false;
    };
    while (true) {
      if (!s->imports.empty())
        expect_op(",");
      if (current().type == token_type::name) {
        if (parse_context())
          break;
        auto t = parse_assign_target(false, true, {}, false);
        if (!t.name.empty() && t.name[0] == '_')
          error("names starting with an underline can not be imported", t.line);
        if (skip_name("as"))
          s->imports.emplace_back(t.name, parse_assign_target(false, true, {}, false).name);
        else
          s->imports.emplace_back(t.name, t.name);
        if (parse_context() || !at_op(","))
          break;
      } else {
        expect_name();
      }
    }
    return s;
  }

  stmt_ptr parse_with() {
    auto s = new_stmt(stmt_kind::with);
    next();
    while (current().type != token_type::block_end) {
      if (!s->targets.empty())
        expect_op(",");
      s->targets.push_back(parse_assign_target(true, false, {}, false));
      expect_op("=");
      s->exprs.push_back(parse_expression(true));
    }
    s->body = parse_statements({"endwith"}, true);
    return s;
  }

  stmt_ptr parse_block() {
    auto s = new_stmt(stmt_kind::block);
    next();
    s->name = expect_name();
    s->scoped = skip_name("scoped");
    bool required = skip_name("required");
    if (at_op("-"))
      error("Block names in Jinja have to be valid Python identifiers and may not contain "
            "hyphens, use an underscore instead.");
    s->body = parse_statements({"endblock"}, true);
    if (required) {
      for (const auto& child : s->body)
        if (child->kind != stmt_kind::text
            || child->text.find_first_not_of(" \t\n\r\f\v") != std::string::npos
            || child->text.empty())
          error("Required blocks can only contain comments or whitespace", s->line);
    }
    skip_name(s->name);
    return s;
  }

  stmt_ptr parse_extends() {
    auto s = new_stmt(stmt_kind::extends);
    next();
    s->exprs.push_back(parse_expression(true));
    program_->has_extends = true;
    return s;
  }

  stmt_ptr parse_print() {
    auto s = new_stmt(stmt_kind::print);
    next();
    std::vector<expr_ptr> items;
    while (current().type != token_type::block_end) {
      if (!items.empty())
        expect_op(",");
      items.push_back(parse_expression(true));
    }
    // {% print a, b %} prints each expression in turn.
    auto seq = make(expr_kind::concat, s->line);
    seq->operands = std::move(items);
    s->exprs.push_back(std::move(seq));
    return s;
  }

  /// Jinja rejects an unknown filter or test at compile time, except directly inside an if
  /// statement or a conditional expression ("soft" frames), where it fails only when run.
  static void check_unknown(const expr* e) {
    if (!e || e->kind == expr_kind::cond)
      return;
    if (e->unknown)
      fail(template_errc::filter,
           std::string{"No "} + (e->kind == expr_kind::filter ? "filter" : "test") + " named '"
             + e->name + "'.",
           e->line);
    for (const auto& op : e->operands)
      check_unknown(op.get());
    for (const auto& [k, v] : e->keywords)
      check_unknown(v.get());
    check_unknown(e->star_args.get());
    check_unknown(e->star_kwargs.get());
  }

  static void check_unknown(const stmt_list& body, bool soft) {
    for (const auto& s : body) {
      if (s->kind == stmt_kind::if_) {
        check_unknown(s->body, true);
        check_unknown(s->else_body, true);
        continue;
      }
      bool nested_soft = false;
      if (!soft)
        for (const auto& e : s->exprs)
          check_unknown(e.get());
      if (s->kind == stmt_kind::for_ && soft && s->exprs.size() > 1)
        check_unknown(s->exprs[1].get());
      for (const auto& d : s->signature.defaults)
        check_unknown(d.get());
      check_unknown(s->body, nested_soft);
      check_unknown(s->else_body, nested_soft);
    }
  }

  void collect_blocks(const stmt_list& body) {
    for (const auto& s : body) {
      if (s->kind == stmt_kind::block) {
        if (program_->blocks.count(s->name))
          error("block '" + s->name + "' defined twice", s->line);
        program_->blocks.emplace(s->name, s.get());
      }
      if (s->kind != stmt_kind::macro && s->kind != stmt_kind::call_block) {
        collect_blocks(s->body);
        collect_blocks(s->else_body);
      }
    }
  }

  // -- assignment targets ---------------------------------------------------------------

  target parse_assign_target(bool with_tuple, bool name_only,
                             const std::vector<std::string>& extra_end, bool with_namespace) {
    target t;
    t.line = current().line;
    if (with_namespace && look().type == token_type::op && look().text == ".") {
      t.type = target::kind::ns_attr;
      t.name = expect_name();
      next();
      t.attr = expect_name();
      return t;
    }
    if (name_only) {
      t.name = expect_name();
      return t;
    }
    auto e = with_tuple ? parse_tuple(true, true, extra_end, false) : parse_primary();
    return to_target(*e);
  }

  target to_target(const expr& e) {
    target t;
    t.line = e.line;
    if (e.kind == expr_kind::name) {
      if (e.name == "true" || e.name == "false" || e.name == "none" || e.name == "True"
          || e.name == "False" || e.name == "None")
        error("can't assign to 'const'", e.line);
      t.name = e.name;
      return t;
    }
    if (e.kind == expr_kind::tuple) {
      t.type = target::kind::tuple;
      for (const auto& item : e.operands)
        t.items.push_back(to_target(*item));
      return t;
    }
    if (e.kind == expr_kind::constant && e.value.is_tuple() && e.value.seq_size() == 0) {
      t.type = target::kind::tuple;
      return t;
    }
    static const char* names[] = {"const",  "name",     "getattr", "getitem", "slice",
                                  "call",   "filter",   "test",    "not",     "neg",
                                  "pos",    "binexpr",  "compare", "and",     "or",
                                  "concat", "condexpr", "list",    "tuple",   "dict"};
    error(std::string{"can't assign to '"} + names[static_cast<int>(e.kind)] + "'", e.line);
  }

  // -- expressions -------------------------------------------------------------------------

  expr_ptr parse_expression(bool with_condexpr) {
    return with_condexpr ? parse_condexpr() : parse_or();
  }

  expr_ptr parse_condexpr() {
    depth_guard guard{*this};
    int line = current().line;
    auto expr1 = parse_or();
    while (at_name("if")) {
      next();
      auto expr2 = parse_or();
      expr_ptr expr3;
      if (skip_name("else"))
        expr3 = parse_condexpr();
      auto e = make(expr_kind::cond, line);
      e->operands.push_back(std::move(expr2));
      e->operands.push_back(std::move(expr1));
      e->operands.push_back(std::move(expr3));
      expr1 = std::move(e);
      line = current().line;
    }
    return expr1;
  }

  expr_ptr parse_or() {
    int line = current().line;
    auto left = parse_and();
    while (skip_name("or")) {
      auto e = make(expr_kind::or_, line);
      e->operands.push_back(std::move(left));
      e->operands.push_back(parse_and());
      left = std::move(e);
      line = current().line;
    }
    return left;
  }

  expr_ptr parse_and() {
    int line = current().line;
    auto left = parse_not();
    while (skip_name("and")) {
      auto e = make(expr_kind::and_, line);
      e->operands.push_back(std::move(left));
      e->operands.push_back(parse_not());
      left = std::move(e);
      line = current().line;
    }
    return left;
  }

  expr_ptr parse_not() {
    if (at_name("not")) {
      depth_guard guard{*this};
      int line = current().line;
      next();
      auto e = make(expr_kind::not_, line);
      e->operands.push_back(parse_not());
      return e;
    }
    return parse_compare();
  }

  expr_ptr parse_compare() {
    int line = current().line;
    auto first = parse_math1();
    expr_ptr cmp;
    while (true) {
      compare_op op;
      if (at_op("=="))
        op = compare_op::eq;
      else if (at_op("!="))
        op = compare_op::ne;
      else if (at_op("<"))
        op = compare_op::lt;
      else if (at_op("<="))
        op = compare_op::le;
      else if (at_op(">"))
        op = compare_op::gt;
      else if (at_op(">="))
        op = compare_op::ge;
      else if (at_name("in"))
        op = compare_op::in;
      else if (at_name("not") && look().type == token_type::name && look().text == "in") {
        op = compare_op::not_in;
        next();
      } else {
        break;
      }
      next();
      if (!cmp) {
        cmp = make(expr_kind::compare, line);
        cmp->operands.push_back(std::move(first));
      }
      cmp->cops.push_back(op);
      cmp->operands.push_back(parse_math1());
    }
    return cmp ? std::move(cmp) : std::move(first);
  }

  expr_ptr binary(binary_op op, expr_ptr l, expr_ptr r, int line) {
    auto e = make(expr_kind::binary, line);
    e->bop = op;
    e->operands.push_back(std::move(l));
    e->operands.push_back(std::move(r));
    return e;
  }

  expr_ptr parse_math1() {
    int line = current().line;
    auto left = parse_concat();
    while (at_op("+") || at_op("-")) {
      auto op = at_op("+") ? binary_op::add : binary_op::sub;
      next();
      left = binary(op, std::move(left), parse_concat(), line);
      line = current().line;
    }
    return left;
  }

  expr_ptr parse_concat() {
    int line = current().line;
    auto first = parse_math2();
    if (!at_op("~"))
      return first;
    auto e = make(expr_kind::concat, line);
    e->operands.push_back(std::move(first));
    while (skip_op("~"))
      e->operands.push_back(parse_math2());
    return e;
  }

  expr_ptr parse_math2() {
    int line = current().line;
    auto left = parse_pow();
    while (at_op("*") || at_op("/") || at_op("//") || at_op("%")) {
      binary_op op = at_op("*")    ? binary_op::mul
                     : at_op("/")  ? binary_op::div
                     : at_op("//") ? binary_op::floordiv
                                   : binary_op::mod;
      next();
      left = binary(op, std::move(left), parse_pow(), line);
      line = current().line;
    }
    return left;
  }

  expr_ptr parse_pow() {
    int line = current().line;
    auto left = parse_unary(true);
    while (skip_op("**")) {
      left = binary(binary_op::pow, std::move(left), parse_unary(true), line);
      line = current().line;
    }
    return left;
  }

  expr_ptr parse_unary(bool with_filter) {
    depth_guard guard{*this};
    int line = current().line;
    expr_ptr node;
    if (skip_op("-")) {
      node = make(expr_kind::neg, line);
      node->operands.push_back(parse_unary(false));
      fold_unary(node);
    } else if (skip_op("+")) {
      node = make(expr_kind::pos, line);
      node->operands.push_back(parse_unary(false));
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filter)
      node = parse_filter_expr(std::move(node));
    return node;
  }

  /// Folds `-<number literal>` to a constant.
  static void fold_unary(expr_ptr& node) {
    auto& operand = node->operands[0];
    if (operand->kind != expr_kind::constant)
      return;
    const auto& v = operand->value;
    if (v.is_int() && v.as_int() != INT64_MIN)
      node = make_constant(runtime_value{-v.as_int()}, node->line);
    else if (v.is_real())
      node = make_constant(runtime_value{-v.as_double()}, node->line);
  }

  expr_ptr parse_primary() {
    depth_guard guard{*this};
    const token& t = current();
    switch (t.type) {
    case token_type::name: {
      expr_ptr e;
      if (t.text == "true" || t.text == "True")
        e = make_constant(runtime_value{true}, t.line);
      else if (t.text == "false" || t.text == "False")
        e = make_constant(runtime_value{false}, t.line);
      else if (t.text == "none" || t.text == "None")
        e = make_constant(runtime_value{}, t.line);
      else {
        e = make(expr_kind::name, t.line);
        e->name = t.text;
      }
      next();
      return e;
    }
    case token_type::string: {
      int line = t.line;
      std::string buf;
      while (current().type == token_type::string) {
        buf += current().text;
        next();
      }
      return make_constant(runtime_value{std::move(buf)}, line);
    }
    case token_type::integer: {
      auto e = make_constant(runtime_value{t.integer}, t.line);
      next();
      return e;
    }
    case token_type::real: {
      auto e = make_constant(runtime_value{t.real}, t.line);
      next();
      return e;
    }
    case token_type::op:
      if (t.text == "(") {
        next();
        auto e = parse_tuple(false, true, {}, true);
        expect_op(")");
        return e;
      }
      if (t.text == "[")
        return parse_list();
      if (t.text == "{")
        return parse_dict();
      break;
    case token_type::eof:
      unexpected_eof();
    default:
      break;
    }
    error("unexpected '" + describe(t) + "'", t.line);
  }

  bool is_tuple_end(const std::vector<std::string>& extra_end) const {
    const token& t = current();
    if (t.type == token_type::variable_end || t.type == token_type::block_end
        || (t.type == token_type::op && t.text == ")"))
      return true;
    return t.type == token_type::name
           && std::find(extra_end.begin(), extra_end.end(), t.text) != extra_end.end();
  }

  expr_ptr parse_tuple(bool simplified, bool with_condexpr,
                       const std::vector<std::string>& extra_end, bool explicit_parens) {
    int line = current().line;
    std::vector<expr_ptr> args;
    bool is_tuple = false;
    while (true) {
      if (!args.empty())
        expect_op(",");
      if (is_tuple_end(extra_end))
        break;
      if (simplified)
        args.push_back(parse_primary());
      else
        args.push_back(parse_expression(with_condexpr));
      if (at_op(","))
        is_tuple = true;
      else
        break;
      line = current().line;
    }
    if (!is_tuple) {
      if (!args.empty())
        return std::move(args[0]);
      if (!explicit_parens) {
        if (current().type == token_type::eof)
          unexpected_eof();
        error("Expected an expression, got '" + describe(current()) + "'");
      }
    }
    auto e = make(expr_kind::tuple, line);
    e->operands = std::move(args);
    fold_sequence(e, true);
    return e;
  }

  /// Folds a literal list/tuple of constants into one constant.
  static void fold_sequence(expr_ptr& e, bool tuple) {
    for (const auto& op : e->operands)
      if (op->kind != expr_kind::constant)
        return;
    std::vector<runtime_value> items;
    for (const auto& op : e->operands)
      items.push_back(op->value);
    int line = e->line;
    e = make_constant(
      tuple ? runtime_value::tuple(std::move(items)) : runtime_value::list(std::move(items)), line);
  }

  expr_ptr parse_list() {
    int line = current().line;
    expect_op("[");
    auto e = make(expr_kind::list, line);
    while (!at_op("]")) {
      if (!e->operands.empty())
        expect_op(",");
      if (at_op("]"))
        break;
      e->operands.push_back(parse_expression(true));
    }
    expect_op("]");
    fold_sequence(e, false);
    return e;
  }

  expr_ptr parse_dict() {
    int line = current().line;
    expect_op("{");
    auto e = make(expr_kind::dict, line);
    while (!at_op("}")) {
      if (!e->operands.empty())
        expect_op(",");
      if (at_op("}"))
        break;
      e->operands.push_back(parse_expression(true));
      expect_op(":");
      e->operands.push_back(parse_expression(true));
    }
    expect_op("}");
    // Fold constant dicts whose keys are hashable constants.
    bool constant = true;
    for (const auto& op : e->operands)
      constant = constant && op->kind == expr_kind::constant;
    for (std::size_t i = 0; constant && i < e->operands.size(); i += 2) {
      const auto& k = e->operands[i]->value;
      constant = !k.is_list() && !k.is_dict();
    }
    if (constant) {
      std::vector<std::pair<runtime_value, runtime_value>> items;
      for (std::size_t i = 0; i < e->operands.size(); i += 2)
        items.emplace_back(e->operands[i]->value, e->operands[i + 1]->value);
      return make_constant(runtime_value::dict(std::move(items)), line);
    }
    return e;
  }

  expr_ptr parse_postfix(expr_ptr node) {
    while (true) {
      if (at_op(".") || at_op("["))
        node = parse_subscript(std::move(node));
      else if (at_op("("))
        node = parse_call(std::move(node));
      else
        break;
    }
    return node;
  }

  expr_ptr parse_filter_expr(expr_ptr node) {
    while (true) {
      if (at_op("|"))
        node = parse_filter_chain(std::move(node), false);
      else if (at_name("is"))
        node = parse_test(std::move(node));
      else if (at_op("("))
        node = parse_call(std::move(node));
      else
        break;
    }
    return node;
  }

  expr_ptr parse_subscript(expr_ptr node) {
    depth_guard guard{*this};
    const token t = current();
    next();
    if (t.text == ".") {
      const token attr = current();
      next();
      if (attr.type == token_type::name) {
        auto e = make(expr_kind::getattr, t.line);
        e->name = attr.text;
        e->operands.push_back(std::move(node));
        return e;
      }
      if (attr.type != token_type::integer)
        error("expected name or number", attr.line);
      auto e = make(expr_kind::getitem, t.line);
      e->operands.push_back(std::move(node));
      e->operands.push_back(make_constant(runtime_value{attr.integer}, attr.line));
      return e;
    }
    std::vector<expr_ptr> args;
    while (!at_op("]")) {
      if (!args.empty())
        expect_op(",");
      args.push_back(parse_subscribed());
    }
    expect_op("]");
    if (args.size() == 1 && args[0]->kind == expr_kind::slice) {
      args[0]->operands[0] = std::move(node);
      return std::move(args[0]);
    }
    auto e = make(expr_kind::getitem, t.line);
    e->operands.push_back(std::move(node));
    if (args.size() == 1) {
      e->operands.push_back(std::move(args[0]));
    } else {
      auto tup = make(expr_kind::tuple, t.line);
      for (auto& a : args) {
        if (a->kind == expr_kind::slice)
          error("slices inside a subscript tuple are not supported", a->line);
        tup->operands.push_back(std::move(a));
      }
      fold_sequence(tup, true);
      e->operands.push_back(std::move(tup));
    }
    return e;
  }

  expr_ptr parse_subscribed() {
    int line = current().line;
    expr_ptr start;
    if (at_op(":")) {
      next();
    } else {
      auto node = parse_expression(true);
      if (!at_op(":"))
        return node;
      next();
      start = std::move(node);
    }
    auto e = make(expr_kind::slice, line);
    e->operands.push_back(nullptr); // target, filled by parse_subscript
    e->operands.push_back(std::move(start));
    if (at_op(":") || at_op("]") || at_op(","))
      e->operands.push_back(nullptr);
    else
      e->operands.push_back(parse_expression(true));
    if (skip_op(":")) {
      if (at_op("]") || at_op(","))
        e->operands.push_back(nullptr);
      else
        e->operands.push_back(parse_expression(true));
    } else {
      e->operands.push_back(nullptr);
    }
    return e;
  }

  void parse_call_args(expr& e) {
    int line = current().line;
    expect_op("(");
    bool require_comma = false;
    auto ensure = [&](bool ok) {
      if (!ok)
        error("invalid syntax for function call expression", line);
    };
    while (!at_op(")")) {
      if (require_comma) {
        expect_op(",");
        if (at_op(")"))
          break;
      }
      if (at_op("*")) {
        ensure(!e.star_args && !e.star_kwargs);
        next();
        e.star_args = parse_expression(true);
      } else if (at_op("**")) {
        ensure(!e.star_kwargs);
        next();
        e.star_kwargs = parse_expression(true);
      } else if (current().type == token_type::name && look().type == token_type::op
                 && look().text == "=") {
        ensure(!e.star_kwargs);
        std::string key = current().text;
        next();
        next();
        e.keywords.emplace_back(std::move(key), parse_expression(true));
      } else {
        ensure(!e.star_args && !e.star_kwargs && e.keywords.empty());
        e.operands.push_back(parse_expression(true));
      }
      require_comma = true;
    }
    expect_op(")");
  }

  expr_ptr parse_call(expr_ptr node) {
    depth_guard guard{*this};
    auto e = make(expr_kind::call, current().line);
    e->operands.push_back(std::move(node));
    parse_call_args(*e);
    return e;
  }

  void resolve_filter(expr& e) {
    if (hooks_.has_user_filter && hooks_.has_user_filter(e.name))
      return;
    e.filter = hooks_.builtin_filter ? hooks_.builtin_filter(e.name) : nullptr;
    e.unknown = e.filter == nullptr;
  }

  void resolve_test(expr& e) {
    if (hooks_.has_user_test && hooks_.has_user_test(e.name))
      return;
    e.test = hooks_.builtin_test ? hooks_.builtin_test(e.name) : nullptr;
    e.unknown = e.test == nullptr;
  }

  /// `| f(args) | g ...`; with `start_inline` the first filter has no leading pipe.
  expr_ptr parse_filter_chain(expr_ptr node, bool start_inline) {
    while (at_op("|") || start_inline) {
      depth_guard guard{*this};
      if (!start_inline)
        next();
      int line = current().line;
      std::string name = expect_name();
      while (skip_op("."))
        name += "." + expect_name();
      auto e = make(expr_kind::filter, line);
      e->name = std::move(name);
      // operands[0] is the filtered value (null inside filter blocks), then the arguments.
      e->operands.push_back(std::move(node));
      if (at_op("("))
        parse_call_args(*e);
      resolve_filter(*e);
      node = std::move(e);
      start_inline = false;
    }
    return node;
  }

  expr_ptr parse_test(expr_ptr node) {
    depth_guard guard{*this};
    int line = current().line;
    next(); // is
    bool negated = skip_name("not");
    std::string name = expect_name();
    while (skip_op("."))
      name += "." + expect_name();
    auto e = make(expr_kind::test, line);
    e->name = std::move(name);
    e->operands.push_back(std::move(node));
    const token& t = current();
    if (at_op("(")) {
      parse_call_args(*e);
    } else if ((t.type == token_type::name || t.type == token_type::string
                || t.type == token_type::integer || t.type == token_type::real || at_op("[")
                || at_op("{"))
               && !at_name("else") && !at_name("or") && !at_name("and")) {
      if (at_name("is"))
        error("You cannot chain multiple tests with is");
      auto arg = parse_primary();
      e->operands.push_back(parse_postfix(std::move(arg)));
    }
    resolve_test(*e);
    if (!negated)
      return e;
    auto n = make(expr_kind::not_, line);
    n->operands.push_back(std::move(e));
    return n;
  }

  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  const parser_hooks& hooks_;
  std::unique_ptr<template_program> program_;
  std::vector<std::vector<std::string>> end_stack_;
  std::vector<std::string> tag_stack_;
  int depth_ = 0;
};

} // namespace

std::unique_ptr<template_program> parse_template(std::string_view source, std::string name,
                                                 const lexer_options& opts,
                                                 const parser_hooks& hooks) {
  auto program = parser{tokenize(source, opts), std::move(name), hooks}.run();
  program->source_size = source.size();
  return program;
}

} // namespace genflow::templating
