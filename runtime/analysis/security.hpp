#pragma once

/// The security validator: bandit's rules for the risks generated code most often carries,
/// checked on the syntax tree with bandit's ids, severities and confidences (bandit 1.6.2's
/// documented triggers; callee names are resolved through the module's imports the way bandit
/// resolves them, so `from subprocess import call as run; run(x, shell=True)` is found).
///
/// | id    | finds                                                    | severity   | confidence |
/// |-------|----------------------------------------------------------|------------|------------|
/// | B101  | `assert` (removed under -O)                              | low        | high       |
/// | B102  | `exec(...)`                                              | medium     | high       |
/// | B104  | the string "0.0.0.0" (binding to all interfaces)         | medium     | medium     |
/// | B105  | a password-like name assigned or compared to a string    | low        | medium     |
/// | B106  | a password-like keyword argument given a string          | low        | medium     |
/// | B107  | a password-like parameter defaulting to a string         | low        | medium     |
/// | B301  | pickle / cPickle / dill `load(s)`, `Unpickler`           | medium     | high       |
/// | B302  | `marshal.load(s)`                                        | medium     | high       |
/// | B303  | `hashlib.md5` / `sha1` and the Crypto MD2/MD4/MD5/SHA    | medium     | high       |
/// | B306  | `tempfile.mktemp`                                        | medium     | high       |
/// | B307  | `eval(...)`                                              | medium     | high       |
/// | B324  | `hashlib.new("md4" / "md5")`                             | medium     | high       |
/// | B501  | requests' get/post/... with `verify=False`               | high       | high       |
/// | B506  | `yaml.load` without SafeLoader / CSafeLoader             | medium     | high       |
/// | B602  | subprocess with `shell=True`                             | low / high | high       |
/// | B604  | any other call with `shell=True`                         | medium     | low        |
/// | B605  | `os.system`, `os.popen`, popen2, commands                | low / high | high       |
/// | B608  | SQL built with `+`, `%`, `.format` or an f-string        | medium     | low / med. |
/// | GF001 | `compile(...)` of a non-literal source (genflow's own)   | medium     | medium     |
///
/// Low/high in B602/B605: a literal command string is low, a computed one high. B608 is of
/// medium confidence when the query goes to `execute` / `executemany`, directly or through a
/// variable assigned in the same scope (bandit only sees the direct case), low otherwise.
/// Beyond bandit 1.6.2, as later bandit versions do: B105 also checks attribute targets and
/// annotated assignments, B107 async functions and keyword-only parameters, and B506 accepts a
/// safe loader passed positionally. A `# nosec` comment on the line silences a finding.
///
/// Severity mapping: bandit low -> warning, medium -> error, high -> critical; a finding below
/// `min_confidence` is reported as a warning at most. Passed <=> no error or critical finding.
/// Score = max(0, 1 - 0.5 x critical - 0.25 x error - 0.05 x warning).

#include <string>
#include <string_view>
#include <vector>

#include "runtime/analysis/python_module.hpp"
#include "runtime/analysis/validation.hpp"

namespace genflow::analysis {

/// One security rule, for reports (SARIF's rule table) and documentation.
struct security_rule {
  std::string_view id;
  /// bandit's test name, e.g. "subprocess_popen_with_shell_equals_true".
  std::string_view name;
  std::string_view description;
  /// The severity its findings usually get (the higher one for rules with two).
  severity_level default_severity = severity_level::error;
};

/// Every rule the validator checks, ordered by id.
const std::vector<security_rule>& security_rules();

struct security_config {
  /// Findings of lower confidence are reported as warnings at most (they do not fail).
  confidence_level min_confidence = confidence_level::medium;
  /// Rule ids not to check (bandit's --skip).
  std::vector<std::string> skip_rules;
  /// Whether `# nosec` comments silence findings on their line.
  bool honor_nosec = true;
};

validation_result check_security(const python_module& m, const validation_context& ctx,
                                 const security_config& config);

} // namespace genflow::analysis
