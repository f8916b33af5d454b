// The wall clock for log_timestamps (line_stamper.h): one clock_gettime
// (vDSO, no system call) per read() batch, and the local UTC offset asked of
// libc only when the second changes. Thin: the formatting is pure.
#pragma once

#include "supervisord/line_stamper.h"

namespace sup {

WallTime readWallClock();

}  // namespace sup
