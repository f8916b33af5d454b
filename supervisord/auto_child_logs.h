// AUTO child log files (stdout_logfile=AUTO): their names, and the clean-up
// of an earlier run's files at start-up (Supervisor's clear_autochildlogdir).
#pragma once

#include <string>
#include <string_view>

namespace sup {

class MainLog;

/// Remove the AUTO child logs left by an earlier run: the names in
/// `childlogdir` that isAutoChildLogName() accepts for `identifier`.
void cleanupAutoChildLogs(const std::string& childlogdir, const std::string& identifier,
                          MainLog& log);

/// Whether Supervisor's re.match(r'.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}')
/// accepts this file name. Anchored at the start only, the optional tail can
/// match nothing, so this is: at least one character (no newline), then
/// "---<identifier>-", then one or more non-whitespace characters up to a
/// ".log". The identifier is matched literally: Supervisor pastes it into
/// the pattern unescaped, which only changes anything for an identifier
/// holding regex syntax (and one like "a(b" makes Python fail at startup).
bool isAutoChildLogName(std::string_view name, std::string_view identifier);

}  // namespace sup
