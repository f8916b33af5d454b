#include "common/percent_format.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "common/py_text.h"

namespace sup {
namespace {

struct Spec {
  bool left = false, plus = false, space = false, alt = false, zero = false;
  long width = -1;
  long precision = -1;
};

std::string padded(std::string body, std::string sign_prefix, const Spec& spec, bool numeric) {
  size_t len = py::decodeUtf8(sign_prefix + body).size();
  if (spec.width < 0 || static_cast<size_t>(spec.width) <= len) return sign_prefix + body;
  std::string fill(static_cast<size_t>(spec.width) - len, ' ');
  if (spec.left) return sign_prefix + body + fill;
  if (spec.zero && numeric) return sign_prefix + std::string(fill.size(), '0') + body;
  return fill + sign_prefix + body;
}

std::string formatInteger(long long value, char conv, const Spec& spec) {
  unsigned long long mag = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                     : static_cast<unsigned long long>(value);
  std::string digits;
  unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
  const char* alphabet = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits.insert(digits.begin(), alphabet[mag % base]);
    mag /= base;
  } while (mag);
  if (spec.precision >= 0 && digits.size() < static_cast<size_t>(spec.precision)) {
    digits.insert(0, static_cast<size_t>(spec.precision) - digits.size(), '0');
  }
  std::string prefix = value < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  if (spec.alt && base == 16) prefix += conv == 'X' ? "0X" : "0x";
  if (spec.alt && base == 8) prefix += "0o";
  return padded(digits, prefix, spec, true);
}

std::string formatFloat(double value, char conv, const Spec& spec) {
  std::string fmt = "%";
  if (spec.alt) fmt += '#';
  fmt += '.';
  fmt += std::to_string(spec.precision < 0 ? 6 : spec.precision);
  fmt += conv;
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt.c_str(), value < 0 ? -value : value);
  std::string prefix = value < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return padded(buf, prefix, spec, true);
}

std::string truncated(const std::string& s, const Spec& spec) {
  if (spec.precision < 0) return s;
  std::u32string cps = py::decodeUtf8(s);
  if (cps.size() <= static_cast<size_t>(spec.precision)) return s;
  return py::encodeUtf8(cps.substr(0, static_cast<size_t>(spec.precision)));
}

std::string dictRepr(const FormatNames& names) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : names) {
    if (!first) out += ", ";
    first = false;
    out += py::repr(k) + ": ";
    out += std::holds_alternative<std::string>(v) ? py::repr(std::get<std::string>(v))
                                                  : std::to_string(std::get<long long>(v));
  }
  return out + "}";
}

// Python would build any size it has memory for, but a value past this can
// never reach a program: Linux caps each argv/environ string at 128 KiB and
// all of them together at a quarter of the stack limit (2 MiB by default).
// Without a bound, "%(here)99999999s" repeated in one value asks for
// gigabytes (the fuzzer found it: 32 bytes of config took a minute).
constexpr size_t kMaxExpandedBytes = 4u << 20;

}  // namespace

std::variant<std::string, FormatError> pythonPercentFormat(std::string_view fmt_utf8,
                                                           const FormatNames& names) {
  // Without a '%' the text comes back as it is (decoding round-trips), and
  // nearly every config value has none.
  if (fmt_utf8.find('%') == std::string_view::npos) return std::string(fmt_utf8);
  const std::u32string fmt = py::decodeUtf8(fmt_utf8);
  std::string out;
  // CPython's argument cursor: the mapping itself may be consumed once by a
  // key-less conversion; a %(key) lookup replaces it by the looked-up value,
  // which the conversion (or a '*') then consumes.
  std::optional<FormatValue> current;  // nullopt = the mapping itself
  bool available = true;
  auto nextArg = [&](std::optional<FormatValue>* arg, bool* is_dict) -> bool {
    if (!available) return false;
    available = false;
    *arg = current;
    *is_dict = !current.has_value();
    return true;
  };
  auto starValue = [&](long* target) -> std::optional<FormatError> {
    std::optional<FormatValue> v;
    bool is_dict = false;
    if (!nextArg(&v, &is_dict)) return FormatError{"not enough arguments for format string"};
    if (is_dict || !std::holds_alternative<long long>(*v)) return FormatError{"* wants int"};
    *target = static_cast<long>(std::get<long long>(*v));
    return std::nullopt;
  };
  size_t i = 0;
  const size_t n = fmt.size();
  while (i < n) {
    if (out.size() > kMaxExpandedBytes) return FormatError{"formatted value too long"};
    if (fmt[i] != '%') {
      py::appendUtf8(out, fmt[i++]);
      continue;
    }
    ++i;                           // past '%'
    if (i < n && fmt[i] == '%') {  // only an immediate "%%" is a literal '%'
      out.push_back('%');
      ++i;
      continue;
    }
    std::optional<FormatValue> arg;
    if (i < n && fmt[i] == '(') {
      int depth = 1;
      size_t key_start = ++i;
      while (i < n && depth > 0) {
        if (fmt[i] == ')')
          --depth;
        else if (fmt[i] == '(')
          ++depth;
        ++i;
      }
      if (depth > 0) return FormatError{"incomplete format key"};
      std::string key = py::encodeUtf8(fmt.substr(key_start, i - 1 - key_start));
      auto it = names.find(key);
      if (it == names.end()) return FormatError{py::repr(key), true};
      current = it->second;
      available = true;
    }
    Spec spec;
    for (; i < n; ++i) {
      char32_t c = fmt[i];
      if (c == '-')
        spec.left = true;
      else if (c == '+')
        spec.plus = true;
      else if (c == ' ')
        spec.space = true;
      else if (c == '#')
        spec.alt = true;
      else if (c == '0')
        spec.zero = true;
      else
        break;
    }
    if (i < n && fmt[i] == '*') {
      ++i;
      if (auto err = starValue(&spec.width)) return *err;
      if (spec.width < 0) {
        spec.left = true;
        spec.width = -spec.width;
      }
      if (spec.width > static_cast<long>(kMaxExpandedBytes)) {
        return FormatError{"formatted value too long"};
      }
    } else if (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
      spec.width = 0;
      while (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
        spec.width = spec.width * 10 + static_cast<long>(fmt[i++] - '0');
        if (spec.width > static_cast<long>(kMaxExpandedBytes)) {
          return FormatError{"formatted value too long"};
        }
      }
    }
    if (i < n && fmt[i] == '.') {
      ++i;
      spec.precision = 0;
      if (i < n && fmt[i] == '*') {
        ++i;
        if (auto err = starValue(&spec.precision)) return *err;
        if (spec.precision < 0) spec.precision = 0;
      }
      while (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
        spec.precision = spec.precision * 10 + static_cast<long>(fmt[i++] - '0');
        if (spec.precision > 100000000) return FormatError{"precision too big"};
      }
    }
    if (i < n && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
    if (i >= n) return FormatError{"incomplete format"};
    char32_t conv = fmt[i++];
    // Precision pads numbers with zeros (strings it only cuts).
    if (spec.precision > static_cast<long>(kMaxExpandedBytes) && conv != 's' && conv != 'r' &&
        conv != 'a') {
      return FormatError{"formatted value too long"};
    }
    bool arg_is_dict = false;
    if (!nextArg(&arg, &arg_is_dict)) return FormatError{"not enough arguments for format string"};
    const std::string* str_val =
        arg && std::holds_alternative<std::string>(*arg) ? &std::get<std::string>(*arg) : nullptr;
    const long long* int_val =
        arg && std::holds_alternative<long long>(*arg) ? &std::get<long long>(*arg) : nullptr;
    const char* type_name = arg_is_dict ? "dict" : str_val ? "str" : "int";
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        std::string text;
        if (arg_is_dict)
          text = dictRepr(names);
        else if (int_val)
          text = std::to_string(*int_val);
        else
          text = conv == 's' ? *str_val : py::repr(*str_val);
        out += padded(truncated(text, spec), "", spec, false);
        break;
      }
      case 'd':
      case 'i':
      case 'u':
        if (!int_val) {
          return FormatError{std::string("%") + static_cast<char>(conv) +
                             " format: a real number is required, not " + type_name};
        }
        out += formatInteger(*int_val, 'd', spec);
        break;
      case 'x':
      case 'X':
      case 'o':
        if (!int_val) {
          return FormatError{std::string("%") + static_cast<char>(conv) +
                             " format: an integer is required, not " + type_name};
        }
        out += formatInteger(*int_val, static_cast<char>(conv), spec);
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        if (!int_val) return FormatError{std::string("must be real number, not ") + type_name};
        out += formatFloat(static_cast<double>(*int_val), static_cast<char>(conv), spec);
        break;
      case 'c':
        if (int_val) {
          if (*int_val < 0 || *int_val > 0x10ffff) {
            return FormatError{"%c arg not in range(0x110000)"};
          }
          std::string ch;
          py::appendUtf8(ch, static_cast<char32_t>(*int_val));
          out += padded(ch, "", spec, false);
        } else if (str_val && py::decodeUtf8(*str_val).size() == 1) {
          out += padded(*str_val, "", spec, false);
        } else {
          return FormatError{"%c requires int or char"};
        }
        break;
      default: {
        char buf[128];
        std::snprintf(buf, sizeof buf, "unsupported format character '%c' (0x%x) at index %zu",
                      (conv >= 32 && conv <= 126) ? static_cast<char>(conv) : '?',
                      static_cast<unsigned>(conv), i - 1);
        return FormatError{buf};
      }
    }
  }
  if (out.size() > kMaxExpandedBytes) return FormatError{"formatted value too long"};
  return out;
}

Result<std::string> expandFormat(std::string_view fmt, const FormatNames& names,
                                 std::string_view what) {
  auto result = pythonPercentFormat(fmt, names);
  if (auto* text = std::get_if<std::string>(&result)) return std::move(*text);
  const FormatError& err = std::get<FormatError>(result);
  std::string head = "Format string " + py::repr(fmt) + " for " + py::repr(what);
  if (err.missing_key) {
    std::string available;
    for (const auto& kv : names) {
      if (!available.empty()) available += ", ";
      available += kv.first;
    }
    return Error{head + " contains names (" + err.message +
                 ") which cannot be expanded. Available names: " + available};
  }
  return Error{head + " is badly formatted: " + err.message};
}

}  // namespace sup
