#pragma once

/// Writing a generated node package to disk: every file atomically (temp file + rename), files
/// whose content did not change left alone, and a manifest of content hashes.
///
/// Re-running generation with unchanged inputs rewrites nothing, the manifest included (it has
/// no timestamps), so file modification times and build caches stay valid.
///
/// `manifest.json`, at the package root, reads:
/// @code
/// {"genflow_version": "0.1.0",
///  "node": {"name": "NodeOrderSyncEffect", "node_type": "effect", "version": "1.2.0"},
///  "contract": {"path": "contracts/order_sync.yaml", "sha256": "<hex>"},
///  "package_root": "order_sync_effect/v1_2_0",
///  "files": [{"path": "README.md", "bytes": 812, "sha256": "<hex>",
///             "template": {"id": "readme", "sha256": "<hex>"}}, ...]}   // sorted by path
/// @endcode
///
/// @code
/// auto report = write_package("out", contract, io::sha256_hex(contract_text), files);
/// if (!report) std::cerr << report.error().to_string() << '\n';
/// @endcode

#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/contracts/contract.hpp"

namespace genflow::codegen {

/// Errors of the package writer besides the io.* errors of the file system.
enum class codegen_errc {
  /// "codegen.path": a file path that is empty, absolute, escapes the package ("..") or is
  /// the manifest's own name.
  invalid_path,
  /// "codegen.duplicate_path": two generated files with one path.
  duplicate_path,
};

/// The stable dotted name of a code.
std::string_view code_name(codegen_errc x) noexcept;

/// One rendered file.
struct generated_file {
  /// Path relative to the package root, '/'-separated.
  std::string path;
  std::string content;
  std::string template_id;
  std::string template_sha256;
};

struct package_report {
  /// Paths (relative to the package root) written by this call, manifest.json included when
  /// it changed.
  std::vector<std::string> written;
  /// Paths whose content on disk was already identical.
  std::vector<std::string> unchanged;
  /// The manifest's full path.
  std::string manifest_path;
  /// The package directory (`out_dir/<package root>`).
  std::string package_dir;
};

/// The name of the manifest file at the package root.
inline constexpr std::string_view manifest_name = "manifest.json";

/// The manifest text for a set of files (what write_package writes).
std::string manifest_text(const contracts::contract& c, std::string_view contract_sha256,
                          const std::vector<generated_file>& files);

/// Writes every file atomically under `out_dir/<package_root(c)>`, skipping files whose content
/// is unchanged, then writes manifest.json the same way; `durable` also fsyncs each file before
/// its rename (see io::write_file_atomic). Errors name the file: invalid or duplicate paths are
/// rejected before anything is written; a write failure stops at that file.
expected<package_report> write_package(const std::string& out_dir, const contracts::contract& c,
                                       std::string_view contract_sha256,
                                       const std::vector<generated_file>& files,
                                       bool durable = false);

} // namespace genflow::codegen
