#include "runtime/templating/icu_library.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <dlfcn.h>

// ICU renames every entry point with its major version (u_charType -> u_charType_72, see
// unicode/urename.h): stringizing the macro gives the name the library exports.
#define GENFLOW_ICU_STR2(x) #x
#define GENFLOW_ICU_STR(x) GENFLOW_ICU_STR2(x)

namespace genflow::templating::icu {

namespace {

library load_or_die() {
  const char* file = "libicuuc.so." GENFLOW_ICU_STR(U_ICU_VERSION_MAJOR_NUM);
  void* handle = ::dlopen(file, RTLD_NOW | RTLD_LOCAL);
  auto die = [&](const std::string& why) {
    std::fprintf(stderr, "genflow: cannot use ICU (%s): %s\n", file, why.c_str());
    std::abort();
  };
  if (!handle) {
    const char* why = ::dlerror();
    die(why ? why : "unknown reason");
  }
  library lib{};
  auto bind = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(handle, name));
    if (!fn)
      die(std::string{"no symbol "} + name);
  };
  bind(lib.charType, GENFLOW_ICU_STR(u_charType));
  bind(lib.getIntPropertyValue, GENFLOW_ICU_STR(u_getIntPropertyValue));
  bind(lib.hasBinaryProperty, GENFLOW_ICU_STR(u_hasBinaryProperty));
  bind(lib.charFromName, GENFLOW_ICU_STR(u_charFromName));
  bind(lib.strFromUTF8, GENFLOW_ICU_STR(u_strFromUTF8));
  bind(lib.strToUTF8, GENFLOW_ICU_STR(u_strToUTF8));
  bind(lib.strToUpper, GENFLOW_ICU_STR(u_strToUpper));
  bind(lib.strToLower, GENFLOW_ICU_STR(u_strToLower));
  bind(lib.strToTitle, GENFLOW_ICU_STR(u_strToTitle));
  return lib;
}

} // namespace

const library& get() noexcept {
  static const library instance = load_or_die(); // thread-safe initialisation
  return instance;
}

} // namespace genflow::templating::icu
