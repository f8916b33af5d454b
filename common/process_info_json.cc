#include "common/process_info_json.h"

#include <charconv>
#include <type_traits>

#include "common/process_info_fields.h"

namespace sup::proto {
namespace {

// Printable ASCII without '"' or '\' is written as is by json::dump();
// anything else (escapes, control bytes, UTF-8, invalid bytes replaced by
// U+FFFD) goes through nlohmann itself so the bytes stay identical.
void appendString(std::string& out, std::string_view s) {
  bool plain = true;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (!plain) {
    out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

void appendInt(std::string& out, std::int64_t v) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, end);
}

// Head room for encodeResultLine's framing with a short id.
constexpr size_t kFramingRoom = 64;

}  // namespace

void appendProcessInfoJson(std::string& out, const ProcessInfo& i) {
  // In the order of json's std::map keys (a unit test holds it to dump()):
  // ours, only while a process waits (docs/dependencies.md), come first
  // (awaiting_ready) and last (waiting_for) around Supervisor's fields.
  char separator = '{';
  if (!i.awaiting_ready.empty()) {
    out += "{\"awaiting_ready\":";
    appendString(out, i.awaiting_ready);
    separator = ',';
  }
  forEachProcessInfoField(i, [&](std::string_view name, auto value) {
    out.push_back(separator);
    separator = ',';
    out.push_back('"');
    out.append(name);
    out += "\":";
    if constexpr (std::is_same_v<decltype(value), std::string_view>) {
      appendString(out, value);
    } else {
      appendInt(out, value);
    }
  });
  if (!i.waiting_for.empty()) {
    out += ",\"waiting_for\":[";
    for (size_t k = 0; k < i.waiting_for.size(); ++k) {
      if (k) out.push_back(',');
      appendString(out, i.waiting_for[k]);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

std::string processInfoListJson(const std::vector<ProcessInfo>& infos) {
  // Reserve what plain strings need (keys, quotes, numbers: at most 308):
  // each reallocation of a reply this size means fresh pages to fault in.
  size_t size = 2;
  for (const ProcessInfo& i : infos) {
    size += 308 + i.name.size() + i.group.size() + i.statename.size() + i.spawnerr.size() +
            i.logfile.size() + i.stdout_logfile.size() + i.stderr_logfile.size() +
            i.description.size();
  }
  std::string out;
  out.reserve(size + kFramingRoom);
  out.push_back('[');
  for (size_t k = 0; k < infos.size(); ++k) {
    if (k) out.push_back(',');
    appendProcessInfoJson(out, infos[k]);
  }
  out.push_back(']');
  return out;
}

std::string encodeResultLine(const json& id, std::string result_json) {
  // makeResult's keys in std::map order: id, jsonrpc, result. The head goes
  // in front of the result in its own buffer (processInfoListJson leaves
  // room), so a big reply is never copied to a second fresh allocation.
  std::string head = "{\"id\":";
  head += id.dump(-1, ' ', false, json::error_handler_t::replace);
  head += ",\"jsonrpc\":\"2.0\",\"result\":";
  result_json.insert(0, head);
  result_json += "}\n";
  return result_json;
}

}  // namespace sup::proto
