#include "runtime/profiling/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace genflow::profiling {

std::size_t latency_histogram::index_of(std::uint64_t v) noexcept {
  if (v < sub_count)
    return static_cast<std::size_t>(v);
  if (v >= max_value)
    v = max_value - 1;
  int msb = 63 - __builtin_clzll(v);       // >= sub_bits
  int shift = msb - (sub_bits - 1);        // keeps the top sub_bits bits
  auto top = static_cast<std::size_t>(v >> shift); // in [half, sub_count)
  return sub_count + static_cast<std::size_t>(shift - 1) * half + (top - half);
}

std::uint64_t latency_histogram::midpoint_of(std::size_t index) noexcept {
  if (index < sub_count)
    return index;
  auto rel = index - sub_count;
  auto shift = static_cast<int>(rel / half) + 1;
  auto top = static_cast<std::uint64_t>(rel % half + half);
  auto low = top << shift;
  auto width = std::uint64_t{1} << shift;
  return low + width / 2;
}

void latency_histogram::record_ns(std::int64_t ns) noexcept {
  auto v = static_cast<std::uint64_t>(ns);
  ++buckets_[index_of(v)];
  ++count_;
  sum_ += ns;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void latency_histogram::reset() noexcept {
  *this = latency_histogram{};
}

std::chrono::nanoseconds latency_histogram::mean() const noexcept {
  if (count_ == 0)
    return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{sum_ / static_cast<std::int64_t>(count_)};
}

std::chrono::nanoseconds latency_histogram::percentile(double q) const noexcept {
  if (count_ == 0)
    return std::chrono::nanoseconds{0};
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      // Never report beyond the recorded extremes.
      auto v = static_cast<std::int64_t>(midpoint_of(i));
      return std::chrono::nanoseconds{std::clamp(v, min_, max_)};
    }
  }
  return std::chrono::nanoseconds{max_};
}

latency_summary_values latency_histogram::summary() const noexcept {
  latency_summary_values s;
  s.count = count_;
  s.mean = mean();
  s.p50 = percentile(0.50);
  s.p95 = percentile(0.95);
  s.p99 = percentile(0.99);
  s.min = min();
  s.max = max();
  return s;
}

} // namespace genflow::profiling
