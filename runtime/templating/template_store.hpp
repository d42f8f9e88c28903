#pragma once

/// Templates by id from a directory, compiled once and kept in a `template_cache`.
///
/// `load(id, type)` makes exactly one cache lookup. On a miss it finds the file in the
/// original's order — `<dir>/<id>.jinja2`, `<dir>/<id>.j2`, `<dir>/<id>.txt`,
/// `<dir>/<type>/<id>.jinja2`, `<dir>/<type>/<id>.j2` — reads, hashes and compiles it, and puts it
/// in the cache. On a hit it may check that the file did not change (modification time and
/// size, one `stat`); how often is set by `change_check_interval` (zero: on every hit; the
/// default checks a given template at most once a second; `never` disables it), so the cached path
/// stays a hash lookup. A changed file is re-read and recompiled; `force_reload` always does.
///
/// A directory named "embedded:<path>" reads the templates compiled into the binary under
/// <path> (io::embedded_files); they never change, so hits skip the check.
///
/// Single-threaded, like the cache (an actor owns the store).
///
/// @code
/// templating::environment env{{.trim_blocks = true, .lstrip_blocks = true}};
/// templating::template_store store{env, "configs/templates"};
/// auto tpl = store.load("node_effect_v1", "effect");      // expected<shared_ptr<const compiled_template>>
/// auto text = env.render(**tpl, ctx);
/// @endcode

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "messages/expected.hpp"
#include "runtime/templating/environment.hpp"
#include "runtime/templating/template_cache.hpp"

namespace genflow::templating {

class template_store {
public:
  using clock_type = std::chrono::steady_clock;

  /// Checks a cached template's file at most this often.
  static constexpr clock_type::duration default_check_interval = std::chrono::seconds{1};
  static constexpr clock_type::duration never = clock_type::duration::max();

  template_store(const environment& env, std::string template_dir, std::size_t max_entries = 100,
                 std::size_t max_bytes = std::size_t{100} * 1024 * 1024);

  /// The template `id` of `type`: cached, or read and compiled. Errors:
  /// "template.not_found" (listing the paths tried), "template.invalid_id", "io.read",
  /// and compile errors ("template.syntax"...).
  expected<std::shared_ptr<const compiled_template>>
  load(std::string_view id, std::string_view type, bool force_reload = false);

  /// Loads and renders (one cache lookup).
  expected<std::string> render(std::string_view id, std::string_view type, const value& context);

  void change_check_interval(clock_type::duration interval) { check_interval_ = interval; }

  template_cache& cache() noexcept { return cache_; }
  const template_cache& cache() const noexcept { return cache_; }
  const std::string& template_dir() const noexcept { return dir_; }

  /// Number of times a changed file was detected and recompiled.
  std::uint64_t reloads() const noexcept { return reloads_; }

  /// Prefix of a template directory that names embedded files.
  static constexpr std::string_view embedded_prefix = "embedded:";

private:
  expected<cached_template> read_and_compile(std::string_view id, std::string_view type) const;
  expected<cached_template> read_embedded(const std::string& id, std::string_view type) const;

  const environment& env_;
  std::string dir_;
  template_cache cache_;
  clock_type::duration check_interval_ = default_check_interval;
  std::uint64_t reloads_ = 0;
};

} // namespace genflow::templating
