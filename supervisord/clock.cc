#include "supervisord/clock.h"

namespace sup {

namespace {
class SystemClock final : public Clock {
 public:
  Monotonic::time_point now() const override { return Monotonic::now(); }
  Wall::time_point wallNow() const override { return Wall::now(); }
};
}  // namespace

Clock& systemClock() {
  static SystemClock clock;
  return clock;
}

}  // namespace sup
