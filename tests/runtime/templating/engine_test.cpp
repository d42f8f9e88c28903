// Engine behaviour the differential corpus cannot show: error values and their places,
// robustness (fuzzing, nesting limits), thread safety, user filters and tests, loaders.

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"
#include "runtime/templating/environment.hpp"
#include "runtime/templating/runtime_value.hpp"
#include "runtime/templating/unicode.hpp"

using namespace genflow;
using namespace genflow::templating;

namespace {

const std::string data_dir = std::string{GENFLOW_SOURCE_DIR} + "/tests/data/templating";

template_loader map_loader(std::map<std::string, std::string> files,
                           std::shared_ptr<std::atomic<int>> calls = nullptr) {
  return [files = std::move(files), calls](std::string_view name) -> expected<std::string> {
    if (calls)
      ++*calls;
    auto it = files.find(std::string{name});
    if (it == files.end())
      return error_info{"io.not_found", "no such template", std::string{name}, false};
    return it->second;
  };
}

expected<std::string> render(const environment& env, std::string_view source,
                             const value& ctx = value::object_type{}) {
  auto tpl = env.compile(source, "t.j2");
  if (!tpl)
    return tpl.error();
  return env.render(**tpl, ctx);
}

TEST(TemplateEngine, SyntaxErrorsNameTheTemplateAndLine) {
  environment env;
  auto tpl = env.compile("line one\nline two {% endfor %}\n", "node.py.j2");
  ASSERT_FALSE(tpl);
  EXPECT_EQ(tpl.error().code, "template.syntax");
  EXPECT_EQ(tpl.error().where, "node.py.j2:2");
  EXPECT_NE(tpl.error().message.find("'endfor'"), std::string::npos) << tpl.error().message;
}

TEST(TemplateEngine, UnclosedBlockErrorNamesTheInnermostOpenTag) {
  environment env;
  auto tpl = env.compile("{% for x in y %}\n{% if x %}\n", "t.j2");
  ASSERT_FALSE(tpl);
  EXPECT_EQ(tpl.error().code, "template.syntax");
  EXPECT_NE(tpl.error().message.find("'if'"), std::string::npos) << tpl.error().message;
}

TEST(TemplateEngine, RenderErrorsNameTheIncludedTemplateAndItsLine) {
  environment env;
  env.set_loader(map_loader({{"inner.j2", "ok\nok\n{{ 1 // 0 }}"}}));
  auto r = render(env, "outer\n{% include 'inner.j2' %}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.value");
  EXPECT_EQ(r.error().where, "inner.j2:3");
}

TEST(TemplateEngine, StrictUndefinedIsAnUndefinedErrorWithThePlace) {
  environment env{{.undefined = undefined_policy::strict}};
  auto r = render(env, "a\n\n{{ missing }}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.undefined");
  EXPECT_EQ(r.error().where, "t.j2:3");
  EXPECT_EQ(r.error().message, "'missing' is undefined");
}

TEST(TemplateEngine, UnknownFilterIsACompileError) {
  environment env;
  auto tpl = env.compile("\n{{ x | frobnicate }}", "t.j2");
  ASSERT_FALSE(tpl);
  EXPECT_EQ(tpl.error().code, "template.filter");
  EXPECT_EQ(tpl.error().where, "t.j2:2");
}

TEST(TemplateEngine, RejectsDeepExpressionNestingWithADepthError) {
  environment env;
  std::string deep = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  auto tpl = env.compile(deep, "t.j2");
  ASSERT_FALSE(tpl);
  EXPECT_EQ(tpl.error().code, "template.depth");
  std::string lists = "{{ " + std::string(5000, '[') + std::string(5000, ']') + " }}";
  EXPECT_EQ(env.compile(lists, "t.j2").error().code, "template.depth");
  std::string nots = "{{ " + [] {
    std::string s;
    for (int i = 0; i < 5000; ++i)
      s += "not ";
    return s;
  }() + "x }}";
  EXPECT_EQ(env.compile(nots, "t.j2").error().code, "template.depth");
}

TEST(TemplateEngine, RejectsDeepStatementNestingWithADepthError) {
  environment env;
  std::string s;
  for (int i = 0; i < 2000; ++i)
    s += "{% if true %}";
  for (int i = 0; i < 2000; ++i)
    s += "{% endif %}";
  auto tpl = env.compile(s, "t.j2");
  ASSERT_FALSE(tpl);
  EXPECT_EQ(tpl.error().code, "template.depth");
}

TEST(TemplateEngine, StopsRunawayRecursionWithADepthError) {
  environment env;
  auto r = render(env, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.depth");
  env.set_loader(map_loader({{"self.j2", "{% include 'self.j2' %}"}}));
  EXPECT_EQ(env.render_named("self.j2", value::object_type{}).error().code, "template.depth");
  env.set_loader(map_loader({{"a.j2", "{% extends 'b.j2' %}"}, {"b.j2", "{% extends 'a.j2' %}"}}));
  EXPECT_EQ(env.render_named("a.j2", value::object_type{}).error().code, "template.depth");
}

TEST(TemplateEngine, BoundsRecursionNestedInsideDeepExpressions) {
  environment env;
  std::string call = std::string(90, '(') + "f(n + 1)" + std::string(90, ')');
  auto r = render(env, "{% macro f(n) %}{{ " + call + " }}{% endmacro %}{{ f(0) }}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.depth");
}

TEST(TemplateEngine, IntegerOverflowIsAnErrorNotWrapAround) {
  environment env;
  EXPECT_EQ(render(env, "{{ 2 ** 64 }}").error().code, "template.overflow");
  EXPECT_EQ(render(env, "{{ 9223372036854775807 + 1 }}").error().code, "template.overflow");
  EXPECT_EQ(render(env, "{{ 99999999999999999999 }}").error().code, "template.overflow");
}

/// Random token soup and truncations of real templates: every input compiles or fails with a
/// template.* error, renders or fails likewise; the sanitizer build catches any memory error.
TEST(TemplateEngine, SurvivesRandomAndTruncatedInputs) {
  static const char* pieces[] = {
    "{{",     "}}",        "{%",   "%}",        "{#",       "#}",        "-",       "+",      " ",
    "\n",     "for",       "if",   "else",      "elif",     "endif",     "endfor",  "in",     "x",
    "y",      "loop",      "(",    ")",         "[",        "]",         "{",       "}",      ",",
    ":",      ".",         "|",    "upper",     "default",  "'s'",       "\"q\\",   "1",      "2.5",
    "**",     "//",        "%",    "~",         "is",       "not",       "defined", "set",    "=",
    "macro",  "endmacro",  "call", "endcall",   "raw",      "endraw",    "include", "import", "as",
    "filter", "endfilter", "with", "block",     "endblock", "extends",   "é",       "\t",     "\\",
    "'",      "\"",        "*",    "recursive", "caller",   "namespace", "ns",      "and",    "or",
    "none",
  };
  environment env;
  env.set_loader(map_loader({{"x", "{{ x }}"}}));
  value ctx = value::object_type{{"x", value::array_type{1, "a", value::object_type{{"k", 2}}}},
                                 {"y", "text"}};
  std::mt19937 rng{12345};
  auto check = [&](const std::string& src) {
    auto tpl = env.compile(src, "fuzz");
    if (!tpl) {
      EXPECT_EQ(tpl.error().code.rfind("template.", 0), 0u) << src;
      return;
    }
    auto out = env.render(**tpl, ctx);
    if (!out) {
      EXPECT_EQ(out.error().code.rfind("template.", 0), 0u) << src;
    }
  };
  for (int i = 0; i < 3000; ++i) {
    std::string src;
    int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k)
      src += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    check(src);
  }
  for (const char* file : {"workloads/tpl_005.jinja2", "workloads/node_test_v1.jinja2"}) {
    auto text = io::read_file(data_dir + "/" + file);
    ASSERT_TRUE(text);
    for (std::size_t cut = 0; cut < text->size(); cut += 7)
      check(text->substr(0, cut));
  }
}

TEST(TemplateEngine, RendersOneCompiledTemplateConcurrentlyFromSeveralThreads) {
  environment env{{.trim_blocks = true, .lstrip_blocks = true}};
  env.set_loader(directory_loader(data_dir + "/workloads"));
  auto source = io::read_file(data_dir + "/workloads/tpl_005.jinja2");
  auto ctx_text = io::read_file(data_dir + "/workloads/render_context_tpl_005.json");
  ASSERT_TRUE(source && ctx_text);
  auto ctx = io::parse_json(*ctx_text, "ctx");
  ASSERT_TRUE(ctx);
  auto wrapper = env.compile("{% include 'tpl_005.jinja2' %}{{ node_name|lower }}", "wrapper");
  ASSERT_TRUE(wrapper);
  auto expected_out = env.render(**wrapper, *ctx);
  ASSERT_TRUE(expected_out);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto out = env.render(**wrapper, *ctx);
        if (!out || *out != *expected_out)
          ++mismatches;
      }
    });
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(TemplateEngine, CompilesAnIncludedTemplateOnceAndCachesIt) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  environment env;
  env.set_loader(map_loader({{"part.j2", "[{{ i }}]"}}, calls));
  auto r = render(env, "{% for i in range(5) %}{% include 'part.j2' %}{% endfor %}");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "[0][1][2][3][4]");
  EXPECT_EQ(calls->load(), 1);
  env.clear_loaded();
  ASSERT_TRUE(render(env, "{% include 'part.j2' %}"));
  EXPECT_EQ(calls->load(), 2);
}

TEST(TemplateEngine, UserFiltersAndTestsReceivePlainValues) {
  environment env;
  env.add_filter("describe",
                 [](const value& in, const std::vector<value>& args,
                    const std::vector<std::pair<std::string, value>>& kwargs) -> expected<value> {
                   std::string s =
                     std::string{value::kind_name(in.type())} + "/" + std::to_string(args.size());
                   for (const auto& [k, v] : kwargs)
                     s += "/" + k + "=" + (v.is_string() ? v.as_string() : "?");
                   return value{s};
                 });
  env.add_test("long", [](const value& v, const std::vector<value>& args) -> expected<bool> {
    return v.is_string() && v.as_string().size() > static_cast<std::size_t>(args.at(0).as_int());
  });
  auto r =
    render(env, "{{ (1, 2)|describe(3, k='v') }} {{ 'abcdef' is long(3) }} {{ 'ab' is long(3) }}");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, "list/1/k=v True False");
}

TEST(TemplateEngine, AUserFilterErrorBecomesAFilterErrorWithThePlace) {
  environment env;
  env.add_filter("boom",
                 [](const value&, const std::vector<value>&,
                    const std::vector<std::pair<std::string, value>>&) -> expected<value> {
                   return error_info{"demo.failed", "it broke", "", false};
                 });
  auto r = render(env, "\n{{ 1|boom }}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.filter");
  EXPECT_EQ(r.error().where, "t.j2:2");
  EXPECT_NE(r.error().message.find("it broke [demo.failed]"), std::string::npos);
}

TEST(TemplateEngine, AUserFilterReplacesTheBuiltinOfTheSameName) {
  environment env;
  env.add_filter("upper",
                 [](const value&, const std::vector<value>&,
                    const std::vector<std::pair<std::string, value>>&) -> expected<value> {
                   return value{"mine"};
                 });
  EXPECT_EQ(*render(env, "{{ 'x'|upper }}"), "mine");
}

TEST(TemplateEngine, OnexFiltersAreRegisteredOnlyWhenAskedFor) {
  environment plain;
  EXPECT_EQ(plain.compile("{{ 'AbC'|to_snake_case }}", "t").error().code, "template.filter");
  environment onex{{.onex_filters = true}};
  EXPECT_EQ(*render(onex, "{{ 'NodeAbcEffect'|to_snake_case }}"), "node_abc_effect");
}

TEST(TemplateEngine, RejectsSourceThatIsNotUtf8) {
  environment env;
  auto tpl = env.compile("ok\nbad \xff byte", "t.j2");
  ASSERT_FALSE(tpl);
  EXPECT_EQ(tpl.error().code, "template.encoding");
  EXPECT_EQ(tpl.error().where, "t.j2:2");
}

TEST(TemplateEngine, RejectsAContextThatIsNotAnObjectOrNotUtf8) {
  environment env;
  auto tpl = env.compile("{{ x }}", "t.j2");
  ASSERT_TRUE(tpl);
  EXPECT_EQ(env.render(**tpl, value::array_type{1}).error().code, "template.type");
  EXPECT_EQ(env.render(**tpl, value::object_type{{"x", "\xc3"}}).error().code, "template.encoding");
  EXPECT_EQ(*env.render(**tpl, value{}), "");
}

TEST(TemplateEngine, RenderNamedReportsAMissingTemplate) {
  environment env;
  auto r = env.render_named("nope.j2", value::object_type{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.not_found");
  EXPECT_EQ(r.error().where, "nope.j2");
}

TEST(TemplateEngine, DirectoryLoaderRefusesNamesOutsideItsDirectory) {
  auto loader = directory_loader(data_dir + "/workloads");
  EXPECT_TRUE(loader("tpl_005.jinja2"));
  EXPECT_FALSE(loader("../corpus/values.cases"));
  EXPECT_FALSE(loader("/etc/passwd"));
  EXPECT_FALSE(loader(""));
}

TEST(TemplateText, FormatsFloatsLikePythonRepr) {
  EXPECT_EQ(float_repr(1.0), "1.0");
  EXPECT_EQ(float_repr(0.1), "0.1");
  EXPECT_EQ(float_repr(1e-05), "1e-05");
  EXPECT_EQ(float_repr(0.0001), "0.0001");
  EXPECT_EQ(float_repr(1e16), "1e+16");
  EXPECT_EQ(float_repr(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(float_repr(-2.5e-300), "-2.5e-300");
  EXPECT_EQ(float_repr(-0.0), "-0.0");
}

TEST(TemplateText, ReprQuotesLikePython) {
  EXPECT_EQ(text::repr("it's"), "\"it's\"");
  EXPECT_EQ(text::repr("a'\"b"), "'a\\'\"b'");
  EXPECT_EQ(text::repr("\x01\x7f\xc2\xa0\xc3\xa9"), "'\\x01\\x7f\\xa0\xc3\xa9'");
}

} // namespace
