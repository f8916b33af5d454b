#include "common/gnu_options.h"

#include <CLI/CLI.hpp>

namespace sup {

namespace {

// Thrown from inside CLI11's parse to stop it at the first error, as getopt
// stops; carries the text to return.
struct Stop {
  Error error;
};

// CLI11 keeps what it did not match (unknown options, operands, the "--"
// mark) in argv order, with how it classified each word; a subclass may read
// that list while the parse runs.
class App : public CLI::App {
 public:
  using CLI::App::App;
  const missing_t& unmatched() const { return missing_; }
};

using CLI::detail::Classifier;

// One parse: CLI11 walks the words and calls the options' callbacks in
// command-line order (trigger_on_parse); this follows along so that errors
// come out in getopt's order and words. CLI11 consumes `live_`, the words in
// reverse, from the back, so the word an option came from is always
// args_[args_.size() - live_.size() - 1] while its callback runs.
class Run {
 public:
  Run(const std::vector<std::string>& args, std::string prefix, std::string usage,
      const GnuOptions::Apply& number)
      : args_(args),
        live_(args.rbegin(), args.rend()),
        prefix_(std::move(prefix)),
        usage_(std::move(usage)),
        number_(number) {}

  std::vector<std::string>& live() { return live_; }
  std::vector<std::string>& operands() { return operands_; }
  void setApp(const App* app) { app_ = app; }

  [[noreturn]] void usageError(const std::string& what) const {
    throw Stop{Error{prefix_ + what + "\n" + usage_}};
  }
  [[noreturn]] void valueError(const Error& e) const { throw Stop{Error{prefix_ + e.message}}; }

  std::size_t currentWord() const { return args_.size() - live_.size() - 1; }
  const std::string& word(std::size_t i) const { return args_[i]; }

  // Before each option takes effect: what came since the previous one, in
  // order (the end of a -NUM run, then unknown options and operands).
  void catchUp() {
    endNumber();
    const auto& unmatched = app_->unmatched();
    for (; seen_ < unmatched.size(); ++seen_) {
      const auto& [kind, word] = unmatched[seen_];
      switch (kind) {
        case Classifier::POSITIONAL_MARK:
          options_done_ = true;
          break;
        case Classifier::LONG:
          usageError("unrecognized option '" + word + "'");
        case Classifier::SHORT:
          usageError(std::string("invalid option -- '") + word[1] + "'");
        default:
          // CLI11 takes "-!", "---x" or (without -NUM) "-5" for operands;
          // for getopt they are options, and unknown ones.
          if (!options_done_ && word.size() >= 2 && word[0] == '-') {
            if (word[1] == '-') usageError("unrecognized option '" + word + "'");
            usageError(std::string("invalid option -- '") + word[1] + "'");
          }
          operands_.push_back(word);
      }
    }
  }

  // A flag from the word being parsed: the short one at the next position
  // of its cluster, or a long one ("--name", "--name=..." is an error).
  // Returns the position of a short flag in its word.
  std::size_t flagSeen(std::string_view long_name, bool is_digit) {
    std::size_t w = currentWord();
    const std::string& text = args_[w];
    bool is_long = text.size() > 2 && text[0] == '-' && text[1] == '-';
    bool continues_number = is_digit && number_word_ == w;
    if (!continues_number) catchUp();
    if (is_long) {
      if (text.find('=') != std::string::npos) {
        usageError("option '--" + std::string(long_name) + "' doesn't allow an argument");
      }
      short_word_ = kNone;
      return 0;
    }
    short_pos_ = short_word_ == w ? short_pos_ + 1 : 1;
    short_word_ = w;
    return short_pos_;
  }

  // After a short flag at `pos`: CLI11 goes on with the rest of the word
  // as "-REST", but getopt reads each character as an option, so a
  // character CLI11 would not take for a known short option ("-i-",
  // "-i!", "-iz") is getopt's invalid option, here.
  void checkNextInCluster(std::size_t pos, const std::function<bool(char)>& known) {
    const std::string& text = args_[short_word_];
    if (pos + 1 >= text.size() || known(text[pos + 1])) return;
    endNumber();
    usageError(std::string("invalid option -- '") + text[pos + 1] + "'");
  }

  void digitAt(std::size_t pos) {
    number_word_ = short_word_;
    digits_ += args_[short_word_][pos];
  }

  void endNumber() {
    if (digits_.empty()) return;
    std::string run = std::move(digits_);
    digits_.clear();
    number_word_ = kNone;
    if (auto st = number_(run); !st) valueError(st.error());
  }

  void valueSeen() {
    catchUp();
    short_word_ = kNone;
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const std::vector<std::string>& args_;
  std::vector<std::string> live_;
  std::string prefix_;
  std::string usage_;
  const GnuOptions::Apply& number_;
  const App* app_ = nullptr;
  std::vector<std::string> operands_;
  std::size_t seen_ = 0;             // unmatched words already looked at
  bool options_done_ = false;        // "--" seen
  std::size_t short_word_ = kNone;   // the word of the last short flag
  std::size_t short_pos_ = 0;        // its position in that word
  std::size_t number_word_ = kNone;  // the word of the -NUM run in digits_
  std::string digits_;
};

}  // namespace

GnuOptions::GnuOptions(std::string command, std::string operands)
    : command_(std::move(command)), operands_(std::move(operands)) {}

GnuOptions& GnuOptions::flag(char short_name, std::string_view long_name,
                             std::function<void()> on) {
  specs_.push_back(
      {short_name, std::string(long_name), false, [on = std::move(on)](const std::string&) {
         on();
         return okStatus();
       }});
  return *this;
}

GnuOptions& GnuOptions::flag(char short_name, std::string_view long_name, bool& target) {
  return flag(short_name, long_name, [&target] { target = true; });
}

GnuOptions& GnuOptions::option(char short_name, std::string_view long_name, Apply apply) {
  specs_.push_back({short_name, std::string(long_name), true, std::move(apply)});
  return *this;
}

GnuOptions& GnuOptions::number(Apply apply) {
  number_ = std::move(apply);
  return *this;
}

std::string GnuOptions::prefix() const {
  return "supervisorctl " + command_ + ": ";
}

std::string GnuOptions::usage() const {
  return "Usage: supervisorctl " + command_ + " [OPTION]... " + operands_ +
         "\nTry 'supervisorctl help " + command_ + "' for more information.";
}

Result<std::vector<std::string>> GnuOptions::parse(const std::vector<std::string>& args) const {
  Run run(args, prefix(), usage(), number_);
  App app;
  app.set_help_flag();  // --help is an option like the others
  app.allow_extras();   // unknown options and operands: Run reads them in order
  run.setApp(&app);
  auto known = [this](char c) {
    if (number_ && c >= '0' && c <= '9') return true;
    for (const auto& s : specs_) {
      if (s.short_name != '\0' && s.short_name == c) return true;
    }
    return false;
  };
  auto names = [](char short_name, const std::string& long_name) {
    std::string n;
    if (short_name != '\0') n = std::string("-") + short_name;
    if (!long_name.empty()) n += (n.empty() ? "--" : ",--") + long_name;
    return n;
  };
  for (const auto& s : specs_) {
    CLI::Option* opt;
    if (s.takes_value) {
      opt = app.add_option(names(s.short_name, s.long_name), [&run, &s](const CLI::results_t& r) {
        std::string value = r.front();
        run.valueSeen();
        std::size_t w = run.currentWord();
        // A separate value is the whole word; an attached one is shorter.
        if (value == run.word(w) && w > 0 && run.word(w - 1) == "--" + s.long_name + "=") {
          // "--name=": CLI11 took the next word for the value, getopt an
          // empty one; give the word back.
          run.live().push_back(value);
          value.clear();
        }
        if (auto st = s.apply(value); !st) run.valueError(st.error());
        return true;
      });
    } else {
      opt = app.add_option(names(s.short_name, s.long_name),
                           [&run, &s, &known](const CLI::results_t&) {
                             std::size_t pos = run.flagSeen(s.long_name, false);
                             (void)s.apply("");
                             if (pos) run.checkNextInCluster(pos, known);
                             return true;
                           });
      opt->expected(0);
    }
    opt->trigger_on_parse();
  }
  if (number_) {
    // One option named -0 ... -9 (CLI11 checks each new option against all
    // the others, so ten would cost more than the rest together); the digit
    // is read from the word.
    app.add_option("-0,-1,-2,-3,-4,-5,-6,-7,-8,-9",
                   [&run, &known](const CLI::results_t&) {
                     std::size_t pos = run.flagSeen("", true);
                     run.digitAt(pos);
                     run.checkNextInCluster(pos, known);
                     return true;
                   })
        ->expected(0)
        ->trigger_on_parse();
  }
  try {
    try {
      app.parse(run.live());
    } catch (const CLI::ArgumentMismatch&) {
      // The last word is an option whose value is missing.
      const std::string& last = args.back();
      run.catchUp();
      if (last.size() > 2 && last[0] == '-' && last[1] == '-') {
        for (const auto& s : specs_) {
          if (s.takes_value && last == "--" + s.long_name + "=") {
            if (auto st = s.apply(""); !st) run.valueError(st.error());
            run.catchUp();
            return std::move(run.operands());
          }
        }
        run.usageError("option '" + last + "' requires an argument");
      }
      run.usageError(std::string("option requires an argument -- '") + last.back() + "'");
    }
    run.catchUp();
  } catch (const Stop& stop) {
    return stop.error;
  } catch (const CLI::ParseError& e) {
    return Error{prefix() + e.what() + "\n" + usage()};  // none known: CLI11's own words
  }
  return std::move(run.operands());
}

}  // namespace sup
