#include "common/program_name.h"

#include <sys/auxv.h>

#include <string_view>

namespace sup {

std::string stripEntryPointSuffix(std::string name) {
  for (std::string_view suffix : {"-script.pyw", "-script.py", ".exe"}) {
    if (name.size() >= suffix.size() &&
        std::string_view(name).substr(name.size() - suffix.size()) == suffix) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  return name;
}

std::string pythonArgv0(const char* argv0, const char* fallback) {
  const char* execfn = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
  const char* name = execfn && *execfn ? execfn : argv0 ? argv0 : fallback;
  return stripEntryPointSuffix(name);
}

}  // namespace sup
