#pragma once

/// Template cache messages: what any node may ask the template cache actor (load, render,
/// preload, invalidate, clear, resize, statistics). Compiled templates themselves never travel:
/// workers on the cache's node get shared handles through a local message, other nodes render
/// through `render_template` or fetch sources by id and content hash.

#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/error.hpp"
#include "messages/execution.hpp"
#include "messages/value.hpp"

namespace genflow {

struct template_ref {
  std::string id;
  /// Node type or other template type: selects `<dir>/<type>/<id>.j2`.
  std::string type;

  MSGPACK_DEFINE_ARRAY(id, type)
};

/// Loads (compiles and caches) a template; answered with template_info.
struct load_template {
  template_ref ref;
  /// Re-read and recompile even when cached.
  bool force_reload = false;

  MSGPACK_DEFINE_ARRAY(ref, force_reload)
};

struct template_info {
  /// Empty code: loaded.
  error_info error;
  std::string id;
  std::string sha256;
  std::uint64_t bytes = 0;

  MSGPACK_DEFINE_ARRAY(error, id, sha256, bytes)
};

/// Renders a template with a context; answered with rendered_template.
struct render_template {
  template_ref ref;
  value context;

  MSGPACK_DEFINE_ARRAY(ref, context)
};

struct rendered_template {
  /// Empty code: rendered.
  error_info error;
  std::string text;
  /// Of the template source.
  std::string sha256;

  MSGPACK_DEFINE_ARRAY(error, text, sha256)
};

/// Loads several templates; answered with preload_report.
struct preload_templates {
  std::vector<template_ref> refs;

  MSGPACK_DEFINE_ARRAY(refs)
};

struct preload_report {
  std::uint32_t loaded = 0;
  /// One per template that could not be loaded.
  std::vector<error_info> errors;

  MSGPACK_DEFINE_ARRAY(loaded, errors)
};

/// Drops one template from the cache (not an eviction); answered with template_ack.
struct invalidate_template {
  std::string id;

  MSGPACK_DEFINE_ARRAY(id)
};

/// Empties the cache (counters are kept); answered with template_ack.
struct clear_templates {
  MSGPACK_DEFINE_ARRAY()
};

/// New limits, effective at once (evicting least recently used entries); answered with
/// template_ack.
struct resize_template_cache {
  std::uint64_t max_entries = 100;
  std::uint64_t max_bytes = 100u << 20;

  MSGPACK_DEFINE_ARRAY(max_entries, max_bytes)
};

struct template_ack {
  /// invalidate: whether the template was cached; clear/resize: true.
  bool done = false;
  std::uint64_t entries = 0;

  MSGPACK_DEFINE_ARRAY(done, entries)
};

struct get_template_statistics {
  MSGPACK_DEFINE_ARRAY()
};

struct template_statistics {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  double hit_rate = 0.0;
  std::uint64_t evictions = 0;
  std::uint64_t memory_evictions = 0;
  std::uint64_t entries = 0;
  std::uint64_t max_entries = 0;
  std::uint64_t bytes = 0;
  std::uint64_t max_bytes = 0;
  /// Templates recompiled because their file changed.
  std::uint64_t reloads = 0;
  latency_summary get_latency;

  MSGPACK_DEFINE_ARRAY(hits, misses, hit_rate, evictions, memory_evictions, entries, max_entries,
                       bytes, max_bytes, reloads, get_latency)
};

} // namespace genflow
