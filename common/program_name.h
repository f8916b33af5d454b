// The program name Supervisor's scripts see as sys.argv[0]. They are Python
// scripts behind a #! line, so argv[0] is the path the kernel was given
// (execvp's PATH match: "/usr/bin/supervisord", never the bare word typed),
// and the entry-point wrapper strips a "-script.py"/".exe" suffix. Supervisor
// prints this name in usage texts and derives its config search path from
// it (here = dirname(dirname(argv[0]))); our binaries get the same path from
// the kernel's AT_EXECFN.
#pragma once

#include <string>

namespace sup {

/// Python's sys.argv[0] for this process: AT_EXECFN (else `argv0`, else
/// `fallback`) after re.sub(r'(-script\.pyw?|\.exe)?$', '', ...).
std::string pythonArgv0(const char* argv0, const char* fallback);

/// The suffix rule alone (pure; unit-tested).
std::string stripEntryPointSuffix(std::string name);

}  // namespace sup
