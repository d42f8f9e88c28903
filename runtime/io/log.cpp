#include "runtime/io/log.hpp"

#include <atomic>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace genflow::log {

namespace {

std::atomic<level> threshold{level::info};

spdlog::level::level_enum to_spdlog(level l) noexcept {
  switch (l) {
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warn:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
    case level::off:
      break;
  }
  return spdlog::level::off;
}

/// Created at the first message: a process that logs nothing never sets spdlog up.
spdlog::logger& logger() {
  static const auto instance = [] {
    auto l = spdlog::stderr_color_mt("genflow");
    l->set_level(spdlog::level::trace); // the threshold above filters
    return l;
  }();
  return *instance;
}

} // namespace

void set_level(level l) noexcept {
  threshold.store(l, std::memory_order_relaxed);
}

bool enabled(level l) noexcept {
  return l != level::off && l >= threshold.load(std::memory_order_relaxed);
}

void write(level l, std::string_view message) {
  if (enabled(l))
    logger().log(to_spdlog(l), "{}", message);
}

} // namespace genflow::log
