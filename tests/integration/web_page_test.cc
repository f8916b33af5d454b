// The web status page (docs/web.md) on a private supervisord, over the Unix
// control socket and over [inet_http_server] with Basic auth: the table,
// actions that need the CSRF token (and change nothing without it), the
// live event stream, the bounded grep, names shown escaped, and an idle
// daemon that stays asleep with a page open.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <regex>

#include "daemon_harness.h"
#include "http_client.h"

using namespace sup::test;

namespace {

// A name with markup and non-ASCII characters (':' ' ' '/' are not allowed in names).
const std::string kEvilName = "<script>\xc3\xa9vil\xe2\x9c\x93&\"'";
const std::string kEvilEscaped = "&lt;script&gt;\xc3\xa9vil\xe2\x9c\x93&amp;&quot;&#39;";

// `web` writes a line every 200 ms, or (quiet) nothing at all.
std::string programs(bool quiet = false) {
  return std::string("[program:web]\ncommand={helpers}/") + (quiet ? "sleeper" : "chatty 0 200") +
         "\nstartsecs=0\n\n"
         "[program:" +
         kEvilName + "]\ncommand={helpers}/sleeper\nstartsecs=0\n\n";
}

std::string request(const std::string& method, const std::string& target,
                    const std::vector<std::string>& headers = {}, const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  if (method == "POST") {
    r += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n";
  }
  return r + "\r\n" + body;
}

std::optional<HttpResponse> roundTrip(HttpClient& c, const std::string& raw) {
  if (!c.sendRaw(raw)) return std::nullopt;
  return c.readResponse();
}

std::string tokenOf(const std::string& page) {
  std::smatch m;
  if (!std::regex_search(page, m, std::regex("name=\"token\" value=\"([0-9a-f]+)\""))) return "";
  return m[1];
}

// The state shown in web's row of the page.
std::string stateOf(const std::string& page, const std::string& name) {
  std::size_t row = page.find("<tr data-name=\"" + name + "\" data-state=\"");
  if (row == std::string::npos) return "";
  std::size_t start = page.find("data-state=\"", row) + 12;
  return page.substr(start, page.find('"', start) - start);
}

}  // namespace

TEST_CASE("GET / over the Unix socket shows every process with its state and escapes names") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() + programs());
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  REQUIRE(d.waitForLogLine("success: .*vil.* entered RUNNING"));
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  auto r = roundTrip(c, request("GET", "/"));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("content-type") == "text/html;charset=utf-8");
  CHECK(r->header("x-frame-options") == "DENY");
  CHECK(r->header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(stateOf(r->body, "web") == "RUNNING");
  CHECK(r->body.find("<td class=\"name\">web</td>") != std::string::npos);
  CHECK(r->body.find("<td class=\"name\">" + kEvilEscaped + "</td>") != std::string::npos);
  CHECK(r->body.find("<script>\xc3\xa9vil") == std::string::npos);
  CHECK(stateOf(r->body, kEvilEscaped) == "RUNNING");
  CHECK(tokenOf(r->body).size() == 64);
  // Filters work without the script.
  auto filtered = roundTrip(c, request("GET", "/?filter=WE&state=RUNNING"));
  REQUIRE(filtered);
  CHECK(stateOf(filtered->body, "web") == "RUNNING");
  CHECK(filtered->body.find("<td class=\"name\">" + kEvilEscaped) == std::string::npos);
  // GET never acts: a GET with action fields just shows the page.
  auto get_action = roundTrip(c, request("GET", "/?action=stop&name=web"));
  REQUIRE(get_action);
  CHECK(stateOf(get_action->body, "web") == "RUNNING");
}

TEST_CASE("an action without the token is refused with 403 and a form with it stops a program") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() + programs());
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  auto page = roundTrip(c, request("GET", "/"));
  REQUIRE(page);
  std::string token = tokenOf(page->body);
  REQUIRE_FALSE(token.empty());

  auto none = roundTrip(c, request("POST", "/", {}, "action=stop&name=web"));
  REQUIRE(none);
  CHECK(none->status == 403);
  auto wrong =
      roundTrip(c, request("POST", "/", {}, "action=stop&name=web&token=" + std::string(64, 'a')));
  REQUIRE(wrong);
  CHECK(wrong->status == 403);
  auto cross = roundTrip(c, request("POST", "/", {"Origin: http://evil.example"},
                                    "action=stop&name=web&token=" + token));
  REQUIRE(cross);
  CHECK(cross->status == 403);
  auto still = roundTrip(c, request("GET", "/"));
  REQUIRE(still);
  CHECK(stateOf(still->body, "web") == "RUNNING");
  CHECK(d.countLogLines("stopped: web") == 0);

  // A plain form: 303 back to the page with supervisorctl's message.
  auto stop = roundTrip(c, request("POST", "/", {"Origin: http://127.0.0.1"},
                                   "token=" + token + "&name=web&action=stop"));
  REQUIRE(stop);
  CHECK(stop->status == 303);
  CHECK(stop->header("location") == "/?message=web%3A%20stopped");
  auto shown = roundTrip(c, request("GET", stop->header("location")));
  REQUIRE(shown);
  CHECK(stateOf(shown->body, "web") == "STOPPED");
  CHECK(shown->body.find("role=\"status\">web: stopped</p>") != std::string::npos);

  // The page's script: token in a header, the message as text.
  auto again =
      roundTrip(c, request("POST", "/", {"X-Supervisor-Token: " + token}, "name=web&action=stop"));
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(again->body == "web: ERROR (not running)\n");
  auto restart = roundTrip(
      c, request("POST", "/", {"X-Supervisor-Token: " + token}, "name=web&action=restart"));
  REQUIRE(restart);
  CHECK(restart->body == "web: ERROR (not running)\nweb: started\n");
  auto nope = roundTrip(
      c, request("POST", "/", {"X-Supervisor-Token: " + token}, "name=nope&action=start"));
  REQUIRE(nope);
  CHECK(nope->body == "nope: ERROR (no such process)\n");
  auto stop_all =
      roundTrip(c, request("POST", "/", {"X-Supervisor-Token: " + token}, "action=stopall"));
  REQUIRE(stop_all);
  CHECK(stop_all->body.find("web: stopped") != std::string::npos);
  CHECK(stop_all->body.find(kEvilName + ": stopped") != std::string::npos);
}

TEST_CASE("over inet_http_server the page needs Basic auth and its token stops a program") {
  DaemonHarness d;
  int port = freePort();
  d.writeConfig(d.header() + "[inet_http_server]\nport=127.0.0.1:" + std::to_string(port) +
                "\nusername=user\npassword=secret\n\n" + programs());
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  auto c = HttpClient::tcp(port);
  auto denied = roundTrip(c, request("GET", "/"));
  REQUIRE(denied);
  CHECK(denied->status == 401);
  std::string auth = "Authorization: " + basicAuth("user", "secret");
  auto c2 = HttpClient::tcp(port);
  auto page = roundTrip(c2, request("GET", "/", {auth}));
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<td class=\"name\">" + kEvilEscaped + "</td>") != std::string::npos);
  std::string token = tokenOf(page->body);
  auto refused = roundTrip(c2, request("POST", "/", {auth}, "name=web&action=stop"));
  REQUIRE(refused);
  CHECK(refused->status == 403);
  auto stop = roundTrip(c2, request("POST", "/", {auth, "Origin: http://127.0.0.1"},
                                    "name=web&action=stop&token=" + token));
  REQUIRE(stop);
  CHECK(stop->status == 303);
  CHECK(d.waitForLogLine("stopped: web"));
  auto c3 = HttpClient::tcp(port);
  auto no_auth_post =
      roundTrip(c3, request("POST", "/", {}, "name=web&action=start&token=" + token));
  REQUIRE(no_auth_post);
  CHECK(no_auth_post->status == 401);
}

TEST_CASE("GET /events streams a snapshot and then each state change") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() + programs(true));
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  auto s = HttpClient::unixSocket(d.path("sv.sock"));
  REQUIRE(s.sendRaw(request("GET", "/events")));
  auto head = s.readHead();
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->header("content-type") == "text/event-stream");
  std::string body;
  REQUIRE(s.readStreamUntil("event: snapshot\ndata: [", true, &body));
  REQUIRE(s.readStreamUntil("\n\n", true, &body));
  CHECK(body.find("\"name\":\"web\"") != std::string::npos);
  // The event stream costs nothing while nothing happens.
  CHECK(staysAsleepInEpoll(d.daemonPid(), 500ms));
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  auto page = roundTrip(c, request("GET", "/"));
  REQUIRE(page);
  auto stop = roundTrip(c, request("POST", "/", {"X-Supervisor-Token: " + tokenOf(page->body)},
                                   "name=web&action=stop"));
  REQUIRE(stop);
  CHECK(s.readStreamUntil("\"state\":\"STOPPING\"", true, &body));
  CHECK(s.readStreamUntil("\"state\":\"STOPPED\"", true, &body));
  CHECK(body.find("event: process\ndata: {") != std::string::npos);
}

TEST_CASE("GET /grep runs supervisorctl grep in a child over one program's log") {
  DaemonHarness d;
  d.writeConfig(d.header() + DaemonHarness::socketSection() + programs());
  REQUIRE(d.start());
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  std::optional<HttpResponse> r;
  REQUIRE(waitFor([&] {
    r = roundTrip(c, request("GET", "/grep?name=web&stream=stdout&pattern=line+3%24"));
    return r && r->body.find("web:stdout:3:line 3\n") != std::string::npos;
  }));
  CHECK(r->header("content-type") == "text/plain;charset=utf-8");
  CHECK(r->header("x-content-type-options") == "nosniff");
  auto none = roundTrip(c, request("GET", "/grep?name=web&pattern=nothing-like-this"));
  REQUIRE(none);
  CHECK(none->body == "(no match)\n");
  auto unknown = roundTrip(c, request("GET", "/grep?name=nope&pattern=x"));
  REQUIRE(unknown);
  CHECK(unknown->body == "supervisorctl grep: nope: no such process\n");
  auto bad = roundTrip(c, request("GET", "/grep?name=web"));
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto regex = roundTrip(c, request("GET", "/grep?name=web&pattern=%28"));
  REQUIRE(regex);
  CHECK(regex->body.find("invalid regex '('") != std::string::npos);
  // The search ran in a child of its own, reaped by the page, not the Supervisor.
  CHECK(d.countLogLines("reaped unknown pid") == 0);
}

TEST_CASE("as PID 1 a web grep whole or cut short is never reaped as an unknown orphan") {
  if (::getuid() != 0 || run("unshare -fp --mount-proc true").exit != 0) {
    WARN("unshare unavailable: supervisord cannot run as PID 1 here");
    return;
  }
  DaemonHarness d;
  // `big` leaves 2,000 lines of 300 bytes: a search for every line passes
  // the page's 256 KiB bound, and the page kills it.
  d.writeConfig(d.header() + DaemonHarness::socketSection() + programs() +
                "[program:big]\ncommand=/bin/sh -c 'i=0; while [ $i -lt 2000 ]; do "
                "printf \"%%0300d\\n\" $i; i=$((i+1)); done'\nstartsecs=0\nautorestart=false\n");
  REQUIRE(d.start({}, {"unshare", "-fp", "--mount-proc", "--kill-child=SIGTERM"}));
  REQUIRE(d.waitForLogLine("success: web entered RUNNING"));
  REQUIRE(d.waitForLogLine("exited: big \\(exit status 0; expected\\)"));
  std::vector<int> under_unshare = childrenOf(d.pid());
  REQUIRE(under_unshare.size() == 1);
  const int supervisord = under_unshare.front();
  REQUIRE(waitFor([&] { return childrenOf(supervisord).size() == 2; }));  // web and the evil name

  auto c = HttpClient::unixSocket(d.path("sv.sock"));
  std::optional<HttpResponse> whole;
  REQUIRE(waitFor([&] {
    whole = roundTrip(c, request("GET", "/grep?name=web&stream=stdout&pattern=line+1%24"));
    return whole && whole->body.find("web:stdout:1:line 1\n") != std::string::npos;
  }));
  auto cut = roundTrip(c, request("GET", "/grep?name=big&stream=stdout&pattern=0"));
  REQUIRE(cut);
  CHECK(cut->body.size() >= (256u << 10));
  CHECK(cut->body.find("output cut") != std::string::npos);

  // Once both searches and their waiters are gone, the daemon has only its
  // programs as children again; anything it reaped by itself is logged by then.
  CHECK(waitFor([&] { return childrenOf(supervisord).size() == 2; }));
  CHECK(d.countLogLines("reaped unknown pid") == 0);
  ::kill(supervisord, SIGTERM);
  CHECK(d.waitForExit(10s).has_value());
}
