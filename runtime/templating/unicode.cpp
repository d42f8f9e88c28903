#include "runtime/templating/unicode.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "runtime/templating/icu_library.hpp"

namespace genflow::templating::text {

// -- encoding -------------------------------------------------------------------

bool is_ascii(std::string_view s) noexcept {
  for (unsigned char c : s)
    if (c >= 0x80)
      return false;
  return true;
}

namespace {

/// Decodes a well-formed sequence at `pos`; returns -1 (and leaves `pos`) when malformed.
long decode_strict(std::string_view s, std::size_t& pos) noexcept {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  std::size_t n;
  char32_t c;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 1, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 2, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 3, c = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (pos + n >= s.size())
    return -1;
  for (std::size_t i = 1; i <= n; ++i) {
    unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80)
      return -1;
    c = (c << 6) | (b & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return -1;
  pos += n + 1;
  return static_cast<long>(c);
}

} // namespace

bool is_valid_utf8(std::string_view s, std::size_t* bad_offset) noexcept {
  std::size_t pos = 0;
  while (pos < s.size()) {
    // ASCII fast path: eight bytes at a time.
    if (pos + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + pos, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        pos += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    std::size_t at = pos;
    if (decode_strict(s, pos) < 0) {
      if (bad_offset)
        *bad_offset = at;
      return false;
    }
  }
  return true;
}

char32_t decode_one(std::string_view s, std::size_t& pos) noexcept {
  long c = decode_strict(s, pos);
  if (c < 0) {
    ++pos;
    return 0xFFFD;
  }
  return static_cast<char32_t>(c);
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t pos = 0; pos < s.size();)
    out.push_back(decode_one(s, pos));
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s)
    append_utf8(out, c);
  return out;
}

std::size_t length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

// -- character classes ------------------------------------------------------------

bool is_space(char32_t c) noexcept {
  if (c < 0x80)
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
  case 0x85:
  case 0xA0:
  case 0x1680:
  case 0x2028:
  case 0x2029:
  case 0x202F:
  case 0x205F:
  case 0x3000:
    return true;
  default:
    return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_printable(char32_t c) noexcept {
  if (c < 0x80)
    return c >= 0x20 && c < 0x7F;
  switch (icu::get().charType(static_cast<UChar32>(c))) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_SURROGATE:
    case U_PRIVATE_USE_CHAR:
    case U_UNASSIGNED:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
    case U_SPACE_SEPARATOR:
      return false;
    default:
      return true;
  }
}

bool is_alpha(char32_t c) noexcept {
  if (c < 0x80)
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  switch (icu::get().charType(static_cast<UChar32>(c))) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return true;
    default:
      return false;
  }
}

bool is_decimal(char32_t c) noexcept {
  if (c < 0x80)
    return c >= '0' && c <= '9';
  return icu::get().getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NUMERIC_TYPE)
         == U_NT_DECIMAL;
}

bool is_digit(char32_t c) noexcept {
  if (c < 0x80)
    return c >= '0' && c <= '9';
  auto t = icu::get().getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NUMERIC_TYPE);
  return t == U_NT_DECIMAL || t == U_NT_DIGIT;
}

bool is_numeric(char32_t c) noexcept {
  if (c < 0x80)
    return c >= '0' && c <= '9';
  return icu::get().getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

bool is_alnum(char32_t c) noexcept {
  return is_alpha(c) || is_numeric(c);
}

bool is_word(char32_t c) noexcept {
  return c == '_' || is_alnum(c);
}

bool is_cased(char32_t c) noexcept {
  if (c < 0x80)
    return is_alpha(c);
  return icu::get().hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASED);
}

bool is_lower_char(char32_t c) noexcept {
  if (c < 0x80)
    return c >= 'a' && c <= 'z';
  return icu::get().hasBinaryProperty(static_cast<UChar32>(c), UCHAR_LOWERCASE);
}

bool is_upper_char(char32_t c) noexcept {
  if (c < 0x80)
    return c >= 'A' && c <= 'Z';
  return icu::get().hasBinaryProperty(static_cast<UChar32>(c), UCHAR_UPPERCASE);
}

bool is_title_char(char32_t c) noexcept {
  return c >= 0x80 && icu::get().charType(static_cast<UChar32>(c)) == U_TITLECASE_LETTER;
}

bool is_line_break(char32_t c) noexcept {
  switch (c) {
  case '\n':
  case '\r':
  case 0x0B:
  case 0x0C:
  case 0x1C:
  case 0x1D:
  case 0x1E:
  case 0x85:
  case 0x2028:
  case 0x2029:
    return true;
  default:
    return false;
  }
}

// -- case mapping -----------------------------------------------------------------

namespace {

enum class icu_case { upper, lower, title };

/// Runs one ICU full case mapping (root locale) over UTF-8 text.
std::string icu_map(std::string_view s, icu_case mode) {
  const auto& lib = icu::get();
  UErrorCode err = U_ZERO_ERROR;
  int32_t len16 = 0;
  lib.strFromUTF8(nullptr, 0, &len16, s.data(), static_cast<int32_t>(s.size()), &err);
  std::u16string in(static_cast<std::size_t>(len16), u'\0');
  err = U_ZERO_ERROR;
  lib.strFromUTF8(reinterpret_cast<UChar*>(in.data()), len16 + 1, nullptr, s.data(),
                  static_cast<int32_t>(s.size()), &err);
  std::u16string out(in.size() * 3 + 8, u'\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    err = U_ZERO_ERROR;
    auto* dst = reinterpret_cast<UChar*>(out.data());
    auto cap = static_cast<int32_t>(out.size());
    const auto* src = reinterpret_cast<const UChar*>(in.data());
    int32_t n = 0;
    switch (mode) {
    case icu_case::upper:
      n = lib.strToUpper(dst, cap, src, len16, "", &err);
      break;
    case icu_case::lower:
      n = lib.strToLower(dst, cap, src, len16, "", &err);
      break;
    case icu_case::title:
      n = lib.strToTitle(dst, cap, src, len16, nullptr, "", &err);
      break;
    }
    if (err == U_BUFFER_OVERFLOW_ERROR) {
      out.assign(static_cast<std::size_t>(n) + 1, u'\0');
      continue;
    }
    if (U_FAILURE(err))
      return std::string{s};
    out.resize(static_cast<std::size_t>(n));
    break;
  }
  std::string result;
  int32_t len8 = 0;
  err = U_ZERO_ERROR;
  lib.strToUTF8(nullptr, 0, &len8, reinterpret_cast<const UChar*>(out.data()),
                static_cast<int32_t>(out.size()), &err);
  result.assign(static_cast<std::size_t>(len8), '\0');
  err = U_ZERO_ERROR;
  lib.strToUTF8(result.data(), len8 + 1, nullptr, reinterpret_cast<const UChar*>(out.data()),
                static_cast<int32_t>(out.size()), &err);
  return result;
}

std::string one_char(char32_t c) {
  std::string s;
  append_utf8(s, c);
  return s;
}

} // namespace

std::string upper(std::string_view s) {
  if (!is_ascii(s))
    return icu_map(s, icu_case::upper);
  std::string out{s};
  for (auto& ch : out)
    if (ch >= 'a' && ch <= 'z')
      ch = static_cast<char>(ch - 32);
  return out;
}

std::string lower(std::string_view s) {
  if (!is_ascii(s))
    return icu_map(s, icu_case::lower);
  std::string out{s};
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z')
      ch = static_cast<char>(ch + 32);
  return out;
}

void append_titlecase(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    return;
  }
  out += icu_map(one_char(c), icu_case::title);
}

void append_uppercase(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    return;
  }
  out += icu_map(one_char(c), icu_case::upper);
}

void append_lowercase(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return;
  }
  out += icu_map(one_char(c), icu_case::lower);
}

std::string title(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool previous_cased = false;
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = decode_one(s, pos);
    if (previous_cased)
      append_lowercase(out, c);
    else
      append_titlecase(out, c);
    previous_cased = is_cased(c);
  }
  return out;
}

std::string capitalize(std::string_view s) {
  if (s.empty())
    return {};
  std::size_t pos = 0;
  char32_t first = decode_one(s, pos);
  std::string out;
  append_titlecase(out, first);
  out += lower(s.substr(pos));
  return out;
}

std::string swapcase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = decode_one(s, pos);
    if (is_upper_char(c))
      append_lowercase(out, c);
    else if (is_lower_char(c))
      append_uppercase(out, c);
    else
      append_utf8(out, c);
  }
  return out;
}

// -- predicates -------------------------------------------------------------------

bool is_lower(std::string_view s) {
  bool cased = false;
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = decode_one(s, pos);
    if (is_upper_char(c) || is_title_char(c))
      return false;
    if (!cased && is_lower_char(c))
      cased = true;
  }
  return cased;
}

bool is_upper(std::string_view s) {
  bool cased = false;
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = decode_one(s, pos);
    if (is_lower_char(c) || is_title_char(c))
      return false;
    if (!cased && is_upper_char(c))
      cased = true;
  }
  return cased;
}

bool is_title(std::string_view s) {
  bool cased = false;
  bool previous_cased = false;
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = decode_one(s, pos);
    if (is_upper_char(c) || is_title_char(c)) {
      if (previous_cased)
        return false;
      previous_cased = true;
      cased = true;
    } else if (is_lower_char(c)) {
      if (!previous_cased)
        return false;
      previous_cased = true;
      cased = true;
    } else {
      previous_cased = false;
    }
  }
  return cased;
}

bool all_chars(std::string_view s, bool (*pred)(char32_t) noexcept) {
  if (s.empty())
    return false;
  for (std::size_t pos = 0; pos < s.size();)
    if (!pred(decode_one(s, pos)))
      return false;
  return true;
}

bool is_identifier(std::string_view s) {
  if (s.empty())
    return false;
  std::size_t pos = 0;
  char32_t first = decode_one(s, pos);
  bool ok =
    first == '_'
    || (first < 0x80 ? is_alpha(first)
                     : icu::get().hasBinaryProperty(static_cast<UChar32>(first), UCHAR_XID_START));
  while (ok && pos < s.size()) {
    char32_t c = decode_one(s, pos);
    ok = c == '_'
         || (c < 0x80 ? is_alnum(c)
                      : icu::get().hasBinaryProperty(static_cast<UChar32>(c), UCHAR_XID_CONTINUE));
  }
  return ok;
}

// -- splitting and stripping ------------------------------------------------------

std::string_view strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                       bool right) {
  std::u32string set;
  if (chars)
    set = decode(*chars);
  auto strippable = [&](char32_t c) {
    return chars ? set.find(c) != std::u32string::npos : is_space(c);
  };
  std::size_t begin = 0;
  std::size_t end = s.size();
  if (left) {
    while (begin < end) {
      std::size_t next = begin;
      if (!strippable(decode_one(s, next)))
        break;
      begin = next;
    }
  }
  if (right) {
    while (end > begin) {
      std::size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
        --start;
      std::size_t probe = start;
      if (!strippable(decode_one(s, probe)))
        break;
      end = start;
    }
  }
  return s.substr(begin, end - begin);
}

namespace {

/// Byte length of the whitespace code point at `pos`, or 0 when it is not whitespace.
std::size_t space_at(std::string_view s, std::size_t pos) noexcept {
  std::size_t next = pos;
  return is_space(decode_one(s, next)) ? next - pos : 0;
}

/// Byte offset of the start of the code point ending at `end`.
std::size_t previous_start(std::string_view s, std::size_t end) noexcept {
  std::size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
    --start;
  return start;
}

} // namespace

std::vector<std::string> split_whitespace(std::string_view s, long max_split) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size()) {
      std::size_t n = space_at(s, pos);
      if (n == 0)
        break;
      pos += n;
    }
    if (pos >= s.size())
      break;
    if (max_split >= 0 && static_cast<long>(out.size()) == max_split) {
      out.emplace_back(s.substr(pos));
      return out;
    }
    std::size_t start = pos;
    while (pos < s.size() && space_at(s, pos) == 0)
      decode_one(s, pos);
    out.emplace_back(s.substr(start, pos - start));
  }
  return out;
}

std::vector<std::string> rsplit_whitespace(std::string_view s, long max_split) {
  std::vector<std::string> out;
  std::size_t end = s.size();
  while (end > 0) {
    while (end > 0) {
      std::size_t start = previous_start(s, end);
      if (space_at(s, start) == 0)
        break;
      end = start;
    }
    if (end == 0)
      break;
    if (max_split >= 0 && static_cast<long>(out.size()) == max_split) {
      out.emplace_back(s.substr(0, end));
      break;
    }
    std::size_t stop = end;
    while (end > 0) {
      std::size_t start = previous_start(s, end);
      if (space_at(s, start) != 0)
        break;
      end = start;
    }
    out.emplace_back(s.substr(end, stop - end));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> split(std::string_view s, std::string_view sep, long max_split) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (max_split < 0 || static_cast<long>(out.size()) < max_split) {
    auto at = s.find(sep, pos);
    if (at == std::string_view::npos)
      break;
    out.emplace_back(s.substr(pos, at - pos));
    pos = at + sep.size();
  }
  out.emplace_back(s.substr(pos));
  return out;
}

std::vector<std::string> rsplit(std::string_view s, std::string_view sep, long max_split) {
  std::vector<std::string> out;
  std::size_t end = s.size();
  while (max_split < 0 || static_cast<long>(out.size()) < max_split) {
    if (end < sep.size())
      break;
    auto at = s.rfind(sep, end - sep.size());
    if (at == std::string_view::npos)
      break;
    out.emplace_back(s.substr(at + sep.size(), end - at - sep.size()));
    end = at;
  }
  out.emplace_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keep_ends) {
  std::vector<std::string> out;
  std::size_t start = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t at = pos;
    char32_t c = decode_one(s, pos);
    if (!is_line_break(c))
      continue;
    if (c == '\r' && pos < s.size() && s[pos] == '\n')
      ++pos;
    out.emplace_back(s.substr(start, (keep_ends ? pos : at) - start));
    start = pos;
  }
  if (start < s.size())
    out.emplace_back(s.substr(start));
  return out;
}

std::string replace(std::string_view s, std::string_view old_text, std::string_view new_text,
                    long count) {
  std::string out;
  out.reserve(s.size());
  long done = 0;
  if (old_text.empty()) {
    std::size_t pos = 0;
    while (true) {
      if (count < 0 || done < count) {
        out += new_text;
        ++done;
      }
      if (pos >= s.size())
        break;
      std::size_t start = pos;
      decode_one(s, pos);
      out.append(s.substr(start, pos - start));
    }
    return out;
  }
  std::size_t pos = 0;
  while (count < 0 || done < count) {
    auto at = s.find(old_text, pos);
    if (at == std::string_view::npos)
      break;
    out.append(s.substr(pos, at - pos));
    out += new_text;
    pos = at + old_text.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

std::size_t count(std::string_view s, std::string_view sub) {
  if (sub.empty())
    return length(s) + 1;
  std::size_t n = 0;
  for (auto at = s.find(sub); at != std::string_view::npos; at = s.find(sub, at + sub.size()))
    ++n;
  return n;
}

namespace {

/// Python's slice.indices(): normalizes start/stop for a sequence of `len` items.
void slice_indices(long len, std::optional<long> start, std::optional<long> stop, long step,
                   long& out_start, long& out_stop) {
  auto clamp = [&](std::optional<long> v, long dflt) {
    if (!v)
      return dflt;
    long x = *v;
    if (x < 0) {
      x += len;
      if (x < 0)
        x = step < 0 ? -1 : 0;
    } else if (x >= len) {
      x = step < 0 ? len - 1 : len;
    }
    return x;
  };
  out_start = clamp(start, step < 0 ? len - 1 : 0);
  out_stop = clamp(stop, step < 0 ? -1 : len);
}

} // namespace

std::string slice(std::string_view s, std::optional<long> start, std::optional<long> stop,
                  std::optional<long> step) {
  long st = step.value_or(1);
  bool ascii = is_ascii(s);
  std::u32string wide;
  if (!ascii)
    wide = decode(s);
  long len = ascii ? static_cast<long>(s.size()) : static_cast<long>(wide.size());
  long b = 0;
  long e = 0;
  slice_indices(len, start, stop, st, b, e);
  std::string out;
  auto emit = [&](long i) {
    if (ascii)
      out.push_back(s[static_cast<std::size_t>(i)]);
    else
      append_utf8(out, wide[static_cast<std::size_t>(i)]);
  };
  if (st > 0) {
    if (ascii && st == 1)
      return b < e
               ? std::string{s.substr(static_cast<std::size_t>(b), static_cast<std::size_t>(e - b))}
               : std::string{};
    for (long i = b; i < e; i += st)
      emit(i);
  } else {
    for (long i = b; i > e; i += st)
      emit(i);
  }
  return out;
}

std::optional<std::string> char_at(std::string_view s, long index) {
  if (is_ascii(s)) {
    long len = static_cast<long>(s.size());
    if (index < 0)
      index += len;
    if (index < 0 || index >= len)
      return std::nullopt;
    return std::string(1, s[static_cast<std::size_t>(index)]);
  }
  auto wide = decode(s);
  long len = static_cast<long>(wide.size());
  if (index < 0)
    index += len;
  if (index < 0 || index >= len)
    return std::nullopt;
  std::string out;
  append_utf8(out, wide[static_cast<std::size_t>(index)]);
  return out;
}

namespace {

std::string fill_string(char32_t fill, long n) {
  std::string out;
  for (long i = 0; i < n; ++i)
    append_utf8(out, fill);
  return out;
}

} // namespace

std::string center(std::string_view s, long width, char32_t fill) {
  long len = static_cast<long>(length(s));
  long marg = width - len;
  if (marg <= 0)
    return std::string{s};
  long left = marg / 2 + (marg & width & 1);
  return fill_string(fill, left) + std::string{s} + fill_string(fill, marg - left);
}

std::string ljust(std::string_view s, long width, char32_t fill) {
  long len = static_cast<long>(length(s));
  if (width <= len)
    return std::string{s};
  return std::string{s} + fill_string(fill, width - len);
}

std::string rjust(std::string_view s, long width, char32_t fill) {
  long len = static_cast<long>(length(s));
  if (width <= len)
    return std::string{s};
  return fill_string(fill, width - len) + std::string{s};
}

std::string zfill(std::string_view s, long width) {
  long len = static_cast<long>(length(s));
  if (width <= len)
    return std::string{s};
  std::string pad(static_cast<std::size_t>(width - len), '0');
  if (!s.empty() && (s[0] == '+' || s[0] == '-'))
    return std::string(1, s[0]) + pad + std::string{s.substr(1)};
  return pad + std::string{s};
}

long find(std::string_view s, std::string_view sub, bool from_right) {
  auto at = from_right ? s.rfind(sub) : s.find(sub);
  if (at == std::string_view::npos)
    return -1;
  return static_cast<long>(length(s.substr(0, at)));
}

// -- representation -----------------------------------------------------------------

std::string repr(std::string_view s) {
  char quote = '\'';
  if (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos)
    quote = '"';
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back(quote);
  static constexpr char hex[] = "0123456789abcdef";
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = decode_one(s, pos);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    } else if (c < 0x7F || is_printable(c)) {
      append_utf8(out, c);
    } else if (c <= 0xFF) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    } else if (c <= 0xFFFF) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4)
        out.push_back(hex[(c >> shift) & 0xF]);
    } else {
      out += "\\U";
      for (int shift = 28; shift >= 0; shift -= 4)
        out.push_back(hex[(c >> shift) & 0xF]);
    }
  }
  out.push_back(quote);
  return out;
}

} // namespace genflow::templating::text
