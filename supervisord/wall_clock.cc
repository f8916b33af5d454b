#include "supervisord/wall_clock.h"

#include <time.h>

namespace sup {

WallTime readWallClock() {
  // One offset per second: localtime_r consults the zone rules (a DST
  // change can happen on any second), but never more than once a second.
  static time_t offset_sec = -1;
  static int offset = 0;
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  if (ts.tv_sec != offset_sec) {
    struct tm tm;
    offset = ::localtime_r(&ts.tv_sec, &tm) ? static_cast<int>(tm.tm_gmtoff) : 0;
    offset_sec = ts.tv_sec;
  }
  return WallTime{static_cast<long long>(ts.tv_sec), static_cast<int>(ts.tv_nsec / 1000000),
                  offset};
}

}  // namespace sup
