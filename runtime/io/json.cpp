#include "runtime/io/json.hpp"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

namespace genflow::io {

namespace {

value from_json(const nlohmann::ordered_json& j) {
  using t = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case t::null:
    case t::discarded:
      return {};
    case t::boolean:
      return value{j.get<bool>()};
    case t::number_integer:
      return value{j.get<std::int64_t>()};
    case t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX))
        return value{static_cast<double>(u)};
      return value{static_cast<std::int64_t>(u)};
    }
    case t::number_float:
      return value{j.get<double>()};
    case t::string:
      return value{j.get<std::string>()};
    case t::array: {
      value::array_type xs;
      xs.reserve(j.size());
      for (const auto& e : j)
        xs.push_back(from_json(e));
      return value{std::move(xs)};
    }
    case t::object: {
      value::object_type xs;
      xs.reserve(j.size());
      for (const auto& [k, e] : j.items())
        xs.emplace_back(k, from_json(e));
      return value{std::move(xs)};
    }
    case t::binary:
      return {};
  }
  return {};
}

void escape_into(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (const char* e = json_short_escape(c)) {
      out += e;
    } else if (c < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void newline(std::string& out, int indent, int depth) {
  if (indent < 0)
    return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

void write(std::string& out, const value& x, int indent, int depth) {
  switch (x.type()) {
    case value::kind::null:
      out += "null";
      break;
    case value::kind::boolean:
      out += x.as_bool() ? "true" : "false";
      break;
    case value::kind::integer:
      out += std::to_string(x.as_int());
      break;
    case value::kind::real: {
      double d = x.as_number();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof(buf), d);
      std::string_view text{buf, static_cast<std::size_t>(res.ptr - buf)};
      out += text;
      if (text.find_first_of(".eE") == std::string_view::npos)
        out += ".0";
      break;
    }
    case value::kind::string:
      escape_into(out, x.as_string());
      break;
    case value::kind::array: {
      const auto& xs = x.as_array();
      out += '[';
      for (std::size_t i = 0; i < xs.size(); ++i) {
        if (i > 0)
          out += ',';
        newline(out, indent, depth + 1);
        write(out, xs[i], indent, depth + 1);
      }
      if (!xs.empty())
        newline(out, indent, depth);
      out += ']';
      break;
    }
    case value::kind::object: {
      const auto& xs = x.as_object();
      out += '{';
      bool first = true;
      for (const auto& [k, v] : xs) {
        if (!first)
          out += ',';
        first = false;
        newline(out, indent, depth + 1);
        escape_into(out, k);
        out += indent < 0 ? ":" : ": ";
        write(out, v, indent, depth + 1);
      }
      if (!xs.empty())
        newline(out, indent, depth);
      out += '}';
      break;
    }
  }
}

} // namespace

expected<value> parse_json(std::string_view text, std::string_view source) {
  try {
    return from_json(nlohmann::ordered_json::parse(text.begin(), text.end()));
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a byte offset: turn it into line and column.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    if (auto pos = what.find("syntax error"); pos != std::string::npos)
      what = what.substr(pos);
    return error_info{"json.syntax", what,
                      std::string{source} + ":" + std::to_string(line) + ":"
                        + std::to_string(column)};
  }
}

std::string to_json(const value& x, int indent) {
  std::string out;
  write(out, x, indent, 0);
  return out;
}

} // namespace genflow::io
