// Every live RotatingFile by path (part of the daemon's LogRegistry), so the
// control API can rotate a program's log or the main log now
// (supervisor.rotateProcessLogs, rotateAllProcessLogs, rotateLog) through
// the path getProcessInfo and getLogFiles report, as LogFollowers finds
// the followers of a path.
#pragma once

#include <string>
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
  std::vector<RotatingFile*> files_;
};

}  // namespace sup
