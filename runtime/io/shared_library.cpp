#include "runtime/io/shared_library.hpp"

#include <cstdio>
#include <cstdlib>

#include <dlfcn.h>

namespace genflow::io {

expected<shared_library> shared_library::open(const std::string& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    return error_info{"io.library", "cannot load " + file + ": " + (why ? why : "unknown reason"),
                      file};
  }
  return shared_library{handle, file};
}

expected<void*> shared_library::address(const char* name) const {
  ::dlerror();
  void* p = ::dlsym(handle_, name);
  if (!p)
    return error_info{"io.library", file_ + " has no " + name, file_};
  return p;
}

void shared_library::fatal(const std::string& what, const std::string& why) noexcept {
  std::fprintf(stderr, "genflow: cannot use %s: %s\n", what.c_str(), why.c_str());
  std::abort();
}

} // namespace genflow::io
