#include "supervisord/xmlrpc_encode.h"

#include <charconv>
#include <cstdio>
#include <type_traits>

#include "common/process_info_fields.h"

namespace sup::xmlrpc {
namespace {

using proto::json;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kResponseHead =
    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n";
constexpr std::string_view kResponseTail = "</param>\n</params>\n</methodResponse>\n";

// Length of the valid UTF-8 sequence at s[i] whose code point XML 1.0 allows
// (U+FFFE, U+FFFF and surrogates are not), or 0.
std::size_t validXmlSequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  std::size_t len;
  std::uint32_t cp;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char c = byte(i + k);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return len;
}

void appendInt(std::string& out, std::int64_t v) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out += "<value><int>";
  out.append(buf, end);
  out += "</int></value>";
}

void appendStringValue(std::string& out, std::string_view s) {
  out += "<value><string>";
  appendText(out, s);
  out += "</string></value>";
}

void appendMember(std::string& out, std::string_view name) {
  out += "<member>\n<name>";
  appendText(out, name);
  out += "</name>\n";
}

}  // namespace

bool isXmlText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t len = validXmlSequence(s, i);
      if (len == 0) return false;
      i += len;
    } else if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

void appendText(std::string& out, std::string_view s) {
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  auto flush = [&](std::size_t upto) { out.append(s.substr(plain, upto - plain)); };
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>') {
      ++i;
      continue;
    }
    if (c == '\n' || c == '\t') {
      ++i;
      continue;
    }
    flush(i);
    std::size_t next = i + 1;
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '\r') {
      out += "&#13;";
    } else if (c >= 0x80) {
      std::size_t len = validXmlSequence(s, i);
      if (len > 0) {
        out.append(s.substr(i, len));
        next = i + len;
      } else {
        out += kReplacement;
      }
    } else {
      out += kReplacement;  // a control character XML 1.0 cannot carry
    }
    i = next;
    plain = i;
  }
  flush(s.size());
}

void appendValue(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      appendStringValue(out, v.get_ref<const std::string&>());
      return;
    case json::value_t::boolean:
      out += v.get<bool>() ? "<value><boolean>1</boolean></value>"
                           : "<value><boolean>0</boolean></value>";
      return;
    case json::value_t::number_integer:
      appendInt(out, v.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned: {
      char buf[24];
      auto end = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>()).ptr;
      out += "<value><int>";
      out.append(buf, end);
      out += "</int></value>";
      return;
    }
    case json::value_t::number_float: {
      // %.17g round-trips every double (no method of ours returns one; the
      // floats a client sends only come back in tests). The daemon never
      // calls setlocale(), so the decimal point is '.'.
      char buf[40];
      int n = std::snprintf(buf, sizeof buf, "%.17g", v.get<double>());
      std::string_view text(buf, static_cast<std::size_t>(n));
      out += "<value><double>";
      out += text;
      // Python's repr() of a whole float keeps its ".0".
      if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
      out += "</double></value>";
      return;
    }
    case json::value_t::array:
      out += "<value><array><data>\n";
      for (const auto& item : v) {
        appendValue(out, item);
        out += "\n";
      }
      out += "</data></array></value>";
      return;
    case json::value_t::object:
      out += "<value><struct>\n";
      for (const auto& [key, item] : v.items()) {
        appendMember(out, key);
        appendValue(out, item);
        out += "\n</member>\n";
      }
      out += "</struct></value>";
      return;
    case json::value_t::binary:
    case json::value_t::discarded:
    case json::value_t::null:
      out += "<value><nil/></value>";
      return;
  }
}

std::string encodeResponse(const json& value) {
  std::string out(kResponseHead);
  appendValue(out, value);
  out += "\n";
  out += kResponseTail;
  return out;
}

std::string encodeFault(int code, std::string_view text) {
  std::string out =
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n"
      "<member>\n<name>faultCode</name>\n";
  appendInt(out, code);
  out += "\n</member>\n<member>\n<name>faultString</name>\n";
  appendStringValue(out, text);
  out += "\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n";
  return out;
}

std::string encodeProcessInfoList(const std::vector<proto::ProcessInfo>& infos) {
  std::string out;
  // ~760 bytes of markup and numbers per struct, plus its strings: one
  // allocation for the whole reply.
  std::size_t size = 128;
  for (const auto& i : infos) {
    size += 760 + i.name.size() + i.group.size() + i.statename.size() + i.spawnerr.size() +
            i.logfile.size() + i.stdout_logfile.size() + i.stderr_logfile.size() +
            i.description.size();
  }
  out.reserve(size);
  out += kResponseHead;
  out += "<value><array><data>\n";
  for (const auto& info : infos) {
    out += "<value><struct>\n";
    proto::forEachProcessInfoField(info, [&](std::string_view name, auto value) {
      appendMember(out, name);
      if constexpr (std::is_same_v<decltype(value), std::string_view>) {
        appendStringValue(out, value);
      } else {
        appendInt(out, value);
      }
      out += "\n</member>\n";
    });
    out += "</struct></value>\n";
  }
  out += "</data></array></value>\n";
  out += kResponseTail;
  return out;
}

std::string encodeCall(std::string_view method, const json& params) {
  std::string out = "<?xml version='1.0'?>\n<methodCall>\n<methodName>";
  appendText(out, method);
  out += "</methodName>\n<params>\n";
  if (params.is_array()) {
    for (const auto& p : params) {
      out += "<param>\n";
      appendValue(out, p);
      out += "\n</param>\n";
    }
  }
  out += "</params>\n</methodCall>\n";
  return out;
}

}  // namespace sup::xmlrpc
