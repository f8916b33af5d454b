// OutputCapture across a re-exec: the old image writes down the pipes and
// every byte it has read but not yet written (a queue for an unwritable log
// file, capture mode's held and captured bytes, a syslog line begun, stdin
// not yet sent); the new image reads the same pipes on and continues those
// bytes, so no output is lost, repeated or torn. Bytes still in a pipe stay
// there across execve: the kernel keeps the pipe, the child keeps writing.
#include <sys/epoll.h>

#include "supervisord/handover_format.h"
#include "supervisord/output_capture.h"

namespace sup {

void OutputCapture::handOver(handover::Process& into) const {
  into.stdin_fd = stdin_fd_;
  into.stdin_pending = stdin_buf_;
  for (const Stream* s : {&stdout_, &stderr_}) {
    handover::Stream& h = s == &stdout_ ? into.out : into.err;
    h.path = s->path;
    h.fd = s->fd;
    h.pending = s->pending;
    h.dropped = s->dropped;
    const Policies* x = s->extra.get();
    if (!x) continue;
    h.syslog_partial = x->syslog_lines.partial();
    h.mid_line = !x->stamper.atLineStart();
    h.tee_partial = x->tee_lines.partial();
    if (x->capture) {
      h.capturing = x->capture->capturing();
      h.capture_held = x->capture->held();
      h.captured = x->capture->captured();
    }
  }
}

void OutputCapture::resume(const handover::Process& from) {
  attach(from.stdin_fd, from.out.fd, from.err.fd);
  for (Stream* s : {&stdout_, &stderr_}) {
    const handover::Stream& h = s == &stdout_ ? from.out : from.err;
    // What the new config no longer asks for (a syslog line begun under
    // stdout_syslog=true, say) has nowhere to go and ends here.
    if (Policies* x = s->extra.get()) {
      x->syslog_lines.restorePartial(h.syslog_partial);
      x->stamper.restore(!h.mid_line);
      x->tee_lines.restorePartial(h.tee_partial);
      if (x->capture) x->capture->restore(h.capturing, h.capture_held, h.captured);
    }
    s->dropped = h.dropped;
    // Still unwritable? store() queues it again and retries with backoff.
    if (!h.pending.empty() && s->file) store(*s, h.pending);
  }
  if (!from.stdin_pending.empty()) sendStdin(from.stdin_pending);
}

}  // namespace sup
