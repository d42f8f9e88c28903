#include "actors/template_cache.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "runtime/templating/template_store.hpp"

namespace genflow {

namespace {

struct template_cache_state {
  static constexpr const char* name = "genflow.template_cache";

  std::shared_ptr<templating::environment> env;
  std::unique_ptr<templating::template_store> store;

  /// The cached entry's content hash (after a successful load).
  std::string sha256_of(const std::string& id) const {
    const auto* e = store->cache().peek(id);
    return e ? e->content_hash : std::string{};
  }
};

using cache_pointer = template_cache_actor::stateful_pointer<template_cache_state>;

latency_summary to_summary(const profiling::latency_summary_values& s) {
  return latency_summary{s.count, s.mean, s.p50, s.p95, s.p99, s.max};
}

template_cache_actor::behavior_type template_cache(cache_pointer self, template_cache_config cfg) {
  auto& st = self->state;
  st.env = std::make_shared<templating::environment>(cfg.environment);
  st.env->set_loader(templating::directory_loader(cfg.template_dir));
  st.store = std::make_unique<templating::template_store>(*st.env, cfg.template_dir,
                                                          cfg.max_entries, cfg.max_bytes);
  st.store->change_check_interval(cfg.change_check_interval);
  return {
    [self](const load_template& req) {
      auto& st = self->state;
      auto t = st.store->load(req.ref.id, req.ref.type, req.force_reload);
      template_info info;
      info.id = req.ref.id;
      if (!t) {
        info.error = t.error();
        return info;
      }
      if (const auto* e = st.store->cache().peek(req.ref.id)) {
        info.sha256 = e->content_hash;
        info.bytes = e->size_bytes;
      }
      return info;
    },
    [self](const render_template& req) {
      auto& st = self->state;
      rendered_template out;
      auto t = st.store->load(req.ref.id, req.ref.type);
      if (!t) {
        out.error = t.error();
        return out;
      }
      auto text = st.env->render(**t, req.context);
      if (!text)
        out.error = text.error();
      else
        out.text = std::move(*text);
      out.sha256 = st.sha256_of(req.ref.id);
      return out;
    },
    [self](const preload_templates& req) {
      preload_report out;
      for (const auto& ref : req.refs) {
        auto t = self->state.store->load(ref.id, ref.type);
        if (t)
          ++out.loaded;
        else
          out.errors.push_back(t.error());
      }
      return out;
    },
    [self](const invalidate_template& req) {
      auto& cache = self->state.store->cache();
      bool found = cache.invalidate(req.id);
      // Includes compiled inside the environment may come from the same file.
      self->state.env->clear_loaded();
      return template_ack{found, cache.statistics().entries};
    },
    [self](const clear_templates&) {
      auto& cache = self->state.store->cache();
      cache.clear();
      self->state.env->clear_loaded();
      return template_ack{true, 0};
    },
    [self](const resize_template_cache& req) {
      auto& cache = self->state.store->cache();
      cache.resize(static_cast<std::size_t>(req.max_entries),
                   static_cast<std::size_t>(req.max_bytes));
      return template_ack{true, cache.statistics().entries};
    },
    [self](const get_template_statistics&) {
      auto s = self->state.store->cache().statistics();
      template_statistics out;
      out.hits = s.hits;
      out.misses = s.misses;
      out.hit_rate = s.hit_rate;
      out.evictions = s.evictions;
      out.memory_evictions = s.memory_evictions;
      out.entries = s.entries;
      out.max_entries = s.max_entries;
      out.bytes = s.bytes;
      out.max_bytes = s.max_bytes;
      out.reloads = self->state.store->reloads();
      out.get_latency = to_summary(s.get_latency);
      return out;
    },
    [self](const fetch_templates& req) {
      auto& st = self->state;
      fetched_templates out;
      out.set.environment = st.env;
      for (const auto& key : req.keys) {
        auto t = st.store->load(key.id, key.type);
        if (!t) {
          out.error = t.error();
          out.set.templates.clear();
          return out;
        }
        out.set.templates.push_back(codegen::template_handle{key.id, *t, st.sha256_of(key.id)});
      }
      return out;
    },
  };
}

} // namespace

template_cache_actor spawn_template_cache(caf::actor_system& sys, template_cache_config cfg) {
  return sys.spawn(template_cache, std::move(cfg));
}

} // namespace genflow
