#include "runtime/templating/icu_library.hpp"

#include "runtime/io/shared_library.hpp"

namespace genflow::templating::icu {

namespace {

library load_or_die() {
  const char* file = "libicuuc.so." GENFLOW_STRINGIZE(U_ICU_VERSION_MAJOR_NUM);
  auto lib = io::shared_library::open(file);
  if (!lib)
    io::shared_library::fatal("ICU", lib.error().message);
  library out{};
  std::string error;
  // ICU renames every entry point with its major version (u_charType -> u_charType_72, see
  // unicode/urename.h): stringizing the macro gives the name the library exports.
  lib->bind(out.charType, GENFLOW_STRINGIZE(u_charType), error);
  lib->bind(out.getIntPropertyValue, GENFLOW_STRINGIZE(u_getIntPropertyValue), error);
  lib->bind(out.hasBinaryProperty, GENFLOW_STRINGIZE(u_hasBinaryProperty), error);
  lib->bind(out.charFromName, GENFLOW_STRINGIZE(u_charFromName), error);
  lib->bind(out.strFromUTF8, GENFLOW_STRINGIZE(u_strFromUTF8), error);
  lib->bind(out.strToUTF8, GENFLOW_STRINGIZE(u_strToUTF8), error);
  lib->bind(out.strToUpper, GENFLOW_STRINGIZE(u_strToUpper), error);
  lib->bind(out.strToLower, GENFLOW_STRINGIZE(u_strToLower), error);
  lib->bind(out.strToTitle, GENFLOW_STRINGIZE(u_strToTitle), error);
  if (!error.empty())
    io::shared_library::fatal("ICU", error);
  return out;
}

} // namespace

const library& get() noexcept {
  static const library instance = load_or_die(); // thread-safe initialisation
  return instance;
}

} // namespace genflow::templating::icu
