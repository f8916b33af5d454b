#include "common/usage_error.h"

#include <cstdio>

#include "common/exit_codes.h"

namespace sup {

int usageError(const std::string& progname, const std::string& message) {
  std::fprintf(stderr, "Error: %s\nFor help, use %s -h\n", message.c_str(), progname.c_str());
  return exitcode::kInvalidArgs;
}

}  // namespace sup
