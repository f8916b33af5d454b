// The values of our own program keys ready= and ready_timeout= (see
// docs/dependencies.md): parsed into ReadyCheck and written back as text for
// status lines, log lines and --print-config. Pure.
#pragma once

#include <string>
#include <string_view>

#include "common/config_model.h"
#include "common/result.h"

namespace sup::cv {

/// "running" | "notify" | "tcp:[HOST:]PORT" | "exec:COMMAND" (the kind in
/// any case). HOST is an IPv4 address, an IPv6 one in brackets or
/// "localhost" (127.0.0.1), default 127.0.0.1: the daemon never resolves a
/// name, because getaddrinfo() would block its loop. COMMAND is split as
/// command= is. Errors: "invalid 'ready' value 'x' (...)".
Result<ReadyCheck> readyCheck(std::string_view text);

/// Whole seconds >= 0: "invalid 'ready_timeout' value 'x' (...)".
Result<int> readyTimeout(std::string_view text);

}  // namespace sup::cv

namespace sup {

/// "running", "notify", "tcp:127.0.0.1:5432", "tcp:[::1]:80", "exec:pg_isready -q".
std::string readyCheckText(const ReadyCheck& check);

}  // namespace sup
