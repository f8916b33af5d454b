#include "supervisord/heap_trim.h"

#include <malloc.h>

#include "supervisord/event_loop.h"

namespace sup {

void trimHeapSoon(EventLoop& loop) {
  // Deferred, so that what the current batch frees (the answer's buffers,
  // a replaced config) is free by the time the trim runs.
  loop.defer([] { ::malloc_trim(0); });
}

}  // namespace sup
