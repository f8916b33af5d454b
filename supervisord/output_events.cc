// The event side of a process's output (dispatchers.py POutputDispatcher's
// notify() calls and PEventListenerDispatcher's reads): PROCESS_LOG_* when
// *_events_enabled, PROCESS_COMMUNICATION_* from capture mode, and an event
// listener's stdout routed to its protocol. The Supervisor turns the calls
// into events with the pid (supervisor_events.cc).
#include "common/py_text.h"
#include "supervisord/main_log.h"
#include "supervisord/output_capture.h"

namespace sup {

void OutputCapture::logEvent(Stream& s, std::string_view data) {
  if (s.events_enabled && event_sink_ && !data.empty()) event_sink_(&s == &stderr_, false, data);
}

void OutputCapture::commEvent(Stream& s, std::string_view data) {
  if (event_sink_) event_sink_(&s == &stderr_, true, data);
  if (log_.enabled(LogLevel::Debug))
    log_.debug(py::repr(name_) + " " + s.channel + " emitted a comm event");
}

// Bytes between the capture tokens go to the capture log, not the log file;
// Supervisor's _log() still shows them at DEBG and makes PROCESS_LOG events.
void OutputCapture::capturedOutput(Stream& s, std::string_view data) {
  std::string stripped;
  if (settings_.strip_ansi) {
    stripped = stripAnsi(data);
    data = stripped;
  }
  if (log_.enabled(LogLevel::Debug)) {
    log_.debug(py::repr(name_) + " " + s.channel + " output:\n" + py::decodedOrUndecodable(data));
  }
  logEvent(s, data);
}

void OutputCapture::protocolOutput(Stream& s, std::string_view data) {
  if (s.file) {
    if (settings_.strip_ansi) {
      toFile(s, stripAnsi(data));
    } else {
      toFile(s, data);
    }
  }
  protocol_sink_(data);
}

}  // namespace sup
