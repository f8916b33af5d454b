// OutputCapture's own keys for program logs (docs/program-logs.md):
// log_timestamps= stamps each line on its way to the file, log_markers=
// writes a line at each start and exit, and stdout_tee= / stderr_tee= send
// each line to a second target after tee_prefix, without ever making the
// program or its log file wait for that target.
#include <cstring>

#include "supervisord/log_markers.h"
#include "supervisord/log_registry.h"
#include "supervisord/main_log.h"
#include "supervisord/output_capture.h"
#include "supervisord/wall_clock.h"

namespace sup {

void OutputCapture::toFile(Stream& s, std::string_view data) {
  if (!s.extra || !s.extra->stamp) return store(s, data);
  Policies& x = *s.extra;
  // One clock reading per batch of output (one read() of up to 256 KiB):
  // its lines share the millisecond they were read in.
  const std::string_view stamp = x.stamp_format.format(readWallClock());
  // One buffer for every stream (in .bss: resident only once a program
  // stamps); a read of 256 KiB of 100-byte lines stamped is ~333 KiB.
  static char stamped[512 << 10];
  while (!data.empty()) {
    LineStamper::Stamped r = x.stamper.stamp(data, stamp, stamped, sizeof stamped);
    store(s, std::string_view(stamped, r.written));
    data.remove_prefix(r.used);
  }
}

void OutputCapture::teeOutput(Stream& s, std::string_view data) {
  Policies& x = *s.extra;
  x.tee_lines.feed(data, [&x](std::string_view line) {
    if (!x.tee->push(x.tee_prefix, line)) ++x.tee_dropped;
  });
  x.tee->flush();
}

void OutputCapture::openTee(Stream& s) {
  Policies& x = *s.extra;
  TeeTargets* tees = settings_.registry ? &settings_.registry->tees : nullptr;
  if (!tees) {
    if (!own_tees_) own_tees_ = std::make_unique<TeeTargets>();
    tees = own_tees_.get();
  }
  std::string error;
  auto target = tees->get(loop_, log_, x.tee_path, &error);
  if (!target) {
    // Once per start: the file log goes on without the tee.
    log_.error("'" + name_ + "' " + s.channel + "_tee " + x.tee_path +
               " cannot be opened: " + error + "; no tee for this run");
  }
  x.tee = std::move(target);
}

void OutputCapture::finishTee(Stream& s) {
  if (!s.extra || !s.extra->tee) return;
  Policies& x = *s.extra;
  x.tee_lines.flush([&x](std::string_view line) {
    if (!x.tee->push(x.tee_prefix, line)) ++x.tee_dropped;
  });
  x.tee->flush();
  if (x.tee_dropped == 0) return;
  // One line per run, not one per drop.
  log_.warn("'" + name_ + "' " + s.channel + "_tee " + x.tee_path + ": " +
            std::to_string(x.tee_dropped) +
            " lines dropped (the target did not take them "
            "in time); its log file has them all");
  x.tee_dropped = 0;
}

void OutputCapture::markSpawned(int pid) {
  if (markers_) writeMarker(spawnedMarker(pid));
}

void OutputCapture::markExited(int wait_status) {
  if (markers_) writeMarker(exitedMarker(wait_status));
}

void OutputCapture::writeMarker(const std::string& line) {
  Stream& s = stdout_;
  if (!s.file) return;
  // A line of its own: after a program's unfinished last line, a newline
  // first.
  const bool stamped = s.extra && s.extra->stamp;
  bool ends_line = stamped              ? s.extra->stamper.atLineStart()
                   : !s.pending.empty() ? s.pending.back() == '\n'
                                        : s.file->endsLine();
  // Stamped, the newline ends the program's line without a stamp of its
  // own and the marker's line gets one.
  toFile(s, ends_line ? line : "\n" + line);
}

}  // namespace sup
