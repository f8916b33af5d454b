#include "supervisord/web_page.h"

#include <algorithm>
#include <cstdio>

#include "supervisord/web_assets.h"
#include "supervisord/web_text.h"

namespace sup::web {

namespace {

// Every state the filter offers, in Supervisor's order of its numbers.
constexpr std::string_view kStates[] = {"STOPPED",  "STARTING", "RUNNING", "BACKOFF",
                                        "STOPPING", "EXITED",   "FATAL",   "UNKNOWN"};

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string namespecOf(const proto::ProcessInfo& info) {
  return proto::makeNamespec(info.group, info.name);
}

void button(std::string& out, std::string_view action, std::string_view label) {
  out += "<button name=\"action\" value=\"";
  out += action;
  out += "\">";
  out += label;
  out += "</button>";
}

}  // namespace

std::string_view stateClass(std::string_view statename) {
  if (statename == "RUNNING") return "running";
  if (statename == "STARTING" || statename == "STOPPING") return "busy";
  if (statename == "STOPPED" || statename == "EXITED") return "stopped";
  return "error";  // BACKOFF, FATAL, UNKNOWN
}

std::string formatUptime(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  char hms[32];
  std::snprintf(hms, sizeof hms, "%d:%02d:%02d", static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  if (days == 0) return hms;
  return std::to_string(days) + (days == 1 ? " day, " : " days, ") + hms;
}

std::int64_t uptimeSeconds(const proto::ProcessInfo& info) {
  if (info.statename != "RUNNING" || info.start <= 0) return 0;
  return std::max<std::int64_t>(0, info.now - info.start);
}

bool matchesFilter(const proto::ProcessInfo& info, std::string_view filter,
                   std::string_view state) {
  if (!state.empty() && info.statename != state) return false;
  if (filter.empty()) return true;
  return lowerAscii(namespecOf(info)).find(lowerAscii(filter)) != std::string::npos;
}

std::string renderRow(const proto::ProcessInfo& info, std::string_view token) {
  std::string ns = htmlEscape(namespecOf(info));
  std::string state = htmlEscape(info.statename);
  std::string out;
  out += "<tr data-name=\"" + ns + "\" data-state=\"" + state + "\">";
  out += "<td><span class=\"state " + std::string(stateClass(info.statename)) + "\">" + state +
         "</span></td>";
  out += "<td class=\"name\">" + ns + "</td>";
  out += "<td class=\"desc\">" + htmlEscape(info.description) + "</td>";
  out += "<td class=\"pid\">" + (info.pid > 0 ? std::to_string(info.pid) : std::string()) + "</td>";
  bool running = info.statename == "RUNNING";
  out += "<td class=\"uptime\">" + (running ? formatUptime(uptimeSeconds(info)) : std::string()) +
         "</td>";
  out += "<td class=\"actions\"><form method=\"post\" action=\"/\" class=\"act\">";
  out += "<input type=\"hidden\" name=\"token\" value=\"" + htmlEscape(token) + "\">";
  out += "<input type=\"hidden\" name=\"name\" value=\"" + ns + "\">";
  button(out, "start", "Start");
  button(out, "stop", "Stop");
  button(out, "restart", "Restart");
  button(out, "clear", "Clear log");
  out += "</form><a class=\"tail\" href=\"/logtail/" + htmlEscape(urlEncode(namespecOf(info))) +
         "\">Tail</a></td></tr>\n";
  return out;
}

std::string renderPage(const std::vector<proto::ProcessInfo>& infos, const PageOptions& o) {
  std::string token = htmlEscape(o.token);
  std::string out;
  out.reserve(4096 + infos.size() * 700);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>Supervisor status</title><style>";
  out += kPageCss;
  out += "</style></head>\n<body>\n<header><h1>Supervisor status";
  if (!o.identification.empty()) {
    out += " <small>" + htmlEscape(o.identification) + "</small>";
  }
  out += "</h1><span id=\"live\" class=\"live\" title=\"static page\"></span></header>\n<main>\n";
  out += "<p id=\"message\" class=\"message\" role=\"status\">" + htmlEscape(o.message) + "</p>\n";
  out +=
      "<div class=\"bar\"><form method=\"post\" action=\"/\" class=\"act\">"
      "<input type=\"hidden\" name=\"token\" value=\"" +
      token + "\">";
  button(out, "restartall", "Restart all");
  button(out, "stopall", "Stop all");
  out += "</form><a class=\"button\" id=\"refresh\" href=\"/\">Refresh</a>\n";
  out +=
      "<form method=\"get\" action=\"/\" id=\"filter\">"
      "<input type=\"search\" name=\"filter\" placeholder=\"name or group\" value=\"" +
      htmlEscape(o.filter) + "\"><select name=\"state\"><option value=\"\">any state</option>";
  for (std::string_view s : kStates) {
    out += "<option";
    if (s == o.state) out += " selected";
    out += ">";
    out += s;
    out += "</option>";
  }
  out += "</select><button>Filter</button></form></div>\n";
  out +=
      "<table id=\"procs\"><thead><tr><th>State</th><th>Name</th><th>Description</th>"
      "<th>Pid</th><th>Uptime</th><th>Actions</th></tr></thead>\n<tbody>\n";
  for (const auto& info : infos) {
    if (matchesFilter(info, o.filter, o.state)) out += renderRow(info, o.token);
  }
  out += "</tbody></table>\n<template id=\"rowtpl\">";
  out += renderRow(proto::ProcessInfo{}, o.token);
  out += "</template>\n";
  // The log tools: grep is a GET form (it changes nothing); its answer is
  // plain text, shown in the page by the script.
  out +=
      "<section id=\"logs\"><h2>Logs</h2><form method=\"get\" action=\"/grep\" id=\"grep\">"
      "<select name=\"name\" id=\"grepname\">";
  for (const auto& info : infos) {
    std::string ns = htmlEscape(namespecOf(info));
    out += "<option value=\"" + ns + "\">" + ns + "</option>";
  }
  out +=
      "</select><select name=\"stream\"><option>stdout</option><option>stderr</option>"
      "</select><input name=\"pattern\" required placeholder=\"pattern (PCRE)\">"
      "<label><input type=\"checkbox\" name=\"i\" value=\"1\"> ignore case</label>"
      "<button>Grep</button></form>\n"
      "<div id=\"tailbox\" hidden><h3 id=\"tailtitle\"></h3>"
      "<button type=\"button\" id=\"tailstop\">Stop following</button>"
      "<pre id=\"tail\"></pre></div>\n"
      "<div id=\"grepbox\" hidden><h3 id=\"greptitle\"></h3><pre id=\"grepout\"></pre></div>\n"
      "</section>\n</main>\n<script>";
  out += kPageScript;
  out += "</script>\n</body></html>\n";
  return out;
}

std::string rowJson(const proto::ProcessInfo& info) {
  proto::json j = {{"name", namespecOf(info)}, {"group", info.group},
                   {"state", info.statename},  {"description", info.description},
                   {"pid", info.pid},          {"uptime", uptimeSeconds(info)}};
  return j.dump(-1, ' ', false, proto::json::error_handler_t::replace);
}

std::string rowsJson(const std::vector<proto::ProcessInfo>& infos) {
  std::string out = "[";
  for (const auto& info : infos) {
    if (out.size() > 1) out += ',';
    out += rowJson(info);
  }
  out += ']';
  return out;
}

}  // namespace sup::web
