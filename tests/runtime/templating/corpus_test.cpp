// Differential tests: every case of tests/data/templating/corpus/*.cases is rendered by genflow's
// engine and by Python's Jinja2 (tests/support/render_jinja.py, one process for the whole
// corpus); outputs must match byte for byte, and a case that fails in one must fail in both.
//
// Case file format (one or more cases per file):
//   ### case-name
//   ## options: trim_blocks lstrip_blocks keep_trailing_newline strict onex
//   ## context: {"json": "on one line"}
//   ## context-file: workloads/render_context_tpl_005.json     (relative to tests/data/templating)
//   ## file: name.j2            (the lines up to the next directive: a template for the loader)
//   ## template                 (the lines up to the next directive or case: the template)
//   ## template-file: workloads/tpl_005.jinja2
// A body is the text between its directive line and the next directive line; its last newline
// belongs to the separator (leave an empty line to end a template with a newline).

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/templating/environment.hpp"

using namespace genflow;
namespace fs = std::filesystem;

namespace {

const std::string data_dir = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/templating";

struct corpus_case {
  std::string file;
  std::string name;
  std::string tpl;
  value context = value::object_type{};
  std::map<std::string, std::string> files;
  templating::environment_options options;
};

std::string read_text(const std::string& path) {
  auto text = io::read_file(path);
  if (!text)
    throw std::runtime_error(text.error().to_string());
  return *text;
}

std::vector<corpus_case> parse_cases(const std::string& path) {
  std::vector<corpus_case> cases;
  std::istringstream in{read_text(path)};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  auto is_directive = [](const std::string& l) {
    return l.rfind("## ", 0) == 0 || l.rfind("### ", 0) == 0;
  };
  auto body_from = [&](std::size_t& i) {
    std::string body;
    bool first = true;
    while (i < lines.size() && !is_directive(lines[i])) {
      if (!first)
        body += "\n";
      body += lines[i++];
      first = false;
    }
    return body;
  };
  std::size_t i = 0;
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (l.rfind("### ", 0) == 0) {
      corpus_case c;
      c.file = fs::path{path}.filename().string();
      c.name = c.file + ":" + l.substr(4);
      cases.push_back(std::move(c));
      ++i;
      continue;
    }
    if (cases.empty() || !is_directive(l)) {
      ++i;
      continue;
    }
    auto& c = cases.back();
    std::string d = l.substr(3);
    ++i;
    if (d.rfind("options:", 0) == 0) {
      std::istringstream words{d.substr(8)};
      for (std::string w; words >> w;) {
        if (w == "trim_blocks")
          c.options.trim_blocks = true;
        else if (w == "lstrip_blocks")
          c.options.lstrip_blocks = true;
        else if (w == "keep_trailing_newline")
          c.options.keep_trailing_newline = true;
        else if (w == "strict")
          c.options.undefined = templating::undefined_policy::strict;
        else if (w == "onex")
          c.options.onex_filters = true;
        else
          throw std::runtime_error(c.name + ": unknown option " + w);
      }
    } else if (d.rfind("context:", 0) == 0) {
      auto ctx = io::parse_json(d.substr(8), c.name);
      if (!ctx)
        throw std::runtime_error(ctx.error().to_string());
      c.context = *ctx;
    } else if (d.rfind("context-file:", 0) == 0) {
      std::string p = data_dir + "/" + std::string{d.substr(14)};
      auto ctx = io::parse_json(read_text(p), p);
      if (!ctx)
        throw std::runtime_error(ctx.error().to_string());
      c.context = *ctx;
    } else if (d.rfind("file:", 0) == 0) {
      std::string name{d.substr(6)};
      c.files[name] = body_from(i);
    } else if (d == "template") {
      c.tpl = body_from(i);
    } else if (d.rfind("template-file:", 0) == 0) {
      c.tpl = read_text(data_dir + "/" + d.substr(15));
    } else {
      throw std::runtime_error(c.name + ": unknown directive " + d);
    }
  }
  return cases;
}

std::vector<corpus_case> load_corpus() {
  std::vector<corpus_case> all;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator{data_dir + "/corpus"})
    if (entry.path().extension() == ".cases")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto cases = parse_cases(f.string());
    all.insert(all.end(), cases.begin(), cases.end());
  }
  return all;
}

struct outcome {
  bool ok = false;
  std::string text; // output or error
};

outcome render_with_genflow(const corpus_case& c) {
  templating::environment env{c.options};
  auto files = c.files;
  env.set_loader([files](std::string_view name) -> expected<std::string> {
    auto it = files.find(std::string{name});
    if (it == files.end())
      return error_info{"template.not_found", "no such template", std::string{name}, false};
    return it->second;
  });
  auto tpl = env.compile(c.tpl, c.name);
  if (!tpl)
    return {false, tpl.error().to_string()};
  auto out = env.render(**tpl, c.context);
  if (!out)
    return {false, out.error().to_string()};
  return {true, *out};
}

/// Runs the Python reference over all cases at once.
std::vector<outcome> render_with_jinja(const std::vector<corpus_case>& cases) {
  value::array_type items;
  for (const auto& c : cases) {
    value options =
      value::object_type{{"trim_blocks", c.options.trim_blocks},
                         {"lstrip_blocks", c.options.lstrip_blocks},
                         {"keep_trailing_newline", c.options.keep_trailing_newline},
                         {"strict", c.options.undefined == templating::undefined_policy::strict},
                         {"onex", c.options.onex_filters}};
    value files = value::object_type{};
    for (const auto& [k, v] : c.files)
      files.set(k, v);
    items.push_back(value::object_type{{"name", c.name},
                                       {"template", c.tpl},
                                       {"context", c.context},
                                       {"options", options},
                                       {"files", files}});
  }
  auto dir = fs::temp_directory_path() / ("genflow_corpus_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto in = (dir / "in.json").string();
  auto out = (dir / "out.json").string();
  {
    std::ofstream f{in, std::ios::binary};
    f << io::to_json(value::object_type{{"cases", value{std::move(items)}}});
  }
  std::string cmd = "/usr/bin/python3 " + std::string{GENFLOW_SOURCE_DIR}
                    + "/tests/support/render_jinja.py < " + in + " > " + out;
  int rc = std::system(cmd.c_str());
  if (rc != 0)
    throw std::runtime_error("render_jinja.py failed with status " + std::to_string(rc));
  auto doc = io::parse_json(read_text(out), out);
  fs::remove_all(dir);
  if (!doc)
    throw std::runtime_error(doc.error().to_string());
  std::vector<outcome> results;
  for (const auto& r : doc->get("results").as_array()) {
    bool ok = r.get("ok").as_bool();
    results.push_back({ok, ok ? r.get_string("output") : r.get_string("error")});
  }
  return results;
}

TEST(TemplateCorpus, HasAtLeastOneHundredFiftyCases) {
  EXPECT_GE(load_corpus().size(), 150u);
}

TEST(TemplateCorpus, RendersEveryCaseExactlyAsJinja2Does) {
  auto cases = load_corpus();
  ASSERT_FALSE(cases.empty());
  auto reference = render_with_jinja(cases);
  ASSERT_EQ(reference.size(), cases.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto mine = render_with_genflow(cases[i]);
    const auto& want = reference[i];
    if (mine.ok != want.ok || (mine.ok && mine.text != want.text)) {
      ++mismatches;
      ADD_FAILURE() << cases[i].name << "\n  jinja2 " << (want.ok ? "output" : "error") << ": "
                    << io::to_json(value{want.text}) << "\n  genflow "
                    << (mine.ok ? "output" : "error") << ": " << io::to_json(value{mine.text});
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << cases.size() << " cases";
}

} // namespace
