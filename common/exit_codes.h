// Exit codes, shared by both binaries. They are Python Supervisor's, not ours
// to invent: supervisord exits 2 on a config/usage error; supervisorctl uses
// the LSB init-script codes (see supervisor/supervisorctl.py LSBInitExitStatuses
// and LSBStatusExitStatuses).
#pragma once

namespace sup::exitcode {

inline constexpr int kSuccess = 0;
inline constexpr int kGeneric = 1;        ///< generic or unspecified error
inline constexpr int kInvalidArgs = 2;    ///< usage or config error
inline constexpr int kUnimplemented = 3;  ///< unimplemented feature / status: not running
inline constexpr int kNotRunning = 3;     ///< status: program not running
inline constexpr int kInsufficientPrivileges = 4;  ///< refused / status: unknown
inline constexpr int kUnknown = 4;        ///< status: program or service status unknown
inline constexpr int kNotInstalled = 5;   ///< API version mismatch
inline constexpr int kNotConfigured = 6;
inline constexpr int kNotRunningFile = 7; ///< socket file missing / dead program fault

}  // namespace sup::exitcode
