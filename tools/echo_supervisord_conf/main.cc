// echo_supervisord_conf: print the sample configuration to stdout, as
// Supervisor's confecho.py does. Like it, it takes no options: any argument
// is ignored.
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "tools/echo_supervisord_conf/sample_config.h"

int main() {
  std::string_view text = sup::sampleConfig();
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 1;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}
