// The fields of supervisor.getProcessInfo's struct, listed once. Every
// writer of the struct (the JSON tree, the direct JSON text writer, the
// XML-RPC writer) walks this list, so a field added here reaches every
// protocol. Names are Supervisor's; the order is alphabetical, the order of
// nlohmann::json's object keys, so the direct JSON writer matches dump().
#pragma once

#include <cstdint>
#include <string_view>

#include "common/protocol.h"

namespace sup::proto {

/// Calls f(name, value) for each field of `info` in name order; value is a
/// std::string_view (XML-RPC string) or a std::int64_t (XML-RPC int).
template <class F>
void forEachProcessInfoField(const ProcessInfo& info, F&& f) {
  f(std::string_view("description"), std::string_view(info.description));
  f(std::string_view("exitstatus"), std::int64_t{info.exitstatus});
  f(std::string_view("group"), std::string_view(info.group));
  f(std::string_view("logfile"), std::string_view(info.logfile));
  f(std::string_view("name"), std::string_view(info.name));
  f(std::string_view("now"), std::int64_t{info.now});
  f(std::string_view("pid"), std::int64_t{info.pid});
  f(std::string_view("spawnerr"), std::string_view(info.spawnerr));
  f(std::string_view("start"), std::int64_t{info.start});
  f(std::string_view("state"), std::int64_t{info.state});
  f(std::string_view("statename"), std::string_view(info.statename));
  f(std::string_view("stderr_logfile"), std::string_view(info.stderr_logfile));
  f(std::string_view("stdout_logfile"), std::string_view(info.stdout_logfile));
  f(std::string_view("stop"), std::int64_t{info.stop});
}

}  // namespace sup::proto
