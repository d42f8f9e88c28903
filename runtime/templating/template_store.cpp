#include "runtime/templating/template_store.hpp"

#include <filesystem>
#include <system_error>

#include "runtime/io/embedded_files.hpp"
#include "runtime/io/files.hpp"

namespace genflow::templating {

namespace fs = std::filesystem;

namespace {

/// Ids and types name files: no separators, no "..", not empty.
bool valid_name(std::string_view s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string_view::npos
         && s.find('\\') == std::string_view::npos && s.find('\0') == std::string_view::npos;
}

} // namespace

template_store::template_store(const environment& env, std::string template_dir,
                               std::size_t max_entries, std::size_t max_bytes)
  : env_(env), dir_(std::move(template_dir)), cache_(max_entries, max_bytes) {}

expected<cached_template> template_store::read_and_compile(std::string_view id,
                                                           std::string_view type) const {
  if (!valid_name(id))
    return error_info{"template.invalid_id", "invalid template id '" + std::string{id} + "'",
                      std::string{id}, false};
  if (!type.empty() && !valid_name(type))
    return error_info{"template.invalid_id", "invalid template type '" + std::string{type} + "'",
                      std::string{id}, false};
  std::string sid{id};
  if (dir_.rfind(embedded_prefix, 0) == 0)
    return read_embedded(sid, type);
  std::error_code ec;
  if (dir_.empty() || !fs::is_directory(dir_, ec))
    return error_info{"template.not_found", "template directory '" + dir_ + "' does not exist",
                      std::string{id}, false};
  std::vector<std::string> candidates = {dir_ + "/" + sid + ".jinja2", dir_ + "/" + sid + ".j2",
                                         dir_ + "/" + sid + ".txt"};
  if (!type.empty()) {
    candidates.push_back(dir_ + "/" + std::string{type} + "/" + sid + ".jinja2");
    candidates.push_back(dir_ + "/" + std::string{type} + "/" + sid + ".j2");
  }
  for (const auto& path : candidates) {
    if (!fs::is_regular_file(path, ec))
      continue;
    auto modified = fs::last_write_time(path, ec);
    auto size = fs::file_size(path, ec);
    auto source = io::read_file(path);
    if (!source)
      return source.error();
    auto rel = fs::path{path}.lexically_relative(dir_).string();
    auto compiled = env_.compile(*source, rel);
    if (!compiled)
      return compiled.error();
    cached_template entry;
    entry.id = sid;
    entry.type = std::string{type};
    entry.compiled = std::move(*compiled);
    entry.size_bytes = source->size();
    entry.content_hash = io::sha256_hex(*source);
    entry.file_path = path;
    entry.modified = modified;
    entry.file_size = size;
    return entry;
  }
  std::string tried;
  for (const auto& path : candidates)
    tried += (tried.empty() ? "" : ", ") + path;
  return error_info{"template.not_found", "template '" + sid + "' not found; tried " + tried, sid,
                    false};
}

expected<cached_template> template_store::read_embedded(const std::string& id,
                                                        std::string_view type) const {
  // Embedded templates never change: no file path, so hits skip the change check.
  auto root = dir_.substr(embedded_prefix.size());
  std::vector<std::string> candidates = {id + ".jinja2", id + ".j2", id + ".txt"};
  if (!type.empty()) {
    candidates.push_back(std::string{type} + "/" + id + ".jinja2");
    candidates.push_back(std::string{type} + "/" + id + ".j2");
  }
  for (const auto& rel : candidates) {
    auto source = io::find_embedded(root + "/" + rel);
    if (!source)
      continue;
    auto compiled = env_.compile(*source, rel);
    if (!compiled)
      return compiled.error();
    cached_template entry;
    entry.id = id;
    entry.type = std::string{type};
    entry.compiled = std::move(*compiled);
    entry.size_bytes = source->size();
    entry.content_hash = io::sha256_hex(*source);
    return entry;
  }
  std::string tried;
  for (const auto& rel : candidates)
    tried += (tried.empty() ? "" : ", ") + dir_ + "/" + rel;
  return error_info{"template.not_found", "template '" + id + "' not found; tried " + tried, id,
                    false};
}

expected<std::shared_ptr<const compiled_template>>
template_store::load(std::string_view id, std::string_view type, bool force_reload) {
  if (!force_reload) {
    if (const auto* hit = cache_.get(id)) {
      if (check_interval_ == never || hit->file_path.empty())
        return hit->compiled;
      auto now = clock_type::now();
      if (now - hit->checked_at < check_interval_)
        return hit->compiled;
      hit->checked_at = now;
      std::error_code ec;
      auto modified = fs::last_write_time(hit->file_path, ec);
      auto size = ec ? 0 : fs::file_size(hit->file_path, ec);
      if (!ec && modified == hit->modified && size == hit->file_size)
        return hit->compiled;
      ++reloads_;
    }
  }
  auto entry = read_and_compile(id, type);
  if (!entry) {
    // A cached template whose file vanished or broke is dropped, not served stale.
    cache_.invalidate(id);
    return entry.error();
  }
  auto compiled = entry->compiled;
  entry->checked_at = clock_type::now();
  cache_.put(std::move(*entry));
  return compiled;
}

expected<std::string> template_store::render(std::string_view id, std::string_view type,
                                             const value& context) {
  auto tpl = load(id, type);
  if (!tpl)
    return tpl.error();
  return env_.render(**tpl, context);
}

} // namespace genflow::templating
