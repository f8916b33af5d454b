// strip_ansi=true: ANSI escape sequences removed from child output before it
// is logged, as Supervisor's stripEscapes does it (per read, so a sequence
// split across two reads is kept, as there).
#pragma once

#include <string>
#include <string_view>

namespace sup {

/// Strip ANSI escapes `ESC[` ... up to one of "HfABCDRsuJKhlpm".
std::string stripAnsi(std::string_view data);
/// The same into `out` (replacing its contents): a buffer reused for every
/// read keeps the capture path free of allocations.
void stripAnsiInto(std::string_view data, std::string& out);

}  // namespace sup
