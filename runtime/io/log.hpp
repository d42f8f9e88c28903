#pragma once

/// genflow's log, on standard error: an spdlog logger behind a few functions, so that spdlog's
/// headers are compiled in one file (`log.cpp`, spdlog header-only) and not in every file that
/// logs. Messages use fmt's format strings, checked at compile time; a message below the level
/// costs a call to `enabled`, its arguments are not formatted.
///
/// @code
/// log::set_level(log::level::debug);
/// log::debug("[{}] stage '{}' done", correlation_id, stage_id);
/// @endcode

#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace genflow::log {

enum class level { debug, info, warn, error, off };

/// Messages below `l` are dropped (default: info).
void set_level(level l) noexcept;

/// Whether a message at `l` is written.
bool enabled(level l) noexcept;

/// Writes `message` at `l`.
void write(level l, std::string_view message);

template <class... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level::debug))
    write(level::debug, fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level::warn))
    write(level::warn, fmt::format(format, std::forward<Args>(args)...));
}

} // namespace genflow::log
