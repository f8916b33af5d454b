#include "logsearch/log_search.h"

#include <cstring>
#include <deque>
#include <memory>

#include "logsearch/file_scanner.h"
#include "logsearch/log_follow.h"
#include "logsearch/log_matcher.h"

namespace sup {

int runGrep(const GrepOptions& options, const std::vector<LogFileSet>& sets, std::ostream& out,
            std::ostream& err, const GrepRuntime& runtime) {
  if (options.help) {
    out << grepUsage() << '\n';
    return 0;
  }
  auto matcher = LogMatcher::create(options);
  if (!matcher) {
    err << matcher.error().message << '\n';
    return 2;
  }
  auto selected = selectLogFileSets(normalizeLogFileSets(sets), options.names);
  if (!selected) {
    err << "supervisorctl grep: " << selected.error().message << '\n';
    return 2;
  }
  std::vector<LogFileSet> streams;
  for (auto& set : *selected) {
    if (!options.stream || *options.stream == set.stream) streams.push_back(std::move(set));
  }

  SearchOutput output(out, options);
  ScanContext ctx{options, **matcher, output, err};
  ctx.need_lines = !(options.count || options.files_with_matches || options.quiet);
  std::deque<StreamTally> tallies;  // stable addresses for the scanners
  std::vector<FollowTarget> follow;

  for (const auto& set : streams) {
    StreamTally& tally = tallies.emplace_back();
    tally.set = &set;
    tally.label = set.namespec + ":" + std::string(logStreamName(set.stream));
    tally.done = options.max_count == 0;  // GNU grep -m 0 reads nothing
    auto files = listLogFiles(set);
    bool followed = false;
    for (const auto& file : files) {
      if (tally.done || ctx.stop_all) break;
      if (file.stat_errno) {
        ctx.error(file.path + ": " + std::strerror(file.stat_errno));
        continue;
      }
      if (file.is_directory) {
        ctx.error(file.path + ": Is a directory");
        continue;
      }
      auto scanner = std::make_unique<FileScanner>(ctx, tally, file.path);
      if (!scanner->open()) continue;
      const bool keep_following = options.follow && file.backup == 0;
      scanner->readAvailable(!keep_following);
      if (keep_following) {
        follow.push_back({&tally, std::move(scanner)});
        followed = true;
      } else {
        scanner->close();
      }
    }
    if (options.follow && !followed && !tally.done) {
      // No current file yet: follow its path until it appears.
      follow.push_back({&tally, std::make_unique<FileScanner>(ctx, tally, set.path)});
    }
    if (options.count && !files.empty()) output.count(tally);
    if (options.files_with_matches && tally.selected > 0) output.listed(tally);
    if (ctx.stop_all) break;
  }
  if (options.follow) {
    output.flush();
    followLogs(ctx, follow, runtime.stop_fd);
  }
  output.flush();
  if (options.quiet && ctx.any_selected) return 0;
  if (ctx.any_error) return 2;
  return ctx.any_selected ? 0 : 1;
}

}  // namespace sup
