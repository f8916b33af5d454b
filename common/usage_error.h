// Supervisor's Options.usage(), which both of its programs print for a bad
// command line or config: "Error: MESSAGE" and "For help, use PROG -h" on
// stderr, then exit status 2.
#pragma once

#include <string>

namespace sup {

/// Prints the two lines and returns the exit status to use (2).
int usageError(const std::string& progname, const std::string& message);

}  // namespace sup
