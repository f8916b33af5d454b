// supervisord --print-config: everything up to starting processes, then the
// effective configuration as JSON, or the error exactly as supervisord words it.
#include "supervisord/print_config.h"

#include <cstdio>

#include "common/config_json.h"

namespace sup {

int printConfigMain(const std::string& config_path, const ParseOptions& opts,
                    const std::string& argv0) {
  ParseOptions checked = opts;
  checked.check_filesystem = false;
  checked.check_users = false;
  ParseOutcome outcome = parseConfigDetailed(config_path, checked);
  if (!outcome.config.ok()) {
    std::fprintf(stderr, "Error: %s\nFor help, use %s -h\n", outcome.config.error().message.c_str(),
                 argv0.c_str());
    return 2;
  }
  // A config may hold bytes that are not UTF-8; print them replaced rather
  // than abort (found by fuzzing).
  std::string text =
      configToJson(outcome).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace sup
