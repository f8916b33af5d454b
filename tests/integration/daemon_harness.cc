#include "daemon_harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sup::test {

bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout * kSlowdown;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<int> childrenOf(int pid) {
  std::istringstream in(
      readFile("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  std::vector<int> pids;
  for (int p; in >> p;) pids.push_back(p);
  return pids;
}

static std::string readFd(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

RunResult run(const std::string& cmd) {
  // Output goes through temp files so a large stderr cannot deadlock us.
  char out_tmpl[] = "/tmp/harness-out-XXXXXX";
  char err_tmpl[] = "/tmp/harness-err-XXXXXX";
  int out_fd = ::mkstemp(out_tmpl);
  int err_fd = ::mkstemp(err_tmpl);
  RunResult r;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(out_fd, 0, SEEK_SET);
  ::lseek(err_fd, 0, SEEK_SET);
  r.out = readFd(out_fd);
  r.err = readFd(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  ::unlink(out_tmpl);
  ::unlink(err_tmpl);
  return r;
}

bool processAlive(int pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  auto close_paren = stat.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= stat.size() ||
         stat[close_paren + 2] != 'Z';
}

bool staysAsleepInEpoll(int pid, std::chrono::milliseconds window) {
  const std::string proc = "/proc/" + std::to_string(pid);
  auto switches = [&] {
    std::istringstream in(readFile(proc + "/status"));
    long total = 0;
    for (std::string line; std::getline(in, line);)
      if (line.find("ctxt_switches:") != std::string::npos)
        total += std::stol(line.substr(line.find(':') + 1));
    return total;
  };
  long before = -1;
  bool settled = false;
  for (int i = 0; i < 25 && !settled; ++i) {
    long now = switches();
    settled = now == before && readFile(proc + "/wchan") == "do_epoll_wait";
    before = now;
    if (!settled) std::this_thread::sleep_for(200ms);
  }
  return settled && !waitFor([&] { return switches() != before; }, window);
}

DaemonHarness::DaemonHarness() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "supd-test-XXXXXX").string();
  dir_ = ::mkdtemp(tmpl.data());
}

DaemonHarness::~DaemonHarness() {
  if (pid_ > 0 && !exit_status_) stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string DaemonHarness::helper(const std::string& name) {
  return std::string(SUP_HELPER_DIR) + "/" + name;
}
std::string DaemonHarness::supervisordBin() {
  return std::string(SUP_BIN_DIR) + "/supervisord";
}
std::string DaemonHarness::supervisorctlBin() {
  return std::string(SUP_BIN_DIR) + "/supervisorctl";
}

std::string DaemonHarness::ctlCommand(const std::string& args) const {
  return supervisorctlBin() + " -c " + configPath() + " " + args;
}

RunResult DaemonHarness::ctl(const std::string& args) const {
  return run(ctlCommand(args) + " </dev/null");
}

std::string DaemonHarness::socketSection() {
  return "[unix_http_server]\nfile={dir}/sv.sock\n\n";
}

std::string DaemonHarness::ctlSections() {
  return socketSection() + "[supervisorctl]\nserverurl=unix://{dir}/sv.sock\n\n";
}

std::string DaemonHarness::header(const std::string& loglevel) const {
  return "[supervisord]\nlogfile=" + logPath() + "\npidfile=" + pidfilePath() +
         "\nchildlogdir=" + dir_ + "\nloglevel=" + loglevel + "\n\n";
}

void DaemonHarness::writeConfig(const std::string& text) {
  std::string out = text;
  auto replaceAll = [&](const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = out.find(from, pos)) != std::string::npos; pos += to.size())
      out.replace(pos, from.size(), to);
  };
  replaceAll("{dir}", dir_);
  replaceAll("{helpers}", SUP_HELPER_DIR);
  std::ofstream(configPath()) << out;
}

bool DaemonHarness::start(const std::vector<std::string>& extra,
                          const std::vector<std::string>& prefix,
                          std::chrono::milliseconds timeout) {
  std::vector<std::string> args = prefix;
  args.push_back(supervisordBin());
  args.push_back("-n");
  args.push_back("-c");
  args.push_back(configPath());
  args.insert(args.end(), extra.begin(), extra.end());
  std::string out = path("daemon.out");
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  exit_status_.reset();
  return waitFor(
             [&] {
               if (!running()) return true;  // exited early: report below
               return mainLog().find("supervisord started with pid") != std::string::npos;
             },
             timeout) &&
         running();
}

int DaemonHarness::daemonPid() const {
  std::smatch m;
  std::string log = mainLog();
  static const std::regex re("supervisord started with pid (\\d+)");
  if (std::regex_search(log, m, re)) return std::stoi(m[1]);
  return -1;
}

bool DaemonHarness::running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

bool DaemonHarness::signal(int signo) {
  return pid_ > 0 && ::kill(pid_, signo) == 0;
}

std::optional<int> DaemonHarness::waitForExit(std::chrono::milliseconds timeout) {
  waitFor([&] { return !running(); }, timeout);
  return exit_status_;
}

std::optional<int> DaemonHarness::stop() {
  if (pid_ <= 0) return std::nullopt;
  if (!running()) return exit_status_;
  signal(SIGTERM);
  if (!waitForExit(10s)) {
    signal(SIGKILL);
    waitForExit(5s);
  }
  return exit_status_;
}

std::vector<std::string> DaemonHarness::logLines() const {
  std::vector<std::string> lines;
  std::istringstream in(mainLog());
  std::string line;
  // "2026-11-22 02:05:46,703 INFO msg" -> "INFO msg"
  while (std::getline(in, line)) lines.push_back(line.size() > 24 ? line.substr(24) : line);
  return lines;
}

std::vector<long> DaemonHarness::logStampsMs(const std::string& needle) const {
  std::vector<long> out;
  std::istringstream in(mainLog());
  std::string line;
  // "2026-11-22 06:52:25,016 ..." -> milliseconds since midnight.
  while (std::getline(in, line)) {
    if (line.size() < 23 || line.find(needle) == std::string::npos) continue;
    int h = std::stoi(line.substr(11, 2)), m = std::stoi(line.substr(14, 2));
    int s = std::stoi(line.substr(17, 2)), ms = std::stoi(line.substr(20, 3));
    out.push_back(((h * 60L + m) * 60 + s) * 1000 + ms);
  }
  return out;
}

bool DaemonHarness::waitForLogLine(const std::string& pattern, std::chrono::milliseconds timeout,
                                   int skip, std::smatch* match) {
  std::regex re(pattern);
  bool found = false;
  waitFor(
      [&] {
        int seen = 0;
        std::istringstream in(mainLog());
        std::string line;
        while (std::getline(in, line)) {
          std::smatch m;
          if (std::regex_search(line, m, re) && seen++ >= skip) {
            if (match) {
              // keep the matched line alive for the caller's smatch
              static thread_local std::string keep;
              keep = line;
              std::regex_search(keep, *match, re);
            }
            found = true;
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

int DaemonHarness::countLogLines(const std::string& pattern) const {
  std::regex re(pattern);
  int n = 0;
  std::istringstream in(mainLog());
  std::string line;
  while (std::getline(in, line))
    if (std::regex_search(line, re)) ++n;
  return n;
}

std::string DaemonHarness::childLogPath(const std::string& process,
                                        const std::string& channel) const {
  std::string prefix = process + "-" + channel + "---";
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".log")
      return e.path().string();
  }
  return "";
}

std::string DaemonHarness::childLog(const std::string& process, const std::string& channel) const {
  std::string p = childLogPath(process, channel);
  return p.empty() ? "" : readFile(p);
}

}  // namespace sup::test
