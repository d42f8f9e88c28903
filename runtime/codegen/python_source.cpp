#include "runtime/codegen/python_source.hpp"

#include <charconv>
#include <cmath>

#include "runtime/contracts/contract.hpp"

namespace genflow::codegen {

std::string python_string_literal(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string python_literal(const value& x) {
  switch (x.type()) {
    case value::kind::null:
      return "None";
    case value::kind::boolean:
      return x.as_bool() ? "True" : "False";
    case value::kind::integer:
      return std::to_string(x.as_int());
    case value::kind::real: {
      double d = x.as_number();
      if (std::isnan(d))
        return "float(\"nan\")";
      if (std::isinf(d))
        return d > 0 ? "float(\"inf\")" : "float(\"-inf\")";
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof(buf), d);
      std::string s{buf, res.ptr};
      if (s.find_first_of(".en") == std::string::npos)
        s += ".0";
      return s;
    }
    case value::kind::string:
      return python_string_literal(x.as_string());
    case value::kind::array: {
      std::string out = "[";
      for (const auto& e : x.as_array()) {
        if (out.size() > 1)
          out += ", ";
        out += python_literal(e);
      }
      return out + "]";
    }
    case value::kind::object: {
      std::string out = "{";
      for (const auto& [k, e] : x.as_object()) {
        if (out.size() > 1)
          out += ", ";
        out += python_string_literal(k);
        out += ": ";
        out += python_literal(e);
      }
      return out + "}";
    }
  }
  return "None";
}

std::string python_identifier(std::string_view text) {
  std::string snake = contracts::to_snake_case(text);
  std::string out;
  out.reserve(snake.size());
  for (char ch : snake) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    out += ok ? ch : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9') || contracts::is_python_keyword(out)
      || out[0] == '_')
    out = "field_" + out;
  return out;
}

std::string docstring_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      out += "\\\\";
    } else if (text[i] == '"' && text.substr(i, 3) == "\"\"\"") {
      out += "\\\"\\\"\\\"";
      i += 2;
    } else {
      out += text[i];
    }
  }
  // A docstring must not end in a quote right before the closing triple quote.
  if (!out.empty() && out.back() == '"')
    out.insert(out.size() - 1, "\\");
  return out;
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    auto paragraph = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    std::string line;
    std::size_t i = 0;
    while (i < paragraph.size()) {
      while (i < paragraph.size()
             && (paragraph[i] == ' ' || paragraph[i] == '\t' || paragraph[i] == '\r'))
        ++i;
      auto j = i;
      while (j < paragraph.size() && paragraph[j] != ' ' && paragraph[j] != '\t'
             && paragraph[j] != '\r')
        ++j;
      if (j == i)
        break;
      auto word = paragraph.substr(i, j - i);
      if (!line.empty() && line.size() + 1 + word.size() > width) {
        lines.push_back(std::move(line));
        line.clear();
      }
      if (!line.empty())
        line += ' ';
      line += word;
      i = j;
    }
    lines.push_back(std::move(line));
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  while (lines.size() > 1 && lines.back().empty())
    lines.pop_back();
  return lines;
}

std::vector<std::string> python_string_chunks(std::string_view text, std::size_t width) {
  std::vector<std::string> out;
  if (width == 0)
    width = 1;
  std::size_t i = 0;
  do {
    // Cut at a space when one is near, never inside a UTF-8 sequence.
    std::size_t n = std::min(width, text.size() - i);
    if (i + n < text.size()) {
      auto space = text.rfind(' ', i + n);
      if (space != std::string_view::npos && space > i + n / 2)
        n = space + 1 - i;
      while (n > 1 && (static_cast<unsigned char>(text[i + n]) & 0xc0) == 0x80)
        --n;
    }
    out.push_back(python_string_literal(text.substr(i, n)));
    i += n;
  } while (i < text.size());
  return out;
}

} // namespace genflow::codegen
