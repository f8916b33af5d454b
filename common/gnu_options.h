// The options of our own supervisorctl commands (find, grep, and the ones
// Supervisor does not have), which are GNU-style, unlike Supervisor's own
// commands (common/py_getopt.h): options and operands in any order, "--" ends
// the options, "-inv" bundles flags, "-A3" / "-A 3" / "--after-context=3"
// give a value, long names are spelled in full. CLI11 (libcli11-dev) does the
// parsing; this class declares a command's options to it and turns what it
// reports into GNU getopt's error texts, the ones grep(1) prints:
//
//   supervisorctl grep: invalid option -- 'z'
//   supervisorctl grep: unrecognized option '--colour'
//   supervisorctl grep: option requires an argument -- 'A'
//   supervisorctl grep: option '--max-count' requires an argument
//   supervisorctl grep: option '--count' doesn't allow an argument
//   Usage: supervisorctl grep [OPTION]... PATTERN [name|group:*|all]...
//   Try 'supervisorctl help grep' for more information.
//
// Options take effect in command-line order and the first error wins, as
// with getopt_long; the caller exits 2 on any error (grep's usage status).
// A new command declares its options and calls parse():
//
//   GnuOptions cli("events", "[name|group:*|all]...");
//   cli.flag('f', "follow", o.follow).option(0, "since", [&](const std::string& v) { ... });
//   auto operands = cli.parse(args);
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sup {

class GnuOptions {
 public:
  /// An option's value handler. Its Error message is printed after
  /// "supervisorctl COMMAND: ", without the usage lines.
  using Apply = std::function<Status(const std::string& value)>;

  /// `command` is the word after supervisorctl; `operands` ends the usage
  /// line ("PATTERN [name|group:*|all]...").
  GnuOptions(std::string command, std::string operands);

  /// -s / --long without a value. '\0' or "" where the option has no such
  /// name. Defining a name twice is a programming error (CLI11 throws).
  GnuOptions& flag(char short_name, std::string_view long_name, std::function<void()> on);
  GnuOptions& flag(char short_name, std::string_view long_name, bool& target);
  /// -s VALUE, -sVALUE, --long VALUE, --long=VALUE (the value may start
  /// with '-': "-e -x" searches for "-x").
  GnuOptions& option(char short_name, std::string_view long_name, Apply apply);
  /// GNU grep's -NUM: `apply` gets each run of digits in an option word
  /// ("-5", the "12" of "-n12").
  GnuOptions& number(Apply apply);

  /// Parses the words after the command. Returns the operands in order.
  Result<std::vector<std::string>> parse(const std::vector<std::string>& args) const;

  /// "supervisorctl COMMAND: ", which starts every error line.
  std::string prefix() const;
  /// The two lines that follow a usage error (also the whole error when
  /// a command's operands are missing).
  std::string usage() const;

 private:
  struct Spec {
    char short_name;
    std::string long_name;
    bool takes_value;
    Apply apply;  // a flag's is called with ""
  };
  std::string command_;
  std::string operands_;
  std::vector<Spec> specs_;
  Apply number_;
};

}  // namespace sup
