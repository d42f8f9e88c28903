#include "runtime/templating/lexer.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "runtime/templating/icu_library.hpp"
#include "runtime/templating/template_errc.hpp"
#include "runtime/templating/unicode.hpp"

namespace genflow::templating {

namespace {

/// Jinja splits the source on \r\n, \r and \n, joins with \n and drops one trailing newline
/// unless keep_trailing_newline.
std::string normalize_newlines(std::string_view src, bool keep_trailing_newline) {
  std::string out;
  out.reserve(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    char c = src[i];
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < src.size() && src[i + 1] == '\n')
        ++i;
    } else {
      out.push_back(c);
    }
  }
  if (!keep_trailing_newline && !out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

bool is_digit_ascii(char c) {
  return c >= '0' && c <= '9';
}

class lexer {
public:
  lexer(std::string_view source, const lexer_options& opts)
    : src_(normalize_newlines(source, opts.keep_trailing_newline)), opts_(opts) {}

  std::vector<token> run() {
    while (pos_ < src_.size())
      lex_root();
    token eof;
    eof.type = token_type::eof;
    eof.line = line_;
    out_.push_back(std::move(eof));
    return std::move(out_);
  }

private:
  // -- helpers ------------------------------------------------------------------

  [[noreturn]] void error(const std::string& msg) const { fail(template_errc::syntax, msg, line_); }

  bool starts_with(std::size_t at, std::string_view s) const {
    return src_.compare(at, s.size(), s) == 0;
  }

  /// Advances `pos_` to `to`, counting newlines.
  void advance(std::size_t to) {
    for (std::size_t i = pos_; i < to; ++i)
      line_ += src_[i] == '\n';
    pos_ = to;
  }

  /// End of a run of Python whitespace starting at `at`.
  std::size_t skip_space(std::size_t at) const {
    while (at < src_.size()) {
      std::size_t next = at;
      if (!text::is_space(text::decode_one(src_, next)))
        break;
      at = next;
    }
    return at;
  }

  void emit(token_type type, std::string text, int line) {
    token t;
    t.type = type;
    t.line = line;
    t.text = std::move(text);
    out_.push_back(std::move(t));
  }

  /// Applies `-` / lstrip_blocks to the text preceding a tag (Jinja's OptionalLStrip).
  std::string_view strip_text(std::string_view text, char sign, bool is_variable) {
    if (sign == '-')
      return text::strip(text, std::nullopt, false, true);
    if (sign != '+' && opts_.lstrip_blocks && !is_variable) {
      auto nl = text.rfind('\n');
      std::size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
      if (l_pos > 0 || line_starting_) {
        auto tail = text.substr(l_pos);
        if (!tail.empty() && text::strip(tail, std::nullopt, true, false).empty())
          return text.substr(0, l_pos);
      }
    }
    return text;
  }

  // -- root state -----------------------------------------------------------------

  /// Matches `{%(-|+|)\s*raw\s*(?:-%}\s*|%})` at `at`; returns the end or npos.
  std::size_t match_raw_begin(std::size_t at, char& sign) const {
    std::size_t p = at + 2;
    sign = 0;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+'))
      sign = src_[p++];
    p = skip_space(p);
    if (!starts_with(p, "raw"))
      return std::string::npos;
    p = skip_space(p + 3);
    if (starts_with(p, "-%}"))
      return skip_space(p + 3);
    if (starts_with(p, "%}"))
      return p + 2;
    return std::string::npos;
  }

  void lex_root() {
    // Find the earliest tag start.
    std::size_t at = pos_;
    while (true) {
      at = src_.find('{', at);
      if (at == std::string::npos || at + 1 >= src_.size()) {
        at = std::string::npos;
        break;
      }
      char c = src_[at + 1];
      if (c == '{' || c == '%' || c == '#')
        break;
      ++at;
    }
    if (at == std::string::npos) {
      // Trailing data.
      int line = line_;
      std::string text = src_.substr(pos_);
      advance(src_.size());
      if (!text.empty())
        emit(token_type::data, std::move(text), line);
      line_starting_ = !src_.empty() && src_.back() == '\n';
      return;
    }
    char kind = src_[at + 1];
    char raw_sign = 0;
    std::size_t raw_end = kind == '%' ? match_raw_begin(at, raw_sign) : std::string::npos;
    char sign = 0;
    std::size_t tag_end = at + 2;
    if (raw_end != std::string::npos) {
      sign = raw_sign;
    } else if (tag_end < src_.size() && (src_[tag_end] == '-' || src_[tag_end] == '+')) {
      sign = src_[tag_end++];
    }
    std::string_view text{src_.data() + pos_, at - pos_};
    auto kept = strip_text(text, sign, kind == '{');
    int line = line_;
    if (!kept.empty())
      emit(token_type::data, std::string{kept}, line);
    advance(at);
    if (raw_end != std::string::npos) {
      advance(raw_end);
      line_starting_ = src_[raw_end - 1] == '\n';
      lex_raw();
      return;
    }
    int tag_line = line_;
    advance(tag_end);
    line_starting_ = false;
    if (kind == '#') {
      lex_comment();
    } else if (kind == '%') {
      emit(token_type::block_begin, {}, tag_line);
      lex_tag(false);
    } else {
      emit(token_type::variable_begin, {}, tag_line);
      lex_tag(true);
    }
  }

  void lex_raw() {
    // (.*?)((?:{%(-|+|))\s*endraw\s*(?:\+%}|-%}\s*|%}\n?))
    for (std::size_t at = pos_; (at = src_.find("{%", at)) != std::string::npos; ++at) {
      std::size_t p = at + 2;
      char sign = 0;
      if (p < src_.size() && (src_[p] == '-' || src_[p] == '+'))
        sign = src_[p++];
      p = skip_space(p);
      if (!starts_with(p, "endraw"))
        continue;
      p = skip_space(p + 6);
      std::size_t end;
      if (starts_with(p, "+%}"))
        end = p + 3;
      else if (starts_with(p, "-%}"))
        end = skip_space(p + 3);
      else if (starts_with(p, "%}"))
        end = p + 2 + (opts_.trim_blocks && p + 2 < src_.size() && src_[p + 2] == '\n');
      else
        continue;
      std::string_view text{src_.data() + pos_, at - pos_};
      auto kept = strip_text(text, sign, false);
      int line = line_;
      if (!kept.empty())
        emit(token_type::data, std::string{kept}, line);
      advance(end);
      line_starting_ = src_[end - 1] == '\n';
      return;
    }
    error("Missing end of raw directive");
  }

  void lex_comment() {
    // (.*?)((?:\+#}|\-#}\s*|#}\n?)): the first "#}", or the sign just before it.
    std::size_t at = src_.find("#}", pos_);
    if (at == std::string::npos)
      error("Missing end of comment tag");
    std::size_t end;
    if (at > pos_ && src_[at - 1] == '+')
      end = at + 2;
    else if (at > pos_ && src_[at - 1] == '-')
      end = skip_space(at + 2);
    else
      end = at + 2 + (opts_.trim_blocks && at + 2 < src_.size() && src_[at + 2] == '\n');
    advance(end);
    line_starting_ = src_[end - 1] == '\n';
  }

  // -- tag state (inside {% %} or {{ }}) ------------------------------------------------

  /// Matches the end of the current tag at `pos_`; returns its end or npos.
  std::size_t match_tag_end(bool variable) const {
    if (variable) {
      if (starts_with(pos_, "-}}"))
        return skip_space(pos_ + 3);
      if (starts_with(pos_, "}}"))
        return pos_ + 2;
      return std::string::npos;
    }
    if (starts_with(pos_, "+%}"))
      return pos_ + 3;
    if (starts_with(pos_, "-%}"))
      return skip_space(pos_ + 3);
    if (starts_with(pos_, "%}"))
      return pos_ + 2 + (opts_.trim_blocks && pos_ + 2 < src_.size() && src_[pos_ + 2] == '\n');
    return std::string::npos;
  }

  void lex_tag(bool variable) {
    std::string balance;
    while (true) {
      if (pos_ >= src_.size())
        return; // end of input inside a tag: the parser reports the missing end
      if (balance.empty()) {
        std::size_t end = match_tag_end(variable);
        if (end != std::string::npos) {
          emit(variable ? token_type::variable_end : token_type::block_end, {}, line_);
          advance(end);
          line_starting_ = src_[end - 1] == '\n';
          return;
        }
      }
      // whitespace
      std::size_t ws = skip_space(pos_);
      if (ws != pos_) {
        advance(ws);
        continue;
      }
      if (lex_number() || lex_name() || lex_string())
        continue;
      lex_operator(balance);
    }
  }

  /// Length of `(\d+_)*\d+` at `at` (0 if none).
  std::size_t digits_run(std::size_t at) const {
    std::size_t p = at;
    std::size_t last_good = 0;
    while (p < src_.size() && is_digit_ascii(src_[p])) {
      while (p < src_.size() && is_digit_ascii(src_[p]))
        ++p;
      last_good = p - at;
      if (p < src_.size() && src_[p] == '_' && p + 1 < src_.size() && is_digit_ascii(src_[p + 1]))
        ++p;
      else
        break;
    }
    return last_good;
  }

  static std::string without_underscores(std::string_view s) {
    std::string out;
    for (char c : s)
      if (c != '_')
        out.push_back(c);
    return out;
  }

  /// Matches `float_re` then `integer_re` (Jinja tries float first).
  bool lex_number() {
    if (!is_digit_ascii(src_[pos_]))
      return false;
    // float: (?<!\.)(\d+_)*\d+((\.(\d+_)*\d+)?e[+\-]?(\d+_)*\d+|\.(\d+_)*\d+)
    if (pos_ == 0 || src_[pos_ - 1] != '.') {
      std::size_t p = pos_ + digits_run(pos_);
      std::size_t end = std::string::npos;
      std::size_t frac_end = p;
      if (p < src_.size() && src_[p] == '.') {
        std::size_t d = digits_run(p + 1);
        if (d > 0)
          frac_end = p + 1 + d;
      }
      // exponent after the optional fraction
      std::size_t e = frac_end;
      if (e < src_.size() && (src_[e] == 'e' || src_[e] == 'E')) {
        std::size_t q = e + 1;
        if (q < src_.size() && (src_[q] == '+' || src_[q] == '-'))
          ++q;
        std::size_t d = digits_run(q);
        if (d > 0)
          end = q + d;
      }
      if (end == std::string::npos && frac_end != p)
        end = frac_end;
      if (end != std::string::npos) {
        auto text = without_underscores(std::string_view{src_}.substr(pos_, end - pos_));
        token t;
        t.type = token_type::real;
        t.line = line_;
        t.real = std::strtod(text.c_str(), nullptr);
        t.text = text;
        out_.push_back(std::move(t));
        advance(end);
        return true;
      }
    }
    // integer
    std::size_t p = pos_;
    int base = 10;
    auto is_base_digit = [&](char c) {
      switch (base) {
      case 2:
        return c == '0' || c == '1';
      case 8:
        return c >= '0' && c <= '7';
      case 16:
        return is_digit_ascii(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
      default:
        return is_digit_ascii(c);
      }
    };
    std::size_t end = pos_;
    if (src_[p] == '0' && p + 1 < src_.size()
        && ((src_[p + 1] | 0x20) == 'b' || (src_[p + 1] | 0x20) == 'o'
            || (src_[p + 1] | 0x20) == 'x')) {
      char k = static_cast<char>(src_[p + 1] | 0x20);
      base = k == 'b' ? 2 : (k == 'o' ? 8 : 16);
      std::size_t q = p + 2;
      while (true) {
        std::size_t r = q;
        if (r < src_.size() && src_[r] == '_')
          ++r;
        if (r < src_.size() && is_base_digit(src_[r]))
          q = r + 1;
        else
          break;
      }
      if (q > p + 2)
        end = q;
      else
        base = 10;
    }
    if (end == pos_) {
      base = 10;
      if (src_[p] == '0') {
        std::size_t q = p + 1;
        while (true) {
          std::size_t r = q;
          if (r < src_.size() && src_[r] == '_')
            ++r;
          if (r < src_.size() && src_[r] == '0')
            q = r + 1;
          else
            break;
        }
        end = q;
      } else {
        std::size_t q = p + 1;
        while (true) {
          std::size_t r = q;
          if (r < src_.size() && src_[r] == '_')
            ++r;
          if (r < src_.size() && is_digit_ascii(src_[r]))
            q = r + 1;
          else
            break;
        }
        end = q;
      }
    }
    std::string text{std::string_view{src_}.substr(pos_, end - pos_)};
    std::string digits =
      without_underscores(base == 10 ? std::string_view{text} : std::string_view{text}.substr(2));
    errno = 0;
    char* stop = nullptr;
    unsigned long long u = std::strtoull(digits.c_str(), &stop, base);
    if (errno == ERANGE || u > static_cast<unsigned long long>(INT64_MAX))
      fail(template_errc::overflow, "integer literal " + text + " does not fit in 64 bits", line_);
    token t;
    t.type = token_type::integer;
    t.line = line_;
    t.integer = static_cast<std::int64_t>(u);
    t.text = text;
    out_.push_back(std::move(t));
    advance(end);
    return true;
  }

  bool lex_name() {
    std::size_t p = pos_;
    while (p < src_.size()) {
      auto c = static_cast<unsigned char>(src_[p]);
      if (c < 0x80) {
        if (c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
          ++p;
          continue;
        }
        break;
      }
      std::size_t next = p;
      char32_t cp = text::decode_one(src_, next);
      if (text::is_word(cp)
          || icu::get().hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_XID_CONTINUE)) {
        p = next;
        continue;
      }
      break;
    }
    if (p == pos_)
      return false;
    std::string name = src_.substr(pos_, p - pos_);
    if (!text::is_identifier(name))
      error("Invalid character in identifier");
    emit(token_type::name, std::move(name), line_);
    advance(p);
    return true;
  }

  bool lex_string() {
    char q = src_[pos_];
    if (q != '\'' && q != '"')
      return false;
    std::size_t p = pos_ + 1;
    while (p < src_.size() && src_[p] != q) {
      if (src_[p] == '\\') {
        if (p + 1 >= src_.size())
          break;
        p += 2;
      } else {
        ++p;
      }
    }
    if (p >= src_.size()) {
      error(std::string{"unexpected char "} + (q == '\'' ? "\"'\"" : "'\"'") + " at "
            + std::to_string(text::length(std::string_view{src_}.substr(0, pos_))));
    }
    int line = line_;
    std::string value = unescape(std::string_view{src_}.substr(pos_ + 1, p - pos_ - 1));
    emit(token_type::string, std::move(value), line);
    advance(p + 1);
    return true;
  }

  /// Python's unicode-escape decoding of a literal body.
  std::string unescape(std::string_view s) const {
    std::string out;
    out.reserve(s.size());
    auto hex_value = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      c = static_cast<char>(c | 0x20);
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c != '\\' || i + 1 >= s.size()) {
        out.push_back(c);
        continue;
      }
      char e = s[++i];
      switch (e) {
      case '\n':
        break;
      case '\\':
      case '\'':
      case '"':
        out.push_back(e);
        break;
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x':
      case 'u':
      case 'U': {
        int n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
        char32_t cp = 0;
        for (int k = 0; k < n; ++k) {
          if (i + 1 + static_cast<std::size_t>(k) >= s.size()
              || hex_value(s[i + 1 + static_cast<std::size_t>(k)]) < 0) {
            error(std::string{"truncated \\"} + e + std::string(static_cast<std::size_t>(n), 'X')
                  + " escape");
          }
          cp = cp * 16 + static_cast<char32_t>(hex_value(s[i + 1 + static_cast<std::size_t>(k)]));
        }
        i += static_cast<std::size_t>(n);
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          error("illegal Unicode character");
        text::append_utf8(out, cp);
        break;
      }
      case 'N': {
        auto close = s.find('}', i);
        if (i + 1 >= s.size() || s[i + 1] != '{' || close == std::string_view::npos)
          error("malformed \\N character escape");
        std::string name{s.substr(i + 2, close - i - 2)};
        UErrorCode err = U_ZERO_ERROR;
        UChar32 cp = icu::get().charFromName(U_UNICODE_CHAR_NAME, name.c_str(), &err);
        if (U_FAILURE(err))
          error("unknown Unicode character name");
        text::append_utf8(out, static_cast<char32_t>(cp));
        i = close;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          char32_t cp = static_cast<char32_t>(e - '0');
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k)
            cp = cp * 8 + static_cast<char32_t>(s[++i] - '0');
          text::append_utf8(out, cp);
        } else {
          out.push_back('\\');
          out.push_back(e);
        }
      }
    }
    return out;
  }

  void lex_operator(std::string& balance) {
    static constexpr std::string_view two[] = {"**", "//", "==", "!=", ">=", "<="};
    for (auto op : two)
      if (starts_with(pos_, op)) {
        emit(token_type::op, std::string{op}, line_);
        advance(pos_ + 2);
        return;
      }
    char c = src_[pos_];
    static constexpr std::string_view singles = "+-/*%~[](){}><=.:|,;";
    if (singles.find(c) == std::string_view::npos) {
      std::size_t next = pos_;
      char32_t cp = text::decode_one(src_, next);
      std::string ch;
      text::append_utf8(ch, cp);
      error("unexpected char " + text::repr(ch) + " at "
            + std::to_string(text::length(std::string_view{src_}.substr(0, pos_))));
    }
    if (c == '{')
      balance.push_back('}');
    else if (c == '(')
      balance.push_back(')');
    else if (c == '[')
      balance.push_back(']');
    else if (c == '}' || c == ')' || c == ']') {
      if (balance.empty())
        error(std::string{"unexpected '"} + c + "'");
      char expected = balance.back();
      balance.pop_back();
      if (expected != c)
        error(std::string{"unexpected '"} + c + "', expected '" + expected + "'");
    }
    emit(token_type::op, std::string(1, c), line_);
    advance(pos_ + 1);
  }

  std::string src_;
  lexer_options opts_;
  std::size_t pos_ = 0;
  int line_ = 1;
  bool line_starting_ = true;
  std::vector<token> out_;
};

} // namespace

std::vector<token> tokenize(std::string_view source, const lexer_options& opts) {
  return lexer{source, opts}.run();
}

std::string describe(const token& t) {
  switch (t.type) {
  case token_type::data:
    return "template data / text";
  case token_type::variable_begin:
    return "begin of print statement";
  case token_type::variable_end:
    return "end of print statement";
  case token_type::block_begin:
    return "begin of statement block";
  case token_type::block_end:
    return "end of statement block";
  case token_type::name:
  case token_type::op:
    return t.text;
  case token_type::string:
    return "string";
  case token_type::integer:
    return "integer";
  case token_type::real:
    return "float";
  case token_type::eof:
    return "end of template";
  }
  return "token";
}

} // namespace genflow::templating
