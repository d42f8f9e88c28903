// The ONEX template set against Python's Jinja2: every planned file of every example and
// workload contract is rendered by tests/support/render_jinja.py (Jinja2 3.1 with trim_blocks,
// lstrip_blocks and the ONEX filters; the template tree is handed over as its `files` so
// includes resolve as under configs/templates), and the output must be a package a Python developer
// accepts: every .py compiles (`python3 -m py_compile`), has a docstring and full type hints
// on every class and function, no function above McCabe complexity 10, no line above 100
// columns, no trailing whitespace; contract.yaml is valid YAML. genflow's own engine renders
// every file too and must produce exactly what Jinja2 produced.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "runtime/codegen/plan.hpp"
#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/io/process.hpp"
#include "runtime/templating/environment.hpp"

namespace genflow::codegen {
namespace {

namespace fs = std::filesystem;

const std::string template_dir = GENFLOW_SOURCE_DIR "/configs/templates";
const std::string python = "/usr/bin/python3";

/// The templating suite's reference renderer.
std::string renderer() {
  return GENFLOW_SOURCE_DIR "/tests/support/render_jinja.py";
}

/// The template lookup order: <dir>/X.jinja2, X.j2, X.txt, <dir>/T/X.jinja2, <dir>/T/X.j2.
std::vector<std::string> lookup_candidates(const std::string& id, const std::string& type) {
  return {id + ".jinja2", id + ".j2", id + ".txt", type + "/" + id + ".jinja2",
          type + "/" + id + ".j2"};
}

std::vector<std::string> existing_templates(const planned_file& f) {
  std::vector<std::string> out;
  for (const auto& c : lookup_candidates(f.template_id, f.template_type))
    if (fs::is_regular_file(template_dir + "/" + c))
      out.push_back(c);
  return out;
}

std::vector<contracts::contract> all_contracts() {
  std::vector<std::string> paths;
  for (auto dir : {GENFLOW_SOURCE_DIR "/configs/contracts/examples",
                   GENFLOW_SOURCE_DIR "/tests/data/contracts"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml")
        paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<contracts::contract> out;
  for (const auto& p : paths) {
    auto r = contracts::load_contract_file(p);
    EXPECT_TRUE(r.result) << p;
    if (r.result)
      out.push_back(std::move(*r.result));
  }
  return out;
}

expected<io::process_result> run(std::vector<std::string> argv, std::string input = {}) {
  io::process_request req;
  req.argv = std::move(argv);
  req.stdin_data = std::move(input);
  req.timeout = std::chrono::seconds{300};
  return io::run_process(req);
}

class OnexTemplates : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device rd;
    out_ = fs::temp_directory_path() / ("genflow_templates_" + std::to_string(rd()));
    fs::create_directories(out_);
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(out_, ec);
  }

  fs::path out_;
};

TEST_F(OnexTemplates, EveryPlannedTemplateResolvesToExactlyOneFile) {
  std::set<std::string> used;
  for (const auto& c : all_contracts())
    for (const auto& f : plan_package(c)) {
      auto found = existing_templates(f);
      ASSERT_EQ(found.size(), 1u) << f.template_id << " (" << f.template_type << ")";
      used.insert(found[0]);
    }
  // Every template in configs/templates is used: a planned one, or a partial some template
  // includes.
  std::string all_text;
  for (const auto& e : fs::recursive_directory_iterator(template_dir))
    if (e.is_regular_file())
      all_text += *io::read_file(e.path().string());
  for (const auto& e : fs::recursive_directory_iterator(template_dir)) {
    if (!e.is_regular_file())
      continue;
    auto rel = fs::relative(e.path(), template_dir).generic_string();
    if (rel.rfind("partials/", 0) == 0)
      EXPECT_NE(all_text.find("{% include \"" + rel + "\" %}"), std::string::npos) << rel;
    else
      EXPECT_TRUE(used.count(rel)) << rel << " is used by no plan";
  }
}

TEST_F(OnexTemplates, RenderValidPythonPackagesWithJinja2) {
  ASSERT_TRUE(fs::is_regular_file(renderer())) << renderer() << " is missing";

  // Every template by its path under configs/templates, for include/import.
  value::object_type sources;
  for (const auto& e : fs::recursive_directory_iterator(template_dir))
    if (e.is_regular_file())
      sources.emplace_back(fs::relative(e.path(), template_dir).generic_string(),
                           *io::read_file(e.path().string()));
  value files{std::move(sources)};

  // One render request for every planned file of every contract.
  value::array_type cases;
  std::map<std::string, fs::path> targets;
  // The same files rendered by genflow's engine, to compare byte for byte.
  templating::environment env{{.trim_blocks = true,
                               .lstrip_blocks = true,
                               .undefined = templating::undefined_policy::strict,
                               .onex_filters = true}};
  env.set_loader(templating::directory_loader(template_dir));
  std::map<std::string, std::string> ours;
  for (const auto& c : all_contracts()) {
    auto ctx = render_context(c);
    auto root = out_ / c.name / package_root(c);
    for (const auto& f : plan_package(c)) {
      auto found = existing_templates(f);
      ASSERT_EQ(found.size(), 1u) << f.template_id;
      auto name = c.name + "/" + f.path;
      targets[name] = root / f.path;
      auto compiled = env.compile(files.get(found[0]).as_string(), found[0]);
      ASSERT_TRUE(compiled) << compiled.error().to_string();
      auto text = env.render(**compiled, file_context(ctx, f));
      ASSERT_TRUE(text) << name << ": " << text.error().to_string();
      ours[name] = std::move(*text);
      cases.push_back(
        value::object_type{{"name", name},
                           {"template", files.get(found[0])},
                           {"files", files},
                           {"context", file_context(ctx, f)},
                           {"options", value::object_type{{"trim_blocks", true},
                                                          {"lstrip_blocks", true},
                                                          {"keep_trailing_newline", false},
                                                          {"strict", true},
                                                          {"onex", true}}}});
    }
  }
  auto request = io::to_json(value::object_type{{"cases", value{std::move(cases)}}});
  auto rendered = run({python, renderer()}, request);
  ASSERT_TRUE(rendered) << rendered.error().to_string();
  ASSERT_TRUE(rendered->succeeded()) << rendered->stderr_data;
  auto reply = io::parse_json(rendered->stdout_data, "render_jinja.py output");
  ASSERT_TRUE(reply) << reply.error().to_string();

  // Write the packages; check the text rules in C++.
  std::vector<std::string> python_files, yaml_files;
  for (const auto& r : reply->get("results").as_array()) {
    auto name = r.get_string("name");
    ASSERT_TRUE(r.get("ok").is_bool() && r.get("ok").as_bool())
      << name << ": " << r.get_string("error");
    const auto& text = r.get_string("output");
    EXPECT_EQ(ours.at(name), text) << name << ": genflow's engine and Jinja2 differ";
    auto path = targets.at(name);
    ASSERT_TRUE(io::write_file_atomic(path.string(), text));
    EXPECT_TRUE(!text.empty() && text.back() == '\n'
                && text.find("\n\n", text.size() - 2) == std::string::npos)
      << name << " must end with exactly one newline";
    std::size_t line_no = 0, start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      auto line = text.substr(start, end - start);
      ++line_no;
      if (path.extension() == ".py") {
        EXPECT_LE(line.size(), 100u) << name << ":" << line_no << ": " << line;
        EXPECT_EQ(line.find('\t'), std::string::npos) << name << ":" << line_no;
      }
      EXPECT_TRUE(line.empty() || line.back() != ' ')
        << name << ":" << line_no << " trailing space";
      EXPECT_EQ(line.find("TODO"), std::string::npos) << name << ":" << line_no;
      start = end == std::string::npos ? text.size() : end + 1;
    }
    if (path.extension() == ".py")
      python_files.push_back(path.string());
    if (path.filename() == "contract.yaml") {
      yaml_files.push_back(path.string());
      YAML::Node doc;
      EXPECT_NO_THROW(doc = YAML::Load(text)) << name;
      EXPECT_TRUE(doc.IsMap() && doc["name"] && doc["version"] && doc["node_type"]) << name;
    }
  }
  ASSERT_EQ(yaml_files.size(), all_contracts().size());

  // Every .py compiles.
  std::vector<std::string> argv{python, "-m", "py_compile"};
  argv.insert(argv.end(), python_files.begin(), python_files.end());
  auto compiled = run(argv);
  ASSERT_TRUE(compiled);
  EXPECT_TRUE(compiled->succeeded()) << compiled->stderr_data;

  // Docstrings, type hints and complexity (ast + mccabe), and contract.yaml with PyYAML.
  const std::string checker = R"PY(
import ast, json, sys
import mccabe
problems = []
files = json.loads(sys.stdin.read())
for path in files["python"]:
    source = open(path, encoding="utf-8").read()
    tree = ast.parse(source, path)
    if ast.get_docstring(tree) is None:
        problems.append(f"{path}: no module docstring")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            where = f"{path}:{node.lineno} {node.name}"
            if ast.get_docstring(node) is None:
                problems.append(f"{where}: no docstring")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns is None:
                problems.append(f"{where}: no return annotation")
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            for arg in args:
                if arg.annotation is None and arg.arg not in ("self", "cls"):
                    problems.append(f"{where}: argument {arg.arg} has no annotation")
    visitor = mccabe.PathGraphingAstVisitor()
    visitor.preorder(tree, visitor)
    for graph in visitor.graphs.values():
        if graph.complexity() > 10:
            complexity = graph.complexity()
            problems.append(f"{path}:{graph.lineno} {graph.entity}: complexity {complexity}")
try:
    import yaml
except ImportError:
    yaml = None
if yaml is not None:
    for path in files["yaml"]:
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        if not isinstance(doc, dict) or not {"name", "version", "node_type"} <= set(doc):
            problems.append(f"{path}: not a contract mapping")
print("\n".join(problems))
sys.exit(1 if problems else 0)
)PY";
  value::array_type py, yml;
  for (const auto& p : python_files)
    py.emplace_back(p);
  for (const auto& p : yaml_files)
    yml.emplace_back(p);
  auto checked =
    run({python, "-c", checker}, io::to_json(value::object_type{{"python", value{std::move(py)}},
                                                                {"yaml", value{std::move(yml)}}}));
  ASSERT_TRUE(checked);
  EXPECT_TRUE(checked->succeeded()) << checked->stdout_data << checked->stderr_data;
}

} // namespace
} // namespace genflow::codegen
