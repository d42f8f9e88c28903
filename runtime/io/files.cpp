#include "runtime/io/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <unistd.h>

// OpenSSL 3's EVP interface (and the one-shot SHA256(), built on it) loads its configuration
// and providers on first use: 1.7 ms per process, measured, more than the main job spends
// hashing. The low-level SHA256_Init/Update/Final do not; deprecated in 3.0, but kept. They come
// from libcrypto's static archive (~30 KB of it linked): the shared library cost 1.3-2.3 ms to
// load and relocate, 4.4 M instructions, in every process that hashed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace genflow::io {

namespace fs = std::filesystem;

expected<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    auto code = errno == ENOENT ? "io.not_found" : "io.read";
    return error_info{code, std::string{"cannot open: "} + std::strerror(errno), path};
  }
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      auto err = errno;
      ::close(fd);
      return error_info{"io.read", std::string{"cannot read: "} + std::strerror(err), path};
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

expected<success> write_file_atomic(const std::string& path, std::string_view content,
                                    bool durable) {
  fs::path target{path};
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      return error_info{"io.write", "cannot create directory: " + ec.message(),
                        target.parent_path().string()};
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rng() & 0xffffff);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return error_info{"io.write", std::string{"cannot create: "} + std::strerror(errno),
                      tmp.string()};
  auto fail = [&](const char* what) {
    auto err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return error_info{"io.write", std::string{what} + std::strerror(err), path};
  };
  std::size_t done = 0;
  while (done < content.size()) {
    auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail("cannot write: ");
    }
    done += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0)
    return fail("cannot flush: ");
  if (::close(fd) != 0) {
    auto err = errno;
    ::unlink(tmp.c_str());
    return error_info{"io.write", std::string{"cannot close: "} + std::strerror(err), path};
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = errno;
    ::unlink(tmp.c_str());
    return error_info{"io.write", std::string{"cannot rename into place: "} + std::strerror(err),
                      path};
  }
  return success{};
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest, &ctx);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

} // namespace genflow::io
