// The daemon's one event loop: epoll over file descriptors plus a heap of
// monotonic timers. It is the only place in supervisord that blocks, and it
// blocks until the next fd event or the next timer deadline, never on a tick:
// an idle daemon with no timers sleeps in epoll_wait(-1) and makes no syscalls.
// Time comes from an injectable Clock, so tests drive timers on a fake one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "supervisord/clock.h"

namespace sup {

class EventLoop {
 public:
  using TimePoint = Clock::Monotonic::time_point;
  using FdCallback = std::function<void(uint32_t epoll_events)>;
  using Callback = std::function<void()>;
  using TimerId = uint64_t;

  /// The loop reads time from `clock` (the machine's unless a test passes
  /// a fake one); `clock` must outlive the loop.
  explicit EventLoop(Clock& clock = systemClock());
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Watch fd for `events` (EPOLLIN, EPOLLOUT, ...). The loop does not own fd;
  /// call unwatch() before closing it. Safe to call from inside callbacks.
  void watch(int fd, uint32_t events, FdCallback cb);
  /// Change the event mask of a watched fd.
  void modify(int fd, uint32_t events);
  /// Stop watching fd. A pending event for it in the current batch is dropped.
  void unwatch(int fd);
  bool watching(int fd) const { return fds_.count(fd) != 0; }

  /// Run cb once after `delay` (monotonic). Returns an id for cancel().
  TimerId after(std::chrono::milliseconds delay, Callback cb);
  TimerId at(TimePoint deadline, Callback cb);
  /// Cancel a timer; unknown or already-fired ids are ignored.
  void cancel(TimerId id);

  /// Run cb after the current batch of events, before sleeping again.
  void defer(Callback cb);

  /// Wait for and dispatch one batch of events and due timers.
  void runOnce();
  /// Dispatch what is ready now (deferred work, fd events, due timers)
  /// without sleeping: how a test on a fake clock turns the loop.
  void poll();
  /// The deadline of the earliest live timer, if any.
  std::optional<TimePoint> nextDeadline();
  /// Loop until stop() is called, then run what is still deferred; the loop
  /// can then be run() again.
  void run();
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }
  /// Turns of the loop so far (epoll_waits), for /metrics.
  std::uint64_t iterations() const { return iterations_; }
  /// A re-exec's new image counts on from the old image's turns.
  void carryOverIterations(std::uint64_t n) { iterations_ += n; }

  /// Now, on this loop's monotonic clock.
  TimePoint now() const { return clock_.now(); }
  /// Now, on this loop's wall clock.
  Clock::Wall::time_point wallNow() const { return clock_.wallNow(); }

 private:
  struct Watch {
    FdCallback cb;
    uint64_t generation;
  };
  struct Timer {
    TimePoint deadline;
    TimerId id;
    bool operator>(const Timer& o) const {
      return deadline != o.deadline ? deadline > o.deadline : id > o.id;
    }
  };

  int timeoutMs() const;
  void dispatch(int timeout_ms);
  void fireDueTimers();
  void runDeferred();
  void dropCancelledTop();

  Clock& clock_;
  int epfd_ = -1;
  bool stopped_ = false;
  std::uint64_t iterations_ = 0;
  uint64_t next_generation_ = 1;
  std::unordered_map<int, Watch> fds_;
  TimerId next_timer_ = 1;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> heap_;
  std::unordered_map<TimerId, Callback> timers_;  // live (not cancelled) timers
  std::vector<Callback> deferred_;
};

}  // namespace sup
