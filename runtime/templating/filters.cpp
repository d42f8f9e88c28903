#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <unordered_set>

#include "runtime/io/json.hpp"
#include "runtime/templating/arguments.hpp"
#include "runtime/templating/builtins.hpp"
#include "runtime/templating/evaluator.hpp"
#include "runtime/templating/host_objects.hpp"
#include "runtime/templating/parser.hpp"
#include "runtime/templating/unicode.hpp"

namespace genflow::templating {

namespace {

// -- helpers --------------------------------------------------------------------------------

/// Jinja's ignore_case: lower-cases strings, leaves other values alone.
runtime_value ignore_case(const runtime_value& v) {
  if (v.is_string())
    return runtime_value{text::lower(v.as_string())};
  return v;
}

/// `_prepare_attribute_parts`: "a.0.b" -> ["a", 0, "b"].
std::vector<runtime_value> attribute_parts(const runtime_value& attr) {
  std::vector<runtime_value> parts;
  if (attr.is_none())
    return parts;
  if (attr.is_string()) {
    for (auto& part : text::split(attr.as_string(), ".")) {
      if (auto index = parse_digits(part))
        parts.emplace_back(*index);
      else
        parts.emplace_back(std::move(part));
    }
    return parts;
  }
  parts.push_back(attr);
  return parts;
}

runtime_value lookup_parts(evaluator& ev, runtime_value item,
                           const std::vector<runtime_value>& parts,
                           const runtime_value* dflt = nullptr) {
  for (const auto& part : parts) {
    item = ev.getitem(item, part);
    if (dflt && !dflt->is_none() && item.is_undefined())
      item = *dflt;
  }
  return item;
}

std::string str_arg(evaluator& ev, const runtime_value& v) {
  return ev.text(v);
}

bool bool_arg(const bound_arguments& b, std::size_t i, bool dflt) {
  return b.has(i) ? truthy(b[i]) : dflt;
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    fail(template_errc::overflow, "integer result does not fit in 64 bits");
  return r;
}

runtime_value make_group(runtime_value grouper, runtime_value members) {
  return runtime_value::named_tuple({std::move(grouper), std::move(members)}, {"grouper", "list"});
}

runtime_value keep_markup(const runtime_value& input, std::string s) {
  return input.is_markup() ? runtime_value::markup(std::move(s)) : runtime_value{std::move(s)};
}

/// Stable sort by key with Python's comparison (TypeError on unorderable keys).
void sort_by_key(std::vector<runtime_value>& items, std::vector<runtime_value>& keys,
                 bool reverse) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    int c = reverse ? compare(keys[b], keys[a]) : compare(keys[a], keys[b]);
    return c == -1;
  });
  std::vector<runtime_value> sorted;
  sorted.reserve(items.size());
  for (auto i : order)
    sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

// -- string filters ------------------------------------------------------------------------

runtime_value f_upper(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_upper", a, {}};
  return keep_markup(v, text::upper(str_arg(ev, v)));
}

runtime_value f_lower(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_lower", a, {}};
  return keep_markup(v, text::lower(str_arg(ev, v)));
}

runtime_value f_capitalize(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_capitalize", a, {}};
  return keep_markup(v, text::capitalize(str_arg(ev, v)));
}

bool title_delimiter(char32_t c) {
  return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || text::is_space(c);
}

runtime_value f_title(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_title", a, {}};
  // ''.join(item[0].upper() + item[1:].lower() for item in re.split(r"([-\s({\[<]+)", s) if item)
  std::string s = str_arg(ev, v);
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t start = pos;
    std::size_t probe = pos;
    bool delim = title_delimiter(text::decode_one(s, probe));
    while (pos < s.size()) {
      std::size_t next = pos;
      if (title_delimiter(text::decode_one(s, next)) != delim)
        break;
      pos = next;
    }
    std::string_view item{s.data() + start, pos - start};
    std::size_t first_end = 0;
    char32_t first = text::decode_one(item, first_end);
    text::append_uppercase(out, first);
    out += text::lower(item.substr(first_end));
  }
  return keep_markup(v, std::move(out));
}

runtime_value f_trim(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_trim", a, {"chars"}};
  std::optional<std::string> chars;
  if (b.has(0) && !b[0].is_none())
    chars = str_arg(ev, b[0]);
  return keep_markup(v, std::string{text::strip(str_arg(ev, v), chars, true, true)});
}

runtime_value f_replace(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_replace", a, {"old", "new", "count"}};
  if (!b.has(0) || !b.has(1))
    fail(template_errc::type, "do_replace() missing required arguments: 'old' and 'new'");
  long count = -1;
  if (b.has(2) && !b[2].is_none())
    count = static_cast<long>(int_argument("replace count", b[2]));
  return runtime_value{text::replace(str_arg(ev, v), str_arg(ev, b[0]), str_arg(ev, b[1]), count)};
}

runtime_value f_center(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_center", a, {"width"}};
  long width = b.has(0) ? static_cast<long>(int_argument("center width", b[0])) : 80;
  return runtime_value{text::center(str_arg(ev, v), width)};
}

runtime_value f_string(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"soft_str", a, {}};
  if (v.is_markup())
    return v;
  return runtime_value{str_arg(ev, v)};
}

runtime_value f_escape(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"escape", a, {}};
  return escape_html(ev, v);
}

runtime_value f_forceescape(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_forceescape", a, {}};
  return escape_html(ev, runtime_value{str_arg(ev, v)});
}

runtime_value f_safe(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_mark_safe", a, {}};
  if (v.is_markup())
    return v;
  return runtime_value::markup(str_arg(ev, v));
}

runtime_value f_format(evaluator& ev, const runtime_value& v, call_arguments& a) {
  if (!a.positional.empty() && !a.keyword.empty())
    fail(template_errc::filter, "can't handle positional and keyword arguments at the same time");
  runtime_value args;
  if (!a.keyword.empty()) {
    std::vector<std::pair<runtime_value, runtime_value>> kw;
    for (auto& [k, x] : a.keyword)
      kw.emplace_back(runtime_value{k}, std::move(x));
    args = runtime_value::dict(std::move(kw));
  } else {
    args = runtime_value::tuple(std::move(a.positional));
  }
  return keep_markup(v, percent_format(ev, str_arg(ev, v), args));
}

runtime_value f_truncate(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_truncate", a, {"length", "killwords", "end", "leeway"}};
  std::string s = str_arg(ev, v);
  long length = b.has(0) ? static_cast<long>(int_argument("truncate length", b[0])) : 255;
  bool killwords = bool_arg(b, 1, false);
  std::string end = b.has(2) ? str_arg(ev, b[2]) : "...";
  long leeway = b.has(3) && !b[3].is_none() ? static_cast<long>(int_argument("leeway", b[3])) : 5;
  long end_len = static_cast<long>(text::length(end));
  if (length < end_len)
    fail(template_errc::filter,
         "expected length >= " + std::to_string(end_len) + ", got " + std::to_string(length));
  if (leeway < 0)
    fail(template_errc::filter, "expected leeway >= 0, got " + std::to_string(leeway));
  if (static_cast<long>(text::length(s)) <= length + leeway)
    return runtime_value{s};
  std::string head = text::slice(s, 0, length - end_len, std::nullopt);
  if (killwords)
    return runtime_value{head + end};
  auto parts = text::rsplit(head, " ", 1);
  return runtime_value{parts[0] + end};
}

runtime_value f_wordcount(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_wordcount", a, {}};
  std::string s = str_arg(ev, v);
  std::int64_t n = 0;
  bool in_word = false;
  for (std::size_t pos = 0; pos < s.size();) {
    bool w = text::is_word(text::decode_one(s, pos));
    if (w && !in_word)
      ++n;
    in_word = w;
  }
  return runtime_value{n};
}

/// Strips tags and comments, collapses whitespace, unescapes entities (markupsafe's
/// striptags). Named entities: the XML five plus nbsp; numeric ones in full.
runtime_value f_striptags(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_striptags", a, {}};
  std::string s = str_arg(ev, v);
  std::string no_comments;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 4, "<!--") == 0) {
      auto end = s.find("-->", i + 4);
      if (end != std::string::npos) {
        i = end + 3;
        continue;
      }
    }
    no_comments.push_back(s[i++]);
  }
  std::string no_tags;
  for (std::size_t i = 0; i < no_comments.size();) {
    if (no_comments[i] == '<') {
      auto end = no_comments.find('>', i + 1);
      if (end != std::string::npos) {
        i = end + 1;
        continue;
      }
    }
    no_tags.push_back(no_comments[i++]);
  }
  std::string joined;
  for (const auto& w : text::split_whitespace(no_tags)) {
    if (!joined.empty())
      joined.push_back(' ');
    joined += w;
  }
  // html.unescape for the entities templates use.
  std::string out;
  for (std::size_t i = 0; i < joined.size(); ++i) {
    if (joined[i] != '&') {
      out.push_back(joined[i]);
      continue;
    }
    auto semi = joined.find(';', i);
    if (semi != std::string::npos && semi - i <= 10) {
      std::string ent = joined.substr(i + 1, semi - i - 1);
      long cp = -1;
      if (ent == "amp")
        cp = '&';
      else if (ent == "lt")
        cp = '<';
      else if (ent == "gt")
        cp = '>';
      else if (ent == "quot")
        cp = '"';
      else if (ent == "apos")
        cp = '\'';
      else if (ent == "nbsp")
        cp = 0xA0;
      else if (ent.size() > 1 && ent[0] == '#') {
        bool hex = ent[1] == 'x' || ent[1] == 'X';
        std::string digits = ent.substr(hex ? 2 : 1);
        char* endp = nullptr;
        if (!digits.empty()) {
          cp = std::strtol(digits.c_str(), &endp, hex ? 16 : 10);
          if (*endp != '\0' || cp <= 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = -1;
        }
      }
      if (cp >= 0) {
        text::append_utf8(out, static_cast<char32_t>(cp));
        i = semi;
        continue;
      }
    }
    out.push_back('&');
  }
  return runtime_value{std::move(out)};
}

runtime_value f_urlencode(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_urlencode", a, {}};
  auto quote = [&](const runtime_value& x, bool for_qs) {
    std::string s = str_arg(ev, x);
    std::string out;
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
      bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                  || c == '_' || c == '.' || c == '-' || c == '~' || (!for_qs && c == '/');
      if (safe) {
        out.push_back(static_cast<char>(c));
      } else if (for_qs && c == ' ') {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
      }
    }
    return out;
  };
  if (v.is_string() || !(v.is_sequence() || v.is_dict() || v.is_undefined()))
    return runtime_value{quote(v, false)};
  std::string out;
  auto add = [&](const runtime_value& k, const runtime_value& x) {
    if (!out.empty())
      out.push_back('&');
    out += quote(k, true) + "=" + quote(x, true);
  };
  if (v.is_dict()) {
    for (std::size_t i = 0; i < v.dict_size(); ++i)
      add(v.dict_key(i), v.dict_value(i));
  } else {
    for (const auto& pair : ev.iterate(v)) {
      auto kv = ev.iterate(pair);
      if (kv.size() != 2)
        fail(template_errc::value, "urlencode needs (key, value) pairs");
      add(kv[0], kv[1]);
    }
  }
  return runtime_value{std::move(out)};
}

/// Jinja 3.1's indent(s, width=4, first=False, blank=False).
runtime_value f_indent(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_indent", a, {"width", "first", "blank"}};
  std::string indention;
  if (b.has(0) && b[0].is_string())
    indention = b[0].as_string();
  else
    indention.assign(static_cast<std::size_t>(std::max<std::int64_t>(
                       0, b.has(0) ? int_argument("indent width", b[0]) : 4)),
                     ' ');
  bool first = bool_arg(b, 1, false);
  bool blank = bool_arg(b, 2, false);
  std::string s = str_arg(ev, v) + "\n";
  auto lines = text::splitlines(s);
  std::string rv;
  if (blank) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i)
        rv += "\n" + indention;
      rv += lines[i];
    }
  } else {
    rv = lines.empty() ? std::string{} : lines[0];
    if (lines.size() > 1) {
      rv += "\n";
      for (std::size_t i = 1; i < lines.size(); ++i) {
        if (i > 1)
          rv += "\n";
        rv += lines[i].empty() ? lines[i] : indention + lines[i];
      }
    }
  }
  if (first)
    rv = indention + rv;
  return keep_markup(v, std::move(rv));
}

/// textwrap.TextWrapper's chunking with break_on_hyphens (wordsep_re) or without.
std::vector<std::u32string> wrap_chunks_split(const std::u32string& text, bool break_on_hyphens) {
  auto ws = [](char32_t c) {
    return c == '\t' || c == '\n' || c == 0x0B || c == 0x0C || c == '\r' || c == ' ';
  };
  auto letter = [](char32_t c) { return text::is_word(c) && !text::is_decimal(c); };
  auto word_punct = [](char32_t c) {
    return text::is_word(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ','
           || c == '?';
  };
  std::vector<std::u32string> chunks;
  std::size_t n = text.size();
  std::size_t i = 0;
  auto at = [&](std::size_t k) -> char32_t { return k < n ? text[k] : 0; };
  while (i < n) {
    std::size_t start = i;
    if (ws(text[i])) {
      while (i < n && ws(text[i]))
        ++i;
      chunks.push_back(text.substr(start, i - start));
      continue;
    }
    if (!break_on_hyphens) {
      while (i < n && !ws(text[i]))
        ++i;
      chunks.push_back(text.substr(start, i - start));
      continue;
    }
    // em-dash between words: (?<=wp) -{2,} (?=\w)
    if (text[i] == '-' && i > 0 && word_punct(text[i - 1])) {
      std::size_t j = i;
      while (j < n && text[j] == '-')
        ++j;
      if (j - i >= 2 && j < n && text::is_word(text[j])) {
        chunks.push_back(text.substr(i, j - i));
        i = j;
        continue;
      }
    }
    // word, possibly hyphenated: nws+? followed by one of the lookaheads.
    std::size_t j = i + 1;
    while (true) {
      // j is the candidate end (exclusive) of the lazy nws+ run; text[j-1] consumed.
      if (j > n)
        break;
      // hyphenated word: the run may end with '-' matched as part of the group.
      if (j < n && text[j] == '-') {
        std::size_t h = j;
        bool lookbehind = (h >= 2 && letter(at(h - 2)) && letter(at(h - 1)))
                          || (h >= 3 && letter(at(h - 3)) && at(h - 2) == '-' && letter(at(h - 1)));
        bool lookahead =
          letter(at(h + 1)) && (letter(at(h + 2)) || (at(h + 2) == '-' && letter(at(h + 3))));
        if (lookbehind && lookahead) {
          j = h + 1;
          break;
        }
      }
      // end of word
      if (j >= n || ws(text[j]))
        break;
      // em-dash: (?<=wp)(?=-{2,}\w)
      if (word_punct(text[j - 1]) && text[j] == '-') {
        std::size_t k = j;
        while (k < n && text[k] == '-')
          ++k;
        if (k - j >= 2 && k < n && text::is_word(text[k]))
          break;
      }
      if (ws(text[j]))
        break;
      ++j;
    }
    i = std::min(j, n);
    chunks.push_back(text.substr(start, i - start));
  }
  return chunks;
}

bool blank_chunk(const std::u32string& c) {
  return std::all_of(c.begin(), c.end(), [](char32_t ch) { return text::is_space(ch); });
}

std::vector<std::u32string> text_wrap(const std::u32string& text, long width, bool break_long_words,
                                      bool break_on_hyphens) {
  auto chunks = wrap_chunks_split(text, break_on_hyphens);
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::u32string> lines;
  while (!chunks.empty()) {
    std::vector<std::u32string> cur;
    long cur_len = 0;
    if (blank_chunk(chunks.back()) && !lines.empty())
      chunks.pop_back();
    while (!chunks.empty()) {
      long l = static_cast<long>(chunks.back().size());
      if (cur_len + l <= width) {
        cur.push_back(chunks.back());
        chunks.pop_back();
        cur_len += l;
      } else {
        break;
      }
    }
    if (!chunks.empty() && static_cast<long>(chunks.back().size()) > width) {
      long space_left = width < 1 ? 1 : width - cur_len;
      if (break_long_words) {
        long end = space_left;
        auto& chunk = chunks.back();
        if (break_on_hyphens && static_cast<long>(chunk.size()) > space_left) {
          auto hyphen =
            chunk.rfind(U'-', static_cast<std::size_t>(std::max<long>(space_left - 1, 0)));
          if (space_left > 0 && hyphen != std::u32string::npos && hyphen > 0
              && static_cast<long>(hyphen) < space_left
              && std::any_of(chunk.begin(), chunk.begin() + static_cast<long>(hyphen),
                             [](char32_t c) { return c != '-'; }))
            end = static_cast<long>(hyphen) + 1;
        }
        cur.push_back(chunk.substr(0, static_cast<std::size_t>(end)));
        chunk = chunk.substr(static_cast<std::size_t>(end));
      } else if (cur.empty()) {
        cur.push_back(chunks.back());
        chunks.pop_back();
      }
      cur_len = 0;
      for (const auto& c : cur)
        cur_len += static_cast<long>(c.size());
    }
    if (!cur.empty() && blank_chunk(cur.back())) {
      cur_len -= static_cast<long>(cur.back().size());
      cur.pop_back();
    }
    if (!cur.empty()) {
      std::u32string line;
      for (const auto& c : cur)
        line += c;
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

runtime_value f_wordwrap(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{
    "do_wordwrap", a, {"width", "break_long_words", "wrapstring", "break_on_hyphens"}};
  long width = b.has(0) ? static_cast<long>(int_argument("wordwrap width", b[0])) : 79;
  if (width <= 0)
    fail(template_errc::value, "invalid width " + std::to_string(width) + " (must be > 0)");
  bool break_long = bool_arg(b, 1, true);
  std::string wrapstring = b.has(2) && !b[2].is_none() ? str_arg(ev, b[2]) : "\n";
  bool hyphens = bool_arg(b, 3, true);
  std::string s = str_arg(ev, v);
  std::string out;
  bool first_line = true;
  for (const auto& line : text::splitlines(s)) {
    if (!first_line)
      out += wrapstring;
    first_line = false;
    bool first_piece = true;
    for (const auto& piece : text_wrap(text::decode(line), width, break_long, hyphens)) {
      if (!first_piece)
        out += wrapstring;
      first_piece = false;
      out += text::encode(piece);
    }
  }
  return runtime_value{std::move(out)};
}

runtime_value f_filesizeformat(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_filesizeformat", a, {"binary"}};
  bool binary = bool_arg(b, 0, false);
  double bytes;
  if (v.is_number()) {
    bytes = v.as_double();
  } else {
    std::string s{text::strip(str_arg(ev, v), std::nullopt, true, true)};
    char* end = nullptr;
    bytes = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0')
      fail(template_errc::value, "could not convert string to float: " + text::repr(s));
  }
  double base = binary ? 1024 : 1000;
  static const char* dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1)
    return runtime_value{"1 Byte"};
  if (bytes < base) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld Bytes", static_cast<long long>(bytes));
    return runtime_value{std::string{buf}};
  }
  double unit = 0;
  int i = 0;
  for (; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit)
      break;
  }
  if (i == 8)
    i = 7;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, binary ? bin[i] : dec[i]);
  return runtime_value{std::string{buf}};
}

runtime_value f_xmlattr(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_xmlattr", a, {"autospace"}};
  if (!v.is_dict())
    fail(template_errc::type, "xmlattr needs a mapping");
  std::string rv;
  for (std::size_t i = 0; i < v.dict_size(); ++i) {
    auto x = v.dict_value(i);
    if (x.is_none() || x.is_undefined())
      continue;
    std::string key = str_arg(ev, v.dict_key(i));
    if (key.find_first_of(" \t\n\r\f\v/>=") != std::string::npos)
      fail(template_errc::value, "Invalid character in attribute name: " + text::repr(key));
    if (!rv.empty())
      rv.push_back(' ');
    rv += escape_html(ev, runtime_value{key}).as_string() + "=\"" + escape_html(ev, x).as_string()
          + "\"";
  }
  if (bool_arg(b, 0, true) && !rv.empty())
    rv = " " + rv;
  return runtime_value{std::move(rv)};
}

// -- numbers -------------------------------------------------------------------------------------

/// Python's int(str, base): whitespace, sign, optional prefix, underscores between digits.
std::optional<std::int64_t> parse_int(std::string_view s, std::int64_t base) {
  auto t = text::strip(s, std::nullopt, true, true);
  std::string str{t};
  bool negative = false;
  std::size_t i = 0;
  if (i < str.size() && (str[i] == '+' || str[i] == '-'))
    negative = str[i++] == '-';
  if (base == 0 || base == 16 || base == 8 || base == 2) {
    if (i + 1 < str.size() && str[i] == '0') {
      char p = static_cast<char>(str[i + 1] | 0x20);
      int pb = p == 'x' ? 16 : (p == 'o' ? 8 : (p == 'b' ? 2 : 0));
      if (pb && (base == 0 || base == pb)) {
        base = pb;
        i += 2;
        if (i < str.size() && str[i] == '_')
          ++i;
      }
    }
    if (base == 0) {
      base = 10;
      // base 0 forbids leading zeros in non-zero decimals
      if (i + 1 < str.size() && str[i] == '0') {
        for (std::size_t k = i; k < str.size(); ++k)
          if (str[k] != '0' && str[k] != '_')
            return std::nullopt;
      }
    }
  }
  if (base < 2 || base > 36)
    return std::nullopt;
  if (i >= str.size())
    return std::nullopt;
  unsigned __int128 acc = 0;
  bool last_underscore = true;
  for (; i < str.size(); ++i) {
    char c = str[i];
    if (c == '_') {
      if (last_underscore)
        return std::nullopt;
      last_underscore = true;
      continue;
    }
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
      d = (c | 0x20) - 'a' + 10;
    else
      return std::nullopt;
    if (d >= base)
      return std::nullopt;
    acc = acc * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (acc > static_cast<unsigned __int128>(INT64_MAX) + 1)
      fail(template_errc::overflow, "integer " + std::string{t} + " does not fit in 64 bits");
    last_underscore = false;
  }
  if (last_underscore)
    return std::nullopt;
  if (!negative && acc > static_cast<unsigned __int128>(INT64_MAX))
    fail(template_errc::overflow, "integer " + std::string{t} + " does not fit in 64 bits");
  auto mag = static_cast<std::int64_t>(acc - (negative ? 1 : 0));
  return negative ? -mag - 1 : mag;
}

/// Python's float(str).
std::optional<double> parse_float(std::string_view s) {
  std::string t{text::strip(s, std::nullopt, true, true)};
  if (t.empty())
    return std::nullopt;
  std::string lowered = text::lower(t);
  std::string body = lowered;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body = body.substr(1);
  }
  if (body == "inf" || body == "infinity")
    return negative ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan")
    return negative ? -NAN : NAN;
  // digits with single underscores between digits, optional fraction and exponent
  std::string clean;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '_') {
      if (i == 0 || i + 1 >= t.size() || !std::isdigit(static_cast<unsigned char>(t[i - 1]))
          || !std::isdigit(static_cast<unsigned char>(t[i + 1])))
        return std::nullopt;
      continue;
    }
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E'
          || c == '+' || c == '-'))
      return std::nullopt;
    clean.push_back(c);
  }
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(clean.c_str(), &end);
  if (end == clean.c_str() || *end != '\0')
    return std::nullopt;
  return d;
}

runtime_value f_int(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_int", a, {"default", "base"}};
  runtime_value dflt = b.get(0, runtime_value{std::int64_t{0}});
  // A base that is not an int makes int(value, base) raise TypeError, which do_int catches.
  std::optional<std::int64_t> base = 10;
  if (b.has(1))
    base = b[1].is_int() || b[1].is_bool() ? std::optional{b[1].as_integer()} : std::nullopt;
  if (v.is_undefined())
    ev.raise_undefined(v);
  if (v.is_int() || v.is_bool())
    return runtime_value{v.as_integer()};
  if (v.is_real()) {
    double d = v.as_double();
    if (std::isnan(d))
      return dflt;
    if (std::isinf(d))
      fail(template_errc::overflow, "cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2233720368547758e18)
      fail(template_errc::overflow, "integer result does not fit in 64 bits");
    return runtime_value{static_cast<std::int64_t>(d)};
  }
  if (v.is_string()) {
    if (base)
      if (auto i = parse_int(v.as_string(), *base))
        return runtime_value{*i};
    if (auto d = parse_float(v.as_string())) {
      if (std::isnan(*d))
        return dflt;
      if (std::isinf(*d))
        fail(template_errc::overflow, "cannot convert float infinity to integer");
      if (std::fabs(*d) >= 9.2233720368547758e18)
        fail(template_errc::overflow, "integer result does not fit in 64 bits");
      return runtime_value{static_cast<std::int64_t>(*d)};
    }
    return dflt;
  }
  return dflt;
}

runtime_value f_float(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_float", a, {"default"}};
  runtime_value dflt = b.get(0, runtime_value{0.0});
  if (v.is_undefined())
    ev.raise_undefined(v);
  if (v.is_number())
    return runtime_value{v.as_double()};
  if (v.is_string()) {
    if (auto d = parse_float(v.as_string()))
      return runtime_value{*d};
  }
  return dflt;
}

runtime_value f_abs(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"abs", a, {}};
  if (v.is_undefined())
    ev.raise_undefined(v);
  if (v.is_int() || v.is_bool()) {
    auto i = v.as_integer();
    if (i == INT64_MIN)
      fail(template_errc::overflow, "integer result does not fit in 64 bits");
    return runtime_value{i < 0 ? -i : i};
  }
  if (v.is_real())
    return runtime_value{std::fabs(v.as_double())};
  fail(template_errc::type, "bad operand type for abs(): '" + std::string{type_name(v)} + "'");
}

double round_half_even(double x, std::int64_t ndigits) {
  if (std::isnan(x) || std::isinf(x))
    return x;
  if (ndigits > 300)
    return x;
  if (ndigits >= 0) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(ndigits), x);
    return std::strtod(buf, nullptr);
  }
  if (ndigits < -308)
    return std::copysign(0.0, x);
  double p = std::pow(10.0, static_cast<double>(-ndigits));
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.0f", x / p);
  double r = std::strtod(buf, nullptr) * p;
  return r == 0.0 ? std::copysign(0.0, x) : r;
}

runtime_value f_round(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_round", a, {"precision", "method"}};
  std::int64_t precision = b.has(0) ? int_argument("round precision", b[0]) : 0;
  std::string method = b.has(1) ? str_arg(ev, b[1]) : "common";
  if (method != "common" && method != "ceil" && method != "floor")
    fail(template_errc::filter, "method must be common, ceil or floor");
  if (v.is_undefined())
    ev.raise_undefined(v);
  if (!v.is_number())
    fail(template_errc::type,
         "type " + std::string{type_name(v)} + " doesn't define __round__ method");
  if (method == "common") {
    if (v.is_int() || v.is_bool()) {
      std::int64_t i = v.as_integer();
      if (precision >= 0)
        return runtime_value{i};
      if (precision < -18)
        return runtime_value{std::int64_t{0}};
      std::int64_t p = 1;
      for (std::int64_t k = 0; k < -precision; ++k)
        p *= 10;
      std::int64_t q = i / p;
      std::int64_t r = i % p;
      if (r < 0) {
        q -= 1;
        r += p;
      }
      if (2 * r > p || (2 * r == p && (q % 2 != 0)))
        q += 1;
      return runtime_value{checked_mul(q, p)};
    }
    return runtime_value{round_half_even(v.as_double(), precision)};
  }
  double scale = std::pow(10.0, static_cast<double>(precision));
  double x = v.as_double() * scale;
  double r = method == "ceil" ? std::ceil(x) : std::floor(x);
  return runtime_value{r / scale};
}

// -- sequences -----------------------------------------------------------------------------------

runtime_value f_length(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"len", a, {}};
  return runtime_value{ev.length(v)};
}

runtime_value f_list(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_list", a, {}};
  if (v.is_list())
    return v;
  return runtime_value::list(ev.iterate(v));
}

runtime_value f_first(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_first", a, {}};
  if (v.is_sequence()) {
    if (v.seq_size() == 0)
      return runtime_value::undefined("No first item, sequence was empty.");
    return v.seq_at(0);
  }
  auto items = ev.iterate(v);
  if (items.empty())
    return runtime_value::undefined("No first item, sequence was empty.");
  return items.front();
}

runtime_value f_last(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_last", a, {}};
  if (v.is_sequence()) {
    if (v.seq_size() == 0)
      return runtime_value::undefined("No last item, sequence was empty.");
    return v.seq_at(v.seq_size() - 1);
  }
  auto items = ev.iterate(v);
  if (items.empty())
    return runtime_value::undefined("No last item, sequence was empty.");
  return items.back();
}

runtime_value f_reverse(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_reverse", a, {}};
  if (v.is_string())
    return keep_markup(v, text::slice(v.as_string(), std::nullopt, std::nullopt, -1));
  if (!(v.is_sequence() || v.is_dict() || v.is_undefined()))
    fail(template_errc::filter, "argument must be iterable");
  auto items = ev.iterate(v);
  std::reverse(items.begin(), items.end());
  return runtime_value::list(std::move(items));
}

runtime_value f_join(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_join", a, {"d", "attribute"}};
  std::string sep = b.has(0) ? str_arg(ev, b[0]) : "";
  std::vector<runtime_value> parts;
  bool attr = b.has(1) && !b[1].is_none();
  if (attr)
    parts = attribute_parts(b[1]);
  std::string out;
  bool first = true;
  for (const auto& item : ev.iterate(v)) {
    if (!first)
      out += sep;
    first = false;
    out += ev.text(attr ? lookup_parts(ev, item, parts) : item);
  }
  return runtime_value{std::move(out)};
}

runtime_value f_default(evaluator&, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_default", a, {"default_value", "boolean"}};
  if (v.is_undefined() || (bool_arg(b, 1, false) && !truthy(v)))
    return b.get(0, runtime_value{""});
  return v;
}

runtime_value f_sort(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_sort", a, {"reverse", "case_sensitive", "attribute"}};
  bool reverse = bool_arg(b, 0, false);
  bool case_sensitive = bool_arg(b, 1, false);
  auto items = ev.iterate(v);
  // Multi-attribute keys: "a,b" sorts by a then b.
  std::vector<std::vector<runtime_value>> attrs;
  if (b.has(2) && !b[2].is_none()) {
    if (b[2].is_string())
      for (const auto& part : text::split(b[2].as_string(), ","))
        attrs.push_back(attribute_parts(runtime_value{part}));
    else
      attrs.push_back(attribute_parts(b[2]));
  } else {
    attrs.emplace_back();
  }
  std::vector<runtime_value> keys;
  keys.reserve(items.size());
  for (const auto& item : items) {
    std::vector<runtime_value> key;
    for (const auto& parts : attrs) {
      auto k = lookup_parts(ev, item, parts);
      key.push_back(case_sensitive ? k : ignore_case(k));
    }
    keys.push_back(runtime_value::list(std::move(key)));
  }
  for (const auto& k : keys)
    for (std::size_t i = 0; i < k.seq_size(); ++i)
      if (k.seq_at(i).is_undefined() && items.size() > 1)
        fail(template_errc::type,
             "'<' not supported between instances of 'Undefined' and 'Undefined'");
  sort_by_key(items, keys, reverse);
  return runtime_value::list(std::move(items));
}

runtime_value f_dictsort(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_dictsort", a, {"case_sensitive", "by", "reverse"}};
  bool case_sensitive = bool_arg(b, 0, false);
  std::string by = b.has(1) ? str_arg(ev, b[1]) : "key";
  bool reverse = bool_arg(b, 2, false);
  int pos;
  if (by == "key")
    pos = 0;
  else if (by == "value")
    pos = 1;
  else
    fail(template_errc::filter, "You can only sort by either \"key\" or \"value\"");
  if (!v.is_dict())
    fail(template_errc::type,
         "'" + std::string{type_name(v)} + "' object has no attribute 'items'");
  std::vector<runtime_value> items;
  std::vector<runtime_value> keys;
  for (std::size_t i = 0; i < v.dict_size(); ++i) {
    auto k = v.dict_key(i);
    auto x = v.dict_value(i);
    auto key = pos == 0 ? k : x;
    keys.push_back(case_sensitive ? key : ignore_case(key));
    items.push_back(runtime_value::tuple({k, x}));
  }
  sort_by_key(items, keys, reverse);
  return runtime_value::list(std::move(items));
}

runtime_value f_items(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_items", a, {}};
  if (v.is_undefined()) {
    ev.check(v);
    return runtime_value::list({});
  }
  if (!v.is_dict())
    fail(template_errc::type, "Can only get item pairs from a mapping.");
  std::vector<runtime_value> items;
  for (std::size_t i = 0; i < v.dict_size(); ++i)
    items.push_back(runtime_value::tuple({v.dict_key(i), v.dict_value(i)}));
  return runtime_value::list(std::move(items));
}

runtime_value f_unique(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_unique", a, {"case_sensitive", "attribute"}};
  bool case_sensitive = bool_arg(b, 0, false);
  std::vector<runtime_value> parts;
  if (b.has(1) && !b[1].is_none())
    parts = attribute_parts(b[1]);
  std::unordered_set<std::string> seen;
  std::vector<runtime_value> out;
  for (const auto& item : ev.iterate(v)) {
    auto key = lookup_parts(ev, item, parts);
    if (!case_sensitive)
      key = ignore_case(key);
    if (seen.insert(hash_key(key)).second)
      out.push_back(item);
  }
  return runtime_value::list(std::move(out));
}

runtime_value min_max(evaluator& ev, const runtime_value& v, call_arguments& a, bool is_max) {
  bound_arguments b{is_max ? "do_max" : "do_min", a, {"case_sensitive", "attribute"}};
  bool case_sensitive = bool_arg(b, 0, false);
  std::vector<runtime_value> parts;
  if (b.has(1) && !b[1].is_none())
    parts = attribute_parts(b[1]);
  auto items = ev.iterate(v);
  if (items.empty())
    return runtime_value::undefined("No aggregated item, sequence was empty.");
  auto key_of = [&](const runtime_value& item) {
    auto k = lookup_parts(ev, item, parts);
    return case_sensitive ? k : ignore_case(k);
  };
  std::size_t best = 0;
  auto best_key = key_of(items[0]);
  for (std::size_t i = 1; i < items.size(); ++i) {
    auto k = key_of(items[i]);
    int c = compare(k, best_key);
    if (c != 2 && (is_max ? c > 0 : c < 0)) {
      best = i;
      best_key = std::move(k);
    }
  }
  return items[best];
}

runtime_value f_min(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return min_max(ev, v, a, false);
}

runtime_value f_max(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return min_max(ev, v, a, true);
}

runtime_value f_sum(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_sum", a, {"attribute", "start"}};
  std::vector<runtime_value> parts;
  if (b.has(0) && !b[0].is_none())
    parts = attribute_parts(b[0]);
  runtime_value total = b.get(1, runtime_value{std::int64_t{0}});
  for (const auto& item : ev.iterate(v))
    total = arithmetic(ev, binary_op::add, total, lookup_parts(ev, item, parts));
  return total;
}

runtime_value f_batch(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_batch", a, {"linecount", "fill_with"}};
  if (!b.has(0))
    fail(template_errc::type, "do_batch() missing 1 required positional argument: 'linecount'");
  std::int64_t count = int_argument("batch linecount", b[0]);
  if (count <= 0)
    fail(template_errc::value, "batch linecount must be positive");
  bool fill = b.has(1) && !b[1].is_none();
  std::vector<runtime_value> out;
  std::vector<runtime_value> tmp;
  for (auto& item : ev.iterate(v)) {
    if (static_cast<std::int64_t>(tmp.size()) == count) {
      out.push_back(runtime_value::list(std::move(tmp)));
      tmp.clear();
    }
    tmp.push_back(std::move(item));
  }
  if (!tmp.empty()) {
    if (fill)
      while (static_cast<std::int64_t>(tmp.size()) < count)
        tmp.push_back(b[1]);
    out.push_back(runtime_value::list(std::move(tmp)));
  }
  return runtime_value::list(std::move(out));
}

runtime_value f_slice(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_slice", a, {"slices", "fill_with"}};
  if (!b.has(0))
    fail(template_errc::type, "do_slice() missing 1 required positional argument: 'slices'");
  std::int64_t slices = int_argument("slice count", b[0]);
  if (slices <= 0)
    fail(template_errc::value, "integer division or modulo by zero");
  bool fill = b.has(1) && !b[1].is_none();
  auto seq = ev.iterate(v);
  auto length = static_cast<std::int64_t>(seq.size());
  std::int64_t per = length / slices;
  std::int64_t extra = length % slices;
  std::int64_t offset = 0;
  std::vector<runtime_value> out;
  for (std::int64_t n = 0; n < slices; ++n) {
    std::int64_t start = offset + n * per;
    if (n < extra)
      offset += 1;
    std::int64_t end = offset + (n + 1) * per;
    std::vector<runtime_value> tmp(seq.begin() + start, seq.begin() + end);
    if (fill && n >= extra)
      tmp.push_back(b[1]);
    out.push_back(runtime_value::list(std::move(tmp)));
  }
  return runtime_value::list(std::move(out));
}

/// groupby results are tuples whose fields are also named `grouper` and `list`.
runtime_value f_groupby(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_groupby", a, {"attribute", "default", "case_sensitive"}};
  if (!b.has(0))
    fail(template_errc::type, "do_groupby() missing 1 required positional argument: 'attribute'");
  auto parts = attribute_parts(b[0]);
  runtime_value dflt = b.get(1, runtime_value{});
  bool case_sensitive = bool_arg(b, 2, false);
  auto items = ev.iterate(v);
  std::vector<runtime_value> keys;
  for (const auto& item : items) {
    auto k = lookup_parts(ev, item, parts, &dflt);
    keys.push_back(case_sensitive ? k : ignore_case(k));
  }
  sort_by_key(items, keys, false);
  std::vector<runtime_value> recomputed;
  for (const auto& item : items) {
    auto k = lookup_parts(ev, item, parts, &dflt);
    recomputed.push_back(case_sensitive ? k : ignore_case(k));
  }
  std::vector<runtime_value> groups;
  std::size_t i = 0;
  while (i < items.size()) {
    std::size_t j = i;
    std::vector<runtime_value> members;
    while (j < items.size() && equal(recomputed[j], recomputed[i]))
      members.push_back(items[j++]);
    runtime_value grouper =
      case_sensitive ? recomputed[i] : lookup_parts(ev, members[0], parts, &dflt);
    groups.push_back(make_group(std::move(grouper), runtime_value::list(std::move(members))));
    i = j;
  }
  return runtime_value::list(std::move(groups));
}

runtime_value f_map(evaluator& ev, const runtime_value& v, call_arguments& a) {
  if (!truthy(v))
    return runtime_value::list({});
  std::vector<runtime_value> out;
  if (a.positional.empty()) {
    auto it = std::find_if(a.keyword.begin(), a.keyword.end(),
                           [](const auto& kw) { return kw.first == "attribute"; });
    if (it == a.keyword.end())
      fail(template_errc::filter, "map requires a filter argument");
    auto parts = attribute_parts(it->second);
    runtime_value dflt;
    for (const auto& [k, x] : a.keyword) {
      if (k == "default")
        dflt = x;
      else if (k != "attribute")
        fail(template_errc::filter, "Unexpected keyword argument '" + k + "'");
    }
    for (const auto& item : ev.iterate(v))
      out.push_back(lookup_parts(ev, item, parts, &dflt));
    return runtime_value::list(std::move(out));
  }
  std::string name = str_arg(ev, a.positional[0]);
  for (const auto& item : ev.iterate(v)) {
    call_arguments rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keyword = a.keyword;
    out.push_back(ev.apply_filter(name, item, rest, 0));
  }
  return runtime_value::list(std::move(out));
}

runtime_value select_or_reject(evaluator& ev, const runtime_value& v, call_arguments& a,
                               bool select, bool lookup_attr) {
  if (!truthy(v))
    return runtime_value::list({});
  std::size_t off = 0;
  std::vector<runtime_value> parts;
  if (lookup_attr) {
    if (a.positional.empty())
      fail(template_errc::filter, "Missing parameter for attribute name");
    parts = attribute_parts(a.positional[0]);
    off = 1;
  }
  bool has_test = a.positional.size() > off;
  std::string test_name = has_test ? str_arg(ev, a.positional[off]) : std::string{};
  std::vector<runtime_value> out;
  for (const auto& item : ev.iterate(v)) {
    auto x = lookup_attr ? lookup_parts(ev, item, parts) : item;
    bool ok;
    if (has_test) {
      call_arguments rest;
      rest.positional.assign(a.positional.begin() + static_cast<long>(off) + 1, a.positional.end());
      rest.keyword = a.keyword;
      ok = ev.apply_test(test_name, x, rest, 0);
    } else {
      ok = ev.truth(x);
    }
    if (ok == select)
      out.push_back(item);
  }
  return runtime_value::list(std::move(out));
}

runtime_value f_select(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return select_or_reject(ev, v, a, true, false);
}
runtime_value f_reject(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return select_or_reject(ev, v, a, false, false);
}
runtime_value f_selectattr(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return select_or_reject(ev, v, a, true, true);
}
runtime_value f_rejectattr(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return select_or_reject(ev, v, a, false, true);
}

runtime_value f_attr(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_attr", a, {"name"}};
  if (!b.has(0))
    fail(template_errc::type, "do_attr() missing 1 required positional argument: 'name'");
  std::string name = str_arg(ev, b[0]);
  if (v.is_undefined())
    ev.raise_undefined(v);
  if (v.is_object()) {
    if (auto x = v.as_object().attribute(name))
      return *x;
  } else if (has_method(v, name)) {
    return ev.getattr(v, name);
  }
  return runtime_value::undefined("'" + std::string{type_name(v)} + " object' has no attribute '"
                                  + name + "'");
}

// -- tojson ---------------------------------------------------------------------------------------

void json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  auto unicode_escape = [&](unsigned cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
      out.push_back(hex[(cp >> shift) & 0xF]);
  };
  for (std::size_t pos = 0; pos < s.size();) {
    char32_t c = text::decode_one(s, pos);
    if (const char* e = io::json_short_escape(c)) {
      out += e;
    } else if (c < 0x20 || c > 0x7F) { // Python's ensure_ascii: DEL stays as it is
      if (c >= 0x10000) {
        unsigned v = c - 0x10000;
        unicode_escape(0xD800 | (v >> 10));
        unicode_escape(0xDC00 | (v & 0x3FF));
      } else {
        unicode_escape(c);
      }
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

void json_dump(evaluator& ev, std::string& out, const runtime_value& v, const std::string* indent,
               int level, int depth) {
  if (depth > max_nesting)
    fail(template_errc::depth, "tojson: value nested too deeply");
  auto newline = [&](int lvl) {
    out.push_back('\n');
    for (int i = 0; i < lvl; ++i)
      out += *indent;
  };
  switch (v.kind()) {
  case rkind::none:
    out += "null";
    return;
  case rkind::boolean:
    out += v.as_bool() ? "true" : "false";
    return;
  case rkind::integer:
    out += std::to_string(v.as_int());
    return;
  case rkind::real: {
    double d = v.as_double();
    if (std::isnan(d))
      out += "NaN";
    else if (std::isinf(d))
      out += d < 0 ? "-Infinity" : "Infinity";
    else
      out += float_repr(d);
    return;
  }
  case rkind::string:
  case rkind::markup:
    json_string(out, v.as_string());
    return;
  case rkind::list:
  case rkind::tuple: {
    std::size_t n = v.seq_size();
    if (n == 0) {
      out += "[]";
      return;
    }
    out.push_back('[');
    for (std::size_t i = 0; i < n; ++i) {
      if (i)
        out += indent ? "," : ", ";
      if (indent)
        newline(level + 1);
      json_dump(ev, out, v.seq_at(i), indent, level + 1, depth + 1);
    }
    if (indent)
      newline(level);
    out.push_back(']');
    return;
  }
  case rkind::dict: {
    std::size_t n = v.dict_size();
    if (n == 0) {
      out += "{}";
      return;
    }
    std::vector<std::pair<std::string, runtime_value>> members;
    std::vector<runtime_value> keys;
    for (std::size_t i = 0; i < n; ++i)
      keys.push_back(v.dict_key(i));
    std::vector<runtime_value> order = keys;
    sort_by_key(order, keys, false);
    for (const auto& k : order) {
      members.emplace_back(json_key(k), *v.dict_get(k));
    }
    out.push_back('{');
    bool first = true;
    for (const auto& [k, x] : members) {
      if (!first)
        out += indent ? "," : ", ";
      first = false;
      if (indent)
        newline(level + 1);
      json_string(out, k);
      out += ": ";
      json_dump(ev, out, x, indent, level + 1, depth + 1);
    }
    if (indent)
      newline(level);
    out.push_back('}');
    return;
  }
  case rkind::undefined:
    ev.check(v);
    fail(template_errc::type, "Object of type Undefined is not JSON serializable");
  case rkind::object:
    fail(template_errc::type,
         "Object of type " + std::string{v.as_object().type_name()} + " is not JSON serializable");
  }
}

runtime_value f_tojson(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"do_tojson", a, {"indent"}};
  std::string indent;
  bool pretty = false;
  if (b.has(0) && !b[0].is_none()) {
    pretty = true;
    if (b[0].is_string())
      indent = b[0].as_string();
    else
      indent.assign(
        static_cast<std::size_t>(std::max<std::int64_t>(0, int_argument("indent", b[0]))), ' ');
  }
  std::string json;
  json_dump(ev, json, v, pretty ? &indent : nullptr, 0, 0);
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    switch (c) {
    case '<':
      out += "\\u003c";
      break;
    case '>':
      out += "\\u003e";
      break;
    case '&':
      out += "\\u0026";
      break;
    case '\'':
      out += "\\u0027";
      break;
    default:
      out.push_back(c);
    }
  }
  return runtime_value::markup(std::move(out));
}

// -- the original system's onex filters ------------------------------------------------------------

bool ascii_upper(char32_t c) {
  return c >= 'A' && c <= 'Z';
}
bool ascii_lower(char32_t c) {
  return c >= 'a' && c <= 'z';
}

/// re.sub("(.)([A-Z][a-z]+)", r"\1_\2", text) then re.sub("([a-z0-9])([A-Z])", r"\1_\2", s1)
/// then .lower().
runtime_value f_to_snake_case(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"to_snake_case", a, {}};
  if (!v.is_string()) {
    if (v.is_undefined())
      ev.check(v);
    fail(template_errc::type,
         "expected string or bytes-like object, got '" + std::string{type_name(v)} + "'");
  }
  auto s = text::decode(v.as_string());
  std::u32string s1;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '\n' && i + 2 < s.size() && ascii_upper(s[i + 1]) && ascii_lower(s[i + 2])) {
      std::size_t j = i + 2;
      while (j < s.size() && ascii_lower(s[j]))
        ++j;
      s1.push_back(s[i]);
      s1.push_back('_');
      s1.append(s, i + 1, j - i - 1);
      i = j;
    } else {
      s1.push_back(s[i++]);
    }
  }
  std::u32string s2;
  i = 0;
  while (i < s1.size()) {
    char32_t c = s1[i];
    if (i + 1 < s1.size() && (ascii_lower(c) || (c >= '0' && c <= '9')) && ascii_upper(s1[i + 1])) {
      s2.push_back(c);
      s2.push_back('_');
      s2.push_back(s1[i + 1]);
      i += 2;
    } else {
      s2.push_back(c);
      ++i;
    }
  }
  return runtime_value{text::lower(text::encode(s2))};
}

runtime_value f_sort_imports(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"sort_imports", a, {}};
  auto items = ev.iterate(v);
  auto keys = items;
  sort_by_key(items, keys, false);
  return runtime_value::list(std::move(items));
}

runtime_value f_repr(evaluator&, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"repr_filter", a, {}};
  return runtime_value{to_repr(v)};
}

/// The original's indent_filter(text, spaces=4): every non-blank line, the first included.
runtime_value f_onex_indent(evaluator& ev, const runtime_value& v, call_arguments& a) {
  for (const auto& [k, x] : a.keyword)
    if (k == "text")
      fail(template_errc::type, "indent_filter() got multiple values for argument 'text'");
  bound_arguments b{"indent_filter", a, {"spaces"}};
  if (!v.is_string()) {
    if (v.is_undefined())
      ev.raise_undefined(v);
    fail(template_errc::type,
         "'" + std::string{type_name(v)} + "' object has no attribute 'split'");
  }
  std::int64_t spaces = 4;
  if (b.has(0)) {
    if (!b[0].is_int() && !b[0].is_bool())
      fail(template_errc::type,
           "can't multiply sequence by non-int of type '" + std::string{type_name(b[0])} + "'");
    spaces = b[0].as_integer();
  }
  std::string indent(static_cast<std::size_t>(std::max<std::int64_t>(spaces, 0)), ' ');
  std::string out;
  bool first = true;
  for (const auto& line : text::split(v.as_string(), "\n")) {
    if (!first)
      out.push_back('\n');
    first = false;
    if (text::strip(line, std::nullopt, true, true).empty())
      out += line;
    else
      out += indent + line;
  }
  return keep_markup(v, std::move(out));
}

} // namespace

filter_impl builtin_filter(std::string_view name, bool onex) {
  if (onex) {
    if (name == "to_snake_case")
      return f_to_snake_case;
    if (name == "sort_imports")
      return f_sort_imports;
    if (name == "repr")
      return f_repr;
    if (name == "indent")
      return f_onex_indent;
  }
  static const std::pair<std::string_view, filter_impl> table[] = {
    {"abs", f_abs},
    {"attr", f_attr},
    {"batch", f_batch},
    {"capitalize", f_capitalize},
    {"center", f_center},
    {"count", f_length},
    {"d", f_default},
    {"default", f_default},
    {"dictsort", f_dictsort},
    {"e", f_escape},
    {"escape", f_escape},
    {"filesizeformat", f_filesizeformat},
    {"first", f_first},
    {"float", f_float},
    {"forceescape", f_forceescape},
    {"format", f_format},
    {"groupby", f_groupby},
    {"indent", f_indent},
    {"int", f_int},
    {"join", f_join},
    {"last", f_last},
    {"length", f_length},
    {"list", f_list},
    {"lower", f_lower},
    {"items", f_items},
    {"map", f_map},
    {"min", f_min},
    {"max", f_max},
    {"reject", f_reject},
    {"rejectattr", f_rejectattr},
    {"replace", f_replace},
    {"reverse", f_reverse},
    {"round", f_round},
    {"safe", f_safe},
    {"select", f_select},
    {"selectattr", f_selectattr},
    {"slice", f_slice},
    {"sort", f_sort},
    {"string", f_string},
    {"striptags", f_striptags},
    {"sum", f_sum},
    {"title", f_title},
    {"trim", f_trim},
    {"truncate", f_truncate},
    {"unique", f_unique},
    {"upper", f_upper},
    {"urlencode", f_urlencode},
    {"wordcount", f_wordcount},
    {"wordwrap", f_wordwrap},
    {"xmlattr", f_xmlattr},
    {"tojson", f_tojson},
  };
  for (const auto& [n, f] : table)
    if (n == name)
      return f;
  return nullptr;
}

} // namespace genflow::templating
