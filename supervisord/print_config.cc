// TEMPORARY stub so the tree links while the real dumper is written.
#include "supervisord/print_config.h"
#include <cstdio>
namespace sup {
int printConfigMain(const std::string&, const ParseOptions&, const std::string&) {
  std::fputs("Error: --print-config not implemented yet\n", stderr);
  return 2;
}
}  // namespace sup
