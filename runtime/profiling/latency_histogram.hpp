#pragma once

/// A fixed-size log-linear histogram of durations (nanoseconds) for percentiles: O(1) record, no
/// allocation after construction, values below 128 ns exact and every other value within 0.8 %
/// (7 significant bits per power of two, as HdrHistogram does). Values above 2^40 ns (~18 min)
/// are clamped.
///
/// Percentiles use the nearest-rank definition: p(q) is the smallest recorded value v such that at
/// least ceil(q * count) values are <= v, reported as the midpoint of v's bucket (exact below 128).
///
/// @code
/// latency_histogram h;
/// h.record(std::chrono::microseconds{42});
/// auto s = h.summary();   // count, mean, p50, p95, p99, max
/// @endcode

#include <array>
#include <chrono>
#include <cstdint>

namespace genflow::profiling {

struct latency_summary_values {
  std::uint64_t count = 0;
  std::chrono::nanoseconds mean{0};
  std::chrono::nanoseconds p50{0};
  std::chrono::nanoseconds p95{0};
  std::chrono::nanoseconds p99{0};
  std::chrono::nanoseconds min{0};
  std::chrono::nanoseconds max{0};
};

class latency_histogram {
public:
  static constexpr int sub_bits = 7;
  static constexpr std::uint64_t max_value = std::uint64_t{1} << 40;

  void record(std::chrono::nanoseconds d) noexcept { record_ns(d.count() < 0 ? 0 : d.count()); }
  void record_ns(std::int64_t ns) noexcept;

  /// Adds every sample of `other`.
  void merge(const latency_histogram& other) noexcept;

  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::chrono::nanoseconds sum() const noexcept { return std::chrono::nanoseconds{sum_}; }
  std::chrono::nanoseconds min() const noexcept { return std::chrono::nanoseconds{count_ ? min_ : 0}; }
  std::chrono::nanoseconds max() const noexcept { return std::chrono::nanoseconds{max_}; }
  std::chrono::nanoseconds mean() const noexcept;

  /// Nearest-rank percentile, q in [0, 1]. Zero when empty.
  std::chrono::nanoseconds percentile(double q) const noexcept;

  latency_summary_values summary() const noexcept;

private:
  static constexpr std::size_t sub_count = std::size_t{1} << sub_bits;        // 128
  static constexpr std::size_t half = sub_count / 2;                           // 64
  static constexpr std::size_t bucket_count = sub_count + (40 - sub_bits + 1) * half;

  static std::size_t index_of(std::uint64_t v) noexcept;
  static std::uint64_t midpoint_of(std::size_t index) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
};

} // namespace genflow::profiling
