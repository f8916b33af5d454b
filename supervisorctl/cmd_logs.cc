// tail, maintail, fg (supervisorctl.py's texts and exit codes; following uses
// the streaming supervisor.tail*Follow calls instead of HTTP /logtail), and
// the log search commands find/grep (supervisorctl/log_*.h) fed by
// supervisor.getLogFiles, and logrotate (ours) through supervisor.rotate*.
#include <unistd.h>

#include <cctype>
#include <iostream>

#include "common/exit_codes.h"
#include "common/py_text.h"
#include "logsearch/log_files.h"
#include "logsearch/log_find.h"
#include "logsearch/log_search.h"
#include "logsearch/search_options.h"
#include "supervisorctl/controller.h"

namespace sup::ctl {

namespace {

using proto::Fault;

// Python int() of a str: optional sign, digits (underscores between digits),
// surrounding whitespace.
std::optional<long long> pyInt(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  if (b == e) return std::nullopt;
  bool neg = false;
  if (s[b] == '+' || s[b] == '-') {
    neg = s[b] == '-';
    ++b;
  }
  if (b == e || !std::isdigit(static_cast<unsigned char>(s[b]))) return std::nullopt;
  long long v = 0;
  for (std::size_t i = b; i < e; ++i) {
    if (s[i] == '_' && i + 1 < e && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i - 1]))) {
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
    if (v > (1LL << 50)) v = 1LL << 50;
  }
  return neg ? -v : v;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

constexpr int kFollowBacklog = 1024;  // what Supervisor's tail_f_producer shows first

// One line of logrotate, in the style of clear's.
std::string rotateLine(const std::string& name, int status) {
  switch (static_cast<Fault>(status)) {
    case Fault::kSuccess:
      return name + ": rotated";
    case Fault::kBadName:
      return name + ": ERROR (no such process)";
    case Fault::kNoFile:
      return name + ": ERROR (no log file)";
    case Fault::kFailed:
      return name + ": ERROR (failed)";
    default:
      return name + ": ERROR (fault " + std::to_string(status) + ")";
  }
}

}  // namespace

void Controller::tailFollow(std::string_view method, json params) {
  output("==> Press Ctrl-C to exit <==");
  out_.flush();
  RpcClient::StreamHooks hooks;
  hooks.on_notification = [this](const proto::Message& msg) {
    if (msg.method != proto::method::kLogNotification) return true;
    auto chunk = msg.params.get<proto::LogChunk>();
    if (chunk.truncated) out_ << "==> File truncated <==\n";
    out_ << chunk.data;
    out_.flush();
    return !chunk.eof;
  };
  try {
    rpc_.stream(method, std::move(params), hooks);
  } catch (const Interrupted&) {
    output("");
  }
}

void Controller::doTail(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> args = splitWords(arg);
  if (args.empty()) {
    output("Error: too few arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("tail");
    return;
  }
  if (args.size() > 3) {
    output("Error: too many arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("tail");
    return;
  }
  std::optional<std::string> modifier;
  if (args[0][0] == '-') {
    modifier = args[0];
    args.erase(args.begin());
  }
  std::string name, channel = "stdout";
  if (args.size() == 1) {
    name = args.back();
  } else if (!args.empty()) {
    name = args[0];
    channel = lower(args.back());
    if (channel != "stderr" && channel != "stdout") {
      output("Error: bad channel " + py::repr(channel));
      exitstatus_ = exitcode::kGeneric;
      return;
    }
  } else {
    output("Error: tail requires process name");
    exitstatus_ = exitcode::kGeneric;
    return;
  }
  long long bytes = 1600;
  bool follow = false;
  if (modifier) {
    std::string what = modifier->substr(1);
    if (what == "f") {
      follow = true;
    } else if (auto n = pyInt(what)) {
      bytes = *n;
    } else {
      output("Error: bad argument " + *modifier);
      exitstatus_ = exitcode::kGeneric;
      return;
    }
  }
  try {
    if (follow) {
      tailFollow(proto::method::kTailProcessLogFollow, {name, channel, kFollowBacklog});
      return;
    }
    auto method = channel == "stdout" ? proto::method::kReadProcessStdoutLog
                                      : proto::method::kReadProcessStderrLog;
    json data = rpc(method, {name, -bytes, 0});
    output(data.get<std::string>());
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    switch (static_cast<Fault>(e.code)) {
      case Fault::kNoFile:
        output(name + ": ERROR (no log file)");
        break;
      case Fault::kFailed:
        output(name + ": ERROR (unknown error reading log)");
        break;
      case Fault::kBadName:
        output(name + ": ERROR (no such process name)");
        break;
      default:
        throw;
    }
  }
}

void Controller::doMaintail(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> args = splitWords(arg);
  long long bytes = 1600;
  if (args.size() > 1) {
    output("Error: too many arguments");
    exitstatus_ = exitcode::kGeneric;
    printHelp("maintail");
    return;
  }
  try {
    if (args.size() == 1) {
      if (args[0][0] != '-') {
        output("Error: bad argument " + args[0]);
        exitstatus_ = exitcode::kGeneric;
        return;
      }
      std::string what = args[0].substr(1);
      if (what == "f") {
        tailFollow(proto::method::kTailMainLogFollow, {kFollowBacklog});
        return;
      }
      auto n = pyInt(what);
      if (!n) {
        output("Error: bad argument " + args[0]);
        exitstatus_ = exitcode::kGeneric;
        return;
      }
      bytes = *n;
    }
    json data = rpc(proto::method::kReadLog, {-bytes, 0});
    output(data.get<std::string>());
  } catch (const FaultError& e) {
    exitstatus_ = exitcode::kGeneric;
    switch (static_cast<Fault>(e.code)) {
      case Fault::kNoFile:
        output("supervisord: ERROR (no log file)");
        break;
      case Fault::kFailed:
        output("supervisord: ERROR (unknown error reading log)");
        break;
      default:
        throw;
    }
  }
}

void Controller::doFg(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  if (names.empty()) {
    output("ERROR: no process name supplied");
    exitstatus_ = exitcode::kGeneric;
    printHelp("fg");
    return;
  }
  if (names.size() > 1) {
    output("ERROR: too many process names supplied");
    exitstatus_ = exitcode::kGeneric;
    return;
  }
  const std::string name = names[0];
  proto::ProcessInfo info;
  try {
    info = rpc(proto::method::kGetProcessInfo, {name}).get<proto::ProcessInfo>();
  } catch (const FaultError& e) {
    if (e.code == static_cast<int>(Fault::kBadName)) {
      output("ERROR: bad process name supplied");
      exitstatus_ = exitcode::kGeneric;
    } else {
      output("ERROR: <Fault " + std::to_string(e.code) + ": " + py::repr(e.text) + ">");
    }
    return;
  }
  if (info.state != static_cast<int>(proto::ProcessState::kRunning)) {
    output("ERROR: process not running");
    exitstatus_ = exitcode::kGeneric;
    return;
  }
  output("==> Press Ctrl-C to exit <==");
  out_.flush();
  std::string pending;  // typed bytes not yet ending in a newline
  bool done = false;
  auto finish = [&](const std::string& why) {
    if (!why.empty()) output(why);
    output("Exiting foreground");
    done = true;
    return false;
  };
  RpcClient::StreamHooks hooks;
  hooks.on_notification = [this](const proto::Message& msg) {
    if (msg.method != proto::method::kLogNotification) return true;
    auto chunk = msg.params.get<proto::LogChunk>();
    out_ << chunk.data;
    out_.flush();
    return true;
  };
  hooks.extra_fd = STDIN_FILENO;
  hooks.on_extra_fd = [&]() {
    char buf[4096];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) return finish("");  // EOF: like raw_input's EOFError
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      rpc_.sendDuringStream(proto::method::kSendProcessStdin, {name, pending.substr(0, nl + 1)});
      rpc_.sendDuringStream(proto::method::kGetProcessInfo, {name});
      pending.erase(0, nl + 1);
    }
    return true;
  };
  json stderr_stream_id;
  hooks.on_reply = [&](const proto::Message& msg) {
    if (msg.id == stderr_stream_id) return true;  // no stderr log: stdout alone, as Supervisor
    if (msg.error) {
      if (msg.error->code == static_cast<int>(Fault::kNotRunning)) {
        return finish("Process got killed");
      }
      return finish("ERROR: <Fault " + std::to_string(msg.error->code) + ": " +
                    py::repr(msg.error->message) + ">");
    }
    if (msg.result.is_object() && msg.result.contains("state") &&
        msg.result["state"] != static_cast<int>(proto::ProcessState::kRunning)) {
      return finish("Process got killed");
    }
    return true;
  };
  hooks.after_reply = [&]() {
    stderr_stream_id = rpc_.sendDuringStream(proto::method::kTailProcessLogFollow,
                                             {name, "stderr", kFollowBacklog});
  };
  try {
    rpc_.stream(proto::method::kTailProcessLogFollow, {name, "stdout", kFollowBacklog}, hooks);
  } catch (const Interrupted&) {
    done = false;
  }
  if (!done) output("Exiting foreground");
}

void Controller::doFind(const std::string& arg) {
  doLogSearch("find", arg);
}

void Controller::doGrep(const std::string& arg) {
  doLogSearch("grep", arg);
}

void Controller::doLogSearch(const std::string& cmd, const std::string& arg) {
  // One-shot: the words exactly as the shell passed them (patterns may hold
  // spaces); in the interactive shell, split like every other command.
  std::vector<std::string> args;
  if (!settings_.interactive && !settings_.action.empty() && settings_.action[0] == cmd) {
    args.assign(settings_.action.begin() + 1, settings_.action.end());
  } else {
    args = splitWords(arg);
  }
  auto loadSets = [&](const std::string& files_from) -> Result<std::vector<LogFileSet>> {
    if (!files_from.empty()) return readLogFileSetList(files_from);
    std::vector<LogFileSet> sets;
    for (const auto& j : rpc(proto::method::kGetLogFiles)) {
      auto e = j.get<proto::LogFileEntry>();
      auto stream = parseLogStream(e.channel);
      if (!stream) continue;  // the main log is not a program's
      sets.push_back(LogFileSet{e.namespec, *stream, e.path, e.backups});
    }
    return sets;
  };
  auto fail = [&](const std::string& message) {
    std::cerr << message << '\n';
    exitstatus_ = exitcode::kInvalidArgs;
  };
  // grep and find alike: options, then (unless --help) the daemon's list.
  auto search = [&](const auto& opts, std::string (*usage)(), auto run) {
    if (!opts) return fail(opts.error().message);
    if (opts->help) {
      out_ << usage();
      return;
    }
    if (opts->files_from.empty() && !upcheck()) return;
    auto sets = loadSets(opts->files_from);
    if (!sets) return fail(sets.error().message);
    out_.flush();
    exitstatus_ = run(*opts, *sets);
  };
  if (cmd == "grep") {
    search(parseGrepArgs(args), &grepUsage,
           [this](const GrepOptions& o, const std::vector<LogFileSet>& sets) {
             return runGrep(o, sets, out_, std::cerr);
           });
  } else {
    search(parseFindArgs(args), &findUsage,
           [this](const FindOptions& o, const std::vector<LogFileSet>& sets) {
             return runFind(o, sets, out_, std::cerr);
           });
  }
}

// logrotate name|group:*|all|supervisord ...: one line per process, as
// clear prints them; "supervisord" is the main log, as in find/grep.
void Controller::doLogrotate(const std::string& arg) {
  if (!upcheck()) return;
  std::vector<std::string> names = splitWords(arg);
  if (names.empty()) {
    output("Error: logrotate requires a process name");
    exitstatus_ = exitcode::kGeneric;
    printHelp("logrotate");
    return;
  }
  auto report = [this](const std::string& name, int status) {
    output(rotateLine(name, status));
    exitFromFault(status);
  };
  auto rotateOne = [&](const std::string& name) {
    try {
      rpc(proto::method::kRotateProcessLogs, {name});
      report(name, static_cast<int>(Fault::kSuccess));
    } catch (const FaultError& e) {
      report(name, e.code);
    }
  };
  std::optional<std::vector<proto::ProcessInfo>> infos;
  for (const auto& name : names) {
    if (name == "all") {
      for (const auto& j : rpc(proto::method::kRotateAllProcessLogs)) {
        auto r = j.get<proto::CallResult>();
        report(proto::makeNamespec(r.group, r.name), r.status);
      }
    } else if (name == "supervisord") {
      try {
        rpc(proto::method::kRotateLog);
        report(name, static_cast<int>(Fault::kSuccess));
      } catch (const FaultError& e) {
        report(name, e.code);
      }
    } else if (auto [group, process] = proto::splitNamespec(name); !process) {
      if (!infos) infos = allProcessInfo();
      bool any = false;
      for (const auto& i : *infos) {
        if (i.group != group) continue;
        any = true;
        rotateOne(proto::makeNamespec(i.group, i.name));
      }
      if (!any) {
        output(group + ": ERROR (no such group)");
        exitstatus_ = exitcode::kGeneric;
      }
    } else {
      rotateOne(name);
    }
  }
}

}  // namespace sup::ctl
