#pragma once

/// The Pydantic models of a generated node package, described for the `model` template.
///
/// Each node has an input and an output state model for its entry method
/// (`Model<Pascal>InputState` / `Model<Pascal>OutputState`: fixed base fields plus the
/// properties of the contract's `input_state` / `output_state`); a reducer also has its
/// accumulated state (`Model<Pascal>State`); and every model an io_operation names gets its own
/// file, with the fields of its `definitions` entry when there is one. A descriptor reads:
///
/// @code
/// {"class_name": "ModelOrderRequest", "module": "model_order_request",
///  "path": "models/model_order_request.py", "role": "io_input",
///  "doc_lines": ["Input of the place_order operation."],
///  "import_groups": [["from typing import Any"], ["from pydantic import BaseModel, Field"]],
///  "populate_by_name": false,
///  "fields": [{"name": "quantity", "annotation": "int", "args": ["ge=1"],
///              "description_chunks": ["\"How many.\""]}, ...]}
/// @endcode
///
/// Property types follow JSON Schema: string, integer, number, boolean, array (`items`), object,
/// string `enum` (a Literal); `minimum`/`maximum`/`minLength`/`maxLength` become Field bounds,
/// names that are not identifiers get an alias. `description_chunks` is empty when the property
/// has no description; a field with neither args nor description is a bare annotation.

#include <string>
#include <vector>

#include "messages/value.hpp"
#include "runtime/contracts/contract.hpp"

namespace genflow::codegen {

/// Class names of the entry method's models and the reducer state.
std::string input_state_class(const contracts::contract& c);
std::string output_state_class(const contracts::contract& c);
std::string reducer_state_class(const contracts::contract& c);

/// "ModelOrderRequest" -> "model_order_request" (the module file stem).
std::string model_module(std::string_view class_name);

/// The operations the node dispatches: the io_operation names, else the capability names,
/// else "process".
std::vector<std::string> operation_names(const contracts::contract& c);

/// Every model of the package, entry models first, then io_operation models in contract order
/// (each class once).
std::vector<value> model_catalog(const contracts::contract& c);

} // namespace genflow::codegen
