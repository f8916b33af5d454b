// Fuzz target: the INI reader and the config model. One input is one
// supervisord.conf. The reader runs on it in memory; then the whole
// loadConfig path (include handling, [supervisord], programs, groups,
// servers, %(...)s expansion, datatypes) runs on the same bytes written to a
// private file in /dev/shm, because loadConfig reads files, like Supervisor.
// Any outcome is fine except a crash, a sanitizer report, a leak or a hang.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <optional>
#include <string_view>

#include "common/config_parser.h"
#include "common/ini_reader.h"

namespace {

// A directory of our own, so [include] globs relative to %(here)s see only
// the file under test, never someone else's.
const std::string& workDir() {
  static const std::string dir = [] {
    std::string d = "/dev/shm/sup-fuzz-ini-" + std::to_string(::getpid());
    if (::mkdir(d.c_str(), 0700) != 0) std::abort();
    std::atexit([] {
      std::string path = "/dev/shm/sup-fuzz-ini-" + std::to_string(::getpid());
      ::unlink((path + "/supervisord.conf").c_str());
      ::rmdir(path.c_str());
    });
    return d;
  }();
  return dir;
}

// [include] files= may name any path; a glob like /dev/* would make the
// parser read devices forever. Only patterns confined to our directory run.
bool includeStaysHome(const sup::IniDocument& ini) {
  if (!ini.hasSection("include")) return true;
  std::optional<std::string> files = ini.get("include", "files");
  if (!files) return true;
  std::string rest;
  for (size_t i = 0; i < files->size();) {
    if (files->compare(i, 9, "%(here)s/") == 0) {
      i += 9;
    } else {
      rest += (*files)[i++];
    }
  }
  return rest.find('/') == std::string::npos && rest.find("..") == std::string::npos &&
         rest.find("here") == std::string::npos && rest.find("ENV") == std::string::npos;
}

void exerciseReader(const sup::IniDocument& ini) {
  for (const std::string& section : ini.sections()) {
    for (const auto& [key, value] : ini.items(section)) {
      (void)ini.get(section, key);
      (void)value;
    }
    (void)ini.options(section);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  sup::IniDocument ini;
  const bool ini_ok = ini.readString(text, "fuzz.conf").ok();
  exerciseReader(ini);
  const bool run_loader = ini_ok && includeStaysHome(ini);
  ini.expandHere("/fuzz/here");
  exerciseReader(ini);
  if (!run_loader) return 0;

  const std::string path = workDir() + "/supervisord.conf";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size != 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);

  sup::ParseOptions opts;
  opts.environ = {{"HOME", "/nonexistent"}, {"USER", "fuzz"}, {"X", "1"}};
  opts.host_node_name = "fuzzhost";
  opts.cwd = workDir();
  opts.check_filesystem = true;  // stat(2) only; nothing is created
  opts.check_users = true;
  sup::ParseOutcome outcome = sup::parseConfigDetailed(path, opts);
  (void)outcome;
  (void)sup::loadCtlConfig(path, opts);
  return 0;
}
