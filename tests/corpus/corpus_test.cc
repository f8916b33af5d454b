// The compatibility corpus (SUP_CORPUS_DIR, see its README): every config is
// run through the real binary, `supervisord -c FILE --print-config
// --node-name corpus-host`, with exactly env.json as its environment and a
// fresh empty working directory, and the answer must equal what Python
// Supervisor 4.2.5 gave: the same JSON for accepted files, the same error text
// for rejected ones. Rejected files are also parsed in-process to compare the
// INI layer, warnings and infos the oracle recorded up to the error.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/config_json.h"
#include "common/config_parser.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kCorpus = SUP_CORPUS_DIR;

struct CorpusRow {
  std::string id;
  std::string mode;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::vector<CorpusRow> manifest() {
  std::vector<CorpusRow> rows;
  std::istringstream in(slurp(kCorpus + "/MANIFEST.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() >= 5) rows.push_back({cols[0], cols[4]});
  }
  return rows;
}

// Replace every occurrence of the real paths by the corpus tokens, longest
// path first (the temp cwd may or may not lie under the corpus root).
std::string tokenize(std::string s, const std::vector<std::pair<std::string, std::string>>& repl) {
  for (const auto& [from, to] : repl) {
    if (from.empty()) continue;
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
      s.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return s;
}

json tokenizeJson(const json& j, const std::vector<std::pair<std::string, std::string>>& repl) {
  if (j.is_string()) return tokenize(j.get<std::string>(), repl);
  if (j.is_array()) {
    json out = json::array();
    for (const auto& x : j) out.push_back(tokenizeJson(x, repl));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      out[tokenize(it.key(), repl)] = tokenizeJson(it.value(), repl);
    return out;
  }
  return j;
}

// compare.py's diff: one readable line per difference, with a JSON path.
void diffJson(const json& want, const json& got, const std::string& path,
              std::vector<std::string>& out) {
  if (want.is_object() && got.is_object()) {
    std::set<std::string> keys;
    for (auto it = want.begin(); it != want.end(); ++it) keys.insert(it.key());
    for (auto it = got.begin(); it != got.end(); ++it) keys.insert(it.key());
    for (const auto& k : keys) {
      if (!want.contains(k))
        out.push_back(path + "." + k + ": unexpected key");
      else if (!got.contains(k))
        out.push_back(path + "." + k + ": missing");
      else
        diffJson(want[k], got[k], path + "." + k, out);
    }
  } else if (want.is_array() && got.is_array()) {
    if (want.size() != got.size()) {
      out.push_back(path + ": length " + std::to_string(got.size()) + " != expected " +
                    std::to_string(want.size()));
    }
    for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
      diffJson(want[i], got[i], path + "[" + std::to_string(i) + "]", out);
    }
  } else if (want != got) {
    out.push_back(path + ": got " + got.dump() + ", expected " + want.dump());
  }
}

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

// fork + execve with exactly `env`, in `cwd`; stdout and stderr captured.
RunResult runBinary(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::string& cwd) {
  int out_pipe[2], err_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, 10000) <= 0) break;  // a 10 s stall means a hung binary
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  return r;
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "svcorpus-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct CaseOutcome {
  bool matched = false;
  bool expected_ok = false;
  bool error_exact = false;
  std::vector<std::string> diffs;
};

CaseOutcome runCorpusCase(const CorpusRow& row) {
  CaseOutcome result;
  const json env_json = json::parse(slurp(kCorpus + "/env.json"));
  std::vector<std::string> env;
  std::map<std::string, std::string> env_map;
  for (auto it = env_json.begin(); it != env_json.end(); ++it) {
    env.push_back(it.key() + "=" + it.value().get<std::string>());
    env_map[it.key()] = it.value().get<std::string>();
  }
  TempDir cwd;
  std::string config = kCorpus + "/configs/" + row.id + ".conf";
  if (row.mode == "include") {
    std::string wrapper = slurp(kCorpus + "/tools/include-wrapper.conf");
    size_t at = wrapper.find("@FRAGMENT@");
    wrapper.replace(at, std::string("@FRAGMENT@").size(), config);
    config = cwd.path + "/supervisord.conf";
    std::ofstream(config, std::ios::binary) << wrapper;
  }
  std::vector<std::pair<std::string, std::string>> repl{{kCorpus, "<CORPUS>"}, {cwd.path, "<CWD>"}};
  if (repl[0].first.size() < repl[1].first.size()) std::swap(repl[0], repl[1]);

  json expected = json::parse(slurp(kCorpus + "/expected/" + row.id + ".json"));
  expected.erase("oracle");
  expected.erase("config");
  result.expected_ok = expected["ok"].get<bool>();

  const std::string bin = std::string(SUP_BIN_DIR) + "/supervisord";
  RunResult run =
      runBinary({bin, "-c", config, "--print-config", "--node-name", "corpus-host"}, env, cwd.path);
  json actual;
  if (run.status == 0) {
    try {
      actual = json::parse(run.out);
    } catch (const std::exception& e) {
      result.diffs.push_back(std::string("$: output is not JSON: ") + e.what());
      return result;
    }
  } else {
    // "Error: <msg>\nFor help, use <argv0> -h\n" on stderr, exit status 2.
    const std::string tail = "\nFor help, use " + bin + " -h\n";
    std::string msg = run.err;
    if (msg.rfind("Error: ", 0) != 0 || msg.size() < tail.size() ||
        msg.compare(msg.size() - tail.size(), tail.size(), tail) != 0 || run.status != 2) {
      result.diffs.push_back("$: unexpected failure output (status " + std::to_string(run.status) +
                             "): " + run.err);
      return result;
    }
    msg = msg.substr(7, msg.size() - 7 - tail.size());
    // The INI layer, warnings and infos up to the error come from the same
    // parser, in-process, under the same inputs.
    sup::ParseOptions opts;
    opts.environ = env_map;
    opts.host_node_name = "corpus-host";
    opts.cwd = cwd.path;
    opts.check_filesystem = false;
    opts.check_users = false;
    actual = sup::configToJson(sup::parseConfigDetailed(config, opts));
    actual["error"] = msg;
  }
  actual["mode"] = row.mode;
  actual = tokenizeJson(actual, repl);
  if (!result.expected_ok && actual.contains("error") && actual["error"] == expected["error"]) {
    result.error_exact = true;
  }
  diffJson(expected, actual, "$", result.diffs);
  result.matched = result.diffs.empty();
  return result;
}

// One Catch2 test case per corpus id, registered when the binary starts.
class CorpusCaseInvoker : public Catch::ITestInvoker {
 public:
  explicit CorpusCaseInvoker(CorpusRow row) : row_(std::move(row)) {}
  void invoke() const override {
    CaseOutcome outcome = runCorpusCase(row_);
    for (const auto& d : outcome.diffs) UNSCOPED_INFO(d);
    CHECK(outcome.matched);
  }

 private:
  CorpusRow row_;
};

struct CorpusRegistrar {
  std::deque<std::string> names;
  std::vector<std::unique_ptr<Catch::AutoReg>> regs;
  CorpusRegistrar() {
    for (const CorpusRow& row : manifest()) {
      names.push_back("corpus config " + row.id + " (" + row.mode +
                      " mode) gives the Python oracle's answer");
      regs.push_back(std::make_unique<Catch::AutoReg>(
          new CorpusCaseInvoker(row), CATCH_INTERNAL_LINEINFO, Catch::StringRef(),
          Catch::NameAndTags{names.back(), "[corpus]"}));
    }
  }
};
const CorpusRegistrar corpus_registrar;

}  // namespace

TEST_CASE("the whole corpus matches, every rejection with Supervisor's exact message", "[corpus]") {
  std::vector<CorpusRow> rows = manifest();
  REQUIRE(rows.size() == 75);
  int matched = 0, ok_total = 0, ok_matched = 0, err_total = 0, err_exact = 0;
  for (const CorpusRow& row : rows) {
    CaseOutcome o = runCorpusCase(row);
    matched += o.matched;
    if (o.expected_ok) {
      ++ok_total;
      ok_matched += o.matched;
    } else {
      ++err_total;
      err_exact += o.error_exact;
    }
    if (!o.matched) UNSCOPED_INFO(row.id + ": " + (o.diffs.empty() ? "" : o.diffs.front()));
  }
  WARN("corpus: " << matched << "/" << rows.size() << " match; accepted configs " << ok_matched
                  << "/" << ok_total << "; exact error messages " << err_exact << "/" << err_total);
  CHECK(matched == static_cast<int>(rows.size()));
  CHECK(err_exact == err_total);
}
