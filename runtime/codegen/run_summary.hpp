#pragma once

/// What a code-generation run produced, per node: the contract, the validators' verdicts, the
/// quorum's consensus with every vote and the cost, and the package written — read from the
/// outputs of the codegen steps ("parse.<name>", "validate.<name>", "package.<name>").

#include <string>

#include "messages/execution.hpp"
#include "messages/value.hpp"

namespace genflow::codegen {

/// One object per contract, in contract order.
value summarize_nodes(const workflow_result& r);

/// A table of the same, for people.
std::string format_nodes(const workflow_result& r);

} // namespace genflow::codegen
