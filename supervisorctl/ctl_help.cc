#include "supervisorctl/ctl_help.h"

#include <algorithm>

#include "supervisorctl/ctl_commands.h"

namespace sup::ctl {

const std::vector<std::string>& documentedCommands() {
  static const std::vector<std::string> cmds = [] {
    std::vector<std::string> v;
    for (const auto& c : ctlCommands()) {
      if (c.listing == Listing::kListed) v.emplace_back(c.name);
    }
    return v;
  }();
  return cmds;
}

std::vector<std::string> helpLines(const std::string& topic) {
  const CtlCommand* c = findCtlCommand(topic);
  if (!c || c->help.empty()) return {};
  std::vector<std::string> lines;
  std::string_view rest = c->help;
  while (true) {
    auto nl = rest.find('\n');
    lines.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return lines;
}

std::vector<std::string> columnize(const std::vector<std::string>& list, std::size_t width) {
  if (list.empty()) return {"<empty>"};
  std::size_t size = list.size();
  if (size == 1) return {list[0]};
  std::size_t nrows = 1, ncols = 1;
  std::vector<std::size_t> colwidths;
  bool fits = false;
  for (nrows = 1; nrows < size; ++nrows) {
    ncols = (size + nrows - 1) / nrows;
    colwidths.clear();
    long totwidth = -2;
    for (std::size_t col = 0; col < ncols; ++col) {
      std::size_t colwidth = 0;
      for (std::size_t row = 0; row < nrows; ++row) {
        std::size_t i = row + nrows * col;
        if (i >= size) break;
        colwidth = std::max(colwidth, list[i].size());
      }
      colwidths.push_back(colwidth);
      totwidth += static_cast<long>(colwidth) + 2;
      if (totwidth > static_cast<long>(width)) break;
    }
    if (totwidth <= static_cast<long>(width)) {
      fits = true;
      break;
    }
  }
  if (!fits) {
    nrows = size;
    ncols = 1;
    colwidths = {0};
  }
  std::vector<std::string> lines;
  for (std::size_t row = 0; row < nrows; ++row) {
    std::vector<std::string> texts;
    for (std::size_t col = 0; col < ncols; ++col) {
      std::size_t i = row + nrows * col;
      texts.push_back(i >= size ? std::string() : list[i]);
    }
    while (!texts.empty() && texts.back().empty()) texts.pop_back();
    std::string line;
    for (std::size_t col = 0; col < texts.size(); ++col) {
      std::string t = texts[col];
      if (t.size() < colwidths[col]) t += std::string(colwidths[col] - t.size(), ' ');
      if (col) line += "  ";
      line += t;
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> helpTable() {
  std::string header = "default commands (type help <topic>):";
  std::vector<std::string> lines = {"", header, std::string(header.size(), '=')};
  for (auto& l : columnize(documentedCommands(), 79)) lines.push_back(l);
  lines.push_back("");
  return lines;
}

}  // namespace sup::ctl
