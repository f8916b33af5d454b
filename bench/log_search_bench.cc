// Runs `supervisorctl grep` / `supervisorctl find` on a fixture file list
// instead of a daemon's answer, so bench/grep_bench.sh can time the search
// code alone against GNU grep on the same files:
//   log_search_bench grep [OPTION]... PATTERN --files-from LIST [name...]
//   log_search_bench find [OPTION]... --files-from LIST [name...]
// LIST holds one `NAMESPEC STREAM MAXBACKUPS PATH` per line.
//   log_search_bench generate DIR MIB_PER_FILE BACKUPS PROGRAMS
// writes realistic rotated logs (DIR/NAME.log, .log.1 ... .log.BACKUPS for
// stdout, a smaller NAME.err set for stderr) and DIR/files.list for them.
#include <fcntl.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "logsearch/log_find.h"
#include "logsearch/log_search.h"
#include "logsearch/search_options.h"

namespace {

// Deterministic xorshift so every run generates the same logs.
struct Rng {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
};

// One log line in the style of a Python/gunicorn/celery worker.
void appendLine(Rng& rng, std::string& out, std::uint64_t& clock_ms, const std::string& name,
                bool is_stderr) {
  static const char* const kPaths[] = {"/api/v1/orders", "/api/v1/users", "/healthz",
                                       "/api/v2/search", "/static/app.js", "/login"};
  static const char* const kUsers[] = {"alice", "bob", "carol", "dave", "erin", "frank"};
  static const char* const kMethods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
  clock_ms += 1 + rng.below(40);
  std::uint64_t s = clock_ms / 1000;
  char head[64];
  std::snprintf(head, sizeof head, "2026-11-%02u %02u:%02u:%02u,%03u ",
                static_cast<unsigned>(10 + s / 86400 % 12), static_cast<unsigned>(s / 3600 % 24),
                static_cast<unsigned>(s / 60 % 60), static_cast<unsigned>(s % 60),
                static_cast<unsigned>(clock_ms % 1000));
  out += head;
  char body[320];
  unsigned roll = rng.below(1000);
  if (is_stderr) roll = roll < 500 ? 900 + roll % 100 : roll;
  std::uint64_t id = rng.next();
  if (roll < 850) {
    unsigned status = rng.below(1000) < 5 ? 500 + rng.below(5) : (rng.below(10) ? 200 : 404);
    std::snprintf(body, sizeof body,
                  "INFO [%s] request_id=%016llx %s %s/%u status=%u duration=%ums user=%s%u\n",
                  name.c_str(), static_cast<unsigned long long>(id), kMethods[rng.below(6)],
                  kPaths[rng.below(6)], rng.below(100000), status,
                  rng.below(10) ? rng.below(300) : rng.below(20000), kUsers[rng.below(6)],
                  rng.below(100));
  } else if (roll < 950) {
    std::snprintf(body, sizeof body, "DEBUG [%s] cache %s key=user:%u ttl=%u\n", name.c_str(),
                  rng.below(4) ? "hit" : "miss", rng.below(1000000), rng.below(3600));
  } else if (roll < 990) {
    std::snprintf(body, sizeof body,
                  "WARNING [%s] slow query took %ums: SELECT * FROM orders WHERE id = %u\n",
                  name.c_str(), 500 + rng.below(5000), rng.below(1000000));
  } else {
    static const char* const kErrors[] = {
        "upstream timed out after 30000ms while reading response header from upstream",
        "connection reset by peer", "Traceback (most recent call last): KeyError: 'order_id'",
        "database connection refused after 3 retries"};
    std::snprintf(body, sizeof body, "ERROR [%s] request_id=%016llx %s\n", name.c_str(),
                  static_cast<unsigned long long>(id), kErrors[rng.below(4)]);
  }
  out += body;
}

int generate(const std::string& dir, unsigned mib, unsigned backups, unsigned programs) {
  ::mkdir(dir.c_str(), 0755);
  std::ofstream list(dir + "/files.list");
  Rng rng;
  const std::int64_t base_time = 1795000000;
  std::int64_t file_index = 0;
  for (unsigned p = 0; p < programs; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "%s_%02u", p % 2 ? "celery" : "web", p);
    std::string namespec = std::string(p % 2 ? "celery:" : "web:") + name;
    for (int stream = 0; stream < 2; ++stream) {
      const bool is_stderr = stream == 1;
      const std::string path = dir + "/" + name + (is_stderr ? ".err" : ".log");
      const unsigned n_backups = is_stderr ? 1 : backups;
      const std::size_t bytes = (is_stderr ? 1u : mib) * 1024u * 1024u;
      std::uint64_t clock_ms = 0;
      for (int n = static_cast<int>(n_backups); n >= 0; --n) {
        std::string file = n ? path + "." + std::to_string(n) : path;
        std::string text;
        text.reserve(bytes + 512);
        std::size_t target = n ? bytes : bytes / 2;  // the current file is half full
        while (text.size() < target) appendLine(rng, text, clock_ms, name, is_stderr);
        std::ofstream(file, std::ios::binary).write(text.data(),
                                                    static_cast<std::streamsize>(text.size()));
        struct timespec times[2];
        times[0].tv_sec = times[1].tv_sec = base_time + 60 * file_index++;
        times[0].tv_nsec = times[1].tv_nsec = 0;
        ::utimensat(AT_FDCWD, file.c_str(), times, 0);
      }
      list << namespec << (is_stderr ? " stderr " : " stdout ") << n_backups << " " << path
           << "\n";
    }
  }
  return 0;
}

int usage() {
  std::cerr << "usage: log_search_bench grep|find [OPTION]... --files-from LIST\n";
  return 2;
}

// grep and find alike: parse the options, read the fixture list, search.
template <class Options, class Run>
int search(const sup::Result<Options>& options, Run run) {
  if (!options) {
    std::cerr << options.error().message << '\n';
    return 2;
  }
  sup::Result<std::vector<sup::LogFileSet>> sets = sup::Error{"--files-from LIST is required"};
  if (!options->files_from.empty()) sets = sup::readLogFileSetList(options->files_from);
  if (!sets && !options->help) {
    std::cerr << "log_search_bench: " << sets.error().message << '\n';
    return 2;
  }
  return run(*options, sets ? *sets : std::vector<sup::LogFileSet>{});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::ios::sync_with_stdio(false);
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "generate" && args.size() == 4) {
    return generate(args[0], static_cast<unsigned>(std::stoul(args[1])),
                    static_cast<unsigned>(std::stoul(args[2])),
                    static_cast<unsigned>(std::stoul(args[3])));
  }
  if (command == "grep") {
    return search(sup::parseGrepArgs(args), [](const auto& o, const auto& sets) {
      return sup::runGrep(o, sets, std::cout, std::cerr);
    });
  }
  if (command == "find") {
    return search(sup::parseFindArgs(args), [](const auto& o, const auto& sets) {
      return sup::runFind(o, sets, std::cout, std::cerr);
    });
  }
  return usage();
}
