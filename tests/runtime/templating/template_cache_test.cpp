#include "runtime/templating/template_cache.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "runtime/io/files.hpp"
#include "runtime/templating/template_store.hpp"

using namespace genflow;
using namespace genflow::templating;
namespace fs = std::filesystem;

namespace {

cached_template entry(std::string id, std::size_t bytes = 10) {
  cached_template e;
  e.id = std::move(id);
  e.size_bytes = bytes;
  return e;
}

std::vector<std::string> ids_lru_first(const template_cache& cache,
                                       const std::vector<std::string>& candidates) {
  std::vector<std::string> present;
  for (const auto& id : candidates)
    if (cache.has(id))
      present.push_back(id);
  return present;
}

/// Replays a trace of template indexes: get, and put on a miss.
double replay(const std::string& file, std::size_t capacity) {
  auto text = io::read_file(std::string{GENFLOW_SOURCE_DIR} + "/tests/data/templating/" + file);
  EXPECT_TRUE(text.has_value());
  template_cache cache{capacity, std::size_t{1} << 40};
  std::istringstream in{*text};
  for (std::string line; std::getline(in, line);) {
    if (line.empty())
      continue;
    if (!cache.get(line))
      cache.put(entry(line));
  }
  auto stats = cache.statistics();
  EXPECT_EQ(stats.requests, 20000u);
  return stats.hit_rate;
}

/// The rate with four decimals, as python-baseline.md prints it.
std::string four_decimals(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", rate);
  return buf;
}

TEST(TemplateCache, ReproducesTheOriginalsZipfHitRatesExactly) {
  struct row {
    const char* file;
    const char* at50;
    const char* at100;
  };
  const row rows[] = {{"zipf_s0.8_n200_len20000_seed42.txt", "0.5284", "0.7396"},
                      {"zipf_s1.0_n200_len20000_seed42.txt", "0.6655", "0.8320"},
                      {"zipf_s1.2_n200_len20000_seed42.txt", "0.7943", "0.9020"}};
  for (const auto& r : rows) {
    EXPECT_EQ(four_decimals(replay(r.file, 50)), r.at50) << r.file;
    EXPECT_EQ(four_decimals(replay(r.file, 100)), r.at100) << r.file;
  }
}

TEST(TemplateCache, EvictsExactlyOneLeastRecentlyUsedEntryWhenFull) {
  template_cache cache{3, 1000};
  cache.put(entry("a"));
  cache.put(entry("b"));
  cache.put(entry("c"));
  cache.put(entry("d"));
  EXPECT_EQ(ids_lru_first(cache, {"a", "b", "c", "d"}), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(cache.statistics().evictions, 1u);
  EXPECT_EQ(cache.statistics().memory_evictions, 0u);
}

TEST(TemplateCache, GetMakesAHitTheMostRecentlyUsed) {
  template_cache cache{3, 1000};
  cache.put(entry("a"));
  cache.put(entry("b"));
  cache.put(entry("c"));
  ASSERT_NE(cache.get("a"), nullptr);
  cache.put(entry("d"));
  EXPECT_FALSE(cache.has("b"));
  EXPECT_TRUE(cache.has("a"));
}

TEST(TemplateCache, HasAndPeekNeitherCountNorTouchTheOrder) {
  template_cache cache{2, 1000};
  cache.put(entry("a"));
  cache.put(entry("b"));
  EXPECT_TRUE(cache.has("a"));
  EXPECT_NE(cache.peek("a"), nullptr);
  cache.put(entry("c"));
  EXPECT_FALSE(cache.has("a"));
  EXPECT_EQ(cache.statistics().requests, 0u);
}

TEST(TemplateCache, CountsOneHitOrMissPerGet) {
  template_cache cache;
  EXPECT_EQ(cache.get("x"), nullptr);
  cache.put(entry("x"));
  EXPECT_NE(cache.get("x"), nullptr);
  EXPECT_NE(cache.get("x"), nullptr);
  auto s = cache.statistics();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_DOUBLE_EQ(s.hit_rate, 2.0 / 3.0);
  EXPECT_EQ(s.get_latency.count, 3u);
}

TEST(TemplateCache, EvictsLeastRecentlyUsedEntriesWhileBytesWouldExceedTheLimit) {
  template_cache cache{10, 100};
  cache.put(entry("a", 40));
  cache.put(entry("b", 40));
  cache.put(entry("c", 50));
  EXPECT_FALSE(cache.has("a"));
  EXPECT_TRUE(cache.has("b"));
  EXPECT_EQ(cache.bytes(), 90u);
  cache.put(entry("d", 95));
  EXPECT_EQ(ids_lru_first(cache, {"a", "b", "c", "d"}), (std::vector<std::string>{"d"}));
  auto s = cache.statistics();
  EXPECT_EQ(s.evictions, 3u);
  EXPECT_EQ(s.memory_evictions, 3u);
}

TEST(TemplateCache, InsertsATemplateLargerThanTheLimitIntoAnEmptiedCache) {
  template_cache cache{10, 100};
  cache.put(entry("a", 30));
  cache.put(entry("huge", 500));
  EXPECT_FALSE(cache.has("a"));
  EXPECT_TRUE(cache.has("huge"));
  EXPECT_EQ(cache.bytes(), 500u);
  EXPECT_GT(cache.statistics().memory_utilization, 1.0);
}

TEST(TemplateCache, PutReplacesAnExistingIdWithoutAnEviction) {
  template_cache cache{2, 1000};
  cache.put(entry("a", 10));
  cache.put(entry("b", 10));
  cache.put(entry("a", 30));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.bytes(), 40u);
  EXPECT_EQ(cache.statistics().evictions, 0u);
  // "a" is now the most recently used: the next insertion evicts "b".
  cache.put(entry("c"));
  EXPECT_FALSE(cache.has("b"));
}

TEST(TemplateCache, InvalidateRemovesWithoutCountingAnEviction) {
  template_cache cache;
  cache.put(entry("a", 10));
  EXPECT_TRUE(cache.invalidate("a"));
  EXPECT_FALSE(cache.invalidate("a"));
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.statistics().evictions, 0u);
}

TEST(TemplateCache, ClearKeepsTheCountersAndResetStatisticsZeroesThem) {
  template_cache cache{1, 1000};
  cache.put(entry("a"));
  (void)cache.get("a");
  (void)cache.get("b");
  cache.put(entry("b"));
  cache.clear();
  auto s = cache.statistics();
  EXPECT_EQ(s.entries, 0u);
  EXPECT_EQ(s.bytes, 0u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.evictions, 1u);
  cache.reset_statistics();
  s = cache.statistics();
  EXPECT_EQ(s.requests, 0u);
  EXPECT_EQ(s.evictions, 0u);
  EXPECT_EQ(s.get_latency.count, 0u);
}

TEST(TemplateCache, ResizeEvictsDownToBothNewLimits) {
  template_cache cache{10, 1000};
  for (const char* id : {"a", "b", "c", "d", "e"})
    cache.put(entry(id, 100));
  cache.resize(3, 1000);
  EXPECT_EQ(ids_lru_first(cache, {"a", "b", "c", "d", "e"}),
            (std::vector<std::string>{"c", "d", "e"}));
  cache.resize(3, 150);
  EXPECT_EQ(ids_lru_first(cache, {"a", "b", "c", "d", "e"}), (std::vector<std::string>{"e"}));
  auto s = cache.statistics();
  EXPECT_EQ(s.max_entries, 3u);
  EXPECT_EQ(s.max_bytes, 150u);
  EXPECT_EQ(s.evictions, 4u);
  EXPECT_EQ(s.memory_evictions, 2u);
}

// -- template_store ---------------------------------------------------------------------

class TemplateStore : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path()
           / ("genflow_store_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed())
              + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) {
    auto path = dir_ / rel;
    fs::create_directories(path.parent_path());
    std::ofstream{path, std::ios::binary} << text;
  }

  std::string render(template_store& store, std::string_view id, std::string_view type) {
    auto out = store.render(id, type, value::object_type{{"x", 1}});
    return out ? *out : "error: " + out.error().to_string();
  }

  fs::path dir_;
  environment env_;
};

TEST_F(TemplateStore, FindsTemplatesInTheOriginalsLookupOrder) {
  write("effect/a.j2", "type-j2");
  template_store store{env_, dir_.string()};
  EXPECT_EQ(render(store, "a", "effect"), "type-j2");
  write("effect/a.jinja2", "type-jinja2");
  write("a.txt", "txt");
  store.cache().clear();
  EXPECT_EQ(render(store, "a", "effect"), "txt");
  write("a.j2", "j2");
  store.cache().clear();
  EXPECT_EQ(render(store, "a", "effect"), "j2");
  write("a.jinja2", "jinja2 {{ x }}");
  store.cache().clear();
  EXPECT_EQ(render(store, "a", "effect"), "jinja2 1");
}

TEST_F(TemplateStore, NotFoundErrorListsEveryPathTried) {
  template_store store{env_, dir_.string()};
  auto r = store.load("missing", "effect");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.not_found");
  for (const char* suffix : {"missing.jinja2", "missing.j2", "missing.txt", "effect/missing.jinja2",
                             "effect/missing.j2"})
    EXPECT_NE(r.error().message.find(suffix), std::string::npos) << suffix;
}

TEST_F(TemplateStore, RejectsIdsThatWouldLeaveTheDirectory) {
  template_store store{env_, dir_.string()};
  for (const char* id : {"../etc/passwd", "a/b", "..", ""}) {
    auto r = store.load(id, "effect");
    ASSERT_FALSE(r) << id;
    EXPECT_EQ(r.error().code, "template.invalid_id") << id;
  }
  EXPECT_EQ(store.load("a", "../x").error().code, "template.invalid_id");
}

TEST_F(TemplateStore, ReportsAMissingDirectory) {
  template_store store{env_, (dir_ / "nope").string()};
  auto r = store.load("a", "effect");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.not_found");
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos);
}

TEST_F(TemplateStore, MakesExactlyOneCacheLookupPerLoad) {
  write("a.j2", "A");
  template_store store{env_, dir_.string()};
  ASSERT_TRUE(store.load("a", "effect"));
  ASSERT_TRUE(store.load("a", "effect"));
  EXPECT_EQ(render(store, "a", "effect"), "A");
  auto s = store.cache().statistics();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 2u);
  const auto* e = store.cache().peek("a");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->size_bytes, 1u);
  EXPECT_EQ(e->content_hash, io::sha256_hex("A"));
  EXPECT_EQ(e->type, "effect");
}

TEST_F(TemplateStore, RecompilesAFileThatChangedOnDisk) {
  write("a.j2", "old");
  template_store store{env_, dir_.string()};
  store.change_check_interval(std::chrono::nanoseconds{0});
  EXPECT_EQ(render(store, "a", ""), "old");
  write("a.j2", "new text");
  EXPECT_EQ(render(store, "a", ""), "new text");
  EXPECT_EQ(store.reloads(), 1u);
  EXPECT_EQ(store.cache().statistics().requests, 2u);
}

TEST_F(TemplateStore, SkipsTheFileCheckWhenDisabledUntilAForcedReload) {
  write("a.j2", "old");
  template_store store{env_, dir_.string()};
  store.change_check_interval(template_store::never);
  EXPECT_EQ(render(store, "a", ""), "old");
  write("a.j2", "new text");
  EXPECT_EQ(render(store, "a", ""), "old");
  ASSERT_TRUE(store.load("a", "", true));
  EXPECT_EQ(render(store, "a", ""), "new text");
}

TEST_F(TemplateStore, DropsACachedTemplateWhoseFileVanished) {
  write("a.j2", "A");
  template_store store{env_, dir_.string()};
  store.change_check_interval(std::chrono::nanoseconds{0});
  ASSERT_TRUE(store.load("a", ""));
  fs::remove(dir_ / "a.j2");
  auto r = store.load("a", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.not_found");
  EXPECT_FALSE(store.cache().has("a"));
}

TEST_F(TemplateStore, ReportsCompileErrorsWithTheFileAndLine) {
  write("bad.jinja2", "line one\n{% endfor %}\n");
  template_store store{env_, dir_.string()};
  auto r = store.load("bad", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "template.syntax");
  EXPECT_EQ(r.error().where, "bad.jinja2:2");
  EXPECT_FALSE(store.cache().has("bad"));
}

} // namespace
