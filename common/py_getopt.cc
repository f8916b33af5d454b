#include "common/py_getopt.h"

namespace sup {

namespace {

Result<const GetoptSpec*> findLong(const std::string& name, std::span<const GetoptSpec> specs) {
  const GetoptSpec* found = nullptr;
  int matches = 0;
  for (const auto& s : specs) {
    if (!s.long_name) continue;
    std::string_view candidate = s.long_name;
    if (candidate == name) return &s;  // an exact match wins over prefixes
    if (!s.exact_only && candidate.starts_with(name)) {
      found = &s;
      ++matches;
    }
  }
  if (matches == 1) return found;
  if (matches > 1) return Error{"option --" + name + " not a unique prefix"};
  return Error{"option --" + name + " not recognized"};
}

const GetoptSpec* findShort(char c, std::span<const GetoptSpec> specs) {
  for (const auto& s : specs)
    if (s.short_name != '\0' && s.short_name == c) return &s;
  return nullptr;
}

}  // namespace

Result<GetoptResult> pyGetopt(const std::vector<std::string>& args,
                              std::span<const GetoptSpec> specs) {
  GetoptResult out;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;  // "-" alone is a positional
    if (a[1] == '-') {
      std::string body = a.substr(2);
      auto eq = body.find('=');
      auto spec = findLong(body.substr(0, eq), specs);
      if (!spec) return spec.error();
      const GetoptSpec* s = *spec;
      GetoptItem item{static_cast<std::size_t>(s - specs.data()), std::string("--") + s->long_name,
                      ""};
      if (s->takes_value) {
        if (eq != std::string::npos) {
          item.value = body.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          item.value = args[++i];
        } else {
          return Error{item.as_given.insert(0, "option ") + " requires argument"};
        }
      } else if (eq != std::string::npos) {
        return Error{item.as_given.insert(0, "option ") + " must not have an argument"};
      }
      out.options.push_back(std::move(item));
      continue;
    }
    for (std::size_t k = 1; k < a.size(); ++k) {
      const GetoptSpec* s = findShort(a[k], specs);
      if (!s) return Error{std::string("option -") + a[k] + " not recognized"};
      GetoptItem item{static_cast<std::size_t>(s - specs.data()), std::string("-") + a[k], ""};
      if (s->takes_value) {
        // The rest of the cluster is the value ("-cFILE"), else the next arg.
        if (k + 1 < a.size()) {
          item.value = a.substr(k + 1);
        } else if (i + 1 < args.size()) {
          item.value = args[++i];
        } else {
          return Error{std::string("option -") + a[k] + " requires argument"};
        }
        out.options.push_back(std::move(item));
        break;
      }
      out.options.push_back(std::move(item));
    }
  }
  out.positionals.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return out;
}

}  // namespace sup
