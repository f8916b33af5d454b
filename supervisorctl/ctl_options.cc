#include "supervisorctl/ctl_options.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <set>

#include "common/config_parser.h"
#include "common/py_text.h"
#include "common/server_url.h"

namespace sup::ctl {

namespace {

struct OptSpec {
  char short_name;
  const char* long_name;
  bool takes_value;
};

// Supervisor's ClientOptions (plus Options' -h/-?/-c) and our --json.
constexpr OptSpec kOptions[] = {
    {'c', "configuration", true}, {'h', "help", false},        {'?', nullptr, false},
    {'i', "interactive", false},  {'s', "serverurl", true},    {'u', "username", true},
    {'p', "password", true},      {'r', "history-file", true}, {'\0', "json", false},
};

const OptSpec* findShort(char c) {
  for (const auto& o : kOptions) {
    if (o.short_name == c && c != '\0') return &o;
  }
  return nullptr;
}

// getopt's long matching: exact name, else a unique prefix.
Result<const OptSpec*> findLong(const std::string& name) {
  const OptSpec* found = nullptr;
  int matches = 0;
  for (const auto& o : kOptions) {
    if (!o.long_name) continue;
    std::string ln = o.long_name;
    if (ln == name) return &o;
    if (ln.rfind(name, 0) == 0) {
      found = &o;
      ++matches;
    }
  }
  if (matches == 1) return found;
  if (matches > 1) return Error{"option --" + name + " not a unique prefix"};
  return Error{"option --" + name + " not recognized"};
}

struct Parsed {
  const OptSpec* spec;
  std::string as_given;  // "-c" or "--configuration"
  std::string value;
};

}  // namespace

Result<CtlArgs> parseCtlArgs(const std::vector<std::string>& args) {
  // First pass: getopt's grammar, to find where the action starts and to
  // report errors in getopt's words.
  std::vector<Parsed> opts;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    if (a[1] == '-') {
      std::string body = a.substr(2);
      auto eq = body.find('=');
      std::string name = body.substr(0, eq);
      auto spec = findLong(name);
      if (!spec) return spec.error();
      const OptSpec* s = *spec;
      Parsed p{s, std::string("--") + s->long_name, ""};
      if (s->takes_value) {
        if (eq != std::string::npos) {
          p.value = body.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          p.value = args[++i];
        } else {
          return Error{"option --" + std::string(s->long_name) + " requires argument"};
        }
      } else if (eq != std::string::npos) {
        return Error{"option --" + std::string(s->long_name) + " must not have an argument"};
      }
      opts.push_back(std::move(p));
      continue;
    }
    for (std::size_t k = 1; k < a.size(); ++k) {
      const OptSpec* s = findShort(a[k]);
      if (!s) return Error{std::string("option -") + a[k] + " not recognized"};
      Parsed p{s, std::string("-") + a[k], ""};
      if (s->takes_value) {
        if (k + 1 < a.size()) {
          p.value = a.substr(k + 1);
        } else if (i + 1 < args.size()) {
          p.value = args[++i];
        } else {
          return Error{std::string("option -") + a[k] + " requires argument"};
        }
        opts.push_back(std::move(p));
        break;
      }
      opts.push_back(std::move(p));
    }
  }
  CtlArgs out;
  out.action.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());

  // Supervisor refuses a value option given twice, and checks -s as a URL.
  std::set<char> seen;
  for (const auto& p : opts) {
    if (p.spec->short_name == 'h' || p.spec->short_name == '?') {
      out.help = true;
      return out;  // Supervisor prints help as soon as it meets -h
    }
    if (p.spec->takes_value) {
      if (!seen.insert(p.spec->short_name).second) {
        return Error{"conflicting command line option '" + p.as_given + "'"};
      }
      if (p.spec->short_name == 's') {
        if (auto ok = checkUrlSyntax(p.value); !ok) {
          return Error{"invalid value for " + p.as_given + " " + py::repr(p.value) + ": " +
                       ok.error().message};
        }
      }
    }
  }

  // Second pass: CLI11 fills the settings from the normalised options.
  CLI::App app{"supervisorctl"};
  app.set_help_flag();
  std::string c, s, u, pw, r;
  app.add_option("-c,--configuration", c);
  app.add_option("-s,--serverurl", s);
  app.add_option("-u,--username", u);
  app.add_option("-p,--password", pw);
  app.add_option("-r,--history-file", r);
  app.add_flag("-i,--interactive", out.interactive);
  app.add_flag("--json", out.json);
  std::vector<std::string> argv;
  for (const auto& p : opts) {
    std::string name = p.spec->long_name ? std::string("--") + p.spec->long_name : p.as_given;
    argv.push_back(name);
    if (p.spec->takes_value) argv.push_back(p.value);
  }
  std::reverse(argv.begin(), argv.end());  // CLI11 takes argv in reverse order
  try {
    app.parse(argv);
  } catch (const CLI::ParseError& e) {
    return Error{e.what()};
  }
  auto set = [&](const char* name, const std::string& v, std::optional<std::string>& dst) {
    if (app.count(name) > 0) dst = v;
  };
  set("--configuration", c, out.configfile);
  set("--serverurl", s, out.serverurl);
  set("--username", u, out.username);
  set("--password", pw, out.password);
  set("--history-file", r, out.history_file);
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
