// bench/run's event load: an event listener that answers at once and makes
// its own next event. After each event it writes a capture-mode token pair to
// its stderr (<!--XSUPERVISOR:BEGIN-->n<!--XSUPERVISOR:END-->), which the
// daemon turns into a PROCESS_COMMUNICATION_STDERR event for this very
// listener (stderr_capture_maxbytes, events=PROCESS_COMMUNICATION_STDERR),
// then answers RESULT 2 OK and READY. One event is in flight at a time, as
// for any single listener, so the rate is the daemon's round trip: read the
// output, make the event, dispatch it, read the answer.
//   event_pingpong --events N --stamp FILE --go FIFO
//   event_pingpong --answer        (only answer OK: an idle listener)
//   event_pingpong --relay N       the physical limit: N round trips of a byte
//                                  between two processes over pipes; prints
//                                  "ROUND_TRIPS_PER_S PARENT_CPU_S_PER_10000"
// --stamp  "FIRST_NS LAST_NS\n" (CLOCK_MONOTONIC) when event 1 and event N arrived
// --go     wait for a byte on FIFO before making the first event
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void writeAll(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::exit(2);
    done += static_cast<std::size_t>(n);
  }
}

// Buffered stdin: the header line, then len bytes of payload.
char buf[1 << 16];
std::size_t have = 0, pos = 0;

bool fill() {
  if (pos == have) pos = have = 0;
  ssize_t n = read(0, buf + have, sizeof buf - have);
  if (n <= 0) return false;
  have += static_cast<std::size_t>(n);
  return true;
}

// One event: its header's len, then that many payload bytes (the payloads
// here are ASCII, so characters are bytes).
bool readEvent() {
  std::string header;
  while (true) {
    if (pos == have && !fill()) return false;
    char c = buf[pos++];
    if (c == '\n') break;
    header.push_back(c);
  }
  const char* len = std::strstr(header.c_str(), " len:");
  long left = len ? std::atol(len + 5) : 0;
  while (left > 0) {
    if (pos == have && !fill()) return false;
    std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(left), have - pos);
    pos += take;
    left -= static_cast<long>(take);
  }
  return true;
}

std::string token(long n) {
  return "<!--XSUPERVISOR:BEGIN-->" + std::to_string(n) + "<!--XSUPERVISOR:END-->";
}

double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The floor: one round trip between two processes over pipes (a byte each
// way), the least any daemon must do per event to one listener, which
// answers one event at a time: write to it, sleep until it answers, read.
int relay(long events) {
  int to[2], from[2];
  if (pipe(to) || pipe(from)) return 2;
  pid_t child = fork();
  if (child == 0) {
    close(to[1]);
    close(from[0]);
    char c;
    while (read(to[0], &c, 1) == 1 && write(from[1], &c, 1) == 1) {
    }
    _exit(0);
  }
  close(to[0]);
  close(from[1]);
  double cpu0 = cpuSeconds();
  std::int64_t t0 = monotonicNs();
  char c = 'x';
  for (long i = 0; i < events; ++i) {
    if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1) return 2;
  }
  double seconds = static_cast<double>(monotonicNs() - t0) / 1e9;
  double cpu = cpuSeconds() - cpu0;
  close(to[1]);
  waitpid(child, nullptr, 0);
  std::printf("%.0f %.4f\n", static_cast<double>(events) / seconds, cpu * 10000.0 / events);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long events = 0;
  const char* stamp = nullptr;
  const char* go = nullptr;
  bool answer_only = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc)
      events = std::atol(argv[++i]);
    else if (!std::strcmp(argv[i], "--stamp") && i + 1 < argc)
      stamp = argv[++i];
    else if (!std::strcmp(argv[i], "--go") && i + 1 < argc)
      go = argv[++i];
    else if (!std::strcmp(argv[i], "--answer"))
      answer_only = true;
    else if (!std::strcmp(argv[i], "--relay") && i + 1 < argc)
      return relay(std::atol(argv[++i]));
  }
  writeAll(1, "READY\n");
  if (!answer_only) {
    if (go) {
      int fd = open(go, O_RDONLY);
      char c;
      if (fd >= 0) (void)!read(fd, &c, 1);
    }
    writeAll(2, token(1));
  }
  std::int64_t first = 0;
  for (long n = 1;; ++n) {
    if (!readEvent()) return 0;
    if (answer_only) {
      writeAll(1, "RESULT 2\nOKREADY\n");
      continue;
    }
    if (n == 1) first = monotonicNs();
    if (n == events) {
      std::int64_t last = monotonicNs();
      if (stamp) {
        std::string s = std::to_string(first) + " " + std::to_string(last) + "\n";
        int fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
          writeAll(fd, s);
          close(fd);
        }
      }
      answer_only = true;  // no more events of our own
    } else {
      writeAll(2, token(n + 1));
    }
    writeAll(1, "RESULT 2\nOKREADY\n");
  }
}
