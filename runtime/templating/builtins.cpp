#include "runtime/templating/builtins.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/templating/arguments.hpp"
#include "runtime/templating/host_objects.hpp"
#include "runtime/templating/unicode.hpp"

namespace genflow::templating {

namespace {

/// Largest string or list a single operation may build (guards `'x' * 10**12`).
constexpr std::int64_t max_result_size = std::int64_t{1} << 28;

[[noreturn]] void unsupported(const char* op, const runtime_value& a, const runtime_value& b) {
  fail(template_errc::type, std::string{"unsupported operand type(s) for "} + op + ": '"
                              + std::string{type_name(a)} + "' and '" + std::string{type_name(b)}
                              + "'");
}

[[noreturn]] void overflow() {
  fail(template_errc::overflow, "integer result does not fit in 64 bits");
}

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    overflow();
  return r;
}

std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r))
    overflow();
  return r;
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    overflow();
  return r;
}

bool is_integral(const runtime_value& v) {
  return v.is_int() || v.is_bool();
}

runtime_value repeat(const runtime_value& seq, std::int64_t n) {
  if (n < 0)
    n = 0;
  if (seq.is_string()) {
    const auto& s = seq.as_string();
    if (!s.empty() && n > max_result_size / static_cast<std::int64_t>(s.size()))
      fail(template_errc::value, "repeated string too large");
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
      out += s;
    return seq.is_markup() ? runtime_value::markup(std::move(out)) : runtime_value{out};
  }
  std::size_t len = seq.seq_size();
  if (len && n > max_result_size / static_cast<std::int64_t>(len))
    fail(template_errc::value, "repeated sequence too large");
  std::vector<runtime_value> items;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < len; ++j)
      items.push_back(seq.seq_at(j));
  return seq.is_tuple() ? runtime_value::tuple(std::move(items))
                        : runtime_value::list(std::move(items));
}

std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&#34;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out.push_back(c);
    }
  }
  return out;
}

/// Python float floor division and modulo (CPython's float_divmod).
void float_divmod(double vx, double wx, double& div, double& mod) {
  mod = std::fmod(vx, wx);
  div = (vx - mod) / wx;
  if (mod != 0.0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  if (div != 0.0) {
    double floordiv = std::floor(div);
    if (div - floordiv > 0.5)
      floordiv += 1.0;
    div = floordiv;
  } else {
    div = std::copysign(0.0, vx / wx);
  }
}

} // namespace

runtime_value escape_html(evaluator& ev, const runtime_value& v) {
  if (v.is_markup())
    return v;
  return runtime_value::markup(escape_text(ev.text(v)));
}

runtime_value arithmetic(evaluator& ev, binary_op op, const runtime_value& a,
                         const runtime_value& b) {
  if (a.is_undefined())
    ev.raise_undefined(a);
  if (b.is_undefined())
    ev.raise_undefined(b);
  static constexpr const char* symbols[] = {"+", "-", "*", "/", "//", "%", "**"};
  const char* sym = symbols[static_cast<int>(op)];
  bool numbers = a.is_number() && b.is_number();
  bool ints = numbers && is_integral(a) && is_integral(b);
  switch (op) {
  case binary_op::add: {
    if (ints) {
      return runtime_value{checked_add(a.as_integer(), b.as_integer())};
    }
    if (numbers)
      return runtime_value{a.as_double() + b.as_double()};
    if (a.is_string() && b.is_string()) {
      if (a.is_markup() || b.is_markup()) {
        std::string left = a.is_markup() ? a.as_string() : escape_text(a.as_string());
        std::string right = b.is_markup() ? b.as_string() : escape_text(b.as_string());
        return runtime_value::markup(left + right);
      }
      return runtime_value{a.as_string() + b.as_string()};
    }
    if (a.kind() == b.kind() && a.is_sequence()) {
      std::vector<runtime_value> items;
      for (std::size_t i = 0; i < a.seq_size(); ++i)
        items.push_back(a.seq_at(i));
      for (std::size_t i = 0; i < b.seq_size(); ++i)
        items.push_back(b.seq_at(i));
      return a.is_tuple() ? runtime_value::tuple(std::move(items))
                          : runtime_value::list(std::move(items));
    }
    if (a.is_string())
      fail(template_errc::type,
           "can only concatenate str (not \"" + std::string{type_name(b)} + "\") to str");
    if (a.is_list() || a.is_tuple())
      fail(template_errc::type, "can only concatenate " + std::string{type_name(a)} + " (not \""
                                  + std::string{type_name(b)} + "\") to "
                                  + std::string{type_name(a)});
    unsupported(sym, a, b);
  }
  case binary_op::sub: {
    if (ints) {
      return runtime_value{checked_sub(a.as_integer(), b.as_integer())};
    }
    if (numbers)
      return runtime_value{a.as_double() - b.as_double()};
    unsupported(sym, a, b);
  }
  case binary_op::mul: {
    if (ints) {
      return runtime_value{checked_mul(a.as_integer(), b.as_integer())};
    }
    if (numbers)
      return runtime_value{a.as_double() * b.as_double()};
    if ((a.is_string() || a.is_sequence()) && is_integral(b))
      return repeat(a, b.as_integer());
    if ((b.is_string() || b.is_sequence()) && is_integral(a))
      return repeat(b, a.as_integer());
    if ((a.is_string() || a.is_sequence()) && (b.is_string() || b.is_sequence() || b.is_real()))
      fail(template_errc::type,
           "can't multiply sequence by non-int of type '" + std::string{type_name(b)} + "'");
    unsupported(sym, a, b);
  }
  case binary_op::div: {
    if (!numbers)
      unsupported(sym, a, b);
    if (b.as_double() == 0.0)
      fail(template_errc::value, ints ? "division by zero" : "float division by zero");
    return runtime_value{a.as_double() / b.as_double()};
  }
  case binary_op::floordiv:
  case binary_op::mod: {
    if (op == binary_op::mod && a.is_string()) {
      if (!a.is_markup())
        return runtime_value{percent_format(ev, a.as_string(), b)};
      // Markup % args escapes every string argument (markupsafe's _MarkupEscapeHelper).
      auto escape_arg = [&](const runtime_value& x) {
        return x.is_string() ? escape_html(ev, x) : x;
      };
      runtime_value args = b;
      if (b.is_tuple()) {
        std::vector<runtime_value> items;
        for (const auto& x : ev.iterate(b))
          items.push_back(escape_arg(x));
        args = runtime_value::tuple(std::move(items));
      } else if (b.is_dict()) {
        std::vector<std::pair<runtime_value, runtime_value>> items;
        for (std::size_t i = 0; i < b.dict_size(); ++i)
          items.emplace_back(b.dict_key(i), escape_arg(b.dict_value(i)));
        args = runtime_value::dict(std::move(items));
      } else {
        args = escape_arg(b);
      }
      return runtime_value::markup(percent_format(ev, a.as_string(), args));
    }
    if (!numbers)
      unsupported(sym, a, b);
    if (ints) {
      auto x = a.as_integer();
      auto y = b.as_integer();
      if (y == 0)
        fail(template_errc::value, "integer division or modulo by zero");
      if (x == INT64_MIN && y == -1) {
        if (op == binary_op::mod)
          return runtime_value{std::int64_t{0}};
        fail(template_errc::overflow, "integer result does not fit in 64 bits");
      }
      std::int64_t q = x / y;
      std::int64_t r = x % y;
      if (r != 0 && ((r < 0) != (y < 0))) {
        q -= 1;
        r += y;
      }
      return runtime_value{op == binary_op::floordiv ? q : r};
    }
    double y = b.as_double();
    if (y == 0.0)
      fail(template_errc::value,
           op == binary_op::mod ? "float modulo" : "float floor division by zero");
    double div;
    double mod;
    float_divmod(a.as_double(), y, div, mod);
    return runtime_value{op == binary_op::floordiv ? div : mod};
  }
  case binary_op::pow: {
    if (!numbers)
      unsupported("** or pow()", a, b);
    if (ints && b.as_integer() >= 0) {
      std::int64_t base = a.as_integer();
      std::int64_t exp = b.as_integer();
      std::int64_t result = 1;
      while (exp > 0) {
        if (exp & 1)
          result = checked_mul(result, base);
        exp >>= 1;
        if (exp > 0)
          base = checked_mul(base, base);
      }
      return runtime_value{result};
    }
    double x = a.as_double();
    double y = b.as_double();
    if (x == 0.0 && y < 0)
      fail(template_errc::value, "0.0 cannot be raised to a negative power");
    if (x < 0 && std::floor(y) != y)
      fail(template_errc::value, "complex results are not supported");
    double r = std::pow(x, y);
    if (std::isinf(r) && !std::isinf(x) && !std::isinf(y))
      fail(template_errc::overflow, "(34, 'Numerical result out of range')");
    return runtime_value{r};
  }
  }
  unsupported(sym, a, b);
}

bool contains(evaluator& ev, const runtime_value& container, const runtime_value& item) {
  switch (container.kind()) {
  case rkind::undefined:
    ev.check(container);
    return false;
  case rkind::string:
  case rkind::markup:
    if (!item.is_string()) {
      if (item.is_undefined())
        ev.raise_undefined(item);
      fail(template_errc::type,
           "'in <string>' requires string as left operand, not " + std::string{type_name(item)});
    }
    return container.as_string().find(item.as_string()) != std::string::npos;
  case rkind::list:
  case rkind::tuple:
    for (std::size_t i = 0; i < container.seq_size(); ++i) {
      auto x = container.seq_at(i);
      if (item.is_undefined() || x.is_undefined())
        ev.check(item.is_undefined() ? item : x);
      if (equal(x, item))
        return true;
    }
    return false;
  case rkind::dict:
    hash_key(item);
    return container.dict_get(item).has_value();
  default:
    fail(template_errc::type,
         "argument of type '" + std::string{type_name(container)} + "' is not iterable");
  }
}

// -- printf-style formatting -------------------------------------------------------------

namespace {

struct format_spec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^', '='
  char sign = '-'; // '+', '-', ' '
  bool alternate = false;
  bool zero = false;
  long width = -1;
  long precision = -1;
  char grouping = 0; // ',' or '_'
  char type = 0;
};

std::string group_digits(const std::string& digits, char sep, int every) {
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % every == 0)
      out.push_back(sep);
    out.push_back(digits[static_cast<std::size_t>(i)]);
  }
  return out;
}

/// Pads `body` (with its sign/prefix split off) to the spec's width.
std::string pad(const std::string& prefix, const std::string& body, const format_spec& spec,
                char default_align) {
  long len = static_cast<long>(text::length(prefix) + text::length(body));
  if (spec.width <= len)
    return prefix + body;
  long fill = spec.width - len;
  char align = spec.align ? spec.align : default_align;
  std::string f(1, spec.fill);
  auto repeat_fill = [&](long n) {
    std::string out;
    for (long i = 0; i < n; ++i)
      out += f;
    return out;
  };
  switch (align) {
  case '<':
    return prefix + body + repeat_fill(fill);
  case '^':
    return repeat_fill(fill / 2) + prefix + body + repeat_fill(fill - fill / 2);
  case '=':
    return prefix + repeat_fill(fill) + body;
  default:
    return repeat_fill(fill) + prefix + body;
  }
}

std::string format_integer(std::int64_t v, const format_spec& spec) {
  char type = spec.type ? spec.type : 'd';
  bool negative = v < 0;
  auto mag = negative ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
  std::string digits;
  int base = 10;
  std::string prefix_alt;
  switch (type) {
  case 'x':
  case 'X':
    base = 16;
    prefix_alt = type == 'x' ? "0x" : "0X";
    break;
  case 'o':
    base = 8;
    prefix_alt = "0o";
    break;
  case 'b':
    base = 2;
    prefix_alt = "0b";
    break;
  default:
    break;
  }
  const char* alphabet = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits.push_back(alphabet[mag % static_cast<std::uint64_t>(base)]);
    mag /= static_cast<std::uint64_t>(base);
  } while (mag);
  std::reverse(digits.begin(), digits.end());
  if (spec.precision >= 0 && static_cast<long>(digits.size()) < spec.precision)
    digits.insert(0, static_cast<std::size_t>(spec.precision) - digits.size(), '0');
  if (spec.grouping)
    digits = group_digits(digits, spec.grouping, base == 10 ? 3 : 4);
  std::string prefix = negative ? "-" : (spec.sign == '+' ? "+" : (spec.sign == ' ' ? " " : ""));
  if (spec.alternate)
    prefix += prefix_alt;
  if (spec.zero && !spec.align) {
    format_spec z = spec;
    z.fill = '0';
    z.align = '=';
    return pad(prefix, digits, z, '>');
  }
  return pad(prefix, digits, spec, '>');
}

std::string format_double(double v, const format_spec& spec, bool str_default) {
  char type = spec.type;
  std::string body;
  bool negative = std::signbit(v) && !std::isnan(v);
  double mag = std::fabs(v);
  if (std::isinf(mag) || std::isnan(mag)) {
    body = std::isnan(mag) ? "nan" : "inf";
    if (type == 'E' || type == 'F' || type == 'G')
      body = text::upper(body);
    if (type == '%')
      body += "%";
  } else if (!type && (spec.precision < 0 || str_default)) {
    body = float_repr(mag);
  } else {
    long precision = spec.precision < 0 ? 6 : spec.precision;
    char t = type ? type : 'g';
    double x = mag;
    if (t == '%') {
      x *= 100.0;
      t = 'f';
    }
    char fmt[32];
    std::snprintf(fmt, sizeof fmt, "%%%s.%ld%c", spec.alternate ? "#" : "", precision,
                  t == 'n' ? 'g' : t);
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, fmt, x);
    if (n < 0 || n >= static_cast<int>(sizeof buf)) {
      std::vector<char> big(static_cast<std::size_t>(n > 0 ? n + 1 : 4096));
      std::snprintf(big.data(), big.size(), fmt, x);
      body = big.data();
    } else {
      body = buf;
    }
    if (!type) {
      // Python's empty presentation type with a precision: like 'g' but keeps at least one
      // digit after the point when the result has no exponent and no point.
      if (body.find_first_of("e.ni") == std::string::npos)
        body += ".0";
    }
    if (type == '%')
      body += "%";
  }
  if (spec.grouping) {
    auto end = body.find_first_of(".e%");
    std::string int_part = body.substr(0, end);
    if (std::all_of(int_part.begin(), int_part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      body = group_digits(int_part, spec.grouping, 3)
             + (end == std::string::npos ? "" : body.substr(end));
  }
  std::string prefix = negative ? "-" : (spec.sign == '+' ? "+" : (spec.sign == ' ' ? " " : ""));
  if (spec.zero && !spec.align) {
    format_spec z = spec;
    z.fill = '0';
    z.align = '=';
    return pad(prefix, body, z, '>');
  }
  return pad(prefix, body, spec, '>');
}

std::int64_t to_int_for_format(const runtime_value& v, char conv) {
  if (is_integral(v))
    return v.as_integer();
  if (v.is_real()) {
    double d = v.as_double();
    if (std::isnan(d) || std::isinf(d))
      fail(template_errc::value, "cannot convert float " + float_repr(d) + " to integer");
    if (std::fabs(d) >= 9.2e18)
      fail(template_errc::overflow, "integer result does not fit in 64 bits");
    return static_cast<std::int64_t>(d);
  }
  fail(template_errc::type,
       std::string{"%"} + conv + " format: "
         + (conv == 'x' || conv == 'X' || conv == 'o' ? "an integer" : "a real number")
         + " is required, not " + std::string{type_name(v)});
}

} // namespace

std::string percent_format(evaluator& ev, std::string_view fmt, const runtime_value& args) {
  std::vector<runtime_value> positional;
  bool mapping = false;
  if (args.is_tuple())
    positional = ev.iterate(args);
  else if (args.is_dict())
    mapping = true;
  else
    positional.push_back(args);
  std::size_t next = 0;
  auto take = [&]() -> runtime_value {
    if (mapping && positional.empty()) {
      // `'%s' % {'a': 1}` formats the dict itself.
      if (next++ == 0)
        return args;
      fail(template_errc::type, "not enough arguments for format string");
    }
    if (next >= positional.size())
      fail(template_errc::type, "not enough arguments for format string");
    return positional[next++];
  };
  std::string out;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (++i >= fmt.size())
      fail(template_errc::value, "incomplete format");
    runtime_value arg;
    bool have_arg = false;
    if (fmt[i] == '(') {
      if (!mapping)
        fail(template_errc::type, "format requires a mapping");
      auto close = fmt.find(')', i);
      if (close == std::string_view::npos)
        fail(template_errc::value, "incomplete format key");
      std::string key{fmt.substr(i + 1, close - i - 1)};
      auto v = args.dict_get(std::string_view{key});
      if (!v)
        fail(template_errc::lookup, "KeyError: " + text::repr(key));
      arg = *v;
      have_arg = true;
      i = close + 1;
    }
    format_spec spec;
    for (; i < fmt.size(); ++i) {
      char f = fmt[i];
      if (f == '-')
        spec.align = '<';
      else if (f == '+')
        spec.sign = '+';
      else if (f == ' ') {
        if (spec.sign != '+')
          spec.sign = ' ';
      } else if (f == '#')
        spec.alternate = true;
      else if (f == '0')
        spec.zero = true;
      else
        break;
    }
    if (i < fmt.size() && fmt[i] == '*') {
      spec.width = static_cast<long>(int_argument("* wants int", take()));
      if (spec.width < 0) {
        spec.align = '<';
        spec.width = -spec.width;
      }
      ++i;
    } else {
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9')
        spec.width = (spec.width < 0 ? 0 : spec.width) * 10 + (fmt[i++] - '0');
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      spec.precision = 0;
      if (i < fmt.size() && fmt[i] == '*') {
        spec.precision = static_cast<long>(int_argument("* wants int", take()));
        ++i;
      } else {
        while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9')
          spec.precision = spec.precision * 10 + (fmt[i++] - '0');
      }
    }
    while (i < fmt.size() && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L'))
      ++i;
    if (i >= fmt.size())
      fail(template_errc::value, "incomplete format");
    char conv = fmt[i];
    if (conv == '%') {
      out.push_back('%');
      continue;
    }
    if (!have_arg)
      arg = take();
    if (spec.zero && spec.align == '<')
      spec.zero = false;
    switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      std::string s = conv == 's' ? ev.text(arg) : to_repr(arg);
      if (spec.precision >= 0)
        s = text::slice(s, 0, spec.precision, std::nullopt);
      format_spec sspec = spec;
      sspec.zero = false;
      out += pad("", s, sspec, '>');
      break;
    }
    case 'd':
    case 'i':
    case 'u': {
      if (arg.is_undefined())
        ev.raise_undefined(arg);
      spec.type = 'd';
      format_spec ispec = spec;
      ispec.precision = -1;
      out += format_integer(to_int_for_format(arg, conv), ispec);
      break;
    }
    case 'x':
    case 'X':
    case 'o': {
      if (!is_integral(arg))
        fail(template_errc::type, std::string{"%"} + conv + " format: an integer is required, not "
                                    + std::string{type_name(arg)});
      spec.type = conv;
      out += format_integer(arg.as_integer(), spec);
      break;
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (arg.is_undefined())
        ev.raise_undefined(arg);
      if (!arg.is_number())
        fail(template_errc::type, "must be real number, not " + std::string{type_name(arg)});
      spec.type = conv;
      if (spec.precision < 0)
        spec.precision = 6;
      out += format_double(arg.as_double(), spec, false);
      break;
    }
    case 'c': {
      std::string ch;
      if (is_integral(arg)) {
        auto cp = arg.as_integer();
        if (cp < 0 || cp > 0x10FFFF)
          fail(template_errc::overflow, "%c arg not in range(0x110000)");
        text::append_utf8(ch, static_cast<char32_t>(cp));
      } else if (arg.is_string() && text::length(arg.as_string()) == 1) {
        ch = arg.as_string();
      } else {
        fail(template_errc::type, "%c requires int or char");
      }
      format_spec cspec = spec;
      cspec.zero = false;
      out += pad("", ch, cspec, '>');
      break;
    }
    default:
      fail(template_errc::value, std::string{"unsupported format character '"} + conv + "'");
    }
  }
  if (!mapping && next < positional.size())
    fail(template_errc::type, "not all arguments converted during string formatting");
  return out;
}

// -- str.format ------------------------------------------------------------------------

namespace {

format_spec parse_format_spec(std::string_view s) {
  format_spec spec;
  std::size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (s.size() >= 2 && is_align(s[1])) {
    spec.fill = s[0];
    spec.align = s[1];
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' '))
    spec.sign = s[i++];
  if (i < s.size() && s[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    spec.zero = true;
    ++i;
  }
  while (i < s.size() && s[i] >= '0' && s[i] <= '9')
    spec.width = (spec.width < 0 ? 0 : spec.width) * 10 + (s[i++] - '0');
  if (i < s.size() && (s[i] == ',' || s[i] == '_'))
    spec.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    spec.precision = 0;
    if (i >= s.size() || s[i] < '0' || s[i] > '9')
      fail(template_errc::value, "Format specifier missing precision");
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      spec.precision = spec.precision * 10 + (s[i++] - '0');
  }
  if (i < s.size())
    spec.type = s[i++];
  if (i != s.size())
    fail(template_errc::value, "Invalid format specifier");
  return spec;
}

std::string format_value(evaluator& ev, const runtime_value& v, std::string_view spec_text) {
  auto spec = parse_format_spec(spec_text);
  if (v.is_undefined())
    ev.check(v);
  if (is_integral(v) && !(v.is_bool() && !spec.type && spec_text.empty())) {
    if (spec.type == 0 && v.is_bool() && spec_text.empty())
      return v.as_bool() ? "True" : "False";
    switch (spec.type) {
    case 0:
    case 'd':
    case 'x':
    case 'X':
    case 'o':
    case 'b':
    case 'n':
      if (spec.precision >= 0)
        fail(template_errc::value, "Precision not allowed in integer format specifier");
      if (spec.type == 'n')
        spec.type = 'd';
      return format_integer(v.as_integer(), spec);
    case 'c': {
      std::string ch;
      text::append_utf8(ch, static_cast<char32_t>(v.as_integer()));
      return pad("", ch, spec, '<');
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%':
      return format_double(static_cast<double>(v.as_integer()), spec, false);
    default:
      fail(template_errc::value,
           std::string{"Unknown format code '"} + spec.type + "' for object of type 'int'");
    }
  }
  if (v.is_real()) {
    if (spec.type && std::string_view{"eEfFgGn%"}.find(spec.type) == std::string_view::npos)
      fail(template_errc::value,
           std::string{"Unknown format code '"} + spec.type + "' for object of type 'float'");
    if ((spec.type == 'f' || spec.type == 'F' || spec.type == 'e' || spec.type == 'E'
         || spec.type == 'g' || spec.type == 'G' || spec.type == '%')
        && spec.precision < 0)
      spec.precision = 6;
    return format_double(v.as_double(), spec, spec.precision < 0);
  }
  std::string s = ev.text(v);
  if (spec.type && spec.type != 's')
    fail(template_errc::value, std::string{"Unknown format code '"} + spec.type
                                 + "' for object of type '" + std::string{type_name(v)} + "'");
  if (spec.sign != '-')
    fail(template_errc::value, "Sign not allowed in string format specifier");
  if (spec.precision >= 0)
    s = text::slice(s, 0, spec.precision, std::nullopt);
  if (spec.zero && !spec.align) {
    spec.fill = '0';
    spec.align = '<';
  }
  return pad("", s, spec, '<');
}

std::string str_format(evaluator& ev, std::string_view fmt, call_arguments& args) {
  std::string out;
  std::size_t auto_index = 0;
  bool manual = false;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        out.push_back('}');
        ++i;
        continue;
      }
      fail(template_errc::value, "Single '}' encountered in format string");
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    std::size_t depth = 1;
    std::size_t j = i + 1;
    for (; j < fmt.size(); ++j) {
      if (fmt[j] == '{')
        ++depth;
      else if (fmt[j] == '}' && --depth == 0)
        break;
    }
    if (j >= fmt.size())
      fail(template_errc::value, "expected '}' before end of string");
    std::string_view field = fmt.substr(i + 1, j - i - 1);
    i = j;
    std::string_view spec;
    char conversion = 0;
    auto colon = field.find(':');
    if (colon != std::string_view::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    auto bang = field.find('!');
    if (bang != std::string_view::npos) {
      if (bang + 2 != field.size())
        fail(template_errc::value, "expected ':' after conversion specifier");
      conversion = field[bang + 1];
      field = field.substr(0, bang);
    }
    // Field name: first part, then .attr / [key] accessors.
    std::size_t end = field.find_first_of(".[");
    std::string_view first = field.substr(0, end);
    runtime_value v;
    if (first.empty()) {
      if (manual)
        fail(template_errc::value,
             "cannot switch from manual field specification to automatic field numbering");
      if (auto_index >= args.positional.size())
        fail(template_errc::lookup, "Replacement index " + std::to_string(auto_index)
                                      + " out of range for positional args tuple");
      v = args.positional[auto_index++];
    } else if (std::all_of(first.begin(), first.end(),
                           [](char d) { return d >= '0' && d <= '9'; })) {
      manual = true;
      auto parsed = parse_digits(first);
      if (!parsed)
        fail(template_errc::value, "Too many decimal digits in format string");
      auto idx = static_cast<std::size_t>(*parsed);
      if (idx >= args.positional.size())
        fail(template_errc::lookup, "Replacement index " + std::to_string(idx)
                                      + " out of range for positional args tuple");
      v = args.positional[idx];
    } else {
      auto it = std::find_if(args.keyword.begin(), args.keyword.end(),
                             [&](const auto& kw) { return kw.first == first; });
      if (it == args.keyword.end())
        fail(template_errc::lookup, "KeyError: " + text::repr(first));
      v = it->second;
    }
    while (end != std::string_view::npos && end < field.size()) {
      if (field[end] == '.') {
        auto next = field.find_first_of(".[", end + 1);
        v = ev.getattr(v,
                       field.substr(end + 1, next == std::string_view::npos ? std::string_view::npos
                                                                            : next - end - 1));
        end = next;
      } else {
        auto close = field.find(']', end);
        if (close == std::string_view::npos)
          fail(template_errc::value, "Missing ']' in format string");
        std::string key{field.substr(end + 1, close - end - 1)};
        bool numeric = !key.empty() && std::all_of(key.begin(), key.end(), [](char d) {
          return d >= '0' && d <= '9';
        });
        auto index = numeric ? parse_digits(key) : std::nullopt;
        v = ev.getitem(v, index ? runtime_value{*index}
                                  : runtime_value{key});
        end = close + 1 < field.size() ? close + 1 : std::string_view::npos;
      }
    }
    if (conversion == 'r' || conversion == 'a')
      v = runtime_value{to_repr(v)};
    else if (conversion == 's')
      v = runtime_value{ev.text(v)};
    else if (conversion)
      fail(template_errc::value, std::string{"Unknown conversion specifier "} + conversion);
    out += format_value(ev, v, spec);
  }
  return out;
}

} // namespace

// -- methods --------------------------------------------------------------------------------

namespace {

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const std::string_view string_methods[] = {
  "capitalize",   "center",  "count",     "endswith",   "find",       "format",
  "index",        "isalnum", "isalpha",   "isascii",    "isdecimal",  "isdigit",
  "isidentifier", "islower", "isnumeric", "isspace",    "istitle",    "isupper",
  "join",         "ljust",   "lower",     "lstrip",     "partition",  "removeprefix",
  "removesuffix", "replace", "rfind",     "rindex",     "rjust",      "rpartition",
  "rsplit",       "rstrip",  "split",     "splitlines", "startswith", "strip",
  "swapcase",     "title",   "upper",     "zfill",      "casefold",
};

std::optional<std::string> opt_chars(const bound_arguments& b, std::size_t i) {
  if (!b.has(i) || b[i].is_none())
    return std::nullopt;
  if (!b[i].is_string())
    fail(template_errc::type, "strip arg must be None or str");
  return b[i].as_string();
}

runtime_value string_list(const std::vector<std::string>& parts) {
  value::array_type arr;
  arr.reserve(parts.size());
  for (const auto& p : parts)
    arr.emplace_back(p);
  return runtime_value::from_plain(value{std::move(arr)});
}

long opt_long(const bound_arguments& b, std::size_t i, long dflt) {
  if (!b.has(i) || b[i].is_none())
    return dflt;
  return static_cast<long>(int_argument("argument", b[i]));
}

std::string string_arg(evaluator& ev, std::string_view what, const runtime_value& v) {
  if (!v.is_string()) {
    if (v.is_undefined())
      ev.raise_undefined(v);
    fail(template_errc::type, std::string{what} + " must be str, not " + std::string{type_name(v)});
  }
  return v.as_string();
}

/// startswith/endswith accept a string or a tuple of strings.
bool affix_match(evaluator& ev, const std::string& s, const runtime_value& arg, bool prefix) {
  auto test = [&](const std::string& a) {
    if (a.size() > s.size())
      return false;
    return prefix ? s.compare(0, a.size(), a) == 0
                  : s.compare(s.size() - a.size(), a.size(), a) == 0;
  };
  if (arg.is_tuple()) {
    for (const auto& x : ev.iterate(arg))
      if (test(string_arg(ev, "tuple for startswith", x)))
        return true;
    return false;
  }
  return test(string_arg(ev, prefix ? "startswith first arg" : "endswith first arg", arg));
}

bool call_string_method(evaluator& ev, const runtime_value& self, std::string_view name,
                        call_arguments& args, runtime_value& result) {
  const std::string& s = self.as_string();
  std::string fn{"str."};
  fn += name;
  auto keep_markup = [&](std::string out) {
    return self.is_markup() ? runtime_value::markup(std::move(out)) : runtime_value{std::move(out)};
  };
  if (name == "upper" || name == "lower" || name == "title" || name == "capitalize"
      || name == "swapcase" || name == "casefold") {
    bound_arguments b{fn, args, {}};
    if (name == "upper")
      result = keep_markup(text::upper(s));
    else if (name == "lower" || name == "casefold")
      result = keep_markup(text::lower(s));
    else if (name == "title")
      result = keep_markup(text::title(s));
    else if (name == "capitalize")
      result = keep_markup(text::capitalize(s));
    else
      result = keep_markup(text::swapcase(s));
    return true;
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    bound_arguments b{fn, args, {"chars"}};
    result =
      keep_markup(std::string{text::strip(s, opt_chars(b, 0), name != "rstrip", name != "lstrip")});
    return true;
  }
  if (name == "split" || name == "rsplit") {
    bound_arguments b{fn, args, {"sep", "maxsplit"}};
    long max_split = opt_long(b, 1, -1);
    if (!b.has(0) || b[0].is_none()) {
      result = string_list(name == "split" ? text::split_whitespace(s, max_split)
                                           : text::rsplit_whitespace(s, max_split));
    } else {
      auto sep = string_arg(ev, "sep", b[0]);
      if (sep.empty())
        fail(template_errc::value, "empty separator");
      result = string_list(name == "split" ? text::split(s, sep, max_split)
                                           : text::rsplit(s, sep, max_split));
    }
    return true;
  }
  if (name == "splitlines") {
    bound_arguments b{fn, args, {"keepends"}};
    result = string_list(text::splitlines(s, b.has(0) && truthy(b[0])));
    return true;
  }
  if (name == "replace") {
    bound_arguments b{fn, args, {"old", "new", "count"}};
    if (!b.has(0) || !b.has(1))
      fail(template_errc::type, "replace expected at least 2 arguments");
    result =
      keep_markup(text::replace(s, string_arg(ev, "replace() argument 1", b[0]),
                                string_arg(ev, "replace() argument 2", b[1]), opt_long(b, 2, -1)));
    return true;
  }
  if (name == "startswith" || name == "endswith") {
    bound_arguments b{fn, args, {"prefix"}};
    if (!b.has(0))
      fail(template_errc::type, std::string{name} + "() takes at least 1 argument (0 given)");
    result = runtime_value{affix_match(ev, s, b[0], name == "startswith")};
    return true;
  }
  if (name == "join") {
    bound_arguments b{fn, args, {"iterable"}};
    if (!b.has(0))
      fail(template_errc::type, "str.join() takes exactly one argument (0 given)");
    std::string out;
    bool first = true;
    for (const auto& item : ev.iterate(b[0])) {
      if (!first)
        out += s;
      first = false;
      out += string_arg(ev, "sequence item", item);
    }
    result = runtime_value{std::move(out)};
    return true;
  }
  if (name == "format") {
    result = keep_markup(str_format(ev, s, args));
    return true;
  }
  if (name == "center" || name == "ljust" || name == "rjust") {
    bound_arguments b{fn, args, {"width", "fillchar"}};
    if (!b.has(0))
      fail(template_errc::type, std::string{name} + "() takes at least 1 argument (0 given)");
    long width = static_cast<long>(int_argument(fn, b[0]));
    char32_t fill = U' ';
    if (b.has(1)) {
      auto f = string_arg(ev, "fillchar", b[1]);
      if (text::length(f) != 1)
        fail(template_errc::type, "The fill character must be exactly one character long");
      std::size_t pos = 0;
      fill = text::decode_one(f, pos);
    }
    result = runtime_value{name == "center"  ? text::center(s, width, fill)
                           : name == "ljust" ? text::ljust(s, width, fill)
                                             : text::rjust(s, width, fill)};
    return true;
  }
  if (name == "zfill") {
    bound_arguments b{fn, args, {"width"}};
    if (!b.has(0))
      fail(template_errc::type, "zfill() takes exactly one argument (0 given)");
    result = runtime_value{text::zfill(s, static_cast<long>(int_argument(fn, b[0])))};
    return true;
  }
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
    bound_arguments b{fn, args, {"sub"}};
    if (!b.has(0))
      fail(template_errc::type, std::string{name} + "() takes at least 1 argument (0 given)");
    long at = text::find(s, string_arg(ev, "must be str", b[0]), name[0] == 'r');
    if (at < 0 && (name == "index" || name == "rindex"))
      fail(template_errc::value, "substring not found");
    result = runtime_value{static_cast<std::int64_t>(at)};
    return true;
  }
  if (name == "count") {
    bound_arguments b{fn, args, {"sub"}};
    if (!b.has(0))
      fail(template_errc::type, "count() takes at least 1 argument (0 given)");
    result =
      runtime_value{static_cast<std::int64_t>(text::count(s, string_arg(ev, "must be str", b[0])))};
    return true;
  }
  if (name == "partition" || name == "rpartition") {
    bound_arguments b{fn, args, {"sep"}};
    if (!b.has(0))
      fail(template_errc::type, std::string{name} + "() takes exactly one argument (0 given)");
    auto sep = string_arg(ev, "must be str", b[0]);
    if (sep.empty())
      fail(template_errc::value, "empty separator");
    auto at = name == "partition" ? s.find(sep) : s.rfind(sep);
    std::vector<runtime_value> parts;
    if (at == std::string::npos) {
      if (name == "partition")
        parts = {runtime_value{s}, runtime_value{""}, runtime_value{""}};
      else
        parts = {runtime_value{""}, runtime_value{""}, runtime_value{s}};
    } else {
      parts = {runtime_value{s.substr(0, at)}, runtime_value{sep},
               runtime_value{s.substr(at + sep.size())}};
    }
    result = runtime_value::tuple(std::move(parts));
    return true;
  }
  if (name == "removeprefix" || name == "removesuffix") {
    bound_arguments b{fn, args, {"affix"}};
    if (!b.has(0))
      fail(template_errc::type, std::string{name} + "() takes exactly one argument (0 given)");
    auto a = string_arg(ev, "must be str", b[0]);
    std::string out = s;
    if (name == "removeprefix" && s.compare(0, a.size(), a) == 0)
      out = s.substr(a.size());
    else if (name == "removesuffix" && !a.empty() && s.size() >= a.size()
             && s.compare(s.size() - a.size(), a.size(), a) == 0)
      out = s.substr(0, s.size() - a.size());
    result = keep_markup(std::move(out));
    return true;
  }
  // Predicates.
  bound_arguments b{fn, args, {}};
  if (name == "isalnum")
    result = runtime_value{text::all_chars(s, text::is_alnum)};
  else if (name == "isalpha")
    result = runtime_value{text::all_chars(s, text::is_alpha)};
  else if (name == "isascii")
    result = runtime_value{text::is_ascii(s)};
  else if (name == "isdecimal")
    result = runtime_value{text::all_chars(s, text::is_decimal)};
  else if (name == "isdigit")
    result = runtime_value{text::all_chars(s, text::is_digit)};
  else if (name == "isnumeric")
    result = runtime_value{text::all_chars(s, text::is_numeric)};
  else if (name == "isspace")
    result = runtime_value{text::all_chars(s, text::is_space)};
  else if (name == "isidentifier")
    result = runtime_value{text::is_identifier(s)};
  else if (name == "islower")
    result = runtime_value{text::is_lower(s)};
  else if (name == "isupper")
    result = runtime_value{text::is_upper(s)};
  else if (name == "istitle")
    result = runtime_value{text::is_title(s)};
  else
    return false;
  return true;
}

bool call_sequence_method(evaluator& ev, const runtime_value& self, std::string_view name,
                          call_arguments& args, runtime_value& result) {
  std::string fn = std::string{type_name(self)} + "." + std::string{name};
  if (name == "index" || name == "count") {
    bound_arguments b{fn, args, {"value"}};
    if (!b.has(0))
      fail(template_errc::type, std::string{name} + "() takes at least 1 argument (0 given)");
    std::int64_t n = 0;
    for (std::size_t i = 0; i < self.seq_size(); ++i) {
      if (equal(self.seq_at(i), b[0])) {
        if (name == "index") {
          result = runtime_value{static_cast<std::int64_t>(i)};
          return true;
        }
        ++n;
      }
    }
    if (name == "index")
      fail(template_errc::value, to_repr(b[0]) + " is not in " + std::string{type_name(self)});
    result = runtime_value{n};
    return true;
  }
  if (name == "copy" && self.is_list()) {
    bound_arguments b{fn, args, {}};
    result = self;
    return true;
  }
  (void)ev;
  return false;
}

bool call_dict_method(evaluator& ev, const runtime_value& self, std::string_view name,
                      call_arguments& args, runtime_value& result) {
  std::string fn = "dict." + std::string{name};
  if (name == "items" || name == "keys" || name == "values") {
    bound_arguments b{fn, args, {}};
    std::vector<runtime_value> items;
    std::size_t n = self.dict_size();
    items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (name == "items")
        items.push_back(runtime_value::tuple({self.dict_key(i), self.dict_value(i)}));
      else if (name == "keys")
        items.push_back(self.dict_key(i));
      else
        items.push_back(self.dict_value(i));
    }
    result = runtime_value::list(std::move(items));
    return true;
  }
  if (name == "get") {
    bound_arguments b{fn, args, {"key", "default"}};
    if (!b.has(0))
      fail(template_errc::type, "get expected at least 1 argument, got 0");
    hash_key(b[0]);
    auto v = self.dict_get(b[0]);
    result = v ? *v : b.get(1, runtime_value{});
    return true;
  }
  if (name == "copy") {
    bound_arguments b{fn, args, {}};
    result = self;
    return true;
  }
  (void)ev;
  return false;
}

} // namespace

bool has_method(const runtime_value& receiver, std::string_view name) {
  switch (receiver.kind()) {
  case rkind::string:
  case rkind::markup:
    return std::find(std::begin(string_methods), std::end(string_methods), name)
           != std::end(string_methods);
  case rkind::list:
    return name == "index" || name == "count" || name == "copy";
  case rkind::tuple:
    return name == "index" || name == "count";
  case rkind::dict:
    return one_of(name, {"items", "keys", "values", "get", "copy"});
  default:
    return false;
  }
}

bool call_method(evaluator& ev, const runtime_value& receiver, std::string_view name,
                 call_arguments& args, runtime_value& result) {
  if (!has_method(receiver, name))
    return false;
  switch (receiver.kind()) {
  case rkind::string:
  case rkind::markup:
    return call_string_method(ev, receiver, name, args, result);
  case rkind::list:
  case rkind::tuple:
    return call_sequence_method(ev, receiver, name, args, result);
  case rkind::dict:
    return call_dict_method(ev, receiver, name, args, result);
  default:
    return false;
  }
}

// -- host objects defined here ----------------------------------------------------------------

std::string bound_method::str() const {
  return "<built-in method " + name_ + " of " + std::string{templating::type_name(receiver_)}
         + " object>";
}

runtime_value bound_method::call(evaluator& ev, call_arguments& args) const {
  if (receiver_.is_object()) {
    if (auto r = receiver_.as_object().call_method(ev, name_, args))
      return std::move(*r);
  } else {
    runtime_value result;
    if (templating::call_method(ev, receiver_, name_, args, result))
      return result;
  }
  fail(template_errc::type, "'" + name_ + "' is not callable");
}

std::optional<runtime_value> namespace_object::attribute(std::string_view name) const {
  for (const auto& [k, v] : attrs_)
    if (k == name)
      return v;
  return std::nullopt;
}

std::string namespace_object::str() const {
  std::string out = "<Namespace {";
  bool first = true;
  for (const auto& [k, v] : attrs_) {
    if (!first)
      out += ", ";
    first = false;
    out += text::repr(k) + ": " + to_repr(v);
  }
  return out + "}>";
}

void namespace_object::clear() {
  attrs_.clear();
}

void namespace_object::set(std::string_view name, runtime_value v) {
  for (auto& [k, x] : attrs_)
    if (k == name) {
      x = std::move(v);
      return;
    }
  attrs_.emplace_back(std::string{name}, std::move(v));
}

namespace {

/// `cycler(*items)`: next(), reset(), current.
class cycler_object final : public host_object {
public:
  explicit cycler_object(std::vector<runtime_value> items) : items_(std::move(items)) {}

  std::string_view type_name() const override { return "Cycler"; }
  std::optional<runtime_value> attribute(std::string_view name) const override {
    if (name == "current")
      return items_[pos_];
    if (name == "items")
      return runtime_value::list(items_);
    if (name == "next" || name == "reset")
      return runtime_value::object(std::make_shared<bound_method>(
        runtime_value::object(std::const_pointer_cast<host_object>(shared_from_this())),
        std::string{name}));
    return std::nullopt;
  }
  std::optional<runtime_value> call_method(evaluator&, std::string_view name,
                                           call_arguments& args) const override {
    if (name == "next") {
      bound_arguments b{"next", args, {}};
      auto v = items_[pos_];
      pos_ = (pos_ + 1) % items_.size();
      return v;
    }
    if (name == "reset") {
      bound_arguments b{"reset", args, {}};
      pos_ = 0;
      return runtime_value{};
    }
    return std::nullopt;
  }

private:
  std::vector<runtime_value> items_;
  mutable std::size_t pos_ = 0;
};

/// `joiner(sep=", ")`: returns "" on the first call, `sep` afterwards.
class joiner_object final : public host_object {
public:
  explicit joiner_object(std::string sep) : sep_(std::move(sep)) {}

  std::string_view type_name() const override { return "Joiner"; }
  bool is_callable() const override { return true; }
  runtime_value call(evaluator&, call_arguments& args) const override {
    bound_arguments b{"joiner", args, {}};
    if (!used_) {
      used_ = true;
      return runtime_value{""};
    }
    return runtime_value{sep_};
  }

private:
  std::string sep_;
  mutable bool used_ = false;
};

constexpr std::int64_t max_range = 10'000'000;

runtime_value global_range(evaluator&, call_arguments& args) {
  if (!args.keyword.empty())
    fail(template_errc::type, "range() takes no keyword arguments");
  auto& p = args.positional;
  if (p.empty() || p.size() > 3)
    fail(template_errc::type,
         "range expected at most 3 arguments, got " + std::to_string(p.size()));
  std::int64_t start = 0;
  std::int64_t stop;
  std::int64_t step = 1;
  if (p.size() == 1) {
    stop = int_argument("range()", p[0]);
  } else {
    start = int_argument("range()", p[0]);
    stop = int_argument("range()", p[1]);
    if (p.size() == 3)
      step = int_argument("range()", p[2]);
  }
  if (step == 0)
    fail(template_errc::value, "range() arg 3 must not be zero");
  value::array_type items;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (static_cast<std::int64_t>(items.size()) >= max_range)
      fail(template_errc::value, "range() of more than " + std::to_string(max_range) + " items");
    items.emplace_back(i);
  }
  return runtime_value::from_plain(value{std::move(items)});
}

std::vector<std::pair<runtime_value, runtime_value>> dict_items(evaluator& ev, call_arguments& args,
                                                                std::string_view fn) {
  std::vector<std::pair<runtime_value, runtime_value>> items;
  if (args.positional.size() > 1)
    fail(template_errc::type, std::string{fn} + " expected at most 1 argument, got "
                                + std::to_string(args.positional.size()));
  if (args.positional.size() == 1) {
    const auto& src = args.positional[0];
    if (src.is_dict()) {
      for (std::size_t i = 0; i < src.dict_size(); ++i)
        items.emplace_back(src.dict_key(i), src.dict_value(i));
    } else {
      for (const auto& pair : ev.iterate(src)) {
        auto kv = ev.iterate(pair);
        if (kv.size() != 2)
          fail(template_errc::value, "dictionary update sequence element has length "
                                       + std::to_string(kv.size()) + "; 2 is required");
        hash_key(kv[0]);
        items.emplace_back(kv[0], kv[1]);
      }
    }
  }
  for (auto& [k, v] : args.keyword)
    items.emplace_back(runtime_value{k}, std::move(v));
  return items;
}

runtime_value global_dict(evaluator& ev, call_arguments& args) {
  return runtime_value::dict(dict_items(ev, args, "dict"));
}

runtime_value global_namespace(evaluator& ev, call_arguments& args) {
  auto ns = std::make_shared<namespace_object>();
  ev.track(ns);
  for (auto& [k, v] : dict_items(ev, args, "namespace")) {
    if (!k.is_string())
      fail(template_errc::type, "namespace keys must be strings");
    ns->set(k.as_string(), std::move(v));
  }
  return runtime_value::object(std::move(ns));
}

runtime_value global_cycler(evaluator&, call_arguments& args) {
  if (args.positional.empty())
    fail(template_errc::runtime, "at least one item has to be provided");
  return runtime_value::object(std::make_shared<cycler_object>(std::move(args.positional)));
}

runtime_value global_joiner(evaluator& ev, call_arguments& args) {
  bound_arguments b{"joiner", args, {"sep"}};
  return runtime_value::object(
    std::make_shared<joiner_object>(b.has(0) ? ev.text(b[0]) : std::string{", "}));
}

} // namespace

std::optional<runtime_value> builtin_global(std::string_view name) {
  static const runtime_value range =
    runtime_value::object(std::make_shared<builtin_function>("range", global_range));
  static const runtime_value dict =
    runtime_value::object(std::make_shared<builtin_function>("dict", global_dict));
  static const runtime_value ns =
    runtime_value::object(std::make_shared<builtin_function>("namespace", global_namespace));
  static const runtime_value cycler =
    runtime_value::object(std::make_shared<builtin_function>("cycler", global_cycler));
  static const runtime_value joiner =
    runtime_value::object(std::make_shared<builtin_function>("joiner", global_joiner));
  if (name == "range")
    return range;
  if (name == "dict")
    return dict;
  if (name == "namespace")
    return ns;
  if (name == "cycler")
    return cycler;
  if (name == "joiner")
    return joiner;
  return std::nullopt;
}

// -- tests ---------------------------------------------------------------------------------------

namespace {

const runtime_value& single_arg(std::string_view test, call_arguments& args) {
  if (args.positional.size() != 1 || !args.keyword.empty())
    fail(template_errc::type, std::string{test} + "() takes exactly one argument ("
                                + std::to_string(args.positional.size()) + " given)");
  return args.positional[0];
}

void no_args(std::string_view test, call_arguments& args) {
  if (!args.positional.empty() || !args.keyword.empty())
    fail(template_errc::type, std::string{test} + "() takes exactly 1 positional argument ("
                                + std::to_string(args.positional.size() + 1) + " given)");
}

bool test_defined(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_defined", a);
  return !v.is_undefined();
}
bool test_undefined(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_undefined", a);
  return v.is_undefined();
}
bool test_none(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_none", a);
  return v.is_none();
}
bool test_boolean(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_boolean", a);
  return v.is_bool();
}
bool test_true(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_true", a);
  return v.is_bool() && v.as_bool();
}
bool test_false(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_false", a);
  return v.is_bool() && !v.as_bool();
}
bool test_integer(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_integer", a);
  return v.is_int();
}
bool test_float(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_float", a);
  return v.is_real();
}
bool test_number(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_number", a);
  return v.is_number();
}
bool test_string(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_string", a);
  return v.is_string();
}
bool test_mapping(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_mapping", a);
  return v.is_dict();
}
bool test_sequence(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_sequence", a);
  if (v.is_undefined())
    return !ev.strict();
  return v.is_string() || v.is_sequence() || v.is_dict();
}
bool test_iterable(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_iterable", a);
  if (v.is_undefined()) {
    ev.check(v);
    return true;
  }
  return v.is_string() || v.is_sequence() || v.is_dict();
}
bool test_callable(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("callable", a);
  return v.is_object() && v.as_object().is_callable();
}
bool test_escaped(evaluator&, const runtime_value& v, call_arguments& a) {
  no_args("test_escaped", a);
  return v.is_markup();
}
bool test_lower(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_lower", a);
  return text::is_lower(ev.text(v));
}
bool test_upper(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_upper", a);
  return text::is_upper(ev.text(v));
}

runtime_value modulo(evaluator& ev, const runtime_value& v, const runtime_value& n) {
  return arithmetic(ev, binary_op::mod, v, n);
}

bool test_odd(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_odd", a);
  return equal(modulo(ev, v, runtime_value{2}), runtime_value{1});
}
bool test_even(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_even", a);
  return equal(modulo(ev, v, runtime_value{2}), runtime_value{0});
}
bool test_divisibleby(evaluator& ev, const runtime_value& v, call_arguments& a) {
  bound_arguments b{"test_divisibleby", a, {"num"}};
  if (!b.has(0))
    fail(template_errc::type, "test_divisibleby() missing 1 required positional argument: 'num'");
  return equal(modulo(ev, v, b[0]), runtime_value{0});
}
bool test_sameas(evaluator&, const runtime_value& v, call_arguments& a) {
  return v.same_object(single_arg("test_sameas", a));
}
bool test_in(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return contains(ev, single_arg("test_in", a), v);
}
bool test_filter(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_filter", a);
  return v.is_string()
         && (ev.env().user_filter(v.as_string())
             || builtin_filter(v.as_string(), ev.env().options().onex_filters));
}
bool test_test(evaluator& ev, const runtime_value& v, call_arguments& a) {
  no_args("test_test", a);
  return v.is_string() && (ev.env().user_test(v.as_string()) || builtin_test(v.as_string()));
}

bool compare_test(evaluator& ev, const runtime_value& v, call_arguments& a, compare_op op) {
  const auto& other = single_arg("operator", a);
  if (op == compare_op::eq || op == compare_op::ne) {
    ev.check(v);
    ev.check(other);
    return equal(v, other) == (op == compare_op::eq);
  }
  if (v.is_undefined())
    ev.raise_undefined(v);
  if (other.is_undefined())
    ev.raise_undefined(other);
  int c = compare(v, other);
  if (c == 2)
    return false;
  switch (op) {
  case compare_op::lt:
    return c < 0;
  case compare_op::le:
    return c <= 0;
  case compare_op::gt:
    return c > 0;
  default:
    return c >= 0;
  }
}

bool test_eq(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return compare_test(ev, v, a, compare_op::eq);
}
bool test_ne(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return compare_test(ev, v, a, compare_op::ne);
}
bool test_lt(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return compare_test(ev, v, a, compare_op::lt);
}
bool test_le(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return compare_test(ev, v, a, compare_op::le);
}
bool test_gt(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return compare_test(ev, v, a, compare_op::gt);
}
bool test_ge(evaluator& ev, const runtime_value& v, call_arguments& a) {
  return compare_test(ev, v, a, compare_op::ge);
}

} // namespace

test_impl builtin_test(std::string_view name) {
  static const std::pair<std::string_view, test_impl> table[] = {
    {"odd", test_odd},
    {"even", test_even},
    {"divisibleby", test_divisibleby},
    {"defined", test_defined},
    {"undefined", test_undefined},
    {"filter", test_filter},
    {"test", test_test},
    {"none", test_none},
    {"boolean", test_boolean},
    {"false", test_false},
    {"true", test_true},
    {"integer", test_integer},
    {"float", test_float},
    {"lower", test_lower},
    {"upper", test_upper},
    {"string", test_string},
    {"mapping", test_mapping},
    {"number", test_number},
    {"sequence", test_sequence},
    {"iterable", test_iterable},
    {"callable", test_callable},
    {"sameas", test_sameas},
    {"escaped", test_escaped},
    {"in", test_in},
    {"==", test_eq},
    {"eq", test_eq},
    {"equalto", test_eq},
    {"!=", test_ne},
    {"ne", test_ne},
    {">", test_gt},
    {"gt", test_gt},
    {"greaterthan", test_gt},
    {"ge", test_ge},
    {">=", test_ge},
    {"<", test_lt},
    {"lt", test_lt},
    {"lessthan", test_lt},
    {"<=", test_le},
    {"le", test_le},
  };
  for (const auto& [n, f] : table)
    if (n == name)
      return f;
  return nullptr;
}

} // namespace genflow::templating
