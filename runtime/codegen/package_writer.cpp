#include "runtime/codegen/package_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "runtime/codegen/plan.hpp"
#include "runtime/io/files.hpp"
#include "runtime/io/json.hpp"

namespace genflow::codegen {

namespace fs = std::filesystem;

std::string_view code_name(codegen_errc x) noexcept {
  switch (x) {
    case codegen_errc::invalid_path:
      return "codegen.path";
    case codegen_errc::duplicate_path:
      return "codegen.duplicate_path";
  }
  return "codegen.unknown";
}

namespace {

/// Why a relative package path is unusable, or empty when it is fine.
std::string path_problem(std::string_view path) {
  if (path.empty())
    return "the path is empty";
  if (path.front() == '/')
    return "the path is absolute";
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos)
    return "the path contains a backslash or NUL";
  if (path == manifest_name)
    return "the path is the manifest's own name";
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    auto part = path.substr(start, end == std::string_view::npos ? path.npos : end - start);
    if (part.empty() || part == "." || part == "..")
      return "the path has an empty, '.' or '..' component";
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return {};
}

/// Writes `content` to `path` unless the file already holds exactly that.
expected<bool> write_if_changed(const std::string& path, std::string_view content,
                                bool durable) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    auto old = io::read_file(path);
    if (old && *old == content)
      return false;
  }
  auto ok = io::write_file_atomic(path, content, durable);
  if (!ok)
    return ok.error();
  return true;
}

/// The error's place becomes the file being generated; the OS-level place (a temporary file,
/// a parent directory) moves into the message.
error_info name_target(error_info err, const std::string& target) {
  if (!err.where.empty() && err.where != target)
    err.message += " (at " + err.where + ")";
  err.where = target;
  return err;
}

} // namespace

std::string manifest_text(const contracts::contract& c, std::string_view contract_sha256,
                          const std::vector<generated_file>& files) {
  std::vector<const generated_file*> sorted;
  for (const auto& f : files)
    sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(),
            [](const generated_file* x, const generated_file* y) { return x->path < y->path; });
  value::array_type entries;
  for (const auto* f : sorted)
    entries.push_back(value::object_type{
      {"path", f->path},
      {"bytes", static_cast<std::int64_t>(f->content.size())},
      {"sha256", io::sha256_hex(f->content)},
      {"template", value::object_type{{"id", f->template_id}, {"sha256", f->template_sha256}}}});
  value manifest = value::object_type{
    {"genflow_version", GENFLOW_VERSION},
    {"node", value::object_type{{"name", c.name},
                                {"node_type", std::string{contracts::to_string(c.type)}},
                                {"version", c.version.dotted()}}},
    {"contract", value::object_type{{"path", c.source}, {"sha256", std::string{contract_sha256}}}},
    {"package_root", package_root(c)},
    {"files", value{std::move(entries)}}};
  return io::to_json(manifest, 2) + "\n";
}

expected<package_report> write_package(const std::string& out_dir, const contracts::contract& c,
                                       std::string_view contract_sha256,
                                       const std::vector<generated_file>& files, bool durable) {
  // Check every path before touching the disk.
  std::set<std::string_view> seen;
  for (const auto& f : files) {
    if (auto problem = path_problem(f.path); !problem.empty())
      return error_info{std::string{code_name(codegen_errc::invalid_path)},
                        "cannot write generated file: " + problem, f.path};
    if (!seen.insert(f.path).second)
      return error_info{std::string{code_name(codegen_errc::duplicate_path)},
                        "two generated files have this path", f.path};
  }

  package_report report;
  auto dir = fs::path{out_dir} / package_root(c);
  report.package_dir = dir.string();
  for (const auto& f : files) {
    auto target = (dir / f.path).string();
    auto changed = write_if_changed(target, f.content, durable);
    if (!changed)
      return name_target(changed.error(), target);
    (*changed ? report.written : report.unchanged).push_back(f.path);
  }
  auto manifest_path = (dir / std::string{manifest_name}).string();
  auto changed = write_if_changed(manifest_path, manifest_text(c, contract_sha256, files), durable);
  if (!changed)
    return name_target(changed.error(), manifest_path);
  (*changed ? report.written : report.unchanged).emplace_back(manifest_name);
  report.manifest_path = manifest_path;
  return report;
}

} // namespace genflow::codegen
