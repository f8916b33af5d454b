#include "supervisord/pidfd_child.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace sup {
namespace {

// The first fields of the kernel's struct clone_args (CLONE_ARGS_SIZE_VER0).
struct CloneArgs {
  std::uint64_t flags = 0;
  std::uint64_t pidfd = 0;
  std::uint64_t child_tid = 0;
  std::uint64_t parent_tid = 0;
  std::uint64_t exit_signal = 0;
  std::uint64_t stack = 0;
  std::uint64_t stack_size = 0;
  std::uint64_t tls = 0;
};

}  // namespace

long forkWithPidfd(int* pidfd, int exit_signal) {
  CloneArgs args;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(pidfd);
  args.exit_signal = static_cast<std::uint64_t>(exit_signal);
  return ::syscall(SYS_clone3, &args, sizeof args);
}

int waitPidfd(int pidfd, siginfo_t* info, int options) {
  return ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), info, options);
}

}  // namespace sup
