// Reading what an event listener received, for the event integration tests:
// tests/integration/listeners/recorder.py (a standard-library Python
// listener) appends every byte it reads to a file; this splits that stream
// back into events by the header's len, counted in characters as Supervisor
// counts it (not bytes).
#pragma once

#include <string>
#include <vector>

namespace sup::test {

struct ReceivedEvent {
  std::string header;                                ///< the header line, without its '\n'
  std::string payload;                               ///< the payload bytes
  std::string field(const std::string& name) const;  ///< a header field ("" if absent)
};

/// The events in a recorder's --raw file (a partial last event is left out).
std::vector<ReceivedEvent> readReceived(const std::string& path);

/// The recorder, and a [eventlistener:NAME] section running it with `args`
/// (e.g. "--fail-first 2"), recording into {dir}/NAME.raw.
std::string recorderPath();
std::string recorderSection(const std::string& name, const std::string& events,
                            const std::string& args = "", const std::string& extra = "");

/// The pid the main log says `name` was spawned with (the `nth` spawn, from 0).
int spawnedPid(const std::string& main_log, const std::string& name, int nth = 0);

}  // namespace sup::test
