#include "runtime/codegen/plan.hpp"

#include "runtime/codegen/model_catalog.hpp"

namespace genflow::codegen {

std::string_view to_string(generation_stage x) noexcept {
  switch (x) {
    case generation_stage::models:
      return "models";
    case generation_stage::node:
      return "node";
    case generation_stage::tests:
      return "tests";
  }
  return "node";
}

std::string package_root(const contracts::contract& c) {
  std::string without_node = c.name.rfind("Node", 0) == 0 ? c.name.substr(4) : c.name;
  return contracts::to_snake_case(without_node) + "/" + c.version.directory();
}

std::vector<planned_file> plan_stage(const contracts::contract& c, generation_stage stage) {
  std::string type{contracts::to_string(c.type)};
  std::vector<planned_file> out;
  auto add = [&](std::string path, std::string id, std::string template_type,
                 value locals = value::object_type{}) {
    out.push_back(planned_file{std::move(path), std::move(id), std::move(template_type), stage,
                               std::move(locals)});
  };
  switch (stage) {
    case generation_stage::models:
      for (const auto& m : model_catalog(c))
        add(m.get_string("path"), "model", "model", value::object_type{{"model", m}});
      add("models/__init__.py", "models_init", "model");
      break;
    case generation_stage::node:
      add("node.py", "node_" + type, type);
      add("__init__.py", "package_init", type);
      add("contract.yaml", "contract_yaml", "contract");
      add("README.md", "readme", type);
      break;
    case generation_stage::tests:
      add("tests/__init__.py", "tests_init", "test");
      add("tests/conftest.py", "conftest", "test");
      add("tests/test_node.py", "test_node", "test");
      if (c.type == contracts::node_type::effect)
        add("tests/test_integration.py", "test_integration_effect", type);
      break;
  }
  return out;
}

std::vector<planned_file> plan_package(const contracts::contract& c) {
  std::vector<planned_file> out;
  for (auto stage : {generation_stage::models, generation_stage::node, generation_stage::tests})
    for (auto& f : plan_stage(c, stage))
      out.push_back(std::move(f));
  return out;
}

value file_context(const value& package_context, const planned_file& file) {
  if (!file.locals.is_object() || file.locals.as_object().empty())
    return package_context;
  value out = package_context;
  for (const auto& [k, v] : file.locals.as_object())
    out.set(k, v);
  return out;
}

} // namespace genflow::codegen
