// Supervisor's datatypes.py: the converters every config value goes through,
// each failing with Supervisor's exact message (the text after "Error: ").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config_model.h"
#include "common/result.h"

namespace sup::cv {

/// Python int(text): surrounding whitespace, a sign, '_' between digits.
/// "invalid literal for int() with base 10: 'x'".
Result<long long> integer(std::string_view text);
/// int(text, 8), wrapped as octal_type: "<text> can not be converted to an octal type".
Result<int> octal(std::string_view text);
/// yes/true/on/1, no/false/off/0 (any case): "not a valid boolean value: 'x'".
Result<bool> boolean(std::string_view text);
/// "10MB", "1kb", "1024": case-insensitive kb/mb/gb suffix, int() for the rest.
Result<long long> byteSize(std::string_view text);
/// critical error warn info debug trace blather: "bad logging level name 'x'".
Result<std::string> loggingLevel(std::string_view text);
/// signal_number(): "value 'x' is not a valid signal name|number".
Result<int> signalNumber(std::string_view text);
/// list_of_exitcodes(): "not a valid list of exit codes: '...'".
Result<std::vector<int>> exitCodes(std::string_view text);
/// auto_restart(): "invalid 'autorestart' value 'x'".
Result<AutoRestart> autoRestart(std::string_view text);
/// process_or_group_name(): stripped; "Invalid name: 'a b' because of character: ' '".
Result<std::string> processOrGroupName(std::string_view text);
/// list_of_strings(): split on ',' and strip each; empty text gives [].
std::vector<std::string> listOfStrings(std::string_view text);
/// inet_address(): "[host:]port" -> (lower-cased host or "", port 1..65535).
Result<std::pair<std::string, int>> inetAddress(std::string_view text);

/// What path and user checks need to know about the world.
struct Env {
  const std::map<std::string, std::string>* environ = nullptr;  ///< for $HOME
  std::string cwd;
  bool check_filesystem = true;
  bool check_users = true;
};

/// os.path.expanduser with HOME from `env.environ` (passwd when HOME unset).
std::string expandUser(std::string_view path, const Env& env);
/// normpath(abspath(expanduser(path))).
std::string normalizePath(std::string_view path, const Env& env);
/// os.path.normpath.
std::string normPath(std::string_view path);
/// existing_directory(): expanduser; "<v> is not an existing directory".
Result<std::string> existingDirectory(std::string_view text, const Env& env);
/// existing_dirpath(): expanduser; "The directory named as part of the path
/// <v> does not exist".
Result<std::string> existingDirpath(std::string_view text, const Env& env);
/// logfile_name(): NONE/OFF, AUTO, SYSLOG (any case) or a path (existing_dirpath).
/// `syslog` is set for the deprecated "syslog" value.
Result<LogFileSpec> logfileName(std::string_view text, const Env& env, bool* syslog);
/// name_to_uid(): "Invalid user name x" / "Invalid user id 5"; returns the uid.
Result<long long> nameToUid(std::string_view name);
Result<long long> nameToGid(std::string_view name);
/// colon_separated_user_group(): "user[:group]" (checked only with check_users):
/// "Invalid user:group definition x".
Result<std::pair<std::string, std::optional<std::string>>> userGroup(std::string_view text,
                                                                     const Env& env);

}  // namespace sup::cv
