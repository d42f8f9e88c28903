#include "runtime/profiling/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace genflow::profiling {
namespace {

TEST(LatencyHistogram, SmallValuesAreExact) {
  latency_histogram h;
  for (int i = 1; i <= 100; ++i)
    h.record_ns(i);
  EXPECT_EQ(h.percentile(0.50).count(), 50);
  EXPECT_EQ(h.percentile(0.95).count(), 95);
  EXPECT_EQ(h.percentile(0.99).count(), 99);
  EXPECT_EQ(h.max().count(), 100);
  EXPECT_EQ(h.mean().count(), 50);
}

TEST(LatencyHistogram, LargeValuesAreWithinOnePercentOfNearestRank) {
  std::mt19937_64 rng{7};
  std::lognormal_distribution<double> dist{12.0, 1.5};
  latency_histogram h;
  std::vector<std::int64_t> xs;
  for (int i = 0; i < 20000; ++i) {
    auto v = static_cast<std::int64_t>(dist(rng));
    xs.push_back(v);
    h.record_ns(v);
  }
  std::sort(xs.begin(), xs.end());
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    auto rank = static_cast<std::size_t>(std::ceil(q * xs.size()));
    auto exact = static_cast<double>(xs[rank - 1]);
    auto approx = static_cast<double>(h.percentile(q).count());
    EXPECT_NEAR(approx, exact, exact * 0.01) << "q=" << q;
  }
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  latency_histogram h;
  auto s = h.summary();
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p99.count(), 0);
  EXPECT_EQ(s.min.count(), 0);
}

TEST(LatencyHistogram, MergeAddsSamples) {
  latency_histogram a, b;
  a.record_ns(10);
  b.record_ns(1000000);
  a.merge(b);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.max().count(), 1000000);
  EXPECT_EQ(a.min().count(), 10);
}

} // namespace
} // namespace genflow::profiling
