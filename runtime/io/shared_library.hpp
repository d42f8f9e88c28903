#pragma once

/// A system library loaded at run time (dlopen, RTLD_LOCAL) instead of linked: for libraries
/// that only some runs need (libcurl: network models; ICU: non-ASCII text). A library linked to
/// the executable is mapped, relocated and initialised before `main`, and every later symbol
/// lookup searches it; one opened here costs nothing until it is used, and stays out of the
/// global lookup scope.
///
/// @code
/// auto lib = io::shared_library::open("libcurl.so.4");
/// if (!lib) return lib.error();                        // "io.library": names file and reason
/// auto init = lib->symbol<CURL* (*)()>("curl_easy_init");
/// if (!init) return init.error();
/// @endcode
///
/// Libraries are never closed: the functions taken from them stay valid for the process.

#include <string>

#include "messages/expected.hpp"

/// The expansion of `x` as a string literal: library versions and versioned symbol names from
/// the libraries' headers (GENFLOW_STRINGIZE(U_ICU_VERSION_MAJOR_NUM) is "72").
#define GENFLOW_STRINGIZE(x) GENFLOW_STRINGIZE_IMPL(x)
#define GENFLOW_STRINGIZE_IMPL(x) #x

namespace genflow::io {

class shared_library {
public:
  /// Opens `file` (a soname such as "libcurl.so.4", searched like the dynamic linker does).
  static expected<shared_library> open(const std::string& file);

  /// The address of `name`, as a `Fn` (a function pointer type).
  template <class Fn>
  expected<Fn> symbol(const char* name) const {
    auto p = address(name);
    if (!p)
      return p.error();
    return reinterpret_cast<Fn>(*p);
  }

  /// Binds `fn` to `name`; on failure leaves `fn` null and records the first error in `first`.
  template <class Fn>
  void bind(Fn& fn, const char* name, std::string& first) const {
    auto s = symbol<Fn>(name);
    fn = s ? *s : nullptr;
    if (!s && first.empty())
      first = s.error().message;
  }

  const std::string& file() const noexcept { return file_; }

  /// For libraries a process cannot work without (a package dependency is missing: a broken
  /// installation, not bad input): prints "genflow: cannot use <what>: <why>" and aborts.
  [[noreturn]] static void fatal(const std::string& what, const std::string& why) noexcept;

private:
  shared_library(void* handle, std::string file) : handle_(handle), file_(std::move(file)) {}
  expected<void*> address(const char* name) const;

  void* handle_;
  std::string file_;
};

} // namespace genflow::io
