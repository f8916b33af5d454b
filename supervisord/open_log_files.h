// Every live RotatingFile by path (part of the daemon's LogRegistry), so the
// control API can rotate a program's log or the main log now
// (supervisor.rotateProcessLogs, rotateAllProcessLogs, rotateLog) through
// the path getProcessInfo and getLogFiles report, as LogFollowers finds
// the followers of a path.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace sup {

class RotatingFile;

class OpenLogFiles {
 public:
  void add(RotatingFile* file);
  void remove(RotatingFile* file);
  /// The files writing to `path` (usually one), oldest first.
  std::vector<RotatingFile*> at(const std::string& path) const;
  /// rotateSoon() on the first file writing to `path`; the others (two
  /// streams logging to one file) reopen it once it has rotated. True if
  /// nothing failed; also true when no file is open at `path`.
  bool rotate(const std::string& path);

 private:
  // By path (a RotatingFile's path never changes): with 10,000 programs a
  // scan of every file per add, remove or rotate made logrotate of all and
  // a shutdown quadratic.
  std::unordered_map<std::string, std::vector<RotatingFile*>> by_path_;
};

}  // namespace sup
