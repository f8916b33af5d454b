// A real Prometheus server (Debian's `prometheus`, started here in a temp
// dir on a free port, its storage there too) scrapes a private supervisord's
// [inet_http_server] with Basic auth every second, and its query API sees
// supervisor_process_restarts_total go up after `supervisorctl restart`.
// Reports itself skipped when the prometheus binary is absent.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "daemon_harness.h"
#include "http_client.h"

using namespace sup::test;

namespace {

// sha1("thepassword"), as Supervisor's {SHA} passwords are written.
const std::string kShaPassword = "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d";

void writeFile(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

// The prometheus server, stopped (TERM, then KILL) when the test ends.
class PrometheusServer {
 public:
  PrometheusServer(const std::string& dir, int port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string out = dir + "/prometheus.out";
      std::FILE* f = std::freopen(out.c_str(), "w", stdout);
      if (f) ::dup2(STDOUT_FILENO, STDERR_FILENO);
      ::setpgid(0, 0);
      std::string config = "--config.file=" + dir + "/prometheus.yml";
      std::string storage = "--storage.tsdb.path=" + dir + "/tsdb";
      std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
      ::execlp("prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(),
               "--log.level=warn", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~PrometheusServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    bool gone = waitFor([this] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, 10s);
    if (!gone) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

 private:
  pid_t pid_ = -1;
};

// The query API's answer for an instant query ("" when unreachable).
std::string query(int port, const std::string& promql) {
  std::string encoded;
  for (unsigned char c : promql) {
    if (std::isalnum(c) || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  auto c = HttpClient::tcp(port, 200ms);
  if (!c.connected()) return "";
  c.sendRaw("GET /api/v1/query?query=" + encoded +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  auto r = c.readResponse(2s);
  return r && r->status == 200 ? r->body : "";
}

// Does the query's single result have this value? Its JSON ends
// `"value":[<time>,"<value>"]`.
bool hasValue(const std::string& answer, const std::string& value) {
  return answer.find("\"status\":\"success\"") != std::string::npos &&
         answer.find(",\"" + value + "\"]") != std::string::npos;
}

}  // namespace

TEST_CASE("a real Prometheus server scrapes the daemon and sees a restart counted") {
  if (run("command -v prometheus").exit != 0) {
    WARN("SKIPPED: prometheus is absent (Debian package prometheus)");
    return;
  }
  DaemonHarness d;
  int port = freePort();
  d.writeConfig(d.header() + "[inet_http_server]\nport=127.0.0.1:" + std::to_string(port) +
                "\nusername=user\npassword=" + kShaPassword +
                "\n\n[supervisorctl]\nserverurl=http://127.0.0.1:" + std::to_string(port) +
                "\nusername=user\npassword=thepassword\n\n"
                "[program:web]\ncommand={helpers}/sleeper\nstartsecs=0\n");
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  writeFile(d.path("prometheus.yml"),
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n"
            "  - job_name: supervisord\n"
            "    scrape_interval: 1s\n"
            "    scrape_timeout: 1s\n"
            "    basic_auth:\n      username: user\n      password: thepassword\n"
            "    static_configs:\n      - targets: ['127.0.0.1:" +
                std::to_string(port) + "']\n");
  int prom_port = freePort();
  PrometheusServer prometheus(d.dir(), prom_port);
  const std::string promql = "supervisor_process_restarts_total{job=\"supervisord\",name=\"web\"}";
  std::string answer;
  bool scraped = waitFor(
      [&] {
        answer = query(prom_port, promql);
        return hasValue(answer, "0");
      },
      60s);
  INFO(answer << "\n" << readFile(d.path("prometheus.out")));
  REQUIRE(scraped);
  CHECK(hasValue(query(prom_port, "up{job=\"supervisord\"}"), "1"));
  auto r = d.ctl("restart web");
  INFO(r.out << r.err);
  REQUIRE(r.exit == 0);
  CHECK(waitFor(
      [&] {
        answer = query(prom_port, promql);
        return hasValue(answer, "1");
      },
      30s));
}
