#include "supervisord/web_page.h"

#include <catch2/catch.hpp>

using namespace sup::web;
using sup::proto::ProcessInfo;

namespace {

ProcessInfo info(std::string group, std::string name, std::string state, int pid = 0) {
  ProcessInfo i;
  i.group = std::move(group);
  i.name = std::move(name);
  i.statename = std::move(state);
  i.pid = pid;
  if (i.statename == "RUNNING") {
    i.start = 1000;
    i.now = 1000 + 3725;
    i.description = "pid " + std::to_string(pid) + ", uptime 1:02:05";
  }
  return i;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("states get the colour classes of their kind") {
  CHECK(stateClass("RUNNING") == "running");
  CHECK(stateClass("STARTING") == "busy");
  CHECK(stateClass("STOPPING") == "busy");
  CHECK(stateClass("STOPPED") == "stopped");
  CHECK(stateClass("EXITED") == "stopped");
  CHECK(stateClass("FATAL") == "error");
  CHECK(stateClass("BACKOFF") == "error");
  CHECK(stateClass("UNKNOWN") == "error");
}

TEST_CASE("uptime reads as Python's timedelta") {
  CHECK(formatUptime(0) == "0:00:00");
  CHECK(formatUptime(5) == "0:00:05");
  CHECK(formatUptime(3725) == "1:02:05");
  CHECK(formatUptime(86400 + 61) == "1 day, 0:01:01");
  CHECK(formatUptime(3 * 86400) == "3 days, 0:00:00");
  CHECK(uptimeSeconds(info("web", "web", "RUNNING", 7)) == 3725);
  CHECK(uptimeSeconds(info("web", "web", "STOPPED")) == 0);
}

TEST_CASE("the filter matches a namespec substring and an exact state") {
  ProcessInfo web = info("grp", "Web_1", "RUNNING", 5);
  CHECK(matchesFilter(web, "", ""));
  CHECK(matchesFilter(web, "web", ""));
  CHECK(matchesFilter(web, "GRP:", ""));
  CHECK_FALSE(matchesFilter(web, "db", ""));
  CHECK(matchesFilter(web, "", "RUNNING"));
  CHECK_FALSE(matchesFilter(web, "", "STOPPED"));
  CHECK_FALSE(matchesFilter(web, "web", "FATAL"));
}

TEST_CASE("a row shows state and name and pid and uptime and carries the token") {
  std::string row = renderRow(info("web", "web", "RUNNING", 42), "TOKEN");
  CHECK(row.find("<span class=\"state running\">RUNNING</span>") != std::string::npos);
  CHECK(row.find("<td class=\"name\">web</td>") != std::string::npos);
  CHECK(row.find("<td class=\"pid\">42</td>") != std::string::npos);
  CHECK(row.find("<td class=\"uptime\">1:02:05</td>") != std::string::npos);
  CHECK(row.find("name=\"token\" value=\"TOKEN\"") != std::string::npos);
  CHECK(row.find("value=\"stop\"") != std::string::npos);
  CHECK(row.find("href=\"/logtail/web\"") != std::string::npos);
  std::string grouped = renderRow(info("g", "p", "STOPPED"), "T");
  CHECK(grouped.find("<td class=\"name\">g:p</td>") != std::string::npos);
  CHECK(grouped.find("href=\"/logtail/g%3Ap\"") != std::string::npos);
  CHECK(grouped.find("<td class=\"pid\"></td>") != std::string::npos);
}

TEST_CASE("names and descriptions and messages are escaped everywhere the page shows them") {
  ProcessInfo evil = info("<script>alert(1)</script>", "x\"'&\xc3\xa9\xe2\x9c\x93", "FATAL");
  evil.description = "<b>bad</b>";
  PageOptions o;
  o.token = "T";
  o.message = "<img src=x onerror=alert(1)>";
  o.filter = "\"><script>";
  o.identification = "<i>";
  std::string page = renderPage({evil}, o);
  CHECK(page.find("<script>alert") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("<b>bad") == std::string::npos);
  CHECK(page.find("<i>") == std::string::npos);
  CHECK(page.find("\"><script>") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;:x&quot;&#39;&amp;\xc3\xa9\xe2\x9c\x93") !=
        std::string::npos);
  CHECK(page.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  // The only <script> element is the page's own.
  CHECK(count(page, "<script>") == 1);
}

TEST_CASE("the page filters rows server side and offers every process to grep") {
  PageOptions o;
  o.token = "T";
  o.filter = "db";
  std::string page = renderPage({info("web", "web", "RUNNING", 1), info("db", "db", "STOPPED")}, o);
  CHECK(page.find("<td class=\"name\">db</td>") != std::string::npos);
  CHECK(page.find("<td class=\"name\">web</td>") == std::string::npos);
  CHECK(page.find("<option value=\"web\">web</option>") != std::string::npos);
  o.filter.clear();
  o.state = "RUNNING";
  page = renderPage({info("web", "web", "RUNNING", 1), info("db", "db", "STOPPED")}, o);
  CHECK(page.find("<td class=\"name\">web</td>") != std::string::npos);
  CHECK(page.find("<td class=\"name\">db</td>") == std::string::npos);
  CHECK(page.find("<option selected>RUNNING</option>") != std::string::npos);
}

TEST_CASE("rowJson carries what the script shows and survives invalid UTF-8") {
  auto j = sup::proto::json::parse(rowJson(info("g", "p", "RUNNING", 9)));
  CHECK(j["name"] == "g:p");
  CHECK(j["state"] == "RUNNING");
  CHECK(j["pid"] == 9);
  CHECK(j["uptime"] == 3725);
  CHECK(j["description"] == "pid 9, uptime 1:02:05");
  ProcessInfo bad = info("x", "x", "STOPPED");
  bad.description = "\xff\xfe";
  CHECK_NOTHROW(sup::proto::json::parse(rowJson(bad)));
  CHECK(rowsJson({}) == "[]");
  CHECK(sup::proto::json::parse(rowsJson({bad, bad})).size() == 2);
}
