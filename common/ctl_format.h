// Pure text of supervisorctl's output, byte for byte what Supervisor 4.2.5's
// supervisorctl.py prints: the status table, the per-process result lines,
// avail, reread's change list. No I/O here, so every line is unit-tested.
#pragma once

#include <string>
#include <vector>

#include "common/protocol.h"

namespace sup::ctl {

/// status: '%-Ns%-10s%s' with N = max(30, longest namespec) + 3, counted
/// (and padded) in code points as Python's str formatting does.
std::vector<std::string> formatStatusLines(const std::vector<proto::ProcessInfo>& infos);

/// start's line for a result struct, or nullopt-like "" for an unknown code
/// (Supervisor raises ValueError there; the caller reports it).
std::string formatStartResult(const proto::CallResult& r);
/// signal's line; stop uses success = "stopped".
std::string formatSignalResult(const proto::CallResult& r,
                               const std::string& success = "signalled");
std::string formatClearResult(const proto::CallResult& r);

/// avail: '%-32s %-9s %-9s %s' % (namespec, in use|avail, auto|manual, gprio:pprio),
/// padded in code points.
std::string formatAvailLine(const proto::ConfigInfo& c);

/// reread: "name: available|changed|disappeared" sorted by name, or
/// "No config updates to processes".
std::vector<std::string> formatChanges(const std::vector<std::string>& added,
                                       const std::vector<std::string>& changed,
                                       const std::vector<std::string>& removed);

}  // namespace sup::ctl
