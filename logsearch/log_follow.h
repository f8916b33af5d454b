// grep -f: after the search, follow the current log files for new lines.
// inotify on their directories wakes us on writes, creation and renames, so
// nothing polls; a rotation (file renamed to .1, new file created) is seen
// as a new inode at the path: the old file is drained, then the new one read
// from its start. A truncated file (clear, backups=0) is read again from 0.
#pragma once

#include <memory>
#include <vector>

#include "logsearch/file_scanner.h"

namespace sup {

struct FollowTarget {
  StreamTally* tally = nullptr;
  std::unique_ptr<FileScanner> scanner;  // open at its end, or not open yet
};

/// Runs until `stop_fd` is readable (never when -1) or no target is left.
void followLogs(ScanContext& ctx, std::vector<FollowTarget>& targets, int stop_fd);

}  // namespace sup
