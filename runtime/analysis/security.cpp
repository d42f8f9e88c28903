#include "runtime/analysis/security.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

namespace genflow::analysis {

namespace {

enum class bandit_level : std::uint8_t { low, medium, high };

// -- name tables (bandit 1.6.2: blacklists/calls.py, plugins/injection_shell.py) ----

constexpr std::string_view pickle_calls[] = {
  "pickle.loads",      "pickle.load", "pickle.Unpickler", "cPickle.loads",  "cPickle.load",
  "cPickle.Unpickler", "dill.loads",  "dill.load",        "dill.Unpickler",
};
constexpr std::string_view marshal_calls[] = {"marshal.load", "marshal.loads"};
constexpr std::string_view weak_hash_calls[] = {
  "hashlib.md5",
  "hashlib.sha1",
  "Crypto.Hash.MD2.new",
  "Crypto.Hash.MD4.new",
  "Crypto.Hash.MD5.new",
  "Crypto.Hash.SHA.new",
  "Cryptodome.Hash.MD2.new",
  "Cryptodome.Hash.MD4.new",
  "Cryptodome.Hash.MD5.new",
  "Cryptodome.Hash.SHA.new",
  "cryptography.hazmat.primitives.hashes.MD5",
  "cryptography.hazmat.primitives.hashes.SHA1",
};
constexpr std::string_view subprocess_calls[] = {
  "subprocess.Popen",        "subprocess.call", "subprocess.check_call",
  "subprocess.check_output", "subprocess.run",
};
constexpr std::string_view shell_calls[] = {
  "os.system",     "os.popen",      "os.popen2",          "os.popen3",
  "os.popen4",     "popen2.popen2", "popen2.popen3",      "popen2.popen4",
  "popen2.Popen3", "popen2.Popen4", "commands.getoutput", "commands.getstatusoutput",
};
constexpr std::string_view http_verbs[] = {"get", "options", "head",  "post",
                                           "put", "patch",   "delete"};

template <std::size_t N>
bool listed(const std::string_view (&table)[N], std::string_view name) noexcept {
  return std::find(std::begin(table), std::end(table), name) != std::end(table);
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// One word of bandit's RE_WORDS: pas+wo?r?d | pass(phrase)? | pwd | token | secrete?
bool password_word(std::string_view w) noexcept {
  if (w == "pass" || w == "passphrase" || w == "pwd" || w == "token" || w == "secret"
      || w == "secrete")
    return true;
  // pa s+ w o? r? d
  if (w.size() < 5 || w.substr(0, 2) != "pa")
    return false;
  std::size_t i = 2;
  if (i >= w.size() || w[i] != 's')
    return false;
  while (i < w.size() && w[i] == 's')
    ++i;
  if (i >= w.size() || w[i] != 'w')
    return false;
  ++i;
  if (i < w.size() && w[i] == 'o')
    ++i;
  if (i < w.size() && w[i] == 'r')
    ++i;
  return i + 1 == w.size() && w[i] == 'd';
}

/// bandit's RE_CANDIDATES: a password word as a whole `_`-separated component of the name.
bool password_like(std::string_view name) {
  auto l = lower(name);
  std::string_view s = l;
  while (true) {
    auto us = s.find('_');
    if (password_word(s.substr(0, us)))
      return true;
    if (us == std::string_view::npos)
      return false;
    s.remove_prefix(us + 1);
  }
}

bool is_ws(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Position after `word` followed by whitespace (`word\s` / `word\s+`), searching from `from`.
std::size_t find_word_ws(std::string_view s, std::string_view word, std::size_t from) {
  for (auto at = s.find(word, from); at != std::string_view::npos; at = s.find(word, at + 1)) {
    auto end = at + word.size();
    if (end < s.size() && is_ws(s[end]))
      return end + 1;
  }
  return std::string_view::npos;
}

/// bandit's SIMPLE_SQL_RE, case-insensitive, `.` matching newlines:
/// select\s.*from\s | delete\s+from\s | insert\s+into\s.*values\s | update\s.*set\s
bool looks_like_sql(std::string_view text) {
  auto s = lower(text);
  auto npos = std::string_view::npos;
  if (auto a = find_word_ws(s, "select", 0); a != npos && find_word_ws(s, "from", a) != npos)
    return true;
  for (auto at = find_word_ws(s, "delete", 0); at != npos; at = find_word_ws(s, "delete", at)) {
    auto k = at;
    while (k < s.size() && is_ws(s[k]))
      ++k;
    if (s.compare(k, 4, "from") == 0 && k + 4 < s.size() && is_ws(s[k + 4]))
      return true;
  }
  for (auto at = find_word_ws(s, "insert", 0); at != npos; at = find_word_ws(s, "insert", at)) {
    auto k = at;
    while (k < s.size() && is_ws(s[k]))
      ++k;
    if (s.compare(k, 4, "into") == 0 && k + 4 < s.size() && is_ws(s[k + 4])
        && find_word_ws(s, "values", k + 5) != npos)
      return true;
  }
  if (auto a = find_word_ws(s, "update", 0); a != npos && find_word_ws(s, "set", a) != npos)
    return true;
  return false;
}

/// bandit's has_shell(): the truth of a `shell=` keyword value.
bool shell_is_true(const expression_fact& v) {
  switch (v.kind) {
    case expression_kind::number:
      return std::any_of(v.literal.begin(), v.literal.end(),
                         [](char c) { return c >= '1' && c <= '9'; });
    case expression_kind::list:
    case expression_kind::dictionary:
      return v.non_empty;
    case expression_kind::false_:
    case expression_kind::none:
      return false;
    default:
      return true;
  }
}

const std::vector<security_rule> rules{
  {"B101", "assert_used",
   "Use of assert detected; it is removed when compiling to optimised byte code.",
   severity_level::warning},
  {"B102", "exec_used", "Use of exec detected.", severity_level::error},
  {"B104", "hardcoded_bind_all_interfaces", "Possible binding to all interfaces.",
   severity_level::error},
  {"B105", "hardcoded_password_string",
   "Possible hardcoded password in a string assignment or comparison.", severity_level::warning},
  {"B106", "hardcoded_password_funcarg",
   "Possible hardcoded password passed as a keyword argument.", severity_level::warning},
  {"B107", "hardcoded_password_default", "Possible hardcoded password as a parameter default.",
   severity_level::warning},
  {"B301", "pickle",
   "Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data.",
   severity_level::error},
  {"B302", "marshal", "Deserialization with the marshal module is possibly dangerous.",
   severity_level::error},
  {"B303", "md5", "Use of insecure MD2, MD4, MD5, or SHA1 hash function.", severity_level::error},
  {"B306", "mktemp_q", "Use of insecure and deprecated function (mktemp).", severity_level::error},
  {"B307", "eval", "Use of possibly insecure function - consider using safer ast.literal_eval.",
   severity_level::error},
  {"B324", "hashlib_new_insecure_functions",
   "Use of insecure MD4 or MD5 hash function through hashlib.new.", severity_level::error},
  {"B501", "request_with_no_cert_validation",
   "Requests call with verify=False disabling SSL certificate checks.", severity_level::critical},
  {"B506", "yaml_load", "Use of unsafe yaml load; allows instantiation of arbitrary objects.",
   severity_level::error},
  {"B602", "subprocess_popen_with_shell_equals_true", "subprocess call with shell=True.",
   severity_level::critical},
  {"B604", "any_other_function_with_shell_equals_true", "Function call with shell=True parameter.",
   severity_level::warning},
  {"B605", "start_process_with_a_shell", "Starting a process with a shell.",
   severity_level::critical},
  {"B608", "hardcoded_sql_expressions",
   "Possible SQL injection vector through string-based query construction.", severity_level::error},
  {"GF001", "compile_non_literal",
   "compile() of a source that is not a literal: code built at run time.", severity_level::error},
};

class security_checker {
public:
  security_checker(const python_module& m, const security_config& config)
      : m_(m), t_(m.tree()), config_(config) {
    if (config_.honor_nosec)
      for (const auto& c : m_.comments())
        if (c.text.find("nosec") != std::string_view::npos)
          nosec_lines_.insert(c.line);
  }

  validation_result run() {
    r_.validator = "security";
    for (const auto& c : m_.calls())
      check_call(c);
    for (const auto& f : m_.functions())
      check_defaults(f);
    for (node_id i = 0; i < t_.size(); ++i)
      if (t_.kind(i) == syntax_kind::assert_statement)
        report("B101", bandit_level::low, confidence_level::high, i, i,
               "Use of assert detected. The enclosed code will be removed when compiling to "
               "optimised byte code.",
               "raise an exception for checks that must hold in production");
    for (const auto& s : m_.strings())
      check_string(s);

    std::stable_sort(r_.findings.begin(), r_.findings.end(),
                     [](const finding& a, const finding& b) {
                       return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                     });
    double penalty = 0.5 * static_cast<double>(r_.count(severity_level::critical))
                     + 0.25 * static_cast<double>(r_.count(severity_level::error))
                     + 0.05 * static_cast<double>(r_.count(severity_level::warning));
    r_.score = clamp_score(1.0 - penalty);
    r_.passed = !r_.has_errors();
    r_.metrics.set("findings", static_cast<std::int64_t>(r_.findings.size()));
    r_.metrics.set("suppressed", static_cast<std::int64_t>(suppressed_));
    return std::move(r_);
  }

private:
  bool skipped(std::string_view id) const {
    return std::find(config_.skip_rules.begin(), config_.skip_rules.end(), id)
           != config_.skip_rules.end();
  }

  /// Records a finding at `at`; `context` is the statement or call it belongs to (a `# nosec`
  /// on either line silences it, as in bandit).
  void report(std::string_view id, bandit_level level, confidence_level confidence, node_id at,
              node_id context, std::string message, std::string suggestion) {
    if (skipped(id))
      return;
    auto pos = m_.position_of(at);
    auto context_line = m_.position_of(context).line;
    if (nosec_lines_.count(pos.line) || nosec_lines_.count(context_line)) {
      ++suppressed_;
      return;
    }
    severity_level s = level == bandit_level::high     ? severity_level::critical
                       : level == bandit_level::medium ? severity_level::error
                                                       : severity_level::warning;
    if (confidence < config_.min_confidence && s > severity_level::warning)
      s = severity_level::warning;
    finding f;
    f.rule = std::string{id};
    f.severity = s;
    f.line = pos.line;
    f.column = pos.column;
    f.message = std::move(message);
    f.suggestion = std::move(suggestion);
    f.confidence = confidence;
    r_.findings.push_back(std::move(f));
  }

  // -- calls ---------------------------------------------------------------------

  void check_call(const call_fact& c) {
    const auto& qn = c.qualified_name;
    if (qn == "exec")
      report("B102", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Use of exec detected.", "avoid executing code built at run time");
    if (qn == "eval")
      report("B307", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Use of possibly insecure function - consider using safer ast.literal_eval.",
             "use ast.literal_eval for literals, or parse the input explicitly");
    if (qn == "compile"
        && (c.positional.empty()
            || (c.positional[0].kind != expression_kind::string
                && c.positional[0].kind != expression_kind::bytes)))
      report("GF001", bandit_level::medium, confidence_level::medium, c.node, c.node,
             "compile() of a non-literal source: code built at run time may carry injected code.",
             "do not compile code derived from input");
    if (listed(pickle_calls, qn))
      report("B301", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Pickle and modules that wrap it can be unsafe when used to deserialize untrusted "
             "data, possible security issue.",
             "deserialize untrusted data with json or another data-only format");
    if (listed(marshal_calls, qn))
      report("B302", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Deserialization with the marshal module is possibly dangerous.",
             "use a data-only format such as json");
    if (listed(weak_hash_calls, qn))
      report("B303", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Use of insecure MD2, MD4, MD5, or SHA1 hash function.",
             "use hashlib.sha256 or stronger");
    if (qn == "tempfile.mktemp")
      report("B306", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Use of insecure and deprecated function (mktemp).",
             "use tempfile.mkstemp or tempfile.NamedTemporaryFile");
    check_hashlib_new(c);
    check_shell(c);
    check_requests(c);
    check_yaml(c);
    for (const auto& k : c.keywords)
      if (!k.name.empty() && k.value.kind == expression_kind::string && password_like(k.name)) {
        report("B106", bandit_level::low, confidence_level::medium, c.node, c.node,
               "Possible hardcoded password: '" + k.value.literal + "'",
               "read secrets from the environment or a secret store");
        break;
      }
  }

  void check_hashlib_new(const call_fact& c) {
    const auto& qn = c.qualified_name;
    if (c.short_name() != "new")
      return;
    bool hashlib = false;
    for (std::string_view rest = qn; !rest.empty();) {
      auto dot = rest.find('.');
      if (rest.substr(0, dot) == "hashlib")
        hashlib = true;
      if (dot == std::string_view::npos)
        break;
      rest.remove_prefix(dot + 1);
    }
    if (!hashlib)
      return;
    const expression_fact* name = nullptr;
    if (!c.positional.empty())
      name = &c.positional[0];
    else if (const auto* k = c.keyword("name"))
      name = &k->value;
    if (!name || name->literal.empty())
      return;
    auto l = lower(name->literal);
    if (l == "md4" || l == "md5")
      report("B324", bandit_level::medium, confidence_level::high, c.node, c.node,
             "Use of insecure MD4 or MD5 hash function.", "use hashlib.new('sha256') or stronger");
  }

  void check_shell(const call_fact& c) {
    const auto& qn = c.qualified_name;
    bool literal_command = !c.positional.empty() && c.positional[0].kind == expression_kind::string;
    if (listed(shell_calls, qn) && !c.positional.empty()) {
      if (literal_command)
        report("B605", bandit_level::low, confidence_level::high, c.node, c.node,
               "Starting a process with a shell: Seems safe, but may be changed in the future, "
               "consider rewriting without shell",
               "use subprocess.run with an argument list");
      else
        report("B605", bandit_level::high, confidence_level::high, c.node, c.node,
               "Starting a process with a shell, possible injection detected, security issue.",
               "use subprocess.run with an argument list and no shell");
    }
    const auto* shell = c.keyword("shell");
    if (!shell || !shell_is_true(shell->value))
      return;
    if (listed(subprocess_calls, qn)) {
      if (c.positional.empty())
        return; // bandit judges the command only when it is passed positionally
      if (literal_command)
        report("B602", bandit_level::low, confidence_level::high, shell->value.node, c.node,
               "subprocess call with shell=True seems safe, but may be changed in the future, "
               "consider rewriting without shell",
               "pass an argument list and drop shell=True");
      else
        report("B602", bandit_level::high, confidence_level::high, shell->value.node, c.node,
               "subprocess call with shell=True identified, security issue.",
               "pass an argument list and drop shell=True");
    } else {
      report("B604", bandit_level::medium, confidence_level::low, shell->value.node, c.node,
             "Function call with shell=True parameter identified, possible security issue.",
             "avoid running commands through a shell");
    }
  }

  void check_requests(const call_fact& c) {
    if (c.qualified_name.find("requests") == std::string::npos
        || !listed(http_verbs, c.short_name()))
      return;
    const auto* verify = c.keyword("verify");
    if (verify && verify->value.literal == "False"
        && (verify->value.kind == expression_kind::false_
            || verify->value.kind == expression_kind::string))
      report("B501", bandit_level::high, confidence_level::high, verify->value.node, c.node,
             "Requests call with verify=False disabling SSL certificate checks, security issue.",
             "keep certificate verification on (verify=True or a CA bundle path)");
  }

  void check_yaml(const call_fact& c) {
    if (c.short_name() != "load")
      return;
    bool yaml = false;
    for (std::string_view rest = c.qualified_name; !rest.empty();) {
      auto dot = rest.find('.');
      if (rest.substr(0, dot) == "yaml")
        yaml = true;
      if (dot == std::string_view::npos)
        break;
      rest.remove_prefix(dot + 1);
    }
    if (!yaml)
      return;
    auto safe = [](const expression_fact& v) {
      return v.literal == "SafeLoader" || v.literal == "CSafeLoader";
    };
    const auto* loader = c.keyword("Loader");
    if ((loader && safe(loader->value)) || (c.positional.size() > 1 && safe(c.positional[1])))
      return;
    report("B506", bandit_level::medium, confidence_level::high, c.node, c.node,
           "Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider "
           "yaml.safe_load().",
           "use yaml.safe_load, or Loader=yaml.SafeLoader");
  }

  // -- definitions -----------------------------------------------------------------

  void check_defaults(const function_fact& f) {
    for (const auto& p : f.parameters) {
      if (!p.has_default || p.default_value.kind != expression_kind::string
          || (p.kind != parameter_kind::positional && p.kind != parameter_kind::positional_only
              && p.kind != parameter_kind::keyword_only)
          || !password_like(p.name))
        continue;
      report("B107", bandit_level::low, confidence_level::medium, f.node, f.node,
             "Possible hardcoded password: '" + p.default_value.literal + "'",
             "take the secret from configuration, not a default");
      return; // bandit reports the first such parameter
    }
  }

  // -- strings ---------------------------------------------------------------------

  /// The string fact of a literal node (facts are in node order), or nullptr.
  const string_fact* string_at(node_id n) const {
    const auto& all = m_.strings();
    auto it = std::lower_bound(all.begin(), all.end(), n,
                               [](const string_fact& s, node_id x) { return s.node < x; });
    return it != all.end() && it->node == n ? &*it : nullptr;
  }

  /// The parent, skipping parentheses (the Python AST has none).
  node_id parent_of(node_id n) const {
    auto p = t_[n].parent;
    while (p != no_node && t_.kind(p) == syntax_kind::parenthesized_expression)
      p = t_[p].parent;
    return p;
  }

  /// The name a password rule reads from an assignment target, or empty.
  std::string target_name(node_id target) const {
    target = t_.unparenthesize(target);
    if (target == no_node)
      return {};
    switch (t_.kind(target)) {
      case syntax_kind::identifier:
        return std::string{t_.text(target)};
      case syntax_kind::attribute: {
        auto attr = t_.child(target, syntax_field::attribute);
        return attr != no_node ? std::string{t_.text(attr)} : std::string{};
      }
      case syntax_kind::subscript: { // d["password"] = "..."
        const auto* key = string_at(t_.unparenthesize(t_.child(target, syntax_field::subscript)));
        return key ? key->value : std::string{};
      }
      default:
        return {};
    }
  }

  void check_string(const string_fact& s) {
    if (s.is_expression_statement || s.is_bytes)
      return;
    if (!s.is_fstring && s.value == "0.0.0.0")
      report("B104", bandit_level::medium, confidence_level::medium, s.node, s.node,
             "Possible binding to all interfaces.",
             "bind to a specific interface, taken from configuration");
    if (!s.is_fstring)
      check_password_string(s);
    check_sql(s);
  }

  void check_password_string(const string_fact& s) {
    auto parent = parent_of(s.node);
    if (parent == no_node)
      return;
    if (t_.kind(parent) == syntax_kind::assignment
        && t_.unparenthesize(t_.child(parent, syntax_field::right)) == s.node) {
      // `a = b = "x"` nests assignments; every target counts.
      for (auto a = parent; a != no_node && t_.kind(a) == syntax_kind::assignment;) {
        if (password_like(target_name(t_.child(a, syntax_field::left)))) {
          report("B105", bandit_level::low, confidence_level::medium, s.node, a,
                 "Possible hardcoded password: '" + s.value + "'",
                 "read secrets from the environment or a secret store");
          return;
        }
        auto up = parent_of(a);
        if (up == no_node || t_.kind(up) != syntax_kind::assignment
            || t_.unparenthesize(t_.child(up, syntax_field::right)) != a)
          break;
        a = up;
      }
      return;
    }
    if (t_.kind(parent) == syntax_kind::comparison_operator) {
      auto left = t_.first_named_child(parent);
      auto first_comparator = left != no_node ? t_.next_named_sibling(left) : no_node;
      left = t_.unparenthesize(left);
      if (left != no_node && t_.kind(left) == syntax_kind::identifier
          && t_.unparenthesize(first_comparator) == s.node && password_like(t_.text(left)))
        report("B105", bandit_level::low, confidence_level::medium, s.node, parent,
               "Possible hardcoded password: '" + s.value + "'",
               "compare against a secret from configuration");
    }
  }

  /// The string literals that are direct operands of a `+` / `%` chain rooted at `root`.
  void chain_strings(node_id root, std::string& statement) const {
    std::vector<node_id> stack{root};
    while (!stack.empty()) {
      auto n = t_.unparenthesize(stack.back());
      stack.pop_back();
      if (n == no_node)
        continue;
      if (t_.kind(n) == syntax_kind::binary_operator) {
        // push right first so that the left operand's strings come first
        if (auto r = t_.child(n, syntax_field::right); r != no_node)
          stack.push_back(r);
        if (auto l = t_.child(n, syntax_field::left); l != no_node)
          stack.push_back(l);
        continue;
      }
      if (const auto* s = string_at(n)) {
        if (!statement.empty())
          statement += ' ';
        statement += s->value;
      }
    }
  }

  bool is_string_op(node_id n) const {
    if (t_.kind(n) != syntax_kind::binary_operator)
      return false;
    auto op = t_.child(n, syntax_field::operator_);
    return op != no_node
           && (t_.kind(op) == syntax_kind::op_plus || t_.kind(op) == syntax_kind::op_percent);
  }

  void check_sql(const string_fact& s) {
    node_id expr = no_node; // the query expression (root of the formatting)
    std::string statement;
    auto parent = parent_of(s.node);
    if (parent != no_node && t_.kind(parent) == syntax_kind::binary_operator) {
      if (!is_string_op(parent))
        return;
      expr = parent;
      for (auto up = parent_of(expr); up != no_node && t_.kind(up) == syntax_kind::binary_operator;
           up = parent_of(expr))
        expr = up;
      if (!reported_roots_.insert(expr).second)
        return;
      chain_strings(expr, statement);
    } else if (parent != no_node && t_.kind(parent) == syntax_kind::attribute) {
      auto attr = t_.child(parent, syntax_field::attribute);
      auto call = parent_of(parent);
      if (attr == no_node || t_.text(attr) != "format" || call == no_node
          || t_.kind(call) != syntax_kind::call)
        return;
      expr = call;
      statement = s.value;
    } else if (s.is_fstring) {
      expr = s.node;
      statement = s.value;
    } else {
      return;
    }
    if (!looks_like_sql(statement))
      return;
    bool executed = passed_to_execute(expr);
    report("B608", bandit_level::medium,
           executed ? confidence_level::medium : confidence_level::low, s.node, expr,
           "Possible SQL injection vector through string-based query construction.",
           "pass values as query parameters: cursor.execute(sql, params)");
  }

  static bool is_execute(std::string_view name) noexcept {
    return name == "execute" || name == "executemany";
  }

  std::string_view called_name(node_id call) const {
    auto f = t_.unparenthesize(t_.child(call, syntax_field::function));
    if (f == no_node)
      return {};
    if (t_.kind(f) == syntax_kind::attribute) {
      auto a = t_.child(f, syntax_field::attribute);
      return a != no_node ? t_.text(a) : std::string_view{};
    }
    return t_.kind(f) == syntax_kind::identifier ? t_.text(f) : std::string_view{};
  }

  /// Whether the query expression reaches execute()/executemany(): as a positional argument,
  /// or through a name it is assigned to and that a later call in the same scope passes first.
  bool passed_to_execute(node_id expr) const {
    auto parent = parent_of(expr);
    if (parent == no_node)
      return false;
    if (t_.kind(parent) == syntax_kind::argument_list) {
      auto call = t_[parent].parent;
      return call != no_node && t_.kind(call) == syntax_kind::call && is_execute(called_name(call));
    }
    if (t_.kind(parent) != syntax_kind::assignment
        || t_.unparenthesize(t_.child(parent, syntax_field::right)) != expr)
      return false;
    auto target = t_.unparenthesize(t_.child(parent, syntax_field::left));
    if (target == no_node || t_.kind(target) != syntax_kind::identifier)
      return false;
    auto name = t_.text(target);
    auto scope = m_.enclosing_function(expr);
    for (const auto& c : m_.calls()) {
      if (c.node <= parent || c.function != scope || c.positional.empty())
        continue;
      const auto& first = c.positional[0];
      if (first.kind == expression_kind::name && first.literal == name
          && is_execute(c.short_name()))
        return true;
    }
    return false;
  }

  const python_module& m_;
  const syntax_tree& t_;
  const security_config& config_;
  validation_result r_;
  std::set<std::uint32_t> nosec_lines_;
  std::set<node_id> reported_roots_;
  std::size_t suppressed_ = 0;
};

} // namespace

const std::vector<security_rule>& security_rules() {
  return rules;
}

validation_result check_security(const python_module& m, const validation_context&,
                                 const security_config& config) {
  if (m.has_syntax_errors())
    return syntax_failure(m, "security");
  return security_checker{m, config}.run();
}

} // namespace genflow::analysis
