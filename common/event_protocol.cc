#include "common/event_protocol.h"

#include <ctime>

#include "common/py_text.h"

namespace sup::proto {

void to_json(json& j, const EventRecord& e) {
  if (e.eof) {
    j = json{{"eof", true}};
    return;
  }
  j = json{{"serial", e.serial ? json(*e.serial) : json(nullptr)},
           {"eventname", e.eventname},
           {"time", e.time},
           {"headers", e.headers},
           {"payload", e.payload},
           {"len", e.len}};
  if (e.data) j["data"] = *e.data;
  if (e.lost) j["lost"] = e.lost;
}

void from_json(const json& j, EventRecord& e) {
  e = EventRecord{};
  if (!j.is_object()) return;
  e.eof = j.value("eof", false);
  if (auto it = j.find("serial"); it != j.end() && it->is_number_integer())
    e.serial = it->get<std::int64_t>();
  e.eventname = j.value("eventname", "");
  if (auto it = j.find("time"); it != j.end() && it->is_number()) e.time = it->get<double>();
  if (auto it = j.find("headers"); it != j.end() && it->is_object()) e.headers = *it;
  if (auto it = j.find("data"); it != j.end() && it->is_string()) e.data = it->get<std::string>();
  e.payload = j.value("payload", "");
  if (auto it = j.find("len"); it != j.end() && it->is_number_integer())
    e.len = it->get<std::int64_t>();
  if (auto it = j.find("lost"); it != j.end() && it->is_number_unsigned())
    e.lost = it->get<std::uint64_t>();
}

std::string eventLine(const EventRecord& e) {
  std::time_t t = static_cast<std::time_t>(e.time);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  std::string line = std::string(stamp) + " " + e.eventname;
  std::string first = e.payload.substr(0, e.payload.find('\n'));
  if (!first.empty()) line += " " + first;
  if (e.data && !e.data->empty()) line += " data:" + py::repr(*e.data);
  return line;
}

}  // namespace sup::proto
