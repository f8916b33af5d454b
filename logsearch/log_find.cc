#include "logsearch/log_find.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "logsearch/json_text.h"

namespace sup {

namespace {

std::string formatTime(std::int64_t seconds, const char* format) {
  auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[64];
  std::size_t n = std::strftime(text, sizeof text, format, &tm);
  return std::string(text, n);
}

std::int64_t boundToEpoch(const TimeBound& bound, std::int64_t now) {
  return bound.relative ? now - bound.seconds : bound.seconds;
}

bool passes(const FindOptions& o, const LogFile& f, std::int64_t now) {
  constexpr std::int64_t kNs = 1000000000;
  if (o.newer && !(f.mtime_ns > boundToEpoch(*o.newer, now) * kNs)) return false;
  if (o.older && !(f.mtime_ns < boundToEpoch(*o.older, now) * kNs)) return false;
  if (o.larger && !(f.size > *o.larger)) return false;
  if (o.smaller && !(f.size < *o.smaller)) return false;
  return true;
}

}  // namespace

std::string humanSize(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes);
  static const char kUnits[] = "KMGTPE";
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (value < 10) {
    std::snprintf(text, sizeof text, "%.1f%c", value, kUnits[unit]);
  } else {
    std::snprintf(text, sizeof text, "%.0f%c", value, kUnits[unit]);
  }
  return text;
}

int runFind(const FindOptions& options, const std::vector<LogFileSet>& sets, std::ostream& out,
            std::ostream& err) {
  if (options.help) {
    out << findUsage() << '\n';
    return 0;
  }
  auto selected = selectLogFileSets(normalizeLogFileSets(sets), options.names);
  if (!selected) {
    err << "supervisorctl find: " << selected.error().message << '\n';
    return 2;
  }
  const std::int64_t now = options.now ? options.now : static_cast<std::int64_t>(std::time(nullptr));
  int status = 0;
  std::vector<LogFile> rows;
  for (const auto& set : *selected) {
    if (options.stream && *options.stream != set.stream) continue;
    for (auto& file : listLogFiles(set)) {
      if (file.stat_errno) {
        err << "supervisorctl find: " << file.path << ": " << std::strerror(file.stat_errno)
            << '\n';
        status = 1;
        continue;
      }
      if (file.is_directory) {
        err << "supervisorctl find: " << file.path << ": Is a directory\n";
        status = 1;
        continue;
      }
      if (passes(options, file, now)) rows.push_back(std::move(file));
    }
  }
  std::string text;
  if (options.json) {
    for (const auto& f : rows) {
      std::int64_t secs = f.mtime_ns / 1000000000;
      text += "{\"process\":";
      appendJsonString(text, f.namespec);
      text += ",\"stream\":\"" + std::string(logStreamName(f.stream)) + "\",\"path\":";
      appendJsonString(text, f.path);
      text += ",\"backup\":" + std::to_string(f.backup) + ",\"size\":" + std::to_string(f.size) +
              ",\"mtime\":" + std::to_string(secs) + ",\"modified\":\"" +
              formatTime(secs, "%Y-%m-%dT%H:%M:%S%z") + "\"}\n";
    }
  } else {
    std::vector<std::string> sizes;
    std::size_t size_width = 0, name_width = 0;
    for (const auto& f : rows) {
      sizes.push_back(options.human ? humanSize(f.size) : std::to_string(f.size));
      size_width = std::max(size_width, sizes.back().size());
      name_width = std::max(name_width, f.namespec.size());
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& f = rows[i];
      text += std::string(size_width - sizes[i].size(), ' ') + sizes[i] + "  ";
      text += formatTime(f.mtime_ns / 1000000000, "%Y-%m-%d %H:%M:%S") + "  ";
      text += f.namespec + std::string(name_width - f.namespec.size(), ' ') + "  ";
      text += std::string(logStreamName(f.stream)) + "  " + f.path + "\n";
    }
  }
  out << text;
  out.flush();
  return status;
}

}  // namespace sup
