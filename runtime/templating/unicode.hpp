#pragma once

/// Python `str` semantics over UTF-8 bytes: the string methods and character classes the
/// template engine needs (case mapping, `isspace`, `isprintable`, `split`, `strip`,
/// `splitlines`, `repr`), each matching CPython 3.11 for every code point. ASCII takes a fast
/// path; other code points are classified and case-mapped by ICU (full case mappings, as
/// CPython uses).
///
/// Strings handed in must be valid UTF-8 (the engine checks template sources and contexts
/// on entry); an invalid byte decodes as U+FFFD rather than failing.
///
/// @code
/// text::upper("straße")             // "STRASSE"
/// text::repr("it's")                 // "\"it's\""
/// text::split_whitespace(" a  b ")   // {"a", "b"}
/// @endcode

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace genflow::templating::text {

// -- encoding -------------------------------------------------------------------

/// Whether every byte is below 0x80.
bool is_ascii(std::string_view s) noexcept;

/// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
/// On failure `bad_offset` receives the offset of the first bad byte.
bool is_valid_utf8(std::string_view s, std::size_t* bad_offset = nullptr) noexcept;

/// Decodes one code point at `pos` and advances `pos` (U+FFFD for a bad sequence).
char32_t decode_one(std::string_view s, std::size_t& pos) noexcept;

/// Appends the UTF-8 encoding of `c`.
void append_utf8(std::string& out, char32_t c);

std::u32string decode(std::string_view s);
std::string encode(std::u32string_view s);

/// `len(s)`: the number of code points.
std::size_t length(std::string_view s) noexcept;

// -- character classes (CPython's definitions) ------------------------------------

bool is_space(char32_t c) noexcept;
bool is_printable(char32_t c) noexcept;
bool is_alpha(char32_t c) noexcept;
bool is_decimal(char32_t c) noexcept;
bool is_digit(char32_t c) noexcept;
bool is_numeric(char32_t c) noexcept;
bool is_alnum(char32_t c) noexcept;
/// `\w` of Python's `re` for str patterns: alphanumeric or underscore.
bool is_word(char32_t c) noexcept;
bool is_cased(char32_t c) noexcept;
bool is_lower_char(char32_t c) noexcept;
bool is_upper_char(char32_t c) noexcept;
bool is_title_char(char32_t c) noexcept;
/// A line boundary for `str.splitlines`.
bool is_line_break(char32_t c) noexcept;

// -- case mapping -------------------------------------------------------------------

std::string upper(std::string_view s);
std::string lower(std::string_view s);
/// `str.title()`: title-cases a cased character after an uncased one, lower-cases the rest.
std::string title(std::string_view s);
/// `str.capitalize()`: first character title-cased, the rest lower-cased.
std::string capitalize(std::string_view s);
std::string swapcase(std::string_view s);
/// Full title-case mapping of one code point, appended to `out`.
void append_titlecase(std::string& out, char32_t c);
void append_uppercase(std::string& out, char32_t c);
void append_lowercase(std::string& out, char32_t c);

// -- predicates over whole strings (`str.isupper()` and friends) ----------------------

bool is_lower(std::string_view s);
bool is_upper(std::string_view s);
bool is_title(std::string_view s);
/// Applies `pred` to every code point; false for the empty string.
bool all_chars(std::string_view s, bool (*pred)(char32_t) noexcept);
bool is_identifier(std::string_view s);

// -- splitting and stripping ------------------------------------------------------

/// `str.strip(chars)` family; `chars == nullopt` strips Python whitespace.
std::string_view strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                       bool right);

/// `str.split()` with no separator (runs of whitespace), at most `max_split` splits (-1: all).
std::vector<std::string> split_whitespace(std::string_view s, long max_split = -1);
/// `str.rsplit()` with no separator.
std::vector<std::string> rsplit_whitespace(std::string_view s, long max_split = -1);
/// `str.split(sep, max_split)`; `sep` must not be empty.
std::vector<std::string> split(std::string_view s, std::string_view sep, long max_split = -1);
std::vector<std::string> rsplit(std::string_view s, std::string_view sep, long max_split = -1);
/// `str.splitlines(keepends)`.
std::vector<std::string> splitlines(std::string_view s, bool keep_ends = false);

/// `str.replace(old, new, count)` (count < 0: all). An empty `old` inserts between code points.
std::string replace(std::string_view s, std::string_view old_text, std::string_view new_text,
                    long count = -1);

/// `str.count(sub)` (non-overlapping; an empty `sub` counts len + 1).
std::size_t count(std::string_view s, std::string_view sub);

/// Code-point slice `s[start:stop:step]` with Python's index rules (nullopt = omitted).
std::string slice(std::string_view s, std::optional<long> start, std::optional<long> stop,
                  std::optional<long> step);

/// Code point at a Python index (negative counts from the end); nullopt when out of range.
std::optional<std::string> char_at(std::string_view s, long index);

/// `str.center/ljust/rjust(width, fill)`.
std::string center(std::string_view s, long width, char32_t fill = U' ');
std::string ljust(std::string_view s, long width, char32_t fill = U' ');
std::string rjust(std::string_view s, long width, char32_t fill = U' ');
/// `str.zfill(width)`.
std::string zfill(std::string_view s, long width);

/// `str.find(sub)` in code points; -1 when absent.
long find(std::string_view s, std::string_view sub, bool from_right = false);

// -- representation -----------------------------------------------------------------

/// Python's `repr(str)`: quotes chosen as CPython does, escapes for control and
/// non-printable characters.
std::string repr(std::string_view s);

} // namespace genflow::templating::text
