#include "common/ctl_format.h"

#include <algorithm>
#include <map>

#include "common/py_text.h"

namespace sup::ctl {

namespace {

std::string namespecOf(const proto::CallResult& r) {
  return proto::makeNamespec(r.group, r.name);
}

}  // namespace

std::vector<std::string> formatStatusLines(const std::vector<proto::ProcessInfo>& infos) {
  std::size_t maxlen = 30;
  std::vector<std::string> names;
  names.reserve(infos.size());
  for (const auto& i : infos) {
    names.push_back(proto::makeNamespec(i.group, i.name));
    maxlen = std::max(maxlen, py::length(names.back()));
  }
  std::vector<std::string> lines;
  lines.reserve(infos.size());
  for (std::size_t k = 0; k < infos.size(); ++k) {
    lines.push_back(py::ljust(names[k], maxlen + 3) + py::ljust(infos[k].statename, 10) +
                    infos[k].description);
  }
  return lines;
}

std::string formatStartResult(const proto::CallResult& r) {
  std::string name = namespecOf(r);
  switch (static_cast<proto::Fault>(r.status)) {
    case proto::Fault::kBadName:
      return name + ": ERROR (no such process)";
    case proto::Fault::kNoFile:
      return name + ": ERROR (no such file)";
    case proto::Fault::kNotExecutable:
      return name + ": ERROR (file is not executable)";
    case proto::Fault::kAlreadyStarted:
      return name + ": ERROR (already started)";
    case proto::Fault::kSpawnError:
      return name + ": ERROR (spawn error)";
    case proto::Fault::kAbnormalTermination:
      return name + ": ERROR (abnormal termination)";
    case proto::Fault::kSuccess:
      return name + ": started";
    default:
      return "";
  }
}

std::string formatSignalResult(const proto::CallResult& r, const std::string& success) {
  std::string name = namespecOf(r);
  switch (static_cast<proto::Fault>(r.status)) {
    case proto::Fault::kBadName:
      return name + ": ERROR (no such process)";
    case proto::Fault::kBadSignal:
      return name + ": ERROR (bad signal name)";
    case proto::Fault::kNotRunning:
      return name + ": ERROR (not running)";
    case proto::Fault::kSuccess:
      return name + ": " + success;
    case proto::Fault::kFailed:
      return r.description;
    default:
      return "";
  }
}

std::string formatClearResult(const proto::CallResult& r) {
  std::string name = namespecOf(r);
  switch (static_cast<proto::Fault>(r.status)) {
    case proto::Fault::kBadName:
      return name + ": ERROR (no such process)";
    case proto::Fault::kFailed:
      return name + ": ERROR (failed)";
    case proto::Fault::kSuccess:
      return name + ": cleared";
    default:
      return "";
  }
}

std::string formatAvailLine(const proto::ConfigInfo& c) {
  return py::ljust(proto::makeNamespec(c.group, c.name), 32) + " " +
         py::ljust(c.inuse ? "in use" : "avail", 9) + " " +
         py::ljust(c.autostart ? "auto" : "manual", 9) + " " + std::to_string(c.group_prio) + ":" +
         std::to_string(c.process_prio);
}

std::vector<std::string> formatChanges(const std::vector<std::string>& added,
                                       const std::vector<std::string>& changed,
                                       const std::vector<std::string>& removed) {
  // A dict updated in this order: a name in two lists gets the later label.
  std::map<std::string, std::string> changes;
  for (const auto& n : added) changes[n] = "available";
  for (const auto& n : changed) changes[n] = "changed";
  for (const auto& n : removed) changes[n] = "disappeared";
  if (changes.empty()) return {"No config updates to processes"};
  std::vector<std::string> lines;
  for (const auto& [name, what] : changes) lines.push_back(name + ": " + what);
  return lines;
}

}  // namespace sup::ctl
