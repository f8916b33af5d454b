#include "supervisorctl/controller.h"

#include <cctype>
#include <iostream>

#include "common/exit_codes.h"
#include "supervisorctl/ctl_help.h"

namespace sup::ctl {

std::vector<std::string> splitWords(const std::string& s) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

namespace {

std::string strip(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool isIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string readLineFrom(std::istream& in, const std::string& prompt) {
  std::cout << prompt << std::flush;
  std::string line;
  if (!std::getline(in, line)) throw Interrupted();  // EOF at a prompt: like Ctrl-D
  return line;
}

}  // namespace

Controller::Controller(CtlSettings& settings, RpcClient& rpc, std::ostream& out)
    : settings_(settings), rpc_(rpc), out_(out) {
  ask = [](const std::string& prompt) { return readLineFrom(std::cin, prompt); };
  askSecret = ask;
}

void Controller::output(const std::string& line) {
  out_ << line << '\n';
}

bool Controller::onecmd(const std::string& raw) {
  std::string line = strip(raw);
  if (line.empty()) return false;  // a blank line does not repeat the last command
  if (line[0] == '?') line = "help " + line.substr(1);
  std::size_t i = 0;
  while (i < line.size() && isIdentChar(line[i])) ++i;
  std::string cmd = line.substr(0, i);
  std::string arg = strip(line.substr(i));
  complete_info_.reset();
  if (const CtlCommand* c = findCtlCommand(cmd); c && !c->handler) {  // EOF, quit, exit
    output("");
    return true;
  }
  if (cmd.empty()) {
    output("*** Unknown syntax: " + line);
    exitstatus_ = exitcode::kGeneric;
    return false;
  }
  try {
    dispatch(cmd, arg, line);
  } catch (const UnauthorizedError&) {
    output("Server requires authentication");
    if (settings_.interactive) {
      std::string username = ask("Username:");
      std::string password = askSecret("Password:");
      output("");
      settings_.username = username;
      settings_.password = password;
      rpc_.setCredentials(username, password);
      return onecmd(raw);
    }
    output(pythonUnauthorizedLine(settings_.serverurl));
    exitstatus_ = exitcode::kGeneric;
  } catch (const FaultError& e) {
    output(pythonErrorLine(e));
    exitstatus_ = exitcode::kGeneric;
  } catch (const SocketError& e) {
    output(pythonErrorLine(e));
    exitstatus_ = exitcode::kGeneric;
  } catch (const ProtocolError& e) {
    output(e.what());
    exitstatus_ = exitcode::kGeneric;
  } catch (const nlohmann::json::exception& e) {
    output(std::string("error: <class 'TypeError'>, ") + e.what());
    exitstatus_ = exitcode::kGeneric;
  }
  out_.flush();
  return false;
}

void Controller::dispatch(const std::string& cmd, const std::string& arg, const std::string& line) {
  if (const CtlCommand* c = findCtlCommand(cmd)) {
    (this->*c->handler)(arg);
    return;
  }
  output("*** Unknown syntax: " + line);
  exitstatus_ = exitcode::kGeneric;
}

bool Controller::upcheck() {
  try {
    json api = rpc(proto::method::kGetVersion);
    if (!api.is_string() || api.get<std::string>() != proto::kApiVersion) {
      output("Sorry, this version of supervisorctl expects to talk to a server with API version " +
             std::string(proto::kApiVersion) + ", but the remote version is " +
             (api.is_string() ? api.get<std::string>() : api.dump()) + ".");
      exitstatus_ = exitcode::kNotInstalled;
      return false;
    }
  } catch (const FaultError& e) {
    if (e.code == static_cast<int>(proto::Fault::kUnknownMethod)) {
      output(
          "Sorry, supervisord responded but did not recognize the supervisor namespace commands "
          "that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] "
          "section is enabled in the configuration file (see sample.conf).");
      exitstatus_ = exitcode::kUnimplemented;
      return false;
    }
    exitstatus_ = exitcode::kGeneric;
    throw;
  } catch (const SocketError& e) {
    if (e.err == ECONNREFUSED) {
      output(rpc_.serverUrl() + " refused connection");
      exitstatus_ = exitcode::kInsufficientPrivileges;
      return false;
    }
    if (e.err == ENOENT) {
      output(rpc_.serverUrl() + " no such file");
      exitstatus_ = exitcode::kNotRunningFile;
      return false;
    }
    exitstatus_ = exitcode::kGeneric;
    throw;
  }
  return true;
}

void Controller::exitFromFault(int code, int ignored) {
  if (code == ignored || code == static_cast<int>(proto::Fault::kSuccess)) return;
  auto f = static_cast<proto::Fault>(code);
  if (f == proto::Fault::kSpawnError || f == proto::Fault::kAbnormalTermination ||
      f == proto::Fault::kNotRunning) {
    exitstatus_ = exitcode::kNotRunningFile;
  } else {
    exitstatus_ = exitcode::kGeneric;
  }
}

std::vector<proto::ProcessInfo> Controller::allProcessInfo() {
  return rpc(proto::method::kGetAllProcessInfo).get<std::vector<proto::ProcessInfo>>();
}

bool Controller::takeJsonFlag(std::vector<std::string>& args) {
  bool json_out = settings_.json;
  for (auto it = args.begin(); it != args.end();) {
    if (*it == "--json") {
      json_out = true;
      it = args.erase(it);
    } else {
      ++it;
    }
  }
  return json_out;
}

void Controller::printHelp(const std::string& topic) {
  for (const auto& l : helpLines(topic)) output(l);
}

void Controller::doHelp(const std::string& arg) {
  if (arg.empty()) {
    for (const auto& l : helpTable()) output(l);
    return;
  }
  auto lines = helpLines(strip(arg) == "help" ? "help" : arg);
  if (lines.empty()) {
    output("*** No help on " + arg);
    return;
  }
  for (const auto& l : lines) output(l);
}

std::vector<std::string> Controller::completeCommands(const std::string& text) const {
  std::vector<std::string> m;
  for (const auto& c : ctlCommands()) {
    if (c.listing != Listing::kHidden && c.name.starts_with(text))
      m.push_back(std::string(c.name) + " ");
  }
  return m;
}

std::vector<std::string> Controller::completions(const std::string& line, const std::string& text) {
  auto actions = [&] { return completeCommands(text); };
  auto infos = [&]() -> const std::vector<proto::ProcessInfo>& {
    if (!complete_info_) complete_info_ = allProcessInfo();
    return *complete_info_;
  };
  if (strip(line).empty()) return actions();
  auto words = splitWords(line);
  const std::string& action = words[0];
  if (words.size() == 1 && line.back() != ' ') return actions();
  std::vector<std::string> matches;
  try {
    // Supervisor tests `action in ('help')`, a substring test on "help".
    for (const auto& c : ctlCommands()) {
      if (c.completion == Completion::kCommands && c.name.find(action) != std::string::npos) {
        return actions();
      }
    }
    const CtlCommand* command = findCtlCommand(action);
    Completion kind = command ? command->completion : Completion::kNone;
    if (kind == Completion::kGroups) {
      std::vector<std::string> groups;
      for (const auto& i : infos()) {
        if (std::find(groups.begin(), groups.end(), i.group) == groups.end()) {
          groups.push_back(i.group);
        }
      }
      for (const auto& g : groups) {
        if (g.rfind(text, 0) == 0) matches.push_back(g + " ");
      }
      return matches;
    }
    if (!completesProcesses(kind)) return matches;
    std::vector<std::string> procs;
    for (const auto& i : infos()) {
      if (text.find(':') != std::string::npos || i.name != i.group) {
        procs.push_back(i.group + ":" + i.name);
        std::string star = i.group + ":*";
        if (std::find(procs.begin(), procs.end(), star) == procs.end()) procs.push_back(star);
      } else {
        procs.push_back(i.name);
      }
    }
    for (const auto& p : procs) {
      if (p.rfind(text, 0) == 0) matches.push_back(p + " ");
    }
  } catch (const std::exception&) {
    // No completion when the daemon cannot be asked; never break the prompt.
  }
  return matches;
}

}  // namespace sup::ctl
