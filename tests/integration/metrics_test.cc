// GET /metrics on a real daemon (docs/metrics.md): over the Unix socket and
// over [inet_http_server] with Basic auth, the counters after a restart,
// `supervisorctl metrics`, promtool's verdict on the text, and a real
// Prometheus server scraping it. The last two report themselves skipped
// when Debian's `prometheus` package (promtool, prometheus) is absent.
#include <catch2/catch.hpp>
#include <csignal>

#include "daemon_harness.h"
#include "http_client.h"

using namespace sup::test;

namespace {

// sha1("thepassword"), as Supervisor's {SHA} passwords are written.
const std::string kShaPassword = "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d";

// A name with a double quote, a backslash and non-ASCII letters: every
// label escape and UTF-8 on the way through a real scrape.
const std::string kOddName = "q\"u\\o\xc3\xa9\xe2\x9c\x93";

std::string programs() {
  return "[program:web]\ncommand={helpers}/sleeper\nstartsecs=0\n\n"
         "[program:" +
         kOddName + "]\ncommand={helpers}/sleeper\nstartsecs=0\n\n";
}

std::string inetSection(int port) {
  return "[inet_http_server]\nport=127.0.0.1:" + std::to_string(port) +
         "\nusername=user\npassword=" + kShaPassword + "\n\n";
}

std::optional<HttpResponse> get(HttpClient& c, const std::string& path,
                                const std::string& authorization = "") {
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!authorization.empty()) req += "Authorization: " + authorization + "\r\n";
  if (!c.sendRaw(req + "\r\n")) return std::nullopt;
  return c.readResponse();
}

std::string metricsOverSocket(DaemonHarness& d) {
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  auto r = get(c, "/metrics");
  return r && r->status == 200 ? r->body : "";
}

// The value of the sample `series` (name and labels as written), or "".
std::string sample(const std::string& text, const std::string& series) {
  std::string at = "\n" + series + " ";
  auto pos = text.find(at);
  if (pos == std::string::npos) return "";
  pos += at.size();
  return text.substr(pos, text.find('\n', pos) - pos);
}

const std::string kWeb = "{name=\"web\",group=\"web\"}";

bool started(DaemonHarness& d) {
  return d.waitForLogLine("success: web entered RUNNING") &&
         d.waitForLogLine("success: q.*entered RUNNING");
}

}  // namespace

TEST_CASE("GET /metrics over the Unix socket serves Prometheus text and counts a restart") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + programs());
  REQUIRE(d.start());
  REQUIRE(started(d));
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  auto r = get(c, "/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& t = r->body;
  CHECK(sample(t, "supervisor_process_up" + kWeb) == "1");
  CHECK(sample(t, "supervisor_process_state{name=\"web\",group=\"web\",state=\"RUNNING\"}") == "1");
  CHECK(sample(t, "supervisor_process_starts_total" + kWeb) == "1");
  CHECK(sample(t, "supervisor_process_restarts_total" + kWeb) == "0");
  CHECK_FALSE(sample(t, "supervisor_process_cpu_seconds_total" + kWeb).empty());
  CHECK(std::stoll(sample(t, "supervisor_process_resident_memory_bytes" + kWeb)) > 0);
  CHECK(std::stoll(sample(t, "supervisor_process_open_fds" + kWeb)) >= 3);
  CHECK(std::stoll(sample(t, "supervisor_daemon_resident_memory_bytes")) > 0);
  CHECK(std::stoll(sample(t, "supervisor_daemon_loop_iterations_total")) > 0);
  CHECK(sample(t, "supervisor_daemon_clients") == "1");
  // The odd name comes back escaped.
  CHECK(sample(t,
               "supervisor_process_up{name=\"q\\\"u\\\\o\xc3\xa9\xe2\x9c\x93\",group=\"q\\\"u"
               "\\\\o\xc3\xa9\xe2\x9c\x93\"}") == "1");

  // "sleeper <pid>\n" reaches the stdout log: its bytes are counted.
  const std::string written =
      "supervisor_process_log_written_bytes_total{name=\"web\",group=\"web\",stream=\"stdout\"}";
  CHECK(waitFor([&] {
    std::string v = sample(metricsOverSocket(d), written);
    return !v.empty() && std::stoll(v) > 0;
  }));

  auto restarted = d.ctl("restart web");
  INFO(restarted.out << restarted.err);
  REQUIRE(restarted.exit == 0);
  std::string after = metricsOverSocket(d);
  CHECK(sample(after, "supervisor_process_starts_total" + kWeb) == "2");
  CHECK(sample(after, "supervisor_process_restarts_total" + kWeb) == "1");
  CHECK(sample(after,
               "supervisor_process_exits_total{name=\"web\",group=\"web\",expected=\"true\"}") ==
        "1");
  CHECK(sample(after, "supervisor_process_last_exit_signal" + kWeb) == std::to_string(SIGTERM));
  CHECK(sample(after, "supervisor_process_up" + kWeb) == "1");
}

TEST_CASE("a re-exec keeps every counter of GET /metrics where it was") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + programs());
  REQUIRE(d.start());
  REQUIRE(started(d));
  const std::string written =
      "supervisor_process_log_written_bytes_total{name=\"web\",group=\"web\",stream=\"stdout\"}";
  REQUIRE(d.ctl("restart web").exit == 0);
  // Both runs' "sleeper <pid>\n" lines are counted: each is 10 to 16 bytes,
  // so 20 or more means two (the second may come after the restart returns).
  REQUIRE(waitFor([&] {
    std::string v = sample(metricsOverSocket(d), written);
    return !v.empty() && std::stoll(v) >= 20;
  }));
  std::string before = metricsOverSocket(d);
  REQUIRE(sample(before, "supervisor_process_starts_total" + kWeb) == "2");

  auto r = d.ctl("reexec");
  INFO(r.out << r.err);
  REQUIRE(r.exit == 0);
  REQUIRE(d.waitForLogLine("adopted 2 processes from the previous image"));
  std::string after = metricsOverSocket(d);
  for (const std::string& series : std::vector<std::string>{
           "supervisor_process_starts_total" + kWeb, "supervisor_process_restarts_total" + kWeb,
        "supervisor_process_exits_total{name=\"web\",group=\"web\",expected=\"true\"}",
        "supervisor_process_last_exit_signal" + kWeb, written}) {
    INFO(series);
    CHECK(sample(after, series) == sample(before, series));
  }
  CHECK(std::stoll(sample(after, "supervisor_daemon_loop_iterations_total")) >
        std::stoll(sample(before, "supervisor_daemon_loop_iterations_total")));
}

TEST_CASE("supervisorctl metrics prints the same families as GET /metrics") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + programs());
  REQUIRE(d.start());
  REQUIRE(started(d));
  auto r = d.ctl("metrics");
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.find("# TYPE supervisor_process_restarts_total counter\n") != std::string::npos);
  CHECK(sample(r.out, "supervisor_process_up" + kWeb) == "1");
  // The client's own connection is counted while it asks.
  CHECK(std::stoll(sample(r.out, "supervisor_daemon_clients")) >= 1);
  auto bad = d.ctl("metrics extra");
  CHECK(bad.exit == 2);
  CHECK(bad.err.find("unexpected argument 'extra'") != std::string::npos);
  auto help = d.ctl("help metrics");
  CHECK(help.out.find("Prometheus") != std::string::npos);
}

TEST_CASE("GET /metrics over [inet_http_server] needs Basic auth and a wrong password is a 401") {
  DaemonHarness d;
  int port = freePort();
  d.writeConfig(d.header() + inetSection(port) + programs());
  REQUIRE(d.start());
  REQUIRE(started(d));
  {
    auto c = HttpClient::tcp(port);
    auto r = get(c, "/metrics", basicAuth("user", "thepassword"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(sample(r->body, "supervisor_process_up" + kWeb) == "1");
  }
  {
    auto c = HttpClient::tcp(port);
    auto r = get(c, "/metrics", basicAuth("user", "wrong"));
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->body.find("supervisor_process") == std::string::npos);
  }
  {
    auto c = HttpClient::tcp(port);
    auto r = get(c, "/metrics");
    REQUIRE(r);
    CHECK(r->status == 401);
  }
}

TEST_CASE("promtool check metrics accepts the text of a real daemon") {
  if (run("command -v promtool").exit != 0) {
    WARN("SKIPPED: promtool is absent (Debian package prometheus)");
    return;
  }
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::ctlSections() + programs() +
                "[program:idle]\ncommand={helpers}/sleeper\nautostart=false\n");
  REQUIRE(d.start());
  REQUIRE(started(d));
  REQUIRE(d.ctl("restart web").exit == 0);
  std::string text = metricsOverSocket(d);
  REQUIRE_FALSE(text.empty());
  {
    std::FILE* f = std::fopen(d.path("metrics.txt").c_str(), "w");
    REQUIRE(f);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  auto r = run("promtool check metrics < " + d.path("metrics.txt"));
  INFO(r.out << r.err);
  CHECK(r.exit == 0);
  CHECK(r.out.empty());
}
