#include "supervisord/auto_child_logs.h"

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/py_text.h"
#include "supervisord/main_log.h"

namespace sup {

bool isAutoChildLogName(std::string_view name, std::string_view identifier) {
  // Code points, not bytes: Python's \S is Unicode-aware (str.isspace()).
  std::u32string s = py::decodeUtf8(name);
  std::u32string marker = U"---" + py::decodeUtf8(identifier) + U"-";
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i - 1] == U'\n') return false;  // ".+?" never crosses a newline
    if (s.compare(i, marker.size(), marker) != 0) continue;
    std::size_t tail = i + marker.size();
    // "\S+\.log": the run of non-space characters after the marker holds
    // ".log" at some position past its first character.
    for (std::size_t k = tail + 1; k < s.size() && !py::isSpace(s[k - 1]); ++k)
      if (s.compare(k, 4, U".log") == 0) return true;
  }
  return false;
}

void cleanupAutoChildLogs(const std::string& childlogdir, const std::string& identifier,
                          MainLog& log) {
  DIR* dir = ::opendir(childlogdir.c_str());
  if (!dir) return;
  std::vector<std::string> doomed;
  while (dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (isAutoChildLogName(name, identifier)) doomed.push_back(childlogdir + "/" + name);
  }
  ::closedir(dir);
  for (const auto& path : doomed) {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT)
      log.warn("Failed to clean up '" + path + "'");
  }
}

}  // namespace sup
