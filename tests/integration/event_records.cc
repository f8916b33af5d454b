#include "tests/integration/event_records.h"

#include <regex>

#include "tests/integration/daemon_harness.h"

namespace sup::test {

std::string ReceivedEvent::field(const std::string& name) const {
  std::string key = " " + name + ":";
  std::string h = " " + header;
  auto at = h.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return h.substr(at, h.find(' ', at) - at);
}

std::vector<ReceivedEvent> readReceived(const std::string& path) {
  std::string raw = readFile(path);
  std::vector<ReceivedEvent> out;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    auto nl = raw.find('\n', pos);
    if (nl == std::string::npos) break;
    ReceivedEvent e;
    e.header = raw.substr(pos, nl - pos);
    std::size_t chars = std::stoul(e.field("len").empty() ? "0" : e.field("len"));
    std::size_t end = nl + 1;
    // len characters of UTF-8: a character starts at every non-continuation byte.
    for (std::size_t n = 0; n < chars && end < raw.size();) {
      ++end;
      while (end < raw.size() && (static_cast<unsigned char>(raw[end]) & 0xc0) == 0x80) ++end;
      ++n;
    }
    if (end > raw.size()) break;
    e.payload = raw.substr(nl + 1, end - nl - 1);
    out.push_back(std::move(e));
    pos = end;
  }
  return out;
}

std::string recorderPath() {
  return std::string(SUP_SOURCE_DIR) + "/tests/integration/listeners/recorder.py";
}

std::string recorderSection(const std::string& name, const std::string& events,
                            const std::string& args, const std::string& extra) {
  return "[eventlistener:" + name + "]\ncommand=" + recorderPath() + " --raw {dir}/" + name +
         ".raw " + args + "\nevents=" + events + "\n" + extra + "\n";
}

int spawnedPid(const std::string& main_log, const std::string& name, int nth) {
  std::regex re("spawned: '" + name + "' with pid (\\d+)");
  int i = 0;
  for (std::sregex_iterator it(main_log.begin(), main_log.end(), re), end; it != end; ++it) {
    if (i++ == nth) return std::stoi((*it)[1]);
  }
  return -1;
}

}  // namespace sup::test
