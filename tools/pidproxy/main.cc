// pidproxy PIDFILE COMMAND [ARGS...]: Supervisor's pidproxy in C++. Runs
// COMMAND (the file itself, made absolute: no PATH search), passes TERM, HUP,
// INT, USR1, USR2 and QUIT on to the pid in PIDFILE (exiting 0 after TERM,
// INT and QUIT), and exits 0 once a child has exited. Unlike Python's, which
// looks for its child every 5 seconds, it waits for signals and reacts at
// once. The texts and rules are in pidproxy_rules.h.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>

#include "common/program_name.h"
#include "common/read_file.h"
#include "tools/pidproxy/pidproxy_rules.h"

using namespace sup;

namespace {

// Python's print(): written at once (as under PYTHONUNBUFFERED).
void printLine(FILE* to, const std::string& text) {
  std::fputs((text + "\n").c_str(), to);
  std::fflush(to);
}

std::string currentDirectory() {
  std::string buf(4096, '\0');
  while (::getcwd(buf.data(), buf.size()) == nullptr) {
    if (errno != ERANGE) return "";
    buf.resize(buf.size() * 2);
  }
  return buf.c_str();
}

// Pass `signo` on to the pid in the pidfile. Returns the exit status when
// pidproxy ends here, -1 to go on.
int forward(const std::string& pidfile, int signo) {
  std::optional<std::string> text = readWholeFile(pidfile);
  std::optional<int> pid = text ? pidproxy::parsePid(*text) : std::nullopt;
  if (!pid) {
    printLine(stdout, pidproxy::cannotReadPidfile(pidfile));
    return -1;
  }
  if (::kill(*pid, signo) != 0) {
    printLine(stderr, pidproxy::osErrorLine(errno));
    return 1;
  }
  return pidproxy::exitsAfterForwarding(signo) ? 0 : -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string argv0 = pythonArgv0(argc > 0 ? argv[0] : nullptr, "pidproxy");
  if (argc < 3) {
    std::fputs(pidproxy::usage(argv0).c_str(), stdout);
    return 1;
  }
  const std::string pidfile = argv[1];
  const std::string command = pidproxy::abspath(argv[2], currentDirectory());

  // The signals wait, blocked, for sigwaitinfo() below; set to their default
  // action first, so that one the caller ignored (nohup's HUP, an ignored
  // CHLD that would auto-reap) still arrives, and the command starts with
  // them at their defaults, as after Python's handlers and exec.
  sigset_t handled, previous;
  sigemptyset(&handled);
  for (int signo = 1; signo < NSIG; ++signo) {
    if (signo != SIGCHLD && !pidproxy::forwards(signo)) continue;
    std::signal(signo, SIG_DFL);
    sigaddset(&handled, signo);
  }
  sigprocmask(SIG_BLOCK, &handled, &previous);

  pid_t child = ::fork();
  if (child < 0) {
    printLine(stderr, pidproxy::osErrorLine(errno));
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    ::execv(command.c_str(), argv + 2);
    ::_exit(127);  // os.spawnv's child, silently
  }

  while (true) {
    siginfo_t info;
    int signo = ::sigwaitinfo(&handled, &info);
    if (signo < 0) continue;  // EINTR
    if (signo == SIGCHLD) {
      bool reaped = false;
      int status = 0;
      while (::waitpid(-1, &status, WNOHANG) > 0) reaped = true;
      if (reaped) return 0;
      continue;
    }
    int exit_status = forward(pidfile, signo);
    if (exit_status >= 0) return exit_status;
  }
}
