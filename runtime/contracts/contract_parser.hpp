#pragma once

/// Reading ONEX node contracts from YAML, with every problem of a file reported at once.
///
/// The rules are those of the Python original (`yaml_contract_parser.py` and its JSON schemas),
/// with its silent cases turned into clear errors: each error is an `error_info` whose `where`
/// reads "file:line:column field.path" and whose `code` is a yaml_reader code ("yaml.syntax",
/// "yaml.type", "yaml.missing", "yaml.unknown_key", "yaml.range") or a `contract_errc` name.
/// A report has a result only when it has no errors; warnings never block.
///
/// @code
/// parse_report r = parse_contract(text, "orders.yaml");
/// if (!r.result) for (const auto& e : r.errors) std::cerr << e.to_string() << '\n';
/// @endcode

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/error.hpp"
#include "runtime/contracts/contract.hpp"

namespace genflow::contracts {

/// Error (and warning) codes of the contract parser, besides the yaml_reader's "yaml.*" codes.
enum class contract_errc {
  /// "contract.encoding": the file is not UTF-8 (names the first bad byte).
  encoding,
  /// "contract.name": `name` does not match
  /// `^Node[A-Z][a-zA-Z0-9]+(Effect|Compute|Reducer|Orchestrator)$`.
  invalid_name,
  /// "contract.name_mismatch": the name's suffix disagrees with `node_type`.
  name_mismatch,
  /// "contract.node_type": not one of effect, compute, reducer, orchestrator.
  invalid_node_type,
  /// "contract.version": a version string that is not "1.2.3" / "v1_2_3".
  invalid_version,
  /// "contract.value": a value outside its enumeration, pattern or length rule.
  invalid_value,
  /// "contract.identifier": a name the generated Python uses as an identifier is not one.
  invalid_identifier,
  /// "contract.mixin_name": a mixin name not matching `^Mixin[A-Z][a-zA-Z0-9]*$`.
  invalid_mixin_name,
  /// "contract.unknown_mixin": a well-formed mixin name that omnibase_core does not provide.
  unknown_mixin,
  /// "contract.mixin_dependency": an enabled mixin needs another that is not enabled.
  mixin_dependency,
  /// "contract.duplicate": two io_operations, mixins or health-check components share a name.
  duplicate_name,
  /// "contract.duplicate_key": a YAML mapping repeats a key.
  duplicate_key,
  /// "contract.deprecated": `error_handling` (an error, as in the original) or a legacy form.
  deprecated,
  /// "contract.legacy_node_id" (warning): `node_id` used instead of `name`.
  legacy_node_id,
};

/// The stable dotted name of a code, e.g. "contract.name".
std::string_view code_name(contract_errc x) noexcept;

struct parse_report {
  /// The contract, present exactly when `errors` is empty.
  std::optional<contract> result;
  std::vector<error_info> errors;
  std::vector<error_info> warnings;

  bool ok() const noexcept { return errors.empty(); }
};

/// Parses a contract from YAML text; `file` names it in every error.
parse_report parse_contract(std::string_view yaml_text, std::string file);

/// Reads and parses a contract file (a read failure is the report's only error).
parse_report load_contract_file(const std::string& path);

/// Mixins omnibase_core provides (the original's registry), sorted by name.
const std::vector<std::string>& known_mixins();

/// The omnibase_core module that defines a known mixin ("omnibase_core.mixins.mixin_metrics"),
/// empty for an unknown one.
std::string_view mixin_module(std::string_view mixin_name) noexcept;

} // namespace genflow::contracts
