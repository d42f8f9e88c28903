#pragma once

/// The files of configs/ compiled into the binary (tools/embed/embed_files.cmake): the embedded
/// default that lets `genflow run` work from any directory on a fresh machine.
///
/// @code
/// if (auto text = io::find_embedded("configs/workflows/example.yaml")) parse(*text);
/// @endcode

#include <optional>
#include <string_view>
#include <vector>

namespace genflow::io {

struct embedded_file {
  /// Relative to the repository root, e.g. "configs/templates/effect/node_py.j2".
  std::string_view path;
  std::string_view content;
};

/// Every embedded file, sorted by path.
const std::vector<embedded_file>& embedded_files();

/// The content of one embedded file.
std::optional<std::string_view> find_embedded(std::string_view path);

} // namespace genflow::io
