#pragma once

/// File primitives: whole-file reads, atomic writes (temp file + rename, so an interrupted run
/// never leaves a half-written file; optionally fsync'd), and content hashes.

#include <string>
#include <string_view>

#include "messages/expected.hpp"

namespace genflow::io {

/// Reads a whole file. Errors: "io.not_found", "io.read" (with the OS reason).
expected<std::string> read_file(const std::string& path);

/// Writes `content` to `path` atomically: a temporary file in the same directory is written and
/// renamed over `path`, so an interrupted process never leaves a half-written file. With
/// `durable`, the data is also flushed to the device (fsync) before the rename, which survives
/// a machine crash too but costs a disk flush per file. Parent directories are created.
/// Error: "io.write".
expected<success> write_file_atomic(const std::string& path, std::string_view content,
                                    bool durable = false);

/// Lower-case hex SHA-256 of `data` (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view data);

} // namespace genflow::io
