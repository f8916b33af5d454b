// TEMPORARY stub so the tree links while the real table is written.
#include "common/signal_names.h"
#include <csignal>
namespace sup {
std::optional<int> parseSignal(std::string_view t) { if (t == "TERM") return SIGTERM; return std::nullopt; }
std::string signalName(int s) { return s == SIGTERM ? "TERM" : ""; }
}  // namespace sup
