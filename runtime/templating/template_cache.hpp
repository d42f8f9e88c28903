#pragma once

/// The compiled-template LRU cache, bounded by entry count and by source bytes, with the
/// original system's policy (TemplateLRUCache, original-system.md §2.4):
/// - `get(id)` counts exactly one hit or miss and makes a hit the most recently used;
/// - `put` replaces an entry with the same id, then evicts exactly one least recently used entry
///   when the count is at the limit, then evicts LRU entries while the bytes would exceed the
///   limit (a template larger than the limit is still inserted, into an emptied cache);
/// - `invalidate(id)` removes without counting an eviction; `has(id)` does not touch the order;
/// - `clear()` empties the cache but KEEPS the counters (as the original does);
///   `reset_statistics()` zeroes them;
/// - `resize` changes both limits at run time, evicting LRU entries as needed (counted).
///
/// Single-threaded by design: the template cache actor owns it. Every `get` is timed into a
/// latency histogram (two steady_clock reads) for the percentiles in `statistics()`.
///
/// @code
/// template_cache cache{100, 100 * 1024 * 1024};
/// if (const auto* hit = cache.get("node_effect_v1")) render(*hit->compiled);
/// else cache.put(cached_template{.id = "node_effect_v1", .compiled = tpl, .size_bytes = n});
/// auto stats = cache.statistics();   // hits, misses, hit_rate, evictions, get latency p50/p95/p99
/// @endcode

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/profiling/latency_histogram.hpp"
#include "runtime/templating/environment.hpp"

namespace genflow::templating {

/// One cached template: the compiled form plus what identifies its source.
struct cached_template {
  std::string id;
  /// Template type ("effect", "compute", ...), as given to the loader.
  std::string type;
  std::shared_ptr<const compiled_template> compiled;
  /// UTF-8 byte length of the source (what the byte limit counts).
  std::size_t size_bytes = 0;
  /// Lower-case hex SHA-256 of the source.
  std::string content_hash;
  /// The file it was loaded from (empty for templates put directly).
  std::string file_path;
  /// The file's modification time and size when it was read (change detection).
  std::filesystem::file_time_type modified{};
  std::uintmax_t file_size = 0;
  /// When the file was last compared with `modified`/`file_size` (template_store's throttle;
  /// bookkeeping, not part of the entry's identity).
  mutable std::chrono::steady_clock::time_point checked_at{};
};

struct template_cache_statistics {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  /// hits + misses.
  std::uint64_t requests = 0;
  /// hits / requests (0 when there were none).
  double hit_rate = 0.0;
  /// All evictions (count limit, byte limit, resize); memory_evictions counts the byte-limit ones.
  std::uint64_t evictions = 0;
  std::uint64_t memory_evictions = 0;
  std::size_t entries = 0;
  std::size_t max_entries = 0;
  std::size_t bytes = 0;
  std::size_t max_bytes = 0;
  /// bytes / max_bytes.
  double memory_utilization = 0.0;
  profiling::latency_summary_values get_latency;
  profiling::latency_summary_values put_latency;
};

class template_cache {
public:
  /// Defaults are the original's: 100 entries, 100 MiB.
  explicit template_cache(std::size_t max_entries = 100,
                          std::size_t max_bytes = std::size_t{100} * 1024 * 1024);

  /// Looks `id` up: one hit (entry becomes most recently used) or one miss. The pointer is
  /// valid until the next put/invalidate/clear/resize.
  const cached_template* get(std::string_view id);

  /// The entry without counting or touching the LRU order (nullptr when absent).
  const cached_template* peek(std::string_view id) const;

  /// Inserts or replaces, evicting as the policy says.
  void put(cached_template entry);

  /// Removes `id`; true when it was present. Not counted as an eviction.
  bool invalidate(std::string_view id);

  /// Removes every entry; the counters are kept (reset_statistics() zeroes them).
  void clear();

  void reset_statistics();

  /// Whether `id` is cached (no LRU touch, not counted).
  bool has(std::string_view id) const;

  /// Changes the limits, evicting least recently used entries until both hold.
  void resize(std::size_t max_entries, std::size_t max_bytes);

  std::size_t size() const noexcept { return index_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t max_entries() const noexcept { return max_entries_; }
  std::size_t max_bytes() const noexcept { return max_bytes_; }

  template_cache_statistics statistics() const;

private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using entry_list = std::list<cached_template>;

  void evict_lru(bool memory);

  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  /// Least recently used first.
  entry_list entries_;
  std::unordered_map<std::string, entry_list::iterator, string_hash, std::equal_to<>> index_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::uint64_t evictions_ = 0;
  std::uint64_t memory_evictions_ = 0;
  profiling::latency_histogram get_latency_;
  profiling::latency_histogram put_latency_;
};

} // namespace genflow::templating
