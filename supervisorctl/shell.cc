#include "supervisorctl/shell.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <type_traits>
#include <vector>

// libedit's readline emulation (Debian libedit-dev), for its declarations
// only: the library itself is loaded when a shell runs on a terminal.
#include <dlfcn.h>
#include <editline/readline.h>

namespace sup::ctl {

namespace {

Controller* g_controller = nullptr;
std::vector<std::string> g_matches;

// libedit, opened only when the interactive shell runs on a terminal. Linked
// normally, every supervisorctl call (a monitoring check's `status` every few
// seconds) would map and relocate libedit and the three libraries it needs
// (libtinfo, libbsd, libmd) for nothing: about 1 ms a call on our VM
// (docs/performance.md). Without it the shell still works, without line
// editing, as Python's supervisorctl does without readline.
struct LineEditor {
  decltype(&::readline) readline = nullptr;
  decltype(&::add_history) add_history = nullptr;
  decltype(&::using_history) using_history = nullptr;
  decltype(&::read_history) read_history = nullptr;
  decltype(&::write_history) write_history = nullptr;
  decltype(&::rl_completion_matches) completion_matches = nullptr;
  decltype(&::rl_line_buffer) line_buffer = nullptr;
  decltype(&::rl_attempted_completion_over) attempted_completion_over = nullptr;
  decltype(&::rl_completer_word_break_characters) word_break_characters = nullptr;
  decltype(&::rl_attempted_completion_function) attempted_completion_function = nullptr;
  decltype(&::rl_completion_append_character) completion_append_character = nullptr;

  /// nullptr when libedit cannot be loaded or lacks a symbol.
  static const LineEditor* load() {
    static const LineEditor* loaded = []() -> const LineEditor* {
      void* lib = ::dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
      if (!lib) return nullptr;
      static LineEditor e;
      bool ok = true;
      auto bind = [&](auto& slot, const char* name) {
        slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(::dlsym(lib, name));
        ok = ok && slot != nullptr;
      };
      bind(e.readline, "readline");
      bind(e.add_history, "add_history");
      bind(e.using_history, "using_history");
      bind(e.read_history, "read_history");
      bind(e.write_history, "write_history");
      bind(e.completion_matches, "rl_completion_matches");
      bind(e.line_buffer, "rl_line_buffer");
      bind(e.attempted_completion_over, "rl_attempted_completion_over");
      bind(e.word_break_characters, "rl_completer_word_break_characters");
      bind(e.attempted_completion_function, "rl_attempted_completion_function");
      bind(e.completion_append_character, "rl_completion_append_character");
      return ok ? &e : nullptr;
    }();
    return loaded;
  }
};

char* nextMatch(const char* /*text*/, int state) {
  static std::size_t index = 0;
  if (state == 0) index = 0;
  if (index >= g_matches.size()) return nullptr;
  return ::strdup(g_matches[index++].c_str());
}

char** complete(const char* text, int /*start*/, int /*end*/) {
  const LineEditor& ed = *LineEditor::load();  // only libedit calls this
  *ed.attempted_completion_over = 1;           // never fall back to file names
  if (!g_controller) return nullptr;
  const char* line = *ed.line_buffer;
  g_matches = g_controller->completions(line ? line : "", text);
  if (g_matches.empty()) return nullptr;
  return ed.completion_matches(text, nextMatch);
}

// A prompt goes through libedit when there is one (`editor`: a terminal and
// the library loaded); otherwise (pipes, tests) it is written to stdout and a
// line read from stdin, as Python's input() does.
bool readLine(const std::string& prompt, const LineEditor* editor, std::string* line) {
  if (editor) {
    char* raw = editor->readline(prompt.c_str());
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
  const LineEditor* editor = ::isatty(STDIN_FILENO) ? LineEditor::load() : nullptr;
  g_controller = &controller;
  if (editor) {
    // "group:process", "group:*" and names with '-' complete as one word.
    static char delims[] = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?";
    *editor->word_break_characters = delims;
    *editor->attempted_completion_function = complete;
    *editor->completion_append_character = '\0';  // our candidates end with a space
    editor->using_history();
    if (settings.history_file) editor->read_history(settings.history_file->c_str());
  }
  controller.ask = [editor](const std::string& prompt) {
    std::string line;
    if (!readLine(prompt, editor, &line)) throw Interrupted();
    return line;
  };
  controller.askSecret = readSecret;
  const std::string prompt = settings.prompt + "> ";
  try {
    controller.onecmd("status");
    std::string line;
    for (;;) {
      if (!readLine(prompt, editor, &line)) {
        controller.onecmd("EOF");
        break;
      }
      if (editor && line.find_first_not_of(" \t") != std::string::npos) {
        editor->add_history(line.c_str());
      }
      if (controller.onecmd(line)) break;
    }
  } catch (const Interrupted&) {
    std::cout << '\n';
  }
  std::cout.flush();
  if (editor && settings.history_file) editor->write_history(settings.history_file->c_str());
  g_controller = nullptr;
  return 0;
}

}  // namespace sup::ctl
