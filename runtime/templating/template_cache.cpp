#include "runtime/templating/template_cache.hpp"

#include <chrono>

namespace genflow::templating {

namespace {

using clock_type = std::chrono::steady_clock;

} // namespace

template_cache::template_cache(std::size_t max_entries, std::size_t max_bytes)
  : max_entries_(max_entries), max_bytes_(max_bytes) {}

const cached_template* template_cache::get(std::string_view id) {
  auto start = clock_type::now();
  const cached_template* result = nullptr;
  auto it = index_.find(id);
  if (it == index_.end()) {
    ++misses_;
  } else {
    ++hits_;
    entries_.splice(entries_.end(), entries_, it->second);
    result = &*it->second;
  }
  get_latency_.record(clock_type::now() - start);
  return result;
}

const cached_template* template_cache::peek(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &*it->second;
}

void template_cache::evict_lru(bool memory) {
  auto& victim = entries_.front();
  bytes_ -= victim.size_bytes;
  index_.erase(victim.id);
  entries_.pop_front();
  ++evictions_;
  if (memory)
    ++memory_evictions_;
}

void template_cache::put(cached_template entry) {
  auto start = clock_type::now();
  if (auto it = index_.find(entry.id); it != index_.end()) {
    bytes_ -= it->second->size_bytes;
    entries_.erase(it->second);
    index_.erase(it);
  }
  if (!entries_.empty() && entries_.size() >= max_entries_)
    evict_lru(false);
  while (!entries_.empty() && bytes_ + entry.size_bytes > max_bytes_)
    evict_lru(true);
  bytes_ += entry.size_bytes;
  std::string id = entry.id;
  entries_.push_back(std::move(entry));
  index_.emplace(std::move(id), std::prev(entries_.end()));
  put_latency_.record(clock_type::now() - start);
}

bool template_cache::invalidate(std::string_view id) {
  auto it = index_.find(id);
  if (it == index_.end())
    return false;
  bytes_ -= it->second->size_bytes;
  entries_.erase(it->second);
  index_.erase(it);
  return true;
}

void template_cache::clear() {
  entries_.clear();
  index_.clear();
  bytes_ = 0;
}

void template_cache::reset_statistics() {
  hits_ = misses_ = evictions_ = memory_evictions_ = 0;
  get_latency_.reset();
  put_latency_.reset();
}

bool template_cache::has(std::string_view id) const {
  return index_.find(id) != index_.end();
}

void template_cache::resize(std::size_t max_entries, std::size_t max_bytes) {
  max_entries_ = max_entries;
  max_bytes_ = max_bytes;
  while (!entries_.empty() && entries_.size() > max_entries_)
    evict_lru(false);
  while (!entries_.empty() && bytes_ > max_bytes_)
    evict_lru(true);
}

template_cache_statistics template_cache::statistics() const {
  template_cache_statistics s;
  s.hits = hits_;
  s.misses = misses_;
  s.requests = hits_ + misses_;
  s.hit_rate = s.requests ? static_cast<double>(hits_) / static_cast<double>(s.requests) : 0.0;
  s.evictions = evictions_;
  s.memory_evictions = memory_evictions_;
  s.entries = entries_.size();
  s.max_entries = max_entries_;
  s.bytes = bytes_;
  s.max_bytes = max_bytes_;
  s.memory_utilization =
    max_bytes_ ? static_cast<double>(bytes_) / static_cast<double>(max_bytes_) : 0.0;
  s.get_latency = get_latency_.summary();
  s.put_latency = put_latency_.summary();
  return s;
}

} // namespace genflow::templating
