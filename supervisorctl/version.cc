// The version supervisorctl reports for itself (`supervisorctl version` asks
// the daemon; this is only for --version of the client binary).
#include "supervisorctl/version.h"
namespace sup {
const char* clientVersion() { return SUP_VERSION; }
}  // namespace sup
