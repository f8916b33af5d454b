// Giving freed heap back to the kernel after a burst. glibc returns memory
// only from the top of the heap; pages freed between live blocks stay in
// the daemon's RSS for the rest of its life. A status of 4,000 programs
// builds a few MB of answer and leaves them there (measured: +2.4 MB RSS per
// first call), as does a config reread. malloc_trim(0) releases such pages
// (madvise), at a cost of about a millisecond for a 20 MB heap, so it runs
// only after those bursts, never on a timer.
#pragma once

#include <cstddef>

namespace sup {

class EventLoop;

/// Trim the heap after the current batch of events.
void trimHeapSoon(EventLoop& loop);

/// An answer at least this large is a burst worth a trim once it is sent.
constexpr std::size_t kTrimAfterBytes = 256 << 10;

}  // namespace sup
