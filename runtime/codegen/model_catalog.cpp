#include "runtime/codegen/model_catalog.hpp"

#include <algorithm>
#include <set>

#include "runtime/codegen/python_source.hpp"

namespace genflow::codegen {

namespace {

using contracts::node_type;

/// Width of a docstring line inside a class body (4 spaces of indent + 84 = 88 columns).
constexpr std::size_t doc_width = 84;
/// Width of one description literal inside Field(...) (12 spaces of indent).
constexpr std::size_t chunk_width = 72;

struct field_spec {
  std::string name;
  std::string annotation;
  std::vector<std::string> args;
  std::string description;
};

/// Collects the fields of one model and the imports they need.
class model_builder {
public:
  void add(field_spec f) {
    if (!names_.insert(f.name).second)
      return;
    note_imports(f);
    fields_.push_back(std::move(f));
  }

  bool has(const std::string& name) const { return names_.count(name) > 0; }

  /// Adds the properties of a JSON-Schema-like object (`properties` + `required`).
  void add_properties(const value& schema);

  value build(std::string class_name, std::string role, std::vector<std::string> doc,
              std::vector<std::string> local_imports = {}) const;

private:
  void note_imports(const field_spec& f) {
    const auto& a = f.annotation;
    auto uses = [&](std::string_view word) {
      for (const auto& s : f.args)
        if (s.find(word) != std::string::npos)
          return true;
      return a.find(word) != std::string::npos;
    };
    any_ = any_ || a.find("Any") != std::string::npos;
    literal_ = literal_ || a.find("Literal[") != std::string::npos;
    uuid_ = uuid_ || a.find("UUID") != std::string::npos;
    uuid4_ = uuid4_ || uses("uuid4");
    if (std::any_of(f.args.begin(), f.args.end(),
                    [](const std::string& s) { return s.rfind("alias=", 0) == 0; }))
      alias_ = true;
  }

  std::vector<field_spec> fields_;
  std::set<std::string> names_;
  bool any_ = false;
  bool literal_ = false;
  bool uuid_ = false;
  bool uuid4_ = false;
  bool alias_ = false;
};

std::string annotation_for(const value& prop) {
  auto type = prop.get("type");
  if (type.is_array()) {
    // ["string", "null"]: the first non-null type decides.
    for (const auto& t : type.as_array())
      if (t.is_string() && t.as_string() != "null") {
        type = t;
        break;
      }
  }
  if (const auto* e = prop.find("enum"); e && e->is_array() && e->size() > 0) {
    bool strings = std::all_of(e->as_array().begin(), e->as_array().end(),
                               [](const value& x) { return x.is_string(); });
    if (strings) {
      std::string out = "Literal[";
      for (std::size_t i = 0; i < e->size(); ++i)
        out += (i ? ", " : "") + python_string_literal(e->as_array()[i].as_string());
      return out + "]";
    }
  }
  std::string t = type.is_string() ? type.as_string() : "";
  if (t == "string")
    return "str";
  if (t == "integer")
    return "int";
  if (t == "number")
    return "float";
  if (t == "boolean")
    return "bool";
  if (t == "object")
    return "dict[str, Any]";
  if (t == "array") {
    const auto& items = prop.get("items");
    auto inner = items.is_object() ? annotation_for(items) : std::string{"Any"};
    return "list[" + inner + "]";
  }
  return "Any";
}

void model_builder::add_properties(const value& schema) {
  if (!schema.is_object())
    return;
  const value* props = schema.find("properties");
  value direct;
  if (!props || !props->is_object()) {
    // A bare mapping of field name -> property (every member a mapping) is accepted too.
    if (schema.find("type") || schema.size() == 0)
      return;
    for (const auto& [k, v] : schema.as_object())
      if (!v.is_object())
        return;
    direct = schema;
    props = &direct;
  }
  std::set<std::string> required;
  if (const auto* r = schema.find("required"); r && r->is_array())
    for (const auto& x : r->as_array())
      if (x.is_string())
        required.insert(x.as_string());
  for (const auto& [key, prop] : props->as_object()) {
    if (!prop.is_object())
      continue;
    field_spec f;
    f.name = python_identifier(key);
    for (int n = 2; has(f.name); ++n)
      f.name = python_identifier(key) + "_" + std::to_string(n);
    f.annotation = annotation_for(prop);
    f.description = prop.get_string("description");
    const auto* def = prop.find("default");
    bool is_required = required.count(key) > 0;
    if (def && !def->is_null()) {
      if (def->is_array() || def->is_object()) {
        bool empty = def->size() == 0;
        f.args.push_back("default_factory="
                         + (empty ? std::string{def->is_array() ? "list" : "dict"}
                                  : "lambda: " + python_literal(*def)));
      } else {
        f.args.push_back("default=" + python_literal(*def));
      }
    } else if (!is_required) {
      if (f.annotation != "Any")
        f.annotation += " | None";
      f.args.push_back("default=None");
    }
    auto bound = [&](std::string_view key_name, std::string_view arg) {
      if (const auto* b = prop.find(key_name); b && b->is_number())
        f.args.push_back(std::string{arg} + "=" + python_literal(*b));
    };
    bound("minimum", "ge");
    bound("maximum", "le");
    bound("minLength", "min_length");
    bound("maxLength", "max_length");
    if (f.name != key)
      f.args.push_back("alias=" + python_string_literal(key));
    add(std::move(f));
  }
}

value model_builder::build(std::string class_name, std::string role, std::vector<std::string> doc,
                           std::vector<std::string> local_imports) const {
  // Import groups as isort lays them out: standard library, third party, this package.
  std::vector<std::string> std_lib, third_party{std::string{"from pydantic import BaseModel, "}
                                                + (alias_ ? "ConfigDict, " : "") + "Field"};
  std::string typing;
  if (any_)
    typing += "Any";
  if (literal_)
    typing += std::string{typing.empty() ? "" : ", "} + "Literal";
  if (!typing.empty())
    std_lib.push_back("from typing import " + typing);
  if (uuid_ || uuid4_)
    std_lib.push_back(std::string{"from uuid import "} + (uuid_ ? "UUID" : "")
                      + (uuid_ && uuid4_ ? ", " : "") + (uuid4_ ? "uuid4" : ""));
  value::array_type groups;
  for (auto* group : {&std_lib, &third_party, &local_imports}) {
    if (group->empty())
      continue;
    std::sort(group->begin(), group->end());
    value::array_type lines;
    for (auto& line : *group)
      lines.emplace_back(line);
    groups.emplace_back(std::move(lines));
  }

  value::array_type fields;
  for (const auto& f : fields_) {
    value::array_type args;
    for (const auto& a : f.args)
      args.emplace_back(a);
    value::array_type chunks;
    if (!f.description.empty())
      for (auto& c : python_string_chunks(f.description, chunk_width))
        chunks.emplace_back(std::move(c));
    fields.push_back(value::object_type{{"name", f.name},
                                        {"annotation", f.annotation},
                                        {"args", value{std::move(args)}},
                                        {"description_chunks", value{std::move(chunks)}}});
  }
  value::array_type doc_lines;
  for (const auto& paragraph : doc) {
    if (!doc_lines.empty())
      doc_lines.emplace_back("");
    for (auto& line : wrap_words(docstring_text(paragraph), doc_width))
      doc_lines.emplace_back(std::move(line));
  }
  auto module = model_module(class_name);
  return value::object_type{{"class_name", class_name},
                            {"module", module},
                            {"path", "models/" + module + ".py"},
                            {"role", std::move(role)},
                            {"doc_lines", value{std::move(doc_lines)}},
                            {"import_groups", value{std::move(groups)}},
                            {"populate_by_name", alias_},
                            {"fields", value{std::move(fields)}}};
}

std::string pascal_of(const contracts::contract& c) {
  std::string s = c.name.rfind("Node", 0) == 0 ? c.name.substr(4) : c.name;
  auto suffix = contracts::suffix(c.type);
  if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
    s.resize(s.size() - suffix.size());
  return s;
}

std::string entry_of(const contracts::contract& c) {
  return std::string{contracts::entry_method(c.type)};
}

value input_state_model(const contracts::contract& c, const std::string& default_operation) {
  model_builder b;
  b.add({"correlation_id",
         "UUID",
         {"default_factory=uuid4"},
         "Identifies one request across logs and events."});
  switch (c.type) {
    case node_type::effect:
    case node_type::compute:
      b.add({"operation",
             "str",
             {"default=" + python_string_literal(default_operation)},
             "Operation to perform, one of OPERATIONS in node.py."});
      b.add({"payload",
             "dict[str, Any]",
             {"default_factory=dict"},
             "Data handed to the operation handler."});
      break;
    case node_type::orchestrator:
      b.add({"steps",
             "list[str]",
             {"default_factory=list"},
             "Workflow steps to run in order; empty runs every step of WORKFLOW_STEPS."});
      b.add({"payload",
             "dict[str, Any]",
             {"default_factory=dict"},
             "Data handed to the first step; each step's result feeds the next."});
      break;
    case node_type::reducer:
      b.add({"items",
             "list[dict[str, Any]]",
             {"default_factory=list"},
             "Records to fold into the accumulated state."});
      break;
  }
  b.add_properties(c.input_state);
  std::vector<std::string> doc{"Input of " + c.name + "." + entry_of(c) + "()."};
  if (auto d = c.input_state.get_string("description"); !d.empty())
    doc.push_back(d);
  return b.build(input_state_class(c), "input_state", std::move(doc));
}

value output_state_model(const contracts::contract& c) {
  model_builder b;
  b.add({"success", "bool", {}, "Whether the request completed."});
  b.add({"correlation_id", "UUID", {}, "The correlation id of the request."});
  b.add({"duration_ms",
         "float",
         {"default=0.0", "ge=0.0"},
         "Time spent in the node, in milliseconds."});
  std::vector<std::string> imports;
  switch (c.type) {
    case node_type::effect:
    case node_type::compute:
      b.add({"operation", "str", {}, "The operation that ran."});
      b.add({"result",
             "dict[str, Any]",
             {"default_factory=dict"},
             "What the operation handler returned."});
      break;
    case node_type::orchestrator:
      b.add({"completed_steps",
             "list[str]",
             {"default_factory=list"},
             "Steps that finished, in order."});
      b.add({"results",
             "dict[str, dict[str, Any]]",
             {"default_factory=dict"},
             "Result of each completed step."});
      break;
    case node_type::reducer: {
      auto state = reducer_state_class(c);
      b.add({"processed", "int", {"default=0", "ge=0"}, "Records folded by this call."});
      b.add({"state", state, {}, "Accumulated state after this call."});
      imports.push_back("from ." + model_module(state) + " import " + state);
      break;
    }
  }
  b.add_properties(c.output_state);
  std::vector<std::string> doc{"Result of " + c.name + "." + entry_of(c) + "()."};
  if (auto d = c.output_state.get_string("description"); !d.empty())
    doc.push_back(d);
  return b.build(output_state_class(c), "output_state", std::move(doc), std::move(imports));
}

value reducer_state_model(const contracts::contract& c) {
  model_builder b;
  b.add(
    {"aggregation_count", "int", {"default=0", "ge=0"}, "Records folded since the node started."});
  b.add({"totals",
         "dict[str, float]",
         {"default_factory=dict"},
         "Running sums of the numeric fields of the records."});
  b.add({"latest",
         "dict[str, Any]",
         {"default_factory=dict"},
         "Last value seen of each non-numeric field."});
  std::vector<std::string> doc{"State " + c.name + " accumulates across reductions."};
  if (auto d = c.subcontracts.aggregation.get_string("aggregation_type"); !d.empty())
    doc.push_back("Aggregation type: " + d + ".");
  return b.build(reducer_state_class(c), "state", std::move(doc));
}

value io_model(const contracts::contract& c, const std::string& class_name) {
  std::vector<std::string> as_input, as_output;
  for (const auto& op : c.io_operations) {
    if (op.input_model == class_name)
      as_input.push_back(op.name);
    if (op.output_model == class_name)
      as_output.push_back(op.name);
  }
  auto names = [](const std::vector<std::string>& ops) {
    std::string out;
    for (std::size_t i = 0; i < ops.size(); ++i)
      out += (i == 0 ? "" : i + 1 == ops.size() ? " and " : ", ") + ops[i];
    return out + (ops.size() == 1 ? " operation" : " operations");
  };
  std::vector<std::string> doc;
  if (!as_input.empty())
    doc.push_back("Input of the " + names(as_input) + ".");
  if (!as_output.empty())
    doc.push_back("Output of the " + names(as_output) + ".");
  std::string role = as_input.empty() ? "io_output" : as_output.empty() ? "io_input" : "io";

  model_builder b;
  const value& definition = c.definitions.get(class_name);
  if (definition.is_object()) {
    if (auto d = definition.get_string("description"); !d.empty())
      doc.push_back(d);
    b.add_properties(definition);
  } else if (role == "io_output") {
    b.add({"success", "bool", {"default=True"}, "Whether the operation succeeded."});
    b.add({"data", "dict[str, Any]", {"default_factory=dict"}, "What the operation produced."});
  } else {
    b.add({"payload", "dict[str, Any]", {"default_factory=dict"}, "Data the operation works on."});
  }
  return b.build(class_name, std::move(role), std::move(doc));
}

} // namespace

std::string input_state_class(const contracts::contract& c) {
  return "Model" + pascal_of(c) + "InputState";
}

std::string output_state_class(const contracts::contract& c) {
  return "Model" + pascal_of(c) + "OutputState";
}

std::string reducer_state_class(const contracts::contract& c) {
  return "Model" + pascal_of(c) + "State";
}

std::string model_module(std::string_view class_name) {
  return python_identifier(class_name);
}

std::vector<std::string> operation_names(const contracts::contract& c) {
  std::vector<std::string> out;
  for (const auto& op : c.io_operations)
    out.push_back(op.name);
  if (out.empty())
    for (const auto& cap : c.capabilities)
      if (std::find(out.begin(), out.end(), cap.name) == out.end())
        out.push_back(cap.name);
  if (out.empty())
    out.push_back("process");
  return out;
}

std::vector<value> model_catalog(const contracts::contract& c) {
  auto ops = operation_names(c);
  std::vector<value> out;
  std::set<std::string> seen, paths;
  auto add = [&](value m) {
    if (!seen.insert(m.get_string("class_name")).second)
      return;
    // Two class names with one module name ("ModelAB", "Model_AB") get distinct files.
    auto module = m.get_string("module");
    for (int n = 2; !paths.insert(module).second; ++n)
      module = m.get_string("module") + "_" + std::to_string(n);
    if (module != m.get_string("module")) {
      m.set("module", module);
      m.set("path", "models/" + module + ".py");
    }
    out.push_back(std::move(m));
  };
  if (c.type == node_type::reducer)
    add(reducer_state_model(c));
  add(input_state_model(c, ops.front()));
  add(output_state_model(c));
  for (const auto& op : c.io_operations) {
    if (!seen.count(op.input_model))
      add(io_model(c, op.input_model));
    if (!seen.count(op.output_model))
      add(io_model(c, op.output_model));
  }
  return out;
}

} // namespace genflow::codegen
