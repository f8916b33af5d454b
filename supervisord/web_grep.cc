#include "supervisord/web_grep.h"

namespace sup::web {

Result<GrepRequest> grepRequest(const Form& query) {
  GrepRequest r;
  r.name = query.get("name");
  r.pattern = query.get("pattern");
  r.stream = query.get("stream", "stdout");
  if (r.name.empty()) return Error{"grep needs a process name"};
  if (r.pattern.empty()) return Error{"grep needs a pattern"};
  if (r.stream != "stdout" && r.stream != "stderr") return Error{"the stream is stdout or stderr"};
  r.ignore_case = query.get("i") == "1";
  r.fixed = query.get("F") == "1";
  return r;
}

std::vector<std::string> grepArgs(const GrepRequest& r, const GrepLimits& limits) {
  // Its config is an empty [supervisorctl] section on fd 3: a config file it
  // would otherwise find (/etc/supervisor/supervisord.conf, or one without
  // that section) must not stop a search that needs no server.
  std::vector<std::string> args = {
      "-c",         "/dev/fd/3", "grep", "--files-from",
      "/dev/stdin", "-n",        "-m",   std::to_string(limits.max_lines),
      "--stream",   r.stream};
  if (r.ignore_case) args.push_back("-i");
  if (r.fixed) args.push_back("-F");
  args.insert(args.end(), {"-e", r.pattern, "--", r.name});
  return args;
}

std::string fileSetList(const std::vector<GrepFileSet>& sets) {
  std::string out;
  for (const auto& s : sets) {
    if (s.path.empty() || s.path.find_first_of("\r\n") != std::string::npos) continue;
    out += s.namespec + " " + s.stream + " " + std::to_string(s.backups) + " " + s.path + "\n";
  }
  return out;
}

std::string grepText(std::string output, bool cut, bool timed_out, const GrepLimits& limits) {
  if (output.empty() && !cut && !timed_out) return "(no match)\n";
  if (!output.empty() && output.back() != '\n') output += '\n';
  if (cut) {
    output += "(output cut at " + std::to_string(limits.max_output_bytes) +
              " bytes: supervisorctl grep shows it all)\n";
  }
  if (timed_out) {
    auto ms = limits.timeout.count();
    output += "(stopped after " +
              (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
              ": supervisorctl grep has no time limit)\n";
  }
  return output;
}

}  // namespace sup::web
