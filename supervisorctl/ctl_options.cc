#include "supervisorctl/ctl_options.h"

#include <sys/stat.h>

#include <set>

#include "common/config_parser.h"
#include "common/py_getopt.h"
#include "common/py_text.h"
#include "common/server_url.h"

namespace sup::ctl {

namespace {

// Supervisor's ClientOptions (plus Options' -h/-?/-c) and our --json, in
// getopt's words: every long name, ours included, may be abbreviated.
constexpr GetoptSpec kOptions[] = {
    {'c', "configuration", true}, {'h', "help", false},        {'?', nullptr, false},
    {'i', "interactive", false},  {'s', "serverurl", true},    {'u', "username", true},
    {'p', "password", true},      {'r', "history-file", true}, {'\0', "json", false},
};

}  // namespace

Result<CtlArgs> parseCtlArgs(const std::vector<std::string>& args) {
  auto parsed = pyGetopt(args, kOptions);
  if (!parsed) return parsed.error();
  CtlArgs out;
  out.action = std::move(parsed->positionals);
  // Supervisor refuses a value option given twice, and checks -s as a URL.
  std::set<char> seen;
  for (const auto& item : parsed->options) {
    const GetoptSpec& spec = kOptions[item.index];
    if (spec.short_name == 'h' || spec.short_name == '?') {
      // Supervisor prints help as soon as it meets -h: nothing after counts.
      CtlArgs help;
      help.help = true;
      help.action = std::move(out.action);
      return help;
    }
    if (spec.takes_value && !seen.insert(spec.short_name).second) {
      return Error{"conflicting command line option '" + item.as_given + "'"};
    }
    switch (spec.short_name) {
      case 'c':
        out.configfile = item.value;
        break;
      case 's':
        if (auto ok = checkUrlSyntax(item.value); !ok) {
          return Error{"invalid value for " + item.as_given + " " + py::repr(item.value) + ": " +
                       ok.error().message};
        }
        out.serverurl = item.value;
        break;
      case 'u':
        out.username = item.value;
        break;
      case 'p':
        out.password = item.value;
        break;
      case 'r':
        out.history_file = item.value;
        break;
      case 'i':
        out.interactive = true;
        break;
      default:  // --json, the only option without a short name
        out.json = true;
        break;
    }
  }
  return out;
}

std::vector<std::string> configSearchPaths(const std::string& argv0) {
  // here = dirname(dirname(argv[0])), as Options.__init__ computes it.
  auto dirname = [](const std::string& p) {
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return std::string();
    if (slash == 0) return std::string("/");
    return p.substr(0, slash);
  };
  std::string here = dirname(dirname(argv0));
  auto join = [](const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (a.back() == '/') return a + b;
    return a + "/" + b;
  };
  return {join(join(here, "etc"), "supervisord.conf"),
          join(here, "supervisord.conf"),
          "supervisord.conf",
          "etc/supervisord.conf",
          "/etc/supervisord.conf",
          "/etc/supervisor/supervisord.conf"};
}

Result<CtlSettings> resolveCtlSettings(const CtlArgs& args, const std::string& argv0) {
  CtlSettings st;
  st.json = args.json;
  st.action = args.action;
  if (args.configfile) {
    st.configfile = *args.configfile;
  } else {
    struct stat sb;
    for (const auto& p : configSearchPaths(argv0)) {
      if (::stat(p.c_str(), &sb) == 0) {
        st.configfile = p;
        break;
      }
    }
  }
  if (!st.configfile.empty()) {
    auto cfg = loadCtlConfig(st.configfile, defaultParseOptions());
    if (!cfg) return cfg.error();
    if (!cfg->ctl) return Error{".ini file does not include supervisorctl section"};
    const CtlConfig& ctl = *cfg->ctl;
    if (ctl.serverurl) st.serverurl = *ctl.serverurl;
    st.username = ctl.username;
    st.password = ctl.password;
    st.prompt = ctl.prompt;
    st.history_file = ctl.history_file;
  }
  if (args.serverurl) st.serverurl = *args.serverurl;
  if (args.username) st.username = args.username;
  if (args.password) st.password = args.password;
  if (args.history_file) st.history_file = args.history_file;
  // Supervisor 4.2.5 runs the shell only when no action is given (-i with an
  // action runs the action and exits).
  st.interactive = st.action.empty();
  return st;
}

std::string ctlUsageText(const std::string& progname) {
  return "supervisorctl -- control applications run by supervisord from the cmd line.\n"
         "\n"
         "Usage: " +
         progname +
         " [options] [action [arguments]]\n"
         "\n"
         "Options:\n"
         "-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
         "-h/--help -- print usage message and exit\n"
         "-i/--interactive -- start an interactive shell after executing commands\n"
         "-s/--serverurl URL -- URL on which supervisord server is listening\n"
         "     (default \"http://localhost:9001\").\n"
         "-u/--username USERNAME -- username to use for authentication with server\n"
         "-p/--password PASSWORD -- password to use for authentication with server\n"
         "-r/--history-file -- keep a readline history (if readline is available)\n"
         "\n"
         "action [arguments] -- see below\n"
         "\n"
         "Actions are commands like \"tail\" or \"stop\".  If -i is specified or no action is\n"
         "specified on the command line, a \"shell\" interpreting actions typed\n"
         "interactively is started.  Use the action \"help\" to find out about available\n"
         "actions.\n"
         "\n";
}

}  // namespace sup::ctl
