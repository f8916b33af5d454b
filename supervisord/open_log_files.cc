#include "supervisord/open_log_files.h"

#include <algorithm>

#include "supervisord/rotating_file.h"

namespace sup {

void OpenLogFiles::add(RotatingFile* file) {
  by_path_[file->path()].push_back(file);
}

void OpenLogFiles::remove(RotatingFile* file) {
  auto it = by_path_.find(file->path());
  if (it == by_path_.end()) return;
  auto& same = it->second;
  same.erase(std::remove(same.begin(), same.end(), file), same.end());
  if (same.empty()) by_path_.erase(it);
}

std::vector<RotatingFile*> OpenLogFiles::at(const std::string& path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? std::vector<RotatingFile*>() : it->second;
}

bool OpenLogFiles::rotate(const std::string& path) {
  if (path.empty()) return true;
  std::vector<RotatingFile*> same = at(path);
  if (same.empty()) return true;
  bool ok = same.front()->rotateSoon();
  // A second writer of the same name would go on writing into the renamed
  // file; point it at the new one. (A deferred rotation leaves them alone:
  // the same-name case with a line in progress is not worth a second state.)
  if (!same.front()->rotationDue()) {
    for (size_t i = 1; i < same.size(); ++i) ok = same[i]->reopen() && ok;
  }
  return ok;
}

}  // namespace sup
