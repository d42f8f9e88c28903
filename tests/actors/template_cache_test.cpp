// The template cache actor: every operation of its interface, its statistics, templates that
// change on disk, and the shared compiled handles workers render with.

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "actors/template_cache.hpp"
#include "runtime/io/files.hpp"
#include "tests/support/actor_test_fixture.hpp"

namespace genflow {
namespace {

namespace fs = std::filesystem;

class TemplateCacheActor : public testing::ActorTest {
protected:
  TemplateCacheActor() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("genflow-tc-" + std::to_string(rd()));
    write("greet.j2", "Hello {{ name | upper }}!");
    write("effect/node.j2", "class {{ name }}Effect: pass");
    write("broken.j2", "{% for x in %}");
    template_cache_config cfg;
    cfg.template_dir = dir_.string();
    cfg.max_entries = 2;
    cfg.change_check_interval = std::chrono::milliseconds{0};
    cache = spawn_template_cache(sys, cfg);
  }

  ~TemplateCacheActor() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) {
    ASSERT_TRUE(io::write_file_atomic((dir_ / rel).string(), text));
  }

  template <class Reply, class Request>
  Reply ask(Request req) {
    self->send(cache, std::move(req));
    run();
    return receive_one<Reply>();
  }

  fs::path dir_;
  template_cache_actor cache;
};

TEST_F(TemplateCacheActor, RendersATemplateFoundByIdAndType) {
  auto r = ask<rendered_template>(render_template{{"greet", ""}, value::object_type{{"name", "ada"}}});
  EXPECT_TRUE(r.error.code.empty()) << r.error.to_string();
  EXPECT_EQ(r.text, "Hello ADA!");
  EXPECT_EQ(r.sha256, io::sha256_hex("Hello {{ name | upper }}!"));
  auto n = ask<rendered_template>(render_template{{"node", "effect"}, value::object_type{{"name", "X"}}});
  EXPECT_EQ(n.text, "class XEffect: pass");
}

TEST_F(TemplateCacheActor, ReportsMissingAndBrokenTemplatesWithTheirPlace) {
  auto missing = ask<template_info>(load_template{{"nothing", "effect"}, false});
  EXPECT_EQ(missing.error.code, "template.not_found");
  EXPECT_NE(missing.error.message.find("effect/nothing.j2"), std::string::npos);
  auto broken = ask<template_info>(load_template{{"broken", ""}, false});
  EXPECT_EQ(broken.error.code, "template.syntax");
  EXPECT_EQ(broken.error.where, "broken.j2:1");
}

TEST_F(TemplateCacheActor, CountsOneLookupPerRequestAndEvictsLeastRecentlyUsed) {
  ask<template_info>(load_template{{"greet", ""}, false});                // miss
  ask<rendered_template>(render_template{{"greet", ""}, value{}});        // hit
  ask<template_info>(load_template{{"node", "effect"}, false});           // miss
  auto pre = ask<preload_report>(preload_templates{{{"greet", ""}, {"ghost", ""}}}); // hit, miss
  EXPECT_EQ(pre.loaded, 1u);
  ASSERT_EQ(pre.errors.size(), 1u);
  auto s = ask<template_statistics>(get_template_statistics{});
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 3u);
  EXPECT_DOUBLE_EQ(s.hit_rate, 0.4);
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.max_entries, 2u);
  EXPECT_EQ(s.get_latency.count, 5u);
  // A third template evicts the least recently used one (node).
  write("third.j2", "3");
  ask<template_info>(load_template{{"third", ""}, false});
  s = ask<template_statistics>(get_template_statistics{});
  EXPECT_EQ(s.evictions, 1u);
}

TEST_F(TemplateCacheActor, InvalidatesClearsAndResizes) {
  ask<template_info>(load_template{{"greet", ""}, false});
  ask<template_info>(load_template{{"node", "effect"}, false});
  auto inv = ask<template_ack>(invalidate_template{"greet"});
  EXPECT_TRUE(inv.done);
  EXPECT_EQ(inv.entries, 1u);
  EXPECT_FALSE(ask<template_ack>(invalidate_template{"greet"}).done);
  auto resized = ask<template_ack>(resize_template_cache{10, 1u << 20});
  EXPECT_EQ(resized.entries, 1u);
  EXPECT_EQ(ask<template_statistics>(get_template_statistics{}).max_entries, 10u);
  auto cleared = ask<template_ack>(clear_templates{});
  EXPECT_EQ(cleared.entries, 0u);
  auto s = ask<template_statistics>(get_template_statistics{});
  EXPECT_EQ(s.entries, 0u);
  EXPECT_EQ(s.misses, 2u) << "clear keeps the counters";
}

TEST_F(TemplateCacheActor, PicksUpATemplateChangedOnDisk) {
  auto a = ask<rendered_template>(render_template{{"greet", ""}, value::object_type{{"name", "a"}}});
  EXPECT_EQ(a.text, "Hello A!");
  write("greet.j2", "Bye {{ name }}, and a longer text so the size differs");
  auto b = ask<rendered_template>(render_template{{"greet", ""}, value::object_type{{"name", "a"}}});
  EXPECT_EQ(b.text, "Bye a, and a longer text so the size differs");
  EXPECT_EQ(ask<template_statistics>(get_template_statistics{}).reloads, 1u);
  auto forced = ask<template_info>(load_template{{"greet", ""}, true});
  EXPECT_TRUE(forced.error.code.empty());
}

TEST_F(TemplateCacheActor, HandsOutSharedCompiledTemplatesInTheOrderAsked) {
  auto f = ask<fetched_templates>(fetch_templates{{{"node", "effect"}, {"greet", ""}}});
  ASSERT_FALSE(f.error) << f.error->to_string();
  ASSERT_EQ(f.set.templates.size(), 2u);
  ASSERT_TRUE(f.set.environment);
  auto text = f.set.environment->render(*f.set.templates[1].compiled,
                                        value::object_type{{"name", "x"}});
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "Hello X!");
  auto bad = ask<fetched_templates>(fetch_templates{{{"greet", ""}, {"ghost", "effect"}}});
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->code, "template.not_found");
  EXPECT_TRUE(bad.set.templates.empty());
}

TEST(EmbeddedTemplates, TheCacheServesTheTemplatesBuiltIntoTheBinary) {
  testing::deterministic_config cfg;
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  auto cache = spawn_template_cache(sys, template_cache_config{});
  self->send(cache, load_template{{"node_effect", "effect"}, false});
  sched.run();
  self->receive([](template_info& info) {
    EXPECT_TRUE(info.error.code.empty()) << info.error.to_string();
    EXPECT_GT(info.bytes, 100u);
  });
}

} // namespace
} // namespace genflow
