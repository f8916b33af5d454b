// grep's and find's help texts, apart from their option parsing
// (search_options.cc) so that code which runs a search without parsing a
// command line (the daemon's web page, web_grep.h) does not link CLI11 and
// its static initializers.
#include "logsearch/search_options.h"

namespace sup {

std::string grepUsage() {
  return "grep [OPTION]... PATTERN [name|group:*|all]...\n"
         "  Search the log files of the named processes (default: all), oldest\n"
         "  rotated backup first, current file last. Matching lines are printed as\n"
         "  name:stream:LINE (context lines as name:stream-LINE). PATTERN is a PCRE2\n"
         "  regular expression (like grep -E) unless -F.\n"
         "  -F  fixed string       -i  ignore case         -v  select non-matching\n"
         "  -c  count per stream   -l  list streams        -n  line numbers\n"
         "  -w  whole words        -x  whole lines         -q  quiet\n"
         "  -H  show file path     -h  no name:stream:     -e PATTERN (repeatable)\n"
         "  -A/-B/-C N  context    -m N  max matches per stream\n"
         "  --stream stdout|stderr   --json (one object per line)\n"
         "  -f  keep following the current log files for new lines\n"
         "  Exit: 0 a line was selected, 1 none, 2 error.";
}

std::string findUsage() {
  return "find [OPTION]... [name|group:*|all]...\n"
         "  List the log files of the named processes (default: all), oldest first:\n"
         "  SIZE  MODIFIED  NAME  STREAM  PATH.\n"
         "  --stream stdout|stderr\n"
         "  --newer T / --older T  T = duration (30s, 10m, 2h, 3d, 1w) or timestamp\n"
         "                         (2026-11-22, 2026-11-22T10:00, @EPOCH)\n"
         "  --larger S / --smaller S  S = bytes or with k, M, G (powers of 1024)\n"
         "  -h  human-readable sizes   --json (one object per line)";
}

}  // namespace sup
