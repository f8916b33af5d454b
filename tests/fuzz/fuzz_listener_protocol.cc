// Fuzz target: the event listener protocol parser (what supervisord reads
// from a listener's stdout). The first input byte picks the read size; the
// rest is the listener's output, fed in reads of that size, with an event
// "sent" whenever the listener is READY, as the pool does. Checks: no crash,
// what is held stays bounded, every PROCESSED/REJECTED answers an event that
// was sent, and the same reads give the same steps (no hidden state).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "supervisord/listener_protocol.h"

namespace {

struct Run {
  std::vector<std::string> steps;
  int sent = 0;
  int answered = 0;
};

Run run(std::string_view output, std::size_t chunk) {
  Run r;
  sup::ListenerProtocol p("fuzz");
  std::vector<sup::ListenerProtocol::Step> steps;
  for (std::size_t i = 0; i < output.size(); i += chunk) {
    steps.clear();
    p.feed(output.substr(i, chunk), steps);
    for (const auto& s : steps) {
      using K = sup::ListenerProtocol::Step::Kind;
      if (s.kind != K::kLog) ++r.answered;
      r.steps.push_back(std::to_string(static_cast<int>(s.kind)) + s.line);
    }
    if (p.buffered() > sup::ListenerProtocol::kMaxResultLine + chunk) std::abort();
    if (p.state() == sup::ListenerState::kReady) {
      p.markBusy();
      ++r.sent;
    }
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::size_t chunk = 1 + data[0] % 64;
  std::string_view output(reinterpret_cast<const char*>(data) + 1, size - 1);
  Run a = run(output, chunk);
  if (a.answered > a.sent) std::abort();
  Run b = run(output, chunk);
  if (a.steps != b.steps) std::abort();
  return 0;
}
