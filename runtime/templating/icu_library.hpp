#pragma once

/// ICU's character properties and case mappings, loaded on first use (dlopen) instead of at
/// process start. Templates and contexts are nearly always ASCII, and every text function here
/// has an ASCII fast path; linking libicuuc (and with it the 30 MB libicudata) made every genflow
/// process pay ~0.6 ms of loading and slowed each later symbol lookup, for text it rarely sees.
///
/// A failed load is fatal (the message names the library): ICU is a package dependency, so a
/// machine without it is a broken installation, and no Unicode answer is better than a wrong one.
///
/// @code
/// if (c >= 0x80) return icu::get().charType(c) == U_UPPERCASE_LETTER;
/// @endcode

#include <unicode/uchar.h>
#include <unicode/ustring.h>

namespace genflow::templating::icu {

/// The entry points genflow uses, by their ICU names without the `u_` prefix.
struct library {
  decltype(&::u_charType) charType;
  decltype(&::u_getIntPropertyValue) getIntPropertyValue;
  decltype(&::u_hasBinaryProperty) hasBinaryProperty;
  decltype(&::u_charFromName) charFromName;
  decltype(&::u_strFromUTF8) strFromUTF8;
  decltype(&::u_strToUTF8) strToUTF8;
  decltype(&::u_strToUpper) strToUpper;
  decltype(&::u_strToLower) strToLower;
  decltype(&::u_strToTitle) strToTitle;
};

/// The library, loaded once (thread-safe); terminates the process with a message if it cannot be.
const library& get() noexcept;

} // namespace genflow::templating::icu
