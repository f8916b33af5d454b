#include "event_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sup {

EventLoop::EventLoop(Clock& clock) : clock_(clock) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

void EventLoop::watch(int fd, uint32_t events, FdCallback cb) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  int op = fds_.count(fd) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epfd_, op, fd, &ev) < 0)
    throw std::runtime_error("epoll_ctl(" + std::to_string(fd) + "): " + std::strerror(errno));
  fds_[fd] = Watch{std::move(cb), next_generation_++};
}

void EventLoop::modify(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0)
    throw std::runtime_error("epoll_ctl(MOD " + std::to_string(fd) + "): " + std::strerror(errno));
}

void EventLoop::unwatch(int fd) {
  if (fds_.erase(fd) == 0) return;
  // The fd may already be closed by a careless caller; ignore EBADF/ENOENT.
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::after(std::chrono::milliseconds delay, Callback cb) {
  return at(now() + delay, std::move(cb));
}

EventLoop::TimerId EventLoop::at(TimePoint deadline, Callback cb) {
  TimerId id = next_timer_++;
  timers_.emplace(id, std::move(cb));
  heap_.push(Timer{deadline, id});
  return id;
}

void EventLoop::cancel(TimerId id) {
  // Lazy deletion: the heap entry stays until it surfaces, then is skipped.
  timers_.erase(id);
}

void EventLoop::defer(Callback cb) {
  deferred_.push_back(std::move(cb));
}

int EventLoop::timeoutMs() const {
  if (!deferred_.empty()) return 0;
  // Skip cancelled entries at the top without mutating (const); the cost is
  // at most one early wake-up per cancelled timer.
  if (heap_.empty()) return -1;
  auto delta = heap_.top().deadline - now();
  if (delta <= TimePoint::duration::zero()) return 0;
  // Round up so we never wake a hair early and spin.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(delta).count();
  return ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms);
}

void EventLoop::fireDueTimers() {
  auto t = now();
  while (!heap_.empty() && heap_.top().deadline <= t) {
    TimerId id = heap_.top().id;
    heap_.pop();
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled
    Callback cb = std::move(it->second);
    timers_.erase(it);
    cb();
  }
  dropCancelledTop();
}

// Drop cancelled entries at the top so timeoutMs() does not wake for them.
void EventLoop::dropCancelledTop() {
  while (!heap_.empty() && timers_.count(heap_.top().id) == 0) heap_.pop();
}

std::optional<EventLoop::TimePoint> EventLoop::nextDeadline() {
  dropCancelledTop();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().deadline;
}

void EventLoop::runDeferred() {
  while (!deferred_.empty()) {
    auto batch = std::move(deferred_);
    deferred_.clear();
    for (auto& cb : batch) cb();
  }
}

void EventLoop::runOnce() {
  runDeferred();
  if (stopped_) return;  // deferred work stopped the loop: do not sleep
  dispatch(timeoutMs());
}

void EventLoop::poll() {
  runDeferred();
  dispatch(0);
}

void EventLoop::dispatch(int timeout_ms) {
  epoll_event events[64];
  ++iterations_;
  int n = epoll_wait(epfd_, events, 64, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return;
    throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
  }
  // Remember generations first: a callback may unwatch (or unwatch and
  // re-watch a reused number) another fd of this batch; that stale event
  // must not reach the new watcher.
  uint64_t gens[64];
  for (int i = 0; i < n; ++i) {
    auto it = fds_.find(events[i].data.fd);
    gens[i] = it == fds_.end() ? 0 : it->second.generation;
  }
  for (int i = 0; i < n; ++i) {
    auto it = fds_.find(events[i].data.fd);
    if (it == fds_.end() || it->second.generation != gens[i]) continue;
    FdCallback cb = it->second.cb;  // copy: the callback may unwatch itself
    cb(events[i].events);
  }
  fireDueTimers();
  runDeferred();
}

void EventLoop::run() {
  while (!stopped_) runOnce();
  // Work deferred by the turn that stopped the loop runs now, while what it
  // refers to still exists: on a reload the objects of this run are gone
  // before the loop runs again.
  runDeferred();
  stopped_ = false;  // ready to run again (supervisord's restart reuses the loop)
}

}  // namespace sup
