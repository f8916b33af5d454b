#include "logsearch/log_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "common/protocol.h"

namespace sup {

std::string_view logStreamName(LogStream stream) {
  return stream == LogStream::kStdout ? "stdout" : "stderr";
}

std::optional<LogStream> parseLogStream(std::string_view text) {
  if (text == "stdout") return LogStream::kStdout;
  if (text == "stderr") return LogStream::kStderr;
  return std::nullopt;
}

namespace {

// stat() the path; true when it is a regular file or a directory (the latter
// is kept so grep can report it, like GNU grep's "Is a directory").
bool statLogFile(const std::string& path, LogFile& out) {
  struct stat st {};
  out.stat_errno = 0;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    out.path = path;
    out.size = 0;
    out.mtime_ns = 0;
    out.is_directory = false;
    out.stat_errno = errno;
    return true;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return false;
  out.path = path;
  out.size = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
  out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  out.is_directory = S_ISDIR(st.st_mode);
  return true;
}

}  // namespace

std::vector<LogFile> listLogFiles(const LogFileSet& set) {
  std::vector<LogFile> files;
  if (set.path.empty()) return files;
  LogFile file;
  file.namespec = set.namespec;
  file.stream = set.stream;
  for (int n = set.maxbackups; n >= 1; --n) {
    file.backup = n;
    if (statLogFile(set.path + "." + std::to_string(n), file)) files.push_back(file);
  }
  file.backup = 0;
  if (statLogFile(set.path, file)) files.push_back(file);
  return files;
}

std::vector<LogFileSet> normalizeLogFileSets(std::vector<LogFileSet> sets) {
  std::stable_sort(sets.begin(), sets.end(), [](const LogFileSet& a, const LogFileSet& b) {
    if (a.namespec != b.namespec) return a.namespec < b.namespec;
    return a.stream == LogStream::kStdout && b.stream == LogStream::kStderr;
  });
  std::vector<LogFileSet> out;
  std::set<std::string> seen_paths;
  for (auto& set : sets) {
    if (set.path.empty() || !seen_paths.insert(set.path).second) continue;
    out.push_back(std::move(set));
  }
  return out;
}

Result<std::vector<LogFileSet>> selectLogFileSets(const std::vector<LogFileSet>& sets,
                                                  const std::vector<std::string>& names) {
  if (names.empty()) return sets;
  std::vector<bool> keep(sets.size(), false);
  for (const auto& name : names) {
    bool found = false;
    bool is_group = false;
    std::string group;
    if (name == "all") {
      std::fill(keep.begin(), keep.end(), true);
      continue;
    }
    if (name.size() >= 2 && name.ends_with(":*")) {
      is_group = true;
      group = name.substr(0, name.size() - 2);
    } else if (name.ends_with(":")) {
      is_group = true;
      group = name.substr(0, name.size() - 1);
    }
    for (std::size_t i = 0; i < sets.size(); ++i) {
      bool match = is_group ? proto::splitNamespec(sets[i].namespec).first == group : sets[i].namespec == name;
      if (match) keep[i] = found = true;
    }
    if (!found) {
      return Error{is_group ? group + ": no such group" : name + ": no such process"};
    }
  }
  std::vector<LogFileSet> out;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (keep[i]) out.push_back(sets[i]);
  }
  return out;
}

Result<std::vector<LogFileSet>> parseLogFileSetList(std::string_view text) {
  std::vector<LogFileSet> sets;
  int lineno = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);
    // Three space-separated fields, then the path as the rest of the line.
    std::string_view fields[3];
    for (auto& field : fields) {
      auto end = line.find_first_of(" \t");
      field = line.substr(0, end);
      line = end == std::string_view::npos ? std::string_view() : line.substr(end);
      auto next = line.find_first_not_of(" \t");
      line = next == std::string_view::npos ? std::string_view() : line.substr(next);
    }
    LogFileSet set;
    set.namespec = std::string(fields[0]);
    auto stream = parseLogStream(fields[1]);
    auto [ptr, ec] =
        std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), set.maxbackups);
    if (!stream || ec != std::errc() || ptr != fields[2].data() + fields[2].size() ||
        set.maxbackups < 0 || line.empty()) {
      return Error{"line " + std::to_string(lineno) +
                   ": expected 'NAMESPEC stdout|stderr MAXBACKUPS PATH'"};
    }
    set.stream = *stream;
    set.path = std::string(line);
    sets.push_back(std::move(set));
  }
  return sets;
}

Result<std::vector<LogFileSet>> readLogFileSetList(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read file list"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto sets = parseLogFileSetList(buffer.str());
  if (!sets) return Error{path + ": " + sets.error().message};
  return sets;
}

}  // namespace sup
