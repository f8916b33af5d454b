#include "supervisorctl/shell.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

// libedit's readline emulation (Debian libedit-dev).
#include <editline/readline.h>

namespace sup::ctl {

namespace {

Controller* g_controller = nullptr;
std::vector<std::string> g_matches;

char* nextMatch(const char* /*text*/, int state) {
  static std::size_t index = 0;
  if (state == 0) index = 0;
  if (index >= g_matches.size()) return nullptr;
  return ::strdup(g_matches[index++].c_str());
}

char** complete(const char* text, int /*start*/, int /*end*/) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  if (!g_controller) return nullptr;
  g_matches = g_controller->completions(rl_line_buffer ? rl_line_buffer : "", text);
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, nextMatch);
}

// A prompt on a terminal goes through libedit; otherwise (pipes, tests) it is
// written to stdout and a line read from stdin, as Python's input() does.
bool readLine(const std::string& prompt, bool tty, std::string* line) {
  if (tty) {
    char* raw = ::readline(prompt.c_str());
    if (!raw) return false;
    *line = raw;
    std::free(raw);
    return true;
  }
  std::cout << prompt << std::flush;
  return static_cast<bool>(std::getline(std::cin, *line));
}

std::string readSecret(const std::string& prompt) {
  std::cout << prompt << std::flush;
  termios old{};
  bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::cout << '\n';
  }
  return line;
}

}  // namespace

int runShell(Controller& controller, const CtlSettings& settings) {
  const bool tty = ::isatty(STDIN_FILENO);
  g_controller = &controller;
  if (tty) {
    // "group:process", "group:*" and names with '-' complete as one word.
    static char delims[] = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?";
    rl_completer_word_break_characters = delims;
    rl_attempted_completion_function = complete;
    rl_completion_append_character = '\0';  // our candidates end with a space
    using_history();
    if (settings.history_file) read_history(settings.history_file->c_str());
  }
  controller.ask = [tty](const std::string& prompt) {
    std::string line;
    if (!readLine(prompt, tty, &line)) throw Interrupted();
    return line;
  };
  controller.askSecret = readSecret;
  const std::string prompt = settings.prompt + "> ";
  try {
    controller.onecmd("status");
    std::string line;
    for (;;) {
      if (!readLine(prompt, tty, &line)) {
        controller.onecmd("EOF");
        break;
      }
      if (tty && line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
      if (controller.onecmd(line)) break;
    }
  } catch (const Interrupted&) {
    std::cout << '\n';
  }
  std::cout.flush();
  if (tty && settings.history_file) write_history(settings.history_file->c_str());
  g_controller = nullptr;
  return 0;
}

}  // namespace sup::ctl
